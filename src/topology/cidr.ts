// IPv4/IPv6 networks as BigInt ranges, for the topology's subnet checks.
//
// Parsing is strict on purpose: inet_aton reads "010.0.0.1" as octal and
// iptables silently masks host bits, so either would make the ruleset differ
// from what the topology's author read. Both are rejected here with a reason.

import { formatAddr, parseIPv4 as parseIPv4Value, parseIPv6 as parseIPv6Value } from '../net/cidr.js';

export type Family = 4 | 6;

export interface Cidr {
  family: Family;
  /** The address as written (host bits included). */
  address: bigint;
  prefix: number;
  text: string;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

/** Dotted quad through the shared parser, minus leading zeros (inet_aton would read them as octal). */
function parseIPv4(text: string): bigint | undefined {
  if (text.split('.').some((part) => /^0\d/.test(part))) return undefined;
  return parseIPv4Value(text) ?? undefined;
}

function parseIPv6(text: string): bigint | undefined {
  const tail = text.slice(text.lastIndexOf(':') + 1);
  if (tail.includes('.') && parseIPv4(tail) === undefined) return undefined;
  return parseIPv6Value(text) ?? undefined;
}

/** Parses "ADDRESS/PREFIX"; returns a reason string when it is not one. */
export function parseCidr(text: string): Cidr | string {
  const slash = text.indexOf('/');
  if (slash < 0) return `'${text}' is not a CIDR: expected ADDRESS/PREFIX, e.g. 10.0.10.0/24`;
  const addressText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const family: Family = addressText.includes(':') ? 6 : 4;
  const address = family === 4 ? parseIPv4(addressText) : parseIPv6(addressText);
  if (address === undefined) {
    return `'${text}' is not a CIDR: '${addressText}' is not an IPv${family} address`;
  }
  if (!/^(?:0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > BITS[family]) {
    return `'${text}' is not a CIDR: the prefix length must be 0-${BITS[family]} for IPv${family}`;
  }
  return { family, address, prefix: Number(prefixText), text };
}

function mask(family: Family, prefix: number): bigint {
  const bits = BigInt(BITS[family]);
  const all = (1n << bits) - 1n;
  return all ^ ((1n << (bits - BigInt(prefix))) - 1n);
}

/** The network address (host bits cleared). */
export function networkOf(c: Cidr): bigint {
  return c.address & mask(c.family, c.prefix);
}

export function hasHostBits(c: Cidr): boolean {
  return networkOf(c) !== c.address;
}

/** Two networks overlap exactly when one contains the other: compare under the shorter prefix. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const m = mask(a.family, Math.min(a.prefix, b.prefix));
  return (a.address & m) === (b.address & m);
}

/** Canonical text: dotted quad, or RFC 5952 IPv6 as iptables-save prints it. */
export function formatAddress(family: Family, value: bigint): string {
  return formatAddr(family === 4 ? 'ipv4' : 'ipv6', value);
}

/** "NETWORK/PREFIX" with host bits cleared, for "did you mean" hints. */
export function formatNetwork(c: Cidr): string {
  return `${formatAddress(c.family, networkOf(c))}/${c.prefix}`;
}
