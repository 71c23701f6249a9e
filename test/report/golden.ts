// Golden files: compared byte for byte; `UPDATE_GOLDEN=1` rewrites them (review the diff!).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as assert from 'uvu/assert';
import { repoRoot } from '../helpers/env.js';

export function assertGolden(name: string, actual: string): void {
  // From the repository root, not this file: the suite also runs compiled from dist/test/.
  const file = path.join(repoRoot, 'test', 'report', 'golden', name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    writeFileSync(file, actual);
    if (process.env.UPDATE_GOLDEN !== '1') assert.unreachable(`golden file ${name} was missing and has been written; check it and rerun`);
    return;
  }
  assert.fixture(actual, readFileSync(file, 'utf8'));
}
