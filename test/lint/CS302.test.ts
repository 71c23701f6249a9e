import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { check } from '../../src/lint/checks/cs302-chain-loop.js';
import { lintWith, runTable } from './table.js';

const threeCycle = `
  *filter
  :INPUT DROP [0:0]
  :A - [0:0]
  :B - [0:0]
  :C - [0:0]
  -A INPUT -j A
  -A A -j B
  -A B -p tcp -j C
  -A C -g A`;

runTable(check, [
  {
    name: 'a tree of chains, one reached twice',
    input: `
      *filter
      :INPUT DROP [0:0]
      :A - [0:0]
      :B - [0:0]
      -A INPUT -j A
      -A INPUT -j B
      -A A -j B
      -A B -j RETURN`,
    expect: [],
  },
  {
    name: 'a jump to an undefined chain is not a loop',
    input: `
      *filter
      :INPUT DROP [0:0]
      -A INPUT -j MISSING`,
    expect: [],
  },
  { name: 'a three-chain cycle, reported once at its first jump', input: threeCycle, expect: ['7:6'], messages: ['A -> B -> C -> A'] },
  {
    name: 'a chain that jumps to itself',
    input: `
      *filter
      :SELF - [0:0]
      -A SELF -j SELF`,
    expect: ['3:9'],
    messages: ['SELF -> SELF'],
  },
  {
    name: 'two separate cycles, two findings',
    input: `
      *filter
      :A - [0:0]
      :B - [0:0]
      :C - [0:0]
      :D - [0:0]
      -A A -j B
      -A B -j A
      -A C -j D
      -A D -j C`,
    expect: ['6:6', '8:6'],
  },
]);

test('CS302 lists the rest of the cycle as related jumps', () => {
  const [f] = lintWith(check, threeCycle);
  assert.equal(
    f!.related.map((r) => `${r.loc.line}: ${r.message}`),
    ['8: B jumps to C', '9: C goes to A'],
  );
});

test('CS302 handles a very long chain of chains without recursion', () => {
  const n = 20000;
  const lines = ['*filter', ':INPUT DROP [0:0]'];
  for (let i = 0; i < n; i++) lines.push(`:C${i} - [0:0]`);
  lines.push('-A INPUT -j C0');
  for (let i = 0; i < n - 1; i++) lines.push(`-A C${i} -j C${i + 1}`);
  lines.push(`-A C${n - 1} -j C0`);
  const findings = lintWith(check, lines.join('\n'));
  assert.is(findings.length, 1);
});

test.run();
