// First-match reachability through jumps: for every rule of every chain,
// whether some packet that can enter the chain gets to the rule and matches
// it, and when none can, the few earlier rules that take them all (CS101,
// CS102). Target semantics come from targets.ts.
//
// For rule i of chain C with entry set E(C):
//     reach_i = E(C) ∩ match_i  minus  taken_j for every earlier j,
// where taken_j is what rule j removes from C: its match for a verdict,
// RETURN or goto; for `-j X`, its match ∩ term(X), the packets X decides for
// good (the rest come back). E(built-in) is every packet; E(X) is the union of
// the reach of the rules that jump or go to X.
//
// Soundness (a finding must be true): taken_j may only be UNDER-approximated
// and E(C) only OVER-approximated. So a jump or goto to a missing chain takes
// nothing, a chain on a jump cycle contributes nothing to term() past the
// cycle, and a chain entered through a cycle (or from nowhere) is entered by
// every packet. Unmodelled matches are opaque BDD variables (fresh ones for
// stateful matches), so they never make a rule look covered.
//
// Speed: a rule is boxed first (box.ts) and compared only with earlier rules
// whose boxes meet its own (overlap-index.ts). A plain rule with no such rule
// is reachable on the spot; otherwise a few concrete packets of its box are
// tried against the overlapping rules (witness.ts). BDDs are built only when
// those fail, or for rules a box cannot describe exactly.
import type { Chain, Rule, Ruleset, Table } from '../ruleset/model.js';
import { FALSE, type BddNode, type PacketSpace } from '../space/index.js';
import { boxContains, boxesMeet, cachedRuleBox, fullBox, ifaceMeet, isOpaqueLiteral, joinBoxes, meetBoxes, emptyBox, type Box } from './box.js';
import { matchText } from '../space/index.js';
import { OverlapIndex } from './overlap-index.js';
import { coreOf, matchOf } from './spaces.js';
import { targetKind, type TargetKind } from './targets.js';
import { NOT_A_FIELD, PREFERENCES, WitnessPicker, boxHolds, fieldMask, type Point } from './witness.js';
import type { SpaceAnalysis } from '../lint/types.js';

export interface Blocker {
  rule: Rule;
  /** The blocker's action, as RuleReach.action. */
  verdict: string;
}

export interface RuleReach {
  rule: Rule;
  /** Position in its chain, from 0. */
  index: number;
  /** The packets the rule's matches accept (built on first use). */
  readonly match: BddNode;
  /** Unmodelled match texts (CS304); empty when the rule is encoded exactly. */
  readonly approximated: string[];
  /** The rule's own matches contradict each other: it matches no packet (CS103). */
  empty: boolean;
  /** Some packet entering the chain reaches the rule and matches it. */
  reachable: boolean;
  /**
   * When a non-empty rule is unreachable: earlier rules of the same chain that
   * together take every packet reaching it, each needed (empty when the chain's
   * own entry already excludes the rule's packets).
   */
  blockers: Blocker[];
  /** 'ACCEPT', 'DROP', 'REJECT', 'UNKNOWN' (QUEUE...), 'RETURN', 'jump X', 'goto X', or the name of a non-terminal target ('LOG'; 'no target'). */
  action: string;
}

export function analyseChain(a: SpaceAnalysis, rs: Ruleset, table: Table, chain: Chain): RuleReach[] {
  return a.chainReach(rs, table, chain);
}

/** What a rule removes from the rest of its chain. */
const enum Takes {
  Nothing,
  /** Everything it matches (verdict, RETURN, goto). */
  All,
  /** What the called chain decides for good (a jump). */
  Terminal,
}

/** The approximated texts of every exactly modelled rule (no array each). */
const NOTHING_APPROXIMATED: string[] = Object.freeze([]) as unknown as string[];

/** The blockers of every rule that has none (most rules: no array each). */
const NO_BLOCKERS: Blocker[] = Object.freeze([]) as unknown as Blocker[];

