// A reduced ordered binary decision diagram (ROBDD) package, hand-written for
// the packet-space analysis. Nodes are integer ids into typed arrays (no
// per-node objects: 100k-rule rulesets create millions of nodes and the GC
// would dominate). Nodes are hash-consed in a unique table, so two equal
// functions always have the same id: set equality is `a === b`.
//
// Variables are numbered in creation order and that number IS the level
// (variable 0 is tested first). Callers allocate a block of variables per
// packet field, most significant bit first, so prefixes are subtrees.
//
// Memory model: nodes are never freed individually (no reference counting);
// the table only grows. The analysis keeps the number of live sets small by
// working per rule (see first-match.ts), which keeps growth near-linear in
// the ruleset size. `checkpoint()`/`rollback()` free every node created
// after a checkpoint when a caller knows it no longer needs them.

/** A node id: 0 is the empty set (false), 1 the full set (true). */
export type BddNode = number;

export const FALSE: BddNode = 0;
export const TRUE: BddNode = 1;

/** Level of the terminals: below every variable. */
const TERMINAL_LEVEL = 0x7fffffff;

// Operation codes for the computed-table (operation cache).
const OP_AND = 1;
const OP_OR = 2;
const OP_DIFF = 3;
const OP_NOT = 4;
const OP_ITE = 5;
const OP_IMPLIES = 6;
const OP_INTERSECTS = 7;
const OP_EXISTS = 8;
const OP_ANDLIT = 9;
const OP_SIMPLIFY = 10;

/**
 * The operation cache has one entry per 32 node slots of the table, from 2^12
 * to 2^20 entries, and grows with the table. A fixed 2^20 entries (20 MB,
 * zeroed and then faulted in page by page) cost more than the whole lint of a
 * small dump, and even the TUM firewall (368,000 nodes) linted faster with
 * 2^14 entries than with 2^16 or 2^20: its operations are many and small.
 * The cache only saves recomputation, so its size never changes a result.
 */
const MIN_CACHE_ENTRIES = 1 << 12;
const MAX_CACHE_ENTRIES = 1 << 20;
const NODES_PER_CACHE_ENTRY = 32;
/** Ints per cache entry: op, a, b, c, result. */
const CE = 5;

function cacheEntriesFor(nodeCapacity: number): number {
  return Math.min(MAX_CACHE_ENTRIES, Math.max(MIN_CACHE_ENTRIES, nodeCapacity / NODES_PER_CACHE_ENTRY));
}

export interface BddStats {
  nodes: number;
  variables: number;
  /** Bytes held by the node arrays, unique table and cache. */
  bytes: number;
}

export class Bdd {
  /**
   * Node records, 4 ints each: level, low, high, next-in-bucket. Interleaved so
   * that one node is one cache line access (separate arrays made every step of
   * an operation several cache misses on large tables).
   */
  private node: Int32Array;
  /** Unique table: chained hashing through each node's `next` slot. */
  private buckets: Int32Array;
  private count = 2;
  /** Distinguishes andLiterals calls in the cache. */
  private callId = 0;
  private vars = 0;
  /** Cache entries carry no generation; rollback() clears the cache instead. */
  private cache: Int32Array;
  /** Entries in the cache minus one (a power of two minus one). */
  private cacheMask: number;

  constructor(initialCapacity = 1 << 14) {
    const cap = Math.max(1024, 1 << Math.ceil(Math.log2(initialCapacity)));
    this.node = new Int32Array(cap * 4);
    this.buckets = new Int32Array(cap).fill(-1);
    const entries = cacheEntriesFor(cap);
    this.cache = new Int32Array(entries * CE);
    this.cacheMask = entries - 1;
    this.node[0] = this.node[4] = TERMINAL_LEVEL;
    this.node[5] = this.node[6] = 1;
  }

