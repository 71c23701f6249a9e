// IPv4/IPv6 addresses and prefixes as BigInt, with the text forms the kernel's
// iptables-save prints (inet_ntop: lowercase, longest zero run compressed).
import type { Family } from '../ruleset/model.js';

export interface Cidr {
  family: Family;
  /** Network address (host bits cleared unless keepHostBits). */
  addr: bigint;
  prefix: number;
}

const V4_BITS = 32;
const V6_BITS = 128;

export function familyBits(f: Family): number {
  return f === 'ipv4' ? V4_BITS : V6_BITS;
}

/**
 * A dotted quad in text[0, end) as an unsigned 32-bit number, or -1. A hand-rolled
 * scan: it runs for every address of a 100,000-rule policy or dump. Four
 * dot-separated parts of 1 to 3 decimal digits, each at most 255.
 */
export function scanIPv4(text: string, end: number = text.length): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return -1;
      part = part * 10 + (c - 48);
    } else if (c === 46 && digits > 0 && dots < 3) {
      if (part > 255) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else return -1;
  }
  if (dots !== 3 || digits === 0 || part > 255) return -1;
  return value * 256 + part;
}

export function parseIPv4(text: string): bigint | null {
  const v = scanIPv4(text);
  return v < 0 ? null : BigInt(v);
}

export function parseIPv6(text: string): bigint | null {
  if (!/^[0-9A-Fa-f:.]+$/.test(text)) return null;
  let head: string[];
  let tail: string[];
  const dbl = text.indexOf('::');
  if (dbl >= 0) {
    if (text.indexOf('::', dbl + 1) >= 0) return null;
    head = text.slice(0, dbl) === '' ? [] : text.slice(0, dbl).split(':');
    tail = text.slice(dbl + 2) === '' ? [] : text.slice(dbl + 2).split(':');
  } else {
    head = text.split(':');
    tail = [];
  }
  const groups: number[] = [];
  const pushGroups = (list: string[], out: number[]): boolean => {
    for (let i = 0; i < list.length; i++) {
      const g = list[i]!;
      if (g.includes('.')) {
        // An embedded IPv4 address may only end the address.
        if (i !== list.length - 1) return false;
        const v4 = parseIPv4(g);
        if (v4 === null) return false;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else {
        if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return false;
        out.push(parseInt(g, 16));
      }
    }
    return true;
  };
  const h: number[] = [];
  const t: number[] = [];
  // An embedded IPv4 address may only end the whole address, never the part before '::'.
  if (dbl >= 0 && head.some((g) => g.includes('.'))) return null;
  if (!pushGroups(head, h) || !pushGroups(tail, t)) return null;
  if (dbl >= 0) {
    if (h.length + t.length > 7) return null;
    groups.push(...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t);
  } else {
    if (h.length !== 8) return null;
    groups.push(...h);
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

/** Parses `A`, `A/len` or (IPv4) `A/dotted-mask`; host bits are cleared as the kernel does. */
export function parseCidr(text: string, opts: { keepHostBits?: boolean } = {}): Cidr | null {
  const slash = text.indexOf('/');
  const addrText = slash >= 0 ? text.slice(0, slash) : text;
  const lenText = slash >= 0 ? text.slice(slash + 1) : undefined;
  const family: Family = addrText.includes(':') ? 'ipv6' : 'ipv4';
  const addr = family === 'ipv4' ? parseIPv4(addrText) : parseIPv6(addrText);
  if (addr === null) return null;
  const bits = familyBits(family);
  let prefix = bits;
  if (lenText !== undefined) {
    if (/^\d{1,3}$/.test(lenText)) {
      prefix = Number(lenText);
      if (prefix > bits) return null;
    } else if (family === 'ipv4') {
      const mask = parseIPv4(lenText);
      if (mask === null) return null;
      const p = maskToPrefix(mask, bits);
      if (p === null) return null;
      prefix = p;
    } else return null;
  }
  const net = opts.keepHostBits ? addr : addr & prefixMask(prefix, bits);
  return { family, addr: net, prefix };
}

/** Masks already built, per family width (BigInt arithmetic allocates; every address of a policy needs one). */
const masks = new Map<number, bigint[]>();

export function prefixMask(prefix: number, bits: number): bigint {
  let table = masks.get(bits);
  if (!table) masks.set(bits, (table = []));
  let mask = table[prefix];
  if (mask === undefined) {
    mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
    table[prefix] = mask;
  }
  return mask;
}

function maskToPrefix(mask: bigint, bits: number): number | null {
  for (let p = 0; p <= bits; p++) if (prefixMask(p, bits) === mask) return p;
  return null;
}

export function hasHostBits(c: Cidr): boolean {
  const bits = familyBits(c.family);
  if (c.prefix === bits) return false; // a single address, as most are: no BigInt arithmetic
  return (c.addr & ~prefixMask(c.prefix, bits) & prefixMask(bits, bits)) !== 0n;
}

export function formatIPv4(v: bigint): string {
  const n = Number(v & 0xffffffffn);
  return `${(n >>> 24) & 0xff}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

/** RFC 5952 text, exactly as glibc's inet_ntop prints it (which is what iptables-save shows). */
export function formatIPv6(v: bigint): string {
  const w: number[] = [];
  for (let i = 7; i >= 0; i--) w.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  // The longest run of zero words (the first on a tie), only when at least two long.
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) best = -1;
  // glibc prints IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) with a dotted tail.
  const v4tail = best === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff));
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (v4tail && i === 6) {
      if (!out.endsWith(':')) out += ':';
      out += formatIPv4(v & 0xffffffffn);
      break;
    }
    if (out !== '' && !out.endsWith(':')) out += ':';
    out += w[i]!.toString(16);
  }
  return out;
}

export function formatAddr(family: Family, v: bigint): string {
  return family === 'ipv4' ? formatIPv4(v) : formatIPv6(v);
}

/** `10.0.0.0/24`, always with the length, as iptables-save prints addresses. */
export function formatCidr(c: Cidr): string {
  return `${formatAddr(c.family, c.addr)}/${c.prefix}`;
}

export function cidrLast(c: Cidr): bigint {
  const bits = familyBits(c.family);
  return c.addr | (prefixMask(bits, bits) & ~prefixMask(c.prefix, bits));
}

export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  return a.addr <= cidrLast(b) && b.addr <= cidrLast(a);
}

export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && outer.prefix <= inner.prefix && outer.addr <= inner.addr && cidrLast(inner) <= cidrLast(outer);
}
