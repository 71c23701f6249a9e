#!/usr/bin/env node
// Time of each lint check on one dump, in one process (after a build):
//   node scripts/bench/checks.mjs DUMP
import { readFileSync } from 'node:fs';
import { loadLintStages } from './built.mjs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/bench/checks.mjs DUMP');
  process.exit(2);
}
const { parseRuleset, CHECKS, lintRulesets, buildAnalysis } = await loadLintStages();
let t = performance.now();
const { ruleset } = parseRuleset(readFileSync(file, 'utf8'), file);
console.log(`${'parse'.padEnd(8)} ${(performance.now() - t).toFixed(0).padStart(6)} ms`);
const analysis = buildAnalysis([ruleset]);
for (const check of CHECKS) {
  t = performance.now();
  const n = lintRulesets([ruleset], { analysis: () => analysis }, [check]).length;
  console.log(`${check.code.padEnd(8)} ${(performance.now() - t).toFixed(0).padStart(6)} ms  ${n} findings`);
}
