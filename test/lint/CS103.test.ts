import { test } from 'uvu';
import { buildAnalysis } from '../../src/analysis/lint-analysis.js';
import { check } from '../../src/lint/checks/cs103-unmatchable-rule.js';
import { runTable } from './table.js';

const options = { analysis: buildAnalysis };
const head = `
      *filter
      :INPUT DROP [0:0]`;

runTable(check, [
  {
    name: 'plain rules match something',
    input: `${head}
      -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
      -A INPUT -s 10.0.0.0/8 ! -d 10.0.0.0/8 -j ACCEPT
      -A INPUT -m conntrack --ctstate NEW -m conntrack ! --ctstate ESTABLISHED -j ACCEPT
      -A INPUT -m limit --limit 1/sec -j LOG`,
    options,
    expect: [],
  },
  {
    name: 'protocol and transport match disagree',
    input: `${head}
      -A INPUT -p tcp -m udp --dport 53 -j ACCEPT`,
    options,
    expect: ['3:1'],
    messages: ['matches no packet'],
  },
  {
    // The kernel compares (flags & mask) == comp as given (xt_tcpudp), checked in a namespace: SYN SYN,ACK counts no SYN.
    name: 'tcp flags compared outside their own mask',
    input: `${head}
      -A INPUT -p tcp -m tcp --tcp-flags SYN SYN,ACK -j ACCEPT
      -A INPUT -p tcp -m tcp --tcp-flags SYN,ACK SYN -j ACCEPT
      -A INPUT -p tcp -m tcp ! --tcp-flags SYN SYN,ACK -j ACCEPT`,
    options,
    expect: ['3:1'],
  },
  {
    name: 'a source outside its own negated range',
    input: `${head}
      -A INPUT ! -s 10.0.0.0/8 -m iprange --src-range 10.0.0.1-10.0.0.9 -j ACCEPT
      -A INPUT -s 10.0.0.0/8 -m iprange --src-range 192.168.0.1-192.168.0.9 -j ACCEPT`,
    options,
    expect: ['3:1', '4:1'],
  },
  {
    name: 'two conntrack states a packet cannot both have',
    input: `${head}
      -A INPUT -m conntrack --ctstate NEW -m conntrack --ctstate ESTABLISHED -j ACCEPT`,
    options,
    expect: ['3:1'],
  },
  {
    name: 'a later fragment has no ports',
    input: `${head}
      -A INPUT -f -p tcp -m tcp --dport 22 -j ACCEPT`,
    options,
    expect: ['3:1'],
  },
  {
    name: 'an unmodelled match never makes a rule empty',
    input: `${head}
      -A INPUT -m mark --mark 0x1 -m mark ! --mark 0x1 -j ACCEPT`,
    options,
    expect: [],
  },
]);

test.run();
