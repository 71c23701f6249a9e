// Stage 3 of 3 (parse -> resolve -> generate): a resolved policy becomes one
// ruleset model per address family, already in the form the kernel's
// iptables-save prints, so the printed output diffs cleanly against a live host.
import path from 'node:path';
import type { Diagnostic, Location } from '../diagnostics.js';
import { error } from '../diagnostics.js';
import type { Chain, Family, Match, Neg, Option, Rule, Ruleset, Target } from '../ruleset/model.js';
import { formatCidr, type Cidr } from '../net/cidr.js';
import type { ResolvedDefaults, ResolvedPolicy, ResolvedRule, ServiceSpec, Term } from '../policy/resolve.js';
import { ICMPV6_ESSENTIALS } from './icmpv6.js';

export interface GenerateOptions {
  /** Source comments on every rule (`-m comment --comment "cluster.policy:12"`); default true. */
  comments?: boolean;
  /** `# chainsmith: disable=...` before a policy line, carried to every rule generated from it. */
  suppressionsAt?: (line: number) => string[] | undefined;
}

/** The kernel limits that iptables-restore would otherwise reject at load time. */
export const LIMITS = { logPrefix: 29, comment: 255, chainName: 28, ifname: 15 } as const;
const MULTIPORT_MAX = 15;

type ChainKey = 'INPUT' | 'FORWARD' | 'OUTPUT';
const CHAINS: ChainKey[] = ['INPUT', 'FORWARD', 'OUTPUT'];

const opt = (name: string, ...args: string[]): Option => ({ name, negated: false, args });
const match = (module: string, ...options: Option[]): Match => ({ module, options });
const target = (name: string, ...options: Option[]): Target => ({ name, goto: false, options });

/**
 * A rule under construction: the matches shared by its verdict and its LOG twin.
 * The Neg values are shared between all rules that match the same address,
 * interface or protocol (nothing mutates a generated rule's parts), so a large
 * policy keeps one object per distinct value instead of one per rule.
 */
interface Core {
  src?: Neg;
  dst?: Neg;
  inIface?: Neg;
  outIface?: Neg;
  proto?: Neg;
  matches: Match[];
}

/** A rule's place before numberLines() gives it its output line; never read. */
const UNNUMBERED: Location = Object.freeze({ file: '', line: 0, column: 1 });

/**
 * One Neg per interface or protocol name, and one per CIDR object (the resolver
 * shares a zone's or host's CIDRs between all rules that name it), for one
 * generate() call. CIDRs are looked up by identity: hashing the text of every
 * address of a large policy costs more than it saves.
 */
class NegCache {
  private readonly byText = new Map<string, Neg>();
  private readonly byCidr = new Map<Cidr, Neg>();

  text(value: string): Neg {
    let n = this.byText.get(value);
    if (n === undefined) this.byText.set(value, (n = { value, negated: false }));
    return n;
  }

  cidr(c: Cidr): Neg {
    let n = this.byCidr.get(c);
    if (n === undefined) this.byCidr.set(c, (n = { value: formatCidr(c), negated: false }));
    return n;
  }
}

