// One entry point for the CLI: a format name and findings in, the report text out.
import type { SourceMap } from '../diagnostics.js';
import type { Finding } from '../lint/types.js';
import { formatGcc } from './gcc.js';
import { formatJson } from './json.js';
import { formatSarif, type SarifOptions } from './sarif.js';
import { formatText } from './text.js';

export const REPORT_FORMATS = ['text', 'json', 'sarif', 'gcc'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportOptions extends SarifOptions {
  /** Source texts for the text format's source lines and carets. */
  sources?: SourceMap;
}

export function formatFindings(format: ReportFormat, findings: readonly Finding[], opts: ReportOptions = {}): string {
  switch (format) {
    case 'text':
      return formatText(findings, opts.sources);
    case 'json':
      return formatJson(findings);
    case 'sarif':
      return formatSarif(findings, opts);
    case 'gcc':
      return formatGcc(findings);
  }
}

export { formatGcc, formatJson, formatSarif, formatText };
export { toJsonReport, type JsonReport, type JsonFinding } from './json.js';
export { toSarif, type SarifLog } from './sarif.js';
export { summaryLine } from './text.js';
