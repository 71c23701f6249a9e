// CS401 unknown-interface: -i/-o naming an interface the topology does not
// define. `lo` always exists. A `+` wildcard (`br0.+`) is fine when it matches
// at least one known name. Negated names are checked too: `! -i eht0` is as much
// a typo as `-i eht0`. physdev names are not checked: they are guest tap devices
// (vnet0, tap...) the topology does not list.
import { catalogueEntry } from '../catalogue.js';
import { makeFinding } from '../finding.js';
import { didYouMean } from '../../diagnostics.js';
import { forEachRule, type Neg, type Rule } from '../../ruleset/model.js';
import type { Topology } from '../../topology/types.js';
import type { Check, Finding, LintContext } from '../types.js';

export function knownInterfaces(topology: Topology): Set<string> {
  const names = new Set<string>(['lo']);
  for (const name of topology.interfaces.keys()) names.add(name);
  for (const info of topology.interfaces.values()) for (const port of info.ports ?? []) names.add(port);
  for (const zone of topology.zones.values()) for (const name of zone.interfaces) names.add(name);
  return names;
}

function isKnown(name: string, known: ReadonlySet<string>): boolean {
  if (!name.endsWith('+')) return known.has(name);
  const prefix = name.slice(0, -1);
  for (const k of known) if (k.startsWith(prefix)) return true;
  return false;
}

/** Reports `iface` (the rule's -i or -o) when the topology has no such interface. */
function checkSide(ctx: LintContext, rule: Rule, flag: string, iface: Neg | undefined, known: ReadonlySet<string>, file: string, findings: Finding[]): void {
  if (!iface || isKnown(iface.value, known)) return;
  const what = iface.value.endsWith('+') ? `wildcard '${iface.value}' matches no interface` : `interface '${iface.value}' is not`;
  findings.push(makeFinding(check, ctx.ruleLoc(rule, iface), `${flag} ${what} in topology ${file}${didYouMean(iface.value, known)}`, { subject: rule }));
}

export const check: Check = {
  ...catalogueEntry('CS401'),
  needs: ['topology'],
  run(ctx) {
    const topology = ctx.topology;
    if (!topology) return [];
    const known = knownInterfaces(topology);
    // Loops into one list: most rules name no interface, and a 100,000-rule dump made four arrays per rule.
    const findings: Finding[] = [];
    forEachRule(ctx.rulesets, (rule) => {
      checkSide(ctx, rule, '-i', rule.inIface, known, topology.file, findings);
      checkSide(ctx, rule, '-o', rule.outIface, known, topology.file, findings);
    });
    return findings;
  },
};
