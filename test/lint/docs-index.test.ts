// docs/checks/README.md is the index users land on: it must list every check of
// the catalogue with its current name and severity.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CATALOGUE } from '../../src/lint/catalogue.js';
import { repoRoot } from '../helpers/env.js';

test('the docs index lists every check with its name and severity', () => {
  const index = readFileSync(path.join(repoRoot, 'docs', 'checks', 'README.md'), 'utf8');
  for (const e of CATALOGUE) assert.match(index, `| [${e.code}](${e.code}.md) | ${e.name} | ${e.severity} |`, `${e.code} missing or out of date`);
});

test.run();
