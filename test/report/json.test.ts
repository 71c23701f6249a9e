import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatJson, toJsonReport } from '../../src/report/json.js';
import { fixtureFindings } from './fixture.js';
import { assertGolden } from './golden.js';

test('json: exactly the documented shape, in report order', () => {
  const report = JSON.parse(formatJson(fixtureFindings()));
  assert.equal(report, {
    version: 1,
    findings: [
      { code: 'CS204', check: 'default-accept-policy', severity: 'warning', file: 'dumps/bad.rules', line: 2, column: 8, message: report.findings[0].message, related: [] },
      { code: 'CS303', check: 'unused-chain', severity: 'info', file: 'dumps/bad.rules', line: 7, column: 1, message: report.findings[1].message, related: [] },
      { code: 'CS206', check: 'deprecated-state-match', severity: 'info', file: 'dumps/bad.rules', line: 8, column: 10, message: report.findings[2].message, related: [] },
      { code: 'CS203', check: 'log-without-limit', severity: 'warning', file: 'dumps/bad.rules', line: 9, column: 10, message: report.findings[3].message, related: [] },
      { code: 'CS302', check: 'chain-loop', severity: 'error', file: 'dumps/bad.rules', line: 11, column: 6, message: report.findings[4].message, related: [{ file: 'dumps/bad.rules', line: 12 }] },
      { code: 'CS301', check: 'undefined-chain', severity: 'error', file: 'dumps/bad.rules', line: 13, column: 12, message: report.findings[5].message, related: [] },
    ],
    summary: { error: 2, warning: 2, info: 2 },
  });
  for (const f of report.findings) assert.type(f.message, 'string');
});

test('json: key order is the documented one and nothing internal leaks', () => {
  const [f] = toJsonReport(fixtureFindings()).findings;
  assert.equal(Object.keys(f!), ['code', 'check', 'severity', 'file', 'line', 'column', 'message', 'related']);
});

test('json: no findings', () => {
  assert.equal(JSON.parse(formatJson([])), { version: 1, findings: [], summary: { error: 0, warning: 0, info: 0 } });
});

test('json: golden', () => {
  assertGolden('findings.json', formatJson(fixtureFindings()));
});

test.run();
