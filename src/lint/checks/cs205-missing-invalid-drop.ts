// CS205 missing-invalid-drop: INPUT or FORWARD accepts packets conntrack
// classifies INVALID. Exact: some INVALID packet is accepted by a rule
// whatever the unmodelled matches say (an early `--ctstate INVALID -j DROP`
// makes that set empty). Reported once per chain, at the first ACCEPT rule
// that takes such a packet (in rule order, following jumps). INVALID packets
// accepted only by the chain policy are CS204's business, not this check's.
//
// Exempt: loopback packets (the usual `-i lo -j ACCEPT` comes first on
// purpose), and ICMPv6, which must be accepted before any INVALID drop:
// conntrack leaves neighbour discovery and stray ICMPv6 errors untracked as
// INVALID, and RFC 4890 filtering accepts them by type.
import { boxWith, STATE_BIT } from '../../analysis/box.js';
import { catalogueEntry } from '../catalogue.js';
import { makeFinding } from '../finding.js';
import { chainPackets, decidedBy, eachFilterChain, ifaceSet, packetText, protoSet, stateSet, witness } from '../../analysis/chain-facts.js';
import { matchOf } from '../../analysis/spaces.js';
import { targetKind } from '../../analysis/targets.js';
import type { Check, Finding, LintContext } from '../types.js';

function run(ctx: LintContext): Finding[] {
  const findings: Finding[] = [];
  eachFilterChain(ctx, ['INPUT', 'FORWARD'], (fc) => {
    const { sp, table } = fc;
    let invalid = sp.and(stateSet(sp, 'INVALID'), chainPackets(sp, fc.chain.name));
    invalid = sp.diff(sp.diff(invalid, ifaceSet(sp, 'in', 'lo')), protoSet(sp, 'ipv6-icmp'));
    // Only INVALID packets matter: follow them alone (an early INVALID drop decides them all at once).
    const accepted = fc.boundsWithin(invalid, [boxWith({ stateMask: STATE_BIT.INVALID! })], { only: 'ACCEPT' }).certain.accept;
    if (sp.isEmpty(accepted)) return;
    // The accepting rules in table order; the walk of an example says which one really decides it.
    for (const chain of table.chains) {
      const found = chain.rules.find((rule) => {
        const k = targetKind(rule, table);
        if (k.kind !== 'verdict' || k.verdict !== 'ACCEPT') return false;
        const w = witness(sp, sp.and(accepted, matchOf(sp, rule).set));
        if (!w) return false;
        const end = decidedBy(fc, w);
        if (end.by !== 'rule' || end.rule !== rule) return false;
        findings.push(
          makeFinding(
            check,
            ctx.ruleLoc(rule),
            `${fc.rs.family} ${fc.chain.name}: INVALID packets reach this ACCEPT, e.g. ${packetText(w.packet, fc.chain.name)}; drop them first with '-A ${fc.chain.name} -m conntrack --ctstate INVALID -j DROP'`,
            { subject: rule },
          ),
        );
        return true;
      });
      if (found) break;
    }
  });
  return findings;
}

export const check: Check = { ...catalogueEntry('CS205'), needs: ['space'], run };
