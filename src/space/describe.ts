// Set → iptables-like match strings whose union is exactly the set.
//
// 1. Split the set by protocol class (tcp, udp, sctp, dccp, udplite, the
//    family's icmp, any other protocol, and IPv4 non-first fragments): inside
//    one class the header fields the class lacks are pinned to zero by the
//    domain, so they can be forgotten (∃) without changing the set.
// 2. Classes whose remaining constraints are identical are merged, so a set
//    free in the protocol prints no `-p` at all.
// 3. The rest is walked field by field: at each field the paths are grouped
//    by the node where they leave the field, giving (values of this field,
//    rest) pairs; values become CIDRs, ranges, interface names, state lists.
//
// Texts follow iptables-save's order and spelling where iptables can say it;
// where it cannot (two interface conditions, several `! -p`), the text is
// still unambiguous: `-i br0.+ ! -i br0.10`.
import { FALSE, TRUE, type BddNode } from './bdd.js';
import {
  CT_STATES,
  DCCP,
  PORT_PROTOCOLS,
  SCTP,
  TCP,
  TCP_FLAGS_ALL,
  UDP,
  UDPLITE,
  formatAddress,
  icmpProtocol,
  protocolName,
  tcpFlagsText,
  type FieldName,
} from './fields.js';
import type { PacketSpace } from './packet-space.js';
import type { InterfaceAlphabet } from './interfaces.js';

export interface DescribedCube {
  /** Match text, e.g. `-s 10.0.10.0/24 -i br0.10 -p tcp -m tcp --dport 22`; '' = every packet. */
  text: string;
  /** The exact packets of this term. */
  set: BddNode;
}

/** A piece of a term: printed in `slot` order; pieces of one `module` share one `-m module`. */
interface Part {
  slot: number;
  module?: string;
  text: string;
}

/** One alternative for a field: its text pieces and the field values it covers. */
interface Alt {
  parts: Part[];
  set: BddNode;
}

/** Placeholder module of port parts until the protocol group is known. */
const PORT_MODULE = '<ports>';

const SLOT = { src: 1, dst: 2, in: 3, out: 4, proto: 5, frag: 6, transport: 10, multiport: 11, icmp: 12, state: 13, opaque: 20 };

/** Above this many intervals a field is printed as value/mask terms instead. */
const MAX_INTERVALS = 64;

/** Walked after proto/fragment are split off (step 1). */
const WALK_FIELDS: readonly Segment[] = ['in', 'out', 'state', 'src', 'dst', 'sport', 'dport', 'icmp', 'tcpFlags'];

/** A walked field; `icmp` is type and code together (one `--icmp-type T/C`). */
type Segment = Exclude<FieldName, 'proto' | 'fragment' | 'icmpType' | 'icmpCode'> | 'icmp';

export function describeSet(sp: PacketSpace, set: BddNode): DescribedCube[] {
  if (set === FALSE) return [];
  return new Describer(sp).describe(set);
}

class Describer {
  constructor(private readonly sp: PacketSpace) {}

  private get b() {
    return this.sp.bdd;
  }

  describe(set: BddNode): DescribedCube[] {
    const groups = this.protocolGroups(set);
    const out: DescribedCube[] = [];
    for (const g of groups) {
      const protoAlts = this.protoAlts(g.classes);
      // Port options go to `-m tcp` (etc.) for one protocol, to `-m multiport` for several.
      const protos = g.classes.flatMap((c) => c.protos ?? []);
      const portModule = protos.length === 1 && PORT_PROTOCOLS.includes(protos[0]!) ? protocolName(protos[0]!) : 'multiport';
      for (const cube of this.walk(g.rest)) {
        const cubeParts = cube.parts.map((p) =>
          p.module !== PORT_MODULE ? p : portModule !== 'multiport' ? { ...p, module: portModule } : { ...p, module: 'multiport', text: p.text.replace(/--(s|d)port /, '--$1ports ') },
        );
        // A transport match already excludes non-first fragments.
        const hasTransport = cubeParts.some((p) => p.slot === SLOT.transport || p.slot === SLOT.multiport || p.slot === SLOT.icmp);
        for (const pa of protoAlts) {
          const parts = [...pa.parts.filter((p) => !(hasTransport && p.text === '! -f')), ...cubeParts];
          const s = this.b.and(this.b.and(this.sp.all(), pa.set), cube.set);
          if (s !== FALSE) out.push({ text: render(parts), set: s });
        }
      }
    }
    return out;
  }

