import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { check } from '../../src/lint/checks/cs402-mtu-mismatch.js';
import type { Ruleset } from '../../src/ruleset/model.js';
import { lintWith, runTable } from './table.js';
import { clusterTopology } from './topology.js';

// CS402 looks at the topology only; any ruleset will do.
const none: Ruleset[] = [];

runTable(check, [
  { name: 'MTUs agree', input: none, options: { topology: clusterTopology({ br0: 1500, eth0: 1500, eth1: 9000, vlan100: 9000 }) }, expect: [] },
  { name: 'absent MTUs are not compared', input: none, options: { topology: clusterTopology({}) }, expect: [] },
  { name: 'a VLAN smaller than its parent is fine', input: none, options: { topology: clusterTopology({ eth1: 9000, vlan100: 1500 }) }, expect: [] },
  {
    name: 'a VLAN larger than its parent',
    input: none,
    options: { topology: clusterTopology({ br0: 1500, vlan10: 9000 }) },
    expect: ['1:1'],
    messages: ["/bridges/br0/vlans/10: VLAN br0.10 has MTU 9000, larger than bridge br0's 1500"],
  },
  {
    name: 'a bridge port with another MTU',
    input: none,
    options: { topology: clusterTopology({ br0: 9000, eth0: 1500 }) },
    expect: ['1:1'],
    messages: ['/bridges/br0: bridge br0 has MTU 9000 but its port eth0 has 1500'],
  },
  {
    name: 'both, on an interface VLAN too',
    input: none,
    options: { topology: clusterTopology({ br0: 9000, eth0: 1500, eth1: 1500, vlan100: 9000 }) },
    expect: ['1:1', '1:1'],
  },
]);

test('CS402 reports in the topology file', () => {
  const [f] = lintWith(check, none, { topology: clusterTopology({ br0: 1500, vlan10: 9000 }) });
  assert.is(f!.loc.file, 'cluster.topology.json');
});

test.run();
