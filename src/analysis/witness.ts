// Concrete packets picked from a box, written as a BDD variable assignment.
//
// A rule is reachable as soon as ONE packet matches it and no earlier rule
// takes that packet. Checking a packet against a box is a few comparisons and
// against a BDD one path walk, while proving the same thing symbolically means
// building the rule's BDD and subtracting every overlapping earlier rule. So
// reach.ts first tries a few packets of the rule's box (lowest values, highest
// values, a middle value), and only when every one of them is taken does it
// fall back to the exact computation.
import { ALL_STATES, unbiasAddr, type Box } from './box.js';
import { FIELD_ORDER, PORT_PROTOCOLS, TCP, type FieldName } from '../space/fields.js';
import type { BddNode, PacketSpace } from '../space/index.js';

/** One packet: field values, interface atoms by index, addresses biased as boxes keep them (box.ts biasAddr). */
export interface Point {
  inIf: string;
  outIf: string;
  inAtom: number;
  outAtom: number;
  proto: number;
  state: number;
  frag: number;
  src: number;
  dst: number;
  sport: number;
  dport: number;
  icmpType: number;
  icmpCode: number;
  tcpFlags: number;
}

/** A mask over FIELD_ORDER of the named fields, as fieldsTestedBy returns them. */
export function fieldMask(...names: FieldName[]): number {
  let m = 0;
  for (const n of names) m |= 1 << FIELD_ORDER.indexOf(n);
  return m;
}

/** fieldsTestedBy's bit for a variable of no packet field (an opaque predicate). */
export const NOT_A_FIELD = 1 << FIELD_ORDER.length;

/** How many different packets a box offers before the caller gives up on witnesses. */
export const PREFERENCES = 3;

/** Picks packets of boxes and writes them as bit assignments for one space (IPv4 only). */
export class WitnessPicker {
  private readonly atomCache = new Map<string, [number, string]>();
  private readonly freeAtom: [number, string];
  /** Reused assignment buffer: the hot loop allocates nothing. */
  readonly bits: Uint8Array;
  /** Field values of the point being written, by SLOT. */
  private readonly values = new Uint32Array(12);
  /** first and width of each field, in FIELD_ORDER. */
  private readonly layout: Int32Array;
  private readonly point: Point = {
    inIf: '', outIf: '', inAtom: 0, outAtom: 0, proto: 0, state: 0, frag: 0, src: 0, dst: 0, sport: 0, dport: 0, icmpType: 0, icmpCode: 0, tcpFlags: 0,
  };

  constructor(private readonly sp: PacketSpace) {
    // Opaque variables are allocated later, below the fields: they read as 0 (undefined) from this buffer.
    this.bits = new Uint8Array(sp.firstOpaque);
    this.layout = Int32Array.from(FIELD_ORDER.flatMap((name) => [sp.fields[name].first, sp.fields[name].width]));
    const atoms = sp.interfaces.atoms;
    const free = atoms.findIndex((a) => a.prefix === '');
    this.freeAtom = free >= 0 ? [free, atoms[free]!.name] : [0, atoms[0]!.name];
  }

  /** An interface atom matching the pattern (undefined = any): the pattern's own class first. */
  private atom(pattern: string | undefined): [number, string] {
    if (pattern === undefined) return this.freeAtom;
    let a = this.atomCache.get(pattern);
    if (!a) {
      const atoms = this.sp.interfaces.atoms;
      let i: number;
      if (!pattern.endsWith('+')) i = atoms.findIndex((x) => x.exact === pattern);
      else {
        const p = pattern.slice(0, -1);
        i = atoms.findIndex((x) => x.prefix === p);
        if (i < 0) i = atoms.findIndex((x) => (x.exact ?? x.prefix!).startsWith(p));
      }
      // Every name the rules mention is in the alphabet; -1 only for a pattern from elsewhere.
      a = i >= 0 ? [i, atoms[i]!.name] : this.freeAtom;
      this.atomCache.set(pattern, a);
    }
    return a;
  }

  /**
   * The fields (a mask over FIELD_ORDER, see fieldMask) whose variables the
   * sets test, and NOT_A_FIELD for any other variable. With `stopOn`, returns
   * as soon as one of those bits is found (the rest of the mask is then partial).
   */
  fieldsTestedBy(sets: readonly BddNode[], stopOn = 0): number {
    const layout = this.layout;
    let mask = 0;
    this.sp.bdd.visitNodes(sets, (v) => {
      let field = -1;
      for (let f = 0; f < layout.length; f += 2) if (v >= layout[f]! && v < layout[f]! + layout[f + 1]!) field = f >> 1;
      mask |= field >= 0 ? 1 << field : NOT_A_FIELD;
      return (mask & stopOn) !== 0;
    });
    return mask;
  }

