// Name tables iptables consults when it prints: protocol numbers to names
// (/etc/protocols as shipped by Debian's netbase, which iptables-save uses),
// service names to ports, ICMP type names to type/code.
import { lookupTable } from '../lookup.js';

/** Protocol number -> the name iptables-save prints (netbase /etc/protocols; 0 is "all" and never printed). */
export const PROTO_NAMES: Readonly<Record<number, string>> = {
  1: 'icmp', 2: 'igmp', 3: 'ggp', 4: 'ipencap', 5: 'st', 6: 'tcp', 8: 'egp', 9: 'igp', 12: 'pup', 17: 'udp',
  20: 'hmp', 22: 'xns-idp', 27: 'rdp', 29: 'iso-tp4', 33: 'dccp', 36: 'xtp', 37: 'ddp', 38: 'idpr-cmtp',
  41: 'ipv6', 43: 'ipv6-route', 44: 'ipv6-frag', 45: 'idrp', 46: 'rsvp', 47: 'gre', 50: 'esp', 51: 'ah',
  57: 'skip', 58: 'ipv6-icmp', 59: 'ipv6-nonxt', 60: 'ipv6-opts', 73: 'rspf', 81: 'vmtp', 88: 'eigrp',
  89: 'ospf', 93: 'ax.25', 94: 'ipip', 97: 'etherip', 98: 'encap', 103: 'pim', 108: 'ipcomp', 112: 'vrrp',
  115: 'l2tp', 124: 'isis', 132: 'sctp', 133: 'fc', 135: 'mobility-header', 136: 'udplite', 137: 'mpls-in-ip',
  138: 'manet', 139: 'hip', 140: 'shim6', 141: 'wesp', 142: 'rohc', 143: 'ethernet',
};

const PROTO_NUMBERS: ReadonlyMap<string, number> = new Map<string, number>([
  ...Object.entries(PROTO_NAMES).map(([n, name]) => [name, Number(n)] as [string, number]),
  ['all', 0], ['ip', 0], ['hopopt', 0], ['icmpv6', 58], ['ipv6-mh', 135], ['mh', 135],
]);

/** Protocol name or number -> number, or undefined if unknown. Names are case-insensitive, as in iptables. */
export function protoNumber(p: string): number | undefined {
  if (/^\d+$/.test(p)) {
    const n = Number(p);
    return n <= 255 ? n : undefined;
  }
  return PROTO_NUMBERS.get(p.toLowerCase());
}

/** Services iptables resolves through /etc/services (netbase); the ones firewalls actually name. */
export const SERVICES: Readonly<Record<string, number>> = lookupTable({
  tcpmux: 1, echo: 7, discard: 9, systat: 11, daytime: 13, netstat: 15, qotd: 17, chargen: 19, 'ftp-data': 20,
  ftp: 21, ssh: 22, telnet: 23, smtp: 25, time: 37, whois: 43, tacacs: 49, domain: 53, gopher: 70, finger: 79,
  http: 80, www: 80, kerberos: 88, 'iso-tsap': 102, pop3: 110, sunrpc: 111, auth: 113, nntp: 119, ntp: 123,
  epmap: 135, 'netbios-ns': 137, 'netbios-dgm': 138, 'netbios-ssn': 139, imap2: 143, imap: 143, snmp: 161,
  'snmp-trap': 162, xdmcp: 177, bgp: 179, irc: 194, ldap: 389, https: 443, 'microsoft-ds': 445, kpasswd: 464,
  submissions: 465, saft: 487, isakmp: 500, exec: 512, biff: 512, login: 513, who: 513, shell: 514, syslog: 514,
  printer: 515, talk: 517, ntalk: 518, route: 520, timed: 525, uucp: 540, 'dhcpv6-client': 546,
  'dhcpv6-server': 547, rtsp: 554, nntps: 563, submission: 587, ipp: 631, ldaps: 636, rsync: 873, 'ftps-data': 989,
  ftps: 990, telnets: 992, imaps: 993, pop3s: 995, socks: 1080, openvpn: 1194, 'ms-sql-s': 1433, 'ms-sql-m': 1434,
  pptp: 1723, radius: 1812, 'radius-acct': 1813, nfs: 2049, mysql: 3306, 'ms-wbt-server': 3389, svn: 3690,
  sieve: 4190, 'ipsec-nat-t': 4500, sip: 5060, 'sip-tls': 5061, 'xmpp-client': 5222, 'xmpp-server': 5269,
  postgresql: 5432, x11: 6000, bootps: 67, bootpc: 68, tftp: 69, 'http-alt': 8080, 'git': 9418,
  'bacula-dir': 9101, 'bacula-fd': 9102, 'bacula-sd': 9103, 'nut': 3493, 'mdns': 5353, 'zabbix-agent': 10050,
  'zabbix-trapper': 10051, 'amanda': 10080, 'hkp': 11371, 'webmin': 10000, 'kerberos-adm': 749, 'domain-s': 853,
});

