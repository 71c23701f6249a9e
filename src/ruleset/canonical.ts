// Normalises a ruleset to exactly what iptables-save (nft backend, iptables
// 1.8.9) prints after iptables-restore loads it. Each rule below was checked
// against the kernel in a scratch network namespace and against the corpus.
import type { Location } from '../diagnostics.js';
import { scanIPv4 } from '../net/cidr.js';
import { BUILTIN_CHAINS, type Chain, type Family, type Match, type Neg, type Option, type Rule, type Ruleset, type Table, type Target } from './model.js';
import { canonicalCidr } from './addr.js';
import { MATCHES, TARGETS, findOption, type ModuleSpec } from './modules.js';
import { PROTO_NAMES, protoNumber } from './names.js';

/** The order the nft iptables-save walks its tables in (nft_table_type), not file order. */
const TABLE_ORDER = ['mangle', 'security', 'raw', 'filter', 'nat'];

export function canonicalize(rs: Ruleset): Ruleset {
  const tables = rs.tables
    .filter((t) => t.chains.length > 0) // nft never creates a table nothing was declared in
    .map((t) => canonicalTable(t, rs.family));
  tables.sort((a, b) => rank(a.name) - rank(b.name));
  return { family: rs.family, file: rs.file, tables };
}

function rank(table: string): number {
  const i = TABLE_ORDER.indexOf(table);
  return i < 0 ? TABLE_ORDER.length : i;
}

function canonicalTable(t: Table, family: Family): Table {
  const builtins = BUILTIN_CHAINS[t.name] ?? [];
  const chains: Chain[] = [];
  // nft creates every built-in chain of a table it touches, with policy ACCEPT unless set.
  for (const name of builtins) {
    const c = t.chains.find((x) => x.name === name);
    chains.push(c ? canonicalChain(c, family) : { name, builtin: true, policy: 'ACCEPT', rules: [], loc: t.loc });
  }
  const user = t.chains.filter((c) => !builtins.includes(c.name)).map((c) => canonicalChain(c, family));
  user.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)); // strcmp order
  return { name: t.name, loc: t.loc, chains: [...chains, ...user] };
}

function canonicalChain(c: Chain, family: Family): Chain {
  const out: Chain = { name: c.name, builtin: c.builtin, rules: c.rules.map((r) => canonicalRule(r, family)), loc: c.loc };
  if (c.builtin) out.policy = c.policy ?? 'ACCEPT';
  if (c.policyLoc) out.policyLoc = c.policyLoc;
  // Loading without -c does not keep counters: iptables-save prints [0:0].
  return out;
}

export function canonicalRule(r: Rule, family: Family): Rule {
  const out: Rule = { loc: r.loc, matches: [] };
  if (r.origin) out.origin = r.origin;
  if (r.text !== undefined) out.text = r.text;
  if (r.suppressions) out.suppressions = r.suppressions;
  const src = r.src && canonicalAddrNeg(r.src, family);
  const dst = r.dst && canonicalAddrNeg(r.dst, family);
  if (src) out.src = src;
  if (dst) out.dst = dst;
  if (r.inIface) out.inIface = copyOf(r.inIface);
  if (r.outIface) out.outIface = copyOf(r.outIface);
  const proto = r.proto && canonicalProto(r.proto, family);
  if (proto) out.proto = proto;
  if (r.fragment) out.fragment = copyOf(r.fragment);
  out.matches = r.matches.map((m) => canonicalMatch(m, family));
  if (r.target) out.target = canonicalTarget(r.target, family);
  return out;
}

/**
 * canonicalCidr per family, memoized: it is a pure function of the text, and
 * large dumps repeat the same few thousand addresses across many rules.
 */
const cidrMemo: Record<Family, Map<string, string | undefined>> = { ipv4: new Map(), ipv6: new Map() };
const CIDR_MEMO_LIMIT = 1 << 16;

function canonicalCidrMemo(value: string, family: Family): string | undefined {
  if (family === 'ipv4') {
    const fast = canonicalIPv4Prefix(value);
    if (fast !== null) return fast;
  }
  const memo = cidrMemo[family];
  if (memo.has(value)) return memo.get(value);
  const c = canonicalCidr(value, family);
  if (memo.size >= CIDR_MEMO_LIMIT) memo.clear(); // bounded: a long-running caller never grows it without end
  memo.set(value, c);
  return c;
}

/**
 * canonicalCidr for the common IPv4 spellings `A.B.C.D` and `A.B.C.D/N`
 * (N of one or two digits), without the byte arrays and bigints of the general
 * path; null for anything else. Parts follow parseIPv4 (1 to 3 decimal digits,
 * at most 255), so the answer is the general path's.
 */
