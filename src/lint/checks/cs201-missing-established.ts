// CS201 missing-established: a filter chain that drops by default accepts a
// NEW connection, but the connection's later packets that reach this chain
// are dropped — the stateful "RELATED,ESTABLISHED accept" is missing.
//
// Exact and provable: the check takes example connections the ruleset
// certainly accepts (the first accepted NEW packet and one per ACCEPT rule; on
// a ruleset too large for the set of accepted NEW packets, one packet per
// ACCEPT rule that following it through the chain proves accepted) and
// builds, concretely, the packets of that connection that traverse the chain
// being checked:
// - FORWARD: the ESTABLISHED continuation (same direction) and the reply
//   (addresses, ports and interfaces swapped) of a NEW packet FORWARD accepts;
// - INPUT: the continuation of a NEW packet INPUT accepts, and the reply of a
//   NEW packet OUTPUT accepts (and OUTPUT the other way round).
// A finding needs one of those packets to be dropped whatever the unmodelled
// matches say (it is outside every possible accept). Connections whose only
// accepted NEW packets depend on an unmodelled match are not used.
//
// Only those few packets are followed through the ruleset (verdictBoundsWithin),
// never the verdict sets of every packet: on a 100,000-rule dump that is a few
// thousand box comparisons instead of a BDD of the whole ruleset.
import { catalogueEntry } from '../catalogue.js';
import { makeFinding } from '../finding.js';
import { dropsByDefault, isUnconditional } from '../rules.js';
import { chainPackets, decidedBy, endLoc, eachFilterChain, ifaceSet, packetText, sibling, stateSet, witness, type FilterChain } from '../../analysis/chain-facts.js';
import { matchOf } from '../../analysis/spaces.js';
import { targetKind } from '../../analysis/targets.js';
import { FALSE, type BddNode, type Packet } from '../../space/index.js';
import { boxWith, packetBox, STATE_BIT } from '../../analysis/box.js';
import { VerdictBudgetExceeded, type VerdictBounds } from '../../analysis/verdict.js';
import type { Check, Finding, LintContext } from '../types.js';
import type { Match, Table } from '../../ruleset/model.js';
import { lookupTable } from '../../lookup.js';

/** The chain whose accepted NEW packets have their replies in the given chain. */
const REPLIES_FROM: Readonly<Record<string, string>> = lookupTable({ FORWARD: 'FORWARD', INPUT: 'OUTPUT', OUTPUT: 'INPUT' });

/** ICMP query types whose answers conntrack counts as ESTABLISHED: request -> reply. */
const ICMP_REPLY: Readonly<Record<string, Readonly<Record<number, number>>>> = lookupTable<Readonly<Record<number, number>>>({
  icmp: { 8: 0, 13: 14, 15: 16, 17: 18 },
  'ipv6-icmp': { 128: 129 },
});

/** How many example connections per chain: one per ACCEPT rule, up to this many. */
const MAX_EXAMPLES = 64;

function established(p: Packet): Packet {
  const q: Packet = { ...p, state: 'established' };
  delete q.assumptions;
  if (p.tcpFlags !== undefined) q.tcpFlags = 'ACK';
  return q;
}

/** The first packet of the answer to p, or undefined for a protocol without answers (an ICMP error). */
function reply(p: Packet): Packet | undefined {
  const q = established(p);
  Object.assign(q, { in: p.out, out: p.in, src: p.dst, dst: p.src });
  if (p.sport !== undefined) Object.assign(q, { sport: p.dport, dport: p.sport });
  if (p.icmpType !== undefined) {
    const answer = ICMP_REPLY[p.proto]?.[p.icmpType];
    if (answer === undefined) return undefined;
    q.icmpType = answer;
  }
  return q;
}

/**
 * Nodes the exact set of accepted NEW packets may take before the check
 * samples instead (a large ruleset: 100,000 host rules need millions). The
 * largest corpus host needs 28,000.
 */
const EXACT_ACCEPTED_BUDGET = 60_000;

/**
 * Above this many rules reachable from the chain, the exact set is not tried:
 * it cannot fit the budget (100,000 host rules need millions of nodes), and
 * building the first 60,000 nodes of it only to throw them away costs more
 * than the sampling that follows. The largest corpus host has about 5,000 rules.
 */
