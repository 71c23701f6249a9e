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
        // Most quoted text has no backslash (a comment, a log prefix): up to the
        // closing quote in one slice, rather than added to a string a character
        // at a time (a dump with a comment on every rule made 100,000 such strings).
        const close = source.indexOf('"', i);
        if (close >= 0 && close < n && !hasBackslash(source, i, close)) {
          text += source.slice(i, close);
          i = close + 1;
          continue;
        }
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

  /** The text of a word that has quotes (unquoted, unescaped); undefined for a plain word, which is source[start, start + length). */
  unquoted(k: number): string | undefined {
    return this.quotedText[k];
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

  /** Offset in source one past the word's last character (the closing quote if quoted). */
  end(k: number): number {
    return this.ends[k];
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
 * A set of strings looked up by characters lying in a text (source, start,
 * end): a word is sliced into a string only the first time it is seen. The
 * parser keeps one string per distinct name this way: a 100,000-rule dump
 * repeats `tcp`, `ACCEPT` and `dport`, and slicing each just to find the
 * string already kept (and hashing every new slice) cost more.
 */
export class WordTable {
  private keys: Array<string | undefined> = new Array<string | undefined>(64).fill(undefined);
  private hashes = new Int32Array(64);
  private size = 0;

  /** The word of each length (modulo 16) found last: consecutive lines mostly name the same modules, targets and options. */
  private readonly recent: string[] = new Array<string>(16).fill('');

  /** The table's string equal to source[start, end), added if new. */
  intern(source: string, start: number, end: number): string {
    const length = end - start;
    const last = this.recent[length & 15]!;
    if (last.length === length && source.startsWith(last, start)) return last;
    const found = this.find(source, start, end);
    this.recent[length & 15] = found;
    return found;
  }

  private find(source: string, start: number, end: number): string {
    const h = hashRange(source, start, end);
    const keys = this.keys;
    const mask = keys.length - 1;
    const length = end - start;
    let i = h & mask;
    for (let k = keys[i]; k !== undefined; k = keys[(i = (i + 1) & mask)]) {
      if (this.hashes[i] === h && k.length === length && source.startsWith(k, start)) return k;
    }
    const s = source.slice(start, end);
    keys[i] = s;
    this.hashes[i] = h;
    if (++this.size * 2 > keys.length) this.grow();
    return s;
  }

  private grow(): void {
    const { keys, hashes } = this;
    const n = keys.length * 2;
    this.keys = new Array<string | undefined>(n).fill(undefined);
    this.hashes = new Int32Array(n);
    for (let j = 0; j < keys.length; j++) {
      const k = keys[j];
      if (k === undefined) continue;
      let i = hashes[j]! & (n - 1);
      while (this.keys[i] !== undefined) i = (i + 1) & (n - 1);
      this.keys[i] = k;
      this.hashes[i] = hashes[j]!;
    }
  }
}

/** FNV-1a over the UTF-16 code units of source[start, end), folded so the low bits depend on all of them. */
function hashRange(source: string, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ source.charCodeAt(i), 0x01000193);
  return h ^ (h >>> 15);
}

/**
 * Where the next character at or after `from` is that makes a line need the
 * general tokenizer: a double quote or whitespace other than ' ' and '\n'.
 * One search covers many lines (most dumps have few such characters).
 */
export class SpecialCharFinder {
  /** For each of SPECIAL_CHARS, its next offset at or after the last search (the source length if none). */
  private readonly next = [-1, -1, -1, -1, -1];

  constructor(private readonly source: string) {}

  /** Offset of the next special character at or after `from`, or the source length if none. */
  at(from: number): number {
    // One indexOf per character (a search for one character is a memchr):
    // a regex of the five was some 10 instructions a character of the dump.
    const next = this.next;
    let min = this.source.length;
    for (let j = 0; j < SPECIAL_CHARS.length; j++) {
      let at = next[j]!;
      if (at < from) {
        at = this.source.indexOf(SPECIAL_CHARS[j]!, from);
        next[j] = at = at < 0 ? this.source.length : at;
      }
      if (at < min) min = at;
    }
    return min;
  }
}

const SPECIAL_CHARS = ['\t', '\v', '\f', '\r', '"'];

/** A copy of a full array with twice the room. */
export function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

const QUOTE = 34;

/** Whether source[from, to) holds a backslash (a loop, not indexOf: that would search on to the end of a dump without any). */
function hasBackslash(source: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (source.charCodeAt(i) === 92) return true;
  return false;
}

/** Space, tab, CR, LF, VT, FF (what isspace() accepts in the C locale). */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** '0'..'9'. */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
