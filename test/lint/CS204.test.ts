import { test } from 'uvu';
import { check } from '../../src/lint/checks/cs204-default-accept-policy.js';
import { runTable } from './table.js';

runTable(check, [
  {
    name: 'DROP policies',
    input: `
      *filter
      :INPUT DROP [0:0]
      :FORWARD DROP [0:0]
      :OUTPUT ACCEPT [0:0]`,
    expect: [],
  },
  {
    name: 'policy ACCEPT closed by a final unconditional DROP',
    input: `
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD DROP [0:0]
      -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
      -A INPUT -m comment --comment "default deny" -j DROP`,
    expect: [],
  },
  {
    name: 'closed by REJECT',
    input: `
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD DROP [0:0]
      -A INPUT -j REJECT --reject-with icmp-host-prohibited`,
    expect: [],
  },
  {
    name: 'closed by a jump to a chain that ends in DROP',
    input: `
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD DROP [0:0]
      :LOGDROP - [0:0]
      -A INPUT -j LOGDROP
      -A LOGDROP -m limit --limit 5/min -j LOG
      -A LOGDROP -j DROP`,
    expect: [],
  },
  {
    name: 'no filter table: nothing to say',
    input: `
      *nat
      :PREROUTING ACCEPT [0:0]`,
    expect: [],
  },
  {
    name: 'OUTPUT ACCEPT is normal',
    input: `
      *filter
      :INPUT DROP [0:0]
      :FORWARD DROP [0:0]
      :OUTPUT ACCEPT [0:0]`,
    expect: [],
  },
  {
    name: 'INPUT and FORWARD left open, caret at the policy',
    input: `
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD ACCEPT [0:0]
      :OUTPUT ACCEPT [0:0]`,
    expect: ['2:8', '3:10'],
    messages: ['ipv4 INPUT: packets no rule decides are accepted', 'ipv4 FORWARD: packets no rule decides are accepted'],
  },
  {
    name: 'a conditional final DROP does not close the chain',
    input: `
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD DROP [0:0]
      -A INPUT -i eth0 -j DROP`,
    expect: ['2:8'],
  },
  {
    // An unconditional DROP closes the chain wherever it stands: the rules after it are
    // dead (CS101's business) and no packet reaches the ACCEPT policy.
    name: 'an unconditional DROP before dead rules closes the chain',
    input: `
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD DROP [0:0]
      -A INPUT -j DROP
      -A INPUT -p tcp -j ACCEPT`,
    expect: [],
  },
  {
    name: 'a RETURN before the closing DROP lets packets reach the policy',
    input: `
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD DROP [0:0]
      -A INPUT -s 10.0.0.0/8 -j RETURN
      -A INPUT -j DROP`,
    expect: ['2:8'],
  },
  {
    name: 'a jump into a chain that closes early (memphis testbed)',
    input: `
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD DROP [0:0]
      :SUB - [0:0]
      -A INPUT -j SUB
      -A SUB -j DROP
      -A SUB -s 10.0.0.1/32 -j ACCEPT`,
    expect: [],
  },
  {
    name: 'a jumped-to chain that can RETURN does not close',
    input: `
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD DROP [0:0]
      :GUARD - [0:0]
      -A INPUT -j GUARD
      -A GUARD -s 10.0.0.0/8 -j RETURN
      -A GUARD -j DROP`,
    expect: ['2:8'],
  },
  {
    name: 'a final unconditional LOG is not terminal',
    input: `
      *filter
      :INPUT DROP [0:0]
      :FORWARD ACCEPT [0:0]
      -A FORWARD -m limit --limit 1/s -j LOG`,
    expect: ['3:10'],
  },
]);

test.run();
