// The resolved topology: which interfaces carry which zone. Built by src/topology/load.ts
// from a JSON file validated against schema/topology.schema.json.
import type { Location } from '../diagnostics.js';

export interface Zone {
  name: string;
  /** Kernel interface names carrying this zone, e.g. ["br0.10"]. */
  interfaces: string[];
  /** CIDRs as written in the topology (IPv4 or IPv6). */
  subnets: string[];
  /** JSON path of the VLAN or interface entry that defines the zone, e.g. "/bridges/br0/vlans/10". */
  path: string;
  /** Where that entry's key is in the topology file (for diagnostics that point into it). */
  loc?: Location;
}

export interface InterfaceInfo {
  name: string;
  kind: 'bridge' | 'interface' | 'vlan';
  mtu?: number;
  /** For a VLAN: the bridge or interface it sits on, and its id. */
  parent?: string;
  vlan?: number;
  /** For a bridge: its ports. */
  ports?: string[];
  zone?: string;
  path: string;
  /** True when `mtu` is written on this entry; false when a VLAN inherits its parent's (for CS402). */
  mtuExplicit?: boolean;
  /** For a bridge port: the bridge it is enslaved to. */
  bridge?: string;
  /** CIDRs given on this entry (its zone's subnets on this interface). */
  subnets?: string[];
  /** Where the entry's key is in the topology file. */
  loc?: Location;
}

export interface Topology {
  file: string;
  zones: Map<string, Zone>;
  interfaces: Map<string, InterfaceInfo>;
}
