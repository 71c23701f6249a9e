// CS208 lockout-risk: INPUT drops (or rejects) every NEW tcp/22 packet on
// every interface but lo, whatever the unmodelled matches say: no address
// can open an SSH session to the host, so applying the ruleset over SSH cuts
// the session that applied it. Reported where an example SSH packet is
// dropped: the dropping rule, or the policy.
import { boxWith, STATE_BIT } from '../../analysis/box.js';
import { catalogueEntry } from '../catalogue.js';
import { findingWhereDecided } from './where-decided.js';
import { chainPackets, eachFilterChain, ifaceSet, packetText, protoSet, stateSet, witness } from '../../analysis/chain-facts.js';
import type { Check, Finding, LintContext } from '../types.js';

const SSH_PORT = 22;

function run(ctx: LintContext): Finding[] {
  const findings: Finding[] = [];
  eachFilterChain(ctx, ['INPUT'], (fc) => {
    const { sp } = fc;
    let ssh = sp.and(stateSet(sp, 'NEW'), sp.and(protoSet(sp, 'tcp'), sp.fieldEquals('dport', SSH_PORT)));
    ssh = sp.and(sp.diff(ssh, ifaceSet(sp, 'in', 'lo')), chainPackets(sp, 'INPUT'));
    const { certain, possible } = fc.boundsWithin(ssh, [boxWith({ stateMask: STATE_BIT.NEW!, proto: 6, dpLo: SSH_PORT, dpHi: SSH_PORT })]);
    // Dropped or rejected for sure: either one for sure, or nothing else possible.
    const refused = sp.or(sp.or(certain.drop, certain.reject), sp.diff(ssh, sp.or(possible.accept, possible.unknown)));
    if (!sp.implies(ssh, refused)) return;
    const w = witness(sp, ssh);
    if (!w) return;
    findings.push(findingWhereDecided(ctx, check, fc, w, `${fc.rs.family} INPUT drops every new SSH connection (tcp/22 from any address on any interface but lo), e.g. ${packetText(w.packet, 'INPUT')}: applying this ruleset over SSH locks you out; accept SSH from the administration network first`));
  });
  return findings;
}

export const check: Check = { ...catalogueEntry('CS208'), needs: ['space'], run };
