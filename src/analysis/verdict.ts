// Verdict sets: which packets a chain accepts, drops, rejects, or leaves to
// something we do not model — as a partition of the packet space.
//
// Built BACKWARDS over the rules: the outcome after the last rule is the
// continuation (the policy for a built-in chain, "return to the caller" for a
// user chain), and rule i turns the outcome of rules i+1.. into
//     out_i = ite(match_i, effect_i, out_{i+1})
// for each outcome. An ITE with a rule's match touches only the part of the
// later outcome under that match (a cube, for most rules), so a rule costs
// about the size of its own set, not of everything before it. The forward
// alternative ("packets no earlier rule took") drags the union of all earlier
// rules along and is quadratic on large rulesets.
//
// User chains are computed once per (space, table) and composed where they
// are entered (see jumpEffect/gotoEffect). Targets follow targets.ts. A user
// chain of another table in the same space with the very same Rule objects,
// target kinds and (node-identical) callee outcomes has the same outcome, and
// is reused instead of recomputed (see reusedOutcome): the semantic diff
// shares OLD's Rule objects with NEW, so only the chains a change touches are
// walked twice.
//
// Soundness: packets entering a chain that does not exist or that is already
// being evaluated (a jump cycle; the kernel refuses to load those, but a dump
// may still contain one), or a target whose outcome is decided outside the
// ruleset (QUEUE), land in `unknown`. Unmodelled matches are opaque BDD
// variables, so outcomes that depend on them say so (sp.certainly/possibly).
import type { Chain, Rule, Table } from '../ruleset/model.js';
import { FALSE, type BddNode, type PacketSpace } from '../space/index.js';
import { BddNodeLimitExceeded } from '../space/bdd.js';
import { matchBounds, matchOf } from './spaces.js';
import { targetKind, type TargetKind, type Verdict } from './targets.js';

export interface ChainVerdicts {
  accept: BddNode;
  drop: BddNode;
  reject: BddNode;
  /** Decided by something the analysis does not model: QUEUE, a jump cycle, a missing chain. */
  unknown: BddNode;
  /** Why `unknown` is not empty (e.g. "-A INPUT -j NOPE: chain NOPE does not exist"); absent when it is. */
  approximate?: string[];
}

/** A user chain's outcome: ChainVerdicts plus the packets that RETURN or fall off its end. */
export interface ChainOutcome extends ChainVerdicts {
  ret: BddNode;
}

// Outcome slots, as an array for the inner loop.
/**
 * Thrown when a verdict computation grows the BDD by more than its budget.
 * Unmodelled matches (each an opaque variable at the bottom of the order) can
 * make the exact verdict sets of a large ruleset explode; a check that gets this
 * skips the chain: it reports nothing rather than something unproven.
 */
export class VerdictBudgetExceeded extends Error {
  constructor(readonly chain: string, readonly nodes: number) {
    super(`verdict sets of ${chain} need more than ${nodes} BDD nodes`);
    this.name = 'VerdictBudgetExceeded';
  }
}

export interface VerdictOptions {
  /** The most BDD nodes the computation may add; unlimited when absent. */
  maxNewNodes?: number;
  /**
   * Compute the verdict sets only inside this set of packets: every set
   * returned is the full answer intersected with `within.set`. The semantic
   * diff uses it to look only where a change can matter. `skip(rule)` may
   * return true only for a rule whose match set provably misses `within.set`
   * (it saves encoding the rule).
   */
  within?: Within;
}

export interface Within {
  set: BddNode;
  skip?: (rule: Rule) => boolean;
}

const ACCEPT = 0;
const DROP = 1;
const REJECT = 2;
const UNKNOWN = 3;
const RET = 4;
const SLOTS = 5;
type Slots = BddNode[];

const VERDICT_SLOT: Readonly<Record<Verdict, number>> = { ACCEPT, DROP, REJECT, UNKNOWN };

/** A user chain's computed outcome, with what it was computed from (for reuse in another table). */
interface ChainEntry {
  slots: Slots;
  notes: string[];
  rules: readonly Rule[];
  /** targetKind of each rule in the table it was computed in. */
  kinds: TargetKind[];
  /** The callees the walk resolved, in walk order; an undefined entry (missing chain, cycle) makes the entry non-reusable. */
  calls: Array<{ index: number; entry: ChainEntry | undefined }>;
}

