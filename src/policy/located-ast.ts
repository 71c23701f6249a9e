// The visitor's implementations of the AST nodes a rule has several of:
// endpoints, addresses, names, service items and port ranges.
//
// A 10,000-rule policy had some 90,000 Location objects in its AST, eight of
// nine per rule on these nodes, and only diagnostics ever read them (the
// resolver reads the rule's own position, a plain object still). The whole AST
// stays alive until it is resolved, so the garbage collector copied every one
// of them, twice. These nodes keep a position as numbers in private fields and
// build the Location when `pos` (or `zonePos`) is read, as src/ruleset/located.ts
// does for the parsed ruleset model.
//
// `pos` is an accessor on the prototype, not an own property: a spread copy
// (`{ ...node }`), Object.keys and structuredClone do not see it, and neither
// does a deep-equality check that walks enumerable properties.
// JSON.stringify does, through toJSON, with the keys in the order the plain
// object literals these replace had.
import type { Location } from '../diagnostics.js';
import type { AddressLit, NameRef, PortRange } from './ast.js';

/**
 * A position as the visitor wrote it: `endColumn` is one past the last
 * character, or NO_END when the text runs over more than one line (its
 * Location then has no endColumn, as the visitor's span() gave).
 */
export const NO_END = -1;

function location(file: string, line: number, column: number, endColumn: number): Location {
  // Two literals, as the visitor had: both shapes keep their fields in the object.
  return endColumn === NO_END ? { file, line, column } : { file, line, column, endColumn };
}

/** Assigning `pos` works as on a plain object: the value becomes an own property. */
function setOwn(node: object, key: string, value: unknown): void {
  Object.defineProperty(node, key, { value, writable: true, enumerable: true, configurable: true });
}

// Each class has its own copy of the position fields and accessors rather
// than a common base class, as in src/ruleset/located.ts: with one (the
// constructors calling super), compiling the 10,000-rule bench policy took
// 4.19 G instructions instead of 3.87 G (callgrind, --predictable
// --predictable-gc-schedule), the derived constructors not being inlined.

/** `10.0.0.1`, `2001:db8::/48`: an address literal. */
export class AddressNode implements AddressLit {
  declare readonly kind: 'address';
  declare text: string;
  readonly #file: string;
  readonly #line: number;
  readonly #column: number;
  readonly #endColumn: number;

  constructor(text: string, file: string, line: number, column: number, endColumn: number) {
    this.#file = file;
    this.#line = line;
    this.#column = column;
    this.#endColumn = endColumn;
    this.kind = 'address';
    this.text = text;
  }

  get pos(): Location {
    return location(this.#file, this.#line, this.#column, this.#endColumn);
  }

  set pos(pos: Location) {
    setOwn(this, 'pos', pos);
  }

  toJSON(): object {
    return { kind: this.kind, text: this.text, pos: this.pos };
  }
}

/** A name, as an endpoint or group member (`kind: 'name'`) or as a service reference (`kind: 'ref'`). */
export class NameNode<K extends 'name' | 'ref' = 'name'> {
  declare readonly kind: K;
  declare name: string;
  readonly #file: string;
  readonly #line: number;
  readonly #column: number;
  readonly #endColumn: number;

  constructor(kind: K, name: string, file: string, line: number, column: number, endColumn: number) {
    this.#file = file;
    this.#line = line;
    this.#column = column;
    this.#endColumn = endColumn;
    this.kind = kind;
    this.name = name;
  }

  get pos(): Location {
    return location(this.#file, this.#line, this.#column, this.#endColumn);
  }

  set pos(pos: Location) {
    setOwn(this, 'pos', pos);
  }

  toJSON(): object {
    return { kind: this.kind, name: this.name, pos: this.pos };
  }
}

/** `any` or `self`. */
export class KeywordEndpoint<K extends 'any' | 'self'> {
  declare readonly kind: K;
  readonly #file: string;
  readonly #line: number;
  readonly #column: number;
  readonly #endColumn: number;

