// The text form of an ExplainResult (the JSON form is the result itself).
import type { Ruleset } from '../ruleset/model.js';
import { formatRule } from '../ruleset/print.js';
import type { ExplainResult } from './explain.js';

/**
 *   ACCEPT (filter FORWARD)
 *   decided by a.rules:11: -A from-web -p tcp -m tcp --dport 8080 -j ACCEPT
 *     from the policy line cluster.policy:33
 *   path:
 *     FORWARD   a.rules:9   -A FORWARD -i br0.10 -j from-web
 *     from-web  a.rules:11  -A from-web -p tcp -m tcp --dport 8080 -j ACCEPT
 */
export function formatExplainText(r: ExplainResult, rs: Ruleset): string {
  const lines = [`${r.verdict} (${r.table} ${r.chain})`, `decided by ${r.decidedBy.file}:${r.decidedBy.line}: ${r.decidedBy.text}`];
  if (r.decidedBy.origin) lines.push(`  from the policy line ${r.decidedBy.origin.file}:${r.decidedBy.origin.line}`);
  if (r.path.length) {
    lines.push('path:');
    const table = rs.tables.find((t) => t.name === r.table);
    const rows = r.path.map((step) => {
      const chain = table?.chains.find((c) => c.name === step.chain);
      const rule = chain?.rules.find((x) => x.loc.line === step.line);
      const where = rule ? `${rule.loc.file}:${step.line}` : `line ${step.line}`;
      return [step.chain, where, rule ? rule.text ?? formatRule(step.chain, rule) : ''] as const;
    });
    const w0 = Math.max(...rows.map((x) => x[0].length));
    const w1 = Math.max(...rows.map((x) => x[1].length));
    for (const [c, w, t] of rows) lines.push(`  ${c.padEnd(w0)}  ${w.padEnd(w1)}  ${t}`.trimEnd());
  } else lines.push('path: (no rule matched)');
  if (r.approximate?.length) {
    lines.push('assumed:');
    for (const a of r.approximate) lines.push(`  - ${a}`);
  }
  return lines.join('\n') + '\n';
}
