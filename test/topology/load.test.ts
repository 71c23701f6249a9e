// The topology loader: the example resolves as documented, and every kind of
// bad document gives the error naming its JSON path, at the right line:column.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { ChainsmithError, type Diagnostic } from '../../src/diagnostics.js';
import { loadTopology, parseTopology, zoneInterfaces, zoneNames } from '../../src/topology/load.js';
import { repoRoot } from '../helpers/env.js';

const examplePath = path.join(repoRoot, 'examples', 'cluster.topology.json');

/** The diagnostics parseTopology throws for `text` (fails the test if it accepts it). */
function errorsOf(text: string): Diagnostic[] {
  try {
    parseTopology(text, 'bad.json');
  } catch (e) {
    if (e instanceof ChainsmithError) return e.diagnostics;
    throw e;
  }
  assert.unreachable(`accepted:\n${text}`);
  return [];
}

const json = (doc: unknown) => JSON.stringify(doc, null, 2);

test('the cluster example resolves to its zones and interfaces', () => {
  const t = loadTopology(examplePath);
  assert.equal(zoneNames(t), ['web', 'app', 'db', 'public', 'storage']);
  assert.equal(zoneInterfaces(t, 'web'), ['br0.10']);
  assert.equal(zoneInterfaces(t, 'db'), ['br0.30']);
  assert.equal(zoneInterfaces(t, 'public'), ['eth0']);
  assert.equal(zoneInterfaces(t, 'storage'), ['eth1.100']);
  assert.equal(zoneInterfaces(t, 'nope'), []);
  assert.equal(t.zones.get('app')?.subnets, ['10.0.20.0/24', '2001:db8:20::/64']);
  assert.is(t.zones.get('web')?.path, '/bridges/br0/vlans/10');
  assert.equal([...t.interfaces.keys()].sort(), ['br0', 'br0.10', 'br0.20', 'br0.30', 'eth0', 'eth1', 'eth1.100', 'eth2']);
  assert.equal(t.interfaces.get('br0'), {
    name: 'br0',
    kind: 'bridge',
    path: '/bridges/br0',
    loc: { file: examplePath, line: 5, column: 5, endColumn: 10 },
    mtu: 1500,
    mtuExplicit: true,
    ports: ['eth2'],
  });
  const web = t.interfaces.get('br0.10')!;
  assert.equal([web.kind, web.parent, web.vlan, web.zone, web.mtu, web.mtuExplicit], ['vlan', 'br0', 10, 'web', 1500, false]);
  const storage = t.interfaces.get('eth1.100')!;
  assert.equal([storage.parent, storage.vlan, storage.mtu, storage.mtuExplicit], ['eth1', 100, 9000, true]);
  const port = t.interfaces.get('eth2')!;
  assert.equal([port.kind, port.bridge, port.zone, port.mtu], ['interface', 'br0', undefined, undefined]);
});

test('loadTopology uses the given text instead of reading the file', () => {
  const t = loadTopology('virtual.json', '{"interfaces": {"eth0": {"zone": "wan"}}}');
  assert.is(t.file, 'virtual.json');
  assert.equal(zoneInterfaces(t, 'wan'), ['eth0']);
});

test('an unreadable file is a located error, not a stack trace', () => {
  try {
    loadTopology('/nonexistent/x.topology.json');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ChainsmithError);
    assert.match((e as ChainsmithError).message, '/nonexistent/x.topology.json:1:1: error: cannot read topology file: no such file');
  }
});

test('"ifname" names a VLAN; a zone may span several interfaces', () => {
  const t = parseTopology(
    json({
      bridges: { br0: { ports: [], vlans: { 10: { zone: 'web', ifname: 'vlan10', subnets: ['10.0.10.0/24'] } } } },
      interfaces: { eth3: { zone: 'web', subnets: ['10.0.10.0/24', '10.0.11.0/24'] } },
    }),
    'x.json',
  );
  assert.equal(zoneInterfaces(t, 'web'), ['vlan10', 'eth3']);
  assert.equal(t.zones.get('web')?.subnets, ['10.0.10.0/24', '10.0.11.0/24']);
  assert.is(t.interfaces.get('vlan10')?.vlan, 10);
  assert.is(t.interfaces.get('vlan10')?.mtu, undefined);
});