interface TableState {
  done: Map<string, ChainEntry>;
  inProgress: Set<string>;
}

/** Finished user chains per space, by universe, table and chain name: the candidates for reuse across tables. */
const finished = new WeakMap<PacketSpace, Map<string, ChainEntry[]>>();

function finishedList(sp: PacketSpace, tableName: string, chainName: string): ChainEntry[] {
  let bySpace = finished.get(sp);
  if (!bySpace) finished.set(sp, (bySpace = new Map()));
  const key = `${current.set}\u0000${tableName}\u0000${chainName}`;
  let list = bySpace.get(key);
  if (!list) bySpace.set(key, (list = []));
  return list;
}

/** Memo per space, universe (`within.set`, or -1 for all packets) and table. */
const states = new WeakMap<PacketSpace, Map<BddNode, WeakMap<Table, TableState>>>();

function tableState(sp: PacketSpace, table: Table): TableState {
  let byUniverse = states.get(sp);
  if (!byUniverse) states.set(sp, (byUniverse = new Map()));
  let byTable = byUniverse.get(current.set);
  if (!byTable) byUniverse.set(current.set, (byTable = new WeakMap()));
  let st = byTable.get(table);
  if (!st) byTable.set(table, (st = { done: new Map(), inProgress: new Set() }));
  return st;
}

/**
 * The verdict of every packet traversing a built-in chain, after its policy.
 * A missing chain behaves like an empty chain with policy ACCEPT (what the
 * kernel does when the table does not filter that hook). For a user chain,
 * packets that would return to a caller are counted as `unknown`.
 */
export function builtinVerdicts(sp: PacketSpace, table: Table, chainName: string, opts: VerdictOptions = {}): ChainVerdicts {
  budget = opts.maxNewNodes === undefined ? undefined : { limit: sp.bdd.nodeCount + opts.maxNewNodes, chain: chainName };
  current = opts.within ?? EVERYTHING;
  try {
    // The limit is enforced where nodes are made: a single composition with a
    // large callee can build millions of nodes, and the budget exists to stop it early.
    return budget ? sp.bdd.withNodeLimit(budget.limit, () => builtinVerdictsWithin(sp, table, chainName)) : builtinVerdictsWithin(sp, table, chainName);
  } catch (e) {
    const over = e instanceof BddNodeLimitExceeded && budget ? new VerdictBudgetExceeded(budget.chain, budget.limit) : e;
    // A half-finished walk leaves user chains marked in progress: forget this table's memo.
    if (over instanceof VerdictBudgetExceeded) states.get(sp)?.get(current.set)?.delete(table);
    throw over;
  } finally {
    budget = undefined;
    current = EVERYTHING;
  }
}

/** The universe of the computation under way; `set` -1 stands for all packets of the space. */
const EVERYTHING: Within = { set: -1 };
let current: Within = EVERYTHING;

/** Every packet of the universe under way. */
function universe(sp: PacketSpace): BddNode {
  return current === EVERYTHING ? sp.all() : current.set;
}

/** The budget of the computation under way (verdicts are computed synchronously, one at a time). */
let budget: { limit: number; chain: string } | undefined;

function builtinVerdictsWithin(sp: PacketSpace, table: Table, chainName: string): ChainVerdicts {
  const chain = table.chains.find((c) => c.name === chainName);
  if (!chain) return { accept: universe(sp), drop: FALSE, reject: FALSE, unknown: FALSE };
  const notes: string[] = [];
  const continuation = chain.builtin ? policySlot(chain, notes) : UNKNOWN;
  if (!chain.builtin) notes.push(`${chain.name} is a user chain: packets it returns are counted as unknown`);
  const slots = evaluateChain(sp, table, chain, continuation, notes, [], []);
  return toVerdicts(sp, slots, notes);
}

/** A user chain's outcome on its own, RETURN and fall-off in `ret` (memoized per space and table). */
export function userChainOutcome(sp: PacketSpace, table: Table, chainName: string): ChainOutcome {
  const st = tableState(sp, table);
  const entry = userChain(sp, table, st, chainName);
  const v = toVerdicts(sp, entry?.slots ?? missingChain(sp), entry?.notes ?? [`chain ${chainName} does not exist`]);
  return { ...v, ret: entry?.slots[RET] ?? FALSE };
}

