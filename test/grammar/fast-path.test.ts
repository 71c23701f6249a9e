// parsePolicy parses statement by statement for speed and falls back to the
// whole-file parse (with Chevrotain's recovery) at the first sign of trouble.
// Both must give the same AST and the same diagnostics for any input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parsePolicy, parsePolicyWholeFile } from '../../src/policy/parse.js';
import { repoRoot } from '../helpers/env.js';
import { mutatedTexts } from '../helpers/mutate.js';

const dirs = ['policies', 'test/compile/golden', 'test/grammar/golden/errors'];
const texts = dirs.flatMap((d) =>
  readdirSync(path.join(repoRoot, d))
    .filter((f) => f.endsWith('.policy'))
    .map((f) => readFileSync(path.join(repoRoot, d, f), 'utf8')),
);

const same = (text: string): void => {
  const fast = parsePolicy(text, 'x.policy');
  const whole = parsePolicyWholeFile(text, 'x.policy');
  assert.equal(fast, whole, `fast and whole-file parses differ for ${JSON.stringify(text)}`);
  // Most AST positions are accessors (src/policy/located-ast.ts), which the
  // deep-equality check does not walk; the JSON has every one of them.
  assert.is(JSON.stringify(fast), JSON.stringify(whole), `fast and whole-file parses differ for ${JSON.stringify(text)}`);
};

test('every shipped and golden policy parses the same both ways', () => {
  assert.ok(texts.length > 20);
  texts.forEach(same);
});

test('a large policy (more than one lexing block) parses the same both ways', () => {
  const rules = Array.from({ length: 3000 }, (_, i) => `allow 10.1.${i >> 8}.${i & 255} -> 10.2.0.${(i % 250) + 1} tcp/${1024 + i}`);
  same(`host a = 10.0.0.1\n${rules.join('\n')}\n`);
  same(`host a = 10.0.0.1\n${rules.join('\r\n')}\n`);
});

test('mutated policies parse the same both ways (fast-check)', () => {
  const mutated = mutatedTexts(texts, ['delete', 'dup', 'swap', 'crlf'], 3);
  fc.assert(fc.property(mutated, same), { numRuns: 500 });
});

test.run();