/**
 * Per-rule facts, computed once, and the rule's reachability once its chain is
 * analysed (one object per rule: on a 100,000-rule dump a second one per rule
 * was megabytes of heap and garbage-collector work).
 */
class RuleInfo implements RuleReach {
  private set: BddNode | undefined;
  private takenSet: BddNode | undefined;
  empty = false;
  reachable = true;
  blockers: Blocker[] = NO_BLOCKERS;

  constructor(
    readonly owner: TableReach,
    readonly rule: Rule,
    /** Position in its chain, from 0. */
    readonly index: number,
    readonly box: Box,
    readonly kind: TargetKind,
    readonly takes: Takes,
    /** For jumps and gotos into an existing chain. */
    readonly callee: Chain | undefined,
    readonly action: string,
  ) {}

  get match(): BddNode {
    if (this.set === undefined) this.set = matchOf(this.owner.sp, this.rule).set;
    return this.set;
  }

  /** For an opaque-only rule: its packets with the unmodelled matches left out (= possibly(match)). */
  get core(): BddNode {
    return coreOf(this.owner.sp, this.rule);
  }

  get approximated(): string[] {
    if (this.box.exact) return NOTHING_APPROXIMATED;
    // The encoder's notes for such a rule are these texts, in this order: no need to encode it.
    if (this.box.opaqueOnly) return this.rule.matches.filter(isOpaqueLiteral).map((m) => matchText(m));
    return matchOf(this.owner.sp, this.rule).approximated;
  }

  /** taken_j of the file comment. */
  get taken(): BddNode {
    if (this.takenSet === undefined) {
      if (this.takes === Takes.All) this.takenSet = this.match;
      else if (this.takes === Takes.Terminal) this.takenSet = this.owner.sp.and(this.match, this.owner.terminal(this.callee!));
      else this.takenSet = FALSE;
    }
    return this.takenSet;
  }
}

/**
 * E(C), kept as a union of parts (one per way in) rather than one BDD: a
 * shared chain such as a LOG-and-drop target entered from dozens of places
 * would otherwise need the union of all their entry sets (over a million nodes
 * on the TUM firewall), while the analysis only ever intersects E(C) with a
 * rule's match or tests one packet against it, which the parts answer one by one.
 */
interface Entry {
  /** Every packet enters (a built-in chain, or a chain nothing enters). */
  all: boolean;
  /** The union is E(C) (unused when `all`). */
  parts: BddNode[];
  /** A box holding each part (same order): where to look for witnesses. */
  partHulls: Box[];
  hull: Box;
  /** The union, once built. */
  union?: BddNode;
  /**
   * For an entry of one part: whether, among well-formed packets, it tests
   * nothing but the interfaces and the state (1), or more (0); -1 until asked.
   */
  coarse: number;
  /** The last witness search in that case, by the region's interface patterns and state mask (see decide). */
  lastInIf: string | undefined;
  lastOutIf: string | undefined;
  lastStates: number;
  lastHeld: boolean;
}

function newEntry(all: boolean, parts: BddNode[], partHulls: Box[], hull: Box): Entry {
  return { all, parts, partHulls, hull, coarse: -1, lastInIf: undefined, lastOutIf: undefined, lastStates: -1, lastHeld: false };
}

/** The fields a coarse entry may test (see Entry.coarse). */
const COARSE_FIELDS = fieldMask('in', 'out', 'state');
const ADDRESS_FIELDS = fieldMask('src', 'dst');

/** How many of an entry's ways in a rule's witness search tries (each costs up to PREFERENCES packets). */
const MAX_WITNESS_REGIONS = 4;

/** Beyond this many parts an entry is kept as one set (parts multiply along chains of chains). */
const MAX_ENTRY_PARTS = 64;

const ACCEPT_KIND: TargetKind = Object.freeze({ kind: 'verdict', verdict: 'ACCEPT' });
const DROP_KIND: TargetKind = Object.freeze({ kind: 'verdict', verdict: 'DROP' });

