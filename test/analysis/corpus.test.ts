// Every dump of the shared corpus lints with every check on (the packet-space
// ones included) without an internal error, and the shadowing findings point at
// rules with blockers before them in the same file. Known true findings are
// pinned: they were checked by hand against the dumps.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildAnalysis } from '../../src/analysis/lint-analysis.js';
import { lintRulesets } from '../../src/lint/run.js';
import type { Finding } from '../../src/lint/types.js';
import { parseRuleset } from '../../src/ruleset/parse.js';
import { corpusDir, corpusSkipReason } from '../helpers/env.js';

function lintDump(file: string): Finding[] {
  const text = readFileSync(path.join(corpusDir!, 'dumps', file), 'utf8');
  return lintRulesets([parseRuleset(text, file).ruleset], { analysis: buildAnalysis });
}

test('corpus: every dump lints with all checks on', () => {
  if (corpusSkipReason()) return;
  const files = readdirSync(path.join(corpusDir!, 'dumps')).filter((f) => /\.rules6?$/.test(f));
  assert.ok(files.length > 10);
  for (const file of files) {
    const findings = lintDump(file);
    for (const f of findings.filter((x) => x.code === 'CS101' || x.code === 'CS102')) {
      assert.ok(f.related.length > 0, `${file}:${f.loc.line}: no blockers`);
      for (const r of f.related) assert.ok(r.loc.file === file && r.loc.line < f.loc.line, `${file}:${f.loc.line}: blocker at ${r.loc.line}`);
    }
  }
});

test('corpus: known shadowed rules', () => {
  if (corpusSkipReason()) return;
  const at = (fs: Finding[], code: string) => fs.filter((f) => f.code === code).map((f) => `${f.loc.line}<${f.related.map((r) => r.loc.line).join(',')}`);
  // STATEFUL accepts RELATED,ESTABLISHED and NEW and sends the rest to DUMP, which drops: INPUT ends at line 8.
  const saturn = at(lintDump('is-ringofsaturn.rules'), 'CS101');
  assert.ok(saturn.includes('9<8') && saturn.includes('39<8'), saturn.join(' '));
  // LOGGING and LOGGING_FORWARD drop everything after a rate-limited LOG.
  const paste = lintDump('is-pastebin-bbWXHaTn.rules');
  assert.equal(at(paste, 'CS101'), ['61<60', '62<60']);
  assert.equal(at(paste, 'CS102'), ['55<53']);
});

test.run();
