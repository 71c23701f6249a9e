// The finding shared by CS101 shadowed-rule and CS102 redundant-rule: the two
// differ only in whether the rules that take the packets first agree with the
// dead rule's verdict (see src/analysis/reach.ts for how that is decided).
import type { DeadRule } from '../../analysis/lint-analysis.js';
import type { Rule } from '../../ruleset/model.js';
import { makeFinding } from '../finding.js';
import type { Check, Finding, LintContext } from '../types.js';

function describeAction(action: string): string {
  return action.startsWith('jump ') || action.startsWith('goto ') ? `-${action[0]} ${action.slice(5)}` : action;
}

export function shadowFinding(check: Check, ctx: LintContext, dead: DeadRule): Finding {
  const { reach } = dead;
  const lines = (rule: Rule): string => {
    const loc = ctx.ruleLoc(rule);
    return `line ${loc.line}`;
  };
  const by = reach.blockers.map((b) => `${lines(b.rule)} (${describeAction(b.verdict)})`);
  const list = by.length === 1 ? by[0]! : `${by.slice(0, -1).join(', ')} and ${by[by.length - 1]}`;
  const together = by.length > 1 ? ' together' : '';
  const message = dead.conflicting
    ? `rule can never match: ${list}${together} ${by.length > 1 ? 'take' : 'takes'} every packet it matches first, with a different verdict than its ${describeAction(reach.action)}`
    : `rule is redundant: ${list}${together} already ${by.length > 1 ? 'give' : 'gives'} every packet it matches the same ${describeAction(reach.action)}`;
  return makeFinding(check, ctx.ruleLoc(reach.rule), message, {
    subject: reach.rule,
    related: reach.blockers.map((b) => ({ loc: ctx.ruleLoc(b.rule), message: `takes these packets first (${describeAction(b.verdict)})` })),
  });
}
