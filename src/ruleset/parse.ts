// The iptables-save / iptables-restore parser. It reads what real dumps hold
// (old and new syntax, long and short options, counters, -4/-6 prefixes),
// keeps unknown modules verbatim, and on a broken line reports a located
// diagnostic and carries on, so the rest of the file stays usable.
import { parseSuppression } from './suppress.js';
import type { Diagnostic, Location } from '../diagnostics.js';
import { BUILTIN_CHAINS, type Chain, type Family, type Match, type Neg, type Option, type Rule, type Ruleset, type Table } from './model.js';
import { tokenizeLine, type Token } from './tokenize.js';
import { MATCHES, TARGETS, findOption, implicitModule, type OptionSpec } from './modules.js';

export interface ParseResult {
  ruleset: Ruleset;
  diagnostics: Diagnostic[];
}

/** IPv6 if the file name says so, or any address, protocol or ICMP type is IPv6. */
export function inferFamily(text: string, file: string): Family {
  const base = file.split(/[\\/]/).pop() ?? file;
  if (/\.(rules6|v6)$/.test(base) || /ip6/.test(base)) return 'ipv6';
  // Chain names may say "icmpv6" in an IPv4 dump, so only the protocol and the icmp6 match count.
  if (/(^|\s)(-p|--protocol)\s+(!\s+)?(icmpv6|ipv6-icmp)(\s|$)|--icmpv6-type/m.test(text)) return 'ipv6';
  if (/(^|\s)(-s|-d|--source|--destination|--src|--dst)\s+(!\s+)?[0-9a-fA-F]*:[0-9a-fA-F:.]*(\/\d+)?(\s|$)/m.test(text)) return 'ipv6';
  return 'ipv4';
}

class LineError extends Error {
  constructor(readonly token: { column: number; endColumn?: number }, message: string) {
    super(message);
  }
}