/** Above this many jumps into a chain, its entry is over-approximated (see entry()). */
const EXACT_ENTRY_CALLERS = 16;

/** decide()'s picks from a set: its lowest packet, then its highest. */
const PICK_PREFERENCES: ReadonlyArray<() => boolean> = [() => false, () => true];

/** Minimisation of a blocker list is quadratic: skip it for long lists (they stay a valid cover). */
const MINIMISE_LIMIT = 24;

/** The reachability of every chain of one table, computed on demand and memoized. */
export class TableReach {
  private readonly chains = new Map<string, Chain>();
  /** Per-rule facts, by chain and position (a Map keyed by 100,000 rules cost more than the facts). */
  private readonly infos = new Map<Chain, RuleInfo[]>();
  /** Chains whose rules' reach fields are filled in (analyse() ran). */
  private readonly analysed = new Set<Chain>();
  /** The exact reach set of each jump/goto rule into an existing chain (for its callee's entry). */
  private readonly jumpReach = new Map<Rule, BddNode>();
  private readonly callers = new Map<string, { chain: Chain; index: number }[]>();
  private readonly entries = new Map<Chain, Entry>();
  private readonly terms = new Map<Chain, BddNode>();
  private readonly inProgress = new Set<Chain>();
  private readonly termInProgress = new Set<Chain>();
  private readonly picker: WitnessPicker | undefined;

  constructor(
    readonly sp: PacketSpace,
    readonly table: Table,
  ) {
    for (const c of table.chains) this.chains.set(c.name, c);
    // Boxed witnesses are IPv4 only: IPv6 rules are never boxed exactly.
    this.picker = sp.family === 'ipv4' ? new WitnessPicker(sp) : undefined;
    // The rules entering a user chain (the same test as targetKind's for a jump or goto to an existing chain).
    for (const c of table.chains)
      for (let index = 0; index < c.rules.length; index++) {
        const name = c.rules[index]!.target?.name;
        const callee = name === undefined ? undefined : this.chains.get(name);
        if (!callee || callee.builtin) continue;
        const list = this.callers.get(callee.name);
        if (list) list.push({ chain: c, index });
        else this.callers.set(callee.name, [{ chain: c, index }]);
      }
  }

  /** The facts of each rule of a chain, in order. */
  infosOf(chain: Chain): RuleInfo[] {
    let infos = this.infos.get(chain);
    if (!infos) {
      infos = chain.rules.map((rule, index) => this.makeInfo(rule, index));
      this.infos.set(chain, infos);
    }
    return infos;
  }

  private makeInfo(rule: Rule, index: number): RuleInfo {
    // targetKind scans the table's chains for a user chain of that name; this map is the same test, once.
    const kind = this.kindOf(rule);
    const calleeName = kind.kind === 'jump' || kind.kind === 'goto' ? kind.chain : undefined;
    const callee = calleeName !== undefined ? this.chains.get(calleeName) : undefined;
    const userCallee = callee && !callee.builtin ? callee : undefined;
    const takes =
      kind.kind === 'verdict' || kind.kind === 'return' ? Takes.All
      : kind.kind === 'goto' ? (userCallee ? Takes.All : Takes.Nothing)
      : kind.kind === 'jump' ? (userCallee ? Takes.Terminal : Takes.Nothing)
      : Takes.Nothing;
    const action =
      kind.kind === 'verdict' ? verdictAction(rule, kind.verdict)
      : kind.kind === 'return' ? 'RETURN'
      : kind.kind === 'jump' || kind.kind === 'goto' ? `${kind.kind} ${kind.chain}`
      : (rule.target?.name ?? 'no target');
    return new RuleInfo(this, rule, index, cachedRuleBox(rule, this.sp.family), kind, takes, userCallee, action);
  }

  private kindOf(rule: Rule): TargetKind {
    const t = rule.target;
    // The common verdicts need no chain lookup (targetKind would scan the table's chains).
    if (t && !t.goto && !this.chains.has(t.name)) {
      if (t.name === 'ACCEPT') return ACCEPT_KIND;
      if (t.name === 'DROP') return DROP_KIND;
    }
    return targetKind(rule, this.table);
  }

