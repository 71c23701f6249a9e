// CS203 log-without-limit: LOG/ULOG with no rate limit on the way to it.
// NFLOG is left out on purpose: it hands packets to a userspace daemon
// (ulogd) that does its own rate limiting and batching, not to the kernel log.
import { catalogueEntry } from '../catalogue.js';
import { makeFinding } from '../finding.js';
import type { Chain, Rule, Table } from '../../ruleset/model.js';
import type { Check, Finding, JumpGraph, LintContext } from '../types.js';

const LOGGING_TARGETS: ReadonlySet<string> = new Set(['LOG', 'ULOG']);
const RATE_LIMIT_MODULES: ReadonlySet<string> = new Set(['limit', 'hashlimit']);

function isRateLimited(rule: Rule): boolean {
  return rule.matches.some((m) => RATE_LIMIT_MODULES.has(m.module));
}

/**
 * A user chain whose every entry is rate limited (the common `-m limit -j LOGDROP`
 * pattern) limits its LOG rules too. Built-in chains and chains nothing enters
 * are not: packets reach them unthrottled (or, unused, CS303 says so).
 */
function enteredOnlyRateLimited(graph: JumpGraph, chain: Chain, seen: Set<string>): boolean {
  if (chain.builtin || seen.has(chain.name)) return false;
  const entries = graph.in.get(chain.name) ?? [];
  if (entries.length === 0) return false;
  seen.add(chain.name);
  return entries.every((j) => isRateLimited(j.rule) || enteredOnlyRateLimited(graph, j.from, seen));
}

function checkTable(ctx: LintContext, table: Table): Finding[] {
  const findings: Finding[] = [];
  for (const chain of table.chains) {
    const logs = chain.rules.filter((r) => r.target && LOGGING_TARGETS.has(r.target.name) && !isRateLimited(r));
    if (logs.length === 0 || enteredOnlyRateLimited(ctx.jumps(table), chain, new Set())) continue;
    for (const rule of logs) {
      const target = rule.target!;
      findings.push(
        makeFinding(
          check,
          ctx.ruleLoc(rule, target),
          `${target.name} without a rate limit: a packet flood becomes a log flood; add -m limit --limit 10/min --limit-burst 5 (or -m hashlimit)`,
          { subject: rule },
        ),
      );
    }
  }
  return findings;
}

export const check: Check = {
  ...catalogueEntry('CS203'),
  run(ctx) {
    return ctx.rulesets.flatMap((rs) => rs.tables.flatMap((t) => checkTable(ctx, t)));
  },
};
