// Every lint code of DESIGN.md section 5 with its name, default severity and
// descriptions, whether or not its check has landed yet. Reporters (SARIF rule
// descriptors), docs and --help read it; checks take their metadata from it so
// the two can never disagree.
import type { CheckCode, Severity } from './types.js';

export interface CatalogueEntry {
  code: CheckCode;
  name: string;
  severity: Severity;
  /** One line: what the check finds. */
  summary: string;
  /** A few sentences: why it matters and what to do (SARIF fullDescription/help). */
  description: string;
}

const entries: CatalogueEntry[] = [
  {
    code: 'CS101', name: 'shadowed-rule', severity: 'warning',
    summary: 'A rule that can never match: earlier rules with a different verdict take every packet it matches.',
    description: 'Every packet the rule matches is already decided by earlier rules (one or several together) with a different verdict, so the rule is dead and the author\'s intent is not what the firewall does. Move the rule above the rules that shadow it, or delete it.',
  },
  {
    code: 'CS102', name: 'redundant-rule', severity: 'info',
    summary: 'A rule that can never match: earlier rules with the same verdict take every packet it matches.',
    description: 'Every packet the rule matches is already decided by earlier rules with the same verdict. The rule changes nothing; deleting it makes the ruleset shorter and easier to review.',
  },
  {
    code: 'CS103', name: 'unmatchable-rule', severity: 'warning',
    summary: 'A rule whose own matches contradict each other, so no packet matches it.',
    description: 'The rule\'s matches exclude each other (for example `-p udp -m tcp --dport 22`, or a source inside an excluded range), so it never matches. It is almost always a typo; fix the match that is wrong.',
  },
  {
    code: 'CS201', name: 'missing-established', severity: 'warning',
    summary: 'A chain accepts new connections and drops by default but no ESTABLISHED,RELATED accept comes first: replies are dropped.',
    description: 'Stateful firewalls accept the replies of allowed connections with `-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT` near the top of the chain. Without it the replies fall through to the default drop and connections hang.',
  },
  {
    code: 'CS202', name: 'overly-broad-accept', severity: 'warning',
    summary: 'An ACCEPT of all ports (or all protocols) from any source, or any -> any.',
    description: 'The rule accepts far more than a service: every port or protocol from anywhere. Narrow it to the sources and services that need it.',
  },
  {
    code: 'CS203', name: 'log-without-limit', severity: 'warning',
    summary: 'A LOG rule without `-m limit` or `-m hashlimit`: a packet flood becomes a log flood.',
    description: 'Every matching packet writes a kernel log line. A flood (or a port scan) then fills the disk and drowns the useful lines. Rate limit the rule with `-m limit --limit 10/min --limit-burst 5` or `-m hashlimit`.',
  },
  {
    code: 'CS204', name: 'default-accept-policy', severity: 'warning',
    summary: 'INPUT or FORWARD whose unmatched packets end in an ACCEPT policy.',
    description: 'Packets no rule decides are accepted, so the chain is an allow-list with no end: anything the author forgot is open. Set the policy to DROP (`:INPUT DROP`) or close the chain with an unconditional `-j DROP` or `-j REJECT` as its last rule.',
  },
  {
    code: 'CS205', name: 'missing-invalid-drop', severity: 'info',
    summary: 'No early `--ctstate INVALID` drop.',
    description: 'Packets conntrack classifies INVALID (out-of-window, malformed) should be dropped before any accept rule sees them; otherwise they can slip through rules written for valid traffic.',
  },
  {
    code: 'CS206', name: 'deprecated-state-match', severity: 'info',
    summary: '`-m state --state` where `-m conntrack --ctstate` is meant.',
    description: 'The `state` match is the obsolete alias of `conntrack`; the kernel handles both the same, but current documentation and tools (and `iptables-translate`) use `-m conntrack --ctstate`. Replace it so the ruleset reads as its diffs will.',
  },
  {
    code: 'CS207', name: 'missing-loopback', severity: 'warning',
    summary: 'INPUT drops by default but does not accept `-i lo`.',
    description: 'Local services talk to each other over the loopback interface. A default-drop INPUT without `-i lo -j ACCEPT` breaks them in ways that are hard to diagnose.',
  },
  {
    code: 'CS208', name: 'lockout-risk', severity: 'warning',
    summary: 'INPUT drops new SSH (tcp/22) from everywhere.',
    description: 'Applying the ruleset over SSH would cut the session that applied it. Accept SSH from the administration network before the drop.',
  },
  {
    code: 'CS209', name: 'ipv6-unfiltered', severity: 'warning',
    summary: 'IPv4 is filtered but the IPv6 ruleset is missing or accepts everything.',
    description: 'A host that filters IPv4 and leaves IPv6 open is reachable around the firewall on every service that listens on both families. Load an IPv6 ruleset with the same intent (ip6tables-restore), or disable IPv6 on the interfaces.',
  },
  {
    code: 'CS301', name: 'undefined-chain', severity: 'error',
    summary: 'A jump or goto to a chain that does not exist.',
    description: 'iptables-restore rejects the whole ruleset when a rule jumps to a chain that is not defined in the same table. Define the chain (`:NAME - [0:0]`) or fix the name.',
  },
  {
    code: 'CS302', name: 'chain-loop', severity: 'error',
    summary: 'Chains that jump into each other in a cycle.',
    description: 'The kernel refuses a table whose chains jump into each other in a loop (ELOOP), so iptables-restore fails. Break the cycle.',
  },
  {
    code: 'CS303', name: 'unused-chain', severity: 'info',
    summary: 'A user chain nothing jumps to.',
    description: 'No rule jumps or goes to the chain, so its rules never see a packet. It is a leftover, or a jump to it is missing.',
  },
  {
    code: 'CS304', name: 'approximated-match', severity: 'info',
    summary: 'A match the analysis does not model; results around it are conservative.',
    description: 'The packet-space analysis treats this match as "may or may not match". Findings that depend on it are not reported, so other rules near it get less scrutiny.',
  },
  {
    code: 'CS401', name: 'unknown-interface', severity: 'warning',
    summary: 'An interface not in the topology.',
    description: 'The rule names an input or output interface (or a `+` wildcard) that the topology file does not define, so it probably never matches: a typo, or a topology that is out of date.',
  },
  {
    code: 'CS402', name: 'mtu-mismatch', severity: 'warning',
    summary: 'A VLAN or bridge port whose MTU differs along the host -> bridge -> guest chain.',
    description: 'A VLAN whose MTU is larger than its parent\'s, or a bridge port whose MTU differs from its bridge, drops or fragments large frames: connections stall after the handshake. Make the MTUs agree.',
  },
];

/**
 * Strings in code-unit order. Lint codes are ASCII (CS101), for which
 * localeCompare gives the same order, but its first call loads ICU's collator:
 * a visible part of a small lint's time.
 */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** All codes, sorted. */
export const CATALOGUE: readonly CatalogueEntry[] = Object.freeze([...entries].sort((a, b) => compareCodeUnits(a.code, b.code)));

const byCode = new Map(CATALOGUE.map((e) => [e.code, e]));
const byName = new Map(CATALOGUE.map((e) => [e.name, e]));

export function catalogueEntry(code: CheckCode): CatalogueEntry {
  const e = byCode.get(code);
  // Unreachable for a CheckCode; kept so a catalogue edit that drops a code fails loudly in tests.
  if (!e) throw new Error(`lint catalogue has no entry for ${code}`);
  return e;
}

/** Looks up a code (`CS203`, any case) or a check name (`log-without-limit`). */
export function lookupCheck(codeOrName: string): CatalogueEntry | undefined {
  return byCode.get(codeOrName.toUpperCase() as CheckCode) ?? byName.get(codeOrName.toLowerCase());
}

/** Path of a check's documentation page, relative to the repository root. */
export function docsPath(code: CheckCode): string {
  return `docs/checks/${code}.md`;
}
