import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { decodeText } from '../../src/cli/io.js';

test('decodeText: ASCII, UTF-8 and a byte-order mark read as UTF-8 does', () => {
  for (const text of ['-A INPUT -j ACCEPT\n', '-A INPUT -m comment --comment "café ✓" -j ACCEPT\n', '\ufeff*filter\n', '']) {
    assert.is(decodeText(Buffer.from(text, 'utf8')), text);
  }
});

test('decodeText equals a UTF-8 decode for any bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => decodeText(Buffer.from(bytes)) === Buffer.from(bytes).toString('utf8')),
    { numRuns: 2000 },
  );
});

test.run();
