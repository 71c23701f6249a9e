// Runs the checks over a set of rulesets and turns their findings into the
// stable, suppressed, sorted list the reporters print.
import { ChainsmithError, type Diagnostic, type Severity } from '../diagnostics.js';
import type { Ruleset } from '../ruleset/model.js';
import { compareCodeUnits, lookupCheck } from './catalogue.js';
import { createContext } from './context.js';
import { CHECKS } from './registry.js';
import type { Check, Finding, LintOptions } from './types.js';

export type FailOn = Severity | 'never';

const RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, error: 2 };

/** The codes --disable names, as codes; an unknown code or name is a usage error, not silently ignored. */
export function resolveDisabled(names: readonly string[]): Set<string> {
  const codes = new Set<string>();
  const bad: Diagnostic[] = [];
  for (const raw of names.flatMap((n) => n.split(',')).map((n) => n.trim()).filter(Boolean)) {
    const entry = lookupCheck(raw);
    if (entry) codes.add(entry.code);
    else bad.push({ severity: 'error', message: `--disable: unknown check '${raw}'`, loc: { file: '<command line>', line: 1, column: 1 } });
  }
  if (bad.length) throw new ChainsmithError(bad);
  return codes;
}

/** True when the check's needs are met by the options. */
export function canRun(check: Check, opts: LintOptions): boolean {
  return (check.needs ?? []).every((need) => (need === 'topology' ? opts.topology !== undefined : opts.analysis !== undefined));
}

/** True when the finding's rule carries `# chainsmith: disable=` for its code (or its name). */
function isSuppressed(f: Finding): boolean {
  const list = f.subject?.suppressions;
  if (!list) return false;
  return list.some((s) => {
    const entry = lookupCheck(s.trim());
    return entry?.code === f.code;
  });
}

export function compareFindings(a: Finding, b: Finding): number {
  if (a.loc.file !== b.loc.file) return a.loc.file < b.loc.file ? -1 : 1;
  return a.loc.line - b.loc.line || a.loc.column - b.loc.column || compareCodeUnits(a.code, b.code) || compareCodeUnits(a.message, b.message);
}

/**
 * Lints the rulesets of one host or one policy (e.g. its ipv4 and ipv6 halves).
 * Findings come back suppressed, de-duplicated and sorted by file, line, column, code.
 */
export function lintRulesets(rulesets: readonly Ruleset[], opts: LintOptions = {}, checks: readonly Check[] = CHECKS): Finding[] {
  const disabled = resolveDisabled(opts.disable ?? []);
  const ctx = createContext(rulesets, opts);
  const findings: Finding[] = [];
  for (const check of checks) {
    if (disabled.has(check.code) || !canRun(check, opts)) continue;
    for (const f of check.run(ctx)) if (!isSuppressed(f)) findings.push(f);
  }
  return dedupe(findings.sort(compareFindings));
}

/**
 * Several generated rules can share one policy origin (one policy line compiles to
 * ipv4 and ipv6 rules, or to one rule per port group): they would give the same
 * finding at the same place twice.
 */
function dedupe(sorted: Finding[]): Finding[] {
  const out: Finding[] = [];
  for (const f of sorted) {
    const prev = out[out.length - 1];
    if (prev && compareFindings(prev, f) === 0) continue;
    out.push(f);
  }
  return out;
}

export function severityRank(s: Severity): number {
  return RANK[s];
}

/** Findings at or above a severity. */
export function atOrAbove(findings: readonly Finding[], min: Severity): Finding[] {
  return findings.filter((f) => RANK[f.severity] >= RANK[min]);
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** The lint exit status: 1 when any finding is at or above --fail-on, else 0 (2 is the CLI's, for bad input). */
export function exitCodeFor(findings: readonly Finding[], failOn: FailOn): 0 | 1 {
  if (failOn === 'never') return 0;
  return atOrAbove(findings, failOn).length > 0 ? 1 : 0;
}
