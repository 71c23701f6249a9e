// CS301 undefined-chain: -j/-g to a name that is neither a target nor a chain of
// the same table. iptables-restore would reject the whole ruleset.
import { catalogueEntry } from '../catalogue.js';
import { makeFinding } from '../finding.js';
import { BUILTIN_TARGETS } from '../targets.js';
import { didYouMean } from '../../diagnostics.js';
import type { Check, Finding } from '../types.js';

export const check: Check = {
  ...catalogueEntry('CS301'),
  run(ctx) {
    const findings: Finding[] = [];
    for (const rs of ctx.rulesets)
      for (const table of rs.tables) {
        const chains = new Set(table.chains.map((c) => c.name));
        for (const jump of ctx.jumps(table).jumps) {
          if (chains.has(jump.to)) continue;
          const how = jump.goto ? 'goto' : 'jump';
          // `-g ACCEPT` names a verdict where a chain is required: a different mistake, a different hint.
          const hint = jump.goto && BUILTIN_TARGETS.has(jump.to)
            ? '; -g needs a user chain, use -j for a verdict'
            : didYouMean(jump.to, chains);
          findings.push(
            makeFinding(
              check,
              ctx.ruleLoc(jump.rule, jump.rule.target),
              `${how} to undefined chain '${jump.to}' in table ${table.name}${hint}`,
              { subject: jump.rule },
            ),
          );
        }
      }
    return findings;
  },
};
