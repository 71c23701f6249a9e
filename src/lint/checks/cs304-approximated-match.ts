// CS304 approximated-match: rules with matches the packet space does not model
// (rate limits, marks, MAC addresses, ipsets, ...). The analysis treats each as
// "may or may not match", so CS101/CS102 stay silent where they depend on it;
// this info finding says where that blind spot is. One finding per rule.
//
// Only rules that take packets (a verdict, RETURN, a jump or goto) are
// reported: a LOG or MARK rule takes nothing, so its approximation cannot
// change any other finding. In a compiled policy, the generated defaults (e.g.
// the ICMPv6 neighbour-discovery accepts with `-m hl`) are not reported either:
// the user did not write them and cannot change them.
import { isCompiled, isGeneratedDefault } from '../../analysis/lint-analysis.js';
import { catalogueEntry } from '../catalogue.js';
import { makeFinding } from '../finding.js';
import type { Check, Finding } from '../types.js';

/** Match texts beyond this many are summarised, so one rule stays one line. */
const SHOWN = 3;

/** RuleReach.action values of rules that take packets from their chain. */
const TAKING = /^(ACCEPT|DROP|REJECT|UNKNOWN|RETURN|jump |goto )/;

export const check: Check = {
  ...catalogueEntry('CS304'),
  needs: ['space'],
  run(ctx) {
    const a = ctx.analysis();
    const findings: Finding[] = [];
    for (const rs of ctx.rulesets) {
      const compiled = isCompiled(rs);
      for (const table of rs.tables)
        for (const chain of table.chains) {
          // An index loop, as in forEachRule (ruleset/model.ts): this runs once, cold, over every rule.
          const reach = a.chainReach(rs, table, chain);
          for (let i = 0; i < reach.length; i++) {
            const r = reach[i]!;
            // Most rules are modelled exactly: that test first, it allocates nothing.
            const approximated = r.approximated;
            if (approximated.length === 0) continue;
            if (!TAKING.test(r.action) || (compiled && isGeneratedDefault(r.rule))) continue;
            const texts = [...new Set(approximated)];
            const shown = texts.slice(0, SHOWN).map((t) => `'${t}'`).join(', ');
            const more = texts.length > SHOWN ? ` and ${texts.length - SHOWN} more` : '';
            findings.push(
              makeFinding(check, ctx.ruleLoc(r.rule), `not modelled by the analysis: ${shown}${more}; findings about this rule and the rules after it are conservative`, { subject: r.rule }),
            );
          }
        }
    }
    return findings;
  },
};
