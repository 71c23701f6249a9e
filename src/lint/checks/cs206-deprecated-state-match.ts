// CS206 deprecated-state-match: `-m state --state X` -> `-m conntrack --ctstate X`.
// Severity info: the kernel treats both alike, so this is style (ShellCheck's
// "info"), and the default --fail-on warning does not fail CI over it.
import { catalogueEntry } from '../catalogue.js';
import { makeFinding } from '../finding.js';
import type { Check, Finding } from '../types.js';

export const check: Check = {
  ...catalogueEntry('CS206'),
  run(ctx) {
    const findings: Finding[] = [];
    for (const rs of ctx.rulesets)
      for (const table of rs.tables)
        for (const chain of table.chains)
          for (const rule of chain.rules)
            for (const match of rule.matches) {
              if (match.module !== 'state') continue;
              const state = match.options.find((o) => o.name === 'state');
              const replacement = state
                ? `-m conntrack ${state.negated ? '! ' : ''}--ctstate ${state.args.join(' ')}`
                : '-m conntrack --ctstate';
              findings.push(
                makeFinding(check, ctx.ruleLoc(rule, match), `'-m state' is the obsolete alias of conntrack; write '${replacement}'`, {
                  subject: rule,
                }),
              );
            }
    return findings;
  },
};
