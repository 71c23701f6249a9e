import { test } from 'uvu';
import { check } from '../../src/lint/checks/cs303-unused-chain.js';
import { runTable } from './table.js';

runTable(check, [
  {
    name: 'every user chain is jumped or gone to',
    input: `
      *filter
      :INPUT DROP [0:0]
      :A - [0:0]
      :B - [0:0]
      -A INPUT -j A
      -A A -g B`,
    expect: [],
  },
  {
    name: 'built-in chains are never unused',
    input: `
      *nat
      :PREROUTING ACCEPT [0:0]
      :POSTROUTING ACCEPT [0:0]`,
    expect: [],
  },
  {
    name: 'a user chain nothing jumps to, at its declaration',
    input: `
      *filter
      :INPUT DROP [0:0]
      :OLD-RULES - [0:0]
      -A OLD-RULES -p tcp -m tcp --dport 23 -j ACCEPT`,
    expect: ['3:1'],
    messages: ["chain 'OLD-RULES' in table filter is never jumped to: its rule never sees a packet"],
  },
  {
    name: 'a jump to itself does not count as use',
    input: `
      *filter
      :LOOP - [0:0]
      -A LOOP -j LOOP`,
    expect: ['2:1'],
  },
  {
    name: 'a jump from another table does not count',
    input: `
      *filter
      :INPUT DROP [0:0]
      :X - [0:0]
      *mangle
      :PREROUTING ACCEPT [0:0]
      :X - [0:0]
      -A PREROUTING -j X`,
    expect: ['3:1'],
  },
]);

test.run();
