// CS204 default-accept-policy: filter INPUT/FORWARD where a packet no rule
// decides is accepted by the chain policy. A chain closed by a final
// unconditional DROP/REJECT (or a jump to a chain that ends so) is fine even
// with policy ACCEPT: that is how many tools write "default drop".
// A final unconditional -j ACCEPT under a DROP policy is CS202's business.
import { catalogueEntry } from '../catalogue.js';
import { makeFinding } from '../finding.js';
import { endsInDrop } from '../rules.js';
import { findChain, findTable } from '../../ruleset/model.js';
import type { Check, Finding } from '../types.js';

const GUARDED_CHAINS = ['INPUT', 'FORWARD'] as const;

export const check: Check = {
  ...catalogueEntry('CS204'),
  run(ctx) {
    const findings: Finding[] = [];
    for (const rs of ctx.rulesets) {
      const filter = findTable(rs, 'filter');
      if (!filter) continue;
      for (const name of GUARDED_CHAINS) {
        const chain = findChain(filter, name);
        if (!chain || chain.policy !== 'ACCEPT' || endsInDrop(filter, chain)) continue;
        findings.push(
          makeFinding(
            check,
            ctx.chainLoc(chain),
            `${rs.family} ${name}: packets no rule decides are accepted (policy ACCEPT, no final unconditional DROP); set ':${name} DROP' or end the chain with '-A ${name} -j DROP'`,
          ),
        );
      }
    }
    return findings;
  },
};