  /** The per-rule reachability of one chain of this table. */
  chainReach(chain: Chain): RuleReach[] {
    if (!this.analysed.has(chain)) {
      this.inProgress.add(chain);
      this.analyse(chain);
      this.inProgress.delete(chain);
      this.analysed.add(chain);
    }
    return this.infosOf(chain);
  }

  /** E(chain) and a box holding it. */
  entry(chain: Chain): Entry {
    let e = this.entries.get(chain);
    if (e) return e;
    const all: Entry = newEntry(true, [], [], fullBox());
    const callers = chain.builtin ? [] : (this.callers.get(chain.name) ?? []);
    // A built-in chain, or a user chain nothing enters: analysed as entered by every packet.
    if (callers.length === 0) e = all;
    // Entered through a jump cycle: every packet (an over-approximation, so sound).
    else if (callers.some((c) => this.inProgress.has(c.chain))) return all;
    else {
      const sp = this.sp;
      let parts: BddNode[] = [];
      let partHulls: Box[] = [];
      let hull = emptyBox();
      // Many ways in (a shared LOG-and-drop chain): the exact reach of every jump
      // costs more than it can tell; the jumps' matches within their chains'
      // entries are a sound superset.
      const exact = callers.length <= EXACT_ENTRY_CALLERS;
      // Unmodelled predicates of the callers (MAC checks, rate limits) would be
      // dragged into every rule of the chain; "may enter" is a sound superset:
      // each way in is possibly(...) of what enters by it. The parts of an entry
      // are such sets already, free of opaque variables, so possibly(p ∧ m) is
      // p ∧ possibly(m) (the same node): the rule's match is quantified once,
      // not each of the caller's parts (a walk of every node of each).
      for (const c of callers) {
        const results = this.chainReach(c.chain);
        if (!results[c.index]!.reachable) continue;
        const from = this.entry(c.chain);
        const info = this.infosOf(c.chain)[c.index]!;
        const box = info.box;
        let ways: BddNode[];
        if (exact) ways = [sp.possibly(this.reachOf(c.chain, c.index))];
        else {
          const m = sp.possibly(info.match);
          ways = from.all ? [m] : from.parts.map((p) => sp.and(p, m));
        }
        if (ways.every((w) => w === FALSE)) continue;
        const wayHulls = exact || from.all ? [meetBoxes(box, from.hull)] : from.partHulls.map((h) => meetBoxes(box, h));
        ways.forEach((w, k) => {
          if (w === FALSE) return;
          parts.push(w);
          partHulls.push(wayHulls[k]!);
        });
        hull = joinBoxes(hull, meetBoxes(box, from.hull));
      }
      if (parts.length > MAX_ENTRY_PARTS) {
        parts = [parts.reduce((u, p) => sp.or(u, p), FALSE)];
        partHulls = [hull];
      }
      e = newEntry(false, parts, partHulls, hull);
    }
    this.entries.set(chain, e);
    return e;
  }

  /** E(chain) as one set (built on request: see Entry). */
  entrySet(chain: Chain): BddNode {
    const e = this.entry(chain);
    if (e.all) return this.sp.all();
    if (e.union === undefined) e.union = e.parts.reduce((u, p) => this.sp.or(u, p), FALSE);
    return e.union;
  }

  /** Entry.coarse, computed on first use. */
  private isCoarse(e: Entry): boolean {
    if (e.coarse < 0) {
      const picker = this.picker!;
      // Addresses are never part of the domain: a part that tests them is not
      // coarse, and the search stops at the first such test (TUM's entries).
      let fields = picker.fieldsTestedBy(e.parts, ADDRESS_FIELDS | NOT_A_FIELD);
      if ((fields & ~COARSE_FIELDS) !== 0 && (fields & (ADDRESS_FIELDS | NOT_A_FIELD)) === 0) {
        // Drop the tests that only say a packet is well formed (ports only for port protocols, ...).
        fields = picker.fieldsTestedBy(e.parts.map((p) => this.sp.bdd.simplifyWithin(p, this.sp.all())), ~COARSE_FIELDS);
      }
      e.coarse = (fields & ~COARSE_FIELDS) === 0 ? 1 : 0;
    }
    return e.coarse === 1;
  }

