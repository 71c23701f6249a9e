// The topology module's public surface.
export type { InterfaceInfo, Topology, Zone } from './types.js';
export { loadTopology, parseTopology, zoneInterfaces, zoneNames } from './load.js';
export { topologySchemaPath } from './schema.js';
export { parseCidr, cidrsOverlap, type Cidr } from './cidr.js';
