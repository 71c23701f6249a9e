// CS201 missing-established: a filter chain that drops by default accepts a
// NEW connection, but the connection's later packets that reach this chain
// are dropped — the stateful "RELATED,ESTABLISHED accept" is missing.
//
// Exact and provable: the check takes example connections the ruleset
// certainly accepts (one per ACCEPT rule, plus the first accepted NEW packet)
// and builds, concretely, the packets of that connection that traverse the
// chain being checked:
// - FORWARD: the ESTABLISHED continuation (same direction) and the reply
//   (addresses, ports and interfaces swapped) of a NEW packet FORWARD accepts;
// - INPUT: the continuation of a NEW packet INPUT accepts, and the reply of a
//   NEW packet OUTPUT accepts (and OUTPUT the other way round).
// A finding needs one of those packets to be dropped whatever the unmodelled
// matches say (it is outside every possible accept). Connections whose only
// accepted NEW packets depend on an unmodelled match are not used.
import { catalogueEntry } from '../catalogue.js';
import { makeFinding } from '../finding.js';
import { dropsByDefault } from '../rules.js';
import { chainPackets, decidedBy, endLoc, eachFilterChain, ifaceSet, packetText, sibling, stateSet, witness, type FilterChain } from '../../analysis/chain-facts.js';
import { matchOf } from '../../analysis/spaces.js';
import { targetKind } from '../../analysis/targets.js';
import type { Packet } from '../../space/index.js';
import type { Check, Finding, LintContext } from '../types.js';

/** The chain whose accepted NEW packets have their replies in the given chain. */
const REPLIES_FROM: Readonly<Record<string, string>> = { FORWARD: 'FORWARD', INPUT: 'OUTPUT', OUTPUT: 'INPUT' };

/** ICMP query types whose answers conntrack counts as ESTABLISHED: request -> reply. */
const ICMP_REPLY: Readonly<Record<string, Readonly<Record<number, number>>>> = {
  icmp: { 8: 0, 13: 14, 15: 16, 17: 18 },
  'ipv6-icmp': { 128: 129 },
};

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

/** Example NEW packets `source` certainly accepts, as concrete packets of the source chain. */
function acceptedNew(source: FilterChain): Packet[] {
  const { sp, table } = source;
  let accepted = sp.and(sp.and(sp.certainly(source.verdicts().accept), stateSet(sp, 'NEW')), chainPackets(sp, source.chain.name));
  // Loopback connections are CS207's business.
  accepted = sp.diff(sp.diff(accepted, ifaceSet(sp, 'in', 'lo')), ifaceSet(sp, 'out', 'lo'));
  if (sp.isEmpty(accepted)) return [];
  const sets = [accepted];
  for (const chain of table.chains)
    for (const rule of chain.rules) {
      if (sets.length > MAX_EXAMPLES) break;
      const k = targetKind(rule, table);
      if (k.kind === 'verdict' && k.verdict === 'ACCEPT') sets.push(sp.and(accepted, matchOf(sp, rule).set));
    }
  return sets.map((s) => sp.example(s)).filter((p): p is Packet => p !== null && !p.assumptions);
}

/** The first packet of an accepted connection that `fc` drops whatever the unmodelled matches say. */
function droppedFollowUp(ctx: LintContext, fc: FilterChain): { accepted: Packet; acceptedIn: string; dropped: Packet; what: string } | undefined {
  const { sp } = fc;
  const mayAccept = sp.possibly(fc.verdicts().accept);
  const candidates: Array<{ accepted: Packet; acceptedIn: string; followUp: Packet | undefined; what: string }> = [];
  const own = acceptedNew(fc);
  for (const p of own) candidates.push({ accepted: p, acceptedIn: fc.chain.name, followUp: established(p), what: 'the later packets of connections it accepts' });
  const source = REPLIES_FROM[fc.chain.name]!;
  const from = source === fc.chain.name ? fc : sibling(ctx, fc, source);
  if (from) for (const p of from === fc ? own : acceptedNew(from)) candidates.push({ accepted: p, acceptedIn: source, followUp: reply(p), what: `the replies to connections ${source} accepts` });
  for (const c of candidates) {
    if (!c.followUp) continue;
    // The follow-up's interfaces as this chain sees them (INPUT has no output interface, OUTPUT no input).
    const q: Packet = { ...c.followUp };
    if (fc.chain.name === 'INPUT') q.out = '';
    if (fc.chain.name === 'OUTPUT') q.in = '';
    if (sp.contains(mayAccept, q) === 'no') return { accepted: c.accepted, acceptedIn: c.acceptedIn, dropped: q, what: c.what };
  }
  return undefined;
}

function run(ctx: LintContext): Finding[] {
  const findings: Finding[] = [];
  eachFilterChain(ctx, ['INPUT', 'FORWARD', 'OUTPUT'], (fc) => {
    if (!dropsByDefault(fc.table, fc.chain)) return;
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
