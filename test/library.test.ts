// The library API DESIGN.md section 6 promises (parse, compile, lint, diff,
// explain) is reachable from src/index.ts, and works end to end without the CLI.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as lib from '../src/index.js';

test('src/index.ts exports parse, compile, lint, diff and explain', () => {
  for (const name of ['parsePolicy', 'parseRuleset', 'compilePolicy', 'lintRulesets', 'lintInputs', 'diffSides', 'explainPacket', 'formatCanonical'] as const)
    assert.type(lib[name], 'function', name);
});

test('compile, lint, diff and explain a policy through the library', async () => {
  const policy = 'allow any -> self tcp/22\n';
  const compiled = lib.compilePolicy(policy, 'lib.policy');
  assert.match(compiled.ipv4!.text, '-A INPUT -p tcp -m tcp --dport 22');
  const findings = lib.lintRulesets([compiled.ipv4!.ruleset], { analysis: lib.buildAnalysis });
  assert.ok(Array.isArray(findings));
  const verdict = lib.explainPacket(compiled.ipv4!.ruleset, { in: 'eth0', src: '192.0.2.1', dst: '192.0.2.2', proto: 'tcp', dport: 22, state: 'new' });
  assert.is(verdict.verdict, 'ACCEPT');
  const other = await lib.loadSide('other.policy', 'allow any -> self tcp/23\n', { comments: false });
  const same = await lib.loadSide('lib.policy', policy, { comments: false });
  assert.is(lib.diffSides(same, same).equivalent, true);
  assert.is(lib.diffSides(same, other).equivalent, false);
});

test.run();
