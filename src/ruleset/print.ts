// Serialises the model as iptables-save prints it.
import type { Chain, Match, Neg, Option, Rule, Ruleset, Target } from './model.js';
import { MATCHES, TARGETS, findOption, type ModuleSpec, type OptionSpec } from './modules.js';
import { parseRuleset } from './parse.js';
import { canonicalize } from './canonical.js';
import type { Diagnostic } from '../diagnostics.js';
import type { Family } from './model.js';

// Printing runs once per argument of every rule (a 100,000-rule policy prints
// over a million), so the common cases are decided by a character scan and the
// regular expressions only run for text that needs quoting.

/** [A-Za-z0-9_-] */
function isSaveStringBare(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45;
}

/** xtables_save_string: bare if only [A-Za-z0-9_-] (and not empty), else "..." with \ " ' escaped. */
export function saveString(s: string): string {
  let bare = s !== '';
  let escapes = false;
  // One scan decides both, so the usual quoted text (a rule's comment) skips the replace.
  for (let i = 0; i < s.length && !escapes; i++) {
    const c = s.charCodeAt(i);
    if (isSaveStringBare(c)) continue;
    bare = false;
    escapes = c === 34 || c === 92 || c === 39;
  }
  if (bare) return s;
  return '"' + (escapes ? s.replace(/["\\']/g, (c) => '\\' + c) : s) + '"';
}

/** An argument of a module that does not use save_string: quoted only if it would not survive tokenising. */
function plainArg(s: string): string {
  // Printable ASCII other than space and '"' can never match /[\s"]/.
  let plain = s !== '';
  for (let i = 0; plain && i < s.length; i++) {
    const c = s.charCodeAt(i);
    plain = c > 32 && c < 127 && c !== 34;
  }
  if (plain) return s;
  return s === '' || /[\s"]/.test(s) ? '"' + s.replace(/["\\]/g, (c) => '\\' + c) + '"' : s;
}

function negPrefix(n: { negated: boolean }): string {
  return n.negated ? '! ' : '';
}

function formatOption(o: Option, spec: ReturnType<typeof findOption>): string {
  let text = `${negPrefix(o)}--${o.name}`;
  for (const a of o.args) {
    text += ' ' + (spec?.saveString ? saveString(a) : spec?.alwaysQuote ? '"' + a.replace(/["\\]/g, (c) => '\\' + c) + '"' : plainArg(a));
  }
  return text;
}

/** findOption, remembered per module and option name. */
const optionSpecs = new WeakMap<ModuleSpec, Map<string, OptionSpec | undefined>>();
function optionSpec(spec: ModuleSpec | undefined, name: string): OptionSpec | undefined {
  if (!spec) return undefined;
  let byName = optionSpecs.get(spec);
  if (!byName) optionSpecs.set(spec, (byName = new Map()));
  if (!byName.has(name)) byName.set(name, findOption(spec, name));
  return byName.get(name);
}

function formatMatch(m: Match): string {
  const spec = MATCHES[m.module];
  let text = `-m ${m.module}`;
  for (const o of m.options) text += ' ' + formatOption(o, optionSpec(spec, o.name));
  return text;
}

function formatTarget(t: Target): string {
  const spec = TARGETS[t.name];
  let text = `${t.goto ? '-g' : '-j'} ${t.name}`;
  for (const o of t.options) text += ' ' + formatOption(o, optionSpec(spec, o.name));
  return text;
}

function core(flag: string, n: Neg): string {
  return ` ${negPrefix(n)}${flag} ${plainArg(n.value)}`;
}

/** The `-A CHAIN ...` line of a rule, without counters. */
export function formatRule(chain: string, rule: Rule): string {
  return formatRuleWith(chain, rule, undefined);
}

/**
 * What printRuleset remembers while printing one ruleset. The compiler shares
 * one matches array between the rules of a policy line and one Target object
 * between all rules with the same verdict, so their text is formatted once.
 * Keyed by identity: the model's parts are never mutated after they are built.
 */
interface FormatCache {
  lastMatches?: Match[];
  lastMatchesText?: string;
  targets: Map<Target, string>;
}

function matchesText(matches: Match[]): string {
  let text = '';
  for (const m of matches) text += ' ' + formatMatch(m);
  return text;
}

function formatRuleWith(chain: string, rule: Rule, cache: FormatCache | undefined): string {
  let line = `-A ${chain}`;
  if (rule.src) line += core('-s', rule.src);
  if (rule.dst) line += core('-d', rule.dst);
  if (rule.inIface) line += core('-i', rule.inIface);
  if (rule.outIface) line += core('-o', rule.outIface);
  if (rule.proto) line += core('-p', rule.proto);
  if (rule.fragment) line += ` ${negPrefix(rule.fragment)}-f`;
  if (cache === undefined) line += matchesText(rule.matches);
  else {
    if (cache.lastMatches !== rule.matches) {
      cache.lastMatches = rule.matches;
      cache.lastMatchesText = matchesText(rule.matches);
    }
    line += cache.lastMatchesText;
  }
  if (rule.target) {
    let t = cache?.targets.get(rule.target);
    if (t === undefined) {
      t = formatTarget(rule.target);
      cache?.targets.set(rule.target, t);
    }
    line += ' ' + t;
  }
  return line;
}

function chainLine(c: Chain, counters: boolean): string {
  const cnt = counters && c.counters ? `[${c.counters.packets}:${c.counters.bytes}]` : '[0:0]';
  return `:${c.name} ${c.builtin ? c.policy ?? 'ACCEPT' : '-'} ${cnt}`;
}

/** Lines joined into one flat string at a time (see printRuleset). */
const LINES_PER_CHUNK = 512;

/** The whole ruleset in iptables-save form (no `#` lines); each table ends with `COMMIT`. */
export function printRuleset(rs: Ruleset, opts?: { counters?: boolean }): string {
  const counters = opts?.counters ?? false;
  const cache: FormatCache = { targets: new Map() };
  // Appending every piece to one string would keep each concatenation alive as
  // a node of one huge rope until the output is written: millions of small
  // objects the garbage collector copies again and again. Joining a few hundred
  // lines at a time leaves one flat string per chunk; the pieces die young.
  const chunks: string[] = [];
  let lines: string[] = [];
  const add = (line: string): void => {
    lines.push(line);
    if (lines.length === LINES_PER_CHUNK) {
      chunks.push(lines.join(''));
      lines = [];
    }
  };
  for (const t of rs.tables) {
    add(`*${t.name}\n`);
    for (const c of t.chains) add(chainLine(c, counters) + '\n');
    for (const c of t.chains)
      for (const r of c.rules) {
        const prefix = counters && r.counters ? `[${r.counters.packets}:${r.counters.bytes}] ` : '';
        add(prefix + formatRuleWith(c.name, r, cache) + '\n');
      }
    add('COMMIT\n');
  }
  chunks.push(lines.join(''));
  return chunks.join('');
}

/** parse -> canonicalize -> print: what `chainsmith fmt` prints. */
export function formatCanonical(text: string, file: string, opts?: { family?: Family }): { text: string; diagnostics: Diagnostic[] } {
  const { ruleset, diagnostics } = parseRuleset(text, file, opts);
  return { text: printRuleset(canonicalize(ruleset)), diagnostics };
}
