// Builds the LintContext handed to every check: the inputs, plus shared lazily
// computed facts (jump graphs, the packet-space analysis) so no check recomputes them.
import type { Location } from '../diagnostics.js';
import type { Chain, Rule, Ruleset, Table } from '../ruleset/model.js';
import { buildJumpGraph } from './jumps.js';
import { elementLoc } from '../ruleset/parse.js';
import type { JumpGraph, LintContext, LintOptions, SpaceAnalysis } from './types.js';

export function createContext(rulesets: readonly Ruleset[], options: LintOptions = {}): LintContext {
  const graphs = new Map<Table, JumpGraph>();
  let analysis: SpaceAnalysis | undefined;
  return {
    rulesets,
    topology: options.topology,
    options,
    analysis() {
      if (!analysis) {
        if (!options.analysis) throw new Error('lint: a check that needs the packet-space analysis ran without one');
        analysis = options.analysis(rulesets);
      }
      return analysis;
    },
    ruleLoc(rule: Rule, part?: { loc?: Location }): Location {
      // A compiled rule is reported at the policy line it came from: that is what the user edits.
      // A parsed rule's shared elements have no loc of their own: elementLoc finds them in the line.
      return rule.origin ?? (part && elementLoc(rule, part)) ?? rule.loc;
    },
    chainLoc(chain: Chain): Location {
      return chain.policyLoc ?? chain.loc;
    },
    jumps(table: Table): JumpGraph {
      let g = graphs.get(table);
      if (!g) graphs.set(table, (g = buildJumpGraph(table)));
      return g;
    },
  };
}