  /** Where a box meets the entry's ways in, at most MAX_WITNESS_REGIONS of them. */
  private regionsOf(box: Box, e: Entry): Box[] {
    const out: Box[] = [];
    for (const h of e.partHulls) {
      const r = meetBoxes(box, h);
      if (!r.empty) out.push(r);
      if (out.length === MAX_WITNESS_REGIONS) break;
    }
    return out;
  }

  /** E ∩ set, part by part. */
  private entryAnd(e: Entry, set: BddNode): BddNode {
    if (e.all) return set;
    let r: BddNode = FALSE;
    for (const p of e.parts) r = this.sp.or(r, this.sp.and(p, set));
    return r;
  }

  /** E ∩ set ≠ ∅, without building it. */
  private entryMeets(e: Entry, set: BddNode): boolean {
    if (e.all) return set !== FALSE;
    for (const p of e.parts) if (this.sp.intersects(p, set)) return true;
    return false;
  }

  /** Whether the packet (a full assignment) is in E. */
  private entryHolds(e: Entry, bits: Uint8Array): boolean {
    if (e.all) return true;
    for (const p of e.parts) if (this.sp.bdd.evaluate(p, bits)) return true;
    return false;
  }

  /**
   * term(X): the packets user chain X decides for good (they do not come back
   * to the rule that jumped), whatever the unmodelled matches say. Built
   * backwards from the end of X, where packets fall off and return, on
   * opaque-free sets only: a rule whose match depends on an unmodelled
   * predicate counts as matching where it certainly matches when that decides
   * the packet, and as possibly matching where that lets the packet return.
   * Each occurrence of a predicate is treated as independent of the others, so
   * the result is a subset of the exact "decided for good" (a sound
   * under-approximation, as taken_j must be); it never carries the opaque
   * variables, which on the TUM firewall (one per MAC address) made the exact
   * set a hundred times larger. Also under-approximated on cycles and missing chains.
   */
  terminal(chain: Chain): BddNode {
    const done = this.terms.get(chain);
    if (done !== undefined) return done;
    if (this.termInProgress.has(chain)) return FALSE;
    const boxed = this.terminalByBoxes(chain);
    if (boxed !== undefined) {
      this.terms.set(chain, boxed);
      return boxed;
    }
    this.termInProgress.add(chain);
    const sp = this.sp;
    const infos = this.infosOf(chain);
    let f: BddNode = FALSE;
    for (let i = infos.length - 1; i >= 0; i--) {
      const info = infos[i]!;
      const k = info.kind.kind;
      if (k === 'continue') continue;
      // Removing from nothing needs no set (a MAC chain's RETURNs, walked from its final RETURN).
      const removes = k === 'return' || (info.callee === undefined && k === 'goto');
      if (removes && f === FALSE) continue;
      let surely: BddNode;
      let maybe: BddNode;
      if (info.box.opaqueOnly) {
        // Certainly matching: never (an opaque literal may be false); possibly: the box's packets.
        if (info.box.empty) continue;
        surely = FALSE;
        maybe = info.core;
      } else {
        const m = info.match;
        if (m === FALSE) continue;
        const opaque = info.approximated.length > 0;
        surely = opaque ? sp.certainly(m) : m;
        maybe = opaque ? sp.possibly(m) : m;
      }
      if (info.callee === undefined && (k === 'jump' || k === 'goto')) {
        // A jump to a missing chain: whatever it does, packets it would return still face f.
        if (k === 'goto') f = sp.diff(f, maybe);
        continue;
      }
      if (k === 'verdict') f = sp.or(surely, f);
      else if (k === 'return') f = sp.diff(f, maybe);
      else if (k === 'goto') {
        const t = this.terminal(info.callee!);
        // Matching: decided iff the callee decides; not matching: iff f does; unsure: both.
        f = sp.bdd.ite(surely, t, sp.bdd.ite(maybe, sp.and(t, f), f));
      } else f = sp.or(f, sp.and(surely, this.terminal(info.callee!)));
    }
    this.termInProgress.delete(chain);
    this.terms.set(chain, f);
    return f;
  }

