import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { Bdd, FALSE, TRUE } from '../../src/space/bdd.js';

/** A random boolean function over 6 variables, as an expression tree evaluated both ways. */
type Expr = { v: number } | { not: Expr } | { op: 'and' | 'or' | 'diff'; a: Expr; b: Expr };
const expr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: 0, max: 5 }).map((v) => ({ v })),
    tie('e').map((e) => ({ not: e })),
    fc.record({ op: fc.constantFrom('and', 'or', 'diff') as fc.Arbitrary<'and' | 'or' | 'diff'>, a: tie('e'), b: tie('e') }),
  ),
})).e;

function build(b: Bdd, e: Expr): number {
  if ('v' in e) return b.variable(e.v);
  if ('not' in e) return b.not(build(b, e.not));
  const x = build(b, e.a);
  const y = build(b, e.b);
  return e.op === 'and' ? b.and(x, y) : e.op === 'or' ? b.or(x, y) : b.diff(x, y);
}

function evalExpr(e: Expr, bits: number[]): boolean {
  if ('v' in e) return bits[e.v] === 1;
  if ('not' in e) return !evalExpr(e.not, bits);
  const x = evalExpr(e.a, bits);
  const y = evalExpr(e.b, bits);
  return e.op === 'and' ? x && y : e.op === 'or' ? x || y : x && !y;
}

const assignments = Array.from({ length: 64 }, (_, i) => Array.from({ length: 6 }, (_, v) => (i >> v) & 1));

// The operation cache starts small and grows with the node table (keeping its
// entries, each at its slot in the larger cache), in the middle of operations
// whose cache slots were computed before: results must not change.
test('results hold while the node table and the operation cache grow', () => {
  let seed = 12345;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const vars = 20;
  const cubes = Array.from({ length: 1500 }, () => Array.from({ length: 8 }, () => [Math.floor(random() * vars), random() < 0.5] as const));
  const inCube = (cube: readonly (readonly [number, boolean])[], bits: number[]) => cube.every(([v, pos]) => (bits[v] === 1) === pos);
  const b = new Bdd(1024);
  b.newVars(vars);
  let f = FALSE;
  for (const cube of cubes) {
    let c = TRUE;
    for (const [v, pos] of cube) c = b.and(c, b.variable(v, pos));
    f = b.or(f, c);
  }
  // Past 2^17 nodes the cache has grown at least once (one entry per 32 node slots, from 2^12).
  assert.ok(b.nodeCount > 1 << 17, `only ${b.nodeCount} nodes`);
  for (let i = 0; i < 2000; i++) {
    const bits = Array.from({ length: vars }, () => (random() < 0.5 ? 1 : 0));
    assert.is(b.evaluate(f, bits), cubes.some((c) => inCube(c, bits)));
  }
  // The same function built again from cached and fresh operations is the same node.
  let g = FALSE;
  for (let i = cubes.length - 1; i >= 0; i--) {
    let c = TRUE;
    for (const [v, pos] of cubes[i]!) c = b.and(c, b.variable(v, pos));
    g = b.or(c, g);
  }
  assert.is(g, f);
});

test('operations agree with truth tables; equal functions are the same node', () => {
  const b = new Bdd();
  b.newVars(6);
  fc.assert(
    fc.property(expr, expr, (e1, e2) => {
      const x = build(b, e1);
      const y = build(b, e2);
      const same = assignments.every((a) => evalExpr(e1, a) === evalExpr(e2, a));
      assert.is(x === y, same);
      for (const a of assignments) assert.is(b.evaluate(x, a), evalExpr(e1, a));
      const sub = assignments.every((a) => !evalExpr(e1, a) || evalExpr(e2, a));
      assert.is(b.implies(x, y), sub);
      assert.is(b.intersects(x, y), assignments.some((a) => evalExpr(e1, a) && evalExpr(e2, a)));
      assert.is(b.ite(x, y, FALSE), b.and(x, y));
      const pick = b.pick(x);
      if (x === FALSE) assert.is(pick, null);
      else assert.ok(b.evaluate(x, pick!));
    }),
    { numRuns: 500 },
  );
});

test('pick prefers low values; cube and cubeLiterals round-trip; andLiterals = and with a cube', () => {
  const b = new Bdd();
  b.newVars(4);
  const x = b.or(b.variable(0), b.variable(1));
  assert.equal([...b.pick(x)!], [0, 1, 0, 0]);
  assert.equal([...b.pick(x, () => true)!], [1, 1, 1, 1]);
  const c = b.cube([0, 2, 3], [1, 0, 1]);
  assert.equal(b.cubeLiterals(c), [
    [0, 1],
    [2, 0],
    [3, 1],
  ]);
  assert.is(b.cubeLiterals(x), null);
  assert.is(b.andLiterals(x, [1, 3], [0, 1]), b.and(x, b.cube([1, 3], [0, 1])));
});

test('terminals, not, existsBelow, existsRange', () => {
  const b = new Bdd();
  b.newVars(3);
  assert.is(b.not(TRUE), FALSE);
  assert.is(b.and(TRUE, FALSE), FALSE);
  const x = b.and(b.variable(0), b.variable(2));
  assert.is(b.existsBelow(x, 1), b.variable(0));
  assert.is(b.existsRange(x, 0, 1), b.variable(2));
  assert.is(b.size(x), 2);
});

test('rollback frees nodes created after a checkpoint and keeps the table consistent', () => {
  const b = new Bdd(1024);
  b.newVars(20);
  const keep = b.and(b.variable(1), b.variable(7));
  const mark = b.checkpoint();
  for (let i = 0; i < 3000; i++) b.and(b.variable(i % 20), b.variable((i * 7) % 20, false)); // grows the table
  b.rollback(mark);
  assert.is(b.nodeCount, mark);
  assert.is(b.and(b.variable(1), b.variable(7)), keep);
  const again = b.or(b.variable(3), b.variable(4));
  assert.ok(again >= mark);
});

test('simplifyWithin (Coudert-Madre restrict) agrees with f wherever care holds, and tests no variable f does not', () => {
  const b = new Bdd();
  b.newVars(6);
  const support = (n: number): Set<number> => {
    const vars = new Set<number>();
    b.visitNodes([n], (v) => {
      vars.add(v);
    });
    return vars;
  };
  fc.assert(
    fc.property(expr, expr, (ef, ec) => {
      const f = build(b, ef);
      const care = build(b, ec);
      const r = b.simplifyWithin(f, care);
      for (const bits of assignments) if (evalExpr(ec, bits)) assert.is(b.evaluate(r, bits), evalExpr(ef, bits));
      const fs = support(f);
      for (const v of support(r)) assert.ok(fs.has(v), `simplifyWithin tests variable ${v}, which f does not`);
      // Where care holds everywhere f is decided, nothing changes.
      assert.is(b.simplifyWithin(f, TRUE), f);
    }),
    { numRuns: 500 },
  );
  // A test that only restates the care set disappears: (x0 ∧ x1) restricted to x1 is x0.
  assert.is(b.simplifyWithin(b.and(b.variable(0), b.variable(1)), b.variable(1)), b.variable(0));
  assert.is(b.simplifyWithin(b.variable(2), FALSE), FALSE);
});

test.run();
