// CST -> typed AST (src/policy/ast.ts), plus the checks that belong to syntax:
// number ranges (ports, prefix lengths, ICMP types, rates), words the grammar
// takes as plain names (`family dual`, `10/minute`), string escapes, and
// clauses the AST can hold only once (a second `defaults` block, two `comment`s).
// Names are NOT resolved here: that is src/policy/resolve.ts.
//
// After a syntax error Chevrotain's recovery leaves partial nodes and tokens
// "inserted in recovery" (no position). Every accessor below treats those as
// missing, so a broken statement yields a smaller AST, never a crash.
import type { CstNode, IToken } from 'chevrotain';
import { didYouMean as suggestionSuffix, type Diagnostic, type Location } from '../src/diagnostics.js';
import type {
  AddressLit,
  Toggle,
  ChainName,
  Defaults,
  Definition,
  Endpoint,
  LogSpec,
  NameRef,
  PolicyFile,
  PolicyRule,
  PortRange,
  ServiceItem,
} from '../src/policy/ast.js';
import { AddressNode, KeywordEndpoint, NameNode, NO_END, PinnedNode, PortRangeNode, ProtoItemNode } from '../src/policy/located-ast.js';
import { sharedPolicyParser } from './parser.js';
import { ICMP_PROTOCOLS, KNOWN_PROTOCOLS, PORT_PROTOCOL_NUMBERS, PORT_PROTOCOLS } from './protocols.js';
import { Integer } from './tokens.js';

type Children = Record<string, Array<CstNode | IToken> | undefined>;

/** Keys of alternatives read for every rule (a literal would be a new array at each call). */
const ACTION_KEYS = ['Allow', 'Deny', 'Reject'];
const ADDRESS_KEYS = ['IPv4Literal', 'IPv6Literal'];

/** Seconds per `limit` unit; iptables' limit match rejects more than 10000 per second. */
const RATE_UNITS = { second: 1, minute: 60, hour: 3600, day: 86400 } as const;
const MAX_RATE_PER_SECOND = 10000;
const MAX_BURST = 10000;

export interface VisitResult {
  ast: PolicyFile;
  diagnostics: Diagnostic[];
}

/** The visitor base class belongs to a parser instance; any has the same grammar, so reuse the shared one. */
const BaseVisitor = sharedPolicyParser().getBaseCstVisitorConstructor();

export class PolicyAstBuilder extends BaseVisitor {
  readonly diagnostics: Diagnostic[] = [];
  private readonly ast: PolicyFile;
  private readonly interned = new Map<string, string>();

  constructor(
    private readonly file: string,
    source: string,
  ) {
    super();
    this.ast = { file, source, definitions: [], rules: [] };
    this.validateVisitor();
  }

  /** Adds the statements of one `policyFile` CST to the AST being built. */
  build(cst: CstNode): VisitResult {
    this.visit(cst);
    return this.result();
  }

  /** The AST and diagnostics so far (for callers that visit statement by statement). */
  result(): VisitResult {
    return { ast: this.ast, diagnostics: this.diagnostics };
  }

  // ---------------------------------------------------------------- helpers

  private err(loc: Location, message: string): void {
    this.diagnostics.push({ severity: 'error', message, loc });
  }

  /** An error at `start`, the first real token of what is wrong (none when recovery left it without one). */
  private errAt(start: IToken | undefined, message: string): void {
    if (start) this.err(this.pos(start), message);
  }

  /**
   * A token's position, `endColumn` one past its last character.
   *
   * `| 0` keeps a Location's numbers small integers, held inline rather than
   * as boxed doubles (a quarter of the AST's memory for a large policy), even
   * if a token with NaN positions (one Chevrotain makes) ever shared the
   * lexer's tokens' shape. Only real tokens get here, and span() does the same.
   */
  pos(token: IToken): Location {
    return { file: this.file, line: token.startLine! | 0, column: token.startColumn! | 0, endColumn: (token.endColumn! + 1) | 0 };
  }

