// PacketSpace: exact sets of packets of one address family, as BDDs.
//
// A set is a BddNode of the space's Bdd. All sets handed out are subsets of
// `all()`, the domain of well-formed packets: interface and state fields hold
// valid atom numbers, and header fields a packet does not have are pinned to
// zero (ports exist only for tcp/udp/sctp/dccp/udplite, ICMP type/code only
// for ICMP, TCP flags only for tcp, and never in a non-first fragment — the
// kernel's tcp/udp/icmp matches refuse fragments). Pinning keeps "port 0 of
// an ICMP packet" out of every set, so complements stay meaningful.
//
// Matches the space does not model become opaque boolean variables (see
// encode.ts); `contains()` then answers 'depends' for a packet whose verdict
// hinges on one of them.
import { forEachRule, type Family, type Rule, type Ruleset } from '../ruleset/model.js';
import { Bdd, FALSE, TRUE, type BddNode } from './bdd.js';
import {
  CT_STATES,
  FIELD_ORDER,
  PORT_PROTOCOLS,
  TCP,
  TCP_FLAGS,
  TCP_FLAGS_ALL,
  addressWidth,
  formatAddress,
  icmpProtocol,
  parseAddress,
  parseProtocol,
  protocolName,
  tcpFlagsText,
  type FieldLayout,
  type FieldName,
} from './fields.js';
import { InterfaceAlphabet } from './interfaces.js';
import { encodeRule, type RuleMatch } from './encode.js';
import { describeSet, type DescribedCube } from './describe.js';

export type { BddNode } from './bdd.js';
export type { RuleMatch } from './encode.js';

export type PacketState = 'new' | 'established' | 'related' | 'invalid' | 'untracked';

/** One concrete packet, as printed in examples and accepted by `contains`/`packetSet`. */
export interface Packet {
  in: string;
  out: string;
  src: string;
  dst: string;
  /** Protocol name (`tcp`, `ipv6-icmp`) or number as text. */
  proto: string;
  sport?: number;
  dport?: number;
  icmpType?: number;
  icmpCode?: number;
  state: PacketState;
  /** Set TCP flags, `SYN,ACK` style (`NONE` for none). */
  tcpFlags?: string;
  /** A non-first IPv4 fragment (`-f`). */
  fragment?: boolean;
  /** Unmodeled predicates this example relies on (`-m limit ...`, `! -m mark ...`). */
  assumptions?: string[];
}

export interface PacketSpaceOptions {
  /** Interface names and `prefix+` wildcards to distinguish, beyond those in the rules (e.g. from a topology). */
  interfaces?: Iterable<string>;
  /** Initial BDD node capacity (grows as needed). */
  capacity?: number;
  /**
   * Names the occurrence of a rule for its unmodeled, stateful matches. Rules
   * given the same key share their opaque variables (per match text), instead
   * of a fresh variable per encoding. The semantic diff keys an unchanged
   * `-m limit` rule the same in OLD and NEW, so the two count as one predicate.
   */
  opaqueKey?: (rule: Rule) => string | undefined;
}

/** An unmodeled predicate: one opaque BDD variable. */
export interface OpaqueVariable {
  variable: number;
  /** The match text, e.g. `-m limit --limit 1/sec`. */
  text: string;
}

/** Example preferences: what a field takes when the set leaves it free. */
const PREFERRED: Partial<Record<FieldName, bigint>> = {
  proto: BigInt(TCP),
  src: 1n,
  dst: 1n,
  sport: 40000n,
  dport: 80n,
  icmpType: 8n,
  tcpFlags: 2n, // SYN: examples look like new connections
};

export class PacketSpace {
  readonly bdd: Bdd;
  readonly family: Family;
  readonly interfaces: InterfaceAlphabet;
  readonly fields: Readonly<Record<FieldName, FieldLayout>>;
  /** First variable after the packet fields: opaque predicates live from here down. */
  readonly firstOpaque: number;
  private readonly opaque = new Map<number, OpaqueVariable>();
  private readonly sharedOpaque = new Map<string, number>();
  private readonly domain: BddNode;
  /** See PacketSpaceOptions.opaqueKey. */
  readonly opaqueKey: ((rule: Rule) => string | undefined) | undefined;

