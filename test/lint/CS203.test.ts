import { test } from 'uvu';
import { check } from '../../src/lint/checks/cs203-log-without-limit.js';
import { runTable } from './table.js';

runTable(check, [
  {
    name: 'rate-limited LOG',
    input: `
      *filter
      :INPUT DROP [0:0]
      -A INPUT -m limit --limit 5/min -j LOG --log-prefix "denied: "`,
    expect: [],
  },
  {
    name: 'hashlimit counts as a limit',
    input: `
      *filter
      :FORWARD DROP [0:0]
      -A FORWARD -m hashlimit --hashlimit-above 10/sec --hashlimit-name f -j LOG`,
    expect: [],
  },
  {
    name: 'NFLOG goes to userspace, not the kernel log',
    input: `
      *filter
      :INPUT DROP [0:0]
      -A INPUT -j NFLOG --nflog-group 1`,
    expect: [],
  },
  {
    name: 'LOG chain entered only through rate-limited jumps',
    input: `
      *filter
      :INPUT DROP [0:0]
      :LOGDROP - [0:0]
      -A INPUT -m limit --limit 5/min -j LOGDROP
      -A LOGDROP -j LOG --log-prefix "drop: "
      -A LOGDROP -j DROP`,
    expect: [],
  },
  {
    name: 'unlimited LOG, caret at -j',
    input: `
      *filter
      :INPUT DROP [0:0]
      -A INPUT -p tcp -m tcp --dport 22 -j LOG --log-prefix "ssh: "`,
    expect: ['3:35'],
    messages: ['LOG without a rate limit'],
  },
  {
    name: 'ULOG is logging too',
    input: `
      *filter
      :INPUT DROP [0:0]
      -A INPUT -j ULOG`,
    expect: ['3:10'],
    messages: ['ULOG'],
  },
  {
    name: 'LOG chain with one unlimited entry',
    input: `
      *filter
      :INPUT DROP [0:0]
      :FORWARD DROP [0:0]
      :LOGDROP - [0:0]
      -A INPUT -m limit --limit 5/min -j LOGDROP
      -A FORWARD -j LOGDROP
      -A LOGDROP -j LOG`,
    expect: ['7:12'],
  },
  {
    name: 'a limit after the LOG rule does not help',
    input: `
      *filter
      :INPUT DROP [0:0]
      -A INPUT -j LOG
      -A INPUT -m limit --limit 1/s -j ACCEPT`,
    expect: ['3:10'],
  },
  {
    name: 'suppressed by a disable line',
    input: `
      *filter
      :INPUT DROP [0:0]
      # chainsmith: disable=CS203 -- audit trail must be complete
      -A INPUT -j LOG`,
    expect: [],
  },
]);

test.run();
