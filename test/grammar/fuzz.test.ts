// parsePolicy must survive anything: random text and valid policies with tokens
// deleted, inserted or duplicated. It may report errors, never throw, and every
// diagnostic must point inside the text (a caret the renderer can draw).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { Diagnostic } from '../../src/diagnostics.js';
import { parsePolicy } from '../../src/policy/parse.js';
import { repoRoot } from '../helpers/env.js';

const example = readFileSync(path.join(repoRoot, 'test', 'grammar', 'fixtures', 'design-example.policy'), 'utf8');

/** Rough tokens of the example (words, literals, punctuation) and the whitespace between them. */
const pieces = example.match(/"[^"\n]*"|#[^\n]*|[A-Za-z0-9_.:\/-]+|->|\s+|./g)!;

/** Fragments that mean something to the lexer, to insert at random. */
const fragments = [
  'allow', 'deny', 'reject', 'host', 'defaults', '{', '}', '->', ',', '/', '-', ':', '=', '[', ']', '"', '"x"', '#',
  '10.0.0.1', '10.0.0.0/99', '2001:db8::/48', '::1', 'fe80::1', 'tcp/80', 'tcp/1-1023', 'icmp/3/4', 'web:10.0.10.5',
  'db:replicas', 'web:[2001:db8::5]', 'log', 'comment', 'limit', '10/minute', 'burst', '99999999999999999999', '\n', '\r', '\r\n', ' ', '\t', ';', '@', 'é', '\u2028', '\v', '\f',
];

function checkLocations(text: string, diagnostics: Diagnostic[]): void {
  const lines = text.split(/\r?\n/);
  for (const d of diagnostics) {
    const where = `${d.loc.line}:${d.loc.column} (${d.message}) in ${JSON.stringify(text)}`;
    assert.ok(Number.isInteger(d.loc.line) && d.loc.line >= 1 && d.loc.line <= lines.length, `line out of range: ${where}`);
    const lineText = lines[d.loc.line - 1]!;
    assert.ok(Number.isInteger(d.loc.column) && d.loc.column >= 1 && d.loc.column <= lineText.length + 1, `column out of range: ${where}`);
    if (d.loc.endColumn !== undefined) assert.ok(d.loc.endColumn > d.loc.column && d.loc.endColumn <= lineText.length + 1, `endColumn out of range: ${where}`);
    assert.ok(d.message.length > 0 && !d.message.includes('\n'), `message must be one line: ${where}`);
  }
}

function parseAndCheck(text: string): void {
  const { ast, diagnostics } = parsePolicy(text, 'fuzz.policy');
  assert.is(ast.file, 'fuzz.policy');
  checkLocations(text, diagnostics);
}

test('the example policy parses without diagnostics (the mutations start from a valid text)', () => {
  assert.equal(parsePolicy(example, 'x.policy').diagnostics, []);
  assert.is(pieces.join(''), example);
});

test('random strings never throw and give located diagnostics', () => {
  fc.assert(fc.property(fc.string({ maxLength: 200, unit: 'binary' }), (s) => parseAndCheck(s)), { numRuns: 400 });
  fc.assert(fc.property(fc.fullUnicodeString({ maxLength: 80 }), (s) => parseAndCheck(s)), { numRuns: 200 });
});

test('random sequences of language fragments never throw', () => {
  const frag = fc.constantFrom(...fragments, ...pieces);
  fc.assert(fc.property(fc.array(frag, { maxLength: 60 }), (parts) => parseAndCheck(parts.join(' '))), { numRuns: 400 });
});

type Mutation = { op: 'delete' | 'insert' | 'duplicate'; at: number; fragment: string };

test('mutated valid policies (deleted, inserted, duplicated tokens) never throw', () => {
  const mutation = fc.record({
    op: fc.constantFrom<Mutation['op']>('delete', 'insert', 'duplicate'),
    at: fc.nat({ max: pieces.length - 1 }),
    fragment: fc.constantFrom(...fragments),
  });
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => {
      const parts = [...pieces];
      for (const m of mutations) {
        const at = m.at % parts.length;
        if (m.op === 'delete') parts.splice(at, 1);
        else if (m.op === 'insert') parts.splice(at, 0, m.fragment);
        else parts.splice(at, 0, parts[at]!);
        if (parts.length === 0) parts.push('');
      }
      parseAndCheck(parts.join(''));
    }),
    { numRuns: 600 },
  );
});

test('CRLF line endings and a missing final newline parse the same as LF', () => {
  const crlf = parsePolicy(example.replace(/\n/g, '\r\n'), 'x.policy');
  assert.equal(crlf.diagnostics, []);
  assert.is(crlf.ast.rules.length, 7);
  assert.equal(parsePolicy(example.trimEnd(), 'x.policy').diagnostics, []);
});

test.run();
