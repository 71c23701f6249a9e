import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatGcc } from '../../src/report/gcc.js';
import { formatText, summaryLine } from '../../src/report/text.js';
import { fixtureFindings, fixtureSources } from './fixture.js';
import { assertGolden } from './golden.js';

test('text: source line and caret under the column', () => {
  const out = formatText(fixtureFindings(), fixtureSources());
  assert.ok(out.includes(['-A INPUT -j LOG --log-prefix "in: "', '         ^'].join('\n')), out);
});

test('text: related lines follow their finding', () => {
  const out = formatText(fixtureFindings(), fixtureSources());
  assert.ok(out.includes('dumps/bad.rules:12:6: note: B jumps to A\n-A B -j A\n     ^'), out);
});

test('text: without sources, header lines only', () => {
  const out = formatText(fixtureFindings());
  assert.ok(out.startsWith('dumps/bad.rules:2:8: warning: '), out);
  assert.not.ok(out.includes('^'));
});

test('text: summary line', () => {
  assert.is(summaryLine(fixtureFindings()), '2 errors, 2 warnings, 2 info');
  assert.is(formatText([]), '0 errors, 0 warnings, 0 info\n');
  assert.is(summaryLine(fixtureFindings().filter((f) => f.code === 'CS301' || f.code === 'CS203')), '1 error, 1 warning, 0 info');
});

test('text: golden', () => {
  assertGolden('findings.txt', formatText(fixtureFindings(), fixtureSources()));
});

test('gcc: one line per finding, info as note, related as notes', () => {
  const lines = formatGcc(fixtureFindings()).trimEnd().split('\n');
  assert.is(lines[0], `dumps/bad.rules:2:8: warning: ${fixtureFindings()[0]!.message} [CS204]`);
  assert.ok(lines[1]!.startsWith('dumps/bad.rules:7:1: note: '));
  assert.ok(lines.some((l) => l === 'dumps/bad.rules:12:6: note: B jumps to A'));
  for (const l of lines) assert.match(l, /^[^:]+:\d+:\d+: (error|warning|note): /);
});

test('gcc: golden', () => {
  assertGolden('findings.gcc', formatGcc(fixtureFindings()));
});

test.run();