  /**
   * terminal() for a chain of verdicts and RETURNs whose rules are all boxes
   * (exact, or opaque-only), done on the boxes: f is kept as the list of
   * verdict rules it is the union of, and a RETURN removes the ones its box
   * contains (a partial overlap gives up: undefined, and terminal() does it on
   * BDDs). Only the rules left at the end are encoded. A MAC chain
   * (`-s X -m mac ... -j RETURN`, `-s X -j DROP` per host, a final RETURN)
   * comes out empty without one BDD, where the same walk on BDDs encoded every
   * host twice. Same set as terminal()'s walk: an opaque-only verdict surely
   * takes nothing, and an opaque-only RETURN maybe takes its box.
   */
  private terminalByBoxes(chain: Chain): BddNode | undefined {
    let kept: RuleInfo[] = [];
    const infos = this.infosOf(chain);
    for (let i = infos.length - 1; i >= 0; i--) {
      const info = infos[i]!;
      const k = info.kind.kind;
      if (k === 'continue') continue;
      if (k !== 'verdict' && k !== 'return') return undefined;
      const box = info.box;
      if (!box.exact && !box.opaqueOnly) return undefined;
      if (box.empty) continue;
      if (k === 'verdict') {
        if (box.exact) kept.push(info);
        continue;
      }
      const next: RuleInfo[] = [];
      for (const v of kept) {
        if (!boxesMeet(v.box, box)) next.push(v);
        else if (!boxContains(box, v.box)) return undefined;
      }
      kept = next;
    }
    let f: BddNode = FALSE;
    for (const v of kept) f = this.sp.or(f, v.match);
    return f;
  }

  /** Fills in the reach fields of every rule of the chain. */
  private analyse(chain: Chain): void {
    const entry = this.entry(chain);
    const infos = this.infosOf(chain);
    const index = new OverlapIndex();
    for (let i = 0; i < infos.length; i++) {
      const r = infos[i]!;
      const box = r.box;
      // A box is a hull: an empty box means an empty match; an inexact one needs the BDD to say.
      // An opaque-only rule is its exact box AND satisfiable opaque literals: empty iff the box is.
      if (box.empty || !(box.exact || box.opaqueOnly)) r.empty = box.empty || r.match === FALSE;
      if (r.empty) {
        r.reachable = false;
        continue;
      }
      if (!boxesMeet(box, entry.hull)) r.reachable = false;
      else {
        let candidates = index.meeting(box);
        if (candidates.length && !entry.all) candidates = candidates.filter((j) => boxesMeet(infos[j]!.box, entry.hull));
        this.decide(infos, r, entry, candidates);
      }
      if (r.takes !== Takes.Nothing) index.add(i, box);
    }
  }

