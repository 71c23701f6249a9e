// The model-only checks over the real dumps of the shared corpus, parsed by the
// real parser. canonical/ holds what the kernel printed after loading each dump,
// so those rulesets provably load: CS301/CS302 (which predict a load failure)
// must stay silent on them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lookupCheck } from '../../src/lint/catalogue.js';
import { lintRulesets } from '../../src/lint/run.js';
import type { Finding } from '../../src/lint/types.js';
import { parseRuleset } from '../../src/ruleset/parse.js';
import type { Ruleset } from '../../src/ruleset/model.js';
import { corpusDir, corpusSkipReason } from '../helpers/env.js';

const canonical = corpusDir ? path.join(corpusDir, 'canonical') : null;

/** host name -> its dump texts; `x.rules` and `x.rules6` are one host. */
function hosts(): Map<string, { file: string; text: string }[]> {
  const out = new Map<string, { file: string; text: string }[]>();
  for (const file of readdirSync(canonical!).filter((f) => /\.rules6?$/.test(f)).sort()) {
    const host = file.replace(/6$/, '');
    out.set(host, [...(out.get(host) ?? []), { file, text: readFileSync(path.join(canonical!, file), 'utf8') }]);
  }
  return out;
}

function lintHost(host: string): { findings: Finding[]; rulesets: Ruleset[]; lines: Map<string, number> } {
  const dumps = hosts().get(host) ?? [];
  const rulesets = dumps.map((d) => parseRuleset(d.text, d.file).ruleset);
  return { findings: lintRulesets(rulesets), rulesets, lines: new Map(dumps.map((d) => [d.file, d.text.split('\n').length])) };
}

const linesOf = (findings: Finding[], code: string, file: string) => findings.filter((f) => f.code === code && f.loc.file === file).map((f) => f.loc.line);

test('corpus: every canonical host lints; findings are located inside their files', () => {
  if (corpusSkipReason() || !canonical || !existsSync(canonical)) return;
  let total = 0;
  for (const host of hosts().keys()) {
    const { findings, lines } = lintHost(host);
    total += findings.length;
    for (const f of findings) {
      assert.ok(lookupCheck(f.code), f.code);
      const n = lines.get(f.loc.file);
      assert.ok(n !== undefined && f.loc.line >= 1 && f.loc.line <= n && f.loc.column >= 1, `${host}: ${f.loc.file}:${f.loc.line}:${f.loc.column}`);
      assert.not.ok(f.code === 'CS301' || f.code === 'CS302', `${host}: the kernel loaded this ruleset, yet ${f.code}: ${f.message}`);
    }
  }
  assert.ok(total > 0, 'the corpus has known findings');
});

test('corpus: known findings in known places', () => {
  if (corpusSkipReason() || !canonical || !existsSync(canonical)) return;
  const contrived = lintHost('is-contrived.rules').findings;
  assert.equal(linesOf(contrived, 'CS206', 'is-contrived.rules'), [18, 19]);
  // Line 9 logs through -m hashlimit: rate limited, not flagged.
  assert.equal(linesOf(contrived, 'CS203', 'is-contrived.rules'), []);
  // DUMP is entered unthrottled from INPUT, so its LOG rules flood.
  const saturn = lintHost('is-ringofsaturn.rules').findings;
  assert.equal(linesOf(saturn, 'CS203', 'is-ringofsaturn.rules'), [40, 41]);
  // An unconditional final LOG before the REJECT.
  const company = lintHost('is-medium-company.rules').findings;
  assert.ok(linesOf(company, 'CS203', 'is-medium-company.rules').includes(38));
});

test.run();
