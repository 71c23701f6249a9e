// What iptables 1.8.9 knows about each match and target module that matters
// for parsing (which options a module owns, how many arguments they take) and
// for printing (the order iptables-save prints options in, the spelling of
// values, the defaults it adds or drops). Modules not listed pass through
// unchanged: we never reject a module just because we do not know it.
import type { Family, Option } from './model.js';
import { canonicalCidr, canonicalHost } from './addr.js';
import { ICMP_TYPES, ICMPV6_TYPES, portNumber, protoNumber } from './names.js';
import { lookupTable } from '../lookup.js';

export interface OptionSpec {
  name: string;
  aliases?: readonly string[];
  /** Number of arguments; undefined = every word up to the next option. */
  arity?: number;
  /** Printed with xtables_save_string quoting (comment, log prefix...). */
  saveString?: boolean;
  /** Always printed in double quotes (libxt_string). */
  alwaysQuote?: boolean;
  /** Canonical spelling of the arguments; null drops the option (a default iptables-save omits). */
  canon?: (args: string[], family: Family, negated: boolean) => { name?: string; args: string[] } | null;
}

export interface ModuleSpec {
  options: readonly OptionSpec[];
  /** Adds defaults iptables-save prints and removes ones it omits, after per-option canonicalisation. */
  finalize?: (opts: Option[], family: Family) => Option[];
}

// ---- value helpers -------------------------------------------------------

function portOrSelf(p: string): string {
  const n = portNumber(p);
  return n === undefined ? p : String(n);
}

/** `a:b` port ranges as libxt_tcp prints them; null when the range is every port (omitted). */
function portRange(arg: string, negated: boolean): string | null {
  const i = arg.indexOf(':');
  if (i < 0) return portOrSelf(arg);
  const lo = arg.slice(0, i) === '' ? '0' : portOrSelf(arg.slice(0, i));
  const hi = arg.slice(i + 1) === '' ? '65535' : portOrSelf(arg.slice(i + 1));
  if (lo === hi) return lo;
  if (lo === '0' && hi === '65535' && !negated) return null;
  return `${lo}:${hi}`;
}

const ports = (args: string[], _f: Family, neg: boolean) => {
  const r = portRange(args[0] ?? '', neg);
  return r === null ? null : { args: [r] };
};

const portList = (args: string[]) => ({
  args: [(args[0] ?? '').split(',').map((p) => (p.includes(':') ? p.split(':').map(portOrSelf).join(':') : portOrSelf(p))).join(',')],
});

const TCP_FLAGS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG'];
function tcpFlagList(s: string): string {
  const up = s.toUpperCase();
  if (up === 'ALL') return TCP_FLAGS.join(',');
  if (up === 'NONE') return 'NONE';
  const set = new Set(up.split(','));
  const out = TCP_FLAGS.filter((f) => set.has(f));
  return out.length ? out.join(',') : 'NONE';
}

function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16);
}
function num(s: string): number {
  return Number(s);
}
/** `VALUE[/MASK]` as libxt_mark prints it: hex, the all-ones mask omitted. */
function markValue(arg: string): string {
  const [v, m] = arg.split('/');
  const value = hex(num(v ?? '0'));
  if (m === undefined || num(m) >>> 0 === 0xffffffff) return value;
  return `${value}/${hex(num(m))}`;
}

/** Orders a comma list by a fixed order (bit order in the kernel structure); unknown words go last. */
function ordered(list: string, order: readonly string[]): string {
  const words = list.split(',');
  const known = order.filter((w) => words.some((x) => x.toUpperCase() === w));
  const unknown = words.filter((x) => !order.includes(x.toUpperCase()));
  return [...known, ...unknown].join(',');
}

const CT_STATES = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT'];
const CT_STATUS = ['NONE', 'EXPECTED', 'SEEN_REPLY', 'ASSURED', 'CONFIRMED'];
const ADDR_TYPES = ['UNSPEC', 'UNICAST', 'LOCAL', 'BROADCAST', 'ANYCAST', 'MULTICAST', 'BLACKHOLE', 'UNREACHABLE', 'PROHIBIT', 'THROW', 'NAT', 'XRESOLVE'];