  constructor(family: Family, opts: PacketSpaceOptions = {}) {
    this.family = family;
    this.opaqueKey = opts.opaqueKey;
    this.bdd = new Bdd(opts.capacity);
    this.interfaces = new InterfaceAlphabet(opts.interfaces ?? []);
    const widths: Record<FieldName, number> = {
      in: this.interfaces.width,
      out: this.interfaces.width,
      proto: 8,
      state: 3,
      fragment: 1,
      src: addressWidth(family),
      dst: addressWidth(family),
      sport: 16,
      dport: 16,
      icmpType: 8,
      icmpCode: 8,
      tcpFlags: TCP_FLAGS.length,
    };
    const fields = {} as Record<FieldName, FieldLayout>;
    for (const name of FIELD_ORDER) fields[name] = { name, first: this.bdd.newVars(widths[name]), width: widths[name] };
    this.fields = fields;
    this.firstOpaque = this.bdd.variableCount;
    this.domain = this.buildDomain();
  }

  /** A space whose interface alphabet covers every interface the rulesets mention (plus `extraInterfaces`). */
  static forRulesets(
    family: Family,
    rulesets: Iterable<Ruleset>,
    extraInterfaces: Iterable<string> = [],
    opts: Omit<PacketSpaceOptions, 'interfaces'> = {},
  ): PacketSpace {
    const names = new Set<string>(extraInterfaces);
    forEachRule(rulesets, (r) => collectInterfaces(r, names));
    return new PacketSpace(family, { ...opts, interfaces: names });
  }

  // ---- set algebra ---------------------------------------------------------

  /** Every well-formed packet. */
  all(): BddNode {
    return this.domain;
  }
  none(): BddNode {
    return FALSE;
  }
  and(a: BddNode, b: BddNode): BddNode {
    return this.bdd.and(a, b);
  }
  or(a: BddNode, b: BddNode): BddNode {
    return this.bdd.or(a, b);
  }
  /** Complement within the well-formed packets. */
  not(a: BddNode): BddNode {
    return this.bdd.diff(this.domain, a);
  }
  /** a \ b. */
  diff(a: BddNode, b: BddNode): BddNode {
    return this.bdd.diff(a, b);
  }
  isEmpty(a: BddNode): boolean {
    return a === FALSE;
  }
  /** a ⊆ b. */
  implies(a: BddNode, b: BddNode): boolean {
    return this.bdd.implies(a, b);
  }
  intersects(a: BddNode, b: BddNode): boolean {
    return this.bdd.intersects(a, b);
  }
  /** The packets some assignment of the unmodeled predicates puts in `a` (forgets opaque variables). */
  possibly(a: BddNode): BddNode {
    return this.bdd.existsBelow(a, this.firstOpaque);
  }
  /** The packets in `a` whatever the unmodeled predicates say. */
  certainly(a: BddNode): BddNode {
    return this.not(this.bdd.existsBelow(this.not(a), this.firstOpaque));
  }

  /** The well-formed packets (see the file comment). */
  private buildDomain(): BddNode {
    const b = this.bdd;
    const notFragment = this.fragmentSet(false);
    const parts = [
      this.fieldRange('in', 0, this.interfaces.size - 1),
      this.fieldRange('out', 0, this.interfaces.size - 1),
      this.fieldRange('state', 0, CT_STATES.length - 1),
      // Ports exist only in the first fragment of a port protocol.
      b.or(
        b.and(this.fieldIn('proto', PORT_PROTOCOLS), notFragment),
        b.and(this.fieldEquals('sport', 0), this.fieldEquals('dport', 0)),
      ),
      b.or(
        b.and(this.fieldEquals('proto', icmpProtocol(this.family)), notFragment),
        b.and(this.fieldEquals('icmpType', 0), this.fieldEquals('icmpCode', 0)),
      ),
      b.or(b.and(this.fieldEquals('proto', TCP), notFragment), this.fieldEquals('tcpFlags', 0)),
      // ip6tables has no -f: IPv6 fragments are not a separate class here.
      this.family === 'ipv6' ? notFragment : TRUE,
    ];
    let r: BddNode = TRUE;
    for (const x of parts) r = b.and(r, x);
    return r;
  }

