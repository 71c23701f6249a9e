// A cheap per-field picture of a rule's match set: one interval (or bit mask,
// or interface pattern) per field. Building one costs a few string scans; the
// rule's BDD costs ~70 µs. The reachability analysis (reach.ts) uses boxes to
//  - find the earlier rules that can overlap a rule at all (boxes disjoint =>
//    sets disjoint), and
//  - prove most rules reachable with one concrete packet, without a BDD.
//
// A box is always a HULL: every packet the rule matches is in its box. When
// `exact` is set the box is also exactly the rule's match set (every packet in
// the box, well formed, matches), which is what lets a packet picked from the
// box stand as a witness. `exact` is only set for the plain forms the packet
// space encodes without opaque variables, so an exact rule has no approximated
// matches (CS304) by construction (`--tcp-flags`/`--syn` included: a mask and
// a value over the flags); anything else (negations, multiport, icmp,
// unmodelled modules, IPv6 addresses) clears it, and those rules go through the
// BDD, except that a rule which is an exact box plus unmodelled matches is
// marked `opaqueOnly` (see there).
import { BOX_SLOTS, type Family, type Match, type Rule } from '../ruleset/model.js';
import type { Packet } from '../space/index.js';
import { PORT_PROTOCOLS, parseAddressMask, parsePortRange, parseProtocol, parseTcpFlags } from '../space/fields.js';
import { lookupTable } from '../lookup.js';

/** All five conntrack states (NEW, ESTABLISHED, RELATED, INVALID, UNTRACKED) as bits 0..4. */
export const ALL_STATES = 0b11111;
export const STATE_BIT: Readonly<Record<string, number>> = lookupTable({ NEW: 1, ESTABLISHED: 2, RELATED: 4, INVALID: 8, UNTRACKED: 16 });

/**
 * Address bounds are stored biased: the unsigned 32-bit value with its top bit
 * flipped, read as a signed 32-bit integer. The order is the same, and every
 * value is a small integer to V8 (an unsigned value of 2^31 or more, such as
 * the 255.255.255.255 of every full box, would make the field a heap-allocated
 * double in every box: four extra objects per rule on a 100,000-rule dump).
 */
export function biasAddr(u: number): number {
  return (u ^ 0x80000000) | 0;
}

/** The unsigned 32-bit value of a biased address bound. */
export function unbiasAddr(b: number): number {
  return (b ^ 0x80000000) >>> 0;
}

const ADDR_MIN = -0x80000000;
const ADDR_MAX = 0x7fffffff;

export interface Box {
  /** The box equals the rule's match set (see the file comment). */
  exact: boolean;
  /**
   * The match set is exactly the box (as if exact) AND one or more unmodelled
   * matches, each encoded as a positive opaque literal (see space/encode.ts):
   * `-s 10.0.0.5 -m mac --mac-source ...`. Such a rule matches no assignment
   * whose opaque variables are all false, and every packet of the box for some
   * assignment; reach.ts decides it without a BDD where that is enough.
   */
  opaqueOnly: boolean;
  /** No packet is in the box (so none matches the rule). */
  empty: boolean;
  /** `eth0`, `br0.+`; undefined = any interface. */
  inIf: string | undefined;
  outIf: string | undefined;
  /** Protocol number, -1 = any. */
  proto: number;
  stateMask: number;
  /** -1 any, 0 first fragments and unfragmented packets, 1 later fragments. */
  frag: number;
  /** Address intervals over the top 32 bits (all of an IPv4 address), biased (see biasAddr). */
  srcLo: number;
  srcHi: number;
  dstLo: number;
  dstHi: number;
  spLo: number;
  spHi: number;
  dpLo: number;
  dpHi: number;
  /** TCP flags: (flags & tfMask) === tfComp; tfMask 0 = no constraint. */
  tfMask: number;
  tfComp: number;
  /**
   * The rule this box was computed and cached for (cachedRuleBox), else
   * undefined. A spread copy of a rule carries its cached box along; this
   * tells the copy that the box is not its own.
   */
  cachedFor: Rule | undefined;
}

/**
 * A box's fields, as a class: every box is one of these, made by the
 * constructor. Object literals and spreads were slower: the lint phase of the
 * 100,000-rule dump took 450 ms with them, 427 ms with this (BENCHMARKS.md).
 */
