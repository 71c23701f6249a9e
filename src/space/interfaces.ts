// The interface alphabet: a finite partition of all interface names that is
// exact for the names and wildcards one analysis mentions.
//
// iptables matches `-i NAME` exactly and `-i PREFIX+` by prefix (`+` only at
// the end; `+` alone is any). Two names are indistinguishable to every rule
// when they are the same exact name, or when neither is a mentioned exact
// name and their LONGEST mentioned wildcard prefix is the same (the prefixes
// of one name form a chain). So the atoms are: each exact name; for each
// wildcard prefix P, one representative "some other name starting with P";
// and one "any other name" (the representative of the empty prefix).

/** Linux IFNAMSIZ - 1. */
const MAX_IFNAME = 15;

export interface InterfaceAtom {
  /** A concrete interface name in this class, printable in examples. */
  name: string;
  /** The exact name this atom stands for, or undefined for a representative. */
  exact?: string;
  /** For a representative: the longest wildcard prefix its names have ('' = none). */
  prefix?: string;
}

export class InterfaceAlphabet {
  readonly atoms: readonly InterfaceAtom[];
  private readonly exactIndex = new Map<string, number>();
  /** Wildcard prefix (without '+') → atom index of its representative; '' is "any other name". */
  private readonly prefixIndex = new Map<string, number>();

  /** `names` are interface texts as written in rules: `eth0`, `br0.+`, `+`. */
  constructor(names: Iterable<string>) {
    const exact = new Set<string>();
    const prefixes = new Set<string>(['']);
    for (const n of names) {
      if (n === '') continue;
      if (n.endsWith('+')) prefixes.add(n.slice(0, -1));
      else exact.add(n);
    }
    const atoms: InterfaceAtom[] = [];
    for (const e of [...exact].sort()) {
      this.exactIndex.set(e, atoms.length);
      atoms.push({ name: e, exact: e });
    }
    for (const p of [...prefixes].sort()) {
      const rep = representative(p, exact, prefixes);
      // No free name left under this prefix (every name is mentioned exactly): the class is empty.
      if (rep === undefined) continue;
      this.prefixIndex.set(p, atoms.length);
      atoms.push({ name: rep, prefix: p });
    }
    this.atoms = atoms;
  }

  get size(): number {
    return this.atoms.length;
  }

  /** Bits needed to number the atoms (at least 1 so the field exists). */
  get width(): number {
    return Math.max(1, Math.ceil(Math.log2(Math.max(2, this.atoms.length))));
  }

  /** The atom a concrete interface name falls into. */
  atomOf(name: string): number {
    const e = this.exactIndex.get(name);
    if (e !== undefined) return e;
    for (let len = Math.min(name.length, MAX_IFNAME); len >= 0; len--) {
      const p = this.prefixIndex.get(name.slice(0, len));
      if (p !== undefined) return p;
    }
    throw new Error(`interface alphabet has no atom for '${name}'`); // '' is always a prefix
  }

  /**
   * The atoms an interface text matches (`eth0`, `br0.+`, `+`), as indices.
   * Unknown texts are fine: they match the atoms their names fall into, which
   * for a name not in the alphabet is only approximate, so callers build the
   * alphabet from every name they will encode.
   */
  matching(text: string): number[] {
    if (!text.endsWith('+')) return [this.atomOf(text)];
    const p = text.slice(0, -1);
    const out: number[] = [];
    this.atoms.forEach((a, i) => {
      if (a.exact !== undefined ? a.exact.startsWith(p) : a.prefix!.startsWith(p)) out.push(i);
    });
    return out;
  }

  /** Whether the alphabet distinguishes this text exactly (it was given to the constructor). */
  knows(text: string): boolean {
    return text.endsWith('+') ? this.prefixIndex.has(text.slice(0, -1)) || text === '+' : this.exactIndex.has(text);
  }

  /** Wildcard prefixes in the alphabet (without '+', excluding ''), for descriptions. */
  wildcardPrefixes(): string[] {
    return [...this.prefixIndex.keys()].filter((p) => p !== '');
  }
}

/**
 * A concrete name whose longest wildcard prefix is exactly `p` and that is not
 * an exact name: readable candidates first (`br0.0`, `br0.1`, ..., `br0.x`).
 */
function representative(p: string, exact: Set<string>, prefixes: Set<string>): string | undefined {
  const stem = p === '' ? 'if' : p;
  const candidates: string[] = [];
  for (let i = 0; i < 100; i++) candidates.push(stem + i);
  for (const c of 'xyzqjkw') for (let i = 0; i < 100; i++) candidates.push(stem + c + (i || ''));
  if (p !== '') candidates.push(p); // `br0.` itself is a legal name, if an ugly one
  for (const c of candidates) {
    if (c.length > MAX_IFNAME || exact.has(c)) continue;
    let longest = '';
    for (let len = c.length; len > 0; len--)
      if (prefixes.has(c.slice(0, len))) {
        longest = c.slice(0, len);
        break;
      }
    if (longest === p) return c;
  }
  return undefined;
}
