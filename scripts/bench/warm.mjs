#!/usr/bin/env node
// Parses and lints one dump several times in one process (after a build), to
// show the cost once V8 has optimized the code, next to the first (cold) round:
//   node scripts/bench/warm.mjs DUMP [ROUNDS]
import { readFileSync } from 'node:fs';
import { loadLintStages } from './built.mjs';

const [file, rounds = '4'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/bench/warm.mjs DUMP [ROUNDS]');
  process.exit(2);
}
const { parseRuleset, CHECKS, lintRulesets, buildAnalysis } = await loadLintStages();
const text = readFileSync(file, 'utf8');
for (let i = 0; i < Number(rounds); i++) {
  let t = performance.now();
  const { ruleset } = parseRuleset(text, file);
  const parse = performance.now() - t;
  t = performance.now();
  const n = lintRulesets([ruleset], { analysis: buildAnalysis }, CHECKS).length;
  console.log(`round ${i + 1}: parse ${parse.toFixed(0)} ms, all checks ${(performance.now() - t).toFixed(0)} ms (${n} findings)`);
}
