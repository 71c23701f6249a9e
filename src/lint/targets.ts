// Which `-j NAME` are verdicts or extension targets rather than jumps to a chain.
// A fixed list, not "any UPPERCASE name": user chains are often upper case too
// (DOCKER, KUBE-SERVICES), and a jump to a missing one of those must be CS301.

/** Targets built into the kernel's rule evaluation. */
export const BUILTIN_TARGETS: ReadonlySet<string> = new Set(['ACCEPT', 'DROP', 'RETURN', 'QUEUE']);

/** The x_tables extension targets of iptables/ip6tables (iptables-extensions(8)), plus retired ones still seen in old dumps. */
export const EXTENSION_TARGETS: ReadonlySet<string> = new Set([
  'AUDIT', 'CHECKSUM', 'CLASSIFY', 'CLUSTERIP', 'CONNMARK', 'CONNSECMARK', 'CT', 'DNAT', 'DNPT', 'DSCP',
  'ECN', 'HL', 'HMARK', 'IDLETIMER', 'LED', 'LOG', 'MARK', 'MASQUERADE', 'MIRROR', 'NETMAP', 'NFLOG',
  'NFQUEUE', 'NOTRACK', 'RATEEST', 'REDIRECT', 'REJECT', 'SAME', 'SECMARK', 'SET', 'SNAT', 'SNPT',
  'SYNPROXY', 'TCPMSS', 'TCPOPTSTRIP', 'TEE', 'TOS', 'TPROXY', 'TRACE', 'TTL', 'ULOG',
]);

/** True when `-j name` does not refer to a chain. */
export function isTargetName(name: string): boolean {
  return BUILTIN_TARGETS.has(name) || EXTENSION_TARGETS.has(name);
}

/** Targets that end the packet's traversal of the table with a drop. */
export const DROPPING_TARGETS: ReadonlySet<string> = new Set(['DROP', 'REJECT']);
