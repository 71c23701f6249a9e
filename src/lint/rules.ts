// Facts about single rules and chains that several model-only checks share.
import type { Chain, Rule, Table } from '../ruleset/model.js';
import { findChain } from '../ruleset/model.js';
import { DROPPING_TARGETS, isTargetName } from './targets.js';

/** Match modules that never restrict which packets a rule matches. */
const NON_RESTRICTING_MODULES: ReadonlySet<string> = new Set(['comment']);

const ANY_ADDRESS: ReadonlySet<string> = new Set(['0.0.0.0/0', '::/0']);

/** A rule that matches every packet: no address, interface, protocol, fragment or restricting match. */
export function isUnconditional(rule: Rule): boolean {
  if (rule.src && !(ANY_ADDRESS.has(rule.src.value) && !rule.src.negated)) return false;
  if (rule.dst && !(ANY_ADDRESS.has(rule.dst.value) && !rule.dst.negated)) return false;
  if (rule.inIface || rule.outIface || rule.fragment) return false;
  if (rule.proto && !(rule.proto.value === 'all' && !rule.proto.negated)) return false;
  return rule.matches.every((m) => NON_RESTRICTING_MODULES.has(m.module));
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
export function endsInDrop(table: Table, chain: Chain, visiting: Set<string> = new Set()): boolean {
  const last = chain.rules[chain.rules.length - 1];
  if (!last || !last.target || !isUnconditional(last)) return false;
  const name = last.target.name;
  if (DROPPING_TARGETS.has(name)) return true;
  if (isTargetName(name) || visiting.has(name)) return false;
  const callee = findChain(table, name);
  if (!callee || callee.builtin) return false;
  if (callee.rules.some((r) => r.target?.name === 'RETURN')) return false;
  visiting.add(chain.name);
  return endsInDrop(table, callee, visiting);
}

/** True when packets no rule decides are dropped: DROP policy, or a closing drop rule. */
export function dropsByDefault(table: Table, chain: Chain): boolean {
  return chain.policy === 'DROP' || endsInDrop(table, chain);
}
