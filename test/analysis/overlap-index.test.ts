// The overlap index (src/analysis/overlap-index.ts) against brute force: for
// random boxes over a few nested address blocks, meeting() returns exactly the
// filed ids whose boxes meet the query, in ascending order, whether the query
// pins its source, its destination or neither.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { biasAddr, boxesMeet, fullBox, type Box } from '../../src/analysis/box.js';
import { OverlapIndex } from '../../src/analysis/overlap-index.js';

const BASE = 0x0a000000; // 10.0.0.0
/** Intervals of nested and disjoint blocks, and single addresses, near 10.0.0.0. */
const interval = fc.oneof(
  fc.constant<[number, number]>([0, 0xffffffff]),
  fc.integer({ min: 0, max: 7 }).map((a): [number, number] => [BASE + a, BASE + a]),
  fc.integer({ min: 0, max: 1 }).map((h): [number, number] => [BASE + 4 * h, BASE + 4 * h + 3]),
  fc.constant<[number, number]>([BASE, BASE + 7]),
  fc.constant<[number, number]>([0xc0a80000, 0xc0a8ffff]),
);

const box = fc.record({ src: interval, dst: interval, port: fc.integer({ min: 0, max: 2 }), empty: fc.integer({ min: 0, max: 9 }).map((x) => x === 0) }).map(({ src, dst, port, empty }): Box => {
  const b = fullBox();
  [b.srcLo, b.srcHi] = src.map(biasAddr);
  [b.dstLo, b.dstHi] = dst.map(biasAddr);
  if (port > 0) b.dpLo = b.dpHi = port;
  b.empty = empty;
  return b;
});

test('meeting() returns exactly the filed boxes that meet the query, ascending', () => {
  fc.assert(
    fc.property(fc.array(box, { maxLength: 30 }), fc.array(box, { minLength: 1, maxLength: 10 }), (filed, queries) => {
      const index = new OverlapIndex();
      const ids: number[] = [];
      filed.forEach((b, i) => {
        const id = 2 * i + 1;
        index.add(id, b);
        if (!b.empty) ids.push(id);
      });
      for (const q of queries) {
        const expected = ids.filter((id) => boxesMeet(filed[(id - 1) / 2]!, q));
        assert.equal([...index.meeting(q)], expected);
      }
    }),
    { numRuns: 500 },
  );
});

test('an empty index or an empty query meets nothing', () => {
  const index = new OverlapIndex();
  assert.equal([...index.meeting(fullBox())], []);
  index.add(0, fullBox());
  const none = fullBox();
  none.empty = true;
  assert.equal([...index.meeting(none)], []);
  assert.equal([...index.meeting(fullBox())], [0]);
});

test.run();
