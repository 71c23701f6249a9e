// `chainsmith compile` as a user runs it: exit codes, stdin, output files written
// atomically, and bad input that gets a located message, no stack trace, no file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers/env.js';
import { cli, hasStackTrace } from './run.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'chainsmith-cli-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));
const golden = (name: string) => readFileSync(path.join(repoRoot, 'test', 'compile', 'golden', name), 'utf8');

test('compile prints the IPv4 ruleset on stdout and says where the IPv6 one goes', () => {
  const r = cli(['compile', 'policies/cluster.policy']);
  assert.is(r.status, 0, r.stderr);
  assert.fixture(r.stdout, golden('policies-cluster.rules'));
  assert.match(r.stderr, '--ipv6-out');
});

test('-o and --ipv6-out write both families', () => {
  const v4 = path.join(tmp, 'c.rules');
  const v6 = path.join(tmp, 'c.rules6');
  const r = cli(['compile', 'policies/cluster.policy', '-o', v4, '--ipv6-out', v6]);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, '');
  assert.fixture(readFileSync(v4, 'utf8'), golden('policies-cluster.rules'));
  assert.fixture(readFileSync(v6, 'utf8'), golden('policies-cluster.rules6'));
  assert.equal(readdirSync(tmp).filter((f) => f.endsWith('.tmp')), [], 'no temporary files left');
});

test('- reads the policy from stdin; --topology gives the topology', () => {
  const r = cli(['compile', '-', '--topology', 'examples/cluster.topology.json'], { input: 'allow web -> app tcp/8080\n' });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, '-A FORWARD -i br0.10 -o br0.20 -p tcp -m tcp --dport 8080 -m comment --comment "-:1" -j ACCEPT');
});

test('--no-comments leaves out the source comments', () => {
  const r = cli(['compile', 'test/compile/golden/minimal.policy', '--no-comments']);
  assert.is(r.status, 0, r.stderr);
  assert.not.match(r.stdout, '--comment');
  assert.match(r.stdout, '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT');
});

test('-o /dev/stdout writes to the special file, never replaces it', () => {
  const r = cli(['compile', 'test/compile/golden/minimal.policy', '-o', '/dev/stdout']);
  assert.is(r.status, 0, r.stderr);
  assert.fixture(r.stdout, golden('minimal.rules'));
});

test('a bad policy: exit 2, file:line:col with a caret, no stack trace, no output file, old file untouched', () => {
  const out = path.join(tmp, 'bad.rules');
  const fresh = path.join(tmp, 'never.rules');
  writeFileSync(out, 'previous contents\n');
  for (const target of [out, fresh]) {
    const r = cli(['compile', 'test/compile/golden/err-unknown.policy', '-o', target]);
    assert.is(r.status, 2);
    assert.is(r.stdout, '');
    assert.match(r.stderr, "test/compile/golden/err-unknown.policy:3:14: error: unknown zone or name 'dbb'; did you mean 'db'?");
    assert.match(r.stderr, '\n             ^~~\n');
    assert.not.ok(hasStackTrace(r.stderr), r.stderr);
  }
  assert.is(readFileSync(out, 'utf8'), 'previous contents\n');
  assert.not.ok(existsSync(fresh));
});

test('syntax errors: several in one run, each located', () => {
  const r = cli(['compile', '-'], { input: 'allow web app tcp/80\nhost = 10.0.0.1\nallow any -> self tcp/99999\n' });
  assert.is(r.status, 2);
  assert.match(r.stderr, /^-:1:\d+: error: /m);
  assert.match(r.stderr, /^-:2:\d+: error: /m);
  assert.match(r.stderr, /^-:3:\d+: error: /m);
  assert.not.ok(hasStackTrace(r.stderr), r.stderr);
});

test('a missing file, an unreadable output directory, unknown options: exit 2 with a message', () => {
  let r = cli(['compile', 'no/such.policy']);
  assert.is(r.status, 2);
  assert.match(r.stderr, 'no/such.policy: no such file or directory');
  r = cli(['compile', 'test/compile/golden/minimal.policy', '-o', path.join(tmp, 'missing-dir', 'x.rules')]);
  assert.is(r.status, 2);
  assert.match(r.stderr, 'no such file or directory');
  assert.not.ok(hasStackTrace(r.stderr), r.stderr);
  r = cli(['compile', '--bogus', 'x.policy']);
  assert.is(r.status, 2);
  assert.match(r.stderr, "unknown option '--bogus'");
  r = cli(['frobnicate']);
  assert.is(r.status, 2);
});

test('--help and --version exit 0', () => {
  assert.is(cli(['--help']).status, 0);
  assert.match(cli(['--version']).stdout, /^\d+\.\d+\.\d+/);
  assert.match(cli(['compile', '--help']).stdout, '--ipv6-out');
});

test.run();
