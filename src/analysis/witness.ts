// Concrete packets picked from a box, written as a BDD variable assignment.
//
// A rule is reachable as soon as ONE packet matches it and no earlier rule
// takes that packet. Checking a packet against a box is a few comparisons and
// against a BDD one path walk, while proving the same thing symbolically means
// building the rule's BDD and subtracting every overlapping earlier rule. So
// reach.ts first tries a few packets of the rule's box (lowest values, highest
// values, a middle value), and only when every one of them is taken does it
// fall back to the exact computation.
import { ALL_STATES, type Box } from './box.js';
import { FIELD_ORDER, PORT_PROTOCOLS, TCP, type FieldName } from '../space/fields.js';
import type { PacketSpace } from '../space/index.js';

/** One packet: field values, interface atoms by index, addresses as IPv4 numbers. */
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

/** How many different packets a box offers before the caller gives up on witnesses. */
export const PREFERENCES = 3;

/** Picks packets of boxes and writes them as bit assignments for one space (IPv4 only). */
export class WitnessPicker {
  private readonly atomCache = new Map<string, [number, string]>();
  private readonly freeAtom: [number, string];
  /** Reused assignment buffer: the hot loop allocates nothing. */
  readonly bits: Uint8Array;
  private readonly point: Point = {
    inIf: '', outIf: '', inAtom: 0, outAtom: 0, proto: 0, state: 0, frag: 0, src: 0, dst: 0, sport: 0, dport: 0, icmpType: 0, icmpCode: 0, tcpFlags: 0,
  };

  constructor(private readonly sp: PacketSpace) {
    // Opaque variables are allocated later, below the fields: they read as 0 (undefined) from this buffer.
    this.bits = new Uint8Array(sp.firstOpaque);
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
   * The `pref`-th packet of a non-empty box (0 lowest values, 1 highest, 2
   * middle), written into `bits`; returns the (reused) point. Header fields a
   * packet of that protocol does not have are zero, as the space's domain wants.
   */
  pick(box: Box, pref: number): Point {
    const p = this.point;
    const choose = (lo: number, hi: number): number => (pref === 0 ? lo : pref === 1 ? hi : lo + Math.floor((hi - lo) / 2));
    [p.inAtom, p.inIf] = this.atom(box.inIf);
    [p.outAtom, p.outIf] = this.atom(box.outIf);
    // A free protocol: 0, 255 or 253 (reserved for experiments), which few rules name.
    p.proto = box.proto >= 0 ? box.proto : pref === 0 ? 0 : pref === 1 ? 255 : 253;
    p.state = pickBit(box.stateMask & ALL_STATES, pref);
    p.frag = box.frag >= 0 ? box.frag : 0;
    p.src = choose(box.srcLo, box.srcHi);
    p.dst = choose(box.dstLo, box.dstHi);
    const firstFragment = p.frag === 0;
    const ports = firstFragment && PORT_PROTOCOLS.includes(p.proto);
    p.sport = ports ? choose(box.spLo, box.spHi) : 0;
    p.dport = ports ? choose(box.dpLo, box.dpHi) : 0;
    const icmp = firstFragment && p.proto === (this.sp.family === 'ipv4' ? 1 : 58);
    p.icmpType = icmp ? choose(0, 255) : 0;
    p.icmpCode = 0;
    // Flags the box fixes take its values; the others follow the preference.
    p.tcpFlags = firstFragment && p.proto === TCP ? (choose(0, 63) & ~box.tfMask) | box.tfComp : 0;
    this.write(p);
    return p;
  }

  private write(p: Point): void {
    const f = this.sp.fields;
    const bits = this.bits;
    for (const name of FIELD_ORDER) {
      const { first, width } = f[name];
      // Every IPv4 field is at most 32 bits wide: unsigned shifts are exact.
      const value = fieldValue(p, name);
      for (let i = 0; i < width; i++) bits[first + i] = (value >>> (width - 1 - i)) & 1;
    }
  }
}

function fieldValue(p: Point, name: FieldName): number {
  switch (name) {
    case 'in': return p.inAtom;
    case 'out': return p.outAtom;
    case 'proto': return p.proto;
    case 'state': return p.state;
    case 'fragment': return p.frag;
    case 'src': return p.src;
    case 'dst': return p.dst;
    case 'sport': return p.sport;
    case 'dport': return p.dport;
    case 'icmpType': return p.icmpType;
    case 'icmpCode': return p.icmpCode;
    case 'tcpFlags': return p.tcpFlags;
  }
}

/** The lowest, highest or a middle set bit's index of a non-zero mask. */
function pickBit(mask: number, pref: number): number {
  const set: number[] = [];
  for (let i = 0; i < 5; i++) if (mask & (1 << i)) set.push(i);
  return pref === 0 ? set[0]! : pref === 1 ? set[set.length - 1]! : set[Math.floor((set.length - 1) / 2)]!;
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
