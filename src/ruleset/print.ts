// Serialises the model as iptables-save prints it.
import type { Chain, Match, Neg, Option, Rule, Ruleset, Target } from './model.js';
import { MATCHES, TARGETS, findOption } from './modules.js';
import { parseRuleset } from './parse.js';
import { canonicalize } from './canonical.js';
import type { Diagnostic } from '../diagnostics.js';
import type { Family } from './model.js';

/** xtables_save_string: bare if only [A-Za-z0-9_-] (and not empty), else "..." with \ " ' escaped. */
export function saveString(s: string): string {
  if (s !== '' && /^[A-Za-z0-9_-]+$/.test(s)) return s;
  return '"' + s.replace(/["\\']/g, (c) => '\\' + c) + '"';
}

/** An argument of a module that does not use save_string: quoted only if it would not survive tokenising. */
function plainArg(s: string): string {
  return s === '' || /[\s"]/.test(s) ? '"' + s.replace(/["\\]/g, (c) => '\\' + c) + '"' : s;
}

function negPrefix(n: { negated: boolean }): string {
  return n.negated ? '! ' : '';
}

function formatOption(o: Option, spec: ReturnType<typeof findOption>): string {
  const args = o.args.map((a) =>
    spec?.saveString ? saveString(a) : spec?.alwaysQuote ? '"' + a.replace(/["\\]/g, (c) => '\\' + c) + '"' : plainArg(a),
  );
  return `${negPrefix(o)}--${o.name}${args.length ? ' ' + args.join(' ') : ''}`;
}

function formatMatch(m: Match): string {
  const spec = MATCHES[m.module];
  const opts = m.options.map((o) => formatOption(o, spec && findOption(spec, o.name)));
  return ['-m', m.module, ...opts].join(' ');
}

function formatTarget(t: Target): string {
  const spec = TARGETS[t.name];
  const opts = t.options.map((o) => formatOption(o, spec && findOption(spec, o.name)));
  return [t.goto ? '-g' : '-j', t.name, ...opts].join(' ');
}

function core(flag: string, n: Neg | undefined): string[] {
  return n ? [`${negPrefix(n)}${flag} ${plainArg(n.value)}`] : [];
}

/** The `-A CHAIN ...` line of a rule, without counters. */
export function formatRule(chain: string, rule: Rule): string {
  const parts = [
    `-A ${chain}`,
    ...core('-s', rule.src),
    ...core('-d', rule.dst),
    ...core('-i', rule.inIface),
    ...core('-o', rule.outIface),
    ...core('-p', rule.proto),
    ...(rule.fragment ? [`${negPrefix(rule.fragment)}-f`] : []),
    ...rule.matches.map(formatMatch),
    ...(rule.target ? [formatTarget(rule.target)] : []),
  ];
  return parts.join(' ');
}

function chainLine(c: Chain, counters: boolean): string {
  const cnt = counters && c.counters ? `[${c.counters.packets}:${c.counters.bytes}]` : '[0:0]';
  return `:${c.name} ${c.builtin ? c.policy ?? 'ACCEPT' : '-'} ${cnt}`;
}

/** The whole ruleset in iptables-save form (no `#` lines); each table ends with `COMMIT`. */
export function printRuleset(rs: Ruleset, opts?: { counters?: boolean }): string {
  const counters = opts?.counters ?? false;
  let out = '';
  for (const t of rs.tables) {
    out += `*${t.name}\n`;
    for (const c of t.chains) out += chainLine(c, counters) + '\n';
    for (const c of t.chains)
      for (const r of c.rules) {
        const prefix = counters && r.counters ? `[${r.counters.packets}:${r.counters.bytes}] ` : '';
        out += prefix + formatRule(c.name, r) + '\n';
      }
    out += 'COMMIT\n';
  }
  return out;
}

/** parse -> canonicalize -> print: what `chainsmith fmt` prints. */
export function formatCanonical(text: string, file: string, opts?: { family?: Family }): { text: string; diagnostics: Diagnostic[] } {
  const { ruleset, diagnostics } = parseRuleset(text, file, opts);
  return { text: printRuleset(canonicalize(ruleset)), diagnostics };
}
