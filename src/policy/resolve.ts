// Stage 2 of 3 (parse -> resolve -> generate): turns the names of a policy AST
// into interfaces, addresses and services. Every error names the place it
// comes from and, for unknown names, the nearest defined one.
import type { Diagnostic, Location } from '../diagnostics.js';
import { error, didYouMean } from '../diagnostics.js';
import type { Family } from '../ruleset/model.js';
import type { Topology } from '../topology/types.js';
import type { AddressLit, ChainName, Definition, Endpoint, PolicyFile, PolicyRule, PortRange, ServiceItem } from './ast.js';
import { parseCidr, hasHostBits, formatCidr, type Cidr } from '../net/cidr.js';
import { icmpTypeValue, ICMP_TYPES, ICMPV6_TYPES } from '../net/icmp.js';
import { PROTO_NAMES, protoNumber } from '../ruleset/names.js';
import { KNOWN_PROTOCOLS, PORT_PROTOCOLS } from '../../grammar/protocols.js';

/** One side of a rule after resolution: where packets come from or go to. */
export type Term =
  | { kind: 'any' }
  | { kind: 'self' }
  | {
      kind: 'net';
      /** Interfaces of the zone(s) involved; undefined = any interface. */
      ifaces?: string[];
      /** Addresses; undefined = any address. */
      cidrs?: Cidr[];
    };

export interface ServiceSpec {
  /** Protocol as iptables-save prints it: tcp, udp, icmp, ipv6-icmp, sctp, esp, or a number. */
  proto: string;
  /** Set for ICMP flavours, which exist in one family only. */
  family?: Family;
  ports?: Array<{ low: number; high: number }>;
  /** For icmp/icmpv6: "8" or "3/4". */
  icmpType?: string;
  pos: Location;
}

export interface ResolvedRule {
  action: 'allow' | 'deny' | 'reject';
  pos: Location;
  sources: Term[];
  destinations: Term[];
  /** Empty = all protocols. */
  services: ServiceSpec[];
  log?: { prefix?: string; pos: Location; prefixPos?: Location };
  comment?: { text: string; pos: Location };
}

export interface ResolvedDefaults {
  policy: Record<ChainName, 'accept' | 'drop'>;
  log: { prefix: string; limit: { count: number; unit: 'second' | 'minute' | 'hour' | 'day' }; burst: number; pos?: Location; prefixPos?: Location } | null;
  established: boolean;
  invalid: boolean;
  loopback: boolean;
  /** Where each default was written, for comments naming the source. */
  pos: Partial<Record<'input' | 'forward' | 'output' | 'log' | 'established' | 'invalid' | 'loopback', Location>>;
}

export interface ResolvedPolicy {
  file: string;
  families: Family[];
  defaults: ResolvedDefaults;
  rules: ResolvedRule[];
}

export const DEFAULT_LOG_PREFIX = 'chainsmith-drop: ';

/** parseCidr's options for address literals, made once: literal() runs for every address of every rule. */
const KEEP_HOST_BITS = { keepHostBits: true } as const;

interface NameEntry {
  kind: 'host' | 'network' | 'group' | 'zone';
  pos: Location;
  def?: Definition;
}

