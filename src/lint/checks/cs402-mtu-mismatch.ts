// CS402 mtu-mismatch: MTUs that disagree along host -> bridge -> guest.
// - a VLAN whose MTU is larger than its parent bridge's/interface's: frames the
//   VLAN accepts cannot leave through the parent;
// - a bridge port whose MTU differs from the bridge's: the bridge silently drops
//   frames larger than the smaller of the two.
// Only MTUs the topology states are compared; an absent MTU is not a mismatch.
// The topology carries JSON paths, not line numbers, so findings sit at line 1
// of the topology file and name the JSON path.
import { catalogueEntry } from '../catalogue.js';
import { makeFinding } from '../finding.js';
import type { Location } from '../../diagnostics.js';
import type { Check, Finding } from '../types.js';

export const check: Check = {
  ...catalogueEntry('CS402'),
  needs: ['topology'],
  run(ctx) {
    const topology = ctx.topology;
    if (!topology) return [];
    const at: Location = { file: topology.file, line: 1, column: 1 };
    const findings: Finding[] = [];
    for (const info of topology.interfaces.values()) {
      if (info.kind === 'vlan' && info.parent !== undefined && info.mtu !== undefined) {
        const parent = topology.interfaces.get(info.parent);
        if (parent?.mtu !== undefined && info.mtu > parent.mtu)
          findings.push(
            makeFinding(check, at, `${info.path}: VLAN ${info.name} has MTU ${info.mtu}, larger than ${parent.kind} ${parent.name}'s ${parent.mtu} (${parent.path})`),
          );
      }
      if (info.kind === 'bridge' && info.mtu !== undefined) {
        for (const portName of info.ports ?? []) {
          const port = topology.interfaces.get(portName);
          if (port?.mtu !== undefined && port.mtu !== info.mtu)
            findings.push(
              makeFinding(check, at, `${info.path}: bridge ${info.name} has MTU ${info.mtu} but its port ${port.name} has ${port.mtu} (${port.path})`),
            );
        }
      }
    }
    return findings;
  },
};