const EXACT_ACCEPTED_MAX_RULES = 20_000;

/** How many rules the chain and the chains it jumps or goes to (transitively) hold. */
function rulesReachableFrom(ctx: LintContext, table: Table, chain: string): number {
  const graph = ctx.jumps(table);
  // By name once: a lookup per chain would be quadratic on dumps with thousands of chains.
  const sizes = new Map(table.chains.map((c) => [c.name, c.rules.length]));
  const seen = new Set<string>([chain]);
  const todo = [chain];
  let n = 0;
  for (let name = todo.pop(); name !== undefined; name = todo.pop()) {
    n += sizes.get(name) ?? 0;
    for (const j of graph.out.get(name) ?? []) {
      if (seen.has(j.to)) continue;
      seen.add(j.to);
      todo.push(j.to);
    }
  }
  return n;
}

/**
 * Example NEW packets `source` certainly accepts, as concrete packets of the
 * source chain. Where the set of accepted NEW packets is affordable: its first
 * packet and one inside each ACCEPT rule's match. Otherwise: the first NEW
 * packet and one packet of each ACCEPT rule's match (within what may enter its
 * chain), each kept only when following it through the chain proves it accepted.
 */
function acceptedNew(ctx: LintContext, source: FilterChain): Packet[] {
  const { sp, table, rs } = source;
  let base = sp.and(stateSet(sp, 'NEW'), chainPackets(sp, source.chain.name));
  // Loopback connections are CS207's business.
  base = sp.diff(sp.diff(base, ifaceSet(sp, 'in', 'lo')), ifaceSet(sp, 'out', 'lo'));
  if (sp.isEmpty(base)) return [];
  let accepted: BddNode | undefined;
  if (rulesReachableFrom(ctx, table, source.chain.name) <= EXACT_ACCEPTED_MAX_RULES) {
    try {
      accepted = source.boundsWithin(base, [boxWith({ stateMask: STATE_BIT.NEW! })], { maxNewNodes: EXACT_ACCEPTED_BUDGET, only: 'ACCEPT' }).certain.accept;
      if (sp.isEmpty(accepted)) return [];
    } catch (e) {
      if (!(e instanceof VerdictBudgetExceeded)) throw e;
    }
  }
  const region = accepted ?? base;
  const sets = [region];
  for (const chain of table.chains) {
    const entry = accepted !== undefined || chain.builtin ? sp.all() : ctx.analysis().chainEntry(rs, table, chain);
    for (const rule of chain.rules) {
      if (sets.length > MAX_EXAMPLES) break;
      const k = targetKind(rule, table);
      if (k.kind === 'verdict' && k.verdict === 'ACCEPT') sets.push(sp.and(sp.and(region, entry), matchOf(sp, rule).set));
    }
  }
  const examples = sets.map((s) => sp.example(s)).filter((p): p is Packet => p !== null && !p.assumptions);
  if (accepted !== undefined) return examples;
  const proven = boundsFor(source, examples, 'ACCEPT').certain.accept;
  return examples.filter((p) => sp.contains(proven, p) === 'yes');
}

/** The chain's verdict bounds for just these packets (followed forwards, skipping rules their boxes miss). */
function boundsFor(fc: FilterChain, packets: readonly Packet[], only?: 'ACCEPT'): VerdictBounds {
  const { sp } = fc;
  let set = FALSE;
  for (const p of packets) set = sp.or(set, sp.packetSet(p));
  return fc.boundsWithin(set, packets.map((p) => packetBox(p, fc.rs.family)), only ? { only } : {});
}

