// chainsmith's library API. The CLI (src/cli/) is a thin layer over these
// functions; diagnostics and findings are data, rendered only by src/report/.
export { ChainsmithError, SourceMap, renderDiagnostic, type Diagnostic, type Location, type Related, type Severity } from './diagnostics.js';

// parse -> resolve -> generate
export { parsePolicy, parsePolicyOrThrow } from './policy/parse.js';
export type { PolicyFile } from './policy/ast.js';
export { resolvePolicy, type ResolvedPolicy } from './policy/resolve.js';
export { loadTopology, parseTopology } from './topology/load.js';
export type { Topology, Zone, InterfaceInfo } from './topology/types.js';
export { compilePolicy, type CompileOptions, type CompileResult } from './compile/compile.js';

// rulesets
export type { Ruleset, Table, Chain, Rule, Match, Option, Target, Family } from './ruleset/model.js';
export { parseRuleset, inferFamily, elementLoc } from './ruleset/parse.js';
export { canonicalize } from './ruleset/canonical.js';
export { printRuleset, formatRule, formatCanonical } from './ruleset/print.js';

// lint
export { lintRulesets, exitCodeFor, resolveDisabled, CATALOGUE, CHECKS, type Finding, type LintOptions, type FailOn } from './lint/index.js';
export { lintInputs, type LintInput } from './lint/inputs.js';
export { formatFindings, REPORT_FORMATS, type ReportFormat } from './report/index.js';

// diff and explain
export { loadSide, type DiffSide } from './diff/inputs.js';
export { diffSides, type DiffResult, type DiffOptions } from './diff/index.js';
export { renderDiff, type DiffFormat } from './diff/render.js';
export { explainPacket, type ExplainPacket, type ExplainResult, type ExplainOptions } from './analysis/explain.js';
export { buildAnalysis } from './analysis/lint-analysis.js';
