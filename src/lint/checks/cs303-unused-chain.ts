// CS303 unused-chain: a user chain no other chain jumps or goes to. A chain that
// only jumps to itself is unused too (and CS302 reports the self-loop).
// Info severity: dead rules are harmless until someone edits them believing they matter.
import { catalogueEntry } from '../catalogue.js';
import { makeFinding } from '../finding.js';
import type { Check, Finding } from '../types.js';

export const check: Check = {
  ...catalogueEntry('CS303'),
  run(ctx) {
    const findings: Finding[] = [];
    for (const rs of ctx.rulesets)
      for (const table of rs.tables) {
        const graph = ctx.jumps(table);
        for (const chain of table.chains) {
          if (chain.builtin) continue;
          const callers = (graph.in.get(chain.name) ?? []).filter((j) => j.from !== chain);
          if (callers.length > 0) continue;
          const n = chain.rules.length;
          const consequence = n === 0 ? '' : n === 1 ? ': its rule never sees a packet' : `: its ${n} rules never see a packet`;
          findings.push(makeFinding(check, chain.loc, `chain '${chain.name}' in table ${table.name} is never jumped to${consequence}`));
        }
      }
    return findings;
  },
};
