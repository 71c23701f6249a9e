// What the verdict-based lint checks (CS201, CS202, CS205, CS207, CS208) share:
// the filter chains of each ruleset with their space and verdict sets, a few
// packet sets by field, example packets with the rule that decides them, and
// the one-line text of a packet for messages.
import type { Location } from '../diagnostics.js';
import { findChain, findTable, type Chain, type Rule, type Ruleset, type Table } from '../ruleset/model.js';
import { CT_STATES, PacketSpace, parseProtocol, type BddNode, type Packet } from '../space/index.js';
import type { LintContext } from '../lint/types.js';
import { coreOf, isEncoded, matchOf } from './spaces.js';
import { builtinVerdicts, verdictBoundsWithin, VerdictBudgetExceeded, type ChainVerdicts, type VerdictBounds } from './verdict.js';
import type { Verdict } from './targets.js';
import { cachedRuleBox, missesAll, type Box } from './box.js';
import { walkChain, type WalkEnd } from './walk.js';

export interface FilterChain {
  rs: Ruleset;
  table: Table;
  chain: Chain;
  sp: PacketSpace;
  /**
   * Verdict sets of the chain, computed on first use and shared by every check.
   * Throws VerdictBudgetExceeded when they are too large to compute exactly:
   * use eachFilterChain, which skips such a chain.
   */
  verdicts(): ChainVerdicts;
  /**
   * Bounds of the verdict sets inside an opaque-free `set` only: `certain`
   * (decided that way whatever the unmodelled matches say; a subset of
   * certainly(verdicts()) ∩ set) and `possible` (a superset of
   * possibly(verdicts()) ∩ set). Found by following those packets forwards
   * (verdictBoundsWithin): far cheaper when the set is a few example packets or
   * a set early rules decide. `hulls`, boxes that together hold `set`, let the
   * walk skip rules that cannot meet it; `only: V` stops it once nothing
   * more can be certain to get V (the other slots then say nothing). Throws
   * VerdictBudgetExceeded as verdicts() does.
   */
  boundsWithin(set: BddNode, hulls?: readonly Box[], opts?: { maxNewNodes?: number; only?: Verdict }): VerdictBounds;
}

/**
 * The most BDD nodes one chain's verdict sets may add. Hundreds of unmodelled
 * matches (TUM's `-m recent` and MAC rules) make exact verdict sets explode;
 * a chain over the budget is skipped by the verdict-based checks, which then
 * report nothing for it rather than something unproven.
 */
export const VERDICT_NODE_BUDGET = 1_000_000;

const shared = new WeakMap<PacketSpace, WeakMap<Table, Map<string, ChainVerdicts | VerdictBudgetExceeded>>>();

function sharedVerdicts(sp: PacketSpace, table: Table, name: string): ChainVerdicts {
  let byTable = shared.get(sp);
  if (!byTable) shared.set(sp, (byTable = new WeakMap()));
  let byChain = byTable.get(table);
  if (!byChain) byTable.set(table, (byChain = new Map()));
  let v = byChain.get(name);
  if (!v) {
    try {
      v = builtinVerdicts(sp, table, name, { maxNewNodes: VERDICT_NODE_BUDGET });
    } catch (e) {
      if (!(e instanceof VerdictBudgetExceeded)) throw e;
      v = e;
    }
    byChain.set(name, v);
  }
  if (v instanceof VerdictBudgetExceeded) throw v;
  return v;
}

function within(sp: PacketSpace, rs: Ruleset, table: Table, name: string, set: BddNode, hulls?: readonly Box[], opts: { maxNewNodes?: number; only?: Verdict } = {}): VerdictBounds {
  return verdictBoundsWithin(sp, table, name, hulls ? { set, skip: missesAll(hulls, rs.family) } : { set }, { maxNewNodes: opts.maxNewNodes ?? VERDICT_NODE_BUDGET, ...(opts.only ? { only: opts.only } : {}) });
}

/** Runs `fn` for each chain of filterChains, skipping (soundly) a chain whose verdict sets are over budget. */
export function eachFilterChain<T>(ctx: Pick<LintContext, 'rulesets' | 'analysis'>, names: readonly string[], fn: (fc: FilterChain) => T | undefined): T[] {
  const out: T[] = [];
  for (const fc of filterChains(ctx, names)) {
    try {
      const r = fn(fc);
      if (r !== undefined) out.push(r);
    } catch (e) {
      if (!(e instanceof VerdictBudgetExceeded)) throw e;
    }
  }
  return out;
}

/**
 * The named built-in chains of every linted ruleset's filter table (those that
 * exist), on the lint run's shared packet space.
 */