  /**
   * The table size at which creating a node throws BddNodeLimitExceeded (see
   * withNodeLimit). Checked where a node is allocated, so one runaway operation
   * stops at the limit instead of after it has finished.
   */
  private nodeLimit = Infinity;

  /**
   * Runs `fn` with node creation capped at `limit` nodes in the table
   * (Infinity lifts an enclosing cap for a step that must not be cut short). Throwing
   * mid-operation leaves the BDD consistent: every node made is a valid
   * hash-consed node, and only completed sub-results are in the cache.
   */
  withNodeLimit<T>(limit: number, fn: () => T): T {
    const saved = this.nodeLimit;
    this.nodeLimit = limit;
    try {
      return fn();
    } finally {
      this.nodeLimit = saved;
    }
  }

  /** Allocates `n` new variables below all existing ones; returns the first. */
  newVars(n: number): number {
    const first = this.vars;
    this.vars += n;
    return first;
  }

  get variableCount(): number {
    return this.vars;
  }

  get nodeCount(): number {
    return this.count;
  }

  stats(): BddStats {
    const bytes = (this.node.length + this.buckets.length + this.cache.length) * 4;
    return { nodes: this.count, variables: this.vars, bytes };
  }

  /** The variable a node tests; terminals report -1. */
  varOf(n: BddNode): number {
    return n < 2 ? -1 : this.node[(n) * 4]!;
  }
  lo(n: BddNode): BddNode {
    return this.node[(n) * 4 + 1]!;
  }
  hi(n: BddNode): BddNode {
    return this.node[(n) * 4 + 2]!;
  }
  /** Level used for ordering: terminals sort after every variable. */
  levelOf(n: BddNode): number {
    return this.node[(n) * 4]!;
  }

  /** The node `if v then hi else lo`, reduced and hash-consed. */
  mk(v: number, lo: BddNode, hi: BddNode): BddNode {
    if (lo === hi) return lo;
    const mask = this.buckets.length - 1;
    const h = hash3(v, lo, hi) & mask;
    const nd = this.node;
    for (let n = this.buckets[h]!; n !== -1; n = nd[n * 4 + 3]!) {
      if (nd[n * 4] === v && nd[n * 4 + 1] === lo && nd[n * 4 + 2] === hi) return n;
    }
    if (this.count >= this.nodeLimit) throw new BddNodeLimitExceeded(this.nodeLimit);
    if (this.count * 4 === nd.length) {
      this.grow();
      return this.mk(v, lo, hi);
    }
    const n = this.count++;
    nd[n * 4] = v;
    nd[n * 4 + 1] = lo;
    nd[n * 4 + 2] = hi;
    nd[n * 4 + 3] = this.buckets[h]!;
    this.buckets[h] = n;
    return n;
  }

  /** The literal `v` (positive = true) or `¬v`. */
  variable(v: number, positive = true): BddNode {
    return positive ? this.mk(v, FALSE, TRUE) : this.mk(v, TRUE, FALSE);
  }

  /**
   * Marks the current table size. rollback(mark) deletes every node created
   * since: they are removed newest first, and each was the head of its hash
   * chain when created, so it is still the head of the chain when removed.
   */
  checkpoint(): number {
    return this.count;
  }

  rollback(mark: number): void {
    if (mark < 2 || mark > this.count) throw new Error(`bdd: bad checkpoint ${mark}`);
    const mask = this.buckets.length - 1;
    const nd = this.node;
    for (let n = this.count - 1; n >= mark; n--) {
      const h = hash3(nd[n * 4]!, nd[n * 4 + 1]!, nd[n * 4 + 2]!) & mask;
      this.buckets[h] = nd[n * 4 + 3]!;
    }
    this.count = mark;
    this.cache.fill(0);
  }