/** The first packet of an accepted connection that `fc` drops whatever the unmodelled matches say. */
function droppedFollowUp(ctx: LintContext, fc: FilterChain): { accepted: Packet; acceptedIn: string; dropped: Packet; what: string } | undefined {
  const { sp } = fc;
  const candidates: Array<{ accepted: Packet; acceptedIn: string; followUp: Packet; what: string }> = [];
  const add = (accepted: Packet, acceptedIn: string, followUp: Packet | undefined, what: string) => {
    if (!followUp) return;
    // The follow-up's interfaces as this chain sees them (INPUT has no output interface, OUTPUT no input).
    const q: Packet = { ...followUp };
    if (fc.chain.name === 'INPUT') q.out = '';
    if (fc.chain.name === 'OUTPUT') q.in = '';
    candidates.push({ accepted, acceptedIn, followUp: q, what });
  };
  const own = acceptedNew(ctx, fc);
  for (const p of own) add(p, fc.chain.name, established(p), 'the later packets of connections it accepts');
  const source = REPLIES_FROM[fc.chain.name]!;
  const from = source === fc.chain.name ? fc : sibling(ctx, fc, source);
  if (from) for (const p of from === fc ? own : acceptedNew(ctx, from)) add(p, source, reply(p), `the replies to connections ${source} accepts`);
  if (!candidates.length) return undefined;
  const mayAccept = boundsFor(fc, candidates.map((c) => c.followUp)).possible.accept;
  const c = candidates.find((x) => sp.contains(mayAccept, x.followUp) === 'no');
  return c && { accepted: c.accepted, acceptedIn: c.acceptedIn, dropped: c.followUp, what: c.what };
}

/** A match that holds for every ESTABLISHED packet whatever else it is: `-m conntrack --ctstate RELATED,ESTABLISHED` and the like. */
function matchesEveryEstablished(m: Match): boolean {
  if (m.module === 'comment') return true;
  if (m.module !== 'state' && m.module !== 'conntrack') return false;
  const stateOption = m.module === 'state' ? 'state' : 'ctstate';
  // One state list, not negated: it matches a packet whose state is any of the listed ones.
  return m.options.length === 1 && m.options[0]!.name === stateOption && !m.options[0]!.negated && m.options[0]!.args.length === 1 && m.options[0]!.args[0]!.toUpperCase().split(',').includes('ESTABLISHED');
}

/**
 * True when the chain accepts every ESTABLISHED packet before any rule can do
 * anything else with one: an `--ctstate ...ESTABLISHED... -j ACCEPT` with no
 * other condition, after nothing but ACCEPT rules and rules that take no packet
 * (LOG, no target). Every follow-up packet droppedFollowUp would build is
 * ESTABLISHED, so it is accepted there or earlier, and the check has nothing
 * to find; this is the usual stateful chain, and it needs no example
 * connections (on a 100,000-rule dump those cost a fifth of a second).
 */
function acceptsEstablishedFirst(fc: FilterChain): boolean {
  for (const rule of fc.chain.rules) {
    const k = targetKind(rule, fc.table);
    if (k.kind === 'continue') continue;
    if (k.kind !== 'verdict' || k.verdict !== 'ACCEPT') return false;
    if (isUnconditional(rule, matchesEveryEstablished)) return true;
  }
  return false;
}

function run(ctx: LintContext): Finding[] {
  const findings: Finding[] = [];
  eachFilterChain(ctx, ['INPUT', 'FORWARD', 'OUTPUT'], (fc) => {
    if (!dropsByDefault(fc.table, fc.chain)) return;
    if (acceptsEstablishedFirst(fc)) return;
    const hit = droppedFollowUp(ctx, fc);
    if (!hit) return;
    const w = witness(fc.sp, fc.sp.packetSet(hit.dropped));
    const where = w ? endLoc(fc, decidedBy(fc, w), (r) => ctx.ruleLoc(r), (c) => ctx.chainLoc(c)) : { loc: ctx.chainLoc(fc.chain) };
    findings.push(
      makeFinding(
        check,
        where.loc,
        `${fc.rs.family} ${fc.chain.name} drops ${hit.what}: ${hit.acceptedIn} accepts ${packetText(hit.accepted, hit.acceptedIn)} but ${fc.chain.name} drops ${packetText(hit.dropped, fc.chain.name)}; accept them first with '-A ${fc.chain.name} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT'`,
        where.rule ? { subject: where.rule } : {},
      ),
    );
  });
  return findings;
}

export const check: Check = { ...catalogueEntry('CS201'), needs: ['space'], run };
