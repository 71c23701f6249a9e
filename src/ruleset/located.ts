// The parser's implementations of the model's Neg, Match, Option and Target.
// A 100,000-rule dump has some 600,000 of them, and a Location object on each
// (file, line, columns) was more than a quarter of the parsed model and much of
// the garbage collector's work. These keep the position as numbers in private
// fields and build the Location when `.loc` is read, which only findings,
// diagnostics and the canonical copy do.
//
// `loc` is an accessor on the prototype, not an own property: a spread copy
// (`{ ...neg }`), Object.keys and structuredClone do not see it (canonical.ts
// copies it explicitly). JSON.stringify does, through toJSON.
import type { Location } from '../diagnostics.js';
import type { Match, Neg, Option, Target } from './model.js';

/** A word's position: where it starts and ends on its line of a file. */
export interface WordPosition {
  file: string;
  line: number;
  column: number;
  endColumn: number;
}

abstract class Located {
  readonly #file: string;
  readonly #line: number;
  readonly #column: number;
  readonly #endColumn: number;

  constructor(at: WordPosition) {
    this.#file = at.file;
    this.#line = at.line;
    this.#column = at.column;
    this.#endColumn = at.endColumn;
  }

  /** A new object on each read, as the parser used to make for every element. */
  get loc(): Location {
    return { file: this.#file, line: this.#line, column: this.#column, endColumn: this.#endColumn };
  }

  /** Assigning works as on a plain object: the value becomes an own property. */
  set loc(loc: Location | undefined) {
    Object.defineProperty(this, 'loc', { value: loc, writable: true, enumerable: true, configurable: true });
  }

  /** What JSON.stringify printed for the plain `{ ..., loc }` objects these replace. */
  toJSON(): object {
    return { ...this, loc: this.loc };
  }
}

export class ParsedNeg<T = string> extends Located implements Neg<T> {
  constructor(
    public value: T,
    public negated: boolean,
    at: WordPosition,
  ) {
    super(at);
  }
}

export class ParsedOption extends Located implements Option {
  constructor(
    public name: string,
    public negated: boolean,
    public args: string[],
    at: WordPosition,
  ) {
    super(at);
  }
}

export class ParsedMatch extends Located implements Match {
  constructor(
    public module: string,
    public options: Option[],
    at: WordPosition,
  ) {
    super(at);
  }
}

export class ParsedTarget extends Located implements Target {
  constructor(
    public name: string,
    public goto: boolean,
    public options: Option[],
    at: WordPosition,
  ) {
    super(at);
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
