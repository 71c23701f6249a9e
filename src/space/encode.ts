// Rule → packet set. The input is the canonical model the iptables-save
// parser produces (`-p tcp -m tcp --dport 22`, `-m conntrack --ctstate ...`).
//
// What is modeled exactly: in/out interfaces (with `+` wildcards), source and
// destination (CIDR, dotted masks, `-m iprange`), protocol, `-f`, ports of
// tcp/udp/sctp/dccp/udplite and `-m multiport`, tcp flags (`--tcp-flags`,
// `--syn`), icmp/icmpv6 type and code, conntrack state (`-m conntrack
// --ctstate`, `-m state --state`), `-m comment` (no effect), and `! `
// negation of each. Everything else becomes an opaque variable (see
// PacketSpace.opaqueVariable) and is reported in `approximated`.
import type { Match, Neg, Option, Rule } from '../ruleset/model.js';
import { FALSE, TRUE, type BddNode } from './bdd.js';
import {
  CT_STATES,
  PORT_PROTOCOLS,
  TCP,
  TCP_FLAGS_ALL,
  icmpProtocol,
  parseAddress,
  parseAddressMask,
  parsePortRange,
  parseProtocol,
  parseTcpFlags,
  type FieldName,
} from './fields.js';
import { parseIcmpType } from './icmp.js';
import type { PacketSpace } from './packet-space.js';

export interface RuleMatch {
  /** The packets the rule's matches accept (opaque variables stand for unmodeled matches). */
  set: BddNode;
  /** The texts of unmodeled matches, e.g. `-m limit --limit 1/sec`; empty when the set is exact. */
  approximated: string[];
}

/**
 * Modules whose result is a fixed function of the packet and of state no rule
 * in the same traversal can change: identical texts share one variable, so
 * `-m pkttype --pkt-type broadcast` twice is recognised as the same predicate.
 * Everything else (rate limits, counters, recent lists, marks and ipsets that
 * MARK/CONNMARK/SET targets may rewrite between two rules, unknown modules)
 * gets a fresh variable per occurrence: it can never make a later rule look
 * covered.
 */
const DETERMINISTIC_MODULES = new Set([
  'addrtype',
  'mac',
  'physdev',
  'pkttype',
  'length',
  'tos',
  'dscp',
  'ecn',
  'ttl',
  'hl',
  'string',
  'u32',
  'bpf',
  'policy',
  'ipv6header',
  'frag',
  'hbh',
  'dst',
  'rt',
  'ah',
  'esp',
  'mh',
  'realm',
  'devgroup',
  'cgroup',
  'owner',
  'rpfilter',
  'helper',
  'conntrack',
  'state',
  'tcp',
  'udp',
  'sctp',
  'dccp',
  'udplite',
  'icmp',
  'icmp6',
  'iprange',
  'multiport',
  'addr',
]);

/** Option text as iptables-save prints it: `! --dport 22`, `--comment "a b"`. */
export function optionText(o: Option): string {
  const args = o.args.map(quoteArg);
  return [o.negated ? '!' : '', `--${o.name}`, ...args].filter(Boolean).join(' ');
}

export function matchText(m: Match, options: Option[] = m.options): string {
  return [`-m ${m.module}`, ...options.map(optionText)].join(' ');
}