  // ---- step 1 and 2: protocol classes ------------------------------------

  private protocolGroups(set: BddNode): { classes: ProtoClass[]; rest: BddNode }[] {
    const sp = this.sp;
    const icmp = icmpProtocol(sp.family);
    const special = [TCP, UDP, SCTP, DCCP, UDPLITE, icmp];
    const noFrag = sp.fragmentSet(false);
    const classes: ProtoClass[] = special.map((p) => ({ protos: [p], fragment: false, set: sp.bdd.and(sp.fieldEquals('proto', p), noFrag) }));
    const others = sp.bdd.and(sp.bdd.not(sp.fieldIn('proto', special)), noFrag);
    classes.push({ protos: null, fragment: false, set: others });
    if (sp.family === 'ipv4') classes.push({ protos: null, fragment: true, set: sp.fragmentSet(true) });

    const byRest = new Map<BddNode, ProtoClass[]>();
    const add = (c: ProtoClass, protoSet: BddNode, rest: BddNode) => {
      const list = byRest.get(rest) ?? [];
      list.push({ ...c, set: protoSet });
      byRest.set(rest, list);
    };
    for (const c of classes) {
      const s = sp.bdd.and(set, c.set);
      if (s === FALSE) continue;
      // Which protocols of the class the set holds, then the rest with protocol and fragment forgotten.
      const protoSet = this.protoFragProjection(s);
      const rest = this.forget(s, ['proto', 'fragment', ...pinnedFields(c, icmp)]);
      // Forgetting is exact only when the rest is the same for every protocol of the
      // class (always, for one-protocol classes); otherwise split per protocol.
      if (sp.bdd.and(sp.bdd.and(rest, protoSet), sp.all()) === s) {
        add(c, protoSet, rest);
        continue;
      }
      const { width } = sp.fields.proto;
      const protos = sp.bdd.existsRange(protoSet, sp.fields.fragment.first, sp.fields.fragment.first + 1);
      for (let p = 0; p < 1 << width; p++) {
        const one = sp.fieldEquals('proto', p);
        if (!sp.bdd.intersects(protos, one)) continue;
        const sp1 = sp.bdd.and(s, one);
        add(c, this.protoFragProjection(sp1), this.forget(sp1, ['proto', 'fragment', ...pinnedFields(c, icmp)]));
      }
    }
    return [...byRest].map(([rest, cls]) => ({ classes: cls, rest }));
  }

  private forget(s: BddNode, fields: FieldName[]): BddNode {
    for (const f of fields) {
      const { first, width } = this.sp.fields[f];
      s = this.b.existsRange(s, first, first + width);
    }
    return s;
  }

  /** The `-p` / `-f` alternatives of a merged group. */
  private protoAlts(classes: ProtoClass[]): Alt[] {
    const b = this.b;
    let whole: BddNode = FALSE;
    for (const c of classes) whole = b.or(whole, c.set);
    // Free in protocol and fragment: nothing to print.
    if (whole === this.protoFragAll()) return [{ parts: [], set: TRUE }];
    const frag = this.sp.fragmentSet(true);
    const alts: Alt[] = [];
    for (const fragment of [false, true]) {
      const fs = b.and(whole, fragment ? frag : b.not(frag));
      if (fs === FALSE) continue;
      const protos = b.existsRange(fs, this.sp.fields.fragment.first, this.sp.fields.fragment.first + 1);
      const other = b.existsRange(b.and(whole, fragment ? b.not(frag) : frag), this.sp.fields.fragment.first, this.sp.fields.fragment.first + 1);
      // Same protocols whether fragment or not: no -f needed (handled when fragment=false).
      if (protos === other && fragment) continue;
      // ip6tables has no -f (IPv6 packets are never in the fragment class).
      const silent = protos === other || this.sp.family === 'ipv6';
      const fragParts: Part[] = silent ? [] : [{ slot: SLOT.frag, text: fragment ? '-f' : '! -f' }];
      const fragSet = silent ? TRUE : fragment ? frag : b.not(frag);
      const protoAlts = protos === TRUE ? [{ parts: [], set: TRUE }] : this.valueAlts('proto', protos);
      for (const pa of protoAlts) alts.push({ parts: [...pa.parts, ...fragParts], set: b.and(pa.set, fragSet) });
    }
    return alts;
  }

