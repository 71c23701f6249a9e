// CS207 missing-loopback: INPUT drops by default, and some NEW packet
// arriving on `lo` is dropped whatever the unmodelled matches say. Local
// services talk over lo (to 127.0.0.1 and to the host's own addresses), so
// every lo packet should be accepted: `-A INPUT -i lo -j ACCEPT` first.
// Reported where the example packet is dropped: the dropping rule, or the policy.
import { boxWith, STATE_BIT } from '../../analysis/box.js';
import { catalogueEntry } from '../catalogue.js';
import { findingWhereDecided } from './where-decided.js';
import { dropsByDefault } from '../rules.js';
import { chainPackets, eachFilterChain, ifaceSet, packetText, stateSet, witness } from '../../analysis/chain-facts.js';
import type { Check, Finding, LintContext } from '../types.js';

function run(ctx: LintContext): Finding[] {
  const findings: Finding[] = [];
  eachFilterChain(ctx, ['INPUT'], (fc) => {
    if (!dropsByDefault(fc.table, fc.chain)) return;
    const { sp } = fc;
    const loopback = sp.and(sp.and(stateSet(sp, 'NEW'), ifaceSet(sp, 'in', 'lo')), chainPackets(sp, 'INPUT'));
    const refused = sp.diff(loopback, fc.boundsWithin(loopback, [boxWith({ stateMask: STATE_BIT.NEW!, inIf: 'lo' })]).possible.accept);
    const w = witness(sp, refused);
    if (!w) return;
    findings.push(findingWhereDecided(ctx, check, fc, w, `${fc.rs.family} INPUT drops loopback traffic, e.g. ${packetText(w.packet, 'INPUT')}; accept it first with '-A INPUT -i lo -j ACCEPT'`));
  });
  return findings;
}

export const check: Check = { ...catalogueEntry('CS207'), needs: ['space'], run };
