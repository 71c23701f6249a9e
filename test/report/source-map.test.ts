// SourceMap finds lines lazily by offset; a line must be exactly what
// `text.split(/\r?\n/)` gives (CRLF and LF breaks, a lone CR kept), for every
// line number, and undefined outside the file.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SourceMap } from '../../src/diagnostics.js';

test('line(n) equals the split of the text, for any mix of \\n, \\r\\n and \\r', () => {
  const text = fc.array(fc.constantFrom('a', 'bc', ' ', '\n', '\r\n', '\r'), { maxLength: 30 }).map((parts) => parts.join(''));
  fc.assert(
    fc.property(text, (t) => {
      const sm = new SourceMap();
      sm.add('f', t);
      const lines = t.split(/\r?\n/);
      for (let n = 0; n <= lines.length + 1; n++) assert.is(sm.line('f', n), lines[n - 1]);
    }),
    { numRuns: 500 },
  );
});

test('an unknown file has no lines; adding a file again replaces its text', () => {
  const sm = new SourceMap();
  assert.is(sm.line('none', 1), undefined);
  sm.add('f', 'one\ntwo');
  assert.is(sm.line('f', 2), 'two');
  sm.add('f', 'three');
  assert.is(sm.line('f', 1), 'three');
  assert.is(sm.line('f', 2), undefined);
});

test.run();