export function resolvePolicy(ast: PolicyFile, topology: Topology | undefined): { policy: ResolvedPolicy; diagnostics: Diagnostic[] } {
  const diags: Diagnostic[] = [];
  const names = new Map<string, NameEntry>();
  const services = new Map<string, Definition & { kind: 'service' }>();

  if (topology) for (const z of topology.zones.values()) names.set(z.name, { kind: 'zone', pos: z.loc ?? { file: topology.file, line: 1, column: 1 } });
  for (const d of ast.definitions) {
    if (d.kind === 'service') {
      const prev = services.get(d.name);
      if (prev) diags.push(error(d.pos, `service '${d.name}' is defined twice`, [{ loc: prev.pos, message: `first definition of '${d.name}'` }]));
      else services.set(d.name, d);
      continue;
    }
    const prev = names.get(d.name);
    if (prev) {
      const what = prev.kind === 'zone' ? `a zone in the topology` : `a ${prev.kind}`;
      diags.push(error(d.pos, `'${d.name}' is already defined as ${what}`, [{ loc: prev.pos, message: `first definition of '${d.name}'` }]));
      continue;
    }
    if (d.name === 'any' || d.name === 'self') {
      diags.push(error(d.pos, `'${d.name}' is a reserved endpoint name`));
      continue;
    }
    names.set(d.name, { kind: d.kind, pos: d.pos, def: d });
  }

  // Every term of a zone gets the same interface list: generate only reads it, and
  // a large policy names the same few zones in every rule.
  const zoneIfaces = new Map<string, string[]>();
  const ifacesOf = (zone: { name: string; interfaces: readonly string[] }): string[] => {
    let list = zoneIfaces.get(zone.name);
    if (list === undefined) zoneIfaces.set(zone.name, (list = [...zone.interfaces]));
    return list;
  };

  const mentionsV6 = { value: false };
  const literal = (a: AddressLit): Cidr | null => {
    const c = parseCidr(a.text, KEEP_HOST_BITS);
    if (!c) {
      diags.push(error(a.pos, `'${a.text}' is not a valid IPv4 or IPv6 address or prefix`));
      return null;
    }
    if (hasHostBits(c)) {
      const net = parseCidr(a.text)!;
      diags.push(error(a.pos, `'${a.text}' has host bits set; write the network address (${formatCidr(net)})`));
      return null;
    }
    if (c.family === 'ipv6') mentionsV6.value = true;
    return c;
  };

  // Expands a name to terms; groups are expanded recursively with a cycle guard.
  // Addresses are checked where they are defined, once, whether or not a rule uses them.
  const defined = new Map<AddressLit, Cidr | null>();
  for (const d of ast.definitions) {
    if (d.kind !== 'host' && d.kind !== 'network') continue;
    for (const a of d.addresses) {
      const c = literal(a);
      defined.set(a, c);
      if (c && d.kind === 'host') checkHostAddress(a, diags);
    }
  }

  const expandName = (name: string, pos: Location, stack: string[]): Term[] | null => {
    const entry = names.get(name);
    if (!entry) {
      const hint = didYouMean(name, names.keys());
      const noTopo = !topology && !hint ? ' (no topology is loaded, so no zones are defined)' : '';
      diags.push(error(pos, `unknown zone or name '${name}'${hint}${noTopo}`));
      return null;
    }
    if (entry.kind === 'zone') {
      const z = topology!.zones.get(name)!;
      return [{ kind: 'net', ifaces: ifacesOf(z) }];
    }
    const def = entry.def!;
    if (def.kind === 'host' || def.kind === 'network') {
      const cidrs = def.addresses.map((a) => defined.get(a)).filter((c): c is Cidr => !!c);
      return [{ kind: 'net', cidrs }];
    }
    if (def.kind === 'group') {
      if (stack.includes(name)) {
        diags.push(error(pos, `group '${name}' contains itself (${[...stack, name].join(' -> ')})`));
        return null;
      }
      const out: Term[] = [];
      for (const m of def.members) {
        if (m.kind === 'address') {
          const c = literal(m);
          if (c) out.push({ kind: 'net', cidrs: [c] });
        } else {
          const t = expandName(m.name, m.pos, [...stack, name]);
          if (t) out.push(...t);
        }
      }
      return out;
    }
    return null;
  };

  const endpoint = (e: Endpoint): Term[] | null => {
    switch (e.kind) {
      case 'any':
        return [{ kind: 'any' }];
      case 'self':
        return [{ kind: 'self' }];
      case 'address': {
        const c = literal(e);
        return c ? [{ kind: 'net', cidrs: [c] }] : null;
      }
      case 'name':
        return expandName(e.name, e.pos, []);
      case 'pinned': {
        const zone = topology?.zones.get(e.zone);
        if (!zone) {
          const zones = topology ? [...topology.zones.keys()] : [];
          const hint = didYouMean(e.zone, zones);
          diags.push(error(e.zonePos, `unknown zone '${e.zone}'${hint}${topology ? '' : ' (no topology is loaded)'}`));
          return null;
        }
        if (e.target.kind === 'address') {
          // The usual pin, `zone:ADDRESS`: one term, built directly.
          const c = literal(e.target);
          return c ? [{ kind: 'net', ifaces: ifacesOf(zone), cidrs: [c] }] : null;
        }
        const inner = expandName(e.target.name, e.target.pos, []);
        if (!inner) return null;
        for (const t of inner) {
          if (t.kind !== 'net' || t.ifaces) {
            diags.push(error(e.target.pos, `'${e.target.name}' cannot be pinned to a zone: only addresses can`));
            return null;
          }
        }
        // map, not push: an array grown by push keeps room for 16 more elements,
        // and a large policy keeps two such lists per rule alive until printing.
        return inner.map((t): Term => (t.kind === 'net' && t.cidrs ? { kind: 'net', ifaces: ifacesOf(zone), cidrs: t.cidrs } : { kind: 'net', ifaces: ifacesOf(zone) }));
      }
    }
  };

  const serviceItems = (items: ServiceItem[], stack: string[]): ServiceSpec[] => {
    const out: ServiceSpec[] = [];
    for (const it of items) {
      if (it.kind === 'ref') {
        const def = services.get(it.name);
        if (!def) {
          // A bare word that is a protocol name is a protocol, not a service name.
          if (KNOWN_PROTOCOLS.has(it.name)) {
            out.push(...serviceItems([{ kind: 'proto', proto: it.name, pos: it.pos }], stack));
            continue;
          }
          diags.push(error(it.pos, `unknown service '${it.name}'${didYouMean(it.name, [...services.keys(), 'tcp', 'udp', 'icmp', 'icmpv6', 'sctp'])}`));
          continue;
        }
        if (stack.includes(it.name)) {
          diags.push(error(it.pos, `service '${it.name}' refers to itself (${[...stack, it.name].join(' -> ')})`));
          continue;
        }
        out.push(...serviceItems(def.items, [...stack, it.name]));
        continue;
      }
      const spec = protoSpec(it, diags);
      if (spec) out.push(spec);
    }
    return out;
  };

  // A call per rule rather than a loop body here: V8 optimizes a function
  // called for every rule after its first few hundred calls, a loop inside
  // this long-running call only by replacing the frame it runs in.
  const resolveRule = (r: PolicyRule): ResolvedRule | undefined => {
    // One endpoint a side is the usual rule: no map() and no list of lists for it.
    const sources = r.sources.length === 1 ? endpoint(r.sources[0]!) : flat(r.sources.map(endpoint));
    const destinations = r.destinations.length === 1 ? endpoint(r.destinations[0]!) : flat(r.destinations.map(endpoint));
    // slice() sizes the list exactly (see the pinned endpoint above).
    const svc = serviceItems(r.services, []).slice();
    if (!sources || !destinations) return undefined;
    checkSelf(r, sources, destinations, diags);
    if (r.log?.prefix !== undefined && r.log.prefixPos) checkText(r.log.prefix, r.log.prefixPos, 'log prefix', 29, diags);
    if (r.comment) checkText(r.comment.text, r.comment.pos, 'comment', 255, diags);
    for (const s of svc) if (s.family === 'ipv6') mentionsV6.value = true;
    const rule: ResolvedRule = { action: r.action, pos: r.pos, sources, destinations, services: svc };
    if (r.log) rule.log = r.log;
    if (r.comment) rule.comment = r.comment;
    return rule;
  };
  const rules: ResolvedRule[] = [];
  for (const r of ast.rules) {
    const rule = resolveRule(r);
    if (rule) rules.push(rule);
  }

  const defaults = resolveDefaults(ast, diags);
  let families: Family[] = mentionsV6.value ? ['ipv4', 'ipv6'] : ['ipv4'];
  if (ast.family) families = ast.family.value === 'dual' ? ['ipv4', 'ipv6'] : [ast.family.value];
  if (ast.family && ast.family.value !== 'dual') checkFamily(ast, ast.family.value, diags);
  return { policy: { file: ast.file, families, defaults, rules }, diagnostics: diags };
}

