// CS202 overly-broad-accept: an ACCEPT rule of INPUT or FORWARD that, for NEW
// packets, takes every protocol — or every port of tcp or udp — from any
// source address on any input interface but lo, towards some destination.
//
// Exact on the rule's own match set (not on what earlier rules leave it): take
// one destination (address, and output interface in FORWARD) the rule accepts
// a NEW packet for, and check that the rule accepts ALL new packets towards it
// from everywhere, of every protocol or of every tcp/udp port. Unmodelled
// matches (`-m set`, `-m recent`) count as not matching, so a rule that
// depends on one is never called broad. `-i lo` rules and ESTABLISHED-only
// rules take no such packets and are never flagged.
//
// Known limit: rules in user chains are not checked (what reaches them is
// restricted by the jumps into them).
import { catalogueEntry } from '../catalogue.js';
import { makeFinding } from '../finding.js';
import { chainPackets, filterChains, ifaceSet, packetText, protoSet, stateSet } from '../../analysis/chain-facts.js';
import { matchOf } from '../../analysis/spaces.js';
import { targetKind } from '../../analysis/targets.js';
import type { Rule } from '../../ruleset/model.js';
import { parseAddress } from '../../space/fields.js';
import type { Check, Finding, LintContext } from '../types.js';

const ANY_ADDRESS = new Set(['0.0.0.0/0', '::/0']);

/** Cheap syntactic pre-filter: a positive source or input interface restriction rules the rule out. */
function mayBeBroad(rule: Rule): boolean {
  if (rule.src && !rule.src.negated && !ANY_ADDRESS.has(rule.src.value)) return false;
  if (rule.inIface && !rule.inIface.negated && rule.inIface.value !== '+') return false;
  return true;
}

function run(ctx: LintContext): Finding[] {
  const findings: Finding[] = [];
  for (const fc of filterChains(ctx, ['INPUT', 'FORWARD'])) {
    const { sp, table, chain } = fc;
    // NEW packets from anywhere but lo, as this chain sees them.
    const fromAnywhere = sp.and(sp.diff(stateSet(sp, 'NEW'), ifaceSet(sp, 'in', 'lo')), chainPackets(sp, chain.name));
    for (const rule of chain.rules) {
      const k = targetKind(rule, table);
      if (k.kind !== 'verdict' || k.verdict !== 'ACCEPT' || !mayBeBroad(rule)) continue;
      const m = matchOf(sp, rule);
      const takes = m.approximated.length ? sp.certainly(m.set) : m.set;
      const example = sp.example(sp.and(takes, fromAnywhere));
      if (!example) continue;
      // Everything from anywhere towards the example's destination.
      let towards = sp.and(fromAnywhere, sp.fieldEquals('dst', parseAddress(example.dst, fc.rs.family)!));
      if (chain.name === 'FORWARD') towards = sp.and(towards, sp.fieldEquals('out', sp.interfaces.atomOf(example.out)));
      let what: string | undefined;
      if (sp.implies(towards, takes)) what = 'every protocol';
      else
        for (const proto of ['tcp', 'udp']) {
          const all = sp.and(towards, protoSet(sp, proto));
          if (sp.implies(all, takes)) {
            what = `every ${proto} port`;
            break;
          }
        }
      if (!what) continue;
      const to = chain.name === 'FORWARD' ? `${example.dst} (out ${example.out})` : example.dst;
      findings.push(
        makeFinding(
          check,
          ctx.ruleLoc(rule),
          `${fc.rs.family} ${chain.name}: this ACCEPT takes ${what} from any source on any interface, e.g. towards ${to}: ${packetText(example, chain.name)}; narrow it to the sources and services that need it`,
          { subject: rule },
        ),
      );
    }
  }
  return findings;
}

export const check: Check = { ...catalogueEntry('CS202'), needs: ['space'], run };
