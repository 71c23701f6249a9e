// `# chainsmith: disable=CS203,log-without-limit -- reason` on the line before a
// rule turns those checks off for that rule, in dumps and policies alike.

const SUPPRESS = /^#\s*chainsmith:\s*disable=([A-Za-z0-9_,\s-]+?)(?:\s+--(?:\s.*)?)?$/;

/** The codes or check names a comment line disables, or undefined when it is not a suppression. */
export function parseSuppression(commentLine: string): string[] | undefined {
  const m = SUPPRESS.exec(commentLine.trim());
  if (!m) return undefined;
  return m[1]!
    .split(/[,\s]+/)
    .filter(Boolean)
    .map((c) => (/^cs\d+$/i.test(c) ? c.toUpperCase() : c));
}

/** For a policy: the suppression on the last non-blank line before `line` (1-based), if it is one. */
export function suppressionBefore(lines: readonly string[], line: number): string[] | undefined {
  for (let i = line - 2; i >= 0; i--) {
    const t = lines[i]!.trim();
    if (t === '') continue;
    return t.startsWith('#') ? parseSuppression(t) : undefined;
  }
  return undefined;
}
