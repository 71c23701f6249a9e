// CS103 unmatchable-rule: the rule's own matches exclude each other (`-p udp -m
// tcp`, a state list and its negation, an address outside the rule's own
// range), so its packet set is empty. Decided on the exact packet set, so
// unmodelled matches (opaque, may be true) never make a rule look empty.
import { catalogueEntry } from '../catalogue.js';
import { makeFinding } from '../finding.js';
import type { Check, Finding } from '../types.js';

export const check: Check = {
  ...catalogueEntry('CS103'),
  needs: ['space'],
  run(ctx) {
    const a = ctx.analysis();
    const findings: Finding[] = [];
    for (const rs of ctx.rulesets)
      for (const table of rs.tables)
        for (const chain of table.chains) {
          // An index loop, as in forEachRule (ruleset/model.ts): this runs once, cold, over every rule.
          const reach = a.chainReach(rs, table, chain);
          for (let i = 0; i < reach.length; i++) {
            const r = reach[i]!;
            if (!r.empty) continue;
            findings.push(
              makeFinding(check, ctx.ruleLoc(r.rule), 'rule matches no packet: its matches contradict each other', { subject: r.rule }),
            );
          }
        }
    return findings;
  },
};
