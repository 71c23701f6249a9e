// The parser's implementations of the model's Rule, Neg, Match, Option and
// Target. A 100,000-rule dump has some 600,000 of them, and a Location object
// on each (file, line, columns) was more than a quarter of the parsed model
// and much of the garbage collector's work. These keep where they were read
// as two fields, the parse's source and an offset in its text, and build the
// Location when `.loc` is read, which only findings, diagnostics and the
// canonical copy do.
//
// `loc` (and a rule's `text`, the line it was read from) is an accessor on
// the prototype, not an own property: a spread copy (`{ ...neg }`),
// Object.keys and structuredClone do not see it (canonical.ts copies both
// explicitly). JSON.stringify does, through toJSON.
import { lineStarts, type Location } from '../diagnostics.js';
import { BOX_SLOTS, type Counters, type Match, type Neg, type Option, type Rule, type Target } from './model.js';
import { LineWords } from './tokenize.js';

/**
 * The text one parse read, shared by every element it made: a position is an
 * offset in it, turned into a line and columns when a Location is asked for.
 */
export class ParsedSource {
  /** Offset where each line starts, found on the first request (most runs ask for few locations). */
  #lineStarts: Int32Array | undefined;
  /** The tokenizer, to find where a word ends (made on the first request). */
  #words: LineWords | undefined;

  constructor(
    readonly file: string,
    readonly text: string,
  ) {}

  /** The offset where each line starts, as the parser found them while reading (lineStarts(text) would find the same). */
  useLineStarts(starts: Int32Array): void {
    this.#lineStarts = starts;
  }