export function parseRuleset(text: string, file: string, opts?: { family?: Family }): ParseResult {
  const family = opts?.family ?? inferFamily(text, file);
  const diagnostics: Diagnostic[] = [];
  const tables: Table[] = [];
  let table: Table | undefined;
  let pendingSuppressions: string[] | undefined;
  const lines = text.split('\n');

  const at = (line: number, t: { column: number; endColumn?: number }): Location =>
    t.endColumn ? { file, line, column: t.column, endColumn: t.endColumn } : { file, line, column: t.column };
  const report = (severity: Diagnostic['severity'], loc: Location, message: string) => diagnostics.push({ severity, message, loc });
  const specParser = new RuleSpecParser(file, family, report);

  const getChain = (t: Table, name: string, loc: Location, create: 'declare' | 'use'): Chain => {
    let c = t.chains.find((x) => x.name === name);
    if (!c) {
      const builtin = (BUILTIN_CHAINS[t.name] ?? []).includes(name);
      c = { name, builtin, rules: [], loc, ...(builtin ? { policy: 'ACCEPT' } : {}) };
      t.chains.push(c);
      if (create === 'use' && !builtin) report('warning', loc, `chain '${name}' is used before it is declared`);
    }
    return c;
  };

  for (let idx = 0; idx < lines.length; idx++) {
    const lineNo = idx + 1;
    const line = lines[idx]!;
    const raw = line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
    const trimmed = raw.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('#')) {
      pendingSuppressions = parseSuppression(trimmed) ?? pendingSuppressions;
      continue;
    }
    const suppressions = pendingSuppressions;
    pendingSuppressions = undefined;
    const { tokens, unterminatedQuoteAt } = tokenizeLine(raw);
    if (unterminatedQuoteAt !== undefined) {
      report('error', { file, line: lineNo, column: unterminatedQuoteAt }, 'unterminated quoted string');
      continue;
    }
    const first = tokens[0]!;
    try {
      if (first.text.startsWith('*') && !first.quoted) {
        const name = first.text.slice(1);
        if (!name) throw new LineError(first, 'missing table name after `*`');
        if (table) report('error', at(lineNo, first), `table '${table.name}' is not closed with COMMIT before '*${name}'`);
        table = tables.find((t) => t.name === name);
        if (!table) {
          table = { name, chains: [], loc: { file, line: lineNo, column: 1 } };
          tables.push(table);
        }
        if (tokens.length > 1) throw new LineError(tokens[1]!, `unexpected '${tokens[1]!.text}' after table name`);
        continue;
      }
      if (first.text === 'COMMIT') {
        if (!table) throw new LineError(first, 'COMMIT outside a table');
        table = undefined;
        continue;
      }
      if (!table) throw new LineError(first, `'${first.text}' outside a table (expected '*filter' or another '*TABLE' line first)`);
      if (first.text.startsWith(':')) {
        parseChainLine(tokens, lineNo, table);
        continue;
      }
      parseCommandLine(tokens, lineNo, raw, table, suppressions);
    } catch (e) {
      if (!(e instanceof LineError)) throw e;
      report('error', at(lineNo, e.token), e.message);
    }
  }
  if (table) report('error', { file, line: lines.length, column: 1 }, `table '${table.name}' is not closed with COMMIT`);
  return { ruleset: { family, file, tables }, diagnostics };

  function parseChainLine(tokens: Token[], lineNo: number, t: Table): void {
    const name = tokens[0]!.text.slice(1);
    if (!name) throw new LineError(tokens[0]!, 'missing chain name after `:`');
    const policyTok = tokens[1];
    const loc = { file, line: lineNo, column: 1 };
    const existing = t.chains.find((c) => c.name === name);
    const c = existing ?? getChain(t, name, loc, 'declare');
    c.loc = loc;
    if (policyTok && policyTok.text !== '-') {
      if (!c.builtin) throw new LineError(policyTok, `user chain '${name}' cannot have a policy ('${policyTok.text}'); use '-'`);
      if (policyTok.text !== 'ACCEPT' && policyTok.text !== 'DROP') throw new LineError(policyTok, `bad policy '${policyTok.text}' (expected ACCEPT or DROP)`);
      c.policy = policyTok.text;
      c.policyLoc = at(lineNo, policyTok);
    }
    const countTok = tokens[2];
    if (countTok) {
      const m = /^\[(\d+):(\d+)\]$/.exec(countTok.text);
      if (!m) throw new LineError(countTok, `bad counters '${countTok.text}' (expected [packets:bytes])`);
      c.counters = { packets: m[1]!, bytes: m[2]! };
    }
    if (tokens[3]) throw new LineError(tokens[3], `unexpected '${tokens[3].text}' after chain counters`);
  }

  function parseCommandLine(tokens: Token[], lineNo: number, raw: string, t: Table, suppressions?: string[]): void {
    let i = 0;
    let counters: Rule['counters'];
    const cm = /^\[(\d+):(\d+)\]$/.exec(tokens[0]!.text);
    if (cm) {
      counters = { packets: cm[1]!, bytes: cm[2]! };
      i++;
    }
    // -4 / -6 restrict a line to one family (iptables-restore skips the other).
    if (tokens[i]?.text === '-4' || tokens[i]?.text === '-6') {
      const only = tokens[i]!.text === '-4' ? 'ipv4' : 'ipv6';
      if (only !== family) return;
      i++;
    }
    const cmd = tokens[i];
    if (!cmd) throw new LineError(tokens[0]!, 'expected a command after counters');
    const chainTok = tokens[i + 1];
    const need = () => {
      if (!chainTok) throw new LineError({ column: cmd.endColumn }, `'${cmd.text}' needs a chain name`);
      return chainTok;
    };
    const loc = { file, line: lineNo, column: 1 };
    switch (cmd.text) {
      case '-A': case '--append': case '-I': case '--insert': {
        const ct = need();
        const chain = getChain(t, ct.text, at(lineNo, ct), 'use');
        let j = i + 2;
        let position: number | undefined;
        const insert = cmd.text === '-I' || cmd.text === '--insert';
        if (insert && tokens[j] && /^\d+$/.test(tokens[j]!.text)) {
          position = Number(tokens[j]!.text);
          if (position < 1 || position > chain.rules.length + 1) throw new LineError(tokens[j]!, `insert position ${position} is out of range (chain '${chain.name}' has ${chain.rules.length} rules)`);
          j++;
        }
        const rule = parseRuleSpec(tokens, j, lineNo);
        rule.loc = loc;
        rule.text = raw;
        if (counters) rule.counters = counters;
        if (suppressions) rule.suppressions = suppressions;
        if (insert) chain.rules.splice((position ?? 1) - 1, 0, rule);
        else chain.rules.push(rule);
        return;
      }
      case '-N': case '--new-chain': {
        const ct = need();
        if (t.chains.some((c) => c.name === ct.text)) throw new LineError(ct, `chain '${ct.text}' already exists`);
        getChain(t, ct.text, loc, 'declare');
        return;
      }
      case '-X': case '--delete-chain': {
        const ct = chainTok;
        t.chains = ct ? t.chains.filter((c) => c.builtin || c.name !== ct.text) : t.chains.filter((c) => c.builtin);
        return;
      }
      case '-F': case '--flush': {
        for (const c of t.chains) if (!chainTok || c.name === chainTok.text) c.rules = [];
        return;
      }
      case '-P': case '--policy': {
        const ct = need();
        const pol = tokens[i + 2];
        if (!pol) throw new LineError({ column: ct.endColumn }, `'-P ${ct.text}' needs a policy`);
        if (pol.text !== 'ACCEPT' && pol.text !== 'DROP') throw new LineError(pol, `bad policy '${pol.text}' (expected ACCEPT or DROP)`);
        const c = getChain(t, ct.text, loc, 'use');
        if (!c.builtin) throw new LineError(ct, `'${ct.text}' is not a built-in chain; only built-in chains have a policy`);
        c.policy = pol.text;
        c.policyLoc = at(lineNo, pol);
        return;
      }
      default:
        throw new LineError(cmd, `unknown command '${cmd.text}' (expected -A, -I, -N, -X, -F, -P, a ':CHAIN' line or COMMIT)`);
    }
  }

  function parseRuleSpec(tokens: Token[], start: number, lineNo: number): Rule {
    return specParser.parse(tokens, start, lineNo);
  }
}

