// Splits one iptables-restore line into words the way iptables-restore does
// (xtables add_param_to_argv): whitespace separates words, double quotes group
// words, and only inside double quotes does a backslash escape the next
// character. Single quotes are ordinary characters.

/**
 * The words of one line as offsets into the text that holds it, in typed
 * arrays reused from line to line: no string or object per word until a
 * word's text is asked for. The parser reads a 100,000-rule dump with one
 * instance; a Token object per word was a visible share of the garbage
 * collector's work.
 */
export class LineWords {
  /** The text the line is part of (a whole dump, or just the line). */
  source = '';
  /** Number of words (up to and including an unterminated quoted word). */
  count = 0;
  /** Column of an opening quote that is never closed, if any. */
  unterminatedQuoteAt: number | undefined;
  /** Offset of the line in source. */
  private lineStart = 0;
  /** Offset in source of each word's first character (the opening quote if quoted). */
  private starts: Int32Array = new Int32Array(64);
  /** Offset in source one past each word's last character. */
  private ends: Int32Array = new Int32Array(64);
  /** Unquoted, unescaped text of each word that has quotes; undefined for plain words (slices of source). */
  private quotedText: Array<string | undefined> = [];

  /**
   * Reads the line source[from, to). `spacesOnly` promises that the line has
   * no double quote and no whitespace but ' ' (so words end at the next
   * space, found with indexOf rather than character by character).
   */
  scan(source: string, from: number, to: number, spacesOnly = false): this {
    this.source = source;
    this.lineStart = from;
    this.count = 0;
    this.unterminatedQuoteAt = undefined;
    if (spacesOnly) this.scanSpaced(source, from, to);
    else this.scanGeneral(source, from, to);
    return this;
  }

  private scanSpaced(source: string, i: number, n: number): void {
    while (i < n) {
      if (source.charCodeAt(i) === 32) {
        i++;
        continue;
      }
      let end = source.indexOf(' ', i);
      if (end < 0 || end > n) end = n;
      this.push(i, end, undefined);
      i = end;
    }
  }

  private scanGeneral(source: string, i: number, n: number): void {
    while (i < n) {
      while (i < n && isSpace(source.charCodeAt(i))) i++;
      if (i >= n) break;
      const start = i;
      // A word without quotes is a plain slice of the source.
      let c = 0;
      while (i < n && !isSpace((c = source.charCodeAt(i))) && c !== QUOTE) i++;
      if (i >= n || c !== QUOTE) {
        this.push(start, i, undefined);
        continue;
      }
      i = this.scanQuoted(source, start, i, n);
      if (this.unterminatedQuoteAt !== undefined) break;
    }
  }

  /** The word at `start` from its first quote at `i` on (per character, with escapes); returns the offset after it. */
  private scanQuoted(source: string, start: number, i: number, n: number): number {
    let text = source.slice(start, i);
    while (i < n && !isSpace(source.charCodeAt(i))) {
      if (source.charCodeAt(i) === QUOTE) {
        const open = i;
        i++;
        let closed = false;
        while (i < n) {
          const ch = source[i]!;
          if (ch === '\\' && i + 1 < n) {
            text += source[i + 1];
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
          this.push(start, i, text);
          this.unterminatedQuoteAt = open - this.lineStart + 1;
          return i;
        }
      } else {
        text += source[i];
        i++;
      }
    }
    this.push(start, i, text);
    return i;
  }

  private push(start: number, end: number, quotedText: string | undefined): void {
    const k = this.count++;
    if (k === this.starts.length) {
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
    }
    this.starts[k] = start;
    this.ends[k] = end;
    this.quotedText[k] = quotedText;
  }

  /** The word with quotes removed and escapes resolved. */
  text(k: number): string {
    return this.quotedText[k] ?? this.source.slice(this.starts[k], this.ends[k]);
  }

  /** True if any part of the word was quoted: such a word is never an option or `!`. */
  quoted(k: number): boolean {
    return this.quotedText[k] !== undefined;
  }

  /** 1-based column of the word's first character (the opening quote if quoted). */
  column(k: number): number {
    return this.starts[k] - this.lineStart + 1;
  }

  /** 1-based column one past the word's last character. */
  endColumn(k: number): number {
    return this.ends[k] - this.lineStart + 1;
  }

  /** Offset in source of the word's first character. */
  start(k: number): number {
    return this.starts[k];
  }

  /** Length of the word as written. */
  length(k: number): number {
    return this.ends[k] - this.starts[k];
  }

  /** The word is `!` as written (not quoted). */
  isBang(k: number): boolean {
    return k < this.count && this.quotedText[k] === undefined && this.length(k) === 1 && this.source.charCodeAt(this.starts[k]) === 33;
  }

  /** The first character of the word (quotes removed), '' for an empty one. */
  firstChar(k: number): string {
    const q = this.quotedText[k];
    return q !== undefined ? q.charAt(0) : this.source.charAt(this.starts[k]);
  }

  /** Word k is `text`, quoted or not. */
  is(k: number, text: string): boolean {
    const q = this.quotedText[k];
    if (q !== undefined) return q === text;
    return this.length(k) === text.length && this.source.startsWith(text, this.starts[k]);
  }

  /**
   * The word is an option, unquoted: `-x` or `--xy` (a letter or digit after
   * the dashes), but not a negative number like `-1`. Same as
   * /^--?[A-Za-z0-9]/ and not /^-\d/ on the word, read in place.
   */
  isOption(k: number): boolean {
    if (k >= this.count || this.quotedText[k] !== undefined) return false;
    const source = this.source;
    const s = this.starts[k];
    const e = this.ends[k];
    if (source.charCodeAt(s) !== 45 /* - */) return false;
    const c1 = s + 1 < e ? source.charCodeAt(s + 1) : NaN;
    if (isDigit(c1)) return false;
    const c = c1 === 45 ? (s + 2 < e ? source.charCodeAt(s + 2) : NaN) : c1;
    return isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  }
}

/**
 * Where the next character at or after `from` is that makes a line need the
 * general tokenizer: a double quote or whitespace other than ' ' and '\n'.
 * One search covers many lines (most dumps have few such characters).
 */
export class SpecialCharFinder {
  private next = -1;
  private readonly re = /[\t\v\f\r"]/g;

  constructor(private readonly source: string) {}

  /** Offset of the next special character at or after `from`, or the source length if none. */
  at(from: number): number {
    if (this.next < from) {
      this.re.lastIndex = from;
      this.next = this.re.exec(this.source)?.index ?? this.source.length;
    }
    return this.next;
  }
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

const QUOTE = 34;

/** Space, tab, CR, LF, VT, FF (what isspace() accepts in the C locale). */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