/** A port (number or service name) as the number iptables stores, or undefined. */
export function portNumber(p: string): number | undefined {
  if (/^\d+$/.test(p)) {
    const n = Number(p);
    return n <= 65535 ? n : undefined;
  }
  return SERVICES[p.toLowerCase()];
}

/** ICMP type names (libxt_icmp) -> [type, codeMin, codeMax]. */
export const ICMP_TYPES: Readonly<Record<string, readonly [number, number, number]>> = lookupTable({
  any: [255, 0, 255],
  'echo-reply': [0, 0, 255], pong: [0, 0, 255],
  'destination-unreachable': [3, 0, 255],
  'network-unreachable': [3, 0, 0], 'host-unreachable': [3, 1, 1], 'protocol-unreachable': [3, 2, 2],
  'port-unreachable': [3, 3, 3], 'fragmentation-needed': [3, 4, 4], 'source-route-failed': [3, 5, 5],
  'network-unknown': [3, 6, 6], 'host-unknown': [3, 7, 7], 'network-prohibited': [3, 9, 9],
  'host-prohibited': [3, 10, 10], 'TOS-network-unreachable': [3, 11, 11], 'TOS-host-unreachable': [3, 12, 12],
  'communication-prohibited': [3, 13, 13], 'host-precedence-violation': [3, 14, 14],
  'precedence-cutoff': [3, 15, 15], 'source-quench': [4, 0, 255], redirect: [5, 0, 255],
  'network-redirect': [5, 0, 0], 'host-redirect': [5, 1, 1], 'TOS-network-redirect': [5, 2, 2],
  'TOS-host-redirect': [5, 3, 3], 'echo-request': [8, 0, 255], ping: [8, 0, 255],
  'router-advertisement': [9, 0, 255], 'router-solicitation': [10, 0, 255], 'time-exceeded': [11, 0, 255],
  'ttl-exceeded': [11, 0, 255], 'ttl-zero-during-transit': [11, 0, 0], 'ttl-zero-during-reassembly': [11, 1, 1],
  'parameter-problem': [12, 0, 255], 'ip-header-bad': [12, 0, 0], 'required-option-missing': [12, 1, 1],
  'timestamp-request': [13, 0, 255], 'timestamp-reply': [14, 0, 255], 'address-mask-request': [17, 0, 255],
  'address-mask-reply': [18, 0, 255],
});

/** ICMPv6 type names (libip6t_icmp6) -> [type, codeMin, codeMax]. */
export const ICMPV6_TYPES: Readonly<Record<string, readonly [number, number, number]>> = {
  'destination-unreachable': [1, 0, 255], 'no-route': [1, 0, 0], 'communication-prohibited': [1, 1, 1],
  'beyond-scope': [1, 2, 2], 'address-unreachable': [1, 3, 3], 'port-unreachable': [1, 4, 4],
  'failed-policy': [1, 5, 5], 'reject-route': [1, 6, 6], 'packet-too-big': [2, 0, 255],
  'time-exceeded': [3, 0, 255], 'ttl-exceeded': [3, 0, 255], 'ttl-zero-during-transit': [3, 0, 0],
  'ttl-zero-during-reassembly': [3, 1, 1], 'parameter-problem': [4, 0, 255], 'bad-header': [4, 0, 0],
  'unknown-header-type': [4, 1, 1], 'unknown-option': [4, 2, 2], 'echo-request': [128, 0, 255],
  ping: [128, 0, 255], 'echo-reply': [129, 0, 255], pong: [129, 0, 255],
  'router-solicitation': [133, 0, 255], 'router-advertisement': [134, 0, 255],
  'neighbour-solicitation': [135, 0, 255], 'neighbor-solicitation': [135, 0, 255],
  'neighbour-advertisement': [136, 0, 255], 'neighbor-advertisement': [136, 0, 255], redirect: [137, 0, 255],
};
