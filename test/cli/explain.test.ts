// `chainsmith explain` as a user runs it: text and JSON output, policies and
// dumps, stdin, and bad input that gets a located message and exit status 2.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli, hasStackTrace } from './run.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'chainsmith-explain-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const DUMP = `*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:from-web - [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -i br0.10 -j from-web
-A from-web -o br0.20 -p tcp -m tcp --dport 8080 -j ACCEPT
COMMIT
`;
const dump = path.join(tmp, 'a.rules');
writeFileSync(dump, DUMP);
const web = ['--in', 'br0.10', '--out', 'br0.20', '--src', '10.0.10.5', '--dst', '10.0.20.5', '--proto', 'tcp', '--dport', '8080'];

test('json: the DESIGN shape', () => {
  const r = cli(['explain', dump, ...web, '--format', 'json']);
  assert.is(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.is(j.verdict, 'ACCEPT');
  assert.is(j.chain, 'FORWARD');
  assert.equal(j.decidedBy, { file: dump, line: 8, text: '-A from-web -o br0.20 -p tcp -m tcp --dport 8080 -j ACCEPT' });
  assert.equal(j.path, [{ chain: 'FORWARD', line: 7 }, { chain: 'from-web', line: 8 }]);
});

test('text: verdict, deciding rule with file:line, the path', () => {
  const r = cli(['explain', '-', ...web, '--dport', '22'], { input: DUMP });
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.is(lines[0], 'DROP (filter FORWARD)');
  assert.is(lines[1], 'decided by -:3: :FORWARD DROP');
  assert.match(r.stdout, /path:\n {2}FORWARD +-:7 +-A FORWARD -i br0\.10 -j from-web/);
});

test('a policy: INPUT by default with --in only, and the policy line that decided', () => {
  const r = cli(['explain', 'policies/cluster.policy', '--in', 'eth0', '--src', '192.168.10.5', '--dst', '192.0.2.1', '--proto', 'tcp', '--dport', '22']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ACCEPT \(filter INPUT\)/);
  assert.match(r.stdout, 'from the policy line policies/cluster.policy:38');
});

test('bad input: exit 2, located message, no stack trace', () => {
  for (const args of [
    ['explain', dump, ...web, '--src', '10.0.10.500'],
    ['explain', dump, ...web, '--dport', 'http'],
    ['explain', dump, '--src', '10.0.0.1', '--dst', '10.0.0.2', '--proto', 'tcp'],
    ['explain', dump, ...web, '--state', 'fresh'],
    ['explain', path.join(tmp, 'missing.rules'), ...web],
  ]) {
    const r = cli(args);
    assert.is(r.status, 2, `${args.join(' ')}\n${r.stdout}${r.stderr}`);
    assert.ok(!hasStackTrace(r.stderr), r.stderr);
    assert.ok(r.stderr.length > 0);
  }
  const r = cli(['explain', dump, ...web, '--src', '10.0.10.500']);
  assert.match(r.stderr, "<command line>:1:1: error: --src: '10.0.10.500' is not an IPv4 address");
});

test.run();
