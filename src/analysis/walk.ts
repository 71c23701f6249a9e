// The kernel's traversal of one built-in chain for ONE packet: a stack of
// return points, -j pushes one, -g replaces the current frame, RETURN or the
// end of a chain pops one, and the built-in chain's policy decides when the
// stack is empty. "Does the rule match?" is the caller's (explain answers it
// from the packet-space encoding; the checks from an example packet's bits),
// so this file only knows control flow, following targets.ts.
import type { Chain, Rule, Table } from '../ruleset/model.js';
import { targetKind, type Verdict } from './targets.js';

export interface WalkStep {
  chain: Chain;
  rule: Rule;
}

export type WalkEnd =
  /** A rule decided (a verdict target, or a jump to a chain that does not exist: UNKNOWN). */
  | { by: 'rule'; verdict: Verdict; chain: Chain; rule: Rule; missingChain?: string }
  /** The packet fell off (or RETURNed from) the built-in chain: its policy decided. */
  | { by: 'policy'; verdict: Verdict; chain: Chain }
  /** The chains jump into each other in a cycle; the walk gave up in `chain`. */
  | { by: 'cycle'; verdict: 'UNKNOWN'; chain: Chain; rule?: Rule };

export interface WalkResult {
  end: WalkEnd;
  /** Every rule the packet matched, in the order it met them. */
  path: WalkStep[];
}

interface Frame {
  chain: Chain;
  next: number;
}

export function policyVerdict(chain: Chain): Verdict {
  return chain.policy === 'ACCEPT' || chain.policy === 'DROP' ? chain.policy : 'UNKNOWN';
}

export function walkChain(table: Table, start: Chain, matches: (rule: Rule, chain: Chain) => boolean): WalkResult {
  const path: WalkStep[] = [];
  const stack: Frame[] = [];
  let frame: Frame = { chain: start, next: 0 };
  const policy = (): WalkResult => ({ end: { by: 'policy', verdict: policyVerdict(start), chain: start }, path });
  // The kernel refuses jump cycles; a dump with one would loop here, so the walk is bounded.
  const budget = 64 * (1 + table.chains.reduce((n, c) => n + c.rules.length, 0));
  for (let steps = 0; steps < budget; steps++) {
    const rule = frame.chain.rules[frame.next];
    if (!rule) {
      const back = stack.pop();
      if (!back) return policy();
      frame = back;
      continue;
    }
    frame.next++;
    if (!matches(rule, frame.chain)) continue;
    path.push({ chain: frame.chain, rule });
    const kind = targetKind(rule, table);
    switch (kind.kind) {
      case 'continue':
        continue;
      case 'verdict':
        return { end: { by: 'rule', verdict: kind.verdict, chain: frame.chain, rule }, path };
      case 'return': {
        const back = stack.pop();
        if (!back) return policy();
        frame = back;
        continue;
      }
      case 'jump':
      case 'goto': {
        const callee = table.chains.find((c) => c.name === kind.chain && !c.builtin);
        if (!callee) return { end: { by: 'rule', verdict: 'UNKNOWN', chain: frame.chain, rule, missingChain: kind.chain }, path };
        if (kind.kind === 'jump') stack.push(frame);
        frame = { chain: callee, next: 0 };
        continue;
      }
    }
  }
  const last = path[path.length - 1];
  return { end: { by: 'cycle', verdict: 'UNKNOWN', chain: frame.chain, ...(last ? { rule: last.rule } : {}) }, path };
}