class BoxObject implements Box {
  constructor(
    public exact: boolean,
    public opaqueOnly: boolean,
    public empty: boolean,
    public inIf: string | undefined,
    public outIf: string | undefined,
    public proto: number,
    public stateMask: number,
    public frag: number,
    public srcLo: number,
    public srcHi: number,
    public dstLo: number,
    public dstHi: number,
    public spLo: number,
    public spHi: number,
    public dpLo: number,
    public dpHi: number,
    public tfMask: number,
    public tfComp: number,
    public cachedFor: Rule | undefined,
  ) {}
}

export function fullBox(): Box {
  return new BoxObject(true, false, false, undefined, undefined, -1, ALL_STATES, -1, ADDR_MIN, ADDR_MAX, ADDR_MIN, ADDR_MAX, 0, 65535, 0, 65535, 0, 0, undefined);
}

/** A copy of a box as a hull: not exact, not opaque-only, not cached for any rule. */
function inexactCopy(b: Box): Box {
  return new BoxObject(false, false, b.empty, b.inIf, b.outIf, b.proto, b.stateMask, b.frag, b.srcLo, b.srcHi, b.dstLo, b.dstHi, b.spLo, b.spHi, b.dpLo, b.dpHi, b.tfMask, b.tfComp, undefined);
}

/** The rule's box. Pure function of the rule's text fields. */
export function ruleBox(rule: Rule, family: Family): Box {
  const b = fullBox();
  if (family !== 'ipv4') b.exact = false;
  let opaque = false;
  if (rule.inIface) b.inIf = ifacePattern(b, rule.inIface.value, rule.inIface.negated);
  if (rule.outIface) b.outIf = ifacePattern(b, rule.outIface.value, rule.outIface.negated);
  if (rule.proto) {
    const p = parseProtocol(rule.proto.value);
    if (rule.proto.negated || p === undefined) b.exact = false;
    else if (p !== null) b.proto = p;
  }
  if (rule.src) addressInto(b, 'src', rule.src.value, rule.src.negated, family);
  if (rule.dst) addressInto(b, 'dst', rule.dst.value, rule.dst.negated, family);
  if (rule.fragment) setFrag(b, rule.fragment.negated ? 0 : 1);
  const { matches } = rule;
  // The parser shares a frozen list among the rules that spell their matches alike: its part of the box is worked out once.
  if (matches.length > 0) opaque = Object.isFrozen(matches) ? applyMatchPart(b, matchPartOf(matches)) : matchesInto(b, matches);
  b.opaqueOnly = b.exact && opaque;
  if (opaque) b.exact = false;
  b.empty ||= b.stateMask === 0 || b.srcLo > b.srcHi || b.dstLo > b.dstHi || b.spLo > b.spHi || b.dpLo > b.dpHi;
  return b;
}

/**
 * What the matches say, into b: the protocol and fragment they imply, ports,
 * TCP flags, conntrack states, and exactness. Returns whether any is an opaque
 * literal. Reads of b are only of what matches set (or of the protocol and
 * fragment, through setProto and setFrag), so the matches' part can be worked
 * out on a full box and applied later (applyMatchPart).
 */
function matchesInto(b: Box, matches: readonly Match[]): boolean {
  let opaque = false;
  for (const m of matches) {
    switch (m.module) {
      case 'comment':
        break;
      case 'tcp':
      case 'udp':
      case 'sctp':
      case 'dccp':
      case 'udplite':
        setProto(b, parseProtocol(m.module) as number);
        setFrag(b, 0);
        for (const o of m.options) {
          if (m.module === 'tcp' && (o.name === 'tcp-flags' || o.name === 'syn')) {
            tcpFlagsInto(b, o);
            continue;
          }
          const port = o.name === 'sport' || o.name === 'source-port' ? 's' : o.name === 'dport' || o.name === 'destination-port' ? 'd' : undefined;
          const range = port && o.args.length === 1 ? parsePortRange(o.args[0]!) : undefined;
          if (!range || o.negated) {
            b.exact = false;
            continue;
          }
          if (port === 's') {
            b.spLo = Math.max(b.spLo, range[0]);
            b.spHi = Math.min(b.spHi, range[1]);
          } else {
            b.dpLo = Math.max(b.dpLo, range[0]);
            b.dpHi = Math.min(b.dpHi, range[1]);
          }
        }
        break;
      case 'conntrack':
      case 'state':
        for (const o of m.options) {
          const isState = (m.module === 'state' && o.name === 'state') || (m.module === 'conntrack' && o.name === 'ctstate');
          let mask = 0;
          for (const name of isState && o.args.length === 1 ? o.args[0]!.split(',') : []) {
            const bit = STATE_BIT[name.toUpperCase()];
            // SNAT/DNAT are conntrack status bits the space leaves opaque.
            if (bit === undefined) mask = -1;
            else if (mask >= 0) mask |= bit;
          }
          if (!isState || o.args.length !== 1 || mask < 0) b.exact = false;
          else b.stateMask &= o.negated ? ALL_STATES & ~mask : mask;
        }
        break;
      case 'multiport':
        multiportHull(b, m.options);
        break;
      default:
        // icmp, iprange, recent, mark, limit, ...: a hull that ignores the match is still a hull.
        if (isOpaqueLiteral(m)) opaque = true;
        else b.exact = false;
    }
  }
  return opaque;
}