  /** Decides the reach of rule `info` of the chain whose facts are `infos`, given the earlier rules (`candidates`) whose boxes meet its own. */
  private decide(infos: RuleInfo[], info: RuleInfo, entry: Entry, candidates: readonly number[]): void {
    const sp = this.sp;
    const all = entry.all;
    // A packet of the rule (in the entry) that no earlier rule takes is a witness. A
    // packet of an exact box is in the rule; of an opaque-only rule's box too, when
    // nothing earlier competes (set its opaque literals); otherwise the rule's set says.
    const boxOnly = info.box.exact || (info.box.opaqueOnly && candidates.length === 0);
    if (this.picker && (boxOnly || !info.box.opaqueOnly)) {
      // Not empty (checked before): with every packet entering and nothing earlier, reachable.
      if (candidates.length === 0 && all) return;
      if (candidates.length === 0 && boxOnly && entry.parts.length === 1 && this.isCoarse(entry)) {
        // The one way in: the region is box ∩ its hull (none: the witness search has nowhere to look).
        if (boxesMeet(info.box, entry.partHulls[0]!) && this.coarseEntryHolds(entry, info.box)) return;
      } else {
        // Look inside each way in separately: the hull of all of them (a /25 and
        // 224.0.0.0/4, say) is mostly packets that enter by none.
        const regions = all ? [info.box] : this.regionsOf(info.box, entry);
        let entered = false;
        for (const region of regions)
          for (let pref = 0; pref < PREFERENCES; pref++) {
            const p = this.picker.pick(region, pref);
            const bits = this.picker.bits;
            if (!boxOnly && !sp.bdd.evaluate(info.match, bits)) continue;
            if (!all && !this.entryHolds(entry, bits)) continue;
            entered = true;
            if (!this.anyTakesPoint(infos, candidates, p, bits)) return;
          }
        if (entered && info.box.exact && this.firstCandidateTakesAll(infos, info, candidates)) return;
      }
    }
    if (candidates.length === 0) {
      // Nothing earlier can take its packets: reachable iff some packet entering the chain matches (no set built).
      info.reachable = this.entryMeets(entry, info.match);
      return;
    }
    if (!info.box.exact) {
      // A packet of the exact set, at no node cost: lowest values first, then
      // highest; way in by way in, so that a rule some packet of the first way
      // reaches needs neither the others' intersections nor their union.
      for (const way of entry.all ? [info.match] : entry.parts) {
        const set = entry.all ? way : sp.and(way, info.match);
        if (set === FALSE) continue;
        for (const prefer of PICK_PREFERENCES) {
          const bits = sp.bdd.pick(set, prefer)!;
          if (!this.anyTakesPoint(infos, candidates, undefined, bits)) return;
        }
      }
    }
    const base = this.entryAnd(entry, info.match);
    if (base === FALSE) {
      info.reachable = false;
      return;
    }
    // Exact: subtract the overlapping earlier rules, keeping those that took something.
    let rest = base;
    const used: RuleInfo[] = [];
    for (const j of candidates) {
      const t = infos[j]!.taken;
      if (t === FALSE || !sp.intersects(rest, t)) continue;
      used.push(infos[j]!);
      rest = sp.diff(rest, t);
      if (rest === FALSE) break;
    }
    if (rest !== FALSE) return;
    info.reachable = false;
    info.blockers = this.minimise(base, used).map((b) => ({ rule: b.rule, verdict: b.action }));
  }

  /**
   * For an exact rule some packet of which enters the chain (a witness search
   * found one): when the first overlapping earlier rule takes everything its
   * exact box holds and that box holds the rule's, the rule is unreachable
   * with that one blocker. This is what the set computation below concludes
   * (that candidate meets E ∩ match, takes all of it, and a one-rule list is
   * minimal), without encoding either rule: a repeated host rule in a chain of
   * thousands costs a box comparison instead of two BDDs.
   */
  private firstCandidateTakesAll(infos: RuleInfo[], info: RuleInfo, candidates: readonly number[]): boolean {
    if (candidates.length === 0) return false;
    const first = infos[candidates[0]!]!;
    if (first.takes !== Takes.All || !first.box.exact || !boxContains(first.box, info.box)) return false;
    info.reachable = false;
    info.blockers = [{ rule: first.rule, verdict: first.action }];
    return true;
  }