  private grow(): void {
    const cap = (this.node.length / 4) * 2;
    const nd = new Int32Array(cap * 4);
    nd.set(this.node);
    this.node = nd;
    // Rehash in creation order so that every chain stays ordered newest first (rollback relies on it).
    this.buckets = new Int32Array(cap).fill(-1);
    const mask = cap - 1;
    for (let n = 2; n < this.count; n++) {
      const h = hash3(nd[n * 4]!, nd[n * 4 + 1]!, nd[n * 4 + 2]!) & mask;
      nd[n * 4 + 3] = this.buckets[h]!;
      this.buckets[h] = n;
    }
    const entries = cacheEntriesFor(cap);
    if (entries > this.cacheMask + 1) this.growCache(entries);
  }

  /**
   * A larger cache holding the entries of the old one (each at its slot in the
   * new one). The table grows in the middle of operations, whose cache slots
   * were computed before: their stores then land in slots their keys do not
   * hash to, which is harmless, since a lookup compares the whole key.
   */
  private growCache(entries: number): void {
    const old = this.cache;
    this.cache = new Int32Array(entries * CE);
    this.cacheMask = entries - 1;
    for (let s = 0; s < old.length; s += CE) {
      const op = old[s]!;
      if (op === 0) continue;
      const slot = this.cacheSlot(op, old[s + 1]!, old[s + 2]!, old[s + 3]!);
      this.cache.set(old.subarray(s, s + CE), slot);
    }
  }

  // ---- operation cache -------------------------------------------------

  private cacheSlot(op: number, a: number, b: number, c: number): number {
    return (hash3(op * 0x9e3779b1 + c, a, b) & this.cacheMask) * CE;
  }

  private lookup(slot: number, op: number, a: number, b: number, c: number): number {
    const k = this.cache;
    return k[slot] === op && k[slot + 1] === a && k[slot + 2] === b && k[slot + 3] === c ? k[slot + 4]! : -1;
  }

  private store(slot: number, op: number, a: number, b: number, c: number, r: number): void {
    const k = this.cache;
    k[slot] = op;
    k[slot + 1] = a;
    k[slot + 2] = b;
    k[slot + 3] = c;
    k[slot + 4] = r;
  }

  // ---- boolean algebra -------------------------------------------------

  and(a: BddNode, b: BddNode): BddNode {
    if (a === FALSE || b === FALSE) return FALSE;
    if (a === TRUE || a === b) return b;
    if (b === TRUE) return a;
    if (a > b) {
      const t = a;
      a = b;
      b = t;
    }
    const slot = this.cacheSlot(OP_AND, a, b, 0);
    const hit = this.lookup(slot, OP_AND, a, b, 0);
    if (hit >= 0) return hit;
    const la = this.node[(a) * 4]!;
    const lb = this.node[(b) * 4]!;
    const v = la < lb ? la : lb;
    const r = this.mk(
      v,
      this.and(la === v ? this.node[(a) * 4 + 1]! : a, lb === v ? this.node[(b) * 4 + 1]! : b),
      this.and(la === v ? this.node[(a) * 4 + 2]! : a, lb === v ? this.node[(b) * 4 + 2]! : b),
    );
    this.store(slot, OP_AND, a, b, 0, r);
    return r;
  }

  or(a: BddNode, b: BddNode): BddNode {
    if (a === TRUE || b === TRUE) return TRUE;
    if (a === FALSE || a === b) return b;
    if (b === FALSE) return a;
    if (a > b) {
      const t = a;
      a = b;
      b = t;
    }
    const slot = this.cacheSlot(OP_OR, a, b, 0);
    const hit = this.lookup(slot, OP_OR, a, b, 0);
    if (hit >= 0) return hit;
    const la = this.node[(a) * 4]!;
    const lb = this.node[(b) * 4]!;
    const v = la < lb ? la : lb;
    const r = this.mk(
      v,
      this.or(la === v ? this.node[(a) * 4 + 1]! : a, lb === v ? this.node[(b) * 4 + 1]! : b),
      this.or(la === v ? this.node[(a) * 4 + 2]! : a, lb === v ? this.node[(b) * 4 + 2]! : b),
    );
    this.store(slot, OP_OR, a, b, 0, r);
    return r;
  }