/** A list's part of a box (matchesInto on a full box) and whether it has opaque literals. */
interface MatchPart {
  box: Box;
  opaque: boolean;
}

/** By shared (frozen) list: a 100,000-rule dump has a few thousand distinct `-m tcp --dport N`. */
const matchParts = new WeakMap<readonly Match[], MatchPart>();

function matchPartOf(matches: readonly Match[]): MatchPart {
  let part = matchParts.get(matches);
  if (part === undefined) {
    const box = fullBox();
    part = { box, opaque: matchesInto(box, matches) };
    matchParts.set(matches, part);
  }
  return part;
}

/**
 * matchesInto(b, matches) from the list's part: the same box. The part was
 * worked out on a full box; b differs from one only in what the rule's own
 * fields set (interfaces, protocol, addresses, fragment), so the fields only
 * matches set are the part's, and protocol and fragment meet as setProto and
 * setFrag would (the matches of a list that is not empty by itself imply one
 * protocol and one fragment setting).
 */
function applyMatchPart(b: Box, { box: m, opaque }: MatchPart): boolean {
  if (!m.exact) b.exact = false;
  if (m.empty) b.empty = true;
  if (m.proto >= 0) setProto(b, m.proto);
  if (m.frag >= 0) setFrag(b, m.frag);
  b.stateMask &= m.stateMask;
  b.spLo = m.spLo;
  b.spHi = m.spHi;
  b.dpLo = m.dpLo;
  b.dpHi = m.dpHi;
  b.tfMask = m.tfMask;
  b.tfComp = m.tfComp;
  return opaque;
}

/**
 * ruleBox, computed once per rule (reach, the verdict walks and the diff all
 * ask for it). The box is kept in a symbol-keyed slot on the rule itself
 * (BOX_SLOTS, which parsed rules are built with). A WeakMap of 100,000 rules
 * cost more to look up (and to trace in the garbage collector) than computing
 * the boxes did, and so did a non-enumerable Object.defineProperty (a runtime
 * call per rule). A plain symbol property is copied by `{ ...rule, src }` (a
 * changed copy), so the box names the rule it was computed for (cachedFor),
 * and a copy computes its own. A rule's matches never change once parsed or
 * generated (copies are made instead), so the box stays valid.
 */
export function cachedRuleBox(rule: Rule, family: Family): Box {
  const slots = rule as unknown as Record<symbol, Box | undefined>;
  const key = BOX_SLOTS[family];
  const cached = slots[key];
  if (cached !== undefined && cached.cachedFor === rule) return cached;
  const box = ruleBox(rule, family);
  box.cachedFor = rule;
  slots[key] = box;
  return box;
}

/**
 * A `Within.skip` for a set held by these boxes (analysis/verdict.ts): true for
 * a rule whose box meets none of them, so whose match set misses the set.
 */
export function missesAll(hulls: readonly Box[], family: Family): (rule: Rule) => boolean {
  return (rule) => {
    const b = cachedRuleBox(rule, family);
    for (const h of hulls) if (boxesMeet(h, b)) return false;
    return true;
  };
}

/**
 * A hull of sp.packetSet(p): the packet's addresses, protocol, ports and
 * state. Interfaces are left open (an example's interface name stands for a
 * class of names, see space/interfaces.ts), and so is everything the packet
 * leaves unset, so the box is a hull whatever the space makes of the rest.
 */