test('empty topology is valid', () => {
  const t = parseTopology('{}', 'x.json');
  assert.is(t.zones.size, 0);
  assert.is(t.interfaces.size, 0);
});

// One bad document each; the expected message (exact) and line:column of the first diagnostic.
const invalid: Array<{ name: string; text: string; message: string; at?: [number, number] }> = [
  {
    name: 'VLAN name longer than 15 characters',
    text: json({ bridges: { 'bridge-uplink': { ports: [], vlans: { 10: { zone: 'web' } } } } }),
    message:
      '/bridges/bridge-uplink/vlans/10: interface name \'bridge-uplink.10\' is 16 characters long; the kernel allows at most 15 (give the VLAN an "ifname")',
    at: [6, 9],
  },
  {
    name: 'interface name longer than 15 characters',
    text: json({ interfaces: { 'enp0s31f6-uplink0': {} } }),
    message: "/interfaces/enp0s31f6-uplink0: interface name 'enp0s31f6-uplink0' is 17 characters long; the kernel allows at most 15",
    at: [3, 5],
  },
  {
    name: 'explicit VLAN ifname too long',
    text: json({ interfaces: { eth1: { vlans: { 7: { zone: 'x', ifname: 'storage-vlan-0007' } } } } }),
    message: "/interfaces/eth1/vlans/7/ifname: interface name 'storage-vlan-0007' is 17 characters long; the kernel allows at most 15",
    at: [7, 21],
  },
  {
    name: 'interface name with a slash',
    text: json({ interfaces: { 'eth0/1': {} } }),
    message: "/interfaces/eth0~11: interface name 'eth0/1' contains '/' (allowed: letters, digits, '_', '.', '-', '@')",
  },
  {
    name: 'VLAN 0',
    text: json({ bridges: { br0: { ports: [], vlans: { 0: { zone: 'web' } } } } }),
    message: '/bridges/br0/vlans/0: VLAN id must be 1-4094',
    at: [6, 9],
  },
  {
    name: 'VLAN 4095',
    text: json({ bridges: { br0: { ports: [], vlans: { 4095: { zone: 'web' } } } } }),
    message: '/bridges/br0/vlans/4095: VLAN id must be 1-4094',
  },
  {
    name: 'VLAN 5000',
    text: json({ bridges: { br0: { ports: [], vlans: { 5000: { zone: 'web' } } } } }),
    message: '/bridges/br0/vlans/5000: VLAN id must be 1-4094',
  },
  {
    name: 'VLAN id with a leading zero',
    text: json({ interfaces: { eth0: { vlans: { '010': { zone: 'web' } } } } }),
    message: "/interfaces/eth0/vlans/010: VLAN id must be a decimal number 1-4094 without leading zeros, got '010'",
  },
  {
    name: 'overlapping IPv4 subnets in different zones',
    text: json({
      bridges: {
        br0: {
          ports: [],
          vlans: { 10: { zone: 'web', subnets: ['10.0.10.0/24'] }, 20: { zone: 'app', subnets: ['10.0.0.0/16'] } },
        },
      },
    }),
    message: "/bridges/br0/vlans/20/subnets/0: 10.0.0.0/16 (zone 'app') overlaps 10.0.10.0/24 (zone 'web') at /bridges/br0/vlans/10/subnets/0",
    at: [15, 13],
  },
  {
    name: 'overlapping IPv6 subnets in different zones',
    text: json({
      interfaces: {
        eth0: { zone: 'web', subnets: ['2001:db8:10::/64'] },
        eth1: { zone: 'app', subnets: ['2001:0db8:0010:0000::/60'] },
      },
    }),
    message: "/interfaces/eth1/subnets/0: 2001:0db8:0010:0000::/60 (zone 'app') overlaps 2001:db8:10::/64 (zone 'web') at /interfaces/eth0/subnets/0",
  },
  {
    name: 'zone twice on one interface',
    text: '{\n  "interfaces": {\n    "eth0": { "zone": "web", "zone": "app" }\n  }\n}',
    message: "/interfaces/eth0/zone: duplicate property 'zone' (an interface carries one zone)",
    at: [3, 30],
  },
  {
    name: 'typo in a property name',
    text: '{\n  "bridges": {\n    "br0": { "ports": [], "mut": 1500 }\n  }\n}',
    message: "/bridges/br0/mut: unknown property 'mut'; did you mean 'mtu'?",
    at: [3, 27],
  },
  {
    name: 'typo at the top level',
    text: '{ "interface": {} }',
    message: "/interface: unknown property 'interface'; did you mean 'interfaces'?",
    at: [1, 3],
  },
  {
    name: 'not a CIDR',
    text: json({ interfaces: { eth0: { zone: 'wan', subnets: ['10.0.0.0'] } } }),
    message: "/interfaces/eth0/subnets/0: '10.0.0.0' is not a CIDR: expected ADDRESS/PREFIX, e.g. 10.0.10.0/24",
  },
  {
    name: 'CIDR with an impossible address',
    text: json({ interfaces: { eth0: { zone: 'wan', subnets: ['10.0.256.0/24'] } } }),
    message: "/interfaces/eth0/subnets/0: '10.0.256.0/24' is not a CIDR: '10.0.256.0' is not an IPv4 address",
  },
  {
    name: 'CIDR with a prefix too long',
    text: json({ interfaces: { eth0: { zone: 'wan', subnets: ['2001:db8::/129'] } } }),
    message: "/interfaces/eth0/subnets/0: '2001:db8::/129' is not a CIDR: the prefix length must be 0-128 for IPv6",
  },
  {
    name: 'CIDR with host bits',
    text: json({ interfaces: { eth0: { zone: 'wan', subnets: ['10.0.10.5/24'] } } }),
    message: "/interfaces/eth0/subnets/0: '10.0.10.5/24' has host bits set; did you mean '10.0.10.0/24'?",
  },
  {
    name: 'VLAN ifname colliding with another interface',
    text: json({ interfaces: { eth0: { zone: 'wan' }, eth1: { vlans: { 5: { zone: 'x', ifname: 'eth0' } } } } }),
    message: "/interfaces/eth1/vlans/5/ifname: interface 'eth0' is already defined at /interfaces/eth0",
  },
  {
    name: 'derived VLAN name colliding with a declared interface',
    text: json({ interfaces: { eth1: { vlans: { 100: { zone: 'storage' } } }, 'eth1.100': {} } }),
    message: "/interfaces/eth1.100: interface 'eth1.100' is already defined at /interfaces/eth1/vlans/100",
  },
  {
    name: 'bridge also listed as an interface',
    text: json({ bridges: { br0: { ports: [] } }, interfaces: { br0: { mtu: 9000 } } }),
    message: "/interfaces/br0: interface 'br0' is already defined at /bridges/br0",
  },
  {
    name: 'bridge port carrying a zone',
    text: json({ bridges: { br0: { ports: ['eth2'] } }, interfaces: { eth2: { zone: 'lan' } } }),
    message: "/interfaces/eth2/zone: 'eth2' is a port of bridge 'br0': routed traffic enters by 'br0', so a port cannot carry a zone",
  },
  {
    name: 'one port in two bridges',
    text: json({ bridges: { br0: { ports: ['eth2'] }, br1: { ports: ['eth2'] } } }),
    message: "/bridges/br1/ports/0: 'eth2' is already a port at /bridges/br0/ports/0; an interface joins one bridge",
  },
  {
    name: 'policy keyword as a zone name',
    text: json({ interfaces: { eth0: { zone: 'self' } } }),
    message: "/interfaces/eth0/zone: 'self' is a policy keyword and cannot name a zone",
  },
  {
    name: 'subnets without a zone',
    text: json({ interfaces: { eth0: { subnets: ['10.0.0.0/8'] } } }),
    message: "/interfaces/eth0/subnets: 'subnets' needs 'zone': subnets belong to a zone",
  },
  {
    name: 'VLAN without a zone',
    text: json({ interfaces: { eth0: { vlans: { 3: {} } } } }),
    message: "/interfaces/eth0/vlans/3: missing required property 'zone'",
  },
  {
    name: 'MTU out of range',
    text: json({ interfaces: { eth0: { mtu: 70000 } } }),
    message: '/interfaces/eth0/mtu: MTU must be 68-65535, got 70000',
  },
  {
    name: 'wrong type',
    text: json({ bridges: { br0: { ports: 'eth0' } } }),
    message: '/bridges/br0/ports: must be an array',
  },
  {
    name: 'JSON syntax error',
    text: '{\n  "bridges": {\n    "br0": { "ports": ["eth2"] "mtu": 1500 }\n  }\n}',
    message: "invalid JSON: expected ',' or '}' after a property value, found '\"'",
    at: [3, 32],
  },
  {
    name: 'JSON trailing comma',
    text: '{\n  "interfaces": {\n    "eth0": {},\n  }\n}',
    message: "invalid JSON: trailing comma before '}' (JSON does not allow one)",
    at: [3, 15],
  },
  {
    name: 'JSON truncated',
    text: '{\n  "interfaces": {',
    message: 'invalid JSON: expected a property name in double quotes, found the end of the file',
    at: [2, 18],
  },
];