function flat(list: Array<Term[] | null>): Term[] | null {
  if (list.length === 1) return list[0]!; // the usual case; Array#flat is slow for it
  if (list.some((l) => l === null)) return null;
  return (list as Term[][]).flat();
}

function checkHostAddress(a: AddressLit, diags: Diagnostic[]): void {
  const c = parseCidr(a.text);
  if (c && a.text.includes('/') && c.prefix !== (c.family === 'ipv4' ? 32 : 128)) {
    diags.push(error(a.pos, `a host has a single address; '${a.text}' is a network (use 'network')`));
  }
}

function checkSelf(r: PolicyRule, src: Term[], dst: Term[], diags: Diagnostic[]): void {
  const srcSelf = hasSelf(src);
  const dstSelf = hasSelf(dst);
  if (srcSelf && dstSelf) diags.push(error(r.pos, `a rule from 'self' to 'self' is local traffic on 'lo'; the loopback default already covers it`));
}

/**
 * Whether a term is `self`. A loop, not some() with a callback: this runs
 * twice per rule, mostly before V8 has optimized anything, where each call of
 * an array method with a new closure costs far more than the loop.
 */
function hasSelf(terms: Term[]): boolean {
  for (const t of terms) if (t.kind === 'self') return true;
  return false;
}

/** Comments and log prefixes end up inside the ruleset: only printable ASCII, and the kernel's length limits. */
export function checkText(text: string, pos: Location, what: string, max: number, diags: Diagnostic[]): void {
  const bad = [...text].find((ch) => ch < ' ' || ch > '~');
  if (bad !== undefined) {
    const code = bad.codePointAt(0)!.toString(16).padStart(4, '0');
    diags.push(error(pos, `${what} contains the character U+${code}; only printable ASCII is allowed in the ruleset`));
  }
  if (text.length > max) diags.push(error(pos, `${what} is ${text.length} characters long; the kernel allows at most ${max}`));
}

