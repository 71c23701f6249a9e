// ICMP and ICMPv6 type names for the policy language (`icmp/echo-request`),
// resolved to the numbers the kernel's iptables-save prints. The name tables
// are iptables' own (src/ruleset/names.ts); the policy language adds the
// multicast-listener names, which iptables has no names for.
import { ICMP_TYPES as IPT_ICMP, ICMPV6_TYPES as IPT_ICMPV6 } from '../ruleset/names.js';
import { lookupTable } from '../lookup.js';

const MLD_TYPES: Readonly<Record<string, readonly [number, number, number]>> = lookupTable({
  'mld-listener-query': [130, 0, 255],
  'mld-listener-report': [131, 0, 255],
  'mld-listener-done': [132, 0, 255],
  'mld-listener-reduction': [132, 0, 255],
});

/** Names a policy may use, for "did you mean" suggestions. */
export const ICMP_TYPES: Readonly<Record<string, readonly [number, number, number]>> = IPT_ICMP;
export const ICMPV6_TYPES: Readonly<Record<string, readonly [number, number, number]>> = { ...IPT_ICMPV6, ...MLD_TYPES };

/**
 * Resolves `echo-request`, `8`, or `3/4` to the kernel's printed form ("8", "3/4"),
 * or null when the text is neither a known name nor numbers in range (`any` is
 * not a type: leave the type out instead).
 */
export function icmpTypeValue(text: string, v6: boolean): string | null {
  const named = (v6 ? ICMPV6_TYPES : ICMP_TYPES)[text];
  if (named !== undefined) {
    const [type, lo, hi] = named;
    if (type === 255 && lo === 0 && hi === 255) return null; // iptables' "any"
    return lo === hi ? `${type}/${lo}` : String(type);
  }
  const m = /^(\d{1,3})(?:\/(\d{1,3}))?$/.exec(text);
  if (!m) return null;
  const type = Number(m[1]);
  const code = m[2] === undefined ? undefined : Number(m[2]);
  if (type > 255 || (code !== undefined && code > 255)) return null;
  return code === undefined ? String(type) : `${type}/${code}`;
}
