// Splits one iptables-restore line into words the way iptables-restore does
// (xtables add_param_to_argv): whitespace separates words, double quotes group
// words, and only inside double quotes does a backslash escape the next
// character. Single quotes are ordinary characters.

export interface Token {
  /** The word with quotes removed and escapes resolved. */
  text: string;
  /** 1-based column of the first character (the opening quote if quoted). */
  column: number;
  /** 1-based column one past the last character. */
  endColumn: number;
  /** True if any part of the word was quoted: such a word is never an option or `!`. */
  quoted: boolean;
}

export interface TokenizeResult {
  tokens: Token[];
  /** Column of an opening quote that is never closed, if any. */
  unterminatedQuoteAt?: number;
}

export function tokenizeLine(line: string): TokenizeResult {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && isSpace(line[i]!)) i++;
    if (i >= line.length) break;
    const start = i;
    // Fast path: a word without quotes is a plain slice of the line (no per-character concatenation).
    while (i < line.length && !isSpace(line[i]!) && line[i] !== '"') i++;
    if (i >= line.length || isSpace(line[i]!)) {
      tokens.push({ text: line.slice(start, i), column: start + 1, endColumn: i + 1, quoted: false });
      continue;
    }
    let text = line.slice(start, i);
    let quoted = false;
    while (i < line.length && !isSpace(line[i]!)) {
      if (line[i] === '"') {
        quoted = true;
        const open = i;
        i++;
        let closed = false;
        while (i < line.length) {
          const c = line[i]!;
          if (c === '\\' && i + 1 < line.length) {
            text += line[i + 1];
            i += 2;
          } else if (c === '"') {
            closed = true;
            i++;
            break;
          } else {
            text += c;
            i++;
          }
        }
        if (!closed) {
          tokens.push({ text, column: start + 1, endColumn: i + 1, quoted });
          return { tokens, unterminatedQuoteAt: open + 1 };
        }
      } else {
        text += line[i];
        i++;
      }
    }
    tokens.push({ text, column: start + 1, endColumn: i + 1, quoted });
  }
  return { tokens };
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\v' || c === '\f';
}