export function packetBox(p: Packet, family: Family): Box {
  const b = fullBox();
  b.exact = false;
  const proto = parseProtocol(p.proto);
  if (typeof proto === 'number') b.proto = proto;
  const bit = STATE_BIT[p.state.toUpperCase()];
  if (bit !== undefined) b.stateMask = bit;
  const src = family === 'ipv4' ? ipv4Range(p.src) : topBitsHull(p.src, family);
  if (src) setAddressBounds(b, 'src', src[0], src[1]);
  const dst = family === 'ipv4' ? ipv4Range(p.dst) : topBitsHull(p.dst, family);
  if (dst) setAddressBounds(b, 'dst', dst[0], dst[1]);
  if (p.sport !== undefined) b.spLo = b.spHi = p.sport;
  if (p.dport !== undefined) b.dpLo = b.dpHi = p.dport;
  return b;
}

/** Modules the encoder models (space/encode.ts): never opaque as a whole. */
const MODELLED: ReadonlySet<string> = new Set(['comment', 'tcp', 'udp', 'sctp', 'dccp', 'udplite', 'multiport', 'icmp', 'icmp6', 'conntrack', 'state', 'iprange', 'recent']);

/**
 * Whether the encoder turns the whole match into one positive opaque literal:
 * a module it does not model, or `-m recent` with a check of earlier packets.
 */
export function isOpaqueLiteral(m: { module: string; options: readonly { name: string }[] }): boolean {
  if (m.module === 'recent') return m.options.some((o) => o.name === 'rcheck' || o.name === 'update' || o.name === 'remove');
  return !MODELLED.has(m.module);
}

function ifacePattern(b: Box, text: string, negated: boolean): string | undefined {
  if (negated) {
    b.exact = false;
    return undefined;
  }
  return text === '' || text === '+' ? undefined : text;
}

/** `--tcp-flags MASK COMP` or `--syn` (FIN,SYN,RST,ACK SYN), as the encoder reads them; anything else leaves the box inexact. */
function tcpFlagsInto(b: Box, o: { name: string; negated: boolean; args: readonly string[] }): void {
  const [maskText, compText] = o.name === 'syn' ? ['FIN,SYN,RST,ACK', 'SYN'] : o.args;
  const mask = o.args.length === (o.name === 'syn' ? 0 : 2) && maskText !== undefined ? parseTcpFlags(maskText) : undefined;
  const comp = compText !== undefined ? parseTcpFlags(compText) : undefined;
  if (o.negated || mask === undefined || comp === undefined) {
    b.exact = false;
    return;
  }
  const c = comp & mask;
  // The kernel compares (flags & mask) == comp as given: a comp flag outside the mask never matches.
  if (c !== comp || ((b.tfComp ^ c) & b.tfMask & mask) !== 0) b.empty = true;
  b.tfComp = (b.tfComp & b.tfMask) | c;
  b.tfMask |= mask;
}

function setProto(b: Box, p: number): void {
  if (b.proto >= 0 && b.proto !== p) b.empty = true;
  b.proto = p;
}

function setFrag(b: Box, f: number): void {
  if (b.frag >= 0 && b.frag !== f) b.empty = true;
  b.frag = f;
}

function addressInto(b: Box, field: 'src' | 'dst', text: string, negated: boolean, family: Family): void {
  if (negated) {
    b.exact = false;
    return;
  }
  if (family === 'ipv4' && scanIpv4(text)) {
    setAddressBounds(b, field, scannedLo, scannedHi);
    return;
  }
  // Not a plain IPv4 CIDR: IPv6, or a dotted non-contiguous mask. Hull over the top 32 bits.
  b.exact = false;
  const range = topBitsHull(text, family);
  if (range) setAddressBounds(b, field, range[0], range[1]);
}

/**
 * Sets a box's source or destination interval (stored biased). The bounds may
 * be unsigned or the int32 bit patterns scanIpv4 leaves: biasAddr reads both alike.
 */
function setAddressBounds(b: Box, field: 'src' | 'dst', lo: number, hi: number): void {
  if (field === 'src') {
    b.srcLo = biasAddr(lo);
    b.srcHi = biasAddr(hi);
  } else {
    b.dstLo = biasAddr(lo);
    b.dstHi = biasAddr(hi);
  }
}