  // ---- rules ---------------------------------------------------------------

  /** The packets a rule's matches accept, and the unmodeled match texts (empty = exact). */
  ruleMatch(rule: Rule): RuleMatch {
    return encodeRule(this, rule);
  }

  // ---- field-level builders (used by encode.ts and describe.ts) --------------

  /** field = value. */
  fieldEquals(field: FieldName, value: bigint | number): BddNode {
    return this.fieldMasked(field, BigInt(value), (1n << BigInt(this.fields[field].width)) - 1n);
  }

  /** (field & mask) = (value & mask): a CIDR, or any bit pattern. */
  fieldMasked(field: FieldName, value: bigint, mask: bigint): BddNode {
    const { first, width } = this.fields[field];
    let r: BddNode = TRUE;
    // Least significant bit is the deepest variable: build bottom-up, 32 bits at a time (bigint ops are slow).
    for (let base = 0; base < width; base += 32) {
      const m = Number(BigInt.asUintN(32, mask >> BigInt(base)));
      const val = Number(BigInt.asUintN(32, value >> BigInt(base)));
      for (let i = 0; i < 32 && base + i < width; i++) {
        if (((m >>> i) & 1) === 0) continue;
        const v = first + width - 1 - (base + i);
        r = (val >>> i) & 1 ? this.bdd.mk(v, FALSE, r) : this.bdd.mk(v, r, FALSE);
      }
    }
    return r;
  }

  /** The literals of (field & mask) = (value & mask), without building nodes (the encoder's hot path). */
  fieldLiterals(field: FieldName, value: bigint, mask: bigint): [number, number][] {
    const { first, width } = this.fields[field];
    const out: [number, number][] = [];
    // Most significant bit first, so the variables come out in increasing order.
    for (let top = width; top > 0; top -= 32) {
      const base = Math.max(0, top - 32);
      const m = Number(BigInt.asUintN(32, mask >> BigInt(base)));
      const val = Number(BigInt.asUintN(32, value >> BigInt(base)));
      for (let i = top - base - 1; i >= 0; i--) if ((m >>> i) & 1) out.push([first + width - 1 - (base + i), (val >>> i) & 1]);
    }
    return out;
  }

  /** lo ≤ field ≤ hi. */
  fieldRange(field: FieldName, lo: bigint | number, hi: bigint | number): BddNode {
    const l = BigInt(lo);
    const h = BigInt(hi);
    if (l > h) return FALSE;
    if (l === h) return this.fieldEquals(field, l);
    return this.bdd.and(this.fieldCompare(field, l, true), this.fieldCompare(field, h, false));
  }

  /** field ∈ values. */
  fieldIn(field: FieldName, values: Iterable<bigint | number>): BddNode {
    let r: BddNode = FALSE;
    for (const v of values) r = this.bdd.or(r, this.fieldEquals(field, v));
    return r;
  }

  /** field ≥ c (atLeast) or field ≤ c, built from the least significant bit up. */
  private fieldCompare(field: FieldName, c: bigint, atLeast: boolean): BddNode {
    const { first, width } = this.fields[field];
    let r: BddNode = TRUE; // the lower bits compare equal so far: both ≥ and ≤ hold
    for (let i = 0; i < width; i++) {
      const v = first + width - 1 - i;
      const cb = (c >> BigInt(i)) & 1n;
      // This bit outranks the lower ones: a differing bit decides, an equal one defers to r.
      if (atLeast) r = cb ? this.bdd.mk(v, FALSE, r) : this.bdd.mk(v, r, TRUE);
      else r = cb ? this.bdd.mk(v, TRUE, r) : this.bdd.mk(v, r, FALSE);
    }
    return r;
  }