/** libxt_limit's rate printing: the largest unit that still shows the rate exactly. */
export function canonicalRate(rate: string): string {
  const m = /^(\d+)(?:\/(\w+))?$/.exec(rate);
  if (!m) return rate;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'sec').toLowerCase();
  const SCALE = 10000;
  const mults: Record<string, number> = { s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hour: 3600, d: 86400, day: 86400 };
  const mult = unit in mults ? mults[unit]! : undefined;
  if (mult === undefined || n === 0) return rate;
  const period = Math.floor((SCALE * mult) / n);
  const rates: Array<[string, number]> = [['day', 86400 * SCALE], ['hour', 3600 * SCALE], ['min', 60 * SCALE], ['sec', SCALE]];
  let i = 1;
  for (; i < rates.length; i++) {
    const mu = rates[i]![1];
    if (period > mu || Math.floor(mu / period) < mu % period) break;
  }
  const [name, mu] = rates[i - 1]!;
  return `${Math.floor(mu / period)}/${name}`;
}

function icmpType(table: Readonly<Record<string, readonly [number, number, number]>>, arg: string): string {
  let t: number, lo: number, hi: number;
  const named = table[arg] ?? Object.entries(table).find(([k]) => k.toLowerCase() === arg.toLowerCase())?.[1];
  if (named) [t, lo, hi] = named;
  else {
    const m = /^(\d+)(?:\/(\d+)(?::(\d+))?)?$/.exec(arg);
    if (!m) return arg;
    t = Number(m[1]);
    lo = m[2] === undefined ? 0 : Number(m[2]);
    hi = m[2] === undefined ? 255 : m[3] === undefined ? lo : Number(m[3]);
  }
  if (t === 255 && lo === 0 && hi === 255) return 'any';
  if (lo === 0 && hi === 255) return String(t);
  if (lo === hi) return `${t}/${lo}`;
  return `${t}/${lo}:${hi}`;
}

const opt = (name: string, args: string[] = [], negated = false): Option => ({ name, negated, args });

function setDefault(opts: Option[], name: string, args: string[], group: readonly string[] = [name]): Option[] {
  return opts.some((o) => group.includes(o.name)) ? opts : [...opts, opt(name, args)];
}

const TOS_NAMES: Record<string, number> = lookupTable({
  'minimize-delay': 0x10, 'maximize-throughput': 0x08, 'maximize-reliability': 0x04, 'minimize-cost': 0x02, 'normal-service': 0,
});
function tosValue(arg: string): string {
  const named = TOS_NAMES[arg.toLowerCase()];
  if (named !== undefined) return `${hex(named)}/0x3f`;
  const [v, m] = arg.split('/');
  return `${hex(num(v ?? '0'))}/${m === undefined ? '0xff' : hex(num(m))}`;
}
const DSCP_CLASSES: Record<string, number> = lookupTable({
  cs0: 0, cs1: 8, cs2: 16, cs3: 24, cs4: 32, cs5: 40, cs6: 48, cs7: 56, be: 0, ef: 46,
  af11: 10, af12: 12, af13: 14, af21: 18, af22: 20, af23: 22, af31: 26, af32: 28, af33: 30, af41: 34, af42: 36, af43: 38,
});
function dscpHex(n: number): string {
  return '0x' + n.toString(16).padStart(2, '0');
}
const dscp = (args: string[]) => ({ args: [dscpHex(num(args[0] ?? '0'))] });
const dscpClass = (name: string) => (args: string[]) => ({ name, args: [dscpHex(DSCP_CLASSES[(args[0] ?? '').toLowerCase()] ?? 0)] });

const LOG_LEVELS: Record<string, string> = lookupTable({ emerg: '0', panic: '0', alert: '1', crit: '2', err: '3', error: '3', warn: '4', warning: '4', notice: '5', info: '6', debug: '7' });

// ---- the modules ---------------------------------------------------------

