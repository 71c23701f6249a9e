// ICMP and ICMPv6 type names as iptables accepts them (`iptables -p icmp -h`),
// so rules written with names encode like the numeric form iptables-save prints.
import type { Family } from '../ruleset/model.js';
import { ICMP_TYPES, ICMPV6_TYPES } from '../ruleset/names.js';

export interface IcmpTypeMatch {
  /** null = `any` (every type and code). */
  type: number | null;
  codeMin: number;
  codeMax: number;
}

/** `8`, `3/4`, `echo-request`, `any` → the type and code range; undefined if unknown. */
export function parseIcmpType(text: string, family: Family): IcmpTypeMatch | undefined {
  if (text === 'any') return { type: null, codeMin: 0, codeMax: 255 };
  const m = /^(\d{1,3})(?:\/(\d{1,3}))?$/.exec(text);
  if (m) {
    const type = Number(m[1]);
    const code = m[2] === undefined ? undefined : Number(m[2]);
    if (type > 255 || (code !== undefined && code > 255)) return undefined;
    return code === undefined ? { type, codeMin: 0, codeMax: 255 } : { type, codeMin: code, codeMax: code };
  }
  // iptables' own name tables, the ones the canonicaliser uses too.
  const table = family === 'ipv4' ? ICMP_TYPES : ICMPV6_TYPES;
  const hit = Object.prototype.hasOwnProperty.call(table, text) ? table[text] : undefined;
  if (!hit) return undefined;
  const [type, codeMin, codeMax] = hit;
  return { type, codeMin, codeMax };
}
