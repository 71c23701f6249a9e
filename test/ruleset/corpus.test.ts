// The key acceptance target: for every corpus dump the kernel could load,
// `chainsmith fmt` prints byte for byte what iptables-save printed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { corpusDir, corpusSkipReason } from '../helpers/env.js';
import { formatCanonical } from '../../src/ruleset/print.js';
import { parseRuleset } from '../../src/ruleset/parse.js';

const skip = corpusSkipReason();
const dumps = corpusDir ? readdirSync(path.join(corpusDir, 'dumps')).sort() : [];
const noHash = (s: string) => s.split('\n').filter((l) => !l.startsWith('#')).join('\n');

for (const name of dumps) {
  const dump = readFileSync(path.join(corpusDir!, 'dumps', name), 'utf8');
  test(`${name}: parses without an exception; every diagnostic is located`, () => {
    const { diagnostics } = parseRuleset(dump, name);
    for (const d of diagnostics) assert.ok(d.loc.line >= 1 && d.loc.column >= 1, JSON.stringify(d));
  });
  const canonPath = path.join(corpusDir!, 'canonical', name);
  if (!existsSync(canonPath)) continue;
  const want = noHash(readFileSync(canonPath, 'utf8'));
  test(`${name}: fmt equals the kernel's canonical form`, () => {
    assert.fixture(noHash(formatCanonical(dump, name).text), want);
  });
  test(`${name}: fmt is idempotent`, () => {
    assert.fixture(noHash(formatCanonical(want, name).text), want);
  });
}

test('corpus present', () => {
  if (skip) return;
  assert.ok(dumps.length >= 50);
});

test.run();