/** `a.b.c.d` or `a.b.c.d/len` → [first, last], unsigned. */
export function ipv4Range(text: string): [number, number] | undefined {
  return scanIpv4(text) ? [scannedLo >>> 0, scannedHi >>> 0] : undefined;
}

/** The bounds scanIpv4 found last, as int32 bit patterns (`>>> 0` reads them unsigned). */
let scannedLo = 0;
let scannedHi = 0;

/**
 * Reads `a.b.c.d` or `a.b.c.d/len` into scannedLo and scannedHi; false for
 * anything else. The hot path of every IPv4 rule's box, so it works on int32
 * bit patterns (no array, no floating-point modulo) and without regexes.
 */
function scanIpv4(text: string): boolean {
  let addr = 0;
  let octet = -1;
  let dots = 0;
  let i = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = (octet < 0 ? 0 : octet * 10) + (c - 48);
      if (octet > 255) return false;
    } else if (c === 46 && octet >= 0 && dots < 3) {
      addr = (addr << 8) | octet;
      octet = -1;
      dots++;
    } else break;
  }
  if (dots !== 3 || octet < 0) return false;
  addr = (addr << 8) | octet;
  let len = 32;
  if (i < text.length) {
    if (text.charCodeAt(i) !== 47 || i + 1 === text.length || text.length - i > 3) return false;
    len = 0;
    for (let j = i + 1; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c < 48 || c > 57) return false; // a dotted mask: the slow path
      len = len * 10 + (c - 48);
    }
    if (len > 32) return false;
  }
  // The prefix mask as int32 (a shift by 32 would be a shift by 0).
  const mask = len === 0 ? 0 : -1 << (32 - len);
  scannedLo = addr & mask;
  scannedHi = scannedLo | ~mask;
  return true;
}

function topBitsHull(text: string, family: Family): [number, number] | undefined {
  const am = parseAddressMask(text, family);
  if (!am) return undefined;
  const shift = family === 'ipv4' ? 0n : 96n;
  const value = Number(am.value >> shift);
  const mask = Number(am.mask >> shift);
  // The hull of value/mask within the top bits: the bits below the first zero of the mask are free.
  let len = 0;
  while (len < 32 && (mask >>> (31 - len)) & 1) len++;
  const size = 2 ** (32 - len);
  const lo = value - (value % size);
  return [lo, lo + size - 1];
}

function multiportHull(b: Box, options: readonly { name: string; negated: boolean; args: string[] }[]): void {
  b.exact = false;
  setFrag(b, 0);
  // A port protocol is required; which one the box cannot say unless -p already did.
  if (b.proto >= 0 && !PORT_PROTOCOLS.includes(b.proto)) b.empty = true;
  for (const o of options) {
    if (o.negated || o.args.length !== 1) continue;
    let lo = 65535;
    let hi = 0;
    for (const item of o.args[0]!.split(',')) {
      const r = parsePortRange(item);
      if (!r) return;
      lo = Math.min(lo, r[0]);
      hi = Math.max(hi, r[1]);
    }
    if (o.name === 'dports' || o.name === 'destination-ports') [b.dpLo, b.dpHi] = [Math.max(b.dpLo, lo), Math.min(b.dpHi, hi)];
    else if (o.name === 'sports' || o.name === 'source-ports') [b.spLo, b.spHi] = [Math.max(b.spLo, lo), Math.min(b.spHi, hi)];
  }
}

// ---- box algebra -------------------------------------------------------------

/** Whether two interface patterns can name the same interface (undefined = any). */
export function ifacesMeet(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined || a === b) return true;
  const wa = a.endsWith('+');
  const wb = b.endsWith('+');
  if (wa && b.startsWith(a.slice(0, -1))) return true;
  if (wb && a.startsWith(b.slice(0, -1))) return true;
  return false;
}

/** The narrower of two meeting patterns (meetBoxes' interface field). */
export function ifaceMeet(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (!b.endsWith('+')) return b;
  if (!a.endsWith('+')) return a;
  return a.length >= b.length ? a : b;
}

