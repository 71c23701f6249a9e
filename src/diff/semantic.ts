// The semantic half of a diff: which packets get a different verdict.
//
// Both rulesets of a family are encoded in ONE PacketSpace, so their sets are
// BDDs over the same variables and comparing them is comparing node ids. For
// every built-in chain of every table either side has, the verdict partition
// (accept / drop / reject / unknown, see analysis/verdict.ts) of OLD is
// crossed with NEW's:
//
//   newlyAccepted = NEW accepts, OLD did not (OLD dropped, rejected, or we could not tell)
//   newlyDropped  = OLD accepted, NEW drops or rejects (each piece says which)
//   changed       = every other change: DROP <-> REJECT, and anything to or from
//                   'unknown' other than the two above (a QUEUE target, a jump
//                   to a missing chain)
//
// Each set is printed as an exact union of iptables-like matches, each with one
// concrete packet of that piece.
//
// Unmodelled, stateful matches (`-m limit`, `-m recent --update`) are opaque
// variables, fresh per rule encoding, which alone would make an unchanged
// `-m limit` rule differ between OLD and NEW. The space is therefore told to
// key them by rule occurrence: identical rule text at the same (table, chain,
// n-th occurrence of that text) shares its variables across OLD and NEW.
//
// Where to look: a packet that matches none of the rules the edit adds or
// removes meets, in every chain, the same sequence of (shared, unchanged)
// rules on both sides, so it gets the same verdict. When the structural diff
// says which rules are unchanged, the verdict sets are therefore computed only
// inside the union of the changed rules' match sets (see touchedPackets), and
// the rules whose box misses every changed rule's box are not even encoded. A
// ten-rule change to a 10,000-rule ruleset then costs about as much as the
// changed rules, not two full verdict computations.
import type { Family, Rule, Ruleset, Table } from '../ruleset/model.js';
import { BUILTIN_CHAINS } from '../ruleset/model.js';
import { formatRule } from '../ruleset/print.js';
import { FALSE, PacketSpace, type BddNode, type Packet } from '../space/index.js';
import { builtinVerdicts, type ChainVerdicts, type Within } from '../analysis/verdict.js';
import type { Verdict } from '../analysis/targets.js';
import { cachedRuleBox, missesAll, type Box } from '../analysis/box.js';
import { matchOf } from '../analysis/spaces.js';

/** How many pieces each list shows with an example; the rest are counted in `omitted`. */
export const DEFAULT_PIECE_LIMIT = 20;

export interface Piece {
  /** iptables-like match text; '' means every packet. */
  match: string;
  example: Packet | null;
}

export interface DroppedPiece extends Piece {
  verdict: 'DROP' | 'REJECT';
}

export interface ChangedPiece extends Piece {
  from: Verdict;
  to: Verdict;
}

export interface ChainSemantic {
  family: Family;
  table: string;
  chain: string;
  newlyAccepted: Piece[];
  newlyDropped: DroppedPiece[];
  changed: ChangedPiece[];
  /** Pieces beyond the limit, per list (the lists above hold at most `limit` each). */
  omitted: { newlyAccepted: number; newlyDropped: number; changed: number };
  /** Why some verdicts are 'unknown' (QUEUE, a missing chain, a jump loop). */
  approximate?: string[];
}

export interface SemanticOptions {
  pieceLimit?: number;
  /**
   * NEW rules known to be identical to an OLD rule (from the structural diff).
   * The OLD rule object stands in for its twin, so each unchanged rule is
   * encoded once, not twice: half the encoding work on a ten-rule change.
   */
  unchanged?: ReadonlyMap<Rule, Rule>;
}

const VERDICTS: readonly Verdict[] = ['ACCEPT', 'DROP', 'REJECT', 'UNKNOWN'];