export function generate(policy: ResolvedPolicy, opts: GenerateOptions = {}): { rulesets: Ruleset[]; diagnostics: Diagnostic[] } {
  const diags: Diagnostic[] = [];
  const comments = opts.comments !== false;
  const base = path.basename(policy.file);
  const d = policy.defaults;
  const rulesets: Ruleset[] = [];
  // Whether each policy rule (by index) produced an iptables rule in some family.
  const produced = new Uint8Array(policy.rules.length);
  const negs = new NegCache();

  for (const family of policy.families) {
    const verdicts = verdictTargets(family);
    const chains = new Map<ChainKey, Rule[]>(CHAINS.map((c) => [c, []]));
    // Every iptables rule of one policy rule (its LOG twin included) carries the same
    // comment, whose text depends on `what` only for defaults without a position:
    // build the match once (matches are shared between rules and never mutated).
    let lastComment: { pos: Location | undefined; what: string; user: string | undefined; match: Match | undefined } | undefined;
    const srcComment = (pos: Location | undefined, what: string, user?: string): Match | undefined => {
      if (lastComment && lastComment.pos === pos && (pos || lastComment.what === what) && lastComment.user === user) return lastComment.match;
      let m: Match | undefined;
      if (comments || user !== undefined) {
        let text = comments ? (pos ? `${base}:${pos.line}` : `${base}: default ${what}`) : '';
        if (user !== undefined) text = text ? `${text}: ${user}` : user;
        m = match('comment', opt('comment', text));
      }
      lastComment = { pos, what, user, match: m };
      return m;
    };
    let lastSuppressions: { line: number; codes: string[] | undefined } | undefined;
    const suppressionsAt = (line: number): string[] | undefined => {
      if (opts.suppressionsAt === undefined) return undefined; // a policy without any: no bookkeeping per rule
      if (lastSuppressions?.line !== line) lastSuppressions = { line, codes: opts.suppressionsAt(line) };
      return lastSuppressions.codes && [...lastSuppressions.codes];
    };
    const implicitOrigin: Location = { file: policy.file, line: 1, column: 1 };
    // Consecutive rules of one policy line (one per address and service) usually
    // have the same matches: they share one array, as they share its Match objects.
    let lastMatches: { core: Match[]; comment: Match | undefined; all: Match[] } | undefined;
    const push = (chain: ChainKey, core: Core, tgt: Target, pos: Location | undefined, what: string, user?: string): void => {
      // Plain assignments in a fixed order rather than object spreads: this runs for every generated rule.
      const rule = { loc: UNNUMBERED } as Rule;
      if (core.src) rule.src = core.src;
      if (core.dst) rule.dst = core.dst;
      if (core.inIface) rule.inIface = core.inIface;
      if (core.outIface) rule.outIface = core.outIface;
      if (core.proto) rule.proto = core.proto;
      const comment = srcComment(pos, what, user);
      if (lastMatches === undefined || lastMatches.core !== core.matches || lastMatches.comment !== comment)
        lastMatches = { core: core.matches, comment, all: comment ? [...core.matches, comment] : [...core.matches] };
      rule.matches = lastMatches.all;
      rule.target = tgt;
      if (pos) {
        rule.origin = pos;
        const sup = suppressionsAt(pos.line);
        if (sup) rule.suppressions = sup;
      } else {
        // An implicit default has no line of its own: findings about it point at the
        // top of the policy, never at a line of the generated output.
        rule.origin = implicitOrigin;
      }
      chains.get(chain)!.push(rule);
    };
    const logTarget = (prefix: string): Target => target('LOG', opt('log-prefix', prefix));
    const limitMatch = (): Match[] => (d.log ? [limitOf(d.log)] : [match('limit', opt('limit', '10/min'))]);

    // Head of each chain: loopback, established, ICMPv6 essentials, invalid.
    for (const chain of CHAINS) {
      const drops = d.policy[chain.toLowerCase() as 'input'] === 'drop';
      if (!drops) continue;
      if (d.loopback && chain === 'INPUT') push(chain, { inIface: negs.text('lo'), matches: [] }, verdicts.accept, d.pos.loopback, 'loopback');
      if (d.loopback && chain === 'OUTPUT') push(chain, { outIface: negs.text('lo'), matches: [] }, verdicts.accept, d.pos.loopback, 'loopback');
      if (d.established) push(chain, { matches: [match('conntrack', opt('ctstate', 'RELATED,ESTABLISHED'))] }, target('ACCEPT'), d.pos.established, 'established');
      // RFC 4890: neighbour discovery, PMTU discovery and error messages must pass,
      // or a default-DROP IPv6 host loses its neighbours. They go before the INVALID
      // drop because conntrack does not track neighbour discovery.
      if (family === 'ipv6')
        for (const e of ICMPV6_ESSENTIALS[chain]) {
          const m: Match[] = [match('icmp6', opt('icmpv6-type', e.type))];
          if (e.hopLimit255) m.push(match('hl', opt('hl-eq', '255')));
          push(chain, { ...(e.src ? { src: negs.text(e.src) } : {}), proto: negs.text('ipv6-icmp'), matches: m }, verdicts.accept, undefined, `icmpv6 ${e.name}`);
        }
      if (d.invalid) push(chain, { matches: [match('conntrack', opt('ctstate', 'INVALID'))] }, target('DROP'), d.pos.invalid, 'invalid');
    }

    // The policy's own rules, in file order. A call per rule rather than a loop
    // body here: V8 optimizes a function called for every rule after its first
    // few hundred calls, a loop inside this long-running call only by replacing
    // the frame it runs in, so the rules run unoptimized for longer.
    const emitRule = (r: ResolvedRule): boolean => {
      let emitted = false;
      const svcMatches = servicesOf(r, family);
      for (const s of r.sources)
        for (const t of r.destinations) {
          const chain: ChainKey = t.kind === 'self' ? 'INPUT' : s.kind === 'self' ? 'OUTPUT' : 'FORWARD';
          for (const core of expandPair(s, t, chain, svcMatches, family, negs)) {
            emitted = true;
            const user = r.comment?.text;
            if (r.log) push(chain, { ...core, matches: [...core.matches, ...limitMatch()] }, logTarget(r.log.prefix ?? `${r.action} ${base}:${r.pos.line}: `.slice(0, LIMITS.logPrefix)), r.pos, 'log', user);
            if (r.action === 'allow') push(chain, core, verdicts.accept, r.pos, r.action, user);
            else if (r.action === 'deny') push(chain, core, verdicts.drop, r.pos, r.action, user);
            else for (const tgt of rejectTargets(core, verdicts, negs)) push(chain, tgt.core, tgt.target, r.pos, r.action, user);
          }
        }
      return emitted;
    };
    policy.rules.forEach((r, i) => {
      if (emitRule(r)) produced[i] = 1;
    });

    // Tail: rate-limited LOG, then an explicit DROP, so the verdict is visible in the ruleset itself.
    for (const chain of CHAINS) {
      if (d.policy[chain.toLowerCase() as 'input'] !== 'drop') continue;
      if (d.log) push(chain, { matches: [limitOf(d.log)] }, logTarget(d.log.prefix), d.log.pos, 'log');
      push(chain, { matches: [] }, target('DROP'), d.pos[chain.toLowerCase() as 'input'], 'drop');
    }

    // Names the generated text, not the policy: lines here are lines of the compiled output.
    const file = `${base} (compiled ${family})`;
    const chainModels: Chain[] = CHAINS.map((name) => ({
      name,
      builtin: true,
      policy: d.policy[name.toLowerCase() as 'input'] === 'drop' ? 'DROP' : 'ACCEPT',
      counters: { packets: '0', bytes: '0' },
      rules: chains.get(name)!,
      loc: { file, line: 0, column: 1 },
    }));
    const rs: Ruleset = { family, file, tables: [{ name: 'filter', chains: chainModels, loc: { file, line: 1, column: 1 } }] };
    numberLines(rs);
    rulesets.push(rs);
  }

  policy.rules.forEach((r, i) => {
    if (produced[i]) return;
    diags.push(error(r.pos, `this rule produces no iptables rule: its sources, destinations and services have no address family in common (${policy.families.join(', ')})`));
  });
  checkLimits(policy, comments, base, diags);
  return { rulesets, diagnostics: diags };
}

