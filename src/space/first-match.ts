// First-match reachability over a list of rule sets, near-linear in practice.
//
// The textbook way keeps one "remaining" set (packets no earlier rule took)
// and computes reach_i = remaining ∧ rule_i, remaining ∧= ¬rule_i. On large
// rulesets that set becomes a BDD of the union of every rule seen so far and
// each step rebuilds part of it. Instead, reach_i = input ∧ rule_i minus only
// the earlier rules that overlap rule_i (a disjoint rule removes nothing).
// Overlap candidates come from an index on the bits a set forces at the top of
// its source-address field (a /32 host rule forces 32), so host-to-host rules
// only meet rules with a compatible source prefix; each candidate is then
// checked exactly with a non-building intersection test.
import { FALSE, TRUE, type BddNode } from './bdd.js';
import type { PacketSpace } from './packet-space.js';

export interface Reach {
  /** The packets this rule is the first to match (within `input`). */
  reach: BddNode;
  /** Earlier rules (indices) whose sets intersect this one, in order: the rules that can shadow it. */
  overlaps: number[];
}

/** How many leading source bits the index uses (IPv6 sets are indexed by their first 32 bits). */
const INDEX_BITS = 32;

export class FirstMatchIndex {
  /** Entries whose forced source prefix is exactly (len, prefix). */
  private readonly exact = new Map<number, number[]>();
  /** Entries whose forced prefix is strictly longer than, and extends, (len, prefix). */
  private readonly below = new Map<number, number[]>();
  private readonly sets: BddNode[] = [];
  /** sourcePrefix results, computed once per set (overlapping() then add() ask for the same set). */
  private readonly prefixes = new Map<BddNode, [number, number]>();

  constructor(private readonly sp: PacketSpace) {}

  get size(): number {
    return this.sets.length;
  }

  /** Adds the next rule's set; returns its index. */
  add(set: BddNode): number {
    const idx = this.sets.length;
    this.sets.push(set);
    const [len, prefix] = this.sourcePrefix(set);
    push(this.exact, key(len, prefix), idx);
    for (let a = 0; a < len; a++) push(this.below, key(a, head(prefix, len, a)), idx);
    return idx;
  }

  /** Indices of entries that intersect `set`, ascending. */
  overlapping(set: BddNode): number[] {
    const [len, prefix] = this.sourcePrefix(set);
    const cand: number[] = [];
    for (let l = 0; l <= len; l++) {
      const hit = this.exact.get(key(l, head(prefix, len, l)));
      if (hit) cand.push(...hit);
    }
    const under = this.below.get(key(len, prefix));
    if (under) cand.push(...under);
    cand.sort((a, b) => a - b);
    return cand.filter((j) => this.sp.intersects(this.sets[j]!, set));
  }

  setOf(idx: number): BddNode {
    return this.sets[idx]!;
  }

  /**
   * The leading source bits every packet of the set has: [length, value].
   * The fields above the source address (interfaces, protocol, state) often
   * branch and join again (a state range, several interfaces), so this first
   * collects the nodes where paths enter the source field, then takes the
   * common forced prefix of all of them. Large tops give up (length 0).
   */
  private sourcePrefix(set: BddNode): [number, number] {
    let r = this.prefixes.get(set);
    if (!r) this.prefixes.set(set, (r = this.computeSourcePrefix(set)));
    return r;
  }

  private computeSourcePrefix(set: BddNode): [number, number] {
    const b = this.sp.bdd;
    const { first, width } = this.sp.fields.src;
    const limit = first + Math.min(width, INDEX_BITS);
    const entries = new Set<BddNode>();
    const seen = new Set<BddNode>();
    const stack = [set];
    while (stack.length) {
      const n = stack.pop()!;
      if (n === FALSE || seen.has(n)) continue;
      seen.add(n);
      if (n === TRUE || b.varOf(n) >= first) {
        entries.add(n);
        continue;
      }
      if (seen.size > SCAN_BUDGET) return [0, 0];
      stack.push(b.lo(n), b.hi(n));
    }
    let len = -1;
    let prefix = 0;
    for (const e of entries) {
      const [l, p] = forcedPrefix(b, e, first, limit);
      if (len < 0) [len, prefix] = [l, p];
      else {
        // Common prefix of (len, prefix) and (l, p).
        let k = Math.min(len, l);
        while (k > 0 && head(prefix, len, k) !== head(p, l, k)) k--;
        prefix = head(prefix, len, k);
        len = k;
      }
      if (len === 0) break;
    }
    return len < 0 ? [0, 0] : [len, prefix];
  }
}

