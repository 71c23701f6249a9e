// The BDD's fast paths must give exactly the sets of the plain operations:
// andLiterals (the encoder's per-rule step) against and(a, cube), and the node
// limit the verdict budget relies on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { Bdd, BddNodeLimitExceeded, FALSE, TRUE, type BddNode } from '../../src/space/bdd.js';

const VARS = 10;

/** A random function over VARS variables, built from random cubes. */
function randomSet(b: Bdd, cubes: Array<Array<[number, number]>>): BddNode {
  let r: BddNode = FALSE;
  for (const c of cubes) r = b.or(r, b.cube(c.map(([v]) => v), c.map(([, x]) => x)));
  return r;
}

const literal = fc.tuple(fc.integer({ min: 0, max: VARS - 1 }), fc.integer({ min: 0, max: 1 }));
const cubes = fc.array(fc.array(literal, { maxLength: 5 }), { maxLength: 6 });

test('andLiterals equals and() with the cube, literals at any depth', () => {
  fc.assert(
    fc.property(cubes, fc.array(literal, { maxLength: VARS }), (cs, lits) => {
      const b = new Bdd(1024);
      b.newVars(VARS);
      const a = randomSet(b, cs);
      // andLiterals wants strictly increasing variables, one value each.
      const byVar = new Map<number, number>(lits);
      const vars = [...byVar.keys()].sort((x, y) => x - y);
      const values = vars.map((v) => byVar.get(v)!);
      assert.is(b.andLiterals(a, vars, values), b.and(a, b.cube(vars, values)));
    }),
    { numRuns: 400 },
  );
});

test('andLiterals on the terminals', () => {
  const b = new Bdd(1024);
  b.newVars(4);
  assert.is(b.andLiterals(FALSE, [0, 2], [1, 0]), FALSE);
  assert.is(b.andLiterals(TRUE, [0, 2], [1, 0]), b.cube([0, 2], [1, 0]));
  assert.is(b.andLiterals(TRUE, [], []), TRUE);
});

test('withNodeLimit stops node creation at the limit and restores the table', () => {
  const b = new Bdd(1024);
  b.newVars(32);
  const before = b.nodeCount;
  assert.throws(
    () => b.withNodeLimit(before + 10, () => b.cube(Array.from({ length: 32 }, (_, i) => i), new Array(32).fill(1))),
    (e: unknown) => e instanceof BddNodeLimitExceeded,
  );
  assert.ok(b.nodeCount <= before + 10);
  // Outside the limit the same cube is built in full, and nodes made before the throw are reused.
  const c = b.cube(Array.from({ length: 32 }, (_, i) => i), new Array(32).fill(1));
  assert.is(b.size(c), 32);
  // Infinity lifts an enclosing limit for one step.
  const d = b.withNodeLimit(b.nodeCount, () => b.withNodeLimit(Infinity, () => b.variable(0, false)));
  assert.is(b.varOf(d), 0);
});

test.run();