  /**
   * decide()'s witness search for a rule (whose box meets the entry's one
   * hull) with no earlier rule to compete and a coarse entry of one part
   * (Entry.coarse), remembered: it asks only
   * whether a packet of the region is in E, and on well-formed packets E tests
   * only the interfaces and the state, whose values a pick takes from the
   * region's interface patterns and state mask alone (witness.ts). So regions
   * that agree on those get the same answer: the rules of a chain of host
   * rules, entered one way, are decided without a packet each.
   */
  private coarseEntryHolds(entry: Entry, box: Box): boolean {
    // The region's interface patterns and state mask, as meetBoxes would make them, without the box.
    const hull = entry.partHulls[0]!;
    const inIf = ifaceMeet(box.inIf, hull.inIf);
    const outIf = ifaceMeet(box.outIf, hull.outIf);
    const states = box.stateMask & hull.stateMask;
    if (entry.lastStates !== states || entry.lastInIf !== inIf || entry.lastOutIf !== outIf) {
      const region = meetBoxes(box, hull);
      let held = false;
      for (let pref = 0; pref < PREFERENCES && !held; pref++) {
        this.picker!.pick(region, pref);
        held = this.entryHolds(entry, this.picker!.bits);
      }
      entry.lastInIf = inIf;
      entry.lastOutIf = outIf;
      entry.lastStates = states;
      entry.lastHeld = held;
    }
    return entry.lastHeld;
  }

  /** Whether one of the earlier rules `candidates` takes the packet. */
  private anyTakesPoint(infos: RuleInfo[], candidates: readonly number[], p: Point | undefined, bits: Uint8Array): boolean {
    for (const j of candidates) if (this.takesPoint(infos[j]!, p, bits)) return true;
    return false;
  }

  /** Whether an earlier rule takes the packet: by its box when exact and a point is at hand, else by BDD. */
  private takesPoint(info: RuleInfo, p: Point | undefined, bits: Uint8Array): boolean {
    const b = this.sp.bdd;
    // The picker's assignments leave every opaque variable false: an opaque-only rule matches none of them.
    const matches = p && info.box.exact ? boxHolds(info.box, p) : p && info.box.opaqueOnly ? false : b.evaluate(info.match, bits);
    if (!matches) return false;
    return info.takes !== Takes.Terminal || b.evaluate(this.terminal(info.callee!), bits);
  }

  /** Drops blockers the others cover without them, so `related` names only rules that matter. */
  private minimise(base: BddNode, used: RuleInfo[]): RuleInfo[] {
    if (used.length < 2 || used.length > MINIMISE_LIMIT) return used;
    const sp = this.sp;
    const keep = [...used];
    for (let k = 0; k < keep.length && keep.length > 1; ) {
      let others: BddNode = FALSE;
      for (let m = 0; m < keep.length; m++) if (m !== k) others = sp.or(others, keep[m]!.taken);
      if (sp.implies(base, others)) keep.splice(k, 1);
      else k++;
    }
    return keep;
  }

  /** reach_i itself (for a rule entering another chain), computed on demand once the chain is analysed. */
  private reachOf(chain: Chain, i: number): BddNode {
    const rule = chain.rules[i]!;
    let rest = this.jumpReach.get(rule);
    if (rest !== undefined) return rest;
    const sp = this.sp;
    const infos = this.infosOf(chain);
    const info = infos[i]!;
    rest = this.entryAnd(this.entry(chain), info.match);
    for (let j = 0; j < i && rest !== FALSE; j++) {
      const other = infos[j]!;
      if (other.takes === Takes.Nothing || !boxesMeet(other.box, info.box)) continue;
      rest = sp.diff(rest, other.taken);
    }
    this.jumpReach.set(rule, rest);
    return rest;
  }
}

/**
 * What a terminal rule does, precise enough to tell CS101 from CS102: DNAT to
 * another address, or REJECT with another message, is not "the same verdict"
 * even though the analysis counts both as ACCEPT or REJECT.
 */
function verdictAction(rule: Rule, verdict: string): string {
  const t = rule.target;
  if (!t || (t.name === verdict && t.options.length === 0)) return verdict;
  const opts = t.options.map((o) => `${o.negated ? '! ' : ''}--${o.name}${o.args.length ? ' ' + o.args.join(' ') : ''}`);
  return [t.name, ...opts].join(' ');
}
