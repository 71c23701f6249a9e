// The position-recording JSON parser: same values as JSON.parse, positions by
// JSON pointer, and located syntax errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ChainsmithError } from '../../src/diagnostics.js';
import { escapePointerToken, locatePointer, parseJsonWithPositions } from '../../src/topology/json-source.js';

test('values equal JSON.parse, and each scalar position holds its own text', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.constantFrom(0, 2), (value, indent) => {
      const text = JSON.stringify(value, null, indent);
      const doc = parseJsonWithPositions(text, 'x.json');
      assert.equal(doc.value, JSON.parse(text));
      const walk = (v: unknown, pointer: string) => {
        const pos = doc.positions.get(pointer);
        assert.ok(pos, `no position for ${pointer}`);
        if (typeof v === 'object' && v !== null) {
          assert.is(text[pos.value.offset], Array.isArray(v) ? '[' : '{');
          for (const [k, child] of Object.entries(v)) walk(child, `${pointer}/${escapePointerToken(k)}`);
        } else {
          const token = JSON.stringify(v);
          assert.is(text.slice(pos.value.offset, pos.value.offset + token.length), token);
        }
      };
      walk(JSON.parse(text), '');
    }),
    { numRuns: 300 },
  );
});

test('positions are 1-based line and column, keys and values apart', () => {
  const text = '{\n  "a/b": {\n    "c~d": [1, "two"]\n  }\n}';
  const doc = parseJsonWithPositions(text, 'x.json');
  assert.equal(locatePointer(doc, 'x.json', '/a~1b/c~0d/1'), { file: 'x.json', line: 3, column: 16, endColumn: 21 });
  assert.equal(locatePointer(doc, 'x.json', '/a~1b/c~0d', 'key'), { file: 'x.json', line: 3, column: 5, endColumn: 10 });
  assert.equal(locatePointer(doc, 'x.json', '/a~1b/c~0d'), { file: 'x.json', line: 3, column: 12, endColumn: 13 });
  // An unknown path falls back to its nearest ancestor.
  assert.equal(locatePointer(doc, 'x.json', '/a~1b/missing/deeper', 'key'), { file: 'x.json', line: 2, column: 3, endColumn: 8 });
});

test('a byte order mark is skipped without shifting columns', () => {
  const doc = parseJsonWithPositions('\uFEFF{"a": 1}', 'x.json');
  assert.equal(doc.value, { a: 1 });
  assert.is(doc.positions.get('/a')?.value.column, 8);
});

test('duplicate keys are diagnostics; the last value wins as with JSON.parse', () => {
  const doc = parseJsonWithPositions('{"a": 1,\n "a": 2}', 'x.json');
  assert.equal(doc.value, { a: 2 });
  assert.equal(
    doc.diagnostics.map((d) => [d.message, d.loc.line, d.loc.column, d.related?.[0]?.loc.line]),
    [["/a: duplicate property 'a'", 2, 2, 1]],
  );
});

test('a "__proto__" key is an ordinary member', () => {
  const doc = parseJsonWithPositions('{"__proto__": {"x": 1}}', 'x.json');
  assert.equal(Object.keys(doc.value as object), ['__proto__']);
  assert.is(({} as Record<string, unknown>).x, undefined);
});

const syntaxErrors: Array<[string, string, number, number]> = [
  ['', 'invalid JSON: expected a value, found the end of the file', 1, 1],
  ['{"a": 1} x', 'invalid JSON: unexpected text after the end of the JSON document', 1, 10],
  ["{'a': 1}", 'invalid JSON: expected a property name in double quotes, found \'\'\'', 1, 2],
  ['{"a" 1}', "invalid JSON: expected ':' after property name, found '1'", 1, 6],
  ['[1 2]', "invalid JSON: expected ',' or ']' after an array item, found '2'", 1, 4],
  ['[1,]', "invalid JSON: trailing comma before ']' (JSON does not allow one)", 1, 3],
  ['{"a": "x\ny"}', 'invalid JSON: a string may not contain a raw control character or line break (write \\n)', 1, 9],
  ['{"a": "\\x"}', 'invalid JSON: invalid escape sequence in string', 1, 8],
  ['{"a": "abc', 'invalid JSON: unterminated string', 1, 7],
  ['{"a": 01}', "invalid JSON: expected ',' or '}' after a property value, found '1'", 1, 8],
  ['{"a": tru}', "invalid JSON: expected a value, found 't'", 1, 7],
  ['{\n  /* c */ "a": 1}', 'invalid JSON: expected a property name in double quotes, found a comment (JSON has none; use a "description" property)', 2, 3],
];

for (const [text, message, line, column] of syntaxErrors) {
  test(`syntax error: ${JSON.stringify(text)}`, () => {
    try {
      parseJsonWithPositions(text, 'x.json');
      assert.unreachable();
    } catch (e) {
      assert.instance(e, ChainsmithError);
      const [d] = (e as ChainsmithError).diagnostics;
      assert.equal([d!.message, d!.loc.line, d!.loc.column], [message, line, column]);
      assert.throws(() => JSON.parse(text) as unknown); // JSON.parse agrees it is invalid
    }
  });
}

test.run();