/** Nodes above the source field a set may have before the index gives up on it. */
const SCAN_BUDGET = 512;

/** The source bits forced from node n (at or below the source field's first variable) down its single path. */
function forcedPrefix(b: PacketSpace['bdd'], n: BddNode, first: number, limit: number): [number, number] {
  let len = 0;
  let prefix = 0;
  while (n > 1) {
    const v = b.varOf(n);
    // Past the indexed bits, or a skipped (free) bit: the prefix ends.
    if (v >= limit || v !== first + len) break;
    const lo = b.lo(n);
    const hi = b.hi(n);
    if (lo !== FALSE && hi !== FALSE) break;
    prefix = ((prefix << 1) | (lo === FALSE ? 1 : 0)) >>> 0;
    len++;
    n = lo === FALSE ? hi : lo;
  }
  return [len, prefix];
}

function head(prefix: number, len: number, a: number): number {
  return a === 0 ? 0 : prefix >>> (len - a);
}

function key(len: number, prefix: number): number {
  return len * 0x100000000 + prefix;
}

function push(m: Map<number, number[]>, k: number, v: number): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export interface Reachability {
  /** Whether some packet of `input` reaches this rule and matches it (its reach is non-empty). */
  reachable: boolean;
  /** Earlier rules (indices) whose sets intersect this one, in order. */
  overlaps: number[];
}

/**
 * Like firstMatch() but answers only "is the reach empty?", which is what
 * CS101/CS102 need, without building reach sets when it can avoid it: it
 * first tries a few concrete packets of the rule against the overlapping
 * earlier rules (a packet none of them matches proves the rule reachable,
 * at no node cost) and builds the exact difference only when they all fail.
 * A broad rule after 100k narrow ones stays cheap this way.
 */
export function reachability(sp: PacketSpace, sets: readonly BddNode[], input: BddNode = sp.all()): Reachability[] {
  const index = new FirstMatchIndex(sp);
  const out: Reachability[] = [];
  const b = sp.bdd;
  for (const set of sets) {
    const overlaps = index.overlapping(set);
    // Every set is within all(): skip the (non-building but full) walk in the common case.
    const mine = input === sp.all() ? set : sp.and(input, set);
    let reachable = mine !== FALSE;
    if (reachable && overlaps.length) {
      const earlier = overlaps.map((j) => index.setOf(j));
      const witnessed = WITNESS_PREFERENCES.some((prefer) => {
        const bits = b.pick(mine, prefer)!;
        return !earlier.some((e) => b.evaluate(e, bits));
      });
      if (!witnessed) {
        let reach = mine;
        for (const e of earlier) {
          reach = sp.diff(reach, e);
          if (reach === FALSE) break;
        }
        reachable = reach !== FALSE;
      }
    }
    out.push({ reachable, overlaps });
    index.add(set);
  }
  return out;
}

/** Lowest values, highest values, and an alternating pattern: cheap, and different enough to dodge narrow rules. */
const WITNESS_PREFERENCES: ((v: number) => boolean)[] = [() => false, () => true, (v) => v % 3 === 1];

/**
 * For each rule set in order, the packets of `input` it is the first to
 * match, and the earlier rules that overlap it.
 */
export function firstMatch(sp: PacketSpace, sets: readonly BddNode[], input: BddNode = sp.all()): Reach[] {
  const index = new FirstMatchIndex(sp);
  const out: Reach[] = [];
  for (const set of sets) {
    const overlaps = index.overlapping(set);
    let reach = input === sp.all() ? set : sp.and(input, set);
    for (const j of overlaps) {
      if (reach === FALSE) break;
      reach = sp.diff(reach, index.setOf(j));
    }
    out.push({ reach, overlaps });
    index.add(set);
  }
  return out;
}
