// IPv4/IPv6 networks as BigInt ranges, for the topology's subnet checks.
//
// Parsing is strict on purpose: inet_aton reads "010.0.0.1" as octal and
// iptables silently masks host bits, so either would make the ruleset differ
// from what the topology's author read. Both are rejected here with a reason.

export type Family = 4 | 6;

export interface Cidr {
  family: Family;
  /** The address as written (host bits included). */
  address: bigint;
  prefix: number;
  text: string;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^(?:0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseIPv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (half: string): bigint[] | undefined => {
    if (half === '') return [];
    const out: bigint[] = [];
    const pieces = half.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      // The last 32 bits may be written as dotted IPv4 ("::ffff:10.0.0.1").
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIPv4(piece);
        if (v4 === undefined) return undefined;
        out.push(v4 >> 16n, v4 & 0xffffn);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
        out.push(BigInt('0x' + piece));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (!head || !tail) return undefined;
  // A dotted quad is only allowed at the very end of the address.
  if (halves.length === 2 && halves[0]!.includes('.')) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...new Array<bigint>(halves.length === 2 ? missing : 0).fill(0n), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
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

/** Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run of 2+ groups as "::"). */
export function formatAddress(family: Family, value: bigint): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  }
  const groups: number[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(Number((value >> s) & 0xffffn));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/** "NETWORK/PREFIX" with host bits cleared, for "did you mean" hints. */
export function formatNetwork(c: Cidr): string {
  return `${formatAddress(c.family, networkOf(c))}/${c.prefix}`;
}