/**
 * The rule part of an -A/-I line (after the chain name). One instance per
 * parse, reused for every line: it allocates only the model objects it
 * returns (100,000-rule dumps made per-line closures and token copies a
 * visible share of the parse and of the garbage collector's work).
 */
class RuleSpecParser {
  private tokens: Token[] = [];
  private k = 0;
  private lineNo = 0;

  constructor(
    private readonly file: string,
    private readonly family: Family,
    private readonly report: (severity: Diagnostic['severity'], loc: Location, message: string) => void,
  ) {}

  private at(t: { column: number; endColumn?: number }): Location {
    return t.endColumn ? { file: this.file, line: this.lineNo, column: t.column, endColumn: t.endColumn } : { file: this.file, line: this.lineNo, column: t.column };
  }

  parse(tokens: Token[], start: number, lineNo: number): Rule {
    this.tokens = tokens;
    this.k = start;
    this.lineNo = lineNo;
    const rule: Rule = { loc: { file: this.file, line: lineNo, column: 1 }, matches: [] };
    let negNext: Token | undefined;
    let lastMatch: Match | undefined;
    while (this.k < tokens.length) {
      const tok = tokens[this.k]!;
      if (isBang(tok)) {
        if (negNext) throw new LineError(tok, "double '!'");
        negNext = tok;
        this.k++;
        continue;
      }
      if (!isOptionTok(tok)) throw new LineError(tok, `unexpected '${tok.text}' (expected an option such as -s, -p, -m or -j)`);
      this.k++;
      const negated = !!negNext;
      negNext = undefined;
      const core = coreOption(tok.text);
      if (core) {
        if (core === 'fragment') {
          if (this.family === 'ipv6') throw new LineError(tok, "'-f' is IPv4 only");
          rule.fragment = { value: true, negated, loc: this.at(tok) };
          continue;
        }
        const oldNeg = this.oldNegation(tok, 1);
        const value = this.takeArgs(tok, 1)[0]!;
        const n = negated || oldNeg;
        if (core === 'match') {
          if (n) throw new LineError(tok, "'!' cannot negate '-m'");
          lastMatch = { module: value, options: [], loc: this.at(tok) };
          rule.matches.push(lastMatch);
        } else if (core === 'jump' || core === 'goto') {
          if (rule.target) throw new LineError(tok, 'a rule can have only one target (-j/-g)');
          rule.target = { name: value, goto: core === 'goto', options: [], loc: this.at(tok) };
          lastMatch = undefined;
        } else {
          if (rule[core]) throw new LineError(tok, `multiple '${tok.text}' options are not allowed`);
          rule[core] = { value, negated: n, loc: this.at(tok) };
        }
        continue;
      }
      // A module option: find its owner as iptables does (loaded matches, then the implicit protocol match).
      const name = optionName(tok.text);
      if (rule.target && !lastMatch) {
        const tspec = TARGETS[rule.target.name];
        rule.target.options.push(this.option(tok, name, negated, tspec ? findOption(tspec, name) : undefined));
        continue;
      }
      const owner = findOwner(rule, lastMatch, name);
      if (owner) {
        const spec = MATCHES[owner.module];
        owner.options.push(this.option(tok, name, negated, spec ? findOption(spec, name) : undefined));
        continue;
      }
      const implicit = rule.proto && !rule.proto.negated ? implicitModule(rule.proto.value) : undefined;
      const implicitSpec = implicit ? findOption(MATCHES[implicit]!, name) : undefined;
      if (implicit && implicitSpec) {
        const m: Match = { module: implicit, options: [], loc: this.at(tok) };
        rule.matches.push(m);
        m.options.push(this.option(tok, name, negated, implicitSpec));
        continue;
      }
      if (lastMatch) {
        this.report('warning', this.at(tok), `unknown option '${tok.text}' for module '${lastMatch.module}'`);
        lastMatch.options.push(this.option(tok, name, negated, undefined));
        continue;
      }
      throw new LineError(tok, `unknown option '${tok.text}'${rule.proto ? '' : ' (a protocol option needs -p)'}`);
    }
    if (negNext) throw new LineError(negNext, "'!' at the end of the rule negates nothing");
    // Arrays grown by push() keep room for 16 more entries: copies sized to
    // their contents keep a 100,000-rule model about half as large.
    rule.matches = rule.matches.slice();
    for (const m of rule.matches) m.options = m.options.slice();
    if (rule.target) rule.target.options = rule.target.options.slice();
    return rule;
  }

