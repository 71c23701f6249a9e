// Table-driven check tests (ESLint's RuleTester, in small): each case is a
// snippet and the positions (LINE:COL) the check must report, nothing more or less.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lintRulesets } from '../../src/lint/run.js';
import type { Check, Finding, LintOptions } from '../../src/lint/types.js';
import type { Ruleset } from '../../src/ruleset/model.js';
import { build, dedent } from './build.js';

export interface Case {
  name: string;
  /** One IPv4 snippet, or several rulesets built by the test. */
  input: string | Ruleset[];
  options?: LintOptions;
  /** `LINE:COL` of every expected finding, in report order; [] for a valid case. */
  expect: string[];
  /** Substrings the messages must contain, in the same order as `expect`. */
  messages?: string[];
}

export function lintWith(check: Check, input: string | Ruleset[], options: LintOptions = {}): Finding[] {
  const rulesets = typeof input === 'string' ? [build(dedent(input))] : input;
  return lintRulesets(rulesets, options, [check]);
}

export function runTable(check: Check, cases: Case[]): void {
  for (const c of cases) {
    test(`${check.code} ${c.expect.length ? 'invalid' : 'valid'}: ${c.name}`, () => {
      const findings = lintWith(check, c.input, c.options);
      assert.equal(
        findings.map((f) => `${f.loc.line}:${f.loc.column}`),
        c.expect,
        findings.map((f) => `${f.loc.file}:${f.loc.line}:${f.loc.column}: ${f.message}`).join('\n'),
      );
      for (const f of findings) {
        assert.is(f.code, check.code);
        assert.is(f.check, check.name);
        assert.is(f.severity, check.severity);
      }
      (c.messages ?? []).forEach((m, i) => assert.ok(findings[i]?.message.includes(m), `message ${i}: ${findings[i]?.message} lacks '${m}'`));
    });
  }
}
