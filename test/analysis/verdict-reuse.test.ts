// Cross-table reuse of user-chain outcomes (src/analysis/verdict.ts): a chain
// with the same Rule objects is reused only when its callees' outcomes are the
// same too; otherwise it must be recomputed against its own callees.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { builtinVerdicts } from '../../src/analysis/verdict.js';
import type { Ruleset, Table } from '../../src/ruleset/model.js';
import { parseRuleset } from '../../src/ruleset/parse.js';
import { PacketSpace } from '../../src/space/index.js';

function dump(calleeTarget: string): Ruleset {
  const text = [
    '*filter',
    ':INPUT DROP [0:0]',
    ':outer - [0:0]',
    ':inner - [0:0]',
    '-A INPUT -p tcp -j outer',
    '-A outer -s 10.0.0.0/8 -j inner',
    '-A outer -p tcp -m tcp --dport 22 -j ACCEPT',
    `-A inner -p tcp -m tcp --dport 80 -j ${calleeTarget}`,
    'COMMIT',
    '',
  ].join('\n');
  return parseRuleset(text, 'reuse.rules').ruleset;
}

/** `b` with `a`'s Rule objects in chain `outer` (as the semantic diff shares unchanged rules). */
function shareOuter(a: Ruleset, b: Ruleset): Table {
  const ta = a.tables[0]!;
  const tb = b.tables[0]!;
  return { ...tb, chains: tb.chains.map((c) => (c.name === 'outer' ? { ...c, rules: ta.chains.find((x) => x.name === 'outer')!.rules } : c)) };
}

test('identical outer chain over a different callee is recomputed, not reused', () => {
  const a = dump('ACCEPT');
  const b = dump('DROP');
  const sp = PacketSpace.forRulesets('ipv4', [a, b]);
  const va = builtinVerdicts(sp, a.tables[0]!, 'INPUT');
  const vb = builtinVerdicts(sp, shareOuter(a, b), 'INPUT');
  const fresh = builtinVerdicts(sp, b.tables[0]!, 'INPUT');
  assert.is.not(va.accept, vb.accept);
  assert.equal(vb, fresh);
});

test('identical chains with identical callees give the same verdicts', () => {
  const a = dump('ACCEPT');
  const b = dump('ACCEPT');
  const sp = PacketSpace.forRulesets('ipv4', [a, b]);
  const va = builtinVerdicts(sp, a.tables[0]!, 'INPUT');
  const vb = builtinVerdicts(sp, shareOuter(a, b), 'INPUT');
  assert.equal(vb, va);
});

test.run();
