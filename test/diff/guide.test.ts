// The README's claim, kept true: the guide's hand-written ruleset and its
// three-line policy differ in exactly one set of packets — the INVALID ones the
// policy drops and the guide let through.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cli } from '../cli/run.js';

test('guide.rules -> guide.policy: only INVALID packets are newly dropped', () => {
  const r = cli(['diff', 'examples/guide.rules', 'policies/guide.policy', '--format', 'json']);
  assert.is(r.status, 1, r.stderr);
  const j = JSON.parse(r.stdout) as { equivalent: boolean; semantic: Array<{ chain: string; newlyAccepted: unknown[]; newlyDropped: Array<{ match: string; example: { state: string } }> }> };
  assert.is(j.equivalent, false);
  const changed = j.semantic.filter((s) => s.newlyAccepted.length || s.newlyDropped.length);
  assert.is(changed.length, 1);
  assert.is(changed[0]!.chain, 'FORWARD');
  assert.is(changed[0]!.newlyAccepted.length, 0);
  assert.is(changed[0]!.newlyDropped.length, 1);
  assert.match(changed[0]!.newlyDropped[0]!.match, '--ctstate INVALID');
  assert.is(changed[0]!.newlyDropped[0]!.example.state, 'invalid');
});

test.run();