function toVerdicts(sp: PacketSpace, s: Slots, notes: string[]): ChainVerdicts {
  const v: ChainVerdicts = { accept: s[ACCEPT]!, drop: s[DROP]!, reject: s[REJECT]!, unknown: s[UNKNOWN]! };
  if (!sp.isEmpty(v.unknown)) v.approximate = [...new Set(notes)];
  return v;
}

function policySlot(chain: Chain, notes: string[]): number {
  if (chain.policy === 'ACCEPT') return ACCEPT;
  if (chain.policy === 'DROP') return DROP;
  notes.push(`${chain.name}: policy ${chain.policy ?? '(none)'} is not ACCEPT or DROP`);
  return UNKNOWN;
}

function missingChain(sp: PacketSpace): Slots {
  const s: Slots = new Array<BddNode>(SLOTS).fill(FALSE);
  s[UNKNOWN] = universe(sp);
  return s;
}

/** A user chain's slots, computed once; undefined when the chain is missing or on the current jump path. */
function userChain(sp: PacketSpace, table: Table, st: TableState, name: string): ChainEntry | undefined {
  const done = st.done.get(name);
  if (done) return done;
  const chain = table.chains.find((c) => c.name === name && !c.builtin);
  if (!chain || st.inProgress.has(name)) return undefined;
  st.inProgress.add(name);
  const candidates = finishedList(sp, table.name, name);
  let entry: ChainEntry | undefined;
  for (const c of candidates) if ((entry = reusedOutcome(sp, table, st, chain, c))) break;
  if (!entry) {
    const notes: string[] = [];
    const kinds: TargetKind[] = [];
    const calls: ChainEntry['calls'] = [];
    entry = { slots: evaluateChain(sp, table, chain, RET, notes, kinds, calls), notes, rules: chain.rules, kinds, calls };
    candidates.push(entry);
  }
  st.inProgress.delete(name);
  st.done.set(name, entry);
  return entry;
}

/**
 * `prev`'s outcome for `chain` of `table` when it is provably the same, else
 * undefined. evaluateChain is a function of the rule objects (their matches
 * are memoized per space and rule), their target kinds and the callees' slots,
 * so equal inputs give equal slots and notes. The callees are resolved in the
 * order the walk would resolve them (the same rules, the same matches), so a
 * fallback to evaluateChain after a failed check sees the memo it would have
 * built itself.
 */
function reusedOutcome(sp: PacketSpace, table: Table, st: TableState, chain: Chain, prev: ChainEntry): ChainEntry | undefined {
  const rules = chain.rules;
  if (prev.rules.length !== rules.length) return undefined;
  for (let i = 0; i < rules.length; i++) if (prev.rules[i] !== rules[i]) return undefined;
  const kinds: TargetKind[] = new Array<TargetKind>(rules.length);
  for (let i = 0; i < rules.length; i++) {
    const k = targetKind(rules[i]!, table);
    if (!sameKind(k, prev.kinds[i]!)) return undefined;
    kinds[i] = k;
  }
  const calls: ChainEntry['calls'] = [];
  for (const call of prev.calls) {
    if (!call.entry) return undefined;
    const k = kinds[call.index]!;
    const entry = userChain(sp, table, st, (k as { chain: string }).chain);
    if (!entry || !sameOutcome(entry, call.entry)) return undefined;
    calls.push({ index: call.index, entry });
  }
  return { slots: prev.slots, notes: prev.notes, rules, kinds, calls };
}

function sameKind(a: TargetKind, b: TargetKind): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'verdict') return a.verdict === (b as typeof a).verdict;
  if (a.kind === 'jump' || a.kind === 'goto') return a.chain === (b as typeof a).chain;
  return true;
}

function sameOutcome(a: ChainEntry, b: ChainEntry): boolean {
  for (let s = 0; s < SLOTS; s++) if (a.slots[s] !== b.slots[s]) return false;
  return a.notes.length === b.notes.length && a.notes.every((n, i) => n === b.notes[i]);
}

/**
 * The chain's outcome, backwards from `continuation` (the slot that packets
 * returning or falling off the end take: the policy, or RET for a user chain).
 *
 * The continuation slot is kept implicit during the walk — it is "every packet
 * no other slot has" — and computed once at the end. In the common chain
 * (ACCEPT rules, DROP policy) that halves the work: each rule updates one set
 * instead of two complementary ones.
 */