function protoSpec(it: ServiceItem & { kind: 'proto' }, diags: Diagnostic[]): ServiceSpec | null {
  let proto = it.proto.toLowerCase();
  let family: Family | undefined;
  if (proto === 'icmpv6' || proto === 'ipv6-icmp') {
    proto = 'ipv6-icmp';
    family = 'ipv6';
  } else if (proto === 'icmp') family = 'ipv4';
  let printed: string;
  if (/^\d+$/.test(proto)) {
    const n = Number(proto);
    if (n > 255) {
      diags.push(error(it.pos, `protocol number ${n} is out of range (0-255)`));
      return null;
    }
    if (n === 0) {
      diags.push(error(it.pos, `protocol 0 means 'all protocols' to iptables; leave the service out instead`));
      return null;
    }
    printed = PROTO_NAMES[n] ?? String(n);
    if (n === 1) family = 'ipv4';
    if (n === 58) family = 'ipv6';
  } else {
    const n = protoNumber(proto);
    if (n === undefined || n === 0) {
      diags.push(error(it.pos, `unknown protocol '${it.proto}'${didYouMean(proto, KNOWN_PROTOCOLS)}`));
      return null;
    }
    // The name iptables-save prints (from /etc/protocols), so the output round-trips.
    printed = PROTO_NAMES[n] ?? String(n);
  }
  const spec: ServiceSpec = { proto: printed, pos: it.pos };
  if (family) spec.family = family;
  if (it.ports && it.ports.length) {
    if (!PORT_PROTOCOLS.has(printed)) {
      diags.push(error(it.pos, `'${it.proto}' has no ports; ports exist for tcp, udp, sctp, udplite and dccp`));
      return null;
    }
    const ports = it.ports;
    spec.ports = ports.length === 1 ? [{ low: ports[0]!.low, high: ports[0]!.high }] : ports.map((p: PortRange) => ({ low: p.low, high: p.high }));
  }
  if (it.icmpType !== undefined) {
    if (printed !== 'icmp' && printed !== 'ipv6-icmp') {
      diags.push(error(it.pos, `'${it.proto}/${it.icmpType}': only icmp and icmpv6 have types`));
      return null;
    }
    const v6 = printed === 'ipv6-icmp';
    const value = icmpTypeValue(it.icmpType, v6);
    if (value === null) {
      diags.push(error(it.pos, `unknown ${v6 ? 'icmpv6' : 'icmp'} type '${it.icmpType}'${didYouMean(it.icmpType, Object.keys(v6 ? ICMPV6_TYPES : ICMP_TYPES))}`));
      return null;
    }
    spec.icmpType = value;
  }
  return spec;
}

