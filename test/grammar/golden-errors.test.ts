// Golden error files: test/grammar/golden/errors/NAME.policy is parsed and its
// diagnostics, rendered as the CLI prints them, must equal NAME.err exactly.
// UPDATE_GOLDEN=1 rewrites the .err files (review the diff before committing).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { renderDiagnostic, SourceMap } from '../../src/diagnostics.js';
import { parsePolicy } from '../../src/policy/parse.js';
import { repoRoot } from '../helpers/env.js';

const dir = path.join(repoRoot, 'test', 'grammar', 'golden', 'errors');
const update = process.env.UPDATE_GOLDEN === '1';

/** The text a user sees for `file`: every diagnostic, source line and caret. */
export function renderParseErrors(file: string, text: string): string {
  const { diagnostics } = parsePolicy(text, file);
  const sources = new SourceMap();
  sources.add(file, text);
  return diagnostics.map((d) => renderDiagnostic(d, sources)).join('\n') + '\n';
}

const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.policy'))
  .sort();

test('the golden error directory has cases', () => {
  assert.ok(cases.length >= 10, `only ${cases.length} cases in ${dir}`);
});

for (const policyFile of cases) {
  const name = policyFile.replace(/\.policy$/, '');
  test(`golden error: ${name}`, () => {
    const text = readFileSync(path.join(dir, policyFile), 'utf8');
    const actual = renderParseErrors(policyFile, text);
    const errPath = path.join(dir, `${name}.err`);
    if (update || !existsSync(errPath)) {
      if (!update) assert.unreachable(`${errPath} is missing; run with UPDATE_GOLDEN=1 to create it`);
      writeFileSync(errPath, actual);
      return;
    }
    assert.fixture(actual, readFileSync(errPath, 'utf8'));
    assert.ok(actual.includes(': error: '), 'a golden error case must report an error');
  });
}

test('several-errors reports at least three errors in one run', () => {
  const text = readFileSync(path.join(dir, 'several-errors.policy'), 'utf8');
  const { diagnostics } = parsePolicy(text, 'several-errors.policy');
  assert.ok(diagnostics.length >= 3, `only ${diagnostics.length} diagnostics`);
  assert.ok(new Set(diagnostics.map((d) => d.loc.line)).size >= 3, 'errors on at least three lines');
});

test.run();