const portOpts = (): OptionSpec[] => [
  { name: 'sport', aliases: ['source-port'], arity: 1, canon: ports },
  { name: 'dport', aliases: ['destination-port'], arity: 1, canon: ports },
];

export const MATCHES: Readonly<Record<string, ModuleSpec>> = lookupTable({
  tcp: {
    options: [
      ...portOpts(),
      { name: 'tcp-flags', arity: 2, canon: (a) => ({ args: [tcpFlagList(a[0] ?? ''), tcpFlagList(a[1] ?? '')] }) },
      { name: 'syn', arity: 0, canon: () => ({ name: 'tcp-flags', args: ['FIN,SYN,RST,ACK', 'SYN'] }) },
      { name: 'tcp-option', arity: 1 },
    ],
  },
  udp: { options: portOpts() },
  dccp: { options: [...portOpts(), { name: 'dccp-types', arity: 1 }, { name: 'dccp-option', arity: 1 }] },
  sctp: { options: [...portOpts(), { name: 'chunk-types' }] },
  icmp: { options: [{ name: 'icmp-type', arity: 1, canon: (a) => ({ args: [icmpType(ICMP_TYPES, a[0] ?? '')] }) }] },
  icmp6: { options: [{ name: 'icmpv6-type', arity: 1, canon: (a) => ({ args: [icmpType(ICMPV6_TYPES, a[0] ?? '')] }) }] },
  multiport: {
    options: [
      { name: 'sports', aliases: ['source-ports'], arity: 1, canon: portList },
      { name: 'dports', aliases: ['destination-ports'], arity: 1, canon: portList },
      { name: 'ports', arity: 1, canon: portList },
    ],
  },
  state: { options: [{ name: 'state', arity: 1, canon: (a) => ({ args: [ordered(a[0] ?? '', CT_STATES)] }) }] },
  conntrack: {
    options: [
      { name: 'ctstate', arity: 1, canon: (a) => ({ args: [ordered(a[0] ?? '', CT_STATES)] }) },
      { name: 'ctproto', arity: 1, canon: (a) => ({ args: [String(protoNumber(a[0] ?? '') ?? a[0])] }) },
      ...['ctorigsrc', 'ctorigdst', 'ctreplsrc', 'ctrepldst'].map(
        (name): OptionSpec => ({ name, arity: 1, canon: (a, f) => ({ args: [ctAddress(a[0] ?? '', f)] }) }),
      ),
      ...['ctorigsrcport', 'ctorigdstport', 'ctreplsrcport', 'ctrepldstport'].map(
        (name): OptionSpec => ({ name, arity: 1, canon: (a) => ({ args: [ctPorts(a[0] ?? '')] }) }),
      ),
      { name: 'ctstatus', arity: 1, canon: (a) => ({ args: [ordered(a[0] ?? '', CT_STATUS)] }) },
      { name: 'ctexpire', arity: 1, canon: (a) => ({ args: [collapseRange(a[0] ?? '')] }) },
      { name: 'ctdir', arity: 1 },
    ],
  },
  comment: { options: [{ name: 'comment', arity: 1, saveString: true }] },
  limit: {
    options: [
      { name: 'limit', arity: 1, canon: (a) => ({ args: [canonicalRate(a[0] ?? '')] }) },
      { name: 'limit-burst', arity: 1, canon: (a) => (a[0] === '5' ? null : { args: a }) },
    ],
    finalize: (o) => (o.some((x) => x.name === 'limit') ? o : [opt('limit', ['3/hour']), ...o]),
  },
  hashlimit: {
    options: [
      { name: 'hashlimit-upto', aliases: ['hashlimit'], arity: 1, canon: (a) => ({ args: [canonicalRate(a[0] ?? '')] }) },
      { name: 'hashlimit-above', arity: 1, canon: (a) => ({ args: [canonicalRate(a[0] ?? '')] }) },
      { name: 'hashlimit-burst', arity: 1 },
      { name: 'hashlimit-mode', arity: 1 },
      { name: 'hashlimit-name', arity: 1 },
      { name: 'hashlimit-htable-size', arity: 1 },
      { name: 'hashlimit-htable-max', arity: 1 },
      { name: 'hashlimit-htable-gcinterval', arity: 1 },
      { name: 'hashlimit-htable-expire', arity: 1 },
      { name: 'hashlimit-srcmask', arity: 1 },
      { name: 'hashlimit-dstmask', arity: 1 },
    ],
    finalize: (o) => {
      const i = o.findIndex((x) => x.name === 'hashlimit-burst');
      if (i >= 0) return o;
      const at = o.findIndex((x) => x.name === 'hashlimit-upto' || x.name === 'hashlimit-above');
      const out = [...o];
      out.splice(at + 1, 0, opt('hashlimit-burst', ['5']));
      return out;
    },
  },
  recent: {
    options: [
      { name: 'set', arity: 0 },
      { name: 'rcheck', arity: 0 },
      { name: 'update', arity: 0 },
      { name: 'remove', arity: 0 },
      { name: 'seconds', arity: 1 },
      { name: 'reap', arity: 0 },
      { name: 'hitcount', arity: 1 },
      { name: 'rttl', arity: 0 },
      { name: 'name', arity: 1 },
      { name: 'mask', arity: 1, canon: (a, f) => ({ args: [canonicalHost(a[0] ?? '', f)] }) },
      { name: 'rsource', arity: 0 },
      { name: 'rdest', arity: 0 },
    ],
    finalize: (o, f) => {
      let out = setDefault(o, 'name', ['DEFAULT']);
      out = setDefault(out, 'mask', [f === 'ipv4' ? '255.255.255.255' : 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']);
      return setDefault(out, 'rsource', [], ['rsource', 'rdest']);
    },
  },
  connlimit: {
    options: [
      { name: 'connlimit-upto', arity: 1 },
      { name: 'connlimit-above', arity: 1 },
      { name: 'connlimit-mask', arity: 1 },
      { name: 'connlimit-saddr', arity: 0 },
      { name: 'connlimit-daddr', arity: 0 },
    ],
    finalize: (o, f) => setDefault(setDefault(o, 'connlimit-mask', [f === 'ipv4' ? '32' : '128']), 'connlimit-saddr', [], ['connlimit-saddr', 'connlimit-daddr']),
  },
  addrtype: {
    options: [
      { name: 'src-type', arity: 1, canon: (a) => ({ args: [ordered(a[0] ?? '', ADDR_TYPES)] }) },
      { name: 'dst-type', arity: 1, canon: (a) => ({ args: [ordered(a[0] ?? '', ADDR_TYPES)] }) },
      { name: 'limit-iface-in', arity: 0 },
      { name: 'limit-iface-out', arity: 0 },
    ],
  },
  mark: { options: [{ name: 'mark', arity: 1, canon: (a) => ({ args: [markValue(a[0] ?? '')] }) }] },
  connmark: { options: [{ name: 'mark', arity: 1, canon: (a) => ({ args: [markValue(a[0] ?? '')] }) }] },
  physdev: {
    options: [
      { name: 'physdev-in', arity: 1 },
      { name: 'physdev-is-in', arity: 0 },
      { name: 'physdev-out', arity: 1 },
      { name: 'physdev-is-out', arity: 0 },
      { name: 'physdev-is-bridged', arity: 0 },
    ],
  },
  iprange: { options: [{ name: 'src-range', arity: 1 }, { name: 'dst-range', arity: 1 }] },
  pkttype: { options: [{ name: 'pkt-type', arity: 1 }] },
  length: { options: [{ name: 'length', arity: 1, canon: (a) => ({ args: [collapseRange(a[0] ?? '')] }) }] },
  tos: { options: [{ name: 'tos', arity: 1, canon: (a) => ({ args: [tosValue(a[0] ?? '')] }) }] },
  dscp: { options: [{ name: 'dscp', arity: 1, canon: dscp }, { name: 'dscp-class', arity: 1, canon: dscpClass('dscp') }] },
  ttl: { options: [{ name: 'ttl-eq', arity: 1 }, { name: 'ttl-gt', arity: 1 }, { name: 'ttl-lt', arity: 1 }] },
  hl: { options: [{ name: 'hl-eq', arity: 1 }, { name: 'hl-gt', arity: 1 }, { name: 'hl-lt', arity: 1 }] },
  mac: { options: [{ name: 'mac-source', arity: 1, canon: (a) => ({ args: [(a[0] ?? '').toLowerCase()] }) }] },
  rpfilter: { options: [{ name: 'loose', arity: 0 }, { name: 'validmark', arity: 0 }, { name: 'accept-local', arity: 0 }, { name: 'invert', arity: 0 }] },
  owner: { options: [{ name: 'uid-owner', arity: 1 }, { name: 'gid-owner', arity: 1 }, { name: 'suppl-groups', arity: 0 }, { name: 'socket-exists', arity: 0 }] },
  string: {
    options: [
      { name: 'string', arity: 1, alwaysQuote: true },
      { name: 'hex-string', arity: 1, alwaysQuote: true },
      { name: 'algo', arity: 1 },
      { name: 'from', arity: 1 },
      { name: 'to', arity: 1 },
      { name: 'icase', arity: 0 },
    ],
  },
  time: {
    options: [
      { name: 'timestart', arity: 1, canon: (a) => ({ args: [clock(a[0] ?? '')] }) },
      { name: 'timestop', arity: 1, canon: (a) => ({ args: [clock(a[0] ?? '')] }) },
      { name: 'monthdays', arity: 1 },
      { name: 'weekdays', arity: 1 },
      { name: 'datestart', arity: 1, canon: (a) => ({ args: [date(a[0] ?? '')] }) },
      { name: 'datestop', arity: 1, canon: (a) => ({ args: [date(a[0] ?? '')] }) },
      { name: 'kerneltz', arity: 0 },
      { name: 'contiguous', arity: 0 },
      // --utc / --localtz are the default representation; iptables-save omits them.
      { name: 'utc', arity: 0, canon: () => null },
      { name: 'localtz', arity: 0, canon: () => null },
    ],
    finalize: (o) => setDefault(o, 'datestop', ['2038-01-19T03:14:07']),
  },
  set: { options: [{ name: 'match-set', arity: 2 }] },
});

export const TARGETS: Readonly<Record<string, ModuleSpec>> = lookupTable({
  REJECT: {
    options: [{ name: 'reject-with', arity: 1, canon: (a, f) => ({ args: [rejectWith(a[0] ?? '', f)] }) }],
    finalize: (o, f) => setDefault(o, 'reject-with', [f === 'ipv4' ? 'icmp-port-unreachable' : 'icmp6-port-unreachable']),
  },
  LOG: {
    options: [
      { name: 'log-prefix', arity: 1, saveString: true },
      { name: 'log-level', arity: 1, canon: (a) => {
        const lvl = LOG_LEVELS[(a[0] ?? '').toLowerCase()] ?? a[0] ?? '';
        return lvl === '4' ? null : { args: [lvl] };
      } },
      { name: 'log-tcp-sequence', arity: 0 },
      { name: 'log-tcp-options', arity: 0 },
      { name: 'log-ip-options', arity: 0 },
      { name: 'log-uid', arity: 0 },
      { name: 'log-macdecode', arity: 0 },
    ],
  },
  NFLOG: {
    options: [
      { name: 'nflog-prefix', arity: 1, saveString: true },
      { name: 'nflog-group', arity: 1, canon: (a) => (a[0] === '0' ? null : { args: a }) },
      // The nft backend cannot express --nflog-range and drops it on load.
      { name: 'nflog-range', arity: 1, canon: () => null },
      { name: 'nflog-size', arity: 1 },
      { name: 'nflog-threshold', arity: 1 },
    ],
  },
  MARK: {
    options: [
      { name: 'set-xmark', arity: 1, canon: (a) => ({ args: [xmark(a[0] ?? '')] }) },
      { name: 'set-mark', arity: 1, canon: (a) => ({ name: 'set-xmark', args: [xmark(a[0] ?? '')] }) },
      { name: 'or-mark', arity: 1, canon: (a) => ({ name: 'set-xmark', args: [`${hex(num(a[0] ?? '0'))}/${hex(num(a[0] ?? '0'))}`] }) },
      { name: 'and-mark', arity: 1, canon: (a) => ({ name: 'set-xmark', args: [`0x0/${hex(~num(a[0] ?? '0'))}`] }) },
      { name: 'xor-mark', arity: 1, canon: (a) => ({ name: 'set-xmark', args: [`${hex(num(a[0] ?? '0'))}/0x0`] }) },
    ],
  },
  CONNMARK: {
    options: [
      { name: 'set-xmark', arity: 1, canon: (a) => ({ args: [xmark(a[0] ?? '')] }) },
      { name: 'set-mark', arity: 1, canon: (a) => ({ name: 'set-xmark', args: [xmark(a[0] ?? '')] }) },
      { name: 'save-mark', arity: 0 },
      { name: 'restore-mark', arity: 0 },
      { name: 'nfmask', arity: 1, canon: (a) => ({ args: [hex(num(a[0] ?? '0'))] }) },
      { name: 'ctmask', arity: 1, canon: (a) => ({ args: [hex(num(a[0] ?? '0'))] }) },
      { name: 'mask', arity: 1 },
    ],
    finalize: (o) => {
      if (!o.some((x) => x.name === 'save-mark' || x.name === 'restore-mark')) return o;
      const mask = o.find((x) => x.name === 'mask');
      const rest = o.filter((x) => x.name !== 'mask');
      const m = mask ? [hex(num(mask.args[0] ?? '0'))] : ['0xffffffff'];
      return setDefault(setDefault(rest, 'nfmask', m), 'ctmask', m);
    },
  },
  TOS: { options: [{ name: 'set-tos', arity: 1, canon: (a) => ({ args: [tosValue(a[0] ?? '')] }) }] },
  DSCP: { options: [{ name: 'set-dscp', arity: 1, canon: dscp }, { name: 'set-dscp-class', arity: 1, canon: dscpClass('set-dscp') }] },
  TCPMSS: { options: [{ name: 'set-mss', arity: 1 }, { name: 'clamp-mss-to-pmtu', arity: 0 }] },
  CHECKSUM: { options: [{ name: 'checksum-fill', arity: 0 }] },
  DNAT: { options: [{ name: 'to-destination', aliases: ['to'], arity: 1 }, { name: 'random', arity: 0 }, { name: 'persistent', arity: 0 }] },
  SNAT: { options: [{ name: 'to-source', aliases: ['to'], arity: 1 }, { name: 'random', arity: 0 }, { name: 'random-fully', arity: 0 }, { name: 'persistent', arity: 0 }] },
  MASQUERADE: { options: [{ name: 'to-ports', arity: 1 }, { name: 'random', arity: 0 }, { name: 'random-fully', arity: 0 }] },
  REDIRECT: { options: [{ name: 'to-ports', aliases: ['to-port'], arity: 1 }, { name: 'random', arity: 0 }] },
  CT: {
    options: [
      { name: 'notrack', arity: 0 },
      { name: 'helper', arity: 1 },
      { name: 'ctevents', arity: 1 },
      { name: 'expevents', arity: 1 },
      { name: 'zone-orig', arity: 1 },
      { name: 'zone-reply', arity: 1 },
      { name: 'zone', arity: 1 },
      { name: 'timeout', arity: 1 },
    ],
  },
  NOTRACK: { options: [] },
  ACCEPT: { options: [] },
  DROP: { options: [] },
  RETURN: { options: [] },
});

function xmark(arg: string): string {
  const [v, m] = arg.split('/');
  return `${hex(num(v ?? '0'))}/${m === undefined ? '0xffffffff' : hex(num(m))}`;
}

function collapseRange(arg: string): string {
  const [a, b] = arg.split(':');
  return b !== undefined && a === b ? a! : arg;
}

function ctPorts(arg: string): string {
  if (!arg.includes(':')) return portOrSelf(arg);
  const [a, b] = arg.split(':');
  const lo = a === '' ? '0' : portOrSelf(a!);
  const hi = b === '' ? '65535' : portOrSelf(b!);
  return lo === hi ? lo : `${lo}:${hi}`;
}

/** conntrack prints a host address without its /32 (/128), networks as CIDR. */
function ctAddress(arg: string, family: Family): string {
  const c = canonicalCidr(arg, family);
  if (c === undefined) return arg;
  const full = family === 'ipv4' ? '/32' : '/128';
  return c.endsWith(full) ? c.slice(0, -full.length) : c === '' ? (family === 'ipv4' ? '0.0.0.0/0' : '::/0') : c;
}

function clock(s: string): string {
  return /^\d{1,2}:\d{2}$/.test(s) ? `${s.padStart(5, '0')}:00` : s;
}

function date(s: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return `${s}T00:00:00`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(s)) return `${s}:00`;
  return s;
}

const REJECT4: Record<string, string> = {
  'icmp-net-unreachable': 'icmp-net-unreachable', 'net-unreach': 'icmp-net-unreachable',
  'icmp-host-unreachable': 'icmp-host-unreachable', 'host-unreach': 'icmp-host-unreachable',
  'icmp-proto-unreachable': 'icmp-proto-unreachable', 'proto-unreach': 'icmp-proto-unreachable',
  'icmp-port-unreachable': 'icmp-port-unreachable', 'port-unreach': 'icmp-port-unreachable',
  'icmp-net-prohibited': 'icmp-net-prohibited', 'net-prohib': 'icmp-net-prohibited',
  'icmp-host-prohibited': 'icmp-host-prohibited', 'host-prohib': 'icmp-host-prohibited',
  'icmp-admin-prohibited': 'icmp-admin-prohibited', 'admin-prohib': 'icmp-admin-prohibited',
  'tcp-reset': 'tcp-reset', 'tcp-rst': 'tcp-reset',
};
const REJECT6: Record<string, string> = {
  'icmp6-no-route': 'icmp6-no-route', 'no-route': 'icmp6-no-route',
  'icmp6-adm-prohibited': 'icmp6-adm-prohibited', 'adm-prohibited': 'icmp6-adm-prohibited',
  'icmp6-addr-unreachable': 'icmp6-addr-unreachable', 'addr-unreach': 'icmp6-addr-unreachable',
  'icmp6-port-unreachable': 'icmp6-port-unreachable', 'port-unreach': 'icmp6-port-unreachable',
  'icmp6-policy-fail': 'icmp6-policy-fail', 'policy-fail': 'icmp6-policy-fail',
  'icmp6-reject-route': 'icmp6-reject-route', 'reject-route': 'icmp6-reject-route',
  'tcp-reset': 'tcp-reset', 'tcp-rst': 'tcp-reset',
};
function rejectWith(arg: string, family: Family): string {
  return (family === 'ipv4' ? REJECT4 : REJECT6)[arg] ?? arg;
}

/** The module that owns `--name` in a known spec, and the canonical option name. */
export function findOption(spec: ModuleSpec, name: string): OptionSpec | undefined {
  let byName = optionIndex.get(spec);
  if (!byName) {
    byName = new Map();
    // First spelling wins, as a linear search over `options` would find it.
    for (const o of spec.options) for (const n of [o.name, ...(o.aliases ?? [])]) if (!byName.has(n)) byName.set(n, o);
    optionIndex.set(spec, byName);
  }
  return byName.get(name);
}

/** Each module's options by name and alias (findOption runs for every option of every rule parsed). */
const optionIndex = new WeakMap<ModuleSpec, Map<string, OptionSpec>>();

/** Implicit protocol match: `-p tcp --dport 22` loads the `tcp` match. */
export function implicitModule(proto: string): string | undefined {
  const n = protoNumber(proto);
  switch (n) {
    case 6: return 'tcp';
    case 17: return 'udp';
    case 1: return 'icmp';
    case 58: return 'icmp6';
    case 132: return 'sctp';
    case 33: return 'dccp';
    default: return undefined;
  }
}
