import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { check } from '../../src/lint/checks/cs401-unknown-interface.js';
import { lintRulesets } from '../../src/lint/run.js';
import { build, dedent } from './build.js';
import { runTable } from './table.js';
import { clusterTopology } from './topology.js';

const topology = clusterTopology();

runTable(check, [
  {
    name: 'known interfaces, lo, and a wildcard that matches',
    input: `
      *filter
      :INPUT DROP [0:0]
      :FORWARD DROP [0:0]
      -A INPUT -i lo -j ACCEPT
      -A FORWARD -i br0.10 -o br0.30 -j ACCEPT
      -A FORWARD -i br0.+ ! -o eth1.100 -j ACCEPT
      -A INPUT -i eth0 -j DROP`,
    options: { topology },
    expect: [],
  },
  {
    name: 'without a topology the check does not run',
    input: `
      *filter
      :INPUT DROP [0:0]
      -A INPUT -i nosuch0 -j ACCEPT`,
    expect: [],
  },
  {
    name: 'a typo, with the nearest name',
    input: `
      *filter
      :FORWARD DROP [0:0]
      -A FORWARD -i br0.10 -o br0.3 -j ACCEPT`,
    options: { topology },
    expect: ['3:22'],
    messages: ["-o interface 'br0.3' is not in topology cluster.topology.json; did you mean 'br0.30'?"],
  },
  {
    name: 'a wildcard that matches nothing',
    input: `
      *filter
      :INPUT DROP [0:0]
      -A INPUT -i wlan+ -j ACCEPT`,
    options: { topology },
    expect: ['3:10'],
    messages: ["wildcard 'wlan+' matches no interface"],
  },
  {
    name: 'negated names are checked, caret at the !',
    input: `
      *filter
      :INPUT DROP [0:0]
      -A INPUT ! -i etho -j DROP`,
    options: { topology },
    expect: ['3:10'],
    messages: ["did you mean 'eth0'?"],
  },
]);

test('CS401 is skipped, not failed, by lintRulesets without a topology', () => {
  const rs = build(dedent(`
    *filter
    :INPUT DROP [0:0]
    -A INPUT -i nosuch0 -j ACCEPT`));
  assert.equal(lintRulesets([rs], {}, [check]), []);
  assert.is(lintRulesets([rs], { topology }, [check]).length, 1);
});

test.run();