  /** From the first token to the last (the end column only when both are on one line). */
  private span(first: IToken, last: IToken): Location {
    // Two literals rather than adding endColumn later, so both shapes keep their fields in the object.
    if (last.endLine === first.startLine) return { file: this.file, line: first.startLine! | 0, column: first.startColumn! | 0, endColumn: (last.endColumn! + 1) | 0 };
    return { file: this.file, line: first.startLine! | 0, column: first.startColumn! | 0 };
  }

  /**
   * Where the span from `first` to `last` ends, for the nodes of
   * src/policy/located-ast.ts: as span() gives it, NO_END for a span over lines.
   */
  private spanEnd(first: IToken, last: IToken): number {
    return last.endLine === first.startLine ? (last.endColumn! + 1) | 0 : NO_END;
  }

  /** The first real token under `key` (called for every token of every statement: no allocation). */
  private token(ctx: Children, key: string): IToken | undefined {
    const list = ctx[key] as IToken[] | undefined;
    if (list === undefined) return undefined;
    for (let i = 0; i < list.length; i++) if (isRealToken(list[i])) return list[i];
    return undefined;
  }

  private nodes(ctx: Children, key: string): CstNode[] {
    return (ctx[key] ?? []) as CstNode[];
  }

  /**
   * `visitOne` of each of `nodes`, leaving out the values recovery left too
   * broken to give one. `map` sizes the array exactly: a large policy holds
   * hundreds of thousands of these lists, mostly of one element.
   *
   * Here and wherever the kind of a child node is known, its method is called
   * directly: visit() looks the method up by the node's name, a dispatch that
   * showed in profiles of large policies.
   */
  private visitEach<T>(nodes: CstNode[], visitOne: (ctx: Children) => T | undefined): T[] {
    if (nodes.length === 1) {
      // The usual list, of one: no closure and no map() for it.
      const value = visitOne.call(this, nodes[0]!.children as Children);
      return value === undefined ? [] : [value];
    }
    const values = nodes.map((n) => visitOne.call(this, n.children as Children));
    return values.includes(undefined) ? values.filter((v): v is T => v !== undefined) : (values as T[]);
  }

  /** The first real token of any of `keys` (for alternatives like accept|drop|off). */
  private oneOf(ctx: Children, keys: string[]): IToken | undefined {
    for (const k of keys) {
      const tok = this.token(ctx, k);
      if (tok) return tok;
    }
    return undefined;
  }

  /**
   * One copy of each name: the lexer gives every token its own string, and a
   * large policy repeats the same few zone, protocol and action words per rule.
   */
  private intern(text: string): string {
    const known = this.interned.get(text);
    if (known !== undefined) return known;
    this.interned.set(text, text);
    return text;
  }

  /** The text of a string token without quotes, `\"` and `\\` unescaped; other escapes are errors. */
  private stringValue(token: IToken): string {
    const closed = token.image.length >= 2 && token.image.endsWith('"') && !token.image.endsWith('\\"');
    const body = token.image.slice(1, closed ? -1 : undefined);
    let out = '';
    for (let i = 0; i < body.length; i++) {
      const ch = body[i]!;
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const next = body[i + 1];
      if (next === '"' || next === '\\') {
        out += next;
        i++;
      } else if (next !== undefined) {
        // Column of the backslash: the opening quote is at startColumn.
        const column = token.startColumn! + 1 + i;
        this.err({ file: this.file, line: token.startLine!, column, endColumn: column + 2 }, `unknown escape '\\${next}' in a string; only \\" and \\\\ are allowed`);
        out += next;
        i++;
      }
    }
    return out;
  }

