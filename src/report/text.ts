// `--format text` (the default): each finding as `FILE:LINE:COL: SEVERITY: MESSAGE [CODE]`,
// the source line with a caret, its related lines, then one summary line.
import { renderDiagnostic, type SourceMap } from '../diagnostics.js';
import { countBySeverity } from '../lint/run.js';
import type { Finding } from '../lint/types.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `2 errors, 1 warning, 0 info`. */
export function summaryLine(findings: readonly Finding[]): string {
  const c = countBySeverity(findings);
  return `${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${c.info} info`;
}

export function formatText(findings: readonly Finding[], sources?: SourceMap): string {
  const blocks = findings.map((f) => renderDiagnostic(f, sources));
  blocks.push(summaryLine(findings));
  return blocks.join('\n\n') + '\n';
}
