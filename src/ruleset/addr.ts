// Addresses as iptables-save prints them: the network masked to its prefix,
// `/32` (`/128`) for hosts, a dotted (or full IPv6) mask when the mask is not
// contiguous, and IPv6 in the compressed form glibc's inet_ntop produces.
import type { Family } from './model.js';
import { formatAddr, parseIPv4, parseIPv6 } from '../net/cidr.js';

/** The shared parser's value as bytes, which the mask handling below works on. */
function toBytes(value: bigint | null, count: number): number[] | undefined {
  if (value === null) return undefined;
  const out = new Array<number>(count);
  for (let i = count - 1; i >= 0; i--) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return out;
}

function parse4(s: string): number[] | undefined {
  return toBytes(parseIPv4(s), 4);
}

function parse6(s: string): number[] | undefined {
  return s.includes(':') ? toBytes(parseIPv6(s), 16) : undefined;
}

export function parseAddress(s: string, family: Family): number[] | undefined {
  return family === 'ipv4' ? parse4(s) : parse6(s);
}

export function formatAddress(bytes: number[]): string {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return formatAddr(bytes.length === 4 ? 'ipv4' : 'ipv6', v);
}

function maskFromPrefix(len: number, size: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < size; i++) {
    const bits = Math.max(0, Math.min(8, len - i * 8));
    out.push(bits === 0 ? 0 : (0xff << (8 - bits)) & 0xff);
  }
  return out;
}

/** The prefix length of a contiguous mask, or -1. */
function prefixOfMask(mask: number[]): number {
  let len = 0;
  let seenZero = false;
  for (const b of mask) {
    for (let bit = 7; bit >= 0; bit--) {
      if (b & (1 << bit)) {
        if (seenZero) return -1;
        len++;
      } else seenZero = true;
    }
  }
  return len;
}

/**
 * `ADDR[/LEN|/MASK]` as iptables-save prints it, or undefined if it is not an
 * address of this family (hostnames are left alone by the caller).
 */
export function canonicalCidr(s: string, family: Family): string | undefined {
  const slash = s.indexOf('/');
  const addrPart = slash < 0 ? s : s.slice(0, slash);
  const maskPart = slash < 0 ? undefined : s.slice(slash + 1);
  const addr = parseAddress(addrPart, family);
  if (!addr) return undefined;
  const bits = addr.length * 8;
  let mask: number[];
  if (maskPart === undefined) mask = maskFromPrefix(bits, addr.length);
  else if (/^\d+$/.test(maskPart)) {
    const n = Number(maskPart);
    if (n > bits) return undefined;
    mask = maskFromPrefix(n, addr.length);
  } else {
    const m = parseAddress(maskPart, family);
    if (!m) return undefined;
    mask = m;
  }
  const net = addr.map((b, i) => b & mask[i]!);
  const len = prefixOfMask(mask);
  if (len === 0) return '';
  return `${formatAddress(net)}/${len >= 0 ? len : formatAddress(mask)}`;
}

/** A bare address (no mask) in canonical spelling, or the input unchanged. */
export function canonicalHost(s: string, family: Family): string {
  const a = parseAddress(s, family);
  return a ? formatAddress(a) : s;
}