/** Chains whose verdicts differ between OLD and NEW (empty: equivalent for every built-in chain). */
export function semanticDiff(family: Family, oldRs: Ruleset, givenNewRs: Ruleset, opts: SemanticOptions = {}): ChainSemantic[] {
  const limit = opts.pieceLimit ?? DEFAULT_PIECE_LIMIT;
  const { sp, newRs } = diffSpace(family, oldRs, givenNewRs, opts.unchanged);
  const within = opts.unchanged ? touchedPackets(sp, family, oldRs, newRs) : undefined;
  if (within && within.set === FALSE) return [];
  const vopts = within ? { within } : {};

  const out: ChainSemantic[] = [];
  for (const tableName of tableNames(oldRs, newRs)) {
    const ot = tableOrEmpty(oldRs, tableName);
    const nt = tableOrEmpty(newRs, tableName);
    for (const chain of builtinChainNames(ot, nt)) {
      const ov = builtinVerdicts(sp, ot, chain, vopts);
      const nv = builtinVerdicts(sp, nt, chain, vopts);
      if (sameVerdicts(ov, nv)) continue;
      out.push(describeChange(sp, family, tableName, chain, ov, nv, limit));
    }
  }
  return out;
}

/** Beyond this many changed rules, restricting the computation is not worth its own cost. */
const MAX_CHANGED_RULES = 256;

/**
 * The packets whose verdict the edit can change (see the file comment), or
 * undefined when the sides differ in a way that needs the full computation: a
 * table or chain on one side only, a changed policy (every packet that reaches
 * the end of the chain is affected), or more than MAX_CHANGED_RULES changes.
 *
 * `newRs` holds OLD's Rule objects where the structural diff found a rule
 * unchanged (shareRules). In each chain the shared rules that appear in the
 * same order on both sides (a common subsequence, taken greedily) are the
 * unchanged ones; every other rule of either side counts as changed, so a
 * caller's map that is not order-preserving only widens the set, never makes it wrong.
 */
export function touchedPackets(sp: PacketSpace, family: Family, oldRs: Ruleset, newRs: Ruleset): Within | undefined {
  const changed: Rule[] = [];
  if (oldRs.tables.length !== newRs.tables.length) return undefined;
  for (const ot of oldRs.tables) {
    const nt = newRs.tables.find((t) => t.name === ot.name);
    if (!nt || nt.chains.length !== ot.chains.length) return undefined;
    for (const oc of ot.chains) {
      const nc = nt.chains.find((c) => c.name === oc.name);
      // Same chain names and kinds on both sides: every shared rule has the same target kind (targets.ts).
      if (!nc || nc.builtin !== oc.builtin || (oc.builtin && (oc.policy ?? 'ACCEPT') !== (nc.policy ?? 'ACCEPT'))) return undefined;
      const oldIndex = new Map<Rule, number>();
      oc.rules.forEach((r, i) => oldIndex.set(r, i));
      const kept = new Set<Rule>();
      let last = -1;
      for (const r of nc.rules) {
        const i = oldIndex.get(r);
        if (i !== undefined && i > last && !kept.has(r)) {
          kept.add(r);
          last = i;
        } else changed.push(r);
      }
      for (const r of oc.rules) if (!kept.has(r)) changed.push(r);
      if (changed.length > MAX_CHANGED_RULES) return undefined;
    }
  }
  let set = FALSE;
  for (const r of changed) set = sp.or(set, matchOf(sp, r).set);
  const boxes: Box[] = changed.map((r) => cachedRuleBox(r, family)).filter((b) => !b.empty);
  // A rule's box holds its match set, and the changed rules' boxes hold `set`: disjoint boxes, disjoint sets.
  return { set: sp.and(set, sp.all()), skip: missesAll(boxes, family) };
}

/**
 * The space both sides are encoded in, and NEW with OLD's Rule objects standing
 * in for its unchanged rules (when the structural diff says which they are).
 */
export function diffSpace(family: Family, oldRs: Ruleset, givenNewRs: Ruleset, unchanged?: ReadonlyMap<Rule, Rule>): { sp: PacketSpace; newRs: Ruleset } {
  const newRs = unchanged ? shareRules(givenNewRs, unchanged) : givenNewRs;
  const keys = new WeakMap<Rule, string>();
  keyStatefulRules(oldRs, keys);
  keyStatefulRules(newRs, keys);
  return { sp: PacketSpace.forRulesets(family, [oldRs, newRs], [], { opaqueKey: (rule) => keys.get(rule) }), newRs };
}

function shareRules(rs: Ruleset, twins: ReadonlyMap<Rule, Rule>): Ruleset {
  return {
    ...rs,
    tables: rs.tables.map((t) => ({ ...t, chains: t.chains.map((c) => ({ ...c, rules: c.rules.map((r) => twins.get(r) ?? r) })) })),
  };
}

/**
 * Keys each rule by (table, chain, text, occurrence of that text in the chain):
 * the same key in OLD and NEW means "the same rule", whose rate limits and
 * recent lists are one and the same predicate.
 */