for (const c of invalid) {
  test(`invalid: ${c.name}`, () => {
    const ds = errorsOf(c.text);
    assert.equal(
      ds.map((d) => d.message),
      [c.message],
    );
    const d = ds[0]!;
    assert.is(d.severity, 'error');
    assert.is(d.loc.file, 'bad.json');
    if (c.at) assert.equal([d.loc.line, d.loc.column], c.at, `position of: ${d.message}`);
  });
}

test('several errors are reported in one run, schema and semantic alike, in file order', () => {
  const text = json({
    bridges: {
      'bridge-uplink': { ports: [], mut: 1500, vlans: { 10: { zone: 'web', subnets: ['10.0.0.0/8'] }, 4095: { zone: 'x' } } },
    },
    interfaces: { eth0: { zone: 'app', subnets: ['10.1.0.0/16', 'fe80::1/64'] } },
  });
  const ds = errorsOf(text);
  assert.equal(
    ds.map((d) => d.message),
    [
      "/bridges/bridge-uplink/mut: unknown property 'mut'; did you mean 'mtu'?",
      '/bridges/bridge-uplink/vlans/10: interface name \'bridge-uplink.10\' is 16 characters long; the kernel allows at most 15 (give the VLAN an "ifname")',
      '/bridges/bridge-uplink/vlans/4095: VLAN id must be 1-4094',
      "/interfaces/eth0/subnets/0: 10.1.0.0/16 (zone 'app') overlaps 10.0.0.0/8 (zone 'web') at /bridges/bridge-uplink/vlans/10/subnets/0",
      "/interfaces/eth0/subnets/1: 'fe80::1/64' has host bits set; did you mean 'fe80::/64'?",
    ],
  );
  const lines = ds.map((d) => d.loc.line);
  assert.equal(lines, [...lines].sort((a, b) => a - b));
  // The overlap points back at the subnet it collides with.
  assert.is(ds[3]!.related?.[0]?.loc.line, 10);
});

test('a value the schema rejects is not reported again by the semantic checks', () => {
  // 'bogus' fails the schema's CIDR pattern and the exact CIDR parser; only the first is reported.
  const ds = errorsOf(json({ interfaces: { eth0: { zone: 'wan', subnets: ['bogus', '10.0.0.0/8', '10.0.0.0/8'] } } }));
  assert.equal(
    ds.map((d) => d.message),
    [
      "/interfaces/eth0/subnets/0: 'bogus' is not a CIDR: expected ADDRESS/PREFIX, e.g. 10.0.10.0/24",
      '/interfaces/eth0/subnets/2: "10.0.0.0/8" is listed twice (first as item 1)',
    ],
  );
});

test('the same subnet in the same zone on two interfaces is fine', () => {
  const t = parseTopology(
    json({ interfaces: { eth0: { zone: 'lan', subnets: ['10.0.0.0/24'] }, eth1: { zone: 'lan', subnets: ['10.0.0.0/25'] } } }),
    'x.json',
  );
  assert.equal(t.zones.get('lan')?.subnets, ['10.0.0.0/24', '10.0.0.0/25']);
});

test.run();
