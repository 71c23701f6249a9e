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
import { boxesMeet, enclosingBlock, type Box } from './box.js';

export class OverlapIndex {
  private readonly boxes: Box[] = [];
  private readonly ids: number[] = [];
  private readonly bySrc = new BlockMap();
  private readonly byDst = new BlockMap();

  /** Files entry `id` (a rule index, increasing) with its box. */
  add(id: number, box: Box): void {
    if (box.empty) return;
    const k = this.boxes.length;
    this.boxes.push(box);
    this.ids.push(id);
    this.bySrc.add(box.srcLo, box.srcHi, k);
    this.byDst.add(box.dstLo, box.dstHi, k);
  }

  /** Ids of filed entries whose boxes meet `box`, ascending. */
  meeting(box: Box): number[] {
    const out: number[] = [];
    if (box.empty) return out;
    let slots: number[] | undefined;
    if (box.srcLo === box.srcHi) slots = this.bySrc.ancestors(box.srcLo);
    else if (box.dstLo === box.dstHi) slots = this.byDst.ancestors(box.dstLo);
    if (slots) {
      for (const k of slots) if (boxesMeet(this.boxes[k]!, box)) out.push(this.ids[k]!);
      return out;
    }
    for (let k = 0; k < this.boxes.length; k++) if (boxesMeet(this.boxes[k]!, box)) out.push(this.ids[k]!);
    return out;
  }
}

/** Entries by the prefix block enclosing their interval, one map per prefix length. */
class BlockMap {
  private readonly byLen: (Map<number, number[]> | undefined)[] = new Array(33);

  add(lo: number, hi: number, k: number): void {
    const [len, prefix] = enclosingBlock(lo, hi);
    let m = this.byLen[len];
    if (!m) this.byLen[len] = m = new Map();
    const list = m.get(prefix);
    if (list) list.push(k);
    else m.set(prefix, [k]);
  }

  /** Entries whose block holds the address, ascending. */
  ancestors(addr: number): number[] {
    let out: number[] | undefined;
    let lists = 0;
    for (let len = 0; len <= 32; len++) {
      const m = this.byLen[len];
      if (!m) continue;
      const list = m.get(len === 0 ? 0 : addr >>> (32 - len));
      if (!list) continue;
      lists++;
      out = out ? out.concat(list) : list;
    }
    if (!out) return [];
    return lists > 1 ? out.sort((a, b) => a - b) : out;
  }
}
