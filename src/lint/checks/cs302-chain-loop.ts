// CS302 chain-loop: chains that jump into each other in a cycle (the kernel
// refuses such a table with ELOOP). One finding per strongly connected
// component, at its first jump in rule order; the rest of one concrete cycle
// through that jump is listed as related locations.
import { catalogueEntry } from '../catalogue.js';
import { makeFinding } from '../finding.js';
import { jumpCycles } from '../jumps.js';
import type { Table } from '../../ruleset/model.js';
import type { Check, Finding, Jump, JumpGraph, LintContext } from '../types.js';

/** The jumps of a shortest path from `from` back to `to` inside the component (BFS). */
function pathBack(graph: JumpGraph, members: ReadonlySet<string>, from: string, to: string): Jump[] {
  if (from === to) return [];
  const via = new Map<string, Jump>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length) {
    const node = queue.shift()!;
    for (const j of graph.out.get(node) ?? []) {
      if (!members.has(j.to) || seen.has(j.to)) continue;
      seen.add(j.to);
      via.set(j.to, j);
      if (j.to === to) {
        const path: Jump[] = [];
        for (let n = to; n !== from; n = via.get(n)!.from.name) path.unshift(via.get(n)!);
        return path;
      }
      queue.push(j.to);
    }
  }
  return []; // unreachable inside a strongly connected component
}

function checkTable(ctx: LintContext, table: Table): Finding[] {
  const graph = ctx.jumps(table);
  const findings: Finding[] = [];
  for (const component of jumpCycles(graph)) {
    const members = new Set(component);
    // graph.jumps is in rule order, so the first intra-component jump is the earliest one written.
    const first = graph.jumps.find((j) => members.has(j.from.name) && members.has(j.to))!;
    const rest = pathBack(graph, members, first.to, first.from.name);
    const cycle = [first.from.name, first.to, ...rest.map((j) => j.to)].join(' -> ');
    findings.push(
      makeFinding(check, ctx.ruleLoc(first.rule, first.rule.target), `chains jump into each other in a cycle: ${cycle}; the kernel rejects the table (ELOOP)`, {
        subject: first.rule,
        related: rest.map((j) => ({ loc: ctx.ruleLoc(j.rule, j.rule.target), message: `${j.from.name} ${j.goto ? 'goes' : 'jumps'} to ${j.to}` })),
      }),
    );
  }
  return findings;
}

export const check: Check = {
  ...catalogueEntry('CS302'),
  run(ctx) {
    return ctx.rulesets.flatMap((rs) => rs.tables.flatMap((t) => checkTable(ctx, t)));
  },
};
