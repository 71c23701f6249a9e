// The jump graph of a table: which chain jumps (or goes) to which. CS301, CS302
// and CS303 read it, and so does CS203 (is a LOG chain only reached rate-limited?).
import type { Table } from '../ruleset/model.js';
import { isTargetName } from './targets.js';
import type { Jump, JumpGraph } from './types.js';

export function buildJumpGraph(table: Table): JumpGraph {
  const jumps: Jump[] = [];
  const out = new Map<string, Jump[]>();
  const into = new Map<string, Jump[]>();
  for (const chain of table.chains) {
    // An index loop: this runs once per table, cold, over every rule (see forEachRule in ruleset/model.ts).
    const rules = chain.rules;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      const t = rule.target;
      // A goto always names a chain; a jump does unless it names a verdict or an extension target.
      if (!t || (!t.goto && isTargetName(t.name))) continue;
      const jump: Jump = { from: chain, rule, to: t.name, goto: t.goto };
      jumps.push(jump);
      push(out, chain.name, jump);
      push(into, t.name, jump);
    }
  }
  return { table, jumps, out, in: into };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Strongly connected components of the chain graph (Tarjan), each as chain names
 * in discovery order. Only components that contain a cycle are returned: two or
 * more chains, or one chain that jumps to itself.
 */
export function jumpCycles(graph: JumpGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let next = 0;
  const defined = new Set(graph.table.chains.map((c) => c.name));

  // Iterative, so a deep chain of chains (kube-proxy dumps have thousands) cannot overflow the call stack.
  const visit = (root: string): void => {
    const work: { node: string; edge: number }[] = [{ node: root, edge: 0 }];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const frame = work[work.length - 1]!;
      const edges = (graph.out.get(frame.node) ?? []).filter((j) => defined.has(j.to));
      if (frame.edge < edges.length) {
        const to = edges[frame.edge++]!.to;
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, edge: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = (graph.out.get(frame.node) ?? []).some((j) => j.to === frame.node);
        if (component.length > 1 || selfLoop) cycles.push(component.reverse());
      }
    }
  };

  for (const chain of graph.table.chains) if (!index.has(chain.name)) visit(chain.name);
  return cycles;
}
