// Addresses as iptables-save prints them: the network masked to its prefix,
// `/32` (`/128`) for hosts, a dotted (or full IPv6) mask when the mask is not
// contiguous, and IPv6 in the compressed form glibc's inet_ntop produces.
import type { Family } from './model.js';

/** Parses IPv4 dotted quad into 4 bytes. */
function parse4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    out.push(Number(p));
  }
  return out;
}

/** Parses an IPv6 address (with optional embedded IPv4 tail) into 16 bytes. */
function parse6(s: string): number[] | undefined {
  if (!s.includes(':')) return undefined;
  // An embedded IPv4 tail ("::ffff:1.2.3.4") becomes its two hex words.
  let head = s;
  const lastColon = s.lastIndexOf(':');
  const tailText = s.slice(lastColon + 1);
  if (tailText.includes('.')) {
    const v4 = parse4(tailText);
    if (!v4) return undefined;
    head = s.slice(0, lastColon + 1) + ((v4[0]! << 8) | v4[1]!).toString(16) + ':' + ((v4[2]! << 8) | v4[3]!).toString(16);
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const words = (h: string) => (h === '' ? [] : h.split(':'));
  const left = words(halves[0]!);
  const right = halves.length === 2 ? words(halves[1]!) : [];
  const want = 8;
  const groups: number[] = [];
  for (const w of [...left]) groups.push(hexWord(w));
  if (halves.length === 2) {
    const fill = want - left.length - right.length;
    if (fill < 1) return undefined;
    for (let i = 0; i < fill; i++) groups.push(0);
  }
  for (const w of right) groups.push(hexWord(w));
  if (groups.length !== want || groups.some((g) => Number.isNaN(g))) return undefined;
  const bytes: number[] = [];
  for (const g of groups) bytes.push(g >> 8, g & 0xff);
  return bytes;
}

function hexWord(w: string): number {
  return /^[0-9a-fA-F]{1,4}$/.test(w) ? parseInt(w, 16) : NaN;
}

export function parseAddress(s: string, family: Family): number[] | undefined {
  return family === 'ipv4' ? parse4(s) : parse6(s);
}

export function formatAddress(bytes: number[]): string {
  if (bytes.length === 4) return bytes.join('.');
  const w: number[] = [];
  for (let i = 0; i < 16; i += 2) w.push((bytes[i]! << 8) | bytes[i + 1]!);
  // Longest run of zero words (first on a tie), only if at least two long.
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
  // glibc prints IPv4-compatible and IPv4-mapped addresses with a dotted tail.
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
      out += bytes.slice(12).join('.');
      break;
    }
    if (out !== '' && !out.endsWith(':')) out += ':';
    out += w[i]!.toString(16);
  }
  return out;
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