  /** a ∧ ¬b (set difference). */
  diff(a: BddNode, b: BddNode): BddNode {
    if (a === FALSE || b === TRUE || a === b) return FALSE;
    if (b === FALSE) return a;
    if (a === TRUE) return this.not(b);
    const slot = this.cacheSlot(OP_DIFF, a, b, 0);
    const hit = this.lookup(slot, OP_DIFF, a, b, 0);
    if (hit >= 0) return hit;
    const la = this.node[(a) * 4]!;
    const lb = this.node[(b) * 4]!;
    const v = la < lb ? la : lb;
    const r = this.mk(
      v,
      this.diff(la === v ? this.node[(a) * 4 + 1]! : a, lb === v ? this.node[(b) * 4 + 1]! : b),
      this.diff(la === v ? this.node[(a) * 4 + 2]! : a, lb === v ? this.node[(b) * 4 + 2]! : b),
    );
    this.store(slot, OP_DIFF, a, b, 0, r);
    return r;
  }

  not(a: BddNode): BddNode {
    if (a < 2) return 1 - a;
    const slot = this.cacheSlot(OP_NOT, a, 0, 0);
    const hit = this.lookup(slot, OP_NOT, a, 0, 0);
    if (hit >= 0) return hit;
    const r = this.mk(this.node[(a) * 4]!, this.not(this.node[(a) * 4 + 1]!), this.not(this.node[(a) * 4 + 2]!));
    this.store(slot, OP_NOT, a, 0, 0, r);
    return r;
  }

  /** if f then g else h. */
  ite(f: BddNode, g: BddNode, h: BddNode): BddNode {
    if (f === TRUE) return g;
    if (f === FALSE) return h;
    if (g === h) return g;
    if (g === TRUE && h === FALSE) return f;
    if (g === FALSE && h === TRUE) return this.not(f);
    if (g === TRUE) return this.or(f, h);
    if (h === FALSE) return this.and(f, g);
    const slot = this.cacheSlot(OP_ITE, f, g, h);
    const hit = this.lookup(slot, OP_ITE, f, g, h);
    if (hit >= 0) return hit;
    const lf = this.node[(f) * 4]!;
    const lg = this.node[(g) * 4]!;
    const lh = this.node[(h) * 4]!;
    const v = Math.min(lf, lg, lh);
    const r = this.mk(
      v,
      this.ite(lf === v ? this.node[(f) * 4 + 1]! : f, lg === v ? this.node[(g) * 4 + 1]! : g, lh === v ? this.node[(h) * 4 + 1]! : h),
      this.ite(lf === v ? this.node[(f) * 4 + 2]! : f, lg === v ? this.node[(g) * 4 + 2]! : g, lh === v ? this.node[(h) * 4 + 2]! : h),
    );
    this.store(slot, OP_ITE, f, g, h, r);
    return r;
  }

  /** a ⊆ b, decided without building any node. */
  implies(a: BddNode, b: BddNode): boolean {
    if (a === FALSE || b === TRUE || a === b) return true;
    if (b === FALSE || a === TRUE) return false; // a ≠ ∅, b = ∅;  a = all, b ≠ all
    const slot = this.cacheSlot(OP_IMPLIES, a, b, 0);
    const hit = this.lookup(slot, OP_IMPLIES, a, b, 0);
    if (hit >= 0) return hit === 1;
    const la = this.node[(a) * 4]!;
    const lb = this.node[(b) * 4]!;
    const v = la < lb ? la : lb;
    const r =
      this.implies(la === v ? this.node[(a) * 4 + 1]! : a, lb === v ? this.node[(b) * 4 + 1]! : b) &&
      this.implies(la === v ? this.node[(a) * 4 + 2]! : a, lb === v ? this.node[(b) * 4 + 2]! : b);
    this.store(slot, OP_IMPLIES, a, b, 0, r ? 1 : 0);
    return r;
  }

