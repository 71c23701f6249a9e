// `--format json`: exactly the shape of DESIGN.md section 5, for scripts and tests.
import type { Severity } from '../diagnostics.js';
import { countBySeverity } from '../lint/run.js';
import type { Finding } from '../lint/types.js';

export interface JsonFinding {
  code: string;
  check: string;
  severity: Severity;
  file: string;
  line: number;
  column: number;
  message: string;
  related: { file: string; line: number }[];
}

export interface JsonReport {
  version: 1;
  findings: JsonFinding[];
  summary: Record<Severity, number>;
}

export function toJsonReport(findings: readonly Finding[]): JsonReport {
  const counts = countBySeverity(findings);
  return {
    version: 1,
    // Built field by field, in the documented order: nothing internal (the subject rule) leaks out.
    findings: findings.map((f) => ({
      code: f.code,
      check: f.check,
      severity: f.severity,
      file: f.loc.file,
      line: f.loc.line,
      column: f.loc.column,
      message: f.message,
      related: f.related.map((r) => ({ file: r.loc.file, line: r.loc.line })),
    })),
    summary: { error: counts.error, warning: counts.warning, info: counts.info },
  };
}

export function formatJson(findings: readonly Finding[]): string {
  return JSON.stringify(toJsonReport(findings), null, 2) + '\n';
}
