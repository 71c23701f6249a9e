// One PacketSpace per (input, family), and one encoding per rule per space.
//
// Both are memoized on purpose, not only for speed: an unmodelled match that
// is not a deterministic function of the packet (`-m limit`, `-m recent`)
// gets a FRESH opaque variable each time a rule is encoded (see
// src/space/encode.ts), so encoding the same rule twice would make it look
// like two unrelated predicates. Every analysis over the same rulesets must
// therefore go through matchOf() on the space from spaceFor().
//
// The lint glue (lint-analysis.ts) hands the checks spaceFor(ctx.rulesets,
// family); explain and the diff build their own spaces per input.
import type { Family, Rule, Ruleset } from '../ruleset/model.js';
import { FALSE, PacketSpace, type BddNode, type RuleMatch } from '../space/index.js';
import { cachedRuleBox, isOpaqueLiteral } from './box.js';

const spaces = new WeakMap<readonly Ruleset[], Map<Family, PacketSpace>>();
const matches = new WeakMap<PacketSpace, WeakMap<Rule, RuleMatch>>();

/**
 * The space for one family of these rulesets (its interface alphabet covers
 * all of them, plus `lo`, which checks and examples name even when no rule does).
 * The first call for (rulesets, family) decides the alphabet.
 */
export function spaceFor(rulesets: readonly Ruleset[], family: Family, extraInterfaces: Iterable<string> = []): PacketSpace {
  let byFamily = spaces.get(rulesets);
  if (!byFamily) spaces.set(rulesets, (byFamily = new Map()));
  let sp = byFamily.get(family);
  if (!sp) {
    sp = PacketSpace.forRulesets(family, rulesets.filter((rs) => rs.family === family), ['lo', ...extraInterfaces]);
    byFamily.set(family, sp);
  }
  return sp;
}

/** Whether matchOf has encoded the rule in this space (its opaque variables exist). */
export function isEncoded(sp: PacketSpace, rule: Rule): boolean {
  return matches.get(sp)?.has(rule) ?? false;
}

/** sp.ruleMatch(rule), computed once per rule and space. */
export function matchOf(sp: PacketSpace, rule: Rule): RuleMatch {
  let bySpace = matches.get(sp);
  if (!bySpace) matches.set(sp, (bySpace = new WeakMap()));
  let m = bySpace.get(rule);
  if (!m) bySpace.set(rule, (m = sp.ruleMatch(rule)));
  return m;
}

/** What a rule matches whatever the unmodelled predicates say (`surely`), and for some of their values (`maybe`). */
export interface MatchBounds {
  surely: BddNode;
  maybe: BddNode;
}

const bounds = new WeakMap<PacketSpace, WeakMap<Rule, MatchBounds>>();
const cores = new WeakMap<PacketSpace, WeakMap<Rule, BddNode>>();

/**
 * certainly(match) and possibly(match), without opaque variables. An
 * opaque-only rule (box.ts: its box AND positive opaque literals) surely
 * matches nothing and maybe matches its box: both come without ever encoding
 * the opaque literals, which would copy the space's domain under each one.
 */
export function matchBounds(sp: PacketSpace, rule: Rule): MatchBounds {
  let bySpace = bounds.get(sp);
  if (!bySpace) bounds.set(sp, (bySpace = new WeakMap()));
  let b = bySpace.get(rule);
  if (!b) {
    const box = cachedRuleBox(rule, sp.family);
    if (box.opaqueOnly) b = { surely: FALSE, maybe: box.empty ? FALSE : coreOf(sp, rule) };
    else {
      const m = matchOf(sp, rule);
      b = m.approximated.length ? { surely: sp.certainly(m.set), maybe: sp.possibly(m.set) } : { surely: m.set, maybe: m.set };
    }
    bySpace.set(rule, b);
  }
  return b;
}

/** The rule's match with its opaque-literal matches left out: possibly(match) for an opaque-only rule. */
export function coreOf(sp: PacketSpace, rule: Rule): BddNode {
  let bySpace = cores.get(sp);
  if (!bySpace) cores.set(sp, (bySpace = new WeakMap()));
  let c = bySpace.get(rule);
  if (c === undefined) {
    c = sp.ruleMatch({ ...rule, matches: rule.matches.filter((m) => !isOpaqueLiteral(m)) }).set;
    bySpace.set(rule, c);
  }
  return c;
}