function evaluateChain(
  sp: PacketSpace,
  table: Table,
  chain: Chain,
  continuation: number,
  notes: string[],
  kinds: TargetKind[],
  calls: ChainEntry['calls'],
): Slots {
  const st = tableState(sp, table);
  const out: Slots = new Array<BddNode>(SLOTS).fill(FALSE);
  const b = sp.bdd;
  for (let i = chain.rules.length - 1; i >= 0; i--) {
    if (budget && b.nodeCount > budget.limit) throw new VerdictBudgetExceeded(budget.chain, budget.limit);
    const rule = chain.rules[i]!;
    const kind = targetKind(rule, table);
    kinds[i] = kind;
    if (kind.kind === 'continue') continue;
    if (current.skip?.(rule)) continue;
    // Encoded outside the limit: an encoding cut short would have allocated
    // fresh opaque variables that the rule's memoized encoding would not use.
    let m = b.withNodeLimit(Infinity, () => matchOf(sp, rule)).set;
    if (current !== EVERYTHING) m = b.and(m, current.set);
    if (m === FALSE) continue;
    if (kind.kind === 'verdict') takeAll(sp, out, m, VERDICT_SLOT[kind.verdict], continuation);
    else if (kind.kind === 'return') takeAll(sp, out, m, continuation, continuation);
    else {
      const callee = userChain(sp, table, st, kind.chain);
      calls.push({ index: i, entry: callee });
      if (!callee) {
        const why = table.chains.some((c) => c.name === kind.chain) ? 'it is part of a jump cycle' : 'it does not exist';
        notes.push(`${rule.text ?? `${chain.name} rule ${i + 1}`}: chain ${kind.chain} cannot be followed (${why})`);
        takeAll(sp, out, m, UNKNOWN, continuation);
        continue;
      }
      if (callee.notes.length) notes.push(...callee.notes);
      const u = callee.slots;
      // Callee slots partition all packets, so updating the explicit slots
      // keeps the implicit continuation slot right as well.
      if (kind.kind === 'goto') {
        // The callee's returns end this chain too: they take this chain's continuation.
        for (let s = 0; s < SLOTS; s++) {
          if (s === continuation) continue;
          const effect = s === RET ? FALSE : u[s]!;
          if (effect !== FALSE || out[s] !== FALSE) out[s] = b.ite(m, effect, out[s]!);
        }
      } else {
        // Packets the callee returns continue with the next rule: only the rest is decided by it.
        const taken = sp.diff(m, u[RET]!);
        if (taken === FALSE) continue;
        for (let s = 0; s < SLOTS; s++) {
          if (s === continuation) continue;
          const effect = s === RET ? FALSE : u[s]!;
          if (effect !== FALSE || out[s] !== FALSE) out[s] = b.ite(taken, effect, out[s]!);
        }
      }
    }
  }
  let rest = universe(sp);
  for (let s = 0; s < SLOTS; s++) if (s !== continuation && out[s] !== FALSE) rest = sp.diff(rest, out[s]!);
  out[continuation] = rest;
  return out;
}

/** A rule with a terminal effect: its packets all go to `slot`, whatever later rules would do. */
function takeAll(sp: PacketSpace, out: Slots, m: BddNode, slot: number, implicit: number): void {
  for (let s = 0; s < SLOTS; s++) {
    if (s === implicit) continue;
    if (s === slot) out[s] = sp.or(m, out[s]!);
    else if (out[s] !== FALSE) out[s] = sp.diff(out[s]!, m);
  }
}

/**
 * Nodes the forward walk (verdictBoundsWithin) may add before it switches to
 * the backward computation: forwards, the packets still in play drag the union
 * of every earlier rule along, which is cheap while that set stays small (a
 * few example packets, "every INVALID packet" in a chain that drops INVALID
 * early) and quadratic when it does not.
 */
const FORWARD_NODE_BUDGET = 200_000;

// ---- forwards, with bounds instead of opaque variables ------------------------------

/**
 * Two approximations of the verdict sets inside an opaque-free set of packets:
 * `certain` (a subset of what the chain decides that way whatever the
 * unmodelled matches say: certainly(exact) ∩ set) and `possible` (a superset of
 * possibly(exact) ∩ set). On a ruleset without unmodelled matches both are
 * exactly builtinVerdicts(..., { within }).
 */
