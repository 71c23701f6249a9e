import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ChainsmithError } from '../../src/diagnostics.js';
import { CATALOGUE, lookupCheck } from '../../src/lint/catalogue.js';
import { makeFinding } from '../../src/lint/finding.js';
import { CHECKS } from '../../src/lint/registry.js';
import { atOrAbove, exitCodeFor, lintRulesets, resolveDisabled } from '../../src/lint/run.js';
import type { Check, Finding, SpaceAnalysis } from '../../src/lint/types.js';
import { repoRoot } from '../helpers/env.js';
import { parseRuleset } from '../../src/ruleset/parse.js';
import { FIXTURE_TEXT } from '../report/fixture.js';
import { build, dedent } from './build.js';

const messy = () =>
  build(
    dedent(`
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD DROP [0:0]
      :DEAD - [0:0]
      -A INPUT -m state --state NEW -j LOG
      # chainsmith: disable=CS203 -- kept for the audit
      -A INPUT -m state --state NEW -j LOG
      -A FORWARD -j NOWHERE`),
    { file: 'messy.rules' },
  );

test('catalogue: the 18 codes of DESIGN.md, sorted, with names', () => {
  assert.equal(
    CATALOGUE.map((e) => `${e.code} ${e.name}`),
    [
      'CS101 shadowed-rule', 'CS102 redundant-rule', 'CS103 unmatchable-rule',
      'CS201 missing-established', 'CS202 overly-broad-accept', 'CS203 log-without-limit', 'CS204 default-accept-policy',
      'CS205 missing-invalid-drop', 'CS206 deprecated-state-match', 'CS207 missing-loopback', 'CS208 lockout-risk', 'CS209 ipv6-unfiltered',
      'CS301 undefined-chain', 'CS302 chain-loop', 'CS303 unused-chain', 'CS304 approximated-match',
      'CS401 unknown-interface', 'CS402 mtu-mismatch',
    ],
  );
  assert.is(lookupCheck('cs203')?.name, 'log-without-limit');
  assert.is(lookupCheck('chain-loop')?.code, 'CS302');
  assert.is(lookupCheck('CS999'), undefined);
});

test('registry: sorted by code, metadata equal to the catalogue', () => {
  const codes = CHECKS.map((c) => c.code);
  assert.equal(codes, [...codes].sort());
  for (const c of CHECKS) {
    const e = lookupCheck(c.code)!;
    assert.equal([c.name, c.severity, c.summary], [e.name, e.severity, e.summary], c.code);
  }
});

test('registry: every check has its docs page, titled with its code and name, stating its severity', () => {
  for (const c of CHECKS) {
    const page = path.join(repoRoot, 'docs', 'checks', `${c.code}.md`);
    assert.ok(existsSync(page), `missing ${page}`);
    const text = readFileSync(page, 'utf8');
    assert.is(text.split('\n')[0], `# ${c.code} ${c.name}`);
    assert.ok(text.includes(`**Severity:** ${c.severity}`), `${c.code} docs state another severity`);
  }
});

test('lintRulesets: sorted by file, line, column, code; suppression per rule', () => {
  const findings = lintRulesets([messy()]);
  assert.equal(
    findings.map((f) => `${f.loc.line}:${f.loc.column} ${f.code}`),
    ['2:8 CS204', '4:1 CS303', '5:10 CS206', '5:31 CS203', '7:10 CS206', '8:12 CS301'],
  );
});

test('lintRulesets: --disable by code or name, comma lists', () => {
  const findings = lintRulesets([messy()], { disable: ['cs206,unused-chain', 'CS204'] });
  assert.equal(findings.map((f) => f.code), ['CS203', 'CS301']);
});

test('lintRulesets: an unknown --disable name is a usage error', () => {
  try {
    lintRulesets([messy()], { disable: ['CS999'] });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ChainsmithError);
    assert.match((e as ChainsmithError).diagnostics[0]!.message, "unknown check 'CS999'");
  }
  assert.throws(() => resolveDisabled(['log-without-limitt']));
});

test('lintRulesets: a compiled rule is reported at its policy origin', () => {
  const rs = messy();
  const rule = rs.tables[0]!.chains[0]!.rules[0]!;
  rule.origin = { file: 'cluster.policy', line: 12, column: 1 };
  const findings = lintRulesets([rs], { disable: ['CS204', 'CS303', 'CS301'] });
  assert.equal(findings.map((f) => `${f.loc.file}:${f.loc.line} ${f.code}`), ['cluster.policy:12 CS203', 'cluster.policy:12 CS206', 'messy.rules:7 CS206']);
});

test('lintRulesets: identical findings from rules sharing one origin are reported once', () => {
  const rs = build(dedent(`
    *filter
    :INPUT DROP [0:0]
    -A INPUT -p tcp -j LOG
    -A INPUT -p udp -j LOG`));
  for (const r of rs.tables[0]!.chains[0]!.rules) r.origin = { file: 'p.policy', line: 3, column: 1 };
  assert.is(lintRulesets([rs]).length, 1);
});

test('lintRulesets: checks that need the analysis are skipped without it, and get it lazily', () => {
  let built = 0;
  const spaceCheck: Check = {
    code: 'CS101', name: 'shadowed-rule', severity: 'warning', summary: 's', needs: ['space'],
    run(ctx) {
      ctx.analysis();
      ctx.analysis();
      return [makeFinding(this, { file: 'x', line: 1, column: 1 }, 'm')];
    },
  };
  assert.equal(lintRulesets([messy()], {}, [spaceCheck]), []);
  const found = lintRulesets([messy()], { analysis: () => (built++, {} as SpaceAnalysis) }, [spaceCheck]);
  assert.is(found.length, 1);
  assert.is(built, 1);
});

test('the test builder and the real parser give the same findings', () => {
  const key = (fs: Finding[]) => fs.map((x) => `${x.loc.line}:${x.loc.column} ${x.code} ${x.message}`);
  const parsed = parseRuleset(FIXTURE_TEXT, 'a.rules', { family: 'ipv4' });
  assert.equal(key(lintRulesets([parsed.ruleset])), key(lintRulesets([build(FIXTURE_TEXT, { file: 'a.rules' })])));
});

test('a disable line read by the real parser suppresses the finding', () => {
  const text = ['*filter', ':INPUT DROP [0:0]', '# chainsmith: disable=CS203 -- audit trail', '-A INPUT -j LOG', '-A INPUT -j LOG', 'COMMIT', ''].join('\n');
  const { ruleset } = parseRuleset(text, 'a.rules');
  assert.equal(lintRulesets([ruleset]).map((x) => `${x.loc.line} ${x.code}`), ['5 CS203']);
});

const f = (severity: Finding['severity']): Finding => ({ code: 'CS203', check: 'x', severity, message: 'm', loc: { file: 'a', line: 1, column: 1 }, related: [] });

test('exitCodeFor: --fail-on thresholds', () => {
  const table: [Finding['severity'][], 'error' | 'warning' | 'info' | 'never', 0 | 1][] = [
    [[], 'info', 0],
    [['info'], 'warning', 0],
    [['info'], 'info', 1],
    [['warning'], 'warning', 1],
    [['warning'], 'error', 0],
    [['error'], 'error', 1],
    [['error'], 'never', 0],
  ];
  for (const [sevs, failOn, code] of table) assert.is(exitCodeFor(sevs.map(f), failOn), code, `${sevs} --fail-on ${failOn}`);
  assert.is(atOrAbove([f('info'), f('warning'), f('error')], 'warning').length, 2);
});

test.run();