  /** a ∩ b ≠ ∅, decided without building any node. */
  intersects(a: BddNode, b: BddNode): boolean {
    if (a === FALSE || b === FALSE) return false;
    if (a === TRUE || b === TRUE || a === b) return true;
    if (a > b) {
      const t = a;
      a = b;
      b = t;
    }
    const slot = this.cacheSlot(OP_INTERSECTS, a, b, 0);
    const hit = this.lookup(slot, OP_INTERSECTS, a, b, 0);
    if (hit >= 0) return hit === 1;
    const la = this.node[(a) * 4]!;
    const lb = this.node[(b) * 4]!;
    const v = la < lb ? la : lb;
    const r =
      this.intersects(la === v ? this.node[(a) * 4 + 1]! : a, lb === v ? this.node[(b) * 4 + 1]! : b) ||
      this.intersects(la === v ? this.node[(a) * 4 + 2]! : a, lb === v ? this.node[(b) * 4 + 2]! : b);
    this.store(slot, OP_INTERSECTS, a, b, 0, r ? 1 : 0);
    return r;
  }

  /**
   * A function that agrees with `f` wherever `care` holds (elsewhere it may say
   * anything), usually smaller than f: Coudert and Madre's restrict. With care
   * = the domain of well-formed packets, it drops the tests that only say a
   * packet is well formed, so what is left names the fields that matter.
   */
  simplifyWithin(f: BddNode, care: BddNode): BddNode {
    if (care === FALSE) return FALSE;
    if (care === TRUE || f < 2) return f;
    if (f === care) return TRUE;
    const slot = this.cacheSlot(OP_SIMPLIFY, f, care, 0);
    const hit = this.lookup(slot, OP_SIMPLIFY, f, care, 0);
    if (hit >= 0) return hit;
    const nd = this.node;
    const vf = nd[f * 4]!;
    const vc = nd[care * 4]!;
    let r: BddNode;
    if (vc < vf) {
      // f does not test care's variable: f agrees with itself under either value.
      r = this.simplifyWithin(f, this.or(nd[care * 4 + 1]!, nd[care * 4 + 2]!));
    } else if (vc > vf) {
      r = this.mk(vf, this.simplifyWithin(nd[f * 4 + 1]!, care), this.simplifyWithin(this.node[f * 4 + 2]!, care));
    } else if (nd[care * 4 + 1] === FALSE) {
      r = this.simplifyWithin(nd[f * 4 + 2]!, nd[care * 4 + 2]!);
    } else if (nd[care * 4 + 2] === FALSE) {
      r = this.simplifyWithin(nd[f * 4 + 1]!, nd[care * 4 + 1]!);
    } else {
      r = this.mk(vf, this.simplifyWithin(nd[f * 4 + 1]!, nd[care * 4 + 1]!), this.simplifyWithin(this.node[f * 4 + 2]!, this.node[care * 4 + 2]!));
    }
    this.store(slot, OP_SIMPLIFY, f, care, 0, r);
    return r;
  }

  /** ∃ vars ≥ fromVar . a — forgets every variable from `fromVar` down (used to drop opaque predicates). */
  existsBelow(a: BddNode, fromVar: number): BddNode {
    if (a < 2) return a;
    const v = this.node[(a) * 4]!;
    if (v >= fromVar) return TRUE; // a non-false function of the forgotten variables only
    const slot = this.cacheSlot(OP_EXISTS, a, fromVar, 0);
    const hit = this.lookup(slot, OP_EXISTS, a, fromVar, 0);
    if (hit >= 0) return hit;
    const r = this.mk(v, this.existsBelow(this.node[(a) * 4 + 1]!, fromVar), this.existsBelow(this.node[(a) * 4 + 2]!, fromVar));
    this.store(slot, OP_EXISTS, a, fromVar, 0, r);
    return r;
  }

