import { test } from 'uvu';
import { buildAnalysis } from '../../src/analysis/lint-analysis.js';
import { check } from '../../src/lint/checks/cs102-redundant-rule.js';
import { runTable } from './table.js';

const options = { analysis: buildAnalysis };
const head = `
      *filter
      :INPUT DROP [0:0]
      :T - [0:0]`;

runTable(check, [
  {
    name: 'an exact repeat',
    input: `${head}
      -A INPUT -s 10.0.0.1/32 -p tcp -m tcp --dport 22 -j ACCEPT
      -A INPUT -s 10.0.0.1/32 -p tcp -m tcp --dport 22 -j ACCEPT`,
    options,
    expect: ['5:1'],
    messages: ['line 4 (ACCEPT) already gives every packet it matches the same ACCEPT'],
  },
  {
    name: 'covered by two accepts together',
    input: `${head}
      -A INPUT -p tcp -m tcp --dport 1:1023 -j ACCEPT
      -A INPUT -p tcp -m tcp --dport 1024:65535 -j ACCEPT
      -A INPUT -p tcp -m multiport --dports 22,8080 -j ACCEPT`,
    options,
    expect: ['6:1'],
    messages: ['together'],
  },
  {
    name: 'a different verdict is CS101, not CS102',
    input: `${head}
      -A INPUT -p tcp -j ACCEPT
      -A INPUT -p tcp -m tcp --dport 22 -j DROP`,
    options,
    expect: [],
  },
  {
    name: 'one blocker with another verdict makes it CS101',
    input: `${head}
      -A INPUT -s 10.0.0.0/9 -j ACCEPT
      -A INPUT -s 10.128.0.0/9 -j DROP
      -A INPUT -s 10.0.0.0/8 -j ACCEPT`,
    options,
    expect: [],
  },
  {
    name: 'a second jump into the same chain that decides everything',
    input: `${head}
      -A INPUT -i eth0 -j T
      -A INPUT -i eth0 -p tcp -j T
      -A T -j DROP`,
    options,
    expect: ['5:1'],
  },
  {
    name: 'a RETURN after a RETURN',
    input: `${head}
      -A INPUT -j T
      -A T -s 10.0.0.0/8 -j RETURN
      -A T -s 10.1.0.0/16 -j RETURN
      -A T -j ACCEPT`,
    options,
    expect: ['6:1'],
  },
  {
    name: 'unmodelled matches on the blocker keep a rule alive',
    input: `${head}
      -A INPUT -p tcp -m limit --limit 5/sec -j ACCEPT
      -A INPUT -p tcp -j ACCEPT`,
    options,
    expect: [],
  },
  {
    // Found in the corpus review (is-home-user line 117): a dead DNAT to another
    // address is shadowed (CS101), not redundant.
    name: 'a DNAT to another address is not the same verdict',
    input: `
      *nat
      :PREROUTING ACCEPT [0:0]
      -A PREROUTING -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.1
      -A PREROUTING -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.2
      -A PREROUTING -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.1`,
    options,
    expect: ['5:1'],
  },
  {
    name: 'REJECT with another message is not the same verdict',
    input: `${head}
      -A INPUT -p tcp -j REJECT --reject-with tcp-reset
      -A INPUT -p tcp -m tcp --dport 22 -j REJECT --reject-with icmp-port-unreachable`,
    options,
    expect: [],
  },
]);

test.run();
