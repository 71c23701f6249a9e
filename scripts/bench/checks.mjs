#!/usr/bin/env node
// Time of each lint check on one dump, in one process (after a build), the
// checks in registry order sharing one lint context as `chainsmith lint` does:
// what several checks read (the jump graphs, the reachability analysis) is
// paid by the first check that asks for it.
//   node scripts/bench/checks.mjs DUMP
import { readFileSync } from 'node:fs';
import { loadBuilt, loadLintStages } from './built.mjs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/bench/checks.mjs DUMP');
  process.exit(2);
}
const { parseRuleset, CHECKS, buildAnalysis } = await loadLintStages();
const { createContext } = await loadBuilt('lint/context.js');
const { canRun } = await loadBuilt('lint/run.js');
let t = performance.now();
const { ruleset } = parseRuleset(readFileSync(file, 'utf8'), file);
console.log(`${'parse'.padEnd(8)} ${(performance.now() - t).toFixed(0).padStart(6)} ms`);
const opts = { analysis: buildAnalysis };
const ctx = createContext([ruleset], opts);
for (const check of CHECKS) {
  t = performance.now();
  // As lint without --topology: a check that needs one does not run.
  const n = canRun(check, opts) ? [...check.run(ctx)].length : 0;
  console.log(`${check.code.padEnd(8)} ${(performance.now() - t).toFixed(0).padStart(6)} ms  ${n} findings (before suppression)`);
}