  /** 1-based number of the line holding offset: lines end at '\n', as the parser counts them. */
  line(offset: number): number {
    const starts = (this.#lineStarts ??= lineStarts(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** Offset where line (1-based) starts. */
  lineStart(line: number): number {
    return this.#lineStarts![line - 1]!;
  }

  /** Offset where line (1-based) ends: before its '\n' and one trailing '\r', as the parser reads it. */
  lineEnd(line: number): number {
    return this.lineEndFrom(this.#lineStarts![line - 1]!);
  }

  /** Offset where the line that starts at `start` ends, as lineEnd says. */
  lineEndFrom(start: number): number {
    const text = this.text;
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    return end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
  }

  /** The Location of the word starting at offset. */
  wordLoc(offset: number): Location {
    const line = this.line(offset);
    const start = this.lineStart(line);
    // The parser's own tokenizer, read from the word on: its first word is this one.
    const words = (this.#words ??= new LineWords()).scan(this.text, offset, this.lineEnd(line));
    return { file: this.file, line, column: offset - start + 1, endColumn: words.start(0) + words.length(0) - start + 1 };
  }
}

// Each class has its own copy of the position fields and accessors rather
// than a common base class: a derived class's constructor was not inlined
// where the parser makes its elements (a generic construct call for each).

export class ParsedNeg<T = string> implements Neg<T> {
  readonly #source: ParsedSource;
  /** Offset in the source text of the element's first word. */
  readonly #offset: number;

  constructor(
    public value: T,
    public negated: boolean,
    source: ParsedSource,
    offset: number,
  ) {
    this.#source = source;
    this.#offset = offset;
  }

  /** A new object on each read, as the parser used to make for every element. */
  get loc(): Location {
    return this.#source.wordLoc(this.#offset);
  }

  /** Assigning works as on a plain object: the value becomes an own property. */
  set loc(loc: Location | undefined) {
    defineLoc(this, loc);
  }

  /** What JSON.stringify printed for the plain `{ ..., loc }` objects these replace. */
  toJSON(): object {
    return { ...this, loc: this.loc };
  }
}

export class ParsedOption implements Option {
  readonly #source: ParsedSource;
  readonly #offset: number;

  constructor(
    public name: string,
    public negated: boolean,
    public args: string[],
    source: ParsedSource,
    offset: number,
  ) {
    this.#source = source;
    this.#offset = offset;
  }

  get loc(): Location {
    return this.#source.wordLoc(this.#offset);
  }

  set loc(loc: Location | undefined) {
    defineLoc(this, loc);
  }

  toJSON(): object {
    return { ...this, loc: this.loc };
  }
}

export class ParsedMatch implements Match {
  readonly #source: ParsedSource;
  readonly #offset: number;

  constructor(
    public module: string,
    public options: Option[],
    source: ParsedSource,
    offset: number,
  ) {
    this.#source = source;
    this.#offset = offset;
  }

  get loc(): Location {
    return this.#source.wordLoc(this.#offset);
  }

  set loc(loc: Location | undefined) {
    defineLoc(this, loc);
  }

  toJSON(): object {
    return { ...this, loc: this.loc };
  }
}

export class ParsedTarget implements Target {
  readonly #source: ParsedSource;
  readonly #offset: number;

  constructor(
    public name: string,
    public goto: boolean,
    public options: Option[],
    source: ParsedSource,
    offset: number,
  ) {
    this.#source = source;
    this.#offset = offset;
  }

  get loc(): Location {
    return this.#source.wordLoc(this.#offset);
  }

  set loc(loc: Location | undefined) {
    defineLoc(this, loc);
  }

  toJSON(): object {
    return { ...this, loc: this.loc };
  }
}

/** `x.loc = loc` on an element whose loc is an accessor: the value becomes an own property, as on a plain object. */
function defineLoc(x: object, loc: Location | undefined): void {
  Object.defineProperty(x, 'loc', { value: loc, writable: true, enumerable: true, configurable: true });
}

/**
 * A rule read from a dump. Its `loc` ({file, line, column: 1}) and `text`
 * (the line as written) are built when read, from the offset where its line
 * starts; the other fields are own properties, declared below (undefined
 * when the line has no such option). JSON.stringify prints loc, matches, the
 * fields the line sets (src, dst, inIface, outIface, proto, fragment, target,
 * in that order), text, counters, suppressions.
 */
export class ParsedRule implements Rule {
  readonly #source: ParsedSource;
  /** Offset in the source text where the rule's line starts. */
  readonly #offset: number;
  matches: Match[];
  // Every rule has every field from the start, undefined when the line has no
  // such option, so that all rules share one hidden class: code that reads
  // them (the boxes, every check) then sees one object shape instead of one
  // per combination of options, and the analysis' box slots need no new
  // property store per rule. JSON and the canonical copy leave undefined out.
  src: Neg | undefined = undefined;
  dst: Neg | undefined = undefined;
  inIface: Neg | undefined = undefined;
  outIface: Neg | undefined = undefined;
  proto: Neg | undefined = undefined;
  fragment: Neg<true> | undefined = undefined;
  target: Target | undefined = undefined;
  counters: Counters | undefined = undefined;
  [BOX_SLOTS.ipv4]: unknown = undefined;
  [BOX_SLOTS.ipv6]: unknown = undefined;

  constructor(source: ParsedSource, offset: number) {
    this.#source = source;
    this.#offset = offset;
    this.matches = none();
  }

  /** For a rule the parser made: its source and the offset where its line starts (to read the line again). */
  static positionOf(rule: object): { source: ParsedSource; offset: number } | undefined {
    return #source in rule ? { source: (rule as ParsedRule).#source, offset: (rule as ParsedRule).#offset } : undefined;
  }

  get loc(): Location {
    const source = this.#source;
    return { file: source.file, line: source.line(this.#offset), column: 1 };
  }

  set loc(loc: Location) {
    defineLoc(this, loc);
  }

  /** The line without its line break (and one '\r' before it), as the parser read it. */
  get text(): string {
    return this.#source.text.slice(this.#offset, this.#source.lineEndFrom(this.#offset));
  }

  set text(text: string | undefined) {
    Object.defineProperty(this, 'text', { value: text, writable: true, enumerable: true, configurable: true });
  }

  toJSON(): object {
    const { counters, suppressions, ...fields } = this as Rule;
    return { loc: this.loc, ...(fields as object), text: this.text, ...(counters ? { counters } : {}), ...(suppressions ? { suppressions } : {}) };
  }
}

/**
 * The shared empty list of a parsed rule's matches, a match's or target's
 * options, or an option's arguments (most targets and flags have none).
 * Frozen, so a caller that tries to add to it fails loudly instead of
 * changing every other rule.
 */
export function none<T>(): T[] {
  return NONE as T[];
}

const NONE: never[] = Object.freeze([]) as unknown as never[];