export interface VerdictBounds {
  certain: ChainVerdicts;
  possible: ChainVerdicts;
}

export interface BoundsOptions {
  maxNewNodes?: number;
  forwardNodeBudget?: number;
  /**
   * Only `certain[verdict]` is wanted: the walk may stop once nothing more can
   * become certain for it, and the other slots of the result are then the
   * whole set (`possible`) and nothing (`certain`), which is still true of them.
   */
  only?: Verdict;
}

/**
 * VerdictBounds, walking forwards with two sets in play: the packets that
 * reach a point whatever the unmodelled matches say (`must`) and those that
 * reach it for some of their values (`may`). Each rule is taken by its
 * matchBounds (surely, maybe), so no opaque variable enters a set: on the TUM
 * firewall, where one `-m recent` rule may drop any packet, a question about
 * certain acceptance is settled there instead of carrying 1,650 MAC
 * predicates along. A packet is certain to get verdict V when `must` takes it
 * to V, or when no other verdict can possibly take it (paths that differ with
 * the unmodelled matches but all end alike). Each occurrence of a predicate
 * counts as independent of the others, which is where the bounds can be
 * looser than certainly()/possibly() of the exact sets; never the wrong way.
 * Over the forward budget it falls back to the exact backward sets, bounded
 * with certainly()/possibly().
 */
export function verdictBoundsWithin(sp: PacketSpace, table: Table, chainName: string, within: Within, opts: BoundsOptions = {}): VerdictBounds {
  const chain = table.chains.find((c) => c.name === chainName);
  const set = sp.and(within.set, sp.all());
  if (!chain) {
    const v: ChainVerdicts = { accept: set, drop: FALSE, reject: FALSE, unknown: FALSE };
    return { certain: v, possible: v };
  }
  const b = sp.bdd;
  const outer = opts.maxNewNodes === undefined ? Infinity : b.nodeCount + opts.maxNewNodes;
  const limit = Math.min(outer, b.nodeCount + (opts.forwardNodeBudget ?? FORWARD_NODE_BUDGET));
  try {
    return b.withNodeLimit(limit, () => boundsFrom(sp, table, chain, set, within.skip, opts.only));
  } catch (e) {
    if (!(e instanceof BddNodeLimitExceeded)) throw e;
    if (b.nodeCount >= outer) throw new VerdictBudgetExceeded(chainName, outer);
    const rest = opts.maxNewNodes === undefined ? {} : { maxNewNodes: outer - b.nodeCount };
    const v = builtinVerdicts(sp, table, chainName, { ...rest, within: { set, ...(within.skip ? { skip: within.skip } : {}) } });
    const bound = (f: (x: BddNode) => BddNode): ChainVerdicts => ({ ...v, accept: f(v.accept), drop: f(v.drop), reject: f(v.reject), unknown: f(v.unknown) });
    return { certain: bound((x) => sp.certainly(x)), possible: bound((x) => sp.possibly(x)) };
  }
}

/** The walk's shared state (see boundsChain). */
interface BoundsWalk {
  sp: PacketSpace;
  table: Table;
  certain: Slots;
  possible: Slots;
  notes: string[];
  path: Set<string>;
  skip: ((rule: Rule) => boolean) | undefined;
  /** Checked between the rules of the built-in chain: true ends the walk. */
  settled: (must: BddNode) => boolean;
  stopped: boolean;
}

