// A small JSON parser that remembers where every value sits in the text.
//
// JSON.parse gives neither positions nor duplicate keys, and the topology's
// diagnostics must point at the offending line and column of the file the user
// edits, by JSON pointer (the same paths ajv reports). So this parser builds the
// value and, beside it, a JSON-pointer -> position table. It follows RFC 8259
// exactly (no comments, no trailing commas); string and number tokens are
// recognised with the RFC's grammar and decoded by JSON.parse itself, so their
// values are exactly what JSON.parse would give.
import { ChainsmithError, error, type Diagnostic, type Location } from '../diagnostics.js';

/** Where one token or value starts, plus its end column when it fits on one line. */
export interface Span {
  offset: number;
  line: number;
  column: number;
  endColumn?: number;
}

/** The value's span and, for an object member, its key's span. */
export interface NodePosition {
  key?: Span;
  value: Span;
}

export interface JsonDocument {
  value: unknown;
  /** By JSON pointer ("" is the whole document, "/bridges/br0/mtu" a member). */
  positions: Map<string, NodePosition>;
  /** Duplicate object keys: legal for JSON.parse (the last wins) but always a mistake here. */
  diagnostics: Diagnostic[];
}

/** RFC 6901 escaping of one reference token. */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function joinPointer(base: string, token: string | number): string {
  return `${base}/${escapePointerToken(String(token))}`;
}

/** "" is shown as "/" so a message never starts with a bare colon. */
export function displayPointer(pointer: string): string {
  return pointer === '' ? '/' : pointer;
}

const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;
const LITERALS: Array<[string, unknown]> = [
  ['true', true],
  ['false', false],
  ['null', null],
];

