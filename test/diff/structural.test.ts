// Structural diff: unified hunks of canonical text, moves, policies, chains
// and tables present on one side only; and the diff CLI's exit codes and JSON.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { structuredPatch } from 'diff';
import { parseDump } from '../../src/diff/inputs.js';
import { structuralDiff } from '../../src/diff/structural.js';
import { printRuleset } from '../../src/ruleset/print.js';
import { cli, hasStackTrace } from '../cli/run.js';

const A = `*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:old-only - [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -i br0.10 -o br0.30 -p tcp --destination-port 3306 -j ACCEPT
-A FORWARD -i br0.10 -o br0.20 -p tcp -m tcp --dport 8080 -j ACCEPT
-A FORWARD -i br0.20 -o br0.30 -p tcp -m tcp --dport 5432 -j ACCEPT
-A old-only -j DROP
COMMIT
`;
const B = `*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:new-only - [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -i br0.10 -o br0.20 -p tcp -m tcp --dport 8080 -j ACCEPT
-A FORWARD -i br0.20 -o br0.30 -p tcp -m tcp --dport 5432 -j ACCEPT
-A FORWARD -i br0.10 -o br0.30 -p tcp -m tcp --dport 3306 -j ACCEPT
-A FORWARD -p udp -j DROP
-A new-only -j ACCEPT
COMMIT
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT
`;

test('per chain: spelling is not a change; moves, policies, one-sided chains and tables are', () => {
  const a = parseDump(A, 'a.rules');
  const b = parseDump(B, 'b.rules');
  const s = structuralDiff('ipv4', a, b);
  const byChain = new Map(s.chains.map((c) => [`${c.table}/${c.chain}`, c]));
  const fwd = byChain.get('filter/FORWARD')!;
  assert.equal(fwd.policy, { old: 'DROP', new: 'ACCEPT' });
  assert.equal(fwd.removed, []);
  assert.equal(fwd.added, ['-A FORWARD -p udp -j DROP']);
  assert.equal(fwd.moved, [{ rule: '-A FORWARD -i br0.10 -o br0.30 -p tcp -m tcp --dport 3306 -j ACCEPT', from: 2, to: 4 }]);
  assert.equal(byChain.get('filter/old-only')!.status, 'removed');
  assert.equal(byChain.get('filter/old-only')!.removed, ['-A old-only -j DROP']);
  assert.equal(byChain.get('filter/new-only')!.status, 'added');
  assert.equal(byChain.get('raw/PREROUTING')!.status, 'added');
  assert.equal(s.patches.map((p) => [p.table, p.status ?? '']), [['filter', ''], ['raw', 'added']]);
});

test('hunks are what the diff package prints for the canonical texts', () => {
  const a = parseDump(A, 'a.rules');
  const b = parseDump(B, 'b.rules');
  const mine = structuralDiff('ipv4', a, b).patches[0]!.hunks;
  const text = (rs: typeof a) => printRuleset({ ...rs, tables: rs.tables.filter((t) => t.name === 'filter') });
  const theirs = structuredPatch('OLD', 'NEW', text(a), text(b), '', '', { context: 3 }).hunks;
  assert.equal(mine, theirs);
});

const dir = mkdtempSync(path.join(os.tmpdir(), 'cs-diff-'));
const write = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

test('cli: exit 1 and the DESIGN.md JSON shape when different', () => {
  const r = cli(['diff', write('a.rules', A), write('b.rules', B), '--format', 'json']);
  assert.is(r.status, 1, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.is(j.version, 1);
  assert.is(j.equivalent, false);
  const fwd = j.structural.find((c: { chain: string }) => c.chain === 'FORWARD');
  assert.equal(Object.keys(fwd).slice(0, 4), ['family', 'table', 'chain', 'added']);
  const sem = j.semantic.find((s: { chain: string }) => s.chain === 'FORWARD');
  assert.equal(Object.keys(sem).slice(0, 5), ['family', 'table', 'chain', 'newlyAccepted', 'newlyDropped']);
  assert.ok(sem.newlyAccepted.length > 0 && typeof sem.newlyAccepted[0].match === 'string' && sem.newlyAccepted[0].example.state);
});

test('cli: exit 0 and "equivalent" for the same rules spelled differently', () => {
  const r = cli(['diff', write('a.rules', A), write('a2.rules', A.replace('--destination-port 3306', '-m tcp --dport 3306'))]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^equivalent$/m);
});

test('cli: a policy against the dump it compiles to is equivalent (stdin for one side)', () => {
  const policy = path.join('policies', 'cluster.policy');
  const compiled = cli(['compile', policy]);
  assert.is(compiled.status, 0, compiled.stderr);
  const r = cli(['diff', policy, '-'], { input: compiled.stdout });
  assert.is(r.status, 0, r.stdout + r.stderr);
});

test('cli: exit 2 with a located error for a broken input, no stack trace', () => {
  const r = cli(['diff', write('a.rules', A), write('bad.rules', '*filter\n-A FORWARD --bogus\nCOMMIT\n')]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /bad\.rules:2:/);
  assert.not.ok(hasStackTrace(r.stderr));
  const none = cli(['diff', write('a.rules', A), path.join(dir, 'missing.rules')]);
  assert.is(none.status, 2);
});

test('text report: hunks, the move, the policy change, and examples', () => {
  const r = cli(['diff', write('a.rules', A), write('b.rules', B)]);
  assert.match(r.stdout, /^@@ -\d+,\d+ \+\d+,\d+ @@$/m);
  assert.match(r.stdout, /^moved from rule 2 to rule 4 of FORWARD: -A FORWARD -i br0\.10 -o br0\.30/m);
  assert.match(r.stdout, /^policy of FORWARD: DROP -> ACCEPT$/m);
  assert.match(r.stdout, /^ {8}e\.g\. /m);
  assert.match(r.stdout, /^different$/m);
  assert.ok(readFileSync(path.join(dir, 'b.rules'), 'utf8').length > 0);
});

test.run();
