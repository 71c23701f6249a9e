// The structural half of a diff: what changed in the canonical text, per
// table and chain. Both sides are canonical (see inputs.ts), so every line
// that differs is a real difference, never a spelling one.
//
// A rule that disappears at one position and appears, identical, at another
// is reported as moved, not as one removal plus one addition: a reviewer
// wants to see "this rule now comes before that one", which is what can
// change behaviour, rather than hunt for its twin.
import { diffArrays, type StructuredPatchHunk } from 'diff';
import type { Family, Rule, Ruleset, Table } from '../ruleset/model.js';
import { printRuleset } from '../ruleset/print.js';

export interface RuleMove {
  rule: string;
  /** 1-based positions in the chain (as `iptables -L --line-numbers` counts). */
  from: number;
  to: number;
}

export interface ChainChange {
  family: Family;
  table: string;
  chain: string;
  /** Set when the chain exists on one side only. */
  status?: 'added' | 'removed';
  /** Built-in chain policy change. */
  policy?: { old: string; new: string };
  added: string[];
  removed: string[];
  moved: RuleMove[];
}

export interface TablePatch {
  family: Family;
  table: string;
  /** Set when the table exists on one side only. */
  status?: 'added' | 'removed';
  hunks: StructuredPatchHunk[];
}

export interface StructuralDiff {
  chains: ChainChange[];
  /** Unified-diff hunks of each table's canonical text, for the text report. */
  patches: TablePatch[];
  /** NEW's rules that the line diff kept unchanged, each mapped to its OLD twin. */
  unchanged: Map<Rule, Rule>;
}

/** Tables in the order the canonical form prints them (OLD's order first, then tables only NEW has). */
function unionByName<T extends { name: string }>(a: readonly T[], b: readonly T[]): string[] {
  const names = a.map((x) => x.name);
  for (const x of b) if (!names.includes(x.name)) names.push(x.name);
  return names;
}

export function structuralDiff(family: Family, oldRs: Ruleset, newRs: Ruleset): StructuralDiff {
  const out: StructuralDiff = { chains: [], patches: [], unchanged: new Map() };
  for (const tableName of unionByName(oldRs.tables, newRs.tables)) {
    const ot = oldRs.tables.find((t) => t.name === tableName);
    const nt = newRs.tables.find((t) => t.name === tableName);
    const o = tableLines(family, ot);
    const n = tableLines(family, nt);
    // One line diff per table gives both the unified hunks and the per-chain changes.
    const edits = lineEdits(o.lines, n.lines);
    for (const e of edits) {
      const nr = e.kind === 'keep' ? n.rules[e.newIndex] : undefined;
      if (nr) out.unchanged.set(nr.rule, o.rules[e.index]!.rule);
    }
    const hunks = unifiedHunks(o.lines, n.lines, edits, 3);
    if (hunks.length) out.patches.push({ family, table: tableName, ...(!ot ? { status: 'added' } : !nt ? { status: 'removed' } : {}), hunks });
    const byChain = new Map<string, ChainChange>();
    const changeOf = (chain: string): ChainChange => {
      let c = byChain.get(chain);
      if (!c) byChain.set(chain, (c = { family, table: tableName, chain, added: [], removed: [], moved: [] }));
      return c;
    };
    for (const name of unionByName(ot?.chains ?? [], nt?.chains ?? [])) {
      const oc = ot?.chains.find((c) => c.name === name);
      const nc = nt?.chains.find((c) => c.name === name);
      if (!oc) changeOf(name).status = 'added';
      else if (!nc) changeOf(name).status = 'removed';
      else if (oc.builtin && nc.builtin && (oc.policy ?? 'ACCEPT') !== (nc.policy ?? 'ACCEPT'))
        changeOf(name).policy = { old: oc.policy ?? 'ACCEPT', new: nc.policy ?? 'ACCEPT' };
    }
    // Pair each removed rule with the first unpaired identical added one: a move
    // (the text starts with `-A CHAIN`, so a twin is always in the same chain).
    const addedByText = new Map<string, number[]>();
    for (const e of edits) if (e.kind === 'add' && n.rules[e.index]) addedByText.set(n.lines[e.index]!, [...(addedByText.get(n.lines[e.index]!) ?? []), e.index]);
    const paired = new Set<number>();
    for (const e of edits) {
      const r = e.kind === 'remove' ? o.rules[e.index] : undefined;
      if (!r) continue;
      const text = o.lines[e.index]!;
      const twin = addedByText.get(text)?.shift();
      if (twin === undefined) changeOf(r.chain).removed.push(text);
      else {
        paired.add(twin);
        changeOf(r.chain).moved.push({ rule: text, from: r.position, to: n.rules[twin]!.position });
      }
    }
    for (const e of edits) {
      const r = e.kind === 'add' ? n.rules[e.index] : undefined;
      if (r && !paired.has(e.index)) changeOf(r.chain).added.push(n.lines[e.index]!);
    }
    // In canonical chain order, the order the tables print them.
    for (const name of unionByName(ot?.chains ?? [], nt?.chains ?? [])) {
      const c = byChain.get(name);
      if (c) out.chains.push(c);
    }
  }
  return out;
}