  /** An integer token's value, or undefined (with an error) when it is outside [min, max]. */
  private integer(token: IToken, what: string, min: number, max: number): number | undefined {
    const value = Number(token.image);
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      this.err(this.pos(token), `${what} must be between ${min} and ${max}, not ${token.image}`);
      return undefined;
    }
    return value;
  }

  private addressLit(token: IToken): AddressLit {
    const text = token.image;
    const slash = text.indexOf('/');
    if (slash >= 0) {
      const isV6 = text.includes(':');
      const max = isV6 ? 128 : 32;
      const len = Number(text.slice(slash + 1));
      if (!Number.isSafeInteger(len) || len > max) {
        const p = this.pos(token);
        this.err({ ...p, column: p.column + slash + 1 }, `${isV6 ? 'IPv6' : 'IPv4'} prefix length must be between 0 and ${max}, not ${text.slice(slash + 1)}`);
      }
    }
    return new AddressNode(text, this.file, token.startLine! | 0, token.startColumn! | 0, (token.endColumn! + 1) | 0);
  }

  private nameRef(token: IToken): NameRef {
    return new NameNode('name', this.intern(token.image), this.file, token.startLine! | 0, token.startColumn! | 0, (token.endColumn! + 1) | 0);
  }

  /** A protocol service item from `protoTok` to `last`. */
  private protoItem(protoTok: IToken, last: IToken, proto: string, ports?: PortRange[], icmpType?: string): ServiceItem {
    return new ProtoItemNode(proto, ports, icmpType, this.file, protoTok.startLine! | 0, protoTok.startColumn! | 0, this.spanEnd(protoTok, last));
  }

  // ---------------------------------------------------------------- statements

  policyFile(ctx: Children): void {
    for (const s of this.nodes(ctx, 'statement')) this.visit(s);
  }

  statement(ctx: Children): void {
    const rules = ctx['rule'] as CstNode[] | undefined;
    // Nearly every statement of a large policy is a rule.
    if (rules !== undefined) for (const node of rules) this.rule(node.children as Children);
    else for (const children of Object.values(ctx)) for (const node of (children ?? []) as CstNode[]) this.visit(node);
  }

  topologyStatement(ctx: Children): void {
    const kw = this.token(ctx, 'Topology');
    const str = this.token(ctx, 'StringLiteral');
    if (!kw || !str) return;
    if (this.ast.topology) {
      this.err(this.pos(kw), `topology is already given at line ${this.ast.topology.pos.line}`);
      return;
    }
    this.ast.topology = { path: this.stringValue(str), pos: this.pos(str) };
  }

  familyStatement(ctx: Children): void {
    const kw = this.token(ctx, 'Family');
    const word = this.token(ctx, 'Identifier');
    if (!kw || !word) return;
    const value = word.image;
    if (value !== 'ipv4' && value !== 'ipv6' && value !== 'dual') {
      this.err(this.pos(word), `expected 'ipv4', 'ipv6' or 'dual' after 'family', found '${value}'${suggestionSuffix(value, ['ipv4', 'ipv6', 'dual'])}`);
      return;
    }
    if (this.ast.family) {
      this.err(this.pos(kw), `family is already given at line ${this.ast.family.pos.line}`);
      return;
    }
    this.ast.family = { value, pos: this.pos(word) };
  }

  private addressDefinition(kind: 'host' | 'network', ctx: Children): void {
    const name = this.token(ctx, 'Identifier');
    const list = this.nodes(ctx, 'addressList')[0];
    if (!name || !list) return;
    const addresses = this.addressList(list.children as Children);
    const def: Definition = { kind, name: name.image, pos: this.pos(name), addresses };
    this.ast.definitions.push(def);
  }

  hostDefinition(ctx: Children): void {
    this.addressDefinition('host', ctx);
  }

  networkDefinition(ctx: Children): void {
    this.addressDefinition('network', ctx);
  }

  addressList(ctx: Children): AddressLit[] {
    return this.visitEach(this.nodes(ctx, 'address'), this.address);
  }

  address(ctx: Children): AddressLit | undefined {
    const tok = this.oneOf(ctx, ADDRESS_KEYS);
    return tok ? this.addressLit(tok) : undefined;
  }

  groupDefinition(ctx: Children): void {
    const name = this.token(ctx, 'Identifier');
    if (!name) return;
    const members = this.visitEach(this.nodes(ctx, 'groupMember'), this.groupMember);
    this.ast.definitions.push({ kind: 'group', name: name.image, pos: this.pos(name), members });
  }

  groupMember(ctx: Children): NameRef | AddressLit | undefined {
    const name = this.token(ctx, 'Identifier');
    if (name) return this.nameRef(name);
    const addr = this.oneOf(ctx, ADDRESS_KEYS);
    return addr ? this.addressLit(addr) : undefined;
  }

  serviceDefinition(ctx: Children): void {
    const name = this.token(ctx, 'Identifier');
    // Past the '=' the list was parsed, even if an error left it empty.
    if (!name || !ctx['Equals']) return;
    this.ast.definitions.push({ kind: 'service', name: name.image, pos: this.pos(name), items: this.visitEach(this.nodes(ctx, 'serviceItem'), this.serviceItem) });
  }

  serviceItem(ctx: Children): ServiceItem | undefined {
    const protoTok = this.token(ctx, 'protocol');
    if (!protoTok) return undefined;
    // The first '/' is only consumed when an argument follows it (icmp/3/4 has a second).
    const hasArgument = ctx['Slash'] !== undefined;
    const isNumber = protoTok.tokenType === Integer;
    let proto = this.intern(protoTok.image);
    if (isNumber) {
      const n = this.integer(protoTok, 'protocol number', 0, 255);
      if (n === undefined) return undefined;
      proto = String(n);
    } else if (!KNOWN_PROTOCOLS.has(proto)) {
      // A bare unknown name is a service reference; before '/' it can only be a protocol.
      if (!hasArgument) return new NameNode('ref', proto, this.file, protoTok.startLine! | 0, protoTok.startColumn! | 0, (protoTok.endColumn! + 1) | 0);
      this.err(this.pos(protoTok), `unknown protocol '${proto}'${suggestionSuffix(proto, KNOWN_PROTOCOLS)}`);
      return undefined;
    }
    if (!hasArgument) return this.protoItem(protoTok, protoTok, proto);

    const isIcmp = ICMP_PROTOCOLS.has(proto);
    const hasPorts = PORT_PROTOCOLS.has(proto) || (isNumber && PORT_PROTOCOL_NUMBERS.has(Number(proto)));
    // Which alternative followed the '/': a name, TYPE/CODE, or a port list.
    const typeName = this.token(ctx, 'icmpTypeName');
    const isTypeCode = ctx['icmpType'] !== undefined;
    const ranges = this.nodes(ctx, 'portRange');
    if (isIcmp) {
      if (typeName) return this.protoItem(protoTok, typeName, proto, undefined, typeName.image);
      if (isTypeCode) {
        const typeTok = this.token(ctx, 'icmpType');
        const codeTok = this.token(ctx, 'icmpCode');
        if (!typeTok || !codeTok) return undefined;
        const type = this.integer(typeTok, 'ICMP type', 0, 255);
        const code = this.integer(codeTok, 'ICMP code', 0, 255);
        return type === undefined || code === undefined ? undefined : this.protoItem(protoTok, codeTok, proto, undefined, `${type}/${code}`);
      }
      const single = ranges.length === 1 ? (ranges[0]!.children as Children) : undefined;
      if (single && !single['high']) {
        const typeTok = this.token(single, 'low');
        const type = typeTok && this.integer(typeTok, 'ICMP type', 0, 255);
        return type === undefined ? undefined : this.protoItem(protoTok, typeTok!, proto, undefined, String(type));
      }
      this.errAt(this.argumentStart(ctx), `${proto} takes one ICMP type (a name like echo-request, a number, or TYPE/CODE), not a port list`);
      return undefined;
    }
    if (!hasPorts) {
      this.errAt(this.argumentStart(ctx), `'${proto}' has no ports; write it bare, as in '${proto}'`);
      return undefined;
    }
    if (ranges.length === 0) {
      const what = typeName ? `'${typeName.image}'` : 'an ICMP type/code';
      this.errAt(this.argumentStart(ctx), `expected a port number after '${proto}/', found ${what}`);
      return undefined;
    }
    // Every range is checked (and its errors reported) before any makes the item invalid.
    const ports = ranges.map((range) => this.portRange(range.children as Children));
    if (ports.includes(undefined)) return undefined;
    // Every range is whole here, so the last one ends at its high port, or its only one.
    const last = ranges[ranges.length - 1]!.children as Children;
    return this.protoItem(protoTok, this.token(last, 'high') ?? this.token(last, 'low')!, proto, ports as PortRange[]);
  }

  /** The first token after the '/' of a service item, where a wrong kind of argument is reported. */
  private argumentStart(ctx: Children): IToken | undefined {
    const range = this.nodes(ctx, 'portRange')[0];
    return this.token(ctx, 'icmpTypeName') ?? this.token(ctx, 'icmpType') ?? (range && firstToken(range));
  }

  portRange(ctx: Children): PortRange | undefined {
    const lowTok = this.token(ctx, 'low');
    if (!lowTok) return undefined;
    const highTok = this.token(ctx, 'high');
    if (ctx['Minus'] && !highTok) return undefined; // the parser already reported the missing end
    const low = this.integer(lowTok, 'port', 0, 65535);
    const high = highTok ? this.integer(highTok, 'port', 0, 65535) : low;
    if (low === undefined || high === undefined) return undefined;
    if (low > high) {
      this.err(this.span(lowTok, highTok ?? lowTok), `port range ${low}-${high} is backwards; write ${high}-${low}`);
      return undefined;
    }
    return new PortRangeNode(low, high, this.file, lowTok.startLine! | 0, lowTok.startColumn! | 0, this.spanEnd(lowTok, highTok ?? lowTok));
  }

  // ---------------------------------------------------------------- defaults

  defaultsBlock(ctx: Children): void {
    const kw = this.token(ctx, 'Defaults');
    if (!kw) return;
    if (this.ast.defaults) {
      this.err(this.pos(kw), `defaults are already given at line ${this.ast.defaults.pos.line}; use one defaults block`);
      return;
    }
    const defaults: Defaults = { pos: this.pos(kw), policies: [] };
    for (const entry of this.nodes(ctx, 'defaultsEntry')) {
      for (const children of Object.values(entry.children)) {
        for (const node of children as CstNode[]) this.visit(node, defaults);
      }
    }
    this.ast.defaults = defaults;
  }

  defaultsEntry(): void {
    // Unwrapped by defaultsBlock, which passes the Defaults being filled.
  }

  /** An error when a once-only default appears again; true when it is new. */
  private firstTime(previous: { pos: Location } | undefined, at: IToken, what: string): boolean {
    if (!previous) return true;
    this.err(this.pos(at), `${what} is already set at line ${previous.pos.line}`);
    return false;
  }

  chainPolicy(ctx: Children, defaults: Defaults): void {
    const kw = this.token(ctx, 'Policy');
    const chainTok = this.oneOf(ctx, ['Input', 'Forward', 'Output']);
    const verdictTok = this.oneOf(ctx, ['Accept', 'Drop']);
    if (!kw || !chainTok || !verdictTok) return;
    const chain = chainTok.image as ChainName;
    const previous = defaults.policies.find((p) => p.chain === chain);
    if (!this.firstTime(previous, kw, `the policy of ${chain}`)) return;
    defaults.policies.push({ chain, verdict: verdictTok.image as 'accept' | 'drop', pos: this.pos(kw) });
  }

  logDefault(ctx: Children, defaults: Defaults): void {
    const kw = this.token(ctx, 'Log');
    if (!kw || !this.firstTime(defaults.log, kw, "'log'")) return;
    if (this.token(ctx, 'Off')) {
      defaults.log = { off: true, pos: this.pos(kw) };
      return;
    }
    if (!this.token(ctx, 'Drops')) return;
    const spec: LogSpec = { pos: this.pos(kw) };
    for (const opt of this.nodes(ctx, 'logOption')) this.visit(opt, spec);
    defaults.log = spec;
  }

  logOption(ctx: Children, spec: LogSpec): void {
    const prefixKw = this.token(ctx, 'Prefix');
    const limitKw = this.token(ctx, 'Limit');
    const burstKw = this.token(ctx, 'Burst');
    if (prefixKw) {
      const str = this.token(ctx, 'StringLiteral');
      if (!str) return;
      if (spec.prefixPos) return this.err(this.pos(prefixKw), `'prefix' is already given at line ${spec.prefixPos.line}`);
      spec.prefix = this.stringValue(str);
      spec.prefixPos = this.pos(str);
    } else if (limitKw) {
      const countTok = this.token(ctx, 'count');
      const unitTok = this.token(ctx, 'unit');
      if (!countTok || !unitTok) return;
      if (spec.limit) return this.err(this.pos(limitKw), "'limit' is given twice");
      const unit = unitTok.image;
      if (!(unit in RATE_UNITS)) {
        return this.err(this.pos(unitTok), `expected 'second', 'minute', 'hour' or 'day' after '/', found '${unit}'${suggestionSuffix(unit, Object.keys(RATE_UNITS))}`);
      }
      const u = unit as keyof typeof RATE_UNITS;
      const count = this.integer(countTok, `rate per ${u}`, 1, MAX_RATE_PER_SECOND * RATE_UNITS[u]);
      if (count !== undefined) spec.limit = { count, unit: u };
    } else if (burstKw) {
      const burstTok = this.token(ctx, 'burst');
      if (!burstTok) return;
      if (spec.burst !== undefined) return this.err(this.pos(burstKw), "'burst' is given twice");
      const burst = this.integer(burstTok, 'burst', 1, MAX_BURST);
      if (burst !== undefined) spec.burst = burst;
    }
  }

  /** `established accept|off` and its kind; undefined when broken or repeated. */
  private toggle<T extends string>(ctx: Children, keyword: string, on: string, previous: Toggle<T> | undefined): Toggle<T> | undefined {
    const kw = this.token(ctx, keyword);
    const valueTok = this.oneOf(ctx, [on, 'Off']);
    if (!kw || !valueTok || !this.firstTime(previous, kw, `'${kw.image}'`)) return previous;
    return { value: valueTok.image as T | 'off', pos: this.pos(kw) };
  }

  establishedDefault(ctx: Children, defaults: Defaults): void {
    const value = this.toggle<'accept'>(ctx, 'Established', 'Accept', defaults.established);
    if (value) defaults.established = value;
  }

  invalidDefault(ctx: Children, defaults: Defaults): void {
    const value = this.toggle<'drop'>(ctx, 'Invalid', 'Drop', defaults.invalid);
    if (value) defaults.invalid = value;
  }

  loopbackDefault(ctx: Children, defaults: Defaults): void {
    const value = this.toggle<'accept'>(ctx, 'Loopback', 'Accept', defaults.loopback);
    if (value) defaults.loopback = value;
  }

  // ---------------------------------------------------------------- rules

  rule(ctx: Children): void {
    const actionTok = this.oneOf(ctx, ACTION_KEYS);
    const sources = this.nodes(ctx, 'sources')[0];
    const destinations = this.nodes(ctx, 'destinations')[0];
    if (!actionTok || !sources || !destinations) return;
    const rule: PolicyRule = {
      action: this.intern(actionTok.image) as PolicyRule['action'],
      pos: this.pos(actionTok),
      sources: this.endpointList(sources.children as Children),
      destinations: this.endpointList(destinations.children as Children),
      services: this.visitEach(this.nodes(ctx, 'serviceItem'), this.serviceItem),
    };
    for (const opt of this.nodes(ctx, 'ruleOption')) this.ruleOption(opt.children as Children, rule);
    this.ast.rules.push(rule);
  }

  endpointList(ctx: Children): Endpoint[] {
    return this.visitEach(this.nodes(ctx, 'endpoint'), this.endpoint);
  }

  endpoint(ctx: Children): Endpoint | undefined {
    const any = this.token(ctx, 'Any');
    if (any) return new KeywordEndpoint('any', this.file, any.startLine! | 0, any.startColumn! | 0, (any.endColumn! + 1) | 0);
    const self = this.token(ctx, 'Self');
    if (self) return new KeywordEndpoint('self', this.file, self.startLine! | 0, self.startColumn! | 0, (self.endColumn! + 1) | 0);
    const addr = this.oneOf(ctx, ADDRESS_KEYS);
    if (addr) return this.addressLit(addr);
    const name = this.token(ctx, 'name');
    if (!name) return undefined;
    return ctx['Colon'] ? this.pinned(name, ctx) : this.nameRef(name);
  }

  /** `zone:TARGET`, from what follows the ':' (the grammar's pin alternatives). */
  private pinned(zone: IToken, ctx: Children): Endpoint | undefined {
    const name = this.token(ctx, 'pinName');
    if (name) return this.pin(zone, this.nameRef(name), name);
    const v4 = this.token(ctx, 'pinIPv4');
    if (v4) return this.pin(zone, this.addressLit(v4), v4);
    const bare = this.token(ctx, 'bareIPv6');
    if (bare) {
      this.err(this.pos(bare), `write an IPv6 address pinned to a zone in brackets, as in 'zone:[${bare.image}]'`);
      return undefined;
    }
    const v6 = this.token(ctx, 'pinIPv6');
    const closing = this.token(ctx, 'RBracket');
    return v6 && closing ? this.pin(zone, this.addressLit(v6), closing) : undefined;
  }

  private pin(zone: IToken, target: NameRef | AddressLit, end: IToken): Endpoint {
    return new PinnedNode(this.intern(zone.image), target, this.file, zone.startLine! | 0, zone.startColumn! | 0, (zone.endColumn! + 1) | 0, this.spanEnd(zone, end));
  }

  ruleOption(ctx: Children, rule: PolicyRule): void {
    const logKw = this.token(ctx, 'Log');
    const commentKw = this.token(ctx, 'Comment');
    const str = this.token(ctx, 'StringLiteral');
    if (logKw) {
      if (rule.log) return this.err(this.pos(logKw), `'log' is already given at column ${rule.log.pos.column}`);
      rule.log = str ? { prefix: this.stringValue(str), pos: this.pos(logKw), prefixPos: this.pos(str) } : { pos: this.pos(logKw) };
    } else if (commentKw && str) {
      if (rule.comment) return this.err(this.pos(commentKw), `'comment' is already given at column ${rule.comment.pos.column}`);
      rule.comment = { text: this.stringValue(str), pos: this.pos(str) };
    }
  }
}

/** A token the input really contains (not one Chevrotain invented to recover from an error). */
export function isRealToken(token: IToken | undefined): token is IToken {
  return token !== undefined && !token.isInsertedInRecovery && !Number.isNaN(token.startOffset) && token.startLine !== undefined && !Number.isNaN(token.startLine);
}

function isCstNode(x: CstNode | IToken): x is CstNode {
  return (x as CstNode).children !== undefined;
}

/**
 * The first real token under a node. The children under one key are in source
 * order but the keys are not, so this takes the earliest first token over the
 * keys, without collecting every token.
 */
function firstToken(node: CstNode): IToken | undefined {
  let best: IToken | undefined;
  for (const key in node.children) {
    for (const c of node.children[key]!) {
      const tok = isCstNode(c) ? firstToken(c) : isRealToken(c) ? c : undefined;
      if (tok === undefined) continue;
      if (best === undefined || tok.startOffset < best.startOffset) best = tok;
      break;
    }
  }
  return best;
}