/** Whether two boxes share a packet. */
export function boxesMeet(a: Box, b: Box): boolean {
  return (
    !a.empty && !b.empty &&
    (a.proto < 0 || b.proto < 0 || a.proto === b.proto) &&
    (a.stateMask & b.stateMask) !== 0 &&
    (a.frag < 0 || b.frag < 0 || a.frag === b.frag) &&
    a.srcLo <= b.srcHi && b.srcLo <= a.srcHi && a.dstLo <= b.dstHi && b.dstLo <= a.dstHi &&
    a.spLo <= b.spHi && b.spLo <= a.spHi && a.dpLo <= b.dpHi && b.dpLo <= a.dpHi &&
    ((a.tfComp ^ b.tfComp) & a.tfMask & b.tfMask) === 0 &&
    ifacesMeet(a.inIf, b.inIf) && ifacesMeet(a.outIf, b.outIf)
  );
}

/** Every packet of box `inner` is in box `outer` (as boxes: for sets, `outer` must be exact). */
export function boxContains(outer: Box, inner: Box): boolean {
  if (inner.empty) return true;
  if (outer.empty) return false;
  return (
    (outer.proto < 0 || outer.proto === inner.proto) &&
    (inner.stateMask & ~outer.stateMask) === 0 &&
    (outer.frag < 0 || outer.frag === inner.frag) &&
    outer.srcLo <= inner.srcLo && inner.srcHi <= outer.srcHi && outer.dstLo <= inner.dstLo && inner.dstHi <= outer.dstHi &&
    outer.spLo <= inner.spLo && inner.spHi <= outer.spHi && outer.dpLo <= inner.dpLo && inner.dpHi <= outer.dpHi &&
    (outer.tfMask & ~inner.tfMask) === 0 && ((outer.tfComp ^ inner.tfComp) & outer.tfMask) === 0 &&
    ifaceContains(outer.inIf, inner.inIf) && ifaceContains(outer.outIf, inner.outIf)
  );
}

/** Every name `inner` matches, `outer` matches too (undefined = any). */
function ifaceContains(outer: string | undefined, inner: string | undefined): boolean {
  if (outer === undefined) return true;
  if (inner === undefined) return false;
  if (outer === inner) return true;
  return outer.endsWith('+') && inner.startsWith(outer.slice(0, -1));
}

/** a ∩ b (not exact: only used to pick witnesses). */
export function meetBoxes(a: Box, b: Box): Box {
  return new BoxObject(
    false,
    false,
    !boxesMeet(a, b),
    ifaceMeet(a.inIf, b.inIf),
    ifaceMeet(a.outIf, b.outIf),
    a.proto >= 0 ? a.proto : b.proto,
    a.stateMask & b.stateMask,
    a.frag >= 0 ? a.frag : b.frag,
    Math.max(a.srcLo, b.srcLo), Math.min(a.srcHi, b.srcHi),
    Math.max(a.dstLo, b.dstLo), Math.min(a.dstHi, b.dstHi),
    Math.max(a.spLo, b.spLo), Math.min(a.spHi, b.spHi),
    Math.max(a.dpLo, b.dpLo), Math.min(a.dpHi, b.dpHi),
    a.tfMask | b.tfMask, a.tfComp | b.tfComp,
    undefined,
  );
}

/** The smallest box holding both (a hull of a union; never exact). */
export function joinBoxes(a: Box, b: Box): Box {
  if (a.empty) return inexactCopy(b);
  if (b.empty) return inexactCopy(a);
  // The flags both fix, to the same value.
  const tfMask = a.tfMask & b.tfMask & ~(a.tfComp ^ b.tfComp);
  return new BoxObject(
    false,
    false,
    false,
    a.inIf === b.inIf ? a.inIf : undefined,
    a.outIf === b.outIf ? a.outIf : undefined,
    a.proto === b.proto ? a.proto : -1,
    a.stateMask | b.stateMask,
    a.frag === b.frag ? a.frag : -1,
    Math.min(a.srcLo, b.srcLo), Math.max(a.srcHi, b.srcHi),
    Math.min(a.dstLo, b.dstLo), Math.max(a.dstHi, b.dstHi),
    Math.min(a.spLo, b.spLo), Math.max(a.spHi, b.spHi),
    Math.min(a.dpLo, b.dpLo), Math.max(a.dpHi, b.dpHi),
    tfMask, a.tfComp & tfMask,
    undefined,
  );
}

/** The box of every packet but for the fields given (a hull for the callers' simple sets). */
export function boxWith(fields: Partial<Box>): Box {
  const b = fullBox();
  b.exact = false;
  Object.assign(b, fields);
  b.cachedFor = undefined;
  return b;
}

export function emptyBox(): Box {
  const b = fullBox();
  b.exact = false;
  b.empty = true;
  return b;
}