function canonicalIPv4Prefix(s: string): string | undefined | null {
  const slash = s.indexOf('/');
  const i = slash < 0 ? s.length : slash;
  const value = scanIPv4(s, i);
  if (value < 0) return null;
  let len = 32;
  if (i < s.length) {
    if (s.charCodeAt(i) !== 47 /* / */) return null;
    const rest = s.length - i - 1;
    if (rest < 1 || rest > 2) return null;
    len = 0;
    for (let k = i + 1; k < s.length; k++) {
      const c = s.charCodeAt(k);
      if (c < 48 || c > 57) return null;
      len = len * 10 + (c - 48);
    }
    if (len > 32) return null;
  }
  if (len === 0) return '';
  const net = (value & ((0xffffffff << (32 - len)) >>> 0)) >>> 0;
  return `${net >>> 24}.${(net >>> 16) & 255}.${(net >>> 8) & 255}.${net & 255}/${len}`;
}

/**
 * `{ ...x, ...changes }`, keeping x's `loc` also when it is an accessor (the
 * parser's elements, located.ts), which a spread does not copy. Keys stay in
 * the order the spread of a plain `{ ..., loc }` element gave.
 */
function copyOf<T extends { loc?: Location }>(x: T, changes?: Partial<T>): T {
  const out = { ...x, ...changes };
  if (!('loc' in out) && x.loc !== undefined) out.loc = x.loc;
  return out;
}

function canonicalAddrNeg(a: Neg, family: Family): Neg | undefined {
  const c = canonicalCidrMemo(a.value, family);
  if (c === undefined) return copyOf(a); // a host name: the kernel would resolve it; we keep it
  if (c === '' && !a.negated) return undefined; // 0.0.0.0/0 matches everything and is omitted
  return copyOf(a, { value: c === '' ? (family === 'ipv4' ? '0.0.0.0/0' : '::/0') : c });
}

function canonicalProto(p: Neg, family: Family): Neg | undefined {
  const n = protoNumber(p.value);
  if (n === undefined) return copyOf(p);
  if (n === 0 && !p.negated) return undefined; // "all"
  if (n === 0) return copyOf(p, { value: 'all' });
  const name = family === 'ipv6' && n === 58 ? 'ipv6-icmp' : PROTO_NAMES[n] ?? String(n);
  return copyOf(p, { value: name });
}

function canonicalOptions(spec: ModuleSpec | undefined, options: Option[], family: Family): Option[] {
  if (!spec) return options.map((o) => copyOf(o, { args: [...o.args] }));
  const known: Array<{ order: number; seq: number; opt: Option }> = [];
  const unknown: Option[] = [];
  options.forEach((o, seq) => {
    const s = findOption(spec, o.name);
    if (!s) {
      unknown.push(copyOf(o, { args: [...o.args] }));
      return;
    }
    const c = s.canon ? s.canon(o.args, family, o.negated) : { args: o.args };
    if (c === null) return;
    const name = c.name ?? s.name;
    const order = spec.options.findIndex((x) => x.name === name);
    const res: Option = { name, negated: o.negated, args: c.args };
    if (o.loc) res.loc = o.loc;
    known.push({ order: order < 0 ? spec.options.indexOf(s) : order, seq, opt: res });
  });
  known.sort((a, b) => a.order - b.order || a.seq - b.seq);
  let out = [...known.map((k) => k.opt), ...unknown];
  // One option needs no reordering (the common `-m tcp --dport N`).
  if (!spec.finalize && out.length < 2) return out;
  if (spec.finalize) out = spec.finalize(out, family);
  // finalize may add defaults; keep everything in the printed order
  const pos = (o: Option) => {
    const i = spec.options.findIndex((x) => x.name === o.name);
    return i < 0 ? spec.options.length : i;
  };
  return out.map((o, seq) => ({ o, seq })).sort((a, b) => pos(a.o) - pos(b.o) || a.seq - b.seq).map((x) => x.o);
}

function canonicalMatch(m: Match, family: Family): Match {
  const module = family === 'ipv6' && m.module === 'icmpv6' ? 'icmp6' : m.module;
  const out: Match = { module, options: canonicalOptions(MATCHES[module], m.options, family) };
  if (m.loc) out.loc = m.loc;
  return out;
}

function canonicalTarget(t: Target, family: Family): Target {
  const out: Target = { name: t.name, goto: t.goto, options: canonicalOptions(TARGETS[t.name], t.options, family) };
  if (t.loc) out.loc = t.loc;
  return out;
}