function keyStatefulRules(rs: Ruleset, keys: WeakMap<Rule, string>): void {
  for (const t of rs.tables)
    for (const c of t.chains) {
      const seen = new Map<string, number>();
      for (const r of c.rules) {
        // Only rules with a match the space does not model need a key; formatting all 10,000 would cost time for nothing.
        if (!r.matches.some((m) => !MODELLED_MODULES.has(m.module))) continue;
        const text = formatRule(c.name, r);
        const n = (seen.get(text) ?? 0) + 1;
        seen.set(text, n);
        keys.set(r, `${t.name}\u0000${c.name}\u0000${n}\u0000${text}`);
      }
    }
}

/** Modules the space encodes exactly (src/space/encode.ts): rules with only these never get opaque variables from a match. */
const MODELLED_MODULES: ReadonlySet<string> = new Set(['comment', 'tcp', 'udp', 'sctp', 'dccp', 'udplite', 'multiport', 'icmp', 'icmp6', 'conntrack', 'state', 'iprange']);

function tableNames(a: Ruleset, b: Ruleset): string[] {
  const names = a.tables.map((t) => t.name);
  for (const t of b.tables) if (!names.includes(t.name)) names.push(t.name);
  return names;
}

/** A table one side lacks filters nothing: like a table of empty ACCEPT chains. */
function tableOrEmpty(rs: Ruleset, name: string): Table {
  return rs.tables.find((t) => t.name === name) ?? { name, chains: [], loc: { file: rs.file, line: 1, column: 1 } };
}

function builtinChainNames(a: Table, b: Table): string[] {
  const names = [...(BUILTIN_CHAINS[a.name] ?? [])];
  for (const c of [...a.chains, ...b.chains]) if (c.builtin && !names.includes(c.name)) names.push(c.name);
  return names;
}

function sameVerdicts(a: ChainVerdicts, b: ChainVerdicts): boolean {
  return a.accept === b.accept && a.drop === b.drop && a.reject === b.reject && a.unknown === b.unknown;
}

function setOf(v: ChainVerdicts, verdict: Verdict): BddNode {
  switch (verdict) {
    case 'ACCEPT':
      return v.accept;
    case 'DROP':
      return v.drop;
    case 'REJECT':
      return v.reject;
    case 'UNKNOWN':
      return v.unknown;
  }
}

function describeChange(sp: PacketSpace, family: Family, table: string, chain: string, ov: ChainVerdicts, nv: ChainVerdicts, limit: number): ChainSemantic {
  const res: ChainSemantic = {
    family,
    table,
    chain,
    newlyAccepted: [],
    newlyDropped: [],
    changed: [],
    omitted: { newlyAccepted: 0, newlyDropped: 0, changed: 0 },
  };
  // One set for all of newly accepted: fewer, larger pieces than one per former verdict.
  const accepted = sp.diff(nv.accept, ov.accept);
  for (const p of pieces(sp, accepted)) {
    if (res.newlyAccepted.length < limit) res.newlyAccepted.push({ match: p.text, example: sp.example(p.set) });
    else res.omitted.newlyAccepted++;
  }
  for (const to of ['DROP', 'REJECT'] as const) {
    for (const p of pieces(sp, sp.and(ov.accept, setOf(nv, to)))) {
      if (res.newlyDropped.length < limit) res.newlyDropped.push({ match: p.text, example: sp.example(p.set), verdict: to });
      else res.omitted.newlyDropped++;
    }
  }
  for (const from of VERDICTS)
    for (const to of VERDICTS) {
      if (from === to || to === 'ACCEPT' || (from === 'ACCEPT' && to !== 'UNKNOWN')) continue;
      for (const p of pieces(sp, sp.and(setOf(ov, from), setOf(nv, to)))) {
        if (res.changed.length < limit) res.changed.push({ match: p.text, example: sp.example(p.set), from, to });
        else res.omitted.changed++;
      }
    }
  const approximate = [...new Set([...(ov.approximate ?? []), ...(nv.approximate ?? [])])];
  if (approximate.length) res.approximate = approximate;
  return res;
}

function pieces(sp: PacketSpace, set: BddNode): Array<{ text: string; set: BddNode }> {
  return sp.isEmpty(set) ? [] : sp.describeCubes(set);
}
