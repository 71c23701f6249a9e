// Test-only Topology values, written as the resolved shape src/topology/load.ts produces
// (the loader is someone else's; these tests depend on the types only).
import type { InterfaceInfo, Topology, Zone } from '../../src/topology/types.js';

export function topology(interfaces: Omit<InterfaceInfo, 'path'>[], file = 'cluster.topology.json'): Topology {
  const map = new Map<string, InterfaceInfo>();
  const zones = new Map<string, Zone>();
  for (const i of interfaces) {
    const path = i.kind === 'vlan' ? `/${parentKind(interfaces, i.parent!)}/${i.parent}/vlans/${i.vlan}` : `/${i.kind === 'bridge' ? 'bridges' : 'interfaces'}/${i.name}`;
    map.set(i.name, { ...i, path });
    if (i.zone) zones.set(i.zone, { name: i.zone, interfaces: [i.name], subnets: [], path });
  }
  return { file, zones, interfaces: map };
}

function parentKind(all: Omit<InterfaceInfo, 'path'>[], parent: string): string {
  return all.find((i) => i.name === parent)?.kind === 'bridge' ? 'bridges' : 'interfaces';
}

/** DESIGN.md's example: br0 (port eth0) with web/app/db VLANs, eth1 with a storage VLAN. */
export function clusterTopology(mtus: { br0?: number; eth0?: number; eth1?: number; vlan10?: number; vlan100?: number } = { br0: 1500, eth1: 9000 }): Topology {
  return topology([
    { name: 'br0', kind: 'bridge', mtu: mtus.br0, ports: ['eth0'] },
    { name: 'br0.10', kind: 'vlan', parent: 'br0', vlan: 10, zone: 'web', mtu: mtus.vlan10 },
    { name: 'br0.20', kind: 'vlan', parent: 'br0', vlan: 20, zone: 'app' },
    { name: 'br0.30', kind: 'vlan', parent: 'br0', vlan: 30, zone: 'db' },
    { name: 'eth0', kind: 'interface', zone: 'public', mtu: mtus.eth0 },
    { name: 'eth1', kind: 'interface', mtu: mtus.eth1 },
    { name: 'eth1.100', kind: 'vlan', parent: 'eth1', vlan: 100, zone: 'storage', mtu: mtus.vlan100 },
  ]);
}