  /** ∃ variables in [from, to) . a (not cached across calls: for descriptions, not hot paths). */
  existsRange(a: BddNode, from: number, to: number): BddNode {
    const memo = new Map<number, BddNode>();
    const go = (n: BddNode): BddNode => {
      if (n < 2) return n;
      const v = this.node[(n) * 4]!;
      if (v >= to) return n;
      const m = memo.get(n);
      if (m !== undefined) return m;
      const l = go(this.node[(n) * 4 + 1]!);
      const h = go(this.node[(n) * 4 + 2]!);
      const r = v >= from ? this.or(l, h) : this.mk(v, l, h);
      memo.set(n, r);
      return r;
    };
    return go(a);
  }

  /** Restricts variable v to a value (cofactor). */
  restrict(a: BddNode, v: number, value: boolean): BddNode {
    if (a < 2) return a;
    const l = this.node[(a) * 4]!;
    if (l > v) return a;
    if (l === v) return value ? this.node[(a) * 4 + 2]! : this.node[(a) * 4 + 1]!;
    return this.mk(l, this.restrict(this.node[(a) * 4 + 1]!, v, value), this.restrict(this.node[(a) * 4 + 2]!, v, value));
  }

  /** Number of distinct internal nodes reachable from the roots. */
  size(...roots: BddNode[]): number {
    let n = 0;
    this.visitNodes(roots, () => {
      n++;
    });
    return n;
  }