  /** The (protocol, fragment) pairs of a set: every other variable forgotten. */
  private protoFragProjection(s: BddNode): BddNode {
    const { fields, bdd } = this.sp;
    s = bdd.existsRange(s, fields.src.first, bdd.variableCount);
    s = bdd.existsRange(s, fields.state.first, fields.state.first + fields.state.width);
    return bdd.existsRange(s, 0, fields.proto.first);
  }

  private protoFragAllCache: BddNode | undefined;
  private protoFragAll(): BddNode {
    return (this.protoFragAllCache ??= this.protoFragProjection(this.sp.all()));
  }

  // ---- step 3: the field walk --------------------------------------------------

  /** Terms of a set over the walked fields and the opaque variables. */
  private walk(rest: BddNode): Alt[] {
    const out: Alt[] = [];
    const go = (node: BddNode, fi: number, acc: Alt[]): void => {
      if (node === FALSE) return;
      if (fi === WALK_FIELDS.length) {
        for (const lits of this.opaquePaths(node)) out.push(this.combine([...acc, lits]));
        return;
      }
      const field = WALK_FIELDS[fi]!;
      for (const [exit, values] of this.exits(node, field)) {
        for (const alt of this.fieldAlts(field, values)) go(exit, fi + 1, [...acc, alt]);
      }
    };
    go(rest, 0, []);
    return out;
  }

  private combine(alts: Alt[]): Alt {
    let set: BddNode = TRUE;
    for (const a of alts) set = this.b.and(set, a.set);
    return { parts: alts.flatMap((a) => a.parts), set };
  }