/** Gives every chain and rule the line it will have in the printed output. */
function numberLines(rs: Ruleset): void {
  let line = 1;
  for (const t of rs.tables) {
    t.loc = { file: rs.file, line: line++, column: 1 };
    for (const c of t.chains) c.loc = { file: rs.file, line: line++, column: 1 };
    for (const c of t.chains) for (const r of c.rules) r.loc = { file: rs.file, line: line++, column: 1 };
    line++; // COMMIT
  }
}

function limitOf(log: NonNullable<ResolvedDefaults['log']>): Match {
  const unit = { second: 'sec', minute: 'min', hour: 'hour', day: 'day' }[log.limit.unit];
  const options = [opt('limit', `${log.limit.count}/${unit}`)];
  // iptables-save omits the default burst of 5.
  if (log.burst !== 5) options.push(opt('limit-burst', String(log.burst)));
  return match('limit', ...options);
}

type ServiceMatch = { proto?: string; matches: Match[] };

/**
 * What the rules generated from `r` match, one entry per service in `family`
 * (a single entry without a protocol when the rule names no service, none when
 * it names services of the other family only). Computed once per policy rule,
 * not once per source/destination pair.
 */
function servicesOf(r: ResolvedRule, family: Family): ServiceMatch[] {
  // A loop rather than filter() with a new closure per rule (see cidrsFor).
  const inFamily: ServiceSpec[] = [];
  for (const x of r.services) if (!x.family || x.family === family) inFamily.push(x);
  const services = uniqueServices(inFamily);
  if (r.services.length > 0 && services.length === 0) return [];
  return services.length ? serviceMatches(services) : [{ matches: [] }];
}

