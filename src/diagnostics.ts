// Diagnostics are data. Every stage (parser, resolver, compiler, linter) produces
// them; only the reporters in src/report/ and renderDiagnostic turn them into text.

export type Severity = 'error' | 'warning' | 'info';

/** A 1-based position in a named input ("-" is stdin). */
export interface Location {
  file: string;
  line: number;
  column: number;
  /** 1-based column one past the last character of the offending token, when known. */
  endColumn?: number;
}

export interface Related {
  loc: Location;
  message?: string;
}

export interface Diagnostic {
  severity: Severity;
  message: string;
  loc: Location;
  /** Lint code (CS101...) for findings; absent for plain input errors. */
  code?: string;
  related?: Related[];
}

/** Thrown by library functions for bad input; carries every diagnostic found, never a stack trace for the user. */
export class ChainsmithError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => `${d.loc.file}:${d.loc.line}:${d.loc.column}: ${d.severity}: ${d.message}`).join('\n'));
    this.name = 'ChainsmithError';
    this.diagnostics = diagnostics;
  }
}

export function error(loc: Location, message: string, related?: Related[]): Diagnostic {
  return related && related.length ? { severity: 'error', message, loc, related } : { severity: 'error', message, loc };
}

/**
 * Source texts by file name, so renderers can show the offending line. Lines
 * are found on the first request for a file (most runs of a large dump render
 * no line at all): a line is what `text.split(/\r?\n/)` would give.
 */
export class SourceMap {
  private readonly texts = new Map<string, string>();
  /** Per file, the offset where each line starts (built on first use). */
  private readonly starts = new Map<string, Int32Array>();
  add(file: string, text: string): void {
    this.texts.set(file, text);
    this.starts.delete(file);
  }
  line(file: string, line: number): string | undefined {
    const text = this.texts.get(file);
    if (text === undefined) return undefined;
    let starts = this.starts.get(file);
    if (!starts) this.starts.set(file, (starts = lineStarts(text)));
    if (!(line >= 1 && line <= starts.length)) return undefined;
    const start = starts[line - 1]!;
    const last = line === starts.length;
    let end = last ? text.length : starts[line]! - 1;
    // A line break is \n or \r\n; a lone \r (and one ending the text) stays in the line.
    if (!last && end > start && text.charCodeAt(end - 1) === 13) end--;
    return text.slice(start, end);
  }
}

/** Offset where each line of text starts (lines end at '\n'). */
export function lineStarts(text: string): Int32Array {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  const starts = new Int32Array(n);
  let k = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts[k++] = i + 1;
  return starts;
}

/** The caret line under `column` (1-based), widened to the token when endColumn is known. Tabs are kept so the caret lines up. */
export function caretLine(source: string, column: number, endColumn?: number): string {
  let pad = '';
  for (let i = 0; i < column - 1 && i < source.length; i++) pad += source[i] === '\t' ? '\t' : ' ';
  const width = endColumn && endColumn > column ? endColumn - column : 1;
  return pad + '^' + '~'.repeat(Math.max(0, width - 1));
}

/** `FILE:LINE:COL: error: MESSAGE`, the source line and a caret, then related locations. */
export function renderDiagnostic(d: Diagnostic, sources?: SourceMap): string {
  const out: string[] = [];
  const code = d.code ? ` [${d.code}]` : '';
  out.push(`${d.loc.file}:${d.loc.line}:${d.loc.column}: ${d.severity}: ${d.message}${code}`);
  const src = sources?.line(d.loc.file, d.loc.line);
  if (src !== undefined) {
    out.push(src);
    out.push(caretLine(src, d.loc.column, d.loc.endColumn));
  }
  for (const r of d.related ?? []) {
    out.push(`${r.loc.file}:${r.loc.line}:${r.loc.column}: note: ${r.message ?? 'related'}`);
    const rs = sources?.line(r.loc.file, r.loc.line);
    if (rs !== undefined) {
      out.push(rs);
      out.push(caretLine(rs, r.loc.column, r.loc.endColumn));
    }
  }
  return out.join('\n');
}

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment), for "did you mean". */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push(new Array<number>(b.length + 1).fill(0));
    rows[i]![0] = i;
  }
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  return rows[a.length]![b.length]!;
}

/** The nearest candidate within a distance that scales with the name, or undefined. */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD || (d === bestD && best !== undefined && c < best)) {
      best = c;
      bestD = d;
    }
  }
  const limit = Math.max(1, Math.floor(name.length / 3));
  return bestD <= limit ? best : undefined;
}

export function didYouMean(name: string, candidates: Iterable<string>): string {
  const s = suggest(name, candidates);
  return s ? `; did you mean '${s}'?` : '';
}

/** A short, human reason for a failed file operation (no errno codes, no stack). */
export function describeIoError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const known: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
    ENOTDIR: 'not a directory',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on device',
  };
  return (code && known[code]) ?? (e instanceof Error ? e.message : String(e));
}
