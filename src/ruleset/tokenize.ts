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
  const n = line.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    // Fast path: a word without quotes is a plain slice of the line (no per-character concatenation).
    let c = 0;
    while (i < n && !isSpace((c = line.charCodeAt(i))) && c !== QUOTE) i++;
    if (i >= n || c !== QUOTE) {
      tokens.push({ text: line.slice(start, i), column: start + 1, endColumn: i + 1, quoted: false });
      continue;
    }
    let text = line.slice(start, i);
    let quoted = false;
    while (i < n && !isSpace(line.charCodeAt(i))) {
      if (line.charCodeAt(i) === QUOTE) {
        quoted = true;
        const open = i;
        i++;
        let closed = false;
        while (i < n) {
          const ch = line[i]!;
          if (ch === '\\' && i + 1 < n) {
            text += line[i + 1];
            i += 2;
          } else if (ch === '"') {
            closed = true;
            i++;
            break;
          } else {
            text += ch;
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

const QUOTE = 34;

/** Space, tab, CR, LF, VT, FF (what isspace() accepts in the C locale). */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}