/** "Any" as the only element of an address or interface list; shared, as the lists are only read. */
const ANY: readonly undefined[] = Object.freeze([undefined]);

/** All (interface, address, service) combinations of one source/destination pair, in a stable order. */
function expandPair(s: Term, t: Term, chain: ChainKey, svcMatches: ServiceMatch[], family: Family, negs: NegCache): Core[] {
  const srcCidrs = cidrsFor(s, family);
  const dstCidrs = cidrsFor(t, family);
  if (srcCidrs === null || dstCidrs === null) return [];
  const inIfaces = chain !== 'OUTPUT' && s.kind === 'net' && s.ifaces ? s.ifaces : ANY;
  const outIfaces = chain !== 'INPUT' && t.kind === 'net' && t.ifaces ? t.ifaces : ANY;
  const out: Core[] = [];
  for (const src of srcCidrs)
    for (const dst of dstCidrs)
      for (const i of inIfaces)
        for (const o of outIfaces)
          for (const sv of svcMatches) {
            const core: Core = { matches: sv.matches };
            if (src) core.src = negs.cidr(src);
            if (dst) core.dst = negs.cidr(dst);
            if (i) core.inIface = negs.text(i);
            if (o) core.outIface = negs.text(o);
            if (sv.proto) core.proto = negs.text(sv.proto);
            out.push(core);
          }
  return out;
}

/** [undefined] for "any address", the family's CIDRs, or null when the term has none in this family. */
function cidrsFor(t: Term, family: Family): ReadonlyArray<Cidr | undefined> | null {
  if (t.kind !== 'net' || !t.cidrs) return ANY;
  // The term's own list when it is all in this family (the usual case): only read.
  // A loop rather than every() with a new closure: this runs twice per source and
  // destination pair, mostly before V8 has optimized it, where the array method's
  // call of a callback costs far more than the loop.
  let allInFamily = t.cidrs.length > 0;
  for (let i = 0; allInFamily && i < t.cidrs.length; i++) allInFamily = t.cidrs[i]!.family === family;
  if (allInFamily) return t.cidrs;
  const list = t.cidrs.filter((c) => c.family === family);
  return list.length ? list : null;
}

/** Services to `-p` plus matches; ports of one protocol share a multiport rule (at most 15 ports each). */
function serviceMatches(services: ServiceSpec[]): ServiceMatch[] {
  const out: ServiceMatch[] = [];
  // One service, what most rules name, has no ports of other services to join.
  if (services.length === 1) {
    const s = services[0]!;
    if (s.ports) addPortMatches(s.proto, dedupePorts(s.ports), out);
    else out.push(portlessMatch(s));
    return out;
  }
  const ported = new Map<string, Array<{ low: number; high: number }>>();
  const order: Array<{ proto: string; ports?: true; spec?: ServiceSpec }> = [];
  for (const s of services) {
    if (s.ports) {
      if (!ported.has(s.proto)) {
        ported.set(s.proto, []);
        order.push({ proto: s.proto, ports: true });
      }
      ported.get(s.proto)!.push(...s.ports);
    } else order.push({ proto: s.proto, spec: s });
  }
  for (const o of order) {
    if (o.ports) addPortMatches(o.proto, dedupePorts(ported.get(o.proto)!), out);
    else out.push(portlessMatch(o.spec!));
  }
  return out;
}

/** A service without ports: a protocol, or an ICMP type. */
function portlessMatch(s: ServiceSpec): ServiceMatch {
  if (s.icmpType === undefined) return { proto: s.proto, matches: [] };
  const m = s.proto === 'icmp' ? match('icmp', opt('icmp-type', s.icmpType)) : match('icmp6', opt('icmpv6-type', s.icmpType));
  return { proto: s.proto, matches: [m] };
}

