// The typed AST of a policy file, built from Chevrotain's CST by grammar/visitor.ts.
// It still holds names, not meanings: src/policy/resolve.ts turns names into
// addresses, interfaces and services (Capirca's parse -> resolve -> generate).
import type { Location } from '../diagnostics.js';

export type Pos = Location;

export interface PolicyFile {
  file: string;
  source: string;
  topology?: { path: string; pos: Pos };
  /** `family ipv4|ipv6|dual`; absent = derived from the addresses used. */
  family?: { value: 'ipv4' | 'ipv6' | 'dual'; pos: Pos };
  definitions: Definition[];
  defaults?: Defaults;
  rules: PolicyRule[];
}

export type Definition = HostDef | NetworkDef | GroupDef | ServiceDef;

export interface AddressLit {
  kind: 'address';
  /** As written: `10.0.0.1`, `10.0.0.0/24`, `2001:db8::/48`. Validated by the resolver. */
  text: string;
  pos: Pos;
}

export interface NameRef {
  kind: 'name';
  name: string;
  pos: Pos;
}

export interface HostDef {
  kind: 'host';
  name: string;
  pos: Pos; // position of the name
  addresses: AddressLit[];
}

export interface NetworkDef {
  kind: 'network';
  name: string;
  pos: Pos;
  addresses: AddressLit[];
}

export interface GroupDef {
  kind: 'group';
  name: string;
  pos: Pos;
  /** Names of hosts, networks, groups, zones; or literal addresses. */
  members: Array<NameRef | AddressLit>;
}

export interface ServiceDef {
  kind: 'service';
  name: string;
  pos: Pos;
  items: ServiceItem[];
}

export interface PortRange {
  low: number;
  high: number;
  pos: Pos;
}

/** `tcp/80`, `tcp/80,443`, `tcp/1-1023`, `icmp/echo-request`, `udp`, or a service name. */
export type ServiceItem =
  | { kind: 'proto'; proto: string; ports?: PortRange[]; icmpType?: string; pos: Pos }
  | { kind: 'ref'; name: string; pos: Pos };

export type Endpoint =
  | { kind: 'any'; pos: Pos }
  | { kind: 'self'; pos: Pos }
  | NameRef
  | AddressLit
  /** `web:10.0.10.5` or `db:replicas`: the address, on that zone's interface. */
  | { kind: 'pinned'; zone: string; zonePos: Pos; target: NameRef | AddressLit; pos: Pos };

export type ChainName = 'input' | 'forward' | 'output';
export type Toggle<T extends string> = { value: T | 'off'; pos: Pos };

export interface LogSpec {
  prefix?: string;
  /** e.g. {count: 10, unit: 'minute'}. */
  limit?: { count: number; unit: 'second' | 'minute' | 'hour' | 'day' };
  burst?: number;
  pos: Pos;
  prefixPos?: Pos;
}

export interface Defaults {
  pos: Pos;
  policies: Array<{ chain: ChainName; verdict: 'accept' | 'drop'; pos: Pos }>;
  /** `log drops prefix "..." limit 10/minute burst 5`, or `log off`. */
  log?: LogSpec | { off: true; pos: Pos };
  established?: Toggle<'accept'>;
  invalid?: Toggle<'drop'>;
  loopback?: Toggle<'accept'>;
}

export interface PolicyRule {
  action: 'allow' | 'deny' | 'reject';
  pos: Pos; // the action keyword
  sources: Endpoint[];
  destinations: Endpoint[];
  /** Empty = all protocols. */
  services: ServiceItem[];
  log?: { prefix?: string; pos: Pos; prefixPos?: Pos };
  comment?: { text: string; pos: Pos };
}
