import { test } from 'uvu';
import { check } from '../../src/lint/checks/cs206-deprecated-state-match.js';
import { runTable } from './table.js';

runTable(check, [
  {
    name: 'conntrack is the current spelling',
    input: `
      *filter
      :INPUT DROP [0:0]
      -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
    expect: [],
  },
  {
    name: '-m state, caret at -m, replacement spelled out',
    input: `
      *filter
      :INPUT DROP [0:0]
      -A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT`,
    expect: ['3:10'],
    messages: ["write '-m conntrack --ctstate RELATED,ESTABLISHED'"],
  },
  {
    name: 'negation is carried over',
    input: `
      *filter
      :INPUT DROP [0:0]
      -A INPUT -p tcp -m state ! --state NEW -j ACCEPT`,
    expect: ['3:17'],
    messages: ["'-m conntrack ! --ctstate NEW'"],
  },
  {
    name: 'every table and chain',
    input: `
      *filter
      :FORWARD DROP [0:0]
      :GOOD~STUFF - [0:0]
      -A FORWARD -j GOOD~STUFF
      -A GOOD~STUFF -m state --state ESTABLISHED -j ACCEPT
      *mangle
      :PREROUTING ACCEPT [0:0]
      -A PREROUTING -m state --state NEW -j MARK --set-mark 1`,
    expect: ['5:15', '8:15'],
  },
  {
    name: 'suppressed',
    input: `
      *filter
      :INPUT DROP [0:0]
      # chainsmith: disable=deprecated-state-match -- matches the vendor's template
      -A INPUT -m state --state ESTABLISHED -j ACCEPT`,
    expect: [],
  },
]);

test.run();