  constructor(kind: K, file: string, line: number, column: number, endColumn: number) {
    this.#file = file;
    this.#line = line;
    this.#column = column;
    this.#endColumn = endColumn;
    this.kind = kind;
  }

  get pos(): Location {
    return location(this.#file, this.#line, this.#column, this.#endColumn);
  }

  set pos(pos: Location) {
    setOwn(this, 'pos', pos);
  }

  toJSON(): object {
    return { kind: this.kind, pos: this.pos };
  }
}

/**
 * `web:10.0.10.5`, `db:replicas`: the zone's position (`zonePos`) and the
 * whole endpoint's (`pos`) start at the same place, so they share a line and
 * a column.
 */
export class PinnedNode {
  declare readonly kind: 'pinned';
  declare zone: string;
  declare target: NameRef | AddressLit;
  readonly #file: string;
  readonly #line: number;
  readonly #column: number;
  readonly #zoneEnd: number;
  readonly #endColumn: number;

  constructor(zone: string, target: NameRef | AddressLit, file: string, line: number, column: number, zoneEnd: number, endColumn: number) {
    this.#file = file;
    this.#line = line;
    this.#column = column;
    this.#zoneEnd = zoneEnd;
    this.#endColumn = endColumn;
    this.kind = 'pinned';
    this.zone = zone;
    this.target = target;
  }

  get zonePos(): Location {
    return location(this.#file, this.#line, this.#column, this.#zoneEnd);
  }

  set zonePos(pos: Location) {
    setOwn(this, 'zonePos', pos);
  }

  get pos(): Location {
    return location(this.#file, this.#line, this.#column, this.#endColumn);
  }

  set pos(pos: Location) {
    setOwn(this, 'pos', pos);
  }

  toJSON(): object {
    return { kind: this.kind, zone: this.zone, zonePos: this.zonePos, target: this.target, pos: this.pos };
  }
}

/**
 * `tcp/80,443`, `icmp/echo-request`, `udp`: a protocol service item. `ports`
 * and `icmpType` are own properties only when given, as in the literals.
 */
export class ProtoItemNode {
  declare readonly kind: 'proto';
  declare proto: string;
  declare ports?: PortRange[];
  declare icmpType?: string;
  readonly #file: string;
  readonly #line: number;
  readonly #column: number;
  readonly #endColumn: number;

  constructor(proto: string, ports: PortRange[] | undefined, icmpType: string | undefined, file: string, line: number, column: number, endColumn: number) {
    this.#file = file;
    this.#line = line;
    this.#column = column;
    this.#endColumn = endColumn;
    this.kind = 'proto';
    this.proto = proto;
    if (ports !== undefined) this.ports = ports;
    if (icmpType !== undefined) this.icmpType = icmpType;
  }

  get pos(): Location {
    return location(this.#file, this.#line, this.#column, this.#endColumn);
  }

  set pos(pos: Location) {
    setOwn(this, 'pos', pos);
  }

  toJSON(): object {
    return { ...this, pos: this.pos };
  }
}

/** `80` or `1-1023`. */
export class PortRangeNode implements PortRange {
  declare low: number;
  declare high: number;
  readonly #file: string;
  readonly #line: number;
  readonly #column: number;
  readonly #endColumn: number;

  constructor(low: number, high: number, file: string, line: number, column: number, endColumn: number) {
    this.#file = file;
    this.#line = line;
    this.#column = column;
    this.#endColumn = endColumn;
    this.low = low;
    this.high = high;
  }

  get pos(): Location {
    return location(this.#file, this.#line, this.#column, this.#endColumn);
  }

  set pos(pos: Location) {
    setOwn(this, 'pos', pos);
  }

  toJSON(): object {
    return { low: this.low, high: this.high, pos: this.pos };
  }
}
