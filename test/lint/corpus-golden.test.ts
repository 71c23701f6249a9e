// Golden lint findings for real dumps of the shared corpus. Each golden is the
// `--format json` report of one host (a `.rules`/`.rules6` pair is one host and
// is linted together, as the CLI does), and every finding in it was checked by
// hand against the dump: test/lint/corpus-golden/REVIEW.md says why each is true.
// A changed golden therefore needs a new review, not just UPDATE_GOLDEN=1.
//
// Files are named relative to the corpus directory ("dumps/x.rules"), so the
// goldens hold no machine-specific paths.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildAnalysis } from '../../src/analysis/lint-analysis.js';
import { lintInputs } from '../../src/lint/inputs.js';
import type { Finding } from '../../src/lint/types.js';
import { formatJson } from '../../src/report/json.js';
import { corpusDir, corpusSkipReason, repoRoot } from '../helpers/env.js';

const goldenDir = path.join(repoRoot, 'test', 'lint', 'corpus-golden');
const update = process.env.UPDATE_GOLDEN === '1';

/** golden name -> the dumps (relative to the corpus) linted together for it. */
const HOSTS: Record<string, string[]> = {
  'is-ringofsaturn': ['dumps/is-ringofsaturn.rules'],
  'is-pastebin-bbWXHaTn': ['dumps/is-pastebin-bbWXHaTn.rules'],
  'is-home-user': ['dumps/is-home-user.rules'],
  'is-openvpn-eu': ['dumps/is-openvpn-eu.rules'],
  'is-rlworkman': ['dumps/is-rlworkman.rules'],
  'is-sargon': ['dumps/is-sargon.rules'],
  'is-memphis-testbed': ['dumps/is-memphis-testbed.rules'],
  'is-gopherproxy': ['dumps/is-gopherproxy.rules'],
  'is-random-srv': ['dumps/is-random-srv.rules'],
  'nf-ipt-save-filter': ['dumps/nf-ipt-save-filter.rules'],
  'ufw-before': ['dumps/ufw-before.rules', 'dumps/ufw-before.rules6'],
  'burian-longopts': ['dumps/burian-longopts.rules', 'dumps/burian-longopts.rules6'],
  'bridged-fw': ['dumps/bridged-fw.rules', 'dumps/bridged-fw.rules6'],
  'k8s-kubeproxy-2015': ['dumps/k8s-kubeproxy-2015.rules'],
  'free5gc-docker-host': ['dumps/free5gc-docker-host.rules'],
};

/**
 * Findings the review found wrong. They are kept out of the goldens (a golden
 * holds only findings a reviewer confirmed) but must still be reported: when
 * the engine is fixed this test fails, and the entry goes (and the golden is
 * regenerated and the new finding, if any, reviewed). REVIEW.md has reproducers.
 */
const KNOWN_WRONG: Record<string, { code: string; file: string; line: number; why: string }[]> = {
  // Both entries found in the review (memphis CS204, home-user CS102 on a DNAT) are fixed.
};

const sameFinding = (f: Finding, k: { code: string; file: string; line: number }): boolean => f.code === k.code && f.loc.file === k.file && f.loc.line === k.line;

async function reportFor(name: string, files: readonly string[]): Promise<string> {
  const inputs = files.map((file) => ({ file, text: readFileSync(path.join(corpusDir!, file), 'utf8') }));
  const { findings, inputDiagnostics } = await lintInputs(inputs, { analysis: buildAnalysis });
  // A dump the parser rejects would make an empty golden look like a clean bill of health.
  const errors = inputDiagnostics.filter((d) => d.severity === 'error');
  assert.equal(errors.length, 0, `${files.join(' ')}: ${errors.map((d) => d.message).join('; ')}`);
  const wrong = KNOWN_WRONG[name] ?? [];
  for (const k of wrong)
    assert.ok(findings.some((f) => sameFinding(f, k)), `${name}: the engine no longer reports the known-wrong ${k.code} at ${k.file}:${k.line}; drop it from KNOWN_WRONG, rerun with UPDATE_GOLDEN=1 and review the diff`);
  return formatJson(findings.filter((f) => !wrong.some((k) => sameFinding(f, k))));
}

for (const [name, files] of Object.entries(HOSTS)) {
  test(`corpus golden: ${name}`, async () => {
    if (corpusSkipReason()) return;
    const actual = await reportFor(name, files);
    const golden = path.join(goldenDir, `${name}.findings.json`);
    if (update) {
      writeFileSync(golden, actual);
      return;
    }
    assert.ok(existsSync(golden), `${golden} is missing: run with UPDATE_GOLDEN=1, then review every finding (REVIEW.md)`);
    assert.fixture(actual, readFileSync(golden, 'utf8'));
  });
}

test('corpus golden: every golden on disk is listed (no stale files)', () => {
  const listed = new Set(Object.keys(HOSTS).map((n) => `${n}.findings.json`));
  const onDisk = existsSync(goldenDir) ? readdirSync(goldenDir).filter((f) => f.endsWith('.findings.json')) : [];
  assert.equal(onDisk.filter((f) => !listed.has(f)).sort(), []);
});

test.run();