  /**
   * Calls visit(variable) once for each distinct internal node reachable from
   * the roots (depth first); stops as soon as visit returns true.
   */
  visitNodes(roots: readonly BddNode[], visit: (variable: number) => boolean | void): void {
    const seen = new Set<number>();
    const stack = roots.filter((r) => r > 1);
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      if (visit(this.node[n * 4]!) === true) return;
      if (this.node[(n) * 4 + 1]! > 1) stack.push(this.node[(n) * 4 + 1]!);
      if (this.node[(n) * 4 + 2]! > 1) stack.push(this.node[(n) * 4 + 2]!);
    }
  }

  /**
   * One satisfying assignment, as the value chosen for each variable in
   * [0, variableCount). `prefer(v)` says which value to take when both are
   * possible (default false, i.e. the lowest values), so examples are readable.
   * Returns null for the empty set.
   */
  pick(a: BddNode, prefer: (v: number) => boolean = () => false): Uint8Array | null {
    if (a === FALSE) return null;
    const out = new Uint8Array(this.vars);
    for (let v = 0; v < this.vars; v++) out[v] = prefer(v) ? 1 : 0;
    let n = a;
    while (n > 1) {
      const v = this.node[(n) * 4]!;
      const want = out[v] === 1;
      const first = want ? this.node[(n) * 4 + 2]! : this.node[(n) * 4 + 1]!;
      if (first !== FALSE) n = first;
      else {
        out[v] = want ? 0 : 1;
        n = want ? this.node[(n) * 4 + 1]! : this.node[(n) * 4 + 2]!;
      }
    }
    return out;
  }

  /** A conjunction of literals: vars[i] = values[i]. */
  cube(vars: ArrayLike<number>, values: ArrayLike<number | boolean>): BddNode {
    // Build bottom-up so each mk call is O(1): sort by variable, deepest first.
    const idx = Array.from({ length: vars.length }, (_, i) => i).sort((x, y) => vars[y]! - vars[x]!);
    let r: BddNode = TRUE;
    for (const i of idx) r = values[i] ? this.mk(vars[i]!, FALSE, r) : this.mk(vars[i]!, r, FALSE);
    return r;
  }

  /** The literals of a cube (a single path to TRUE) as [variable, value] pairs, or null if `a` is not a cube. */
  cubeLiterals(a: BddNode): [number, number][] | null {
    if (a === FALSE) return null;
    const out: [number, number][] = [];
    let n = a;
    while (n > 1) {
      const lo = this.node[n * 4 + 1]!;
      const hi = this.node[n * 4 + 2]!;
      if (lo === FALSE) {
        out.push([this.node[n * 4]!, 1]);
        n = hi;
      } else if (hi === FALSE) {
        out.push([this.node[n * 4]!, 0]);
        n = lo;
      } else return null;
    }
    return out;
  }

  /**
   * a ∧ (conjunction of literals), `vars` strictly increasing. Equal to
   * and(a, cube(vars, values)) but builds only the result's nodes, not the
   * cube's: the encoder's hot path (one call per rule).
   */
  andLiterals(a: BddNode, vars: ArrayLike<number>, values: ArrayLike<number>): BddNode {
    if (vars.length >= 65536) throw new Error('bdd.andLiterals: too many literals');
    // Memoised in the operation cache under a per-call id (no Map: this runs once per rule).
    this.litCall = (this.callId = (this.callId + 1) | 0);
    this.litVars = vars;
    this.litValues = values;
    return this.andLit(a, 0);
  }

  private litCall = 0;
  private litVars: ArrayLike<number> = [];
  private litValues: ArrayLike<number> = [];

  private andLit(n: BddNode, i: number): BddNode {
    if (n === FALSE) return FALSE;
    const vars = this.litVars;
    const values = this.litValues;
    const last = vars.length - 1;
    if (i > last) return n;
    const nd = this.node;
    const lv = nd[n * 4]!;
    // n tests no variable of the remaining literals (terminals included): the
    // result is those literals above n, built bottom-up with no cache traffic.
    if (lv > vars[last]!) {
      let r = n;
      for (let k = last; k >= i; k--) r = values[k] ? this.mk(vars[k]!, FALSE, r) : this.mk(vars[k]!, r, FALSE);
      return r;
    }
    const call = this.litCall;
    const slot = this.cacheSlot(OP_ANDLIT, n, i, call);
    const m = this.lookup(slot, OP_ANDLIT, n, i, call);
    if (m >= 0) return m;
    const v = vars[i]!;
    let r: BddNode;
    if (lv < v) {
      const lo = this.andLit(nd[n * 4 + 1]!, i);
      r = this.mk(lv, lo, this.andLit(this.node[n * 4 + 2]!, i));
    } else {
      // The literal's variable is tested here (lv === v) or skipped by n (lv > v).
      const child = lv === v ? (values[i] ? nd[n * 4 + 2]! : nd[n * 4 + 1]!) : n;
      const rest = this.andLit(child, i + 1);
      r = values[i] ? this.mk(v, FALSE, rest) : this.mk(v, rest, FALSE);
    }
    this.store(slot, OP_ANDLIT, n, i, call, r);
    return r;
  }

  /** Evaluates a set on a full assignment (values indexed by variable). */
  evaluate(a: BddNode, values: ArrayLike<number | boolean>): boolean {
    let n = a;
    while (n > 1) n = values[this.node[(n) * 4]!] ? this.node[(n) * 4 + 2]! : this.node[(n) * 4 + 1]!;
    return n === TRUE;
  }
}

/** Thrown by node creation inside withNodeLimit once the table holds `limit` nodes. */
export class BddNodeLimitExceeded extends Error {
  constructor(readonly limit: number) {
    super(`bdd: more than ${limit} nodes`);
    this.name = 'BddNodeLimitExceeded';
  }
}

function hash3(a: number, b: number, c: number): number {
  let h = Math.imul(a ^ 0x27d4eb2d, 0x165667b1);
  h = Math.imul(h ^ b ^ (h >>> 15), 0x85ebca77);
  h = Math.imul(h ^ c ^ (h >>> 13), 0xc2b2ae3d);
  return (h ^ (h >>> 16)) >>> 0;
}