export function filterChains(ctx: Pick<LintContext, 'rulesets' | 'analysis'>, names: readonly string[], only?: Ruleset): FilterChain[] {
  const out: FilterChain[] = [];
  for (const rs of ctx.rulesets) {
    if (only && rs !== only) continue;
    const table = findTable(rs, 'filter');
    if (!table) continue;
    for (const name of names) {
      const chain = findChain(table, name);
      if (!chain || !chain.builtin) continue;
      const sp = ctx.analysis().space(rs.family);
      out.push({ rs, table, chain, sp, verdicts: () => sharedVerdicts(sp, table, name), boundsWithin: (set, hulls, opts) => within(sp, rs, table, name, set, hulls, opts) });
    }
  }
  return out;
}

/** The filter chain of the same ruleset with another name, for replies that cross chains. */
export function sibling(ctx: Pick<LintContext, 'rulesets' | 'analysis'>, fc: FilterChain, name: string): FilterChain | undefined {
  return filterChains(ctx, [name], fc.rs)[0];
}

// ---- sets by field ------------------------------------------------------------

export function stateSet(sp: PacketSpace, ...states: Array<(typeof CT_STATES)[number]>): BddNode {
  return sp.fieldIn('state', states.map((s) => CT_STATES.indexOf(s)));
}

export function protoSet(sp: PacketSpace, name: string): BddNode {
  const n = parseProtocol(name);
  return n === null || n === undefined ? sp.all() : sp.and(sp.all(), sp.fieldEquals('proto', n));
}

/** Packets arriving on (field 'in') or leaving by ('out') an interface text such as `lo` or `eth+`. */
export function ifaceSet(sp: PacketSpace, field: 'in' | 'out', text: string): BddNode {
  return sp.and(sp.all(), sp.interfaceSet(field, text));
}

/**
 * The interface fields a packet in this chain really has: INPUT packets have
 * no output interface and OUTPUT packets no input interface (the kernel
 * refuses `-o` in INPUT and `-i` in OUTPUT), modelled as the empty name;
 * FORWARD packets never use lo.
 */
export function chainPackets(sp: PacketSpace, chainName: string): BddNode {
  if (chainName === 'INPUT') return ifaceSet(sp, 'out', '');
  if (chainName === 'OUTPUT') return ifaceSet(sp, 'in', '');
  // The kernel never forwards through lo (it drops such packets as martians).
  return sp.diff(sp.diff(sp.all(), ifaceSet(sp, 'in', 'lo')), ifaceSet(sp, 'out', 'lo'));
}

// ---- examples ---------------------------------------------------------------

export interface Witness {
  packet: Packet;
  /** The example's variable assignment (unmodelled matches hold where they can). */
  bits: Uint8Array;
}

/** One readable packet of the set, with its bits; null for the empty set. */
export function witness(sp: PacketSpace, set: BddNode): Witness | null {
  const packet = sp.example(set);
  if (!packet) return null;
  const exact = sp.and(set, sp.packetSet(packet));
  const bits = sp.bdd.pick(exact, (v) => v >= sp.firstOpaque)!;
  return { packet, bits };
}

/** Which rule (or the policy) decides the example packet in the chain. */
export function decidedBy(fc: FilterChain, w: Witness): WalkEnd {
  return walkChain(fc.table, fc.chain, (rule) => fc.sp.bdd.evaluate(exampleMatch(fc.sp, rule), w.bits)).end;
}

/**
 * The set to test an example's bits against. The example prefers unmodelled
 * predicates true (witness()); an opaque-only rule not encoded yet has no
 * variables in the bits, so its predicates count as true: its box's packets.
 */
function exampleMatch(sp: PacketSpace, rule: Rule): BddNode {
  if (cachedRuleBox(rule, sp.family).opaqueOnly && !isEncoded(sp, rule)) return coreOf(sp, rule);
  return matchOf(sp, rule).set;
}

/** Where to report a finding about what decides a packet: the deciding rule, or the chain's policy. */
export function endLoc(fc: FilterChain, end: WalkEnd, ruleLoc: (r: Rule) => Location, chainLoc: (c: Chain) => Location): { loc: Location; rule?: Rule } {
  if (end.by === 'rule') return { loc: ruleLoc(end.rule), rule: end.rule };
  return { loc: chainLoc(fc.chain) };
}

/**
 * `NEW tcp 10.0.0.1:40000 -> 10.0.0.2:22 in eth0 out br0.10`. Interfaces a
 * packet of the chain does not have are left out (INPUT: out, OUTPUT: in).
 */
export function packetText(p: Packet, chainName?: string): string {
  const port = (a: string, n: number | undefined) => (n === undefined ? a : a.includes(':') ? `[${a}]:${n}` : `${a}:${n}`);
  let s = `${p.state.toUpperCase()} ${p.proto} ${port(p.src, p.sport)} -> ${port(p.dst, p.dport)}`;
  if (p.icmpType !== undefined) s += ` type ${p.icmpType}${p.icmpCode ? `/${p.icmpCode}` : ''}`;
  if (p.in && chainName !== 'OUTPUT') s += ` in ${p.in}`;
  if (p.out && chainName !== 'INPUT') s += ` out ${p.out}`;
  if (p.assumptions?.length) s += ` (assuming ${p.assumptions.join(', ')})`;
  return s;
}