  private option(tok: Token, name: string, negated: boolean, spec: OptionSpec | undefined): Option {
    const oldNeg = this.oldNegation(tok, spec?.arity);
    const args = this.takeArgs(tok, spec?.arity);
    return { name, negated: negated || oldNeg, args, loc: this.at(tok) };
  }

  /** The old `--opt ! value` negation (iptables 1.8 rejects it): skips the `!` and warns. */
  private oldNegation(optTok: Token, arity: number | undefined): boolean {
    const t = this.tokens[this.k];
    if (arity === 0 || !isBang(t)) return false;
    this.report('warning', this.at(t!), `old-style negation '${optTok.text} ! ...' (iptables 1.8 rejects it); write '! ${optTok.text} ...'`);
    this.k++;
    return true;
  }

  /** Arguments of an option: exactly `arity` words, or every word up to the next option. */
  private takeArgs(optTok: Token, arity: number | undefined): string[] {
    const tokens = this.tokens;
    if (arity === 1) {
      const a = tokens[this.k];
      if (!a || isOptionTok(a) || isBang(a)) throw new LineError(a ?? { column: optTok.endColumn }, `option '${optTok.text}' needs 1 argument`);
      this.k++;
      return [a.text];
    }
    const args: string[] = [];
    if (arity !== undefined) {
      for (let n = 0; n < arity; n++) {
        const a = tokens[this.k];
        if (!a || isOptionTok(a) || isBang(a)) throw new LineError(a ?? { column: optTok.endColumn }, `option '${optTok.text}' needs ${arity} argument${arity > 1 ? 's' : ''}`);
        args.push(a.text);
        this.k++;
      }
    } else {
      while (this.k < tokens.length && !isOptionTok(tokens[this.k]) && !isBang(tokens[this.k])) args.push(tokens[this.k++]!.text);
    }
    return args.slice();
  }
}

function isOptionTok(t: Token | undefined): boolean {
  return !!t && !t.quoted && isOptionWord(t.text);
}

function isBang(t: Token | undefined): boolean {
  return !!t && !t.quoted && t.text === '!';
}

type CoreField = 'src' | 'dst' | 'inIface' | 'outIface' | 'proto' | 'fragment' | 'match' | 'jump' | 'goto';

/** Core options, short and long spellings -> the Rule field (a switch: no hashing of a fresh string per word). */
function coreOption(w: string): CoreField | undefined {
  switch (w) {
    case '-s': case '--source': case '--src': return 'src';
    case '-d': case '--destination': case '--dst': return 'dst';
    case '-i': case '--in-interface': return 'inIface';
    case '-o': case '--out-interface': return 'outIface';
    case '-p': case '--protocol': return 'proto';
    case '-f': case '--fragment': return 'fragment';
    case '-m': case '--match': return 'match';
    case '-j': case '--jump': return 'jump';
    case '-g': case '--goto': return 'goto';
    default: return undefined;
  }
}

/** `--dport` -> `dport`, `-x` -> `x` (what /^--?/ removes). */
function optionName(w: string): string {
  return w.charCodeAt(1) === 45 ? w.slice(2) : w.slice(1);
}

/** `-x` or `--xy` (a letter or digit after the dashes), but not a negative number like `-1`. Same as /^--?[A-Za-z0-9]/ and not /^-\d/, without regexes (once per word). */
function isOptionWord(w: string): boolean {
  if (w.charCodeAt(0) !== 45 /* - */) return false;
  const c1 = w.charCodeAt(1);
  if (isDigit(c1)) return false;
  const c = c1 === 45 ? w.charCodeAt(2) : c1;
  return isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The match that owns `--name`: an unknown last module takes everything; else the latest known module that defines it. */
function findOwner(rule: Rule, last: Match | undefined, name: string): Match | undefined {
  if (last && !MATCHES[last.module]) return last;
  for (let i = rule.matches.length - 1; i >= 0; i--) {
    const m = rule.matches[i]!;
    const spec = MATCHES[m.module];
    if (spec && findOption(spec, name)) return m;
  }
  return undefined;
}
