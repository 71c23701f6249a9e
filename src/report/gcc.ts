// `--format gcc`: one line per finding in the form compilers print, which editors
// (Vim's quickfix, Emacs compile-mode, VS Code problem matchers) already parse.
import type { Severity } from '../diagnostics.js';
import type { Finding } from '../lint/types.js';

/** gcc has no "info"; its "note" is the level editors show as informational. */
const GCC_LEVEL: Readonly<Record<Severity, string>> = { error: 'error', warning: 'warning', info: 'note' };

export function formatGcc(findings: readonly Finding[]): string {
  const lines: string[] = [];
  for (const f of findings) {
    lines.push(`${f.loc.file}:${f.loc.line}:${f.loc.column}: ${GCC_LEVEL[f.severity]}: ${f.message} [${f.code}]`);
    for (const r of f.related) lines.push(`${r.loc.file}:${r.loc.line}:${r.loc.column}: note: ${r.message ?? 'related'}`);
  }
  return lines.map((l) => l + '\n').join('');
}
