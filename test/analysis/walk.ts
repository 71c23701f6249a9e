// A plain first-match interpreter for whole rulesets, for the property tests:
// walks a concrete packet through a chain with jumps, gotos and RETURN, rule by
// rule (test/space/interpreter.ts decides single matches). Written apart from
// src/analysis on purpose: it shares no code with it.
import type { Chain, Rule, Table } from '../../src/ruleset/model.js';
import type { Packet } from '../../src/space/packet-space.js';
import { interpret } from '../space/interpreter.js';

export type Outcome = 'ACCEPT' | 'DROP' | 'REJECT' | 'return';

/**
 * Walks `p` from the top of `chain`. Every rule the packet arrives at and may
 * match (its matches say true or 'unknown') is added to `reached`; unknown
 * matches are then taken as false, one valid choice for predicates the
 * interpreter cannot decide.
 */
export function walk(table: Table, chain: Chain, p: Packet, reached: Set<Rule>, depth = 0): Outcome {
  if (depth > 32) throw new Error('walk: jump cycle');
  for (const r of chain.rules) {
    const m = interpret(r, p);
    if (m === false) continue;
    reached.add(r);
    if (m !== true) continue;
    const t = r.target;
    if (!t) continue;
    if (t.name === 'ACCEPT' || t.name === 'DROP' || t.name === 'REJECT') return t.name;
    if (t.name === 'RETURN') return 'return';
    const callee = table.chains.find((c) => c.name === t.name && !c.builtin);
    if (!callee) continue; // LOG and other non-terminal targets
    const res = walk(table, callee, p, reached, depth + 1);
    // A goto's callee ends this chain too; a jump's RETURN continues here.
    if (t.goto || res !== 'return') return res;
  }
  return 'return';
}