/** The matches for `ports` of one protocol: one port or range, or multiport rules of at most 15 ports each. */
function addPortMatches(proto: string, ports: Array<{ low: number; high: number }>, out: ServiceMatch[]): void {
  const mod = proto; // tcp/udp/sctp/udplite/dccp each have a same-named match module
  if (ports.length === 1) {
    const p = ports[0]!;
    const full = p.low === 0 && p.high === 65535;
    // iptables-save prints no port option for the full range.
    out.push({ proto, matches: [match(mod, ...(full ? [] : [opt('dport', portText(p))]))] });
    return;
  }
  let chunk: string[] = [];
  let weight = 0;
  const flush = (): void => {
    if (chunk.length) out.push({ proto, matches: [match('multiport', opt('dports', chunk.join(',')))] });
    chunk = [];
    weight = 0;
  };
  for (const p of ports) {
    const w = p.low === p.high ? 1 : 2; // a range takes two of multiport's 15 slots
    if (weight + w > MULTIPORT_MAX) flush();
    chunk.push(portText(p));
    weight += w;
  }
  flush();
}

/** `icmp/3/4, icmp/fragmentation-needed` name the same packets: one rule, not two. */
function uniqueServices(list: ServiceSpec[]): ServiceSpec[] {
  if (list.length < 2) return list; // most rules name one service
  const seen = new Set<string>();
  return list.filter((s) => {
    const k = `${s.proto}|${s.icmpType ?? ''}|${(s.ports ?? []).map((p) => `${p.low}:${p.high}`).join(',')}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function dedupePorts(list: Array<{ low: number; high: number }>): Array<{ low: number; high: number }> {
  if (list.length < 2) return list;
  const seen = new Set<string>();
  return list.filter((p) => {
    const k = `${p.low}:${p.high}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function portText(p: { low: number; high: number }): string {
  return p.low === p.high ? String(p.low) : `${p.low}:${p.high}`;
}

interface VerdictTargets {
  accept: Target;
  drop: Target;
  /** REJECT for TCP. */
  reset: Target;
  /** REJECT for everything else. */
  unreachable: Target;
}

/**
 * allow -> ACCEPT, deny -> DROP, reject -> REJECT with tcp-reset for TCP and
 * port-unreachable otherwise. One object each, shared by every rule of the family.
 */
function verdictTargets(family: Family): VerdictTargets {
  return {
    accept: target('ACCEPT'),
    drop: target('DROP'),
    reset: target('REJECT', opt('reject-with', 'tcp-reset')),
    unreachable: target('REJECT', opt('reject-with', family === 'ipv4' ? 'icmp-port-unreachable' : 'icmp6-port-unreachable')),
  };
}

/** The REJECT rules of one reject core. */
function rejectTargets(core: Core, v: VerdictTargets, negs: NegCache): Array<{ core: Core; target: Target }> {
  if (core.proto?.value === 'tcp') return [{ core, target: v.reset }];
  if (core.proto) return [{ core, target: v.unreachable }];
  // All protocols: TCP gets a reset first, everything else an ICMP error.
  return [
    { core: { ...core, proto: negs.text('tcp') }, target: v.reset },
    { core, target: v.unreachable },
  ];
}

function checkLimits(policy: ResolvedPolicy, comments: boolean, base: string, diags: Diagnostic[]): void {
  for (const r of policy.rules) {
    if (r.comment) {
      const full = comments ? `${base}:${r.pos.line}: ${r.comment.text}` : r.comment.text;
      if (full.length > LIMITS.comment)
        diags.push(error(r.comment.pos, `the comment becomes ${full.length} characters with its source prefix; the kernel allows at most ${LIMITS.comment}`));
    }
    if (r.log?.prefix !== undefined && r.log.prefix.length > LIMITS.logPrefix)
      diags.push(error(r.log.prefixPos ?? r.log.pos, `log prefix is ${r.log.prefix.length} characters long; the kernel allows at most ${LIMITS.logPrefix}`));
  }
}
