// CS209 ipv6-unfiltered: IPv4 is filtered, IPv6 is not.
//
// The rulesets given to one lint run describe one host (or one policy). Cases:
// - IPv4 filters and an IPv6 ruleset is given that accepts everything (filter
//   INPUT and FORWARD with policy ACCEPT and no rules, or no filter table): flagged.
// - IPv4 filters and no IPv6 ruleset is given: flagged only when the caller says
//   IPv6 was expected (LintOptions.expectIpv6). A lone IPv4 dump may come from a
//   host without IPv6 or whose IPv6 dump is simply a separate file; a compiled
//   policy always knows both families, so the policy linter sets expectIpv6.
import { catalogueEntry } from '../catalogue.js';
import { makeFinding } from '../finding.js';
import { dropsByDefault } from '../rules.js';
import type { Location } from '../../diagnostics.js';
import type { Chain, Ruleset } from '../../ruleset/model.js';
import { findChain, findTable } from '../../ruleset/model.js';
import type { Check, Finding, LintContext } from '../types.js';

const GUARDED_CHAINS = ['INPUT', 'FORWARD'] as const;

/** The first of INPUT/FORWARD that drops what no rule decides, if any. */
function filteringChain(rs: Ruleset): Chain | undefined {
  const filter = findTable(rs, 'filter');
  if (!filter) return undefined;
  for (const name of GUARDED_CHAINS) {
    const chain = findChain(filter, name);
    if (chain && dropsByDefault(filter, chain)) return chain;
  }
  return undefined;
}

function acceptsEverything(rs: Ruleset): boolean {
  const filter = findTable(rs, 'filter');
  if (!filter) return true;
  return GUARDED_CHAINS.every((name) => {
    const chain = findChain(filter, name);
    return !chain || (chain.policy !== 'DROP' && chain.rules.length === 0);
  });
}

function whereIpv6IsOpen(rs: Ruleset): Location {
  const filter = findTable(rs, 'filter');
  const input = filter && findChain(filter, 'INPUT');
  return (input && (input.policyLoc ?? input.loc)) ?? filter?.loc ?? { file: rs.file, line: 1, column: 1 };
}

function run(ctx: LintContext): Finding[] {
  const filtered = ctx.rulesets
    .filter((rs) => rs.family === 'ipv4')
    .map((rs) => ({ rs, chain: filteringChain(rs) }))
    .filter((x): x is { rs: Ruleset; chain: Chain } => x.chain !== undefined);
  if (filtered.length === 0) return [];
  const ipv6 = ctx.rulesets.filter((rs) => rs.family === 'ipv6');
  const related = filtered.map(({ rs, chain }) => ({
    loc: ctx.chainLoc(chain),
    message: `IPv4 ${chain.name} drops by default here (${rs.file})`,
  }));

  if (ipv6.length === 0) {
    if (!ctx.options.expectIpv6) return [];
    return filtered.map(({ chain }) =>
      makeFinding(check, ctx.chainLoc(chain), `IPv4 ${chain.name} is filtered but there is no IPv6 ruleset: IPv6 traffic is accepted unfiltered`),
    );
  }
  return ipv6
    .filter(acceptsEverything)
    .map((rs) =>
      makeFinding(check, whereIpv6IsOpen(rs), 'IPv4 is filtered but this IPv6 ruleset accepts everything (policy ACCEPT, no rules)', { related }),
    );
}

export const check: Check = { ...catalogueEntry('CS209'), run };
