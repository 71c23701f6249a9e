// The lint library API: run the checks, read the catalogue, decide the exit status.
export type { Check, CheckCode, CheckNeed, Finding, Jump, JumpGraph, LintContext, LintOptions, SpaceAnalysis } from './types.js';
export { CATALOGUE, catalogueEntry, docsPath, lookupCheck, type CatalogueEntry } from './catalogue.js';
export { CHECKS } from './registry.js';
export { atOrAbove, compareFindings, countBySeverity, exitCodeFor, lintRulesets, resolveDisabled, severityRank, type FailOn } from './run.js';
