import { test } from 'uvu';
import { check } from '../../src/lint/checks/cs301-undefined-chain.js';
import { runTable } from './table.js';

runTable(check, [
  {
    name: 'verdicts, extension targets and defined chains',
    input: `
      *filter
      :INPUT DROP [0:0]
      :DOCKER - [0:0]
      -A INPUT -j DOCKER
      -A INPUT -g DOCKER
      -A INPUT -p tcp -j REJECT --reject-with tcp-reset
      -A INPUT -m limit --limit 1/s -j LOG
      -A INPUT -j NFQUEUE --queue-num 1
      -A DOCKER -j RETURN
      *nat
      :POSTROUTING ACCEPT [0:0]
      -A POSTROUTING -o eth0 -j MASQUERADE`,
    expect: [],
  },
  {
    name: 'a jump to a missing chain, with a suggestion',
    input: `
      *filter
      :INPUT DROP [0:0]
      :from-web - [0:0]
      -A INPUT -j from-wbe`,
    expect: ['4:10'],
    messages: ["jump to undefined chain 'from-wbe' in table filter; did you mean 'from-web'?"],
  },
  {
    name: 'an upper-case name is a chain unless it is a known target',
    input: `
      *filter
      :FORWARD DROP [0:0]
      -A FORWARD -j DOCKER-USER`,
    expect: ['3:12'],
  },
  {
    name: 'chains are per table',
    input: `
      *filter
      :INPUT DROP [0:0]
      :CUSTOM - [0:0]
      -A INPUT -j CUSTOM
      *mangle
      :PREROUTING ACCEPT [0:0]
      -A PREROUTING -j CUSTOM`,
    expect: ['7:15'],
    messages: ['table mangle'],
  },
  {
    name: 'goto to a verdict',
    input: `
      *filter
      :INPUT DROP [0:0]
      -A INPUT -g ACCEPT`,
    expect: ['3:10'],
    messages: ["goto to undefined chain 'ACCEPT' in table filter; -g needs a user chain"],
  },
]);

test.run();
