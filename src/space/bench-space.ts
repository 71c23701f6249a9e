// Micro-benchmark of the packet-space engine: encodes N host-to-host rules
// (`-s 10.10.x.y/32 -d 10.20.y.x/32 -p tcp -m tcp --dport P`, N = 100000 by
// default) and computes first-match reachability for every rule, then prints
// time and memory. Run: npx tsx src/space/bench-space.ts [N] [--naive]
// (--naive also times the textbook "remaining" set, for comparison).
import type { Rule } from '../ruleset/model.js';
import { firstMatch, reachability } from './first-match.js';
import { PacketSpace } from './packet-space.js';

function hostRules(n: number): Rule[] {
  const loc = { file: 'bench', line: 1, column: 1 };
  const rules: Rule[] = [];
  for (let i = 0; i < n; i++) {
    // Every 1000th rule repeats the one 500 before it, so some rules really are shadowed.
    const k = i % 1000 === 999 ? i - 500 : i;
    const x = (k >> 8) & 255;
    const y = k & 255;
    rules.push({
      loc: { ...loc, line: i + 1 },
      src: { value: `10.10.${x}.${y}/32`, negated: false },
      dst: { value: `10.20.${y}.${x}/32`, negated: false },
      proto: { value: 'tcp', negated: false },
      matches: [{ module: 'tcp', options: [{ name: 'dport', negated: false, args: [String(1 + (k % 1000))] }] }],
    });
  }
  // A few broad rules at the end: each overlaps everything before it.
  rules.push({ loc, src: { value: '10.10.0.0/16', negated: false }, proto: { value: 'tcp', negated: false }, matches: [] });
  rules.push({ loc, dst: { value: '10.20.0.0/16', negated: false }, matches: [] });
  return rules;
}

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0) + ' MiB';
}

const n = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 100000);
const naive = process.argv.includes('--naive');
const rules = hostRules(n);

let t = performance.now();
const sp = new PacketSpace('ipv4', { capacity: rules.length * 96 });
const sets = rules.map((r) => sp.ruleMatch(r).set);
const encodeMs = performance.now() - t;
const nodesAfterEncode = sp.bdd.nodeCount;

t = performance.now();
const lint = reachability(sp, sets);
const lintMs = performance.now() - t;
const unreachable = lint.filter((r) => !r.reachable).length;
console.log(`rules:            ${rules.length}`);
console.log(`encode:           ${encodeMs.toFixed(0)} ms (${nodesAfterEncode} BDD nodes)`);
console.log(`reachability:     ${lintMs.toFixed(0)} ms (${sp.bdd.nodeCount} nodes, ${unreachable} unreachable rules) <- what the lint needs`);

t = performance.now();
const reach = firstMatch(sp, sets);
const reachMs = performance.now() - t;
const dead = reach.filter((r) => sp.isEmpty(r.reach)).length;
const overlaps = reach.reduce((a, r) => a + r.overlaps.length, 0);

console.log(`exact reach sets:      ${reachMs.toFixed(0)} ms (${sp.bdd.nodeCount} nodes, ${overlaps} overlapping pairs, ${dead} unreachable rules)`);
console.log(`last rule reach:  ${sp.describe(reach[reach.length - 1]!.reach).slice(0, 3).join(' | ')} ...`);

if (naive) {
  t = performance.now();
  let remaining = sp.all();
  let deadNaive = 0;
  for (const s of sets) {
    if (sp.isEmpty(sp.and(remaining, s))) deadNaive++;
    remaining = sp.diff(remaining, s);
  }
  console.log(`naive remaining:  ${(performance.now() - t).toFixed(0)} ms (${sp.bdd.nodeCount} nodes, ${deadNaive} unreachable)`);
}

const mem = process.memoryUsage();
console.log(`memory:           rss ${mb(mem.rss)}, BDD tables ${mb(sp.bdd.stats().bytes)}, heap ${mb(mem.heapUsed)}`);