  /** The atoms an interface text matches, as a set over the `in` or `out` field. */
  interfaceSet(field: 'in' | 'out', text: string): BddNode {
    return this.fieldIn(field, this.interfaces.matching(text));
  }

  /** The `-f` bit. */
  fragmentSet(fragment: boolean): BddNode {
    return this.bdd.variable(this.fields.fragment.first, fragment);
  }

  /**
   * An opaque variable for an unmodeled match. `shared` texts get one variable
   * per distinct text (the predicate is a deterministic function of the
   * packet); otherwise every call gets a fresh one (rate limits, counters).
   * `key`, when given, replaces the text as what sharing goes by (the text is
   * still what reports print).
   */
  opaqueVariable(text: string, shared: boolean, key: string = text): BddNode {
    let v = shared ? this.sharedOpaque.get(key) : undefined;
    if (v === undefined) {
      v = this.bdd.newVars(1);
      this.opaque.set(v, { variable: v, text });
      if (shared) this.sharedOpaque.set(key, v);
    }
    return this.bdd.variable(v);
  }

  opaqueInfo(variable: number): OpaqueVariable | undefined {
    return this.opaque.get(variable);
  }

  // ---- packets ---------------------------------------------------------------

  /**
   * The set of packets matching a (possibly partial) packet description:
   * omitted sport/dport/icmp/flags fields are left free; unknown interface
   * names fall into their alphabet class.
   */
  packetSet(p: Packet): BddNode {
    const f = (name: FieldName, v: bigint | number | undefined): BddNode =>
      v === undefined ? TRUE : this.fieldEquals(name, v);
    const addr = (text: string): bigint => {
      const a = parseAddress(text, this.family);
      if (a === undefined) throw new Error(`not an ${this.family} address: ${text}`);
      return a;
    };
    const proto = parseProtocol(p.proto);
    if (proto === undefined) throw new Error(`unknown protocol: ${p.proto}`);
    const parts = [
      f('in', this.interfaces.atomOf(p.in)),
      f('out', this.interfaces.atomOf(p.out)),
      proto === null ? TRUE : f('proto', proto),
      f('state', CT_STATES.indexOf(p.state.toUpperCase() as (typeof CT_STATES)[number])),
      this.fragmentSet(p.fragment === true),
      f('src', addr(p.src)),
      f('dst', addr(p.dst)),
      f('sport', p.sport),
      f('dport', p.dport),
      f('icmpType', p.icmpType),
      f('icmpCode', p.icmpCode),
      p.tcpFlags === undefined ? TRUE : f('tcpFlags', flagsValue(p.tcpFlags)),
    ];
    // The parts constrain disjoint fields: their conjunction is a small cube-like
    // set, met with the (larger) domain once rather than once per field.
    let r: BddNode = TRUE;
    for (let i = parts.length - 1; i >= 0; i--) r = this.bdd.and(parts[i]!, r);
    return this.bdd.and(this.domain, r);
  }

  /**
   * Whether the packet is in the set: 'yes' for every value of the
   * unmodeled predicates (and of the fields the packet leaves open), 'no' for
   * none, 'depends' otherwise.
   */
  contains(set: BddNode, p: Packet): 'yes' | 'no' | 'depends' {
    const ps = this.packetSet(p);
    if (ps === FALSE) return 'no';
    if (this.bdd.implies(ps, set)) return 'yes';
    return this.bdd.intersects(ps, set) ? 'depends' : 'no';
  }

