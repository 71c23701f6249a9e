#!/usr/bin/env node
// Per-stage times of one compile (parse, topology, resolve, generate, print), to
// see where `chainsmith compile` spends its time. Run after a build:
//   node scripts/bench/stages.mjs POLICY TOPOLOGY
import { readFileSync } from 'node:fs';
import { loadBuilt as load } from './built.mjs';

const [policyFile, topologyFile] = process.argv.slice(2);
if (!policyFile || !topologyFile) {
  console.error('usage: node scripts/bench/stages.mjs POLICY TOPOLOGY');
  process.exit(2);
}
const t0 = performance.now();
const { parsePolicy } = await load('policy/parse.js');
const { resolvePolicy } = await load('policy/resolve.js');
const { loadTopology } = await load('topology/load.js');
const { generate } = await load('compile/generate.js');
const { printRuleset } = await load('ruleset/print.js');
let t = performance.now();
const rows = [['module load', t - t0]];
const lap = (name) => {
  const now = performance.now();
  rows.push([name, now - t]);
  t = now;
};
const text = readFileSync(policyFile, 'utf8');
const { ast } = parsePolicy(text, policyFile);
lap('parse (lex, CST, AST)');
const topology = loadTopology(topologyFile);
lap('topology');
const { policy } = resolvePolicy(ast, topology);
lap('resolve');
const { rulesets } = generate(policy, {});
lap('generate');
let bytes = 0;
for (const rs of rulesets) bytes += printRuleset(rs).length;
lap('print');
for (const [name, ms] of rows) console.log(`${name.padEnd(24)} ${ms.toFixed(0).padStart(6)} ms`);
console.log(`${'output'.padEnd(24)} ${String(bytes).padStart(6)} bytes`);
