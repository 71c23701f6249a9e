// The dimensions of the packet space and how their values map to BDD bits.
//
// Every field is a block of consecutive BDD variables, most significant bit
// first, so a CIDR prefix or a port-range prefix is a subtree. The field
// order below is the variable order: interfaces and protocol first (few bits,
// most rules constrain them and the port fields depend on the protocol), then
// addresses, then the transport fields. Unmodeled-match variables are
// allocated after all fields, at the bottom.
import { formatAddr } from '../net/cidr.js';
import type { Family } from '../ruleset/model.js';
import { lookupTable } from '../lookup.js';

export type FieldName =
  | 'in'
  | 'out'
  | 'proto'
  | 'state'
  | 'fragment'
  | 'src'
  | 'dst'
  | 'sport'
  | 'dport'
  | 'icmpType'
  | 'icmpCode'
  | 'tcpFlags';

export const FIELD_ORDER: readonly FieldName[] = [
  'in',
  'out',
  'proto',
  'state',
  'fragment',
  'src',
  'dst',
  'sport',
  'dport',
  'icmpType',
  'icmpCode',
  'tcpFlags',
];

export interface FieldLayout {
  name: FieldName;
  /** First BDD variable (the most significant bit). */
  first: number;
  width: number;
}

// ---- protocols -----------------------------------------------------------

/** Protocol names iptables-save prints (from /etc/protocols), and common aliases. */
export const PROTOCOL_NUMBERS: Readonly<Record<string, number>> = lookupTable({
  icmp: 1,
  igmp: 2,
  ipencap: 4,
  ipip: 4,
  tcp: 6,
  egp: 8,
  udp: 17,
  dccp: 33,
  ipv6: 41,
  'ipv6-route': 43,
  'ipv6-frag': 44,
  gre: 47,
  esp: 50,
  ah: 51,
  'ipv6-icmp': 58,
  icmpv6: 58,
  'ipv6-nonxt': 59,
  'ipv6-opts': 60,
  ospf: 89,
  pim: 103,
  vrrp: 112,
  l2tp: 115,
  sctp: 132,
  mh: 135,
  udplite: 136,
});

/** Canonical name per number for printing (the names iptables-save uses). */
const PROTOCOL_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(PROTOCOL_NUMBERS)
    .filter(([n]) => n !== 'ipip' && n !== 'icmpv6')
    .map(([n, v]) => [v, n] as [number, string]),
);

export function protocolName(n: number): string {
  return PROTOCOL_NAMES.get(n) ?? String(n);
}

/** `tcp`, `6`, `all` (→ null = any); undefined for an unknown name. */
export function parseProtocol(text: string): number | null | undefined {
  // The spellings nearly every rule uses, without a lower-casing copy and a regex (once per rule and match).
  if (text === 'tcp') return 6;
  if (text === 'udp') return 17;
  const t = text.toLowerCase();
  if (t === 'all' || t === '0') return null;
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    return n <= 255 ? n : undefined;
  }
  return PROTOCOL_NUMBERS[t];
}

export const TCP = 6;
export const UDP = 17;
export const ICMP = 1;
export const ICMPV6 = 58;
export const SCTP = 132;
export const DCCP = 33;
export const UDPLITE = 136;

/** Protocols whose headers carry source/destination ports that iptables can match. */
export const PORT_PROTOCOLS: readonly number[] = [TCP, UDP, DCCP, SCTP, UDPLITE];

/** The ICMP protocol of a family (`-m icmp` is IPv4, `-m icmp6` IPv6). */
export function icmpProtocol(family: Family): number {
  return family === 'ipv4' ? ICMP : ICMPV6;
}

// ---- conntrack state -----------------------------------------------------

/** A packet is in exactly one of these states; the index is the field value. */
export const CT_STATES = ['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED'] as const;
export type CtState = (typeof CT_STATES)[number];

// ---- tcp flags -----------------------------------------------------------

/** The flags `--tcp-flags` can name, as bit 0 = FIN ... bit 5 = URG (the kernel's order). */
export const TCP_FLAGS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG'] as const;
export const TCP_FLAGS_ALL = 0x3f;

