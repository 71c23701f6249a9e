// The compiled goldens are what the kernel prints: each loads with
// iptables-restore / ip6tables-restore in a fresh namespace and iptables-save
// reads it back byte-identical (ignoring `#` lines).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { kernelSkipReason, loadAndSave } from '../kernel/netns.js';
import { repoRoot } from '../helpers/env.js';

const dir = path.join(repoRoot, 'test', 'compile', 'golden');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.rules') || f.endsWith('.rules6'))
  .sort();
const skip = kernelSkipReason();

for (const f of files) {
  const family = f.endsWith('.rules6') ? 'ipv6' : 'ipv4';
  if (skip) {
    test.skip(`kernel round trip ${f}`);
    continue;
  }
  test(`kernel round trip ${f}`, async () => {
    const text = readFileSync(path.join(dir, f), 'utf8');
    const saved = await loadAndSave(text, family);
    assert.fixture(saved, text);
  });
}

test('there are goldens to load', () => {
  assert.ok(files.length >= 10, `only ${files.length} golden rulesets`);
});

test.run();
