#!/usr/bin/env node
// Checks the benchmark's own generators and helpers (no chainsmith, no peers):
//   node scripts/bench/selftest.mjs
// The figures in BENCHMARKS.md are only as good as the inputs behind them.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ruleTuple, hostAddress } from './hosts.mjs';
import { compilePolicyText, fermText } from './gen-compile.mjs';
import { dumpChains, mutateTenRules, renderDump } from './gen-dump.mjs';
import { counterMac, writeUnmaskedTum } from './tum.mjs';
import { compareRulesets } from './equivalence.mjs';
import { writeGeneratedSection, START_MARKER, END_MARKER, resultsTable } from './report.mjs';

const tests = [];
const test = (name, fn) => tests.push({ name, fn });
const ruleLines = (text) => text.split('\n').filter((l) => l.startsWith('-A '));

test('rule tuples are distinct for 100,000 rules', () => {
  const seen = new Set();
  for (let i = 0; i < 100_000; i++) {
    const t = ruleTuple(i);
    seen.add(`${hostAddress('10.10', t.src)} ${hostAddress('10.20', t.dst)} ${t.port}`);
    assert.ok(t.port >= 1024 && t.port <= 65535);
  }
  assert.equal(seen.size, 100_000);
});

test('policy and ferm file have one rule per index', () => {
  const policy = compilePolicyText(1000).split('\n').filter((l) => l.startsWith('allow '));
  const ferm = fermText(1000).split('\n').filter((l) => l.includes(' saddr '));
  assert.equal(policy.length, 1000);
  assert.equal(ferm.length, 1000);
  assert.equal(new Set(policy).size, 1000);
  assert.match(policy[0], /^allow web:10\.10\.1\.1 -> app:10\.20\.1\.1 tcp\/1024$/);
});

test('a generated dump has exactly the asked number of rules, with jumps, RETURNs and repeats', () => {
  for (const n of [1000, 10_000, 100_000]) {
    const text = renderDump(dumpChains(n), 't');
    const rules = ruleLines(text);
    assert.equal(rules.length, n);
    assert.ok(rules.some((r) => /^-A FORWARD -i br0\.10 -o br0\.20 -j web-app$/.test(r)));
    // Pair chains of 1,000 rules are too short (32 rules) for the one-in-97 RETURN.
    if (n >= 10_000) assert.ok(rules.some((r) => / -j RETURN$/.test(r)));
    // Every jump target is declared.
    const declared = new Set(text.split('\n').filter((l) => l.startsWith(':')).map((l) => l.slice(1).split(' ')[0]));
    for (const r of rules) {
      const j = r.match(/ -j (\S+)$/)?.[1];
      if (j && !['ACCEPT', 'DROP', 'RETURN', 'LOG'].includes(j)) assert.ok(declared.has(j), j);
    }
    if (n === 100_000) assert.ok(rules.length - new Set(rules).size >= 90, 'repeats for the redundancy checks');
  }
});

test('the diff pair keeps the rule count and differs in exactly ten rules', () => {
  const before = ruleLines(renderDump(dumpChains(10_000), 'old'));
  const after = ruleLines(renderDump(mutateTenRules(dumpChains(10_000)), 'new'));
  assert.equal(after.length, 10_000);
  const count = (xs) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map());
  const a = count(before);
  const b = count(after);
  let removed = 0;
  let added = 0;
  for (const [k, v] of a) removed += Math.max(0, v - (b.get(k) ?? 0));
  for (const [k, v] of b) added += Math.max(0, v - (a.get(k) ?? 0));
  // 4 changed (each one out, one in) + 3 removed + 3 added.
  assert.equal(removed, 7);
  assert.equal(added, 7);
});

test('TUM MACs become distinct valid MACs in a copy; the source is untouched', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cs-bench-selftest-'));
  try {
    const src = join(dir, 'in.rules');
    const original = '-A m -m mac --mac-source XX:XX:XX:XX:XX:XX -j RETURN\n'.repeat(300);
    writeFileSync(src, original);
    const { path, replaced } = writeUnmaskedTum(src, join(dir, 'out'));
    assert.equal(replaced, 300);
    assert.equal(readFileSync(src, 'utf8'), original);
    const macs = readFileSync(path, 'utf8').match(/--mac-source (\S+)/g);
    assert.equal(new Set(macs).size, 300);
    assert.match(counterMac(258), /^02:00:00:00:01:02$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the equivalence check accepts respelled rules and catches a changed port', () => {
  const ferm = '-A FORWARD --in-interface br0.10 --out-interface br0.20 --source 10.10.1.1 --destination 10.20.1.1 --protocol tcp --dport 1024 --jump ACCEPT\n' +
    '-A FORWARD --match conntrack --ctstate ESTABLISHED,RELATED --jump ACCEPT\n';
  const cs = '-A FORWARD -s 10.10.1.1/32 -d 10.20.1.1/32 -i br0.10 -o br0.20 -p tcp -m tcp --dport 1024 -m comment --comment "b.policy:12" -j ACCEPT\n' +
    '-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n';
  assert.deepEqual(compareRulesets(ferm, cs), { same: true, rules: 2 });
  assert.equal(compareRulesets(ferm, cs.replace('--dport 1024', '--dport 1025')).same, false);
});

test('--write replaces only the marked section', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cs-bench-selftest-'));
  try {
    const f = join(dir, 'B.md');
    writeFileSync(f, `# T\nprose\n${START_MARKER}\nold\n${END_MARKER}\ntail\n`);
    writeGeneratedSection(f, 'new\n');
    assert.equal(readFileSync(f, 'utf8'), `# T\nprose\n${START_MARKER}\nnew\n${END_MARKER}\ntail\n`);
    writeFileSync(f, 'no markers\n');
    assert.throws(() => writeGeneratedSection(f, 'x'), /no <!-- bench:start -->/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cells that were not measured never show a figure', () => {
  const table = resultsTable([
    { suite: 'lint', input: 'x', tool: 'chainsmith lint', result: { pending: 'no `lint` command yet' } },
    { suite: 'diff', input: 'y', tool: 'chainsmith diff', result: { error: 'exit 2: boom | pipe' } },
  ]);
  assert.match(table, /not measured yet \(no `lint` command yet\) \|  \|  \|  \|/);
  assert.match(table, /n\/a \(error: exit 2: boom \\\| pipe\)/);
});

let passed = 0;
let failed = 0;
for (const { name, fn } of tests) {
  try {
    fn();
    passed++;
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n  ${e.message}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
