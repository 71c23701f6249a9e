// Which earlier rules of a chain can overlap a rule, found by address blocks.
//
// Large rulesets are mostly host rules (`-s a/32 -d b/32 ...`). A rule whose
// source (or destination) box is one address can only meet earlier rules whose
// source (destination) block holds that address: its block or an ancestor
// block. So each rule is filed under the prefix block enclosing its source
// interval and under the one enclosing its destination interval, and a query
// looks up the ≤ 33 ancestor blocks of the one field it pins (skipping prefix
// lengths nobody used). A rule that pins neither address scans the chain's
// rules linearly; such broad rules are few in practice. Candidates are then
// filtered by the full box test.
import { boxesMeet, unbiasAddr, type Box } from './box.js';

/** The answer when no filed box meets the query (most queries on host rules): no array each. */
const NONE: readonly number[] = Object.freeze([]);

export class OverlapIndex {
  private readonly boxes: Box[] = [];
  private readonly ids: number[] = [];
  /** Built on the first query that pins that field (a chain of host rules only ever asks by source). */
  private bySrc: BlockMap | undefined;
  private byDst: BlockMap | undefined;

  /** Files entry `id` (a rule index, increasing) with its box. */
  add(id: number, box: Box): void {
    if (box.empty) return;
    const k = this.boxes.length;
    this.boxes.push(box);
    this.ids.push(id);
    this.bySrc?.add(box.srcLo, box.srcHi, k);
    this.byDst?.add(box.dstLo, box.dstHi, k);
  }

  /** Ids of filed entries whose boxes meet `box`, ascending (do not modify: may be shared). */
  meeting(box: Box): readonly number[] {
    if (box.empty || this.boxes.length === 0) return NONE;
    let out: number[] | undefined;
    const slots =
      box.srcLo === box.srcHi ? (this.bySrc ??= this.blocks('src')).ancestors(box.srcLo)
      : box.dstLo === box.dstHi ? (this.byDst ??= this.blocks('dst')).ancestors(box.dstLo)
      : undefined;
    if (slots) {
      for (const k of slots) if (boxesMeet(this.boxes[k]!, box)) (out ??= []).push(this.ids[k]!);
    } else {
      for (let k = 0; k < this.boxes.length; k++) if (boxesMeet(this.boxes[k]!, box)) (out ??= []).push(this.ids[k]!);
    }
    return out ?? NONE;
  }

  /** A block map of the entries filed so far, by one address field. */
  private blocks(field: 'src' | 'dst'): BlockMap {
    const m = new BlockMap();
    this.boxes.forEach((b, k) => (field === 'src' ? m.add(b.srcLo, b.srcHi, k) : m.add(b.dstLo, b.dstHi, k)));
    return m;
  }
}

/**
 * Entries by the prefix block enclosing their interval, one map per prefix
 * length. A block's entries are a linked list through `next` (newest first),
 * so filing 100,000 host rules allocates no array per block.
 */
class BlockMap {
  /** Per prefix length: block prefix -> newest entry in the block. */
  private readonly heads: (Map<number, number> | undefined)[] = new Array(33);
  /** The prefix lengths that have a map, ascending (a chain of host rules uses one or two of the 33). */
  private readonly lengths: number[] = [];
  /** Per entry: the previous entry of its block, or -1. */
  private readonly next: number[] = [];

  /** Files entry k under the block enclosing [lo, hi] (biased bounds, as boxes keep them). */
  add(biasedLo: number, biasedHi: number, k: number): void {
    const lo = unbiasAddr(biasedLo);
    const hi = unbiasAddr(biasedHi);
    const len = lo === hi ? 32 : Math.clz32((lo ^ hi) >>> 0);
    const prefix = len === 0 ? 0 : lo >>> (32 - len);
    let m = this.heads[len];
    if (!m) {
      this.heads[len] = m = new Map();
      this.lengths.push(len);
      this.lengths.sort((a, b) => a - b);
    }
    const head = m.get(prefix);
    this.next[k] = head ?? -1;
    m.set(prefix, k);
  }

  /** ancestors()' answer, reused: one array per query of 100,000 host rules was garbage-collector work. */
  private readonly found: number[] = [];

  /** Entries whose block holds the address (biased), ascending (valid until the next call). */
  ancestors(biased: number): number[] {
    const addr = unbiasAddr(biased);
    const out = this.found;
    // Most queries of host rules find nothing: no truncation call for an empty answer.
    if (out.length !== 0) out.length = 0;
    let lists = 0;
    for (const len of this.lengths) {
      const m = this.heads[len]!;
      let k = m.get(len === 0 ? 0 : addr >>> (32 - len));
      if (k === undefined) continue;
      lists++;
      for (; k >= 0; k = this.next[k]!) out.push(k);
    }
    // Each list is newest first: one list reversed is in order, several need a sort.
    return lists > 1 ? out.sort((a, b) => a - b) : out.reverse();
  }
}