/** Converts offsets to 1-based line/column, by binary search over line starts. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.starts.push(i + 1);
  }
  span(offset: number, length?: number): Span {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const column = offset - this.starts[lo]! + 1;
    const span: Span = { offset, line: lo + 1, column };
    if (length !== undefined && length > 0 && !this.text.slice(offset, offset + length).includes('\n')) {
      span.endColumn = column + length;
    }
    return span;
  }
}

class Parser {
  private pos = 0;
  private readonly lines: LineIndex;
  readonly positions = new Map<string, NodePosition>();
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {
    this.lines = new LineIndex(text);
  }

  parseDocument(): unknown {
    this.skipWhitespace();
    const value = this.parseValue('', undefined);
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail('unexpected text after the end of the JSON document');
    return value;
  }

  private loc(offset: number, length?: number): Location {
    const s = this.lines.span(offset, length);
    return s.endColumn === undefined
      ? { file: this.file, line: s.line, column: s.column }
      : { file: this.file, line: s.line, column: s.column, endColumn: s.endColumn };
  }

  /** A syntax error ends parsing: there is no sensible value to go on with. */
  private fail(message: string, offset = this.pos): never {
    throw new ChainsmithError([error(this.loc(offset, 1), `invalid JSON: ${message}`)]);
  }

  /** Names the character found, for "expected X, found Y" messages. */
  private found(): string {
    if (this.pos >= this.text.length) return 'the end of the file';
    const c = this.text[this.pos]!;
    if (c === '/' && (this.text[this.pos + 1] === '/' || this.text[this.pos + 1] === '*')) {
      return 'a comment (JSON has none; use a "description" property)';
    }
    return `'${c}'`;
  }

  private skipWhitespace(): void {
    WHITESPACE.lastIndex = this.pos;
    WHITESPACE.exec(this.text);
    this.pos = WHITESPACE.lastIndex;
  }

  private parseValue(pointer: string, key: Span | undefined): unknown {
    const start = this.pos;
    const c = this.text[this.pos];
    let value: unknown;
    if (c === '{') value = this.parseObject(pointer);
    else if (c === '[') value = this.parseArray(pointer);
    else if (c === '"') value = this.parseString();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) value = this.parseNumber();
    else {
      const literal = LITERALS.find(([word]) => this.text.startsWith(word, this.pos));
      if (!literal) this.fail(`expected a value, found ${this.found()}`);
      this.pos += literal[0].length;
      value = literal[1];
    }
    // Containers get a one-character span (their opening bracket); scalars their whole token.
    const length = typeof value === 'object' && value !== null ? 1 : this.pos - start;
    const node: NodePosition = { value: this.lines.span(start, length) };
    if (key) node.key = key;
    this.positions.set(pointer, node);
    return value;
  }

  private parseString(): string {
    STRING.lastIndex = this.pos;
    const m = STRING.exec(this.text);
    if (!m) this.failString();
    this.pos = STRING.lastIndex;
    return JSON.parse(m[0]) as string;
  }

  /** Says why a string token is malformed, pointing at the bad character. */
  private failString(): never {
    for (let i = this.pos + 1; i < this.text.length; i++) {
      const c = this.text[i]!;
      if (c === '"') break;
      if (c < ' ') this.fail('a string may not contain a raw control character or line break (write \\n)', i);
      if (c === '\\') {
        const next = this.text[i + 1];
        if (next === 'u' ? !/^[0-9a-fA-F]{4}$/.test(this.text.slice(i + 2, i + 6)) : !'"\\/bfnrt'.includes(next ?? 'x')) {
          this.fail('invalid escape sequence in string', i);
        }
        i++;
      }
    }
    this.fail('unterminated string');
  }

  private parseNumber(): number {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m) this.fail(`invalid number`);
    this.pos = NUMBER.lastIndex;
    return JSON.parse(m[0]) as number;
  }

  private parseObject(pointer: string): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    const seen = new Map<string, Span>();
    this.pos++; // '{'
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return result;
    }
    for (;;) {
      if (this.text[this.pos] !== '"') {
        this.fail(`expected a property name in double quotes, found ${this.found()}`);
      }
      const keyStart = this.pos;
      const name = this.parseString();
      const keySpan = this.lines.span(keyStart, this.pos - keyStart);
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail(`expected ':' after property name, found ${this.found()}`);
      this.pos++;
      this.skipWhitespace();
      const childPointer = joinPointer(pointer, name);
      const first = seen.get(name);
      if (first) this.reportDuplicate(childPointer, name, keyStart, first);
      seen.set(name, keySpan);
      // defineProperty, as JSON.parse does: a key "__proto__" stays an ordinary member.
      Object.defineProperty(result, name, {
        value: this.parseValue(childPointer, keySpan),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.skipWhitespace();
      const c = this.text[this.pos];
      if (c !== ',' && c !== '}') this.fail(`expected ',' or '}' after a property value, found ${this.found()}`);
      const comma = this.pos++;
      if (c === '}') return result;
      this.skipWhitespace();
      if (this.text[this.pos] === '}') this.fail('trailing comma before \'}\' (JSON does not allow one)', comma);
    }
  }

  private parseArray(pointer: string): unknown[] {
    const result: unknown[] = [];
    this.pos++; // '['
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return result;
    }
    for (;;) {
      result.push(this.parseValue(joinPointer(pointer, result.length), undefined));
      this.skipWhitespace();
      const c = this.text[this.pos];
      if (c !== ',' && c !== ']') this.fail(`expected ',' or ']' after an array item, found ${this.found()}`);
      const comma = this.pos++;
      if (c === ']') return result;
      this.skipWhitespace();
      if (this.text[this.pos] === ']') this.fail('trailing comma before \']\' (JSON does not allow one)', comma);
    }
  }

  private reportDuplicate(pointer: string, name: string, offset: number, first: Span): void {
    // "zone" twice is the one way JSON lets an interface name two zones; say so.
    const why = name === 'zone' ? ' (an interface carries one zone)' : '';
    this.diagnostics.push(
      error(this.loc(offset, name.length + 2), `${pointer}: duplicate property '${name}'${why}`, [
        { loc: { file: this.file, line: first.line, column: first.column }, message: `'${name}' first given here` },
      ]),
    );
  }
}

/** Parses JSON text, recording positions. Throws ChainsmithError (with line:col) on a syntax error. */
export function parseJsonWithPositions(text: string, file: string): JsonDocument {
  // A UTF-8 byte order mark is not JSON whitespace, but editors write one; skip it
  // by blanking it so offsets (and so columns) stay those of the file.
  const source = text.startsWith('\uFEFF') ? ' ' + text.slice(1) : text;
  const parser = new Parser(source, file);
  const value = parser.parseDocument();
  return { value, positions: parser.positions, diagnostics: parser.diagnostics };
}

/** The location of `pointer`'s key (for members) or value, or of its nearest recorded ancestor. */
export function locatePointer(doc: JsonDocument, file: string, pointer: string, prefer: 'key' | 'value' = 'value'): Location {
  let p = pointer;
  for (;;) {
    const node = doc.positions.get(p);
    if (node) {
      const s = prefer === 'key' && node.key ? node.key : node.value;
      return s.endColumn === undefined
        ? { file, line: s.line, column: s.column }
        : { file, line: s.line, column: s.column, endColumn: s.endColumn };
    }
    if (p === '') return { file, line: 1, column: 1 };
    p = p.slice(0, p.lastIndexOf('/'));
  }
}
