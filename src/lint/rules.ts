// Facts about single rules and chains that several model-only checks share.
import type { Chain, Match, Rule, Table } from '../ruleset/model.js';
import { findChain } from '../ruleset/model.js';
import { DROPPING_TARGETS, isTargetName } from './targets.js';

/** Match modules that never restrict which packets a rule matches. */
const NON_RESTRICTING_MODULES: ReadonlySet<string> = new Set(['comment']);

const ANY_ADDRESS: ReadonlySet<string> = new Set(['0.0.0.0/0', '::/0']);

function isNonRestricting(m: Match): boolean {
  return NON_RESTRICTING_MODULES.has(m.module);
}

/**
 * A rule that matches every packet: no address, interface, protocol, fragment
 * or restricting match. With `holds`, every packet for which each of the
 * rule's matches passes `holds` (CS201: every ESTABLISHED packet, for a rule
 * whose matches are state matches that include ESTABLISHED).
 */
export function isUnconditional(rule: Rule, holds: (m: Match) => boolean = isNonRestricting): boolean {
  if (rule.src && !(ANY_ADDRESS.has(rule.src.value) && !rule.src.negated)) return false;
  if (rule.dst && !(ANY_ADDRESS.has(rule.dst.value) && !rule.dst.negated)) return false;
  if (rule.inIface || rule.outIface || rule.fragment) return false;
  if (rule.proto && !(rule.proto.value === 'all' && !rule.proto.negated)) return false;
  return rule.matches.every(holds);
}

/**
 * True when no packet leaves the chain by falling off its end: its last rule is
 * unconditional and drops (DROP, REJECT, or a jump/goto to a user chain that is
 * itself closed this way).
 *
 * A jumped-to chain counts as closed only if it has no RETURN rule, since a RETURN
 * would hand the packet back to the caller. Gotos from the middle of that chain
 * to chains that RETURN are not followed: the answer may then be "closed" when a
 * path leaks, which only ever hides a CS204/CS209 finding, never invents one.
 */
/** Targets that end the chain for every packet they take, without dropping it. */
const ENDING_WITHOUT_DROP: ReadonlySet<string> = new Set(['ACCEPT', 'QUEUE', 'NFQUEUE']);

export function endsInDrop(table: Table, chain: Chain, visiting: Set<string> = new Set()): boolean {
  // Walks the chain in order: the first unconditional DROP/REJECT (or unconditional
  // jump to a chain that closes) closes it, unless packets can leave before it
  // (a RETURN, or a goto into a chain that lets packets fall off its end).
  if (visiting.has(chain.name)) return false;
  visiting.add(chain.name);
  try {
    for (const rule of chain.rules) {
      const target = rule.target;
      if (!target) continue;
      const uncond = isUnconditional(rule);
      const name = target.name;
      if (name === 'RETURN') return false;
      if (DROPPING_TARGETS.has(name)) {
        if (uncond) return true;
        continue;
      }
      if (isTargetName(name)) {
        // An unconditional ACCEPT (or other verdict) ends the chain without a drop.
        if (uncond && ENDING_WITHOUT_DROP.has(name)) return false;
        continue;
      }
      const callee = findChain(table, name);
      if (!callee || callee.builtin) continue;
      const calleeCloses = endsInDrop(table, callee, new Set(visiting));
      if (target.goto) {
        // Packets that fall off a goto'd chain leave this chain too.
        if (!calleeCloses) return false;
        if (uncond) return true;
        continue;
      }
      // A jump: what the callee does not decide comes back and goes on here.
      if (uncond && calleeCloses) return true;
    }
    return false;
  } finally {
    visiting.delete(chain.name);
  }
}

/** True when packets no rule decides are dropped: DROP policy, or a closing drop rule. */
export function dropsByDefault(table: Table, chain: Chain): boolean {
  return chain.policy === 'DROP' || endsInDrop(table, chain);
}
