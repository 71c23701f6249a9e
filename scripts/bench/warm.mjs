#!/usr/bin/env node
// Parses and lints one dump several times in one process (after a build), to
// show the cost once V8 has optimized the code, next to the first (cold) round:
//   node scripts/bench/warm.mjs DUMP [ROUNDS]
import { readFileSync } from 'node:fs';
import { lintRound, loadLintStages } from './built.mjs';

const [file, rounds = '4'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/bench/warm.mjs DUMP [ROUNDS]');
  process.exit(2);
}
const stages = await loadLintStages();
const text = readFileSync(file, 'utf8');
for (let i = 0; i < Number(rounds); i++) {
  const { parse, lint, findings } = lintRound(stages, text, file);
  console.log(`round ${i + 1}: parse ${parse.toFixed(0)} ms, all checks ${lint.toFixed(0)} ms (${findings.length} findings)`);
}
