// The parser's one copy of each element that many rules spell the same way:
// `-p tcp`, `-i br0.10`, `-j ACCEPT`, `-m tcp --dport 443`,
// `-m conntrack --ctstate NEW`. A 100,000-rule dump had some 600,000 elements,
// most of them equal to one made for an earlier rule; one object for all of
// them halved the parsed model (667 to 326 bytes a rule) and the garbage
// collector's pauses, and saved 8 % of the instructions of a lint of that
// dump.
//
// A shared element cannot say where it is written, so it has no `loc` (as the
// compiler's shared elements have none). `elementLoc(rule, element)` in
// parse.ts finds an element's position by reading the rule's line again. The
// elements are frozen: a change through one rule would be a change to all.
//
// Addresses stay one element per rule: they are mostly distinct, and a table
// of 100,000 of them cost more than it saved.
import type { Match, Neg, Option, Target } from './model.js';
import { none } from './located.js';

/** The Neg fields that are shared, each with its own table: `-i br0 -o br0` are two elements, so each has one place in the line. */
export const enum NegField {
  Proto = 0,
  InIface = 1,
  OutIface = 2,
}

/** A shared match and the one-element list of it (a rule whose only match it is uses the list). */
interface SharedMatch {
  match: Match;
  list: Match[];
}

export class SharedElements {
  /** By field and negation (field * 2 + negated), then value. */
  private readonly negs = [new Map<string, Neg>(), new Map<string, Neg>(), new Map<string, Neg>(), new Map<string, Neg>(), new Map<string, Neg>(), new Map<string, Neg>()];
  private readonly fragments: [Neg<true>, Neg<true>] = [Object.freeze({ value: true, negated: false }), Object.freeze({ value: true, negated: true })];
  /** Targets without options, by goto and name. */
  private readonly targets = [new Map<string, Target>(), new Map<string, Target>()];
  /**
   * Matches of at most one option, by the option's argument list (itself
   * shared: the parser's one list per word), then a short scan for module,
   * option name and negation: one lookup by identity per rule instead of one
   * per key.
   */
  private readonly matches = new Map<readonly string[], SharedMatch[]>();

  /**
   * The shared `value`/`negated` element of a field. The strings must be the
   * parse's interned ones, as the parser's are: the tables compare them by identity first.
   */
  neg(field: NegField, value: string, negated: boolean): Neg {
    const table = this.negs[field * 2 + (negated ? 1 : 0)]!;
    let n = table.get(value);
    if (n === undefined) table.set(value, (n = Object.freeze({ value, negated })));
    return n;
  }

  fragment(negated: boolean): Neg<true> {
    return this.fragments[negated ? 1 : 0];
  }

  /** The shared target without options. */
  target(name: string, goto: boolean): Target {
    const table = this.targets[goto ? 1 : 0]!;
    let t = table.get(name);
    if (t === undefined) table.set(name, (t = Object.freeze({ name, goto, options: NO_OPTIONS })));
    return t;
  }

  /**
   * The shared equal of a match with no option, or with one whose argument
   * list is frozen: the parser freezes the lists it shares (one per word of a
   * one-argument option, and the empty list) and no other. Undefined for any
   * other match: its arguments are a list of its own, and a table keyed by it
   * would only grow.
   */
  match(m: Match): SharedMatch | undefined {
    const { options, module } = m;
    if (options.length > 1) return undefined;
    const o: Option | undefined = options[0];
    const args = o ? o.args : NO_ARGS;
    if (!Object.isFrozen(args)) return undefined;
    const name = o?.name;
    const negated = o?.negated;
    let list = this.matches.get(args);
    if (list === undefined) this.matches.set(args, (list = []));
    for (const s of list) {
      const so = s.match.options[0];
      if (s.match.module === module && so?.name === name && so?.negated === negated) return s;
    }
    const opts = o ? Object.freeze([Object.freeze({ name: o.name, negated: o.negated, args })]) : NO_OPTIONS;
    const match = Object.freeze({ module, options: opts as Option[] });
    const s = { match, list: Object.freeze([match]) as Match[] };
    list.push(s);
    return s;
  }
}

const NO_OPTIONS = none<Option>();
const NO_ARGS = none<string>();
