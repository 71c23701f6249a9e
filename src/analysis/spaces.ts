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
import { PacketSpace, type RuleMatch } from '../space/index.js';

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

/** sp.ruleMatch(rule), computed once per rule and space. */
export function matchOf(sp: PacketSpace, rule: Rule): RuleMatch {
  let bySpace = matches.get(sp);
  if (!bySpace) matches.set(sp, (bySpace = new WeakMap()));
  let m = bySpace.get(rule);
  if (!m) bySpace.set(rule, (m = sp.ruleMatch(rule)));
  return m;
}
