// The one way checks build findings, so code, name and severity always come from the check.
import type { Location, Related } from '../diagnostics.js';
import type { Rule } from '../ruleset/model.js';
import type { Check, Finding } from './types.js';

export function makeFinding(
  check: Pick<Check, 'code' | 'name' | 'severity'>,
  loc: Location,
  message: string,
  extra: { related?: Related[]; subject?: Rule } = {},
): Finding {
  const f: Finding = { code: check.code, check: check.name, severity: check.severity, message, loc, related: extra.related ?? [] };
  if (extra.subject) f.subject = extra.subject;
  return f;
}
