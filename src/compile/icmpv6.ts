// ICMPv6 that RFC 4890 says a firewall must not drop (sections 4.3.1 and 4.4.1).
// Without these a default-DROP IPv6 ruleset breaks neighbour discovery (the host
// loses its neighbours) and path-MTU discovery (large transfers stall).

export interface Icmpv6Essential {
  name: string;
  /** As iptables-save prints it: "2" or "4/1". */
  type: string;
  /** Neighbour discovery is only valid with hop limit 255 (RFC 4861): spoofed ND from afar is refused. */
  hopLimit255?: boolean;
  /** Multicast listener discovery is link-local only. */
  src?: string;
}

const ERRORS: Icmpv6Essential[] = [
  { name: 'destination-unreachable', type: '1' },
  { name: 'packet-too-big', type: '2' },
  { name: 'time-exceeded', type: '3/0' },
  { name: 'parameter-problem', type: '4/1' },
  { name: 'parameter-problem', type: '4/2' },
];

const LOCAL: Icmpv6Essential[] = [
  ...ERRORS,
  { name: 'router-solicitation', type: '133', hopLimit255: true },
  { name: 'router-advertisement', type: '134', hopLimit255: true },
  { name: 'neighbour-solicitation', type: '135', hopLimit255: true },
  { name: 'neighbour-advertisement', type: '136', hopLimit255: true },
  { name: 'inverse-nd-solicitation', type: '141', hopLimit255: true },
  { name: 'inverse-nd-advertisement', type: '142', hopLimit255: true },
  { name: 'mld-listener-query', type: '130', src: 'fe80::/10' },
  { name: 'mld-listener-report', type: '131', src: 'fe80::/10' },
  { name: 'mld-listener-done', type: '132', src: 'fe80::/10' },
  { name: 'mldv2-listener-report', type: '143', src: 'fe80::/10' },
];

/** Per chain: INPUT and OUTPUT talk to neighbours; FORWARD passes only the error messages. */
export const ICMPV6_ESSENTIALS: Readonly<Record<'INPUT' | 'FORWARD' | 'OUTPUT', readonly Icmpv6Essential[]>> = {
  INPUT: LOCAL,
  FORWARD: ERRORS,
  OUTPUT: LOCAL,
};