function boundsFrom(sp: PacketSpace, table: Table, chain: Chain, set: BddNode, skip: ((rule: Rule) => boolean) | undefined, only: Verdict | undefined): VerdictBounds {
  const w: BoundsWalk = {
    sp,
    table,
    certain: new Array<BddNode>(SLOTS).fill(FALSE),
    possible: new Array<BddNode>(SLOTS).fill(FALSE),
    notes: [],
    path: new Set(),
    skip,
    settled: () => false,
    stopped: false,
  };
  if (only !== undefined) {
    // Nothing more can become certain for `only` once no packet is sure to go on
    // and the other verdicts may take every packet of the set.
    const v = VERDICT_SLOT[only];
    w.settled = (must) => {
      if (must !== FALSE) return false;
      let others: BddNode = FALSE;
      for (let x = 0; x < RET; x++) if (x !== v) others = sp.or(others, w.possible[x]!);
      return sp.implies(set, others);
    };
  }
  const [mustEnd, mayEnd] = boundsChain(w, chain, set, set, true);
  const { certain, possible, notes } = w;
  if (w.stopped) {
    const v = VERDICT_SLOT[only!];
    const c: Slots = new Array<BddNode>(SLOTS).fill(FALSE);
    c[v] = certain[v]!;
    return { certain: toVerdicts(sp, c, []), possible: { accept: set, drop: set, reject: set, unknown: set } };
  }
  const p = chain.builtin ? policySlot(chain, notes) : UNKNOWN;
  if (!chain.builtin) notes.push(`${chain.name} is a user chain: packets it returns are counted as unknown`);
  certain[p] = sp.or(certain[p]!, mustEnd);
  possible[p] = sp.or(possible[p]!, mayEnd);
  // A packet no other verdict can possibly take is certain to get this one: that also
  // covers packets whose paths differ with the unmodelled matches but all end alike
  // (`-m recent --update -j DROP` before `-j DROP`), which `must` alone loses.
  for (let v = 0; v < RET; v++) {
    let others: BddNode = FALSE;
    for (let x = 0; x < RET; x++) if (x !== v) others = sp.or(others, possible[x]!);
    certain[v] = sp.or(certain[v]!, sp.diff(set, others));
  }
  return { certain: toVerdicts(sp, certain, notes), possible: toVerdicts(sp, possible, notes) };
}

/**
 * Follows (must, may) through `chain`, adding what rules decide to the walk's
 * `certain` and `possible`; returns the packets that RETURN or fall off the
 * end, as [must, may]. A rule surely matching s and maybe matching y sends
 * must ∩ s and may ∩ y its way, and leaves must \ y and may \ s for the next rule.
 */
function boundsChain(w: BoundsWalk, chain: Chain, mustIn: BddNode, mayIn: BddNode, top: boolean): [BddNode, BddNode] {
  const { sp, table, certain, possible } = w;
  const b = sp.bdd;
  let must = mustIn;
  let may = mayIn;
  let retMust: BddNode = FALSE;
  let retMay: BddNode = FALSE;
  w.path.add(chain.name);
  for (let i = 0; i < chain.rules.length && may !== FALSE && !w.stopped; i++) {
    const rule = chain.rules[i]!;
    const kind = targetKind(rule, table);
    if (kind.kind === 'continue' || w.skip?.(rule)) continue;
    // Encoded outside the limit, as in evaluateChain.
    const { surely, maybe } = b.withNodeLimit(Infinity, () => matchBounds(sp, rule));
    const ym = b.and(may, maybe);
    if (ym === FALSE) continue;
    const sm = b.and(must, surely);
    let nextMust = b.diff(must, maybe);
    let nextMay = b.diff(may, surely);
    if (kind.kind === 'verdict') {
      const s = VERDICT_SLOT[kind.verdict];
      certain[s] = b.or(certain[s]!, sm);
      possible[s] = b.or(possible[s]!, ym);
    } else if (kind.kind === 'return') {
      retMust = b.or(retMust, sm);
      retMay = b.or(retMay, ym);
    } else {
      const callee = table.chains.find((c) => c.name === kind.chain && !c.builtin);
      if (!callee || w.path.has(callee.name)) {
        const why = callee ? 'it is part of a jump cycle' : 'it does not exist';
        w.notes.push(`${rule.text ?? `${chain.name} rule ${i + 1}`}: chain ${kind.chain} cannot be followed (${why})`);
        certain[UNKNOWN] = b.or(certain[UNKNOWN]!, sm);
        possible[UNKNOWN] = b.or(possible[UNKNOWN]!, ym);
      } else {
        const [backMust, backMay] = boundsChain(w, callee, sm, ym, false);
        // A jump's returns go on with the next rule; a goto's leave this chain too.
        if (kind.kind === 'jump') {
          nextMust = b.or(nextMust, backMust);
          nextMay = b.or(nextMay, backMay);
        } else {
          retMust = b.or(retMust, backMust);
          retMay = b.or(retMay, backMay);
        }
      }
    }
    must = nextMust;
    may = nextMay;
    // Between the built-in chain's rules `must` is every packet still sure to go on.
    if (top && !w.stopped && w.settled(b.or(must, retMust))) w.stopped = true;
  }
  w.path.delete(chain.name);
  return [b.or(retMust, must), b.or(retMay, may)];
}