/** `FIN,SYN,RST,ACK` / `ALL` / `NONE` → bit mask; undefined if a name is unknown. */
export function parseTcpFlags(text: string): number | undefined {
  let mask = 0;
  for (const part of text.split(',')) {
    const p = part.toUpperCase();
    if (p === 'ALL') mask |= TCP_FLAGS_ALL;
    else if (p === 'NONE') continue;
    else {
      const i = (TCP_FLAGS as readonly string[]).indexOf(p);
      if (i < 0) return undefined;
      mask |= 1 << i;
    }
  }
  return mask;
}

export function tcpFlagsText(mask: number): string {
  if (mask === 0) return 'NONE';
  if (mask === TCP_FLAGS_ALL) return 'ALL';
  return TCP_FLAGS.filter((_, i) => mask & (1 << i)).join(',');
}

// ---- addresses -----------------------------------------------------------

export function addressWidth(family: Family): number {
  return family === 'ipv4' ? 32 : 128;
}

/** Parses an IPv4 or IPv6 address to a bigint; undefined when malformed or of the other family. */
export function parseAddress(text: string, family: Family): bigint | undefined {
  return family === 'ipv4' ? parseIPv4(text) : parseIPv6(text);
}

function parseIPv4(text: string): bigint | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  let v = 0n;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return undefined;
    v = (v << 8n) | BigInt(o);
  }
  return v;
}

function parseIPv6(text: string): bigint | undefined {
  let t = text;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hextets.
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  if (v4) {
    const tail = parseIPv4(v4[2]!);
    if (tail === undefined) return undefined;
    t = v4[1]! + ((tail >> 16n) & 0xffffn).toString(16) + ':' + (tail & 0xffffn).toString(16);
  }
  const halves = t.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string): string[] | undefined => (s === '' ? [] : s.split(':'));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  return v;
}

/** An address as iptables-save prints it (the shared formatter: glibc's inet_ntop rules). */
export function formatAddress(v: bigint, family: Family): string {
  return formatAddr(family, v);
}

/**
 * `10.0.0.0/8`, `10.0.0.1` (host), `10.0.0.0/255.0.255.0` (a mask, possibly
 * non-contiguous: iptables-save prints those dotted) → value and mask.
 */
export function parseAddressMask(text: string, family: Family): { value: bigint; mask: bigint } | undefined {
  const width = addressWidth(family);
  const full = (1n << BigInt(width)) - 1n;
  const slash = text.indexOf('/');
  const addr = parseAddress(slash < 0 ? text : text.slice(0, slash), family);
  if (addr === undefined) return undefined;
  let mask = full;
  if (slash >= 0) {
    const m = text.slice(slash + 1);
    if (/^\d+$/.test(m)) {
      const len = Number(m);
      if (len > width) return undefined;
      mask = len === 0 ? 0n : (full << BigInt(width - len)) & full;
    } else {
      const mv = parseAddress(m, family);
      if (mv === undefined) return undefined;
      mask = mv;
    }
  }
  return { value: addr & mask, mask };
}

// ---- ports ---------------------------------------------------------------

/** A port written as 1 to 5 digits (the common case, without a regex): its value, or -1. */
function plainPort(text: string): number {
  if (text.length === 0 || text.length > 5) return -1;
  let v = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  return v <= 65535 ? v : -1;
}

/** `22`, `1024:65535`, `:1023`, `1024:` → inclusive range; undefined when malformed. */
export function parsePortRange(text: string): [number, number] | undefined {
  const port = plainPort(text);
  if (port >= 0) return [port, port];
  const m = /^(\d*)(?::(\d*))?$/.exec(text);
  if (!m || (m[1] === '' && m[2] === undefined)) return undefined;
  const lo = m[1] === '' ? 0 : Number(m[1]);
  const hi = m[2] === undefined ? lo : m[2] === '' ? 65535 : Number(m[2]);
  if (lo > 65535 || hi > 65535) return undefined;
  // iptables swaps a reversed range (it prints the normalised one).
  return lo <= hi ? [lo, hi] : [hi, lo];
}