interface TableLines {
  /** The table's canonical text, one entry per line. */
  lines: string[];
  /** For each line that is a rule: its chain and 1-based position there. */
  rules: Array<{ chain: string; position: number; rule: Rule } | undefined>;
}

function tableLines(family: Family, t: Table | undefined): TableLines {
  if (!t) return { lines: [], rules: [] };
  const lines = printRuleset({ family, file: '', tables: [t] }).split('\n');
  lines.pop(); // the text ends with a newline
  const rules: TableLines['rules'] = new Array(lines.length).fill(undefined);
  // printRuleset: `*table`, the chain lines, then each chain's rules in chain order, then COMMIT.
  let i = 1 + t.chains.length;
  for (const c of t.chains) c.rules.forEach((rule, k) => (rules[i++] = { chain: c.name, position: k + 1, rule }));
  return { lines, rules };
}

type Edit = { kind: 'keep'; index: number; newIndex: number } | { kind: 'remove'; index: number } | { kind: 'add'; index: number };

/** The line edits from the `diff` package's Myers diff (fast when few lines differ). */
function lineEdits(a: string[], b: string[]): Edit[] {
  const edits: Edit[] = [];
  let i = 0;
  let j = 0;
  for (const part of diffArrays(a, b)) {
    for (let k = 0; k < part.value.length; k++) {
      if (part.removed) edits.push({ kind: 'remove', index: i++ });
      else if (part.added) edits.push({ kind: 'add', index: j++ });
      else edits.push({ kind: 'keep', index: i++, newIndex: j++ });
    }
  }
  return edits;
}

/** Unified-diff hunks with `context` lines around each change (what `diff -u` prints). */
function unifiedHunks(a: string[], b: string[], edits: Edit[], context: number): StructuredPatchHunk[] {
  const hunks: StructuredPatchHunk[] = [];
  const changed = edits.map((e) => e.kind !== 'keep');
  let k = 0;
  while (k < edits.length) {
    if (!changed[k]) {
      k++;
      continue;
    }
    // Extend the hunk while the next change is within 2*context kept lines.
    let start = Math.max(0, k - context);
    let end = k;
    for (;;) {
      while (end < edits.length && changed[end]) end++;
      let next = end;
      while (next < edits.length && !changed[next]) next++;
      if (next < edits.length && next - end <= 2 * context) end = next;
      else break;
    }
    const stop = Math.min(edits.length, end + context);
    const lines: string[] = [];
    let oldStart = -1;
    let newStart = -1;
    let oldLines = 0;
    let newLines = 0;
    for (let x = start; x < stop; x++) {
      const e = edits[x]!;
      if (e.kind === 'keep') {
        if (oldStart < 0) oldStart = e.index;
        if (newStart < 0) newStart = e.newIndex;
        lines.push(' ' + a[e.index]);
        oldLines++;
        newLines++;
      } else if (e.kind === 'remove') {
        if (oldStart < 0) oldStart = e.index;
        lines.push('-' + a[e.index]);
        oldLines++;
      } else {
        if (newStart < 0) newStart = e.index;
        lines.push('+' + b[e.index]);
        newLines++;
      }
    }
    // A side with no lines in the hunk is numbered by the line before it, as diff -u does.
    if (oldStart < 0) oldStart = positionBefore(edits, start, 'old');
    if (newStart < 0) newStart = positionBefore(edits, start, 'new');
    hunks.push({ oldStart: oldLines ? oldStart + 1 : oldStart, oldLines, newStart: newLines ? newStart + 1 : newStart, newLines, lines });
    k = stop;
    start = stop;
  }
  return hunks;
}

/** How many old (or new) lines precede edit `at`. */
function positionBefore(edits: Edit[], at: number, side: 'old' | 'new'): number {
  let n = 0;
  for (let x = 0; x < at; x++) {
    const e = edits[x]!;
    if (e.kind === 'keep' || (side === 'old' ? e.kind === 'remove' : e.kind === 'add')) n++;
  }
  return n;
}
