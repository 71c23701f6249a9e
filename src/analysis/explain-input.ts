// Loads the ruleset `chainsmith explain` walks: a policy (`*.policy`, compiled
// here; the rules keep their policy lines as origins) or an iptables-save dump.
import { ChainsmithError, type SourceMap } from '../diagnostics.js';
import type { Family, Ruleset } from '../ruleset/model.js';
import { parseRuleset } from '../ruleset/parse.js';
import type { Topology } from '../topology/types.js';

export interface LoadOptions {
  sources?: SourceMap;
  /** For policies: overrides the policy's `topology` line. */
  topology?: Topology | string;
}

/** The ruleset of the given family in the file; throws ChainsmithError for a broken input. */
export async function loadExplainRuleset(file: string, text: string, family: Family, opts: LoadOptions = {}): Promise<Ruleset> {
  opts.sources?.add(file, text);
  if (file.endsWith('.policy')) {
    // Loaded only for policies: the policy parser is the slowest module to load.
    const { compilePolicy } = await import('../compile/compile.js');
    const compiled = compilePolicy(text, file, { ...(opts.topology ? { topology: opts.topology } : {}), ...(opts.sources ? { sources: opts.sources } : {}) });
    const half = compiled[family];
    if (!half) {
      const name = family === 'ipv4' ? 'IPv4' : 'IPv6';
      throw new ChainsmithError([{ severity: 'error', loc: { file, line: 1, column: 1 }, message: `the policy compiles to no ${name} ruleset, so it has no verdict for an ${name} packet` }]);
    }
    return half.ruleset;
  }
  const { ruleset, diagnostics } = parseRuleset(text, file);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new ChainsmithError(errors);
  return ruleset;
}
