// The shapes shared by the lint framework, its checks and the reporters.
// A check is a plain object (ESLint style): metadata from the catalogue plus run().
import type { Diagnostic, Location, Related, Severity } from '../diagnostics.js';
import type { Chain, Family, Rule, Ruleset, Table } from '../ruleset/model.js';
import type { BddNode, PacketSpace } from '../space/index.js';
import type { RuleReach } from '../analysis/reach.js';
import type { Topology } from '../topology/types.js';

export type { Severity } from '../diagnostics.js';

/** The stable codes of DESIGN.md section 5. A new code is a contract change. */
export type CheckCode =
  | 'CS101' | 'CS102' | 'CS103'
  | 'CS201' | 'CS202' | 'CS203' | 'CS204' | 'CS205' | 'CS206' | 'CS207' | 'CS208' | 'CS209'
  | 'CS301' | 'CS302' | 'CS303' | 'CS304'
  | 'CS401' | 'CS402';

/** What a check needs beyond the ruleset model; checks whose needs are not met are skipped, not failed. */
export type CheckNeed = 'space' | 'topology';

/** One finding: a Diagnostic that always carries its code, its check name and a (possibly empty) related list. */
export interface Finding extends Diagnostic {
  code: CheckCode;
  /** The check's name, e.g. 'log-without-limit' (JSON `check`, SARIF rule name). */
  check: string;
  related: Related[];
  /**
   * The rule the finding is about, when there is one: its `# chainsmith: disable=` line
   * suppresses the finding. Not part of any output format.
   */
  subject?: Rule;
}

/**
 * The packet-space analysis the space-based checks (CS101, CS102, CS103, CS304)
 * use. src/analysis/lint-analysis.ts builds it (buildAnalysis); the lint
 * framework only builds it lazily (once, on first use) through LintOptions.analysis.
 */
export interface SpaceAnalysis {
  /** The packet space of one family of the linted rulesets (one per family, shared by every check). */
  space(family: Family): PacketSpace;
  /** First-match reachability of every rule of a chain (through jumps and RETURN), computed once. */
  chainReach(rs: Ruleset, table: Table, chain: Chain): RuleReach[];
  /** The packets that may enter a chain (every packet for a built-in chain or one nothing enters): a superset. */
  chainEntry(rs: Ruleset, table: Table, chain: Chain): BddNode;
}

export interface LintOptions {
  topology?: Topology;
  /** Codes (CS203) or check names (log-without-limit) not to run, as given to --disable. */
  disable?: readonly string[];
  /**
   * The caller knows the host runs IPv6 too (always the case for a compiled policy):
   * a filtered IPv4 ruleset without an IPv6 ruleset is then CS209. See docs/checks/CS209.md.
   */
  expectIpv6?: boolean;
  /** Builds the packet-space analysis; without it, checks that need 'space' are skipped. */
  analysis?: (rulesets: readonly Ruleset[]) => SpaceAnalysis;
}

export interface LintContext {
  /** The rulesets of one host or one policy (e.g. its ipv4 and ipv6 halves, or one dump). */
  readonly rulesets: readonly Ruleset[];
  readonly topology?: Topology;
  readonly options: Readonly<LintOptions>;
  /** The packet-space analysis, built on first call. Only for checks that declare needs: ['space']. */
  analysis(): SpaceAnalysis;
  /** Where a finding about this rule (or one part of it: a match, the target, an interface) is reported. */
  ruleLoc(rule: Rule, part?: { loc?: Location }): Location;
  /** Where a finding about a chain's policy (or the chain itself) is reported. */
  chainLoc(chain: Chain): Location;
  /** The jump graph of one table, built once per table. */
  jumps(table: Table): JumpGraph;
}

/** A -j/-g from one chain to a user chain (or to a name that is no chain). */
export interface Jump {
  from: Chain;
  rule: Rule;
  /** The target name as written. */
  to: string;
  goto: boolean;
}

export interface JumpGraph {
  table: Table;
  /** Every jump/goto whose target is not a built-in or extension target, in rule order. */
  jumps: Jump[];
  /** Jumps leaving each chain, by chain name. */
  out: Map<string, Jump[]>;
  /** Jumps entering each chain, by chain name. */
  in: Map<string, Jump[]>;
}

export interface Check {
  code: CheckCode;
  name: string;
  /** Default severity; the one every finding of the check gets. */
  severity: Severity;
  /** One line, used in SARIF rule descriptors and --help listings. */
  summary: string;
  needs?: readonly CheckNeed[];
  run(ctx: LintContext): Finding[];
}
