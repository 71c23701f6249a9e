// CS101 shadowed-rule: every packet that could reach the rule is taken first by
// earlier rules (one or several together), and at least one of them gives a
// different verdict: the rule is dead and the ruleset does not do what it says.
import { deadRules } from '../../analysis/lint-analysis.js';
import { catalogueEntry } from '../catalogue.js';
import type { Check } from '../types.js';
import { shadowFinding } from './shadowing.js';

export const check: Check = {
  ...catalogueEntry('CS101'),
  needs: ['space'],
  run(ctx) {
    return deadRules(ctx.analysis(), ctx.rulesets)
      .filter((d) => d.conflicting)
      .map((d) => shadowFinding(check, ctx, d));
  },
};
