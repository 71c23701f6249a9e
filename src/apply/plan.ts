// `chainsmith plan POLICY`: the diff from what this host runs now to what the
// policy compiles to. Read-only: it only calls iptables-save.
//
// Only what `apply` would replace is compared: the families the policy has
// and, in each, the tables it has (iptables-restore replaces exactly the
// tables named in its input, so a host's nat table, say, is not part of the
// change when the policy only writes filter).
import type { Family, Ruleset } from '../ruleset/model.js';
import { diffSides, type DiffResult, type DiffOptions } from '../diff/index.js';
import { FAMILIES, parseDump, type DiffSide } from '../diff/inputs.js';
import type { Host } from './host.js';

/** The host's current rules for the given families, as a diff side named "host". */
export function hostSide(host: Host, families: readonly Family[], opts: { counters?: boolean } = {}): { side: DiffSide; saved: Partial<Record<Family, string>> } {
  const rulesets: Partial<Record<Family, Ruleset>> = {};
  const saved: Partial<Record<Family, string>> = {};
  for (const family of families) {
    const text = host.save(family, opts);
    saved[family] = text;
    rulesets[family] = parseDump(text, `host (${family === 'ipv6' ? 'ip6tables' : 'iptables'}-save)`, family);
  }
  return { side: { name: 'host', rulesets }, saved };
}

export function familiesOf(side: DiffSide): Family[] {
  return FAMILIES.filter((f) => side.rulesets[f]);
}

export function planAgainst(current: DiffSide, target: DiffSide, opts: DiffOptions = {}): DiffResult {
  return diffSides(current, target, { ...opts, onlyNewTables: true });
}

/** True when loading `target` would change no rule, policy or chain (counters aside). */
export function nothingToApply(plan: DiffResult): boolean {
  return plan.structural.length === 0 && plan.patches.length === 0;
}
