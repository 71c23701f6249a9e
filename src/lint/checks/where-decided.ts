// Shared by the verdict-based checks: a finding about an example packet is
// reported at the rule (or chain policy) that decides that packet, so the caret
// sits where the user would change something.
import { decidedBy, endLoc, type FilterChain, type Witness } from '../../analysis/chain-facts.js';
import { makeFinding } from '../finding.js';
import type { Check, Finding, LintContext } from '../types.js';

export function findingWhereDecided(ctx: LintContext, check: Check, fc: FilterChain, w: Witness, message: string): Finding {
  const where = endLoc(fc, decidedBy(fc, w), (r) => ctx.ruleLoc(r), (c) => ctx.chainLoc(c));
  return makeFinding(check, where.loc, message, where.rule ? { subject: where.rule } : {});
}