function resolveDefaults(ast: PolicyFile, diags: Diagnostic[]): ResolvedDefaults {
  const d = ast.defaults;
  const out: ResolvedDefaults = {
    policy: { input: 'drop', forward: 'drop', output: 'accept' },
    log: { prefix: DEFAULT_LOG_PREFIX, limit: { count: 10, unit: 'minute' }, burst: 5 },
    established: true,
    invalid: true,
    loopback: true,
    pos: {},
  };
  if (!d) return out;
  const seen = new Map<string, Location>();
  const once = (key: string, pos: Location): boolean => {
    const prev = seen.get(key);
    if (prev) {
      diags.push(error(pos, `'${key}' is set twice in defaults`, [{ loc: prev, message: 'first set here' }]));
      return false;
    }
    seen.set(key, pos);
    return true;
  };
  for (const p of d.policies) {
    if (!once(`policy ${p.chain}`, p.pos)) continue;
    out.policy[p.chain] = p.verdict;
    out.pos[p.chain] = p.pos;
  }
  if (d.log && once('log', d.log.pos)) {
    out.pos.log = d.log.pos;
    if ('off' in d.log) out.log = null;
    else {
      const l = d.log;
      if (l.prefix !== undefined) checkText(l.prefix, l.prefixPos ?? l.pos, 'log prefix', 29, diags);
      if (l.limit && l.limit.count < 1) diags.push(error(l.pos, 'the log limit must be at least 1 per time unit'));
      if (l.burst !== undefined && (l.burst < 1 || l.burst > 10000)) diags.push(error(l.pos, 'the log burst must be between 1 and 10000'));
      out.log = {
        prefix: l.prefix ?? DEFAULT_LOG_PREFIX,
        limit: l.limit ?? { count: 10, unit: 'minute' },
        burst: l.burst ?? 5,
        pos: l.pos,
        ...(l.prefixPos ? { prefixPos: l.prefixPos } : {}),
      };
    }
  }
  for (const key of ['established', 'invalid', 'loopback'] as const) {
    const t = d[key];
    if (t && once(key, t.pos)) {
      out[key] = t.value !== 'off';
      out.pos[key] = t.pos;
    }
  }
  return out;
}

function checkFamily(ast: PolicyFile, family: Family, diags: Diagnostic[]): void {
  const other = family === 'ipv4' ? 'ipv6' : 'ipv4';
  const visit = (a: AddressLit): void => {
    const c = parseCidr(a.text);
    if (c && c.family === other) diags.push(error(a.pos, `'${a.text}' is an ${other === 'ipv4' ? 'IPv4' : 'IPv6'} address but the policy says 'family ${family}'`));
  };
  for (const d of ast.definitions) {
    if (d.kind === 'host' || d.kind === 'network') d.addresses.forEach(visit);
    if (d.kind === 'group') d.members.forEach((m) => m.kind === 'address' && visit(m));
  }
  for (const r of ast.rules)
    for (const e of [...r.sources, ...r.destinations]) {
      if (e.kind === 'address') visit(e);
      if (e.kind === 'pinned' && e.target.kind === 'address') visit(e.target);
    }
}