  /** Groups the paths through a field by the node where they leave it. */
  private exits(node: BddNode, seg: Segment): Map<BddNode, BddNode> {
    const { first, width } = this.segment(seg);
    const end = first + width;
    const b = this.b;
    const found = new Set<BddNode>();
    const seen = new Set<BddNode>();
    const stack = [node];
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      if (n < 2 || b.levelOf(n) >= end) found.add(n);
      else stack.push(b.lo(n), b.hi(n));
    }
    const out = new Map<BddNode, BddNode>();
    for (const e of found) {
      if (e === FALSE) continue;
      const memo = new Map<BddNode, BddNode>();
      const project = (n: BddNode): BddNode => {
        if (n < 2 || b.levelOf(n) >= end) return n === e ? TRUE : FALSE;
        let r = memo.get(n);
        if (r === undefined) {
          r = b.mk(b.levelOf(n), project(b.lo(n)), project(b.hi(n)));
          memo.set(n, r);
        }
        return r;
      };
      out.set(e, project(node));
    }
    return out;
  }

  /** Paths to TRUE through the opaque variables, as text parts. */
  private opaquePaths(node: BddNode): Alt[] {
    const b = this.b;
    const out: Alt[] = [];
    const go = (n: BddNode, parts: Part[], set: BddNode): void => {
      if (n === FALSE) return;
      if (n === TRUE) {
        out.push({ parts, set });
        return;
      }
      const v = b.varOf(n);
      const text = this.sp.opaqueInfo(v)?.text ?? `opaque#${v}`;
      go(b.lo(n), [...parts, { slot: SLOT.opaque, text: `! ( ${text} )` }], b.and(set, b.variable(v, false)));
      go(b.hi(n), [...parts, { slot: SLOT.opaque, text }], b.and(set, b.variable(v, true)));
    };
    go(node, [], TRUE);
    return out;
  }

  // ---- field values → text ----------------------------------------------------

  private segment(seg: Segment): { first: number; width: number } {
    if (seg !== 'icmp') return this.sp.fields[seg];
    return { first: this.sp.fields.icmpType.first, width: 16 };
  }

  private fieldAlts(seg: Segment, values: BddNode): Alt[] {
    if (values === TRUE) return [{ parts: [], set: TRUE }];
    switch (seg) {
      case 'in':
      case 'out':
        return this.interfaceAlts(seg, values);
      case 'state': {
        const list = this.stateList(values);
        if (list.length === CT_STATES.length) return [{ parts: [], set: TRUE }];
        return [{ parts: [{ slot: SLOT.state, module: 'conntrack', text: `--ctstate ${list.join(',')}` }], set: values }];
      }
      case 'tcpFlags':
        return this.flagAlts(values);
      case 'icmp':
        return this.icmpAlts(values);
      default:
        return this.valueAlts(seg, values);
    }
  }

  /** ICMP type/code as one 16-bit value type*256+code. */
  private icmpAlts(values: BddNode): Alt[] {
    const v4 = this.sp.family === 'ipv4';
    const mod = v4 ? 'icmp' : 'icmp6';
    const opt = v4 ? '--icmp-type' : '--icmpv6-type';
    // 65536 values at most: the interval list is always small enough to enumerate.
    const ivs = this.intervalsOver(this.segment('icmp'), values, 1 << 16)!;
    const typeSet = (t: bigint) => this.sp.fieldEquals('icmpType', t);
    const codeSet = (lo: bigint, hi: bigint) => this.sp.fieldRange('icmpCode', lo, hi);
    const comp = complement(ivs, 0xffffn);
    if (comp.length === 1 && ivs.length > 1 && comp[0]![0] % 256n === 0n && comp[0]![1] === comp[0]![0] + 255n) {
      const t = comp[0]![0] / 256n;
      return [{ parts: [{ slot: SLOT.icmp, module: mod, text: `! ${opt} ${t}` }], set: values }];
    }
    const alts: Alt[] = [];
    for (const [lo, hi] of ivs) {
      for (let t = lo / 256n; t <= hi / 256n; t++) {
        const c1 = t === lo / 256n ? lo % 256n : 0n;
        const c2 = t === hi / 256n ? hi % 256n : 255n;
        if (c1 === 0n && c2 === 255n) {
          alts.push({ parts: [{ slot: SLOT.icmp, module: mod, text: `${opt} ${t}` }], set: typeSet(t) });
          continue;
        }
        for (let c = c1; c <= c2; c++)
          alts.push({ parts: [{ slot: SLOT.icmp, module: mod, text: `${opt} ${t}/${c}` }], set: this.b.and(typeSet(t), codeSet(c, c)) });
      }
    }
    return alts;
  }

  /** Interval/CIDR/range rendering for proto, addresses, ports, icmp fields. */
  private valueAlts(field: FieldName, values: BddNode): Alt[] {
    const { width } = this.sp.fields[field];
    const full = (1n << BigInt(width)) - 1n;
    const ivs = this.intervals(field, values);
    if (!ivs) return this.maskAlts(field, values);
    const comp = complement(ivs, full);
    const neg = comp.length === 1 && ivs.length > 1 && singleTerm(field, comp[0]!);
    if (neg) return [{ parts: [this.termPart(field, comp[0]!, true)], set: values }];
    // "Any protocol but tcp and udp": a few `! -p` in one term (they intersect) beat 254 lines.
    const compValues = field === 'proto' ? singleValues(comp) : [];
    if (field === 'proto' && compValues.length > 1 && compValues.length <= 4) {
      return [{ parts: compValues.map((iv) => this.termPart(field, iv, true)), set: values }];
    }
    if ((field === 'sport' || field === 'dport') && ivs.length > 1) return this.multiportAlts(field, ivs);
    const terms = field === 'src' || field === 'dst' ? addressTerms(ivs) : field === 'proto' ? singleValues(ivs) : ivs;
    return terms.map((iv) => ({ parts: [this.termPart(field, iv, false)], set: this.sp.fieldRange(field, iv[0], iv[1]) }));
  }

  private termPart(field: FieldName, [lo, hi]: Interval, negated: boolean): Part {
    const not = negated ? '! ' : '';
    const fam = this.sp.family;
    switch (field) {
      case 'proto':
        if (lo !== hi) return { slot: SLOT.proto, text: `${not}-p ${lo}:${hi}` }; // only reached for odd sets; still exact
        return { slot: SLOT.proto, text: `${not}-p ${protocolName(Number(lo))}` };
      case 'src':
      case 'dst': {
        const flag = field === 'src' ? '-s' : '-d';
        const cidr = cidrOf(lo, hi, this.sp.fields[field].width);
        if (cidr !== undefined) return { slot: SLOT[field], text: `${not}${flag} ${formatAddress(lo, fam)}/${cidr}` };
        return {
          slot: SLOT[field] + 0.5,
          module: 'iprange',
          text: `${not}--${field}-range ${formatAddress(lo, fam)}-${formatAddress(hi, fam)}`,
        };
      }
      case 'sport':
      case 'dport':
        return { slot: SLOT.transport, module: PORT_MODULE, text: `${not}--${field} ${lo === hi ? lo : `${lo}:${hi}`}` };
      default:
        return { slot: SLOT.opaque, text: `${not}${field}=${lo}:${hi}` };
    }
  }

  private multiportAlts(field: 'sport' | 'dport', ivs: Interval[]): Alt[] {
    // multiport takes at most 15 ports, a range counting as two.
    const alts: Alt[] = [];
    let chunk: Interval[] = [];
    let used = 0;
    const flush = () => {
      if (!chunk.length) return;
      let set: BddNode = FALSE;
      for (const [lo, hi] of chunk) set = this.b.or(set, this.sp.fieldRange(field, lo, hi));
      const list = chunk.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}:${hi}`)).join(',');
      alts.push({ parts: [{ slot: SLOT.multiport, module: 'multiport', text: `--${field}s ${list}` }], set });
      chunk = [];
      used = 0;
    };
    for (const iv of ivs) {
      const cost = iv[0] === iv[1] ? 1 : 2;
      if (used + cost > 15) flush();
      chunk.push(iv);
      used += cost;
    }
    flush();
    return alts;
  }

  /** Fallback for scattered value sets: one `value/mask` term per BDD path. */
  private maskAlts(field: FieldName, values: BddNode): Alt[] {
    const { first, width } = this.sp.fields[field];
    const b = this.b;
    const out: Alt[] = [];
    const go = (n: BddNode, i: number, value: bigint, mask: bigint): void => {
      if (n === FALSE) return;
      if (i === width || n === TRUE) {
        const shift = BigInt(width - i);
        const v = value << shift;
        const m = mask << shift;
        const text =
          field === 'src' || field === 'dst'
            ? `${field === 'src' ? '-s' : '-d'} ${formatAddress(v, this.sp.family)}/${formatAddress(m, this.sp.family)}`
            : `${field}=${v}/0x${m.toString(16)}`;
        const slot = field === 'src' || field === 'dst' ? SLOT[field] : SLOT.opaque;
        out.push({ parts: [{ slot, text }], set: this.sp.fieldMasked(field, v, m) });
        return;
      }
      const lvl = b.levelOf(n);
      if (lvl > first + i) go(n, i + 1, value << 1n, mask << 1n);
      else {
        go(b.lo(n), i + 1, value << 1n, (mask << 1n) | 1n);
        go(b.hi(n), i + 1, (value << 1n) | 1n, (mask << 1n) | 1n);
      }
    };
    go(values, 0, 0n, 0n);
    return out;
  }

  /** Ascending maximal intervals of a field's value set, or null when there are too many. */
  private intervals(field: FieldName, values: BddNode): Interval[] | null {
    return this.intervalsOver(this.sp.fields[field], values);
  }

  private intervalsOver({ first, width }: { first: number; width: number }, values: BddNode, limit = MAX_INTERVALS): Interval[] | null {
    const b = this.b;
    const out: Interval[] = [];
    let overflow = false;
    const push = (lo: bigint, hi: bigint) => {
      const last = out[out.length - 1];
      if (last && last[1] + 1n === lo) last[1] = hi;
      else if (out.length >= limit) overflow = true;
      else out.push([lo, hi]);
    };
    const go = (n: BddNode, i: number, value: bigint): void => {
      if (n === FALSE || overflow) return;
      if (n === TRUE || i === width) {
        const shift = BigInt(width - i);
        push(value << shift, ((value + 1n) << shift) - 1n);
        return;
      }
      if (b.levelOf(n) > first + i) {
        go(n, i + 1, value << 1n);
        go(n, i + 1, (value << 1n) | 1n);
      } else {
        go(b.lo(n), i + 1, value << 1n);
        go(b.hi(n), i + 1, (value << 1n) | 1n);
      }
    };
    go(values, 0, 0n);
    return overflow ? null : out;
  }

  private interfaceAlts(field: 'in' | 'out', values: BddNode): Alt[] {
    const alpha = this.sp.interfaces;
    const flag = field === 'in' ? '-i' : '-o';
    const slot = SLOT[field];
    const member = new Set<number>();
    for (const [lo, hi] of this.intervals(field, values) ?? []) for (let i = lo; i <= hi; i++) if (i < alpha.size) member.add(Number(i));
    if (member.size === alpha.size) return [{ parts: [], set: TRUE }];
    const all = Array.from({ length: alpha.size }, (_, i) => i);
    const pos = coverAtoms(alpha, member);
    const neg = coverAtoms(alpha, new Set(all.filter((a) => !member.has(a))));
    if (neg.every((n) => !n.excluded) && neg.length < pos.length) {
      return [{ parts: neg.map((n) => ({ slot, text: `! ${flag} ${n.text}` })), set: values }];
    }
    return pos.map((item) => {
      const parts: Part[] = item.text === '+' ? [] : [{ slot, text: `${flag} ${item.text}` }];
      // A lone representative: its wildcard minus everything else under it (whole classes or exact names).
      for (const ex of item.excluded ? coverAtoms(alpha, new Set(item.excluded)) : []) parts.push({ slot, text: `! ${flag} ${ex.text}` });
      return { parts, set: this.sp.fieldIn(field, item.atoms) };
    });
  }

  private stateList(values: BddNode): string[] {
    const { first, width } = this.sp.fields.state;
    const names: string[] = [];
    // iptables-save's order.
    for (const name of ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED'] as const) {
      const i = CT_STATES.indexOf(name);
      const bits = Array.from({ length: this.b.variableCount }, (_, v) => (v >= first && v < first + width ? (i >> (first + width - 1 - v)) & 1 : 0));
      if (this.b.evaluate(values, bits)) names.push(name);
    }
    return names;
  }

  /** TCP flags: one `--tcp-flags MASK COMP` per BDD path. */
  private flagAlts(values: BddNode): Alt[] {
    const { first, width } = this.sp.fields.tcpFlags;
    const b = this.b;
    const out: Alt[] = [];
    // Field bit i (MSB first) is flag (width-1-i): bit 0 of the mask is FIN.
    const go = (n: BddNode, i: number, comp: number, mask: number): void => {
      if (n === FALSE) return;
      if (n === TRUE || i === width) {
        out.push({
          parts: [{ slot: SLOT.transport, module: 'tcp', text: `--tcp-flags ${tcpFlagsText(mask)} ${tcpFlagsText(comp)}` }],
          set: this.sp.fieldMasked('tcpFlags', BigInt(comp), BigInt(mask & TCP_FLAGS_ALL)),
        });
        return;
      }
      const flag = 1 << (width - 1 - i);
      if (b.levelOf(n) > first + i) go(n, i + 1, comp, mask);
      else {
        go(b.lo(n), i + 1, comp, mask | flag);
        go(b.hi(n), i + 1, comp | flag, mask | flag);
      }
    };
    go(values, 0, 0, 0);
    return out;
  }
}

interface CoverItem {
  /** `eth0`, `br0.+`, or `+`. */
  text: string;
  atoms: number[];
  /** For a representative whose wildcard is not wholly wanted: the atoms of the wildcard to subtract. */
  excluded?: number[];
}

/** Covers a set of interface atoms with whole wildcard classes (widest first), then single atoms. */
function coverAtoms(alpha: InterfaceAlphabet, want: Set<number>): CoverItem[] {
  const left = new Set(want);
  const items: CoverItem[] = [];
  const prefixes = alpha.wildcardPrefixes().sort((a, b) => a.length - b.length || a.localeCompare(b));
  for (const p of prefixes) {
    const atoms = alpha.matching(p + '+');
    if (atoms.length && atoms.every((a) => left.has(a))) {
      items.push({ text: p + '+', atoms });
      atoms.forEach((a) => left.delete(a));
    }
  }
  for (const a of [...left].sort((x, y) => x - y)) {
    const atom = alpha.atoms[a]!;
    if (atom.exact !== undefined) items.push({ text: atom.exact, atoms: [a] });
    else {
      const wide = alpha.matching(atom.prefix + '+');
      items.push({ text: `${atom.prefix}+`, atoms: [a], excluded: wide.filter((x) => x !== a) });
    }
  }
  return items;
}

interface ProtoClass {
  /** null = the "other protocols" or fragment class. */
  protos: number[] | null;
  fragment: boolean;
  set: BddNode;
}

/** Fields pinned to zero for packets of a class (so forgetting them loses nothing). */
function pinnedFields(c: ProtoClass, icmp: number): FieldName[] {
  const p = c.protos?.[0];
  const hasPorts = !c.fragment && p !== undefined && PORT_PROTOCOLS.includes(p);
  const isIcmp = !c.fragment && p === icmp;
  const isTcp = !c.fragment && p === TCP;
  const out: FieldName[] = [];
  if (!hasPorts) out.push('sport', 'dport');
  if (!isIcmp) out.push('icmpType', 'icmpCode');
  if (!isTcp) out.push('tcpFlags');
  return out;
}

type Interval = [bigint, bigint];

function singleValues(ivs: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const [lo, hi] of ivs) for (let v = lo; v <= hi; v++) out.push([v, v]);
  return out;
}

function complement(ivs: Interval[], full: bigint): Interval[] {
  const out: Interval[] = [];
  let next = 0n;
  for (const [lo, hi] of ivs) {
    if (lo > next) out.push([next, lo - 1n]);
    next = hi + 1n;
  }
  if (next <= full) out.push([next, full]);
  return out;
}

/** Whether a negated interval prints as one term (`! -s CIDR`, `! --dport a:b`, `! -p tcp`). */
function singleTerm(field: FieldName, [lo, hi]: Interval): boolean {
  if (field === 'src' || field === 'dst') return true; // a CIDR, or one iprange
  if (field === 'proto') return lo === hi;
  return field === 'sport' || field === 'dport';
}

/** The prefix length when [lo, hi] is exactly one CIDR block of a `width`-bit space. */
function cidrOf(lo: bigint, hi: bigint, width: number): number | undefined {
  const size = hi - lo + 1n;
  if ((size & (size - 1n)) !== 0n || lo % size !== 0n) return undefined;
  let bits = 0;
  while (1n << BigInt(bits) < size) bits++;
  return width - bits;
}

/** Splits intervals into CIDR blocks, unless that takes more than 4 blocks for one interval (then `-m iprange`). */
function addressTerms(ivs: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const [lo, hi] of ivs) {
    const blocks: Interval[] = [];
    let x = lo;
    while (x <= hi) {
      let size = 1n;
      while (x % (size * 2n) === 0n && x + size * 2n - 1n <= hi) size *= 2n;
      blocks.push([x, x + size - 1n]);
      x += size;
    }
    if (blocks.length <= 4) out.push(...blocks);
    else out.push([lo, hi]);
  }
  return out;
}

/** Joins parts in iptables-save order, one `-m module` per module. */
function render(parts: Part[]): string {
  const sorted = [...parts].sort((a, b) => a.slot - b.slot);
  const out: string[] = [];
  let lastModule: string | undefined;
  let lastSlot = -1;
  for (const p of sorted) {
    if (p.module && !(p.module === lastModule && p.slot === lastSlot)) out.push(`-m ${p.module}`);
    out.push(p.text);
    lastModule = p.module;
    lastSlot = p.slot;
  }
  return out.join(' ');
}