  /**
   * The `pref`-th packet of a non-empty box (0 lowest values, 1 highest, 2
   * middle), written into `bits`; returns the (reused) point. Header fields a
   * packet of that protocol does not have are zero, as the space's domain wants.
   * The interface atoms and the state depend only on the box's interface
   * patterns, its state mask and `pref` (reach.ts relies on it).
   */
  pick(box: Box, pref: number): Point {
    const p = this.point;
    const inAtom = this.atom(box.inIf);
    p.inAtom = inAtom[0];
    p.inIf = inAtom[1];
    const outAtom = this.atom(box.outIf);
    p.outAtom = outAtom[0];
    p.outIf = outAtom[1];
    // A free protocol: 0, 255 or 253 (reserved for experiments), which few rules name.
    p.proto = box.proto >= 0 ? box.proto : pref === 0 ? 0 : pref === 1 ? 255 : 253;
    p.state = pickBit(box.stateMask & ALL_STATES, pref);
    p.frag = box.frag >= 0 ? box.frag : 0;
    p.src = choose(box.srcLo, box.srcHi, pref);
    p.dst = choose(box.dstLo, box.dstHi, pref);
    const firstFragment = p.frag === 0;
    const ports = firstFragment && PORT_PROTOCOLS.includes(p.proto);
    p.sport = ports ? choose(box.spLo, box.spHi, pref) : 0;
    p.dport = ports ? choose(box.dpLo, box.dpHi, pref) : 0;
    const icmp = firstFragment && p.proto === (this.sp.family === 'ipv4' ? 1 : 58);
    p.icmpType = icmp ? choose(0, 255, pref) : 0;
    p.icmpCode = 0;
    // Flags the box fixes take its values; the others follow the preference.
    p.tcpFlags = firstFragment && p.proto === TCP ? (choose(0, 63, pref) & ~box.tfMask) | box.tfComp : 0;
    this.write(p);
    return p;
  }

  private write(p: Point): void {
    const bits = this.bits;
    const values = this.values;
    values[0] = p.inAtom;
    values[1] = p.outAtom;
    values[2] = p.proto;
    values[3] = p.state;
    values[4] = p.frag;
    values[5] = unbiasAddr(p.src);
    values[6] = unbiasAddr(p.dst);
    values[7] = p.sport;
    values[8] = p.dport;
    values[9] = p.icmpType;
    values[10] = p.icmpCode;
    values[11] = p.tcpFlags;
    const layout = this.layout;
    for (let f = 0; f < layout.length; f += 2) {
      const first = layout[f]!;
      const width = layout[f + 1]!;
      // Every IPv4 field is at most 32 bits wide: unsigned shifts are exact.
      const value = values[FIELD_SLOT[f >> 1]!]!;
      for (let i = 0; i < width; i++) bits[first + i] = (value >>> (width - 1 - i)) & 1;
    }
  }
}

/** `lo`, `hi` or the middle of [lo, hi], by preference. */
function choose(lo: number, hi: number, pref: number): number {
  return pref === 0 ? lo : pref === 1 ? hi : lo + Math.floor((hi - lo) / 2);
}

/** Point field values in write()'s `values` order, by field name. */
const SLOT: Readonly<Record<FieldName, number>> = {
  in: 0, out: 1, proto: 2, state: 3, fragment: 4, src: 5, dst: 6, sport: 7, dport: 8, icmpType: 9, icmpCode: 10, tcpFlags: 11,
};

/** The `values` slot of each field in FIELD_ORDER. */
const FIELD_SLOT: readonly number[] = FIELD_ORDER.map((name) => SLOT[name]);

/** The lowest, highest or a middle set bit's index of a non-zero mask. */
function pickBit(mask: number, pref: number): number {
  let count = 0;
  for (let i = 0; i < 5; i++) if (mask & (1 << i)) count++;
  let want = pref === 0 ? 0 : pref === 1 ? count - 1 : Math.floor((count - 1) / 2);
  for (let i = 0; i < 5; i++) if (mask & (1 << i) && want-- === 0) return i;
  return 0;
}

/** Whether a box holds a point. */
export function boxHolds(b: Box, p: Point): boolean {
  return (
    !b.empty &&
    (b.proto < 0 || b.proto === p.proto) &&
    (b.stateMask & (1 << p.state)) !== 0 &&
    (b.frag < 0 || b.frag === p.frag) &&
    p.src >= b.srcLo && p.src <= b.srcHi && p.dst >= b.dstLo && p.dst <= b.dstHi &&
    p.sport >= b.spLo && p.sport <= b.spHi && p.dport >= b.dpLo && p.dport <= b.dpHi &&
    (p.tcpFlags & b.tfMask) === b.tfComp &&
    ifaceHolds(b.inIf, p.inIf) && ifaceHolds(b.outIf, p.outIf)
  );
}

function ifaceHolds(pattern: string | undefined, name: string): boolean {
  if (pattern === undefined) return true;
  return pattern.endsWith('+') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}
