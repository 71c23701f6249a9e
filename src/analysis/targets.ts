// What a rule's target does to the packets its matches take — the one place
// the analysis decides target semantics (reach.ts, verdict.ts, explain.ts and
// the semantic diff all ask here, so they can never disagree).
//
// - ACCEPT/DROP/REJECT end the traversal with that verdict; in the nat table
//   the NAT targets end the traversal of the chain too (they "accept" it).
// - Targets that end the traversal but whose outcome we cannot know (QUEUE,
//   NFQUEUE to userspace, TPROXY, SYNPROXY) have the verdict 'UNKNOWN'.
// - RETURN leaves the chain; -j CHAIN / -g CHAIN enter a user chain.
// - Everything else (LOG, MARK, CT, unknown extension targets, no target)
//   takes nothing: the packet continues with the next rule.
//
// A name that is neither a chain of the table nor a known target is a jump to
// a missing chain (CS301): it is returned as a jump, and the callers decide
// how to stay sound about it (verdict.ts: 'unknown'; reach.ts: takes nothing).
import { isTargetName } from '../lint/targets.js';
import type { Rule, Table } from '../ruleset/model.js';

export type Verdict = 'ACCEPT' | 'DROP' | 'REJECT' | 'UNKNOWN';

export type TargetKind =
  | { kind: 'verdict'; verdict: Verdict }
  | { kind: 'return' }
  | { kind: 'jump'; chain: string }
  | { kind: 'goto'; chain: string }
  | { kind: 'continue' };

/** NAT targets: the packet's traversal of the nat chain ends there (its mapping is decided). */
const NAT_TARGETS: ReadonlySet<string> = new Set(['DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'NETMAP', 'SAME']);

/** Targets that end the traversal with an outcome decided outside the ruleset. */
const OPAQUE_TERMINAL_TARGETS: ReadonlySet<string> = new Set(['QUEUE', 'NFQUEUE', 'TPROXY', 'SYNPROXY', 'MIRROR']);

const CONTINUE: TargetKind = Object.freeze({ kind: 'continue' });
const RETURN: TargetKind = Object.freeze({ kind: 'return' });

export function targetKind(rule: Rule, table: Table): TargetKind {
  const t = rule.target;
  if (!t) return CONTINUE;
  const name = t.name;
  // A goto always names a chain (iptables refuses `-g ACCEPT`).
  if (t.goto) return { kind: 'goto', chain: name };
  if (table.chains.some((c) => c.name === name && !c.builtin)) return { kind: 'jump', chain: name };
  switch (name) {
    case 'ACCEPT':
      return { kind: 'verdict', verdict: 'ACCEPT' };
    case 'DROP':
      return { kind: 'verdict', verdict: 'DROP' };
    case 'REJECT':
      return { kind: 'verdict', verdict: 'REJECT' };
    case 'RETURN':
      return RETURN;
  }
  if (NAT_TARGETS.has(name)) return table.name === 'nat' ? { kind: 'verdict', verdict: 'ACCEPT' } : CONTINUE;
  if (OPAQUE_TERMINAL_TARGETS.has(name)) return { kind: 'verdict', verdict: 'UNKNOWN' };
  if (isTargetName(name)) return CONTINUE;
  return { kind: 'jump', chain: name };
}

/** The chain a jump or goto enters, or undefined when the rule does not enter one. */
export function enteredChain(rule: Rule, table: Table): string | undefined {
  const k = targetKind(rule, table);
  return k.kind === 'jump' || k.kind === 'goto' ? k.chain : undefined;
}
