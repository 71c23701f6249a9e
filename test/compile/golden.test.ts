// Golden files: every test/compile/golden/NAME.policy compiles to NAME.rules
// (and NAME.rules6 when it has IPv6) byte for byte, or fails with exactly the
// rendered diagnostics in NAME.err. UPDATE_GOLDEN=1 rewrites the expectations.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, writeFileSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { compilePolicy } from '../../src/compile/compile.js';
import { ChainsmithError, SourceMap, renderDiagnostic } from '../../src/diagnostics.js';
import { repoRoot } from '../helpers/env.js';

const dir = path.join(repoRoot, 'test', 'compile', 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

function expectFile(file: string, actual: string | undefined): void {
  if (update) {
    if (actual === undefined) existsSync(file) && unlinkSync(file);
    else writeFileSync(file, actual);
    return;
  }
  const expected = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  assert.fixture(actual ?? '<none>', expected ?? '<none>', path.basename(file));
}

// The feature goldens, then the shipped example policies (expectations kept here as policies-NAME.*).
const cases: Array<{ policyPath: string; stem: string }> = [
  ...readdirSync(dir)
    .filter((f) => f.endsWith('.policy'))
    .sort()
    .map((f) => ({ policyPath: path.join(dir, f), stem: path.join(dir, f.slice(0, -'.policy'.length)) })),
  ...readdirSync(path.join(repoRoot, 'policies'))
    .filter((f) => f.endsWith('.policy'))
    .sort()
    .map((f) => ({ policyPath: path.join(repoRoot, 'policies', f), stem: path.join(dir, `policies-${f.slice(0, -'.policy'.length)}`) })),
];

for (const { policyPath, stem } of cases) {
  test(`golden ${path.relative(repoRoot, policyPath)}`, () => {
    // Diagnostics name the file as the user typed it; goldens use the path relative to the repo.
    const shown = path.relative(repoRoot, policyPath);
    const sources = new SourceMap();
    let out: { v4?: string; v6?: string; err?: string } = {};
    try {
      const cwd = process.cwd();
      process.chdir(repoRoot);
      try {
        const r = compilePolicy(readFileSync(policyPath, 'utf8'), shown, { sources });
        out = { ...(r.ipv4 ? { v4: r.ipv4.text } : {}), ...(r.ipv6 ? { v6: r.ipv6.text } : {}) };
      } finally {
        process.chdir(cwd);
      }
    } catch (e) {
      if (!(e instanceof ChainsmithError)) throw e;
      out = { err: e.diagnostics.map((d) => renderDiagnostic(d, sources)).join('\n') + '\n' };
    }
    expectFile(`${stem}.rules`, out.v4);
    expectFile(`${stem}.rules6`, out.v6);
    expectFile(`${stem}.err`, out.err);
  });
}

test.run();
