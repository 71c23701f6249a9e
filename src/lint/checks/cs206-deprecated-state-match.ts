// CS206 deprecated-state-match: `-m state --state X` -> `-m conntrack --ctstate X`.
// Severity info: the kernel treats both alike, so this is style (ShellCheck's
// "info"), and the default --fail-on warning does not fail CI over it.
import { catalogueEntry } from '../catalogue.js';
import { makeFinding } from '../finding.js';
import { forEachRule } from '../../ruleset/model.js';
import type { Check, Finding } from '../types.js';

export const check: Check = {
  ...catalogueEntry('CS206'),
  run(ctx) {
    const findings: Finding[] = [];
    forEachRule(ctx.rulesets, (rule) => {
      const matches = rule.matches;
      for (let i = 0; i < matches.length; i++) {
        const match = matches[i]!;
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
    });
    return findings;
  },
};
