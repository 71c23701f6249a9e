// The lint glue: the SpaceAnalysis that the space-based checks (CS101, CS102,
// CS103, CS304) read, built once per lint run over the rulesets of one host or
// policy. Spaces come from spaces.ts so that every analysis of these rulesets
// (reach, verdicts) shares one encoding per rule: unmodelled stateful matches
// get fresh opaque variables, and encoding a rule twice would split them.
import type { Family, Rule, Ruleset, Table } from '../ruleset/model.js';
import type { SpaceAnalysis } from '../lint/types.js';
import type { PacketSpace } from '../space/index.js';
import { TableReach, type RuleReach } from './reach.js';
import { spaceFor } from './spaces.js';

export function buildAnalysis(rulesets: readonly Ruleset[]): SpaceAnalysis {
  const tables = new Map<Table, TableReach>();
  const space = (family: Family): PacketSpace => spaceFor(rulesets, family);
  const reachOf = (rs: Ruleset, table: Table): TableReach => {
    let t = tables.get(table);
    if (!t) tables.set(table, (t = new TableReach(space(rs.family), table)));
    return t;
  };
  return {
    space,
    chainReach: (rs, table, chain) => reachOf(rs, table).chainReach(chain),
    chainEntry: (rs, table, chain) => reachOf(rs, table).entrySet(chain),
  };
}

/** A rule no packet reaches because earlier rules of its chain take them all. */
export interface DeadRule {
  reach: RuleReach;
  /** Some blocker gives a different verdict than the rule (CS101), or all give the same (CS102). */
  conflicting: boolean;
}

/**
 * The rules CS101 and CS102 report. Rules that match nothing (CS103) and rules
 * whose chain is never entered by any packet they match (no blockers to name:
 * the jump into the chain is what is dead, and that jump is reported) are left out.
 * Found once per analysis (which memoizes the reach it reads anyway); the list
 * is shared by the callers, who must not modify it.
 */
export function deadRules(a: SpaceAnalysis, rulesets: readonly Ruleset[]): DeadRule[] {
  // CS101 and CS102 both ask, with the same analysis and rulesets: one walk over every rule.
  const known = deadRulesFound.get(a);
  if (known && known.rulesets === rulesets) return known.dead;
  const dead = findDeadRules(a, rulesets);
  deadRulesFound.set(a, { rulesets, dead });
  return dead;
}

const deadRulesFound = new WeakMap<SpaceAnalysis, { rulesets: readonly Ruleset[]; dead: DeadRule[] }>();

function findDeadRules(a: SpaceAnalysis, rulesets: readonly Ruleset[]): DeadRule[] {
  const out: DeadRule[] = [];
  for (const rs of rulesets) {
    const compiled = isCompiled(rs);
    for (const table of rs.tables)
      for (const chain of table.chains) {
        // An index loop, as in forEachRule (ruleset/model.ts): this runs once, cold, over every rule.
        const reach = a.chainReach(rs, table, chain);
        for (let i = 0; i < reach.length; i++) {
          const r = reach[i]!;
          if (r.empty || r.reachable || r.blockers.length === 0) continue;
          // A generated default (the LOG/DROP tail after a user's `deny any`) is dead because of a user rule; that is intended.
          if (compiled && isGeneratedDefault(r.rule)) continue;
          out.push({ reach: r, conflicting: r.blockers.some((b) => b.verdict !== r.action) });
        }
      }
  }
  return out;
}

/** A ruleset compiled from a policy: its rules carry the policy position they come from (`origin`). */
export function isCompiled(rs: Ruleset): boolean {
  return rs.tables.some((t) => t.chains.some((c) => c.rules.some((r) => r.origin !== undefined)));
}

/**
 * A rule of a compiled policy that the `defaults` block generated (loopback,
 * established, invalid, the LOG and DROP tail) rather than a policy rule: the
 * compiler comments it `FILE: default WHAT`, and gives an implicit default the
 * top of the policy (line 1, column 1, no span) as its origin. With
 * `--no-comments`, explicit defaults cannot be told apart and are treated as rules.
 */
export function isGeneratedDefault(rule: Rule): boolean {
  const o = rule.origin;
  if (!o) return true;
  if (o.line === 1 && o.column === 1 && o.endColumn === undefined) return true;
  const comment = rule.matches.find((m) => m.module === 'comment')?.options[0]?.args[0];
  return comment !== undefined && /: default [a-z0-9-]+$/.test(comment);
}
