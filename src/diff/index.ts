// `chainsmith diff OLD NEW`: the structural diff of the canonical forms and
// the semantic diff of the verdicts, per family both sides have.
//
// "Equivalent" means: every packet gets the same verdict in every built-in
// chain of every table, AND no changed rule does something the verdict sets do
// not capture. The second part matters for targets that rewrite packets or
// state (DNAT, SNAT, MARK, CONNMARK, CT, TTL, SET ...): a changed DNAT address
// leaves every verdict as it was, yet the change is real. Such rules are listed
// in `unmodelled` and make the result "different". LOG/NFLOG changes and pure
// reorderings that keep every verdict are equivalent.
import type { Family, Rule, Ruleset, Table } from '../ruleset/model.js';
import { formatRule } from '../ruleset/print.js';
import { targetKind } from '../analysis/targets.js';
import { FAMILIES, type DiffSide } from './inputs.js';
import { structuralDiff, type ChainChange, type TablePatch } from './structural.js';
import { semanticDiff, type ChainSemantic, type SemanticOptions } from './semantic.js';

export type { DiffSide } from './inputs.js';

export interface UnmodelledChange {
  family: Family;
  table: string;
  chain: string;
  rule: string;
  change: 'added' | 'removed' | 'moved';
}

export interface DiffResult {
  version: 1;
  equivalent: boolean;
  old: string;
  new: string;
  /** Families that were compared (both sides have them). */
  families: Family[];
  /** Families only one side has: not compared. */
  notCompared: Array<{ family: Family; onlyIn: 'old' | 'new' }>;
  structural: ChainChange[];
  semantic: ChainSemantic[];
  unmodelled: UnmodelledChange[];
  /** For the text report: unified hunks per table. */
  patches: TablePatch[];
}

export interface DiffOptions extends SemanticOptions {
  /**
   * Compare only the tables NEW has (plan/apply: iptables-restore replaces only
   * the tables in its input, so the host's other tables stay as they are).
   */
  onlyNewTables?: boolean;
}

/** Targets whose effect is fully described by the verdict sets (or by nothing at all). */
const VERDICT_ONLY_TARGETS: ReadonlySet<string> = new Set(['ACCEPT', 'DROP', 'REJECT', 'RETURN', 'LOG', 'NFLOG', 'ULOG', 'QUEUE', 'NFQUEUE']);

export function diffSides(oldSide: DiffSide, newSide: DiffSide, opts: DiffOptions = {}): DiffResult {
  const res: DiffResult = {
    version: 1,
    equivalent: true,
    old: oldSide.name,
    new: newSide.name,
    families: [],
    notCompared: [],
    structural: [],
    semantic: [],
    unmodelled: [],
    patches: [],
  };
  for (const family of FAMILIES) {
    let o = oldSide.rulesets[family];
    const n = newSide.rulesets[family];
    if (!o && !n) continue;
    if (!o || !n) {
      res.notCompared.push({ family, onlyIn: o ? 'old' : 'new' });
      continue;
    }
    if (opts.onlyNewTables) o = { ...o, tables: o.tables.filter((t) => n.tables.some((x) => x.name === t.name)) };
    res.families.push(family);
    const s = structuralDiff(family, o, n);
    res.structural.push(...s.chains);
    res.patches.push(...s.patches);
    res.semantic.push(...semanticDiff(family, o, n, { ...opts, unchanged: s.unchanged }));
    res.unmodelled.push(...unmodelledChanges(o, n, s.chains));
  }
  res.equivalent = res.semantic.length === 0 && res.unmodelled.length === 0;
  return res;
}

/** Changed rules whose target does more than decide a verdict (see the file comment). */
function unmodelledChanges(o: Ruleset, n: Ruleset, changes: readonly ChainChange[]): UnmodelledChange[] {
  const out: UnmodelledChange[] = [];
  for (const c of changes) {
    const check = (rs: Ruleset, text: string, change: UnmodelledChange['change']) => {
      const table = rs.tables.find((t) => t.name === c.table);
      const rule = table?.chains.find((x) => x.name === c.chain)?.rules.find((r) => formatRule(c.chain, r) === text);
      if (table && rule && rewritesPackets(rule, table)) out.push({ family: c.family, table: c.table, chain: c.chain, rule: text, change });
    };
    for (const text of c.removed) check(o, text, 'removed');
    for (const text of c.added) check(n, text, 'added');
    for (const m of c.moved) check(n, m.rule, 'moved');
  }
  return out;
}

function rewritesPackets(rule: Rule, table: Table): boolean {
  if (!rule.target) return false;
  const k = targetKind(rule, table);
  if (k.kind === 'jump' || k.kind === 'goto') return false;
  return !VERDICT_ONLY_TARGETS.has(rule.target.name);
}