  /** One readable packet of the set (lowest addresses, NEW, tcp/80 from port 40000 when free), or null. */
  example(set: BddNode): Packet | null {
    const prefer = new Uint8Array(this.bdd.variableCount);
    for (const name of FIELD_ORDER) {
      const want = PREFERRED[name] ?? 0n;
      const { first, width } = this.fields[name];
      for (let i = 0; i < width; i++) prefer[first + i] = Number((want >> BigInt(width - 1 - i)) & 1n);
    }
    // Prefer unmodeled predicates to hold: an example that needs `! -m limit` would be odd.
    for (let v = this.firstOpaque; v < prefer.length; v++) prefer[v] = 1;
    const bits = this.bdd.pick(set, (v) => prefer[v] === 1);
    if (!bits) return null;
    const val = (name: FieldName): bigint => {
      const { first, width } = this.fields[name];
      let x = 0n;
      for (let i = 0; i < width; i++) x = (x << 1n) | BigInt(bits[first + i]!);
      return x;
    };
    const proto = Number(val('proto'));
    const fragment = val('fragment') === 1n;
    const p: Packet = {
      in: this.interfaces.atoms[Number(val('in'))]!.name,
      out: this.interfaces.atoms[Number(val('out'))]!.name,
      src: formatAddress(val('src'), this.family),
      dst: formatAddress(val('dst'), this.family),
      proto: protocolName(proto),
      state: CT_STATES[Number(val('state'))]!.toLowerCase() as PacketState,
    };
    if (!fragment && PORT_PROTOCOLS.includes(proto)) {
      p.sport = Number(val('sport'));
      p.dport = Number(val('dport'));
    }
    if (!fragment && proto === icmpProtocol(this.family)) {
      p.icmpType = Number(val('icmpType'));
      p.icmpCode = Number(val('icmpCode'));
    }
    if (!fragment && proto === TCP) p.tcpFlags = tcpFlagsText(Number(val('tcpFlags')));
    if (fragment) p.fragment = true;
    const assumptions: string[] = [];
    // Only predicates the set actually tests are worth mentioning.
    for (const v of this.opaqueVariablesOf(set)) {
      const text = this.opaque.get(v)?.text ?? `opaque#${v}`;
      assumptions.push(bits[v] ? text : `! (${text})`);
    }
    if (assumptions.length) p.assumptions = assumptions;
    return p;
  }

  /** The opaque variables that occur in the set's BDD, in variable order (one walk, whatever their number). */
  private opaqueVariablesOf(set: BddNode): number[] {
    const found = new Set<number>();
    const seen = new Set<number>();
    const stack = [set];
    while (stack.length) {
      const n = stack.pop()!;
      if (n < 2 || seen.has(n)) continue;
      seen.add(n);
      const v = this.bdd.varOf(n);
      if (v >= this.firstOpaque) found.add(v);
      stack.push(this.bdd.lo(n), this.bdd.hi(n));
    }
    return [...found].sort((a, b) => a - b);
  }

  /** Match strings (iptables-like) whose union is exactly the set; [] for the empty set, [''] for all(). */
  describe(set: BddNode): string[] {
    return describeSet(this, set).map((c) => c.text);
  }

  /** As describe(), with each term's per-field parts, for callers that build their own text. */
  describeCubes(set: BddNode): DescribedCube[] {
    return describeSet(this, set);
  }
}

function flagsValue(text: string): number {
  if (text.toUpperCase() === 'NONE') return 0;
  let m = 0;
  for (const part of text.split(',')) {
    const u = part.toUpperCase();
    if (u === 'ALL') m |= TCP_FLAGS_ALL;
    else {
      const i = (TCP_FLAGS as readonly string[]).indexOf(u);
      if (i < 0) throw new Error(`unknown TCP flag: ${part}`);
      m |= 1 << i;
    }
  }
  return m;
}

/** Adds the interface texts a rule mentions. */
export function collectInterfaces(rule: Rule, into: Set<string>): void {
  if (rule.inIface) into.add(rule.inIface.value);
  if (rule.outIface) into.add(rule.outIface.value);
}
