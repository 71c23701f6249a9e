// Interface naming: what the kernel (and iptables) accept, and how VLAN
// sub-interfaces are named. The schema's "ifname" pattern says the same thing;
// this module explains *why* a name fails, for the diagnostic.

/** IFNAMSIZ is 16 including the terminating NUL. */
export const MAX_IFNAME_LENGTH = 15;

const ALLOWED = /^[A-Za-z0-9_.@-]$/;

/** Why `name` is not a usable interface name, or undefined when it is. */
export function interfaceNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > MAX_IFNAME_LENGTH) {
    return `is ${name.length} characters long; the kernel allows at most ${MAX_IFNAME_LENGTH}`;
  }
  if (name === '.' || name === '..') return 'is reserved by the kernel';
  for (const c of name) {
    if (ALLOWED.test(c)) continue;
    if (c === '+') return "contains '+', which iptables reads as a wildcard";
    const shown = /\s/.test(c) ? 'whitespace' : `'${c}'`;
    return `contains ${shown} (allowed: letters, digits, '_', '.', '-', '@')`;
  }
  return undefined;
}

/** The kernel name of VLAN `id` on `parent`: "P.V" as vconfig names it, unless the topology gives one. */
export function vlanInterfaceName(parent: string, id: number, ifname?: string): string {
  return ifname ?? `${parent}.${id}`;
}

export const MIN_VLAN_ID = 1;
export const MAX_VLAN_ID = 4094;

/** Why a VLAN key is not a VLAN id, or undefined when it is one (decimal, no leading zeros, 1-4094). */
export function vlanIdProblem(key: string): string | undefined {
  if (!/^[0-9]+$/.test(key) || (key.length > 1 && key.startsWith('0'))) {
    return `VLAN id must be a decimal number ${MIN_VLAN_ID}-${MAX_VLAN_ID} without leading zeros, got '${key}'`;
  }
  const id = Number(key);
  if (id < MIN_VLAN_ID || id > MAX_VLAN_ID) return `VLAN id must be ${MIN_VLAN_ID}-${MAX_VLAN_ID}`;
  return undefined;
}
