// What `diff`, `plan` and `apply` compare: one side is a set of rulesets, at
// most one per address family. A policy (`*.policy`) is compiled (both
// families when it has IPv6 rules); anything else is an iptables-save dump of
// one family (inferred from its name and content, as `lint` does). Every side
// is canonicalised, so the structural diff compares what iptables-save would
// print and never reports spelling differences (`--dport` vs `--destination-port`).
import { ChainsmithError, type SourceMap } from '../diagnostics.js';
import { canonicalize } from '../ruleset/canonical.js';
import type { Family, Ruleset } from '../ruleset/model.js';
import { parseRuleset } from '../ruleset/parse.js';

import { isPolicyFile } from '../lint/inputs.js';
export { isPolicyFile };

export const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];

export interface DiffSide {
  /** A name for headers: the file as given, or e.g. "host". */
  name: string;
  rulesets: Partial<Record<Family, Ruleset>>;
}

export interface LoadOptions {
  sources?: SourceMap;
  /** A topology path that overrides a policy's `topology` line. */
  topology?: string;
  /**
   * Source comments on compiled rules (default true). Off when both sides are
   * policies: two versions of a policy differ in file name and line numbers, and
   * every `cluster.policy:NN` comment would show up as a change.
   */
  comments?: boolean;
}

/** Compiles or parses one input; throws ChainsmithError (located) when it is broken. */
export async function loadSide(file: string, text: string, opts: LoadOptions = {}): Promise<DiffSide> {
  opts.sources?.add(file, text);
  if (isPolicyFile(file)) {
    // Loaded on demand: the policy parser is the slowest module to load, and a dump needs none of it.
    const { compilePolicy } = await import('../compile/compile.js');
    const res = compilePolicy(text, file, {
      ...(opts.topology ? { topology: opts.topology } : {}),
      ...(opts.sources ? { sources: opts.sources } : {}),
      comments: opts.comments !== false,
    });
    const rulesets: DiffSide['rulesets'] = {};
    for (const family of FAMILIES) {
      const rs = res[family]?.ruleset;
      if (rs) rulesets[family] = canonicalize(rs);
    }
    return { name: file, rulesets };
  }
  const rs = parseDump(text, file);
  return { name: file, rulesets: { [rs.family]: rs } };
}

/** Parses a dump of a known or inferred family; any parse error makes the whole input unusable for a diff. */
export function parseDump(text: string, file: string, family?: Family): Ruleset {
  const { ruleset, diagnostics } = parseRuleset(text, file, family ? { family } : undefined);
  // A diff of a half-read file would report the unread rules as removed.
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new ChainsmithError(errors);
  return canonicalize(ruleset);
}

/** The families both sides have: the only ones a diff can compare. */
export function commonFamilies(a: DiffSide, b: DiffSide): Family[] {
  return FAMILIES.filter((f) => a.rulesets[f] && b.rulesets[f]);
}
