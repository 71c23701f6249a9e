// The packet-space engine: exact sets of packets as BDDs (see packet-space.ts).
export { PacketSpace, collectInterfaces } from './packet-space.js';
export type { Packet, PacketState, PacketSpaceOptions, OpaqueVariable, BddNode, RuleMatch } from './packet-space.js';
export { firstMatch, reachability, FirstMatchIndex } from './first-match.js';
export type { Reach, Reachability } from './first-match.js';
export type { DescribedCube } from './describe.js';
export { matchText, optionText } from './encode.js';
export { Bdd, FALSE, TRUE } from './bdd.js';
export { InterfaceAlphabet } from './interfaces.js';
export { FIELD_ORDER, CT_STATES, PORT_PROTOCOLS, parseProtocol, protocolName } from './fields.js';
export type { FieldName } from './fields.js';