function quoteArg(a: string): string {
  return a === '' || /[\s"'\\]/.test(a) ? `"${a.replace(/(["\\])/g, '\\$1')}"` : a;
}

class RuleEncoder {
  /** Field-local constraints; conjoined with the domain at the end (see encode()). */
  private readonly parts: BddNode[] = [];
  /** Single-variable constraints [variable, value], kept out of the node table. */
  private readonly fieldLits: Int8Array;
  /** Two single-variable constraints disagree: the rule matches nothing. */
  private contradiction = false;
  readonly approximated: string[] = [];

  constructor(
    private readonly sp: PacketSpace,
    private readonly rule: Rule,
  ) {
    // Values of packet-field variables the rule pins (-1: free), written as the matches are read.
    this.fieldLits = new Int8Array(sp.firstOpaque).fill(-1);
  }

  private literal(v: number, val: number): void {
    const lits = this.fieldLits;
    if (lits[v] === 1 - val) this.contradiction = true;
    lits[v] = val;
  }

  private get b() {
    return this.sp.bdd;
  }

  private conj(x: BddNode): void {
    this.parts.push(x);
  }

  /** Conjoins (field & mask) = value as plain literals. */
  private conjField(field: FieldName, value: bigint, mask?: bigint): void {
    const { width } = this.sp.fields[field];
    // Narrow fields (everything but addresses) skip the bigint arithmetic of fieldLiterals.
    if (width <= 32) {
      const first = this.sp.fields[field].first;
      // Same literals as fieldLiterals: most significant bit first, masked-out bits skipped.
      const m = mask === undefined ? 0xffffffff : Number(BigInt.asUintN(32, mask));
      const val = Number(BigInt.asUintN(32, value));
      for (let i = width - 1; i >= 0; i--) if ((m >>> i) & 1) this.literal(first + width - 1 - i, (val >>> i) & 1);
      return;
    }
    const m = mask ?? (1n << BigInt(width)) - 1n;
    for (const [v, val] of this.sp.fieldLiterals(field, value, m)) this.literal(v, val);
  }

  /** A field-local set, negated within its field when `negated`. */
  private neg(x: BddNode, negated: boolean): BddNode {
    return negated ? this.b.not(x) : x;
  }

  /** An unmodeled predicate: an opaque variable, and a note for CS304. */
  private opaque(text: string, module: string): BddNode {
    this.approximated.push(text);
    if (DETERMINISTIC_MODULES.has(module)) return this.sp.opaqueVariable(text, true);
    // A keyed rule occurrence (see PacketSpaceOptions.opaqueKey) shares its stateful
    // predicates with every other rule of that key; the count tells apart two
    // identical texts within the one rule.
    const key = this.sp.opaqueKey?.(this.rule);
    if (key === undefined) return this.sp.opaqueVariable(text, false);
    const n = this.approximated.filter((t) => t === text).length;
    return this.sp.opaqueVariable(text, true, `\u0000${key}\u0000${n}\u0000${text}`);
  }

  encode(): RuleMatch {
    const r = this.rule;
    if (r.inIface) this.conj(this.iface('in', r.inIface));
    if (r.outIface) this.conj(this.iface('out', r.outIface));
    if (r.proto) this.conj(this.protocol(r.proto));
    for (const [field, n, flag] of [['src', r.src, '-s'], ['dst', r.dst, '-d']] as const) {
      if (!n) continue;
      const am = n.negated ? undefined : parseAddressMask(n.value, this.sp.family);
      if (am) this.conjField(field, am.value, am.mask);
      else this.conj(this.address(field, n, flag));
    }
    if (r.fragment) this.conj(this.sp.fragmentSet(!r.fragment.negated));
    for (const m of r.matches) this.conj(this.match(m));
    // The parts are small and mostly over disjoint variables, so conjoining them
    // is cheap; the domain (a large BDD) is applied once. Conjoining with it first
    // would copy it for every part: 100k rules would build tens of millions of nodes.
    // Most parts are cubes (a CIDR, one port, one protocol): their literals are
    // merged and applied to the domain in one pass that builds only the result.
    // Literals of opaque variables (single-variable parts), by variable.
    const opaqueLits = new Map<number, number>();
    // Stop at the first contradiction, before conjoining any later part (no nodes for a rule that matches nothing).
    if (this.contradiction) return { set: FALSE, approximated: this.approximated };
    let rest: BddNode = TRUE;
    for (const x of this.parts) {
      const cube = this.b.cubeLiterals(x);
      if (!cube) {
        rest = this.b.and(rest, x);
        continue;
      }
      for (const [v, val] of cube) {
        if (v < this.fieldLits.length) this.literal(v, val);
        else if (opaqueLits.get(v) === 1 - val) this.contradiction = true;
        else opaqueLits.set(v, val);
      }
      if (this.contradiction) return { set: FALSE, approximated: this.approximated };
    }
    // The literals in variable order: packet fields first, opaque variables after them.
    const vars: number[] = [];
    const values: number[] = [];
    const lits = this.fieldLits;
    for (let v = 0; v < lits.length; v++) {
      if (lits[v]! < 0) continue;
      vars.push(v);
      values.push(lits[v]!);
    }
    for (const v of [...opaqueLits.keys()].sort((a, b) => a - b)) {
      vars.push(v);
      values.push(opaqueLits.get(v)!);
    }
    const set = this.b.andLiterals(this.sp.all(), vars, values);
    return { set: rest === TRUE ? set : this.b.and(set, rest), approximated: this.approximated };
  }

  private iface(field: 'in' | 'out', n: Neg): BddNode {
    // `+` alone (and the empty name) match every interface.
    if (n.value === '' || n.value === '+') return n.negated ? this.b.not(TRUE) : TRUE;
    return this.neg(this.sp.interfaceSet(field, n.value), n.negated);
  }

  private protocol(n: Neg): BddNode {
    const p = parseProtocol(n.value);
    if (p === undefined) return this.opaque(`${n.negated ? '! ' : ''}-p ${n.value}`, 'addr');
    if (p === null) return n.negated ? this.b.not(TRUE) : TRUE;
    return this.neg(this.sp.fieldEquals('proto', p), n.negated);
  }

  private address(field: 'src' | 'dst', n: Neg, flag: string): BddNode {
    const am = parseAddressMask(n.value, this.sp.family);
    if (!am) return this.opaque(`${n.negated ? '! ' : ''}${flag} ${n.value}`, 'addr');
    return this.neg(this.sp.fieldMasked(field, am.value, am.mask), n.negated);
  }

  private match(m: Match): BddNode {
    switch (m.module) {
      case 'comment':
        return TRUE;
      case 'tcp':
      case 'udp':
      case 'sctp':
      case 'dccp':
      case 'udplite':
        return this.transport(m);
      case 'multiport':
        return this.multiport(m);
      case 'icmp':
      case 'icmp6':
        return this.icmp(m);
      case 'conntrack':
      case 'state':
        return this.conntrack(m);
      case 'iprange':
        return this.iprange(m);
      case 'recent':
        return this.recent(m);
      default:
        return this.opaque(matchText(m), m.module);
    }
  }

  /** Options this encoder does not model, folded into one opaque predicate per match. */
  private rest(m: Match, unmodeled: Option[]): BddNode {
    return unmodeled.length ? this.opaque(matchText(m, unmodeled), m.module) : TRUE;
  }

  /** `-m tcp|udp|sctp|dccp|udplite`: the protocol, no later fragment, and the options. */
  private transport(m: Match): BddNode {
    const proto = parseProtocol(m.module)!;
    this.conjField('proto', BigInt(proto));
    this.conjField('fragment', 0n);
    let r: BddNode = TRUE;
    const unmodeled: Option[] = [];
    for (const o of m.options) {
      // Fast path: one port, not negated.
      const one = !o.negated && o.args.length === 1 && /^\d+$/.test(o.args[0]!) ? Number(o.args[0]) : undefined;
      if (one !== undefined && one <= 65535 && (o.name === 'sport' || o.name === 'dport')) {
        this.conjField(o.name, BigInt(one));
        continue;
      }
      let x: BddNode | undefined;
      if ((o.name === 'sport' || o.name === 'source-port') && o.args.length === 1) x = this.ports('sport', o.args[0]!);
      else if ((o.name === 'dport' || o.name === 'destination-port') && o.args.length === 1)
        x = this.ports('dport', o.args[0]!);
      else if (proto === TCP && o.name === 'tcp-flags' && o.args.length === 2) x = this.tcpFlags(o.args[0]!, o.args[1]!);
      else if (proto === TCP && o.name === 'syn' && o.args.length === 0) x = this.tcpFlags('FIN,SYN,RST,ACK', 'SYN');
      if (x === undefined) unmodeled.push(o);
      else r = this.b.and(r, this.neg(x, o.negated));
    }
    return this.b.and(r, this.rest(m, unmodeled));
  }

  private ports(field: 'sport' | 'dport', text: string): BddNode | undefined {
    const range = parsePortRange(text);
    return range && this.sp.fieldRange(field, range[0], range[1]);
  }

  private tcpFlags(maskText: string, compText: string): BddNode | undefined {
    const mask = parseTcpFlags(maskText);
    const comp = parseTcpFlags(compText);
    if (mask === undefined || comp === undefined) return undefined;
    // The kernel compares (flags & mask) == comp as given: a comp flag outside the mask never matches.
    if ((comp & ~mask) !== 0) return FALSE;
    return this.sp.fieldMasked('tcpFlags', BigInt(comp), BigInt(mask & TCP_FLAGS_ALL));
  }

  /** `-m multiport --dports 80,443,1000:2000` (needs a port protocol, like the kernel's checkentry). */
  private multiport(m: Match): BddNode {
    let r = this.b.and(this.sp.fieldIn('proto', PORT_PROTOCOLS), this.sp.fragmentSet(false));
    const unmodeled: Option[] = [];
    for (const o of m.options) {
      const fields: FieldName[] | undefined =
        o.name === 'dports' || o.name === 'destination-ports'
          ? ['dport']
          : o.name === 'sports' || o.name === 'source-ports'
            ? ['sport']
            : o.name === 'ports'
              ? ['sport', 'dport']
              : undefined;
      const list = o.args.length === 1 ? o.args[0]!.split(',') : undefined;
      let x: BddNode | undefined = fields && list ? this.b.not(TRUE) : undefined;
      for (const f of fields && list ? fields : []) {
        for (const item of list!) {
          const y = this.ports(f as 'sport' | 'dport', item);
          if (y === undefined) {
            x = undefined;
            break;
          }
          x = this.b.or(x!, y);
        }
        if (x === undefined) break;
      }
      if (x === undefined) unmodeled.push(o);
      else r = this.b.and(r, this.neg(x, o.negated));
    }
    return this.b.and(r, this.rest(m, unmodeled));
  }

  /** `-m icmp --icmp-type 8` / `3/4` / `any`, `-m icmp6 --icmpv6-type 128`. */
  private icmp(m: Match): BddNode {
    const v6 = m.module === 'icmp6';
    const family = v6 ? 'ipv6' : 'ipv4';
    // The kernel only loads `-m icmp` in iptables and `-m icmp6` in ip6tables.
    if (family !== this.sp.family) return this.opaque(matchText(m), m.module);
    let r = this.b.and(this.sp.fieldEquals('proto', icmpProtocol(family)), this.sp.fragmentSet(false));
    const unmodeled: Option[] = [];
    for (const o of m.options) {
      const t = (o.name === 'icmp-type' || o.name === 'icmpv6-type') && o.args.length === 1 ? parseIcmpType(o.args[0]!, family) : undefined;
      if (t === undefined) {
        unmodeled.push(o);
        continue;
      }
      let x = t.type === null ? TRUE : this.sp.fieldEquals('icmpType', t.type);
      if (t.type !== null) x = this.b.and(x, this.sp.fieldRange('icmpCode', t.codeMin, t.codeMax));
      r = this.b.and(r, this.neg(x, o.negated));
    }
    return this.b.and(r, this.rest(m, unmodeled));
  }

  /** `--ctstate` / `--state`: the packet's one state is in the list. SNAT/DNAT are conntrack status, not modeled. */
  private conntrack(m: Match): BddNode {
    let r: BddNode = TRUE;
    const unmodeled: Option[] = [];
    for (const o of m.options) {
      const isState = (m.module === 'state' && o.name === 'state') || (m.module === 'conntrack' && o.name === 'ctstate');
      if (!isState || o.args.length !== 1) {
        unmodeled.push(o);
        continue;
      }
      let x = this.b.not(TRUE);
      for (const name of o.args[0]!.split(',')) {
        const i = (CT_STATES as readonly string[]).indexOf(name.toUpperCase());
        // The kernel ORs the listed bits: an unmodeled one (SNAT, DNAT) adds its own opaque alternative.
        x = this.b.or(x, i >= 0 ? this.sp.fieldEquals('state', i) : this.opaque(`-m ${m.module} --${o.name} ${name}`, m.module));
      }
      r = this.b.and(r, this.neg(x, o.negated));
    }
    return this.b.and(r, this.rest(m, unmodeled));
  }

  /** `-m iprange --src-range a-b --dst-range c-d`. */
  private iprange(m: Match): BddNode {
    let r: BddNode = TRUE;
    const unmodeled: Option[] = [];
    for (const o of m.options) {
      const field = o.name === 'src-range' ? 'src' : o.name === 'dst-range' ? 'dst' : undefined;
      const ends = o.args.length === 1 ? o.args[0]!.split('-') : [];
      // `a-b`, or a single address (a one-element range).
      const from = ends.length <= 2 && ends[0] !== undefined ? parseAddress(ends[0], this.sp.family) : undefined;
      const to = ends.length === 2 ? parseAddress(ends[1]!, this.sp.family) : from;
      if (!field || from === undefined || to === undefined) {
        unmodeled.push(o);
        continue;
      }
      r = this.b.and(r, this.neg(this.sp.fieldRange(field, from, to), o.negated));
    }
    return this.b.and(r, this.rest(m, unmodeled));
  }

  /**
   * `-m recent --set` always matches (it records the source and returns
   * true; `! --set` never matches). The checking forms (--rcheck, --update,
   * --remove) depend on earlier packets: a fresh variable each.
   */
  private recent(m: Match): BddNode {
    const checks = m.options.some((o) => o.name === 'rcheck' || o.name === 'update' || o.name === 'remove');
    const set = m.options.find((o) => o.name === 'set');
    if (!checks && set) return set.negated ? this.b.not(TRUE) : TRUE;
    return this.opaque(matchText(m), m.module);
  }
}

export function encodeRule(sp: PacketSpace, rule: Rule): RuleMatch {
  return new RuleEncoder(sp, rule).encode();
}
