// CS102 redundant-rule: as CS101, but every earlier rule that takes the packets
// gives the same verdict as the rule itself, so deleting it changes nothing.
import { deadRules } from '../../analysis/lint-analysis.js';
import { catalogueEntry } from '../catalogue.js';
import type { Check } from '../types.js';
import { shadowFinding } from './shadowing.js';

export const check: Check = {
  ...catalogueEntry('CS102'),
  needs: ['space'],
  run(ctx) {
    return deadRules(ctx.analysis(), ctx.rulesets)
      .filter((d) => !d.conflicting)
      .map((d) => shadowFinding(check, ctx, d));
  },
};
