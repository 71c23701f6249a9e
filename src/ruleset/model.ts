// The ruleset model shared by every stage: the compiler builds it, the
// iptables-save parser reads it from dumps, the canonical printer prints it,
// and the analysis (space/, analysis/, lint/) reasons over it. Every rule keeps
// the position it came from so findings point at real lines.
import type { Location } from '../diagnostics.js';
import { lookupTable } from '../lookup.js';

export type Family = 'ipv4' | 'ipv6';

/** A value with iptables' `!` negation, e.g. `! -s 10.0.0.0/8`. */
export interface Neg<T = string> {
  value: T;
  negated: boolean;
  loc?: Location;
}

/** One option of a match or target module: `! --dport 22` is {name:'dport', negated:true, args:['22']}. */
export interface Option {
  /** Long option name as the kernel's iptables-save prints it, without the leading dashes. */
  name: string;
  negated: boolean;
  /** Raw (unquoted, unescaped) argument strings; empty for flags such as `--syn`. */
  args: string[];
  loc?: Location;
}

/** `-m MODULE --opt ...`. Implicit protocol matches (`-p tcp --dport 22`) are explicit here (`-m tcp`). */
export interface Match {
  module: string;
  options: Option[];
  loc?: Location;
}

/** `-j NAME opts` or `-g NAME` (goto). */
export interface Target {
  name: string;
  goto: boolean;
  options: Option[];
  loc?: Location;
}

export interface Counters {
  packets: string;
  bytes: string;
}

export interface Rule {
  /** Where the rule is written (dump line, or line in the compiled output). */
  loc: Location;
  /** For compiled rules: the policy line the rule comes from (findings are reported there). */
  origin?: Location;
  /** The rule as written in the input, for reports. */
  text?: string;
  counters?: Counters;
  src?: Neg;
  dst?: Neg;
  inIface?: Neg;
  outIface?: Neg;
  /** Protocol name or number as written after canonicalisation (`tcp`, `udp`, `icmp`, `ipv6-icmp`, `47`). */
  proto?: Neg;
  /** `-f` / `! -f` (IPv4 only). */
  fragment?: Neg<true>;
  matches: Match[];
  target?: Target;
  /** Lint codes disabled by a `# chainsmith: disable=CODE -- reason` line right before the rule. */
  suppressions?: string[];
}

/**
 * Where the analysis caches a rule's box, per family (analysis/box.ts,
 * cachedRuleBox). The slots are named here so that the parser's rules are
 * built with them (ruleset/located.ts): adding a property to each of 100,000
 * rules afterwards gave every one a new hidden class and a property store of
 * its own. Other rules (compiled, or copies) get them when first boxed.
 */
export const BOX_SLOTS: Readonly<Record<Family, symbol>> = Object.freeze({ ipv4: Symbol('box4'), ipv6: Symbol('box6') });

export interface Chain {
  name: string;
  builtin: boolean;
  /** ACCEPT or DROP for built-in chains; undefined for user chains (printed as `-`). */
  policy?: string;
  counters?: Counters;
  rules: Rule[];
  loc: Location;
  /** Where the policy was set, for findings about it. */
  policyLoc?: Location;
}

export interface Table {
  name: string;
  chains: Chain[];
  loc: Location;
}

export interface Ruleset {
  family: Family;
  /** Input name, "-" for stdin. */
  file: string;
  tables: Table[];
}

/** Built-in chains of each table, in the order iptables-save prints them. */
export const BUILTIN_CHAINS: Readonly<Record<string, readonly string[]>> = lookupTable({
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
});

export function findTable(rs: Ruleset, name: string): Table | undefined {
  return rs.tables.find((t) => t.name === name);
}

export function findChain(t: Table, name: string): Chain | undefined {
  return t.chains.find((c) => c.name === name);
}

/**
 * visit(rule, chain, table, ruleset) for every rule of the rulesets, in order.
 * For the walks over every rule that run once per lint (most checks): their
 * code is still interpreted when it meets a large dump, and there an index
 * loop over a chain's rules costs a fraction of a for-of loop, whose iterator
 * and result objects the interpreter makes for every step (measured in
 * BENCHMARKS.md). Inner loops over a rule's matches are index loops for the
 * same reason.
 */
export function forEachRule(rulesets: Iterable<Ruleset>, visit: (rule: Rule, chain: Chain, table: Table, ruleset: Ruleset) => void): void {
  for (const rs of rulesets)
    for (const table of rs.tables)
      for (const chain of table.chains) {
        const rules = chain.rules;
        for (let i = 0; i < rules.length; i++) visit(rules[i]!, chain, table, rs);
      }
}

/** The first option of a module with a given name, e.g. matchOption(rule, 'comment', 'comment'). */
export function matchOption(rule: Rule, module: string, option: string): Option | undefined {
  for (const m of rule.matches) if (m.module === module) for (const o of m.options) if (o.name === option) return o;
  return undefined;
}
