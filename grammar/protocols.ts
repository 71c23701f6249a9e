// Protocol vocabulary of the policy language. A bare name in a service list is
// a protocol when it is listed here and a service reference otherwise, so these
// names are reserved: a `service tcp = ...` could never be referred to.

/** Protocols with ports: `PROTO/80`, `PROTO/1-1023`, `PROTO/80,443`. */
export const PORT_PROTOCOLS: ReadonlySet<string> = new Set(['tcp', 'udp', 'udplite', 'sctp', 'dccp']);

/** Protocol numbers of PORT_PROTOCOLS, so `6/22` reads like `tcp/22`. */
export const PORT_PROTOCOL_NUMBERS: ReadonlySet<number> = new Set([6, 17, 136, 132, 33]);

/** Protocols whose argument is an ICMP type: `icmp/echo-request`, `icmp/3/4`. */
export const ICMP_PROTOCOLS: ReadonlySet<string> = new Set(['icmp', 'icmpv6', 'ipv6-icmp']);

/** Every protocol name the language knows (the names iptables resolves through /etc/protocols). */
export const KNOWN_PROTOCOLS: ReadonlySet<string> = new Set([
  ...PORT_PROTOCOLS,
  ...ICMP_PROTOCOLS,
  'esp',
  'ah',
  'gre',
  'ipip',
  'igmp',
  'ospf',
  'vrrp',
  'pim',
  'l2tp',
  'mh',
]);
