// The iptables-save / iptables-restore parser. It reads what real dumps hold
// (old and new syntax, long and short options, counters, -4/-6 prefixes),
// keeps unknown modules verbatim, and on a broken line reports a located
// diagnostic and carries on, so the rest of the file stays usable.
import { parseSuppression } from './suppress.js';
import type { Diagnostic, Location } from '../diagnostics.js';
import { BUILTIN_CHAINS, type Chain, type Family, type Match, type Neg, type Option, type Rule, type Ruleset, type Table, type Target } from './model.js';
import { grow, isDigit, LineWords, SpecialCharFinder, WordTable } from './tokenize.js';
import { MATCHES, TARGETS, findOption, implicitModule, type ModuleSpec, type OptionSpec } from './modules.js';
import { ParsedMatch, ParsedNeg, ParsedOption, ParsedRule, ParsedSource, ParsedTarget, none } from './located.js';
import { NegField, SharedElements } from './shared-elements.js';

export interface ParseResult {
  ruleset: Ruleset;
  diagnostics: Diagnostic[];
}

/** IPv6 if the file name says so, or any address, protocol or ICMP type is IPv6. */
export function inferFamily(text: string, file: string): Family {
  const base = file.split(/[\\/]/).pop() ?? file;
  if (/\.(rules6|v6)$/.test(base) || /ip6/.test(base)) return 'ipv6';
  // Chain names may say "icmpv6" in an IPv4 dump, so only the protocol and the icmp6 match count.
  // (The substring tests are quick; the regex, which needs one of them, scans the whole text.
  // 'v6-icm' stands for 'ipv6-icmp', which holds it: V8 searched the 100,000-rule
  // bench dump for 'ipv6-icmp' in 5 ms, for 'v6-icm' in 0.3-0.8 ms.)
  if ((text.includes('icmpv6') || text.includes('v6-icm')) && /(^|\s)(-p|--protocol)\s+(!\s+)?(icmpv6|ipv6-icmp)(\s|$)|--icmpv6-type/m.test(text)) return 'ipv6';
  if (hasIPv6AddressOption(text)) return 'ipv6';
  return 'ipv4';
}

const IPV6_ADDRESS_OPTION = /(^|\s)(-s|-d|--source|--destination|--src|--dst)\s+(!\s+)?[0-9a-fA-F]*:[0-9a-fA-F:.]*(\/\d+)?(\s|$)/m;

/**
 * Whether the text matches IPV6_ADDRESS_OPTION. The regex scans the whole
 * text, some 10 instructions a character, to find no match in a dump of IPv4
 * rules. A large dump without counters or port ranges has few ':' (its chain
 * lines), so with at most one in 256 characters (at least 64, at most 256 in
 * all) the match is tried at each ':' instead. (Trying thousands of them this way cost more than the regex in
 * a short run, where the loop is not yet compiled.) The ':' after the hex
 * digits is the first of the address, so every match has one; the runs around
 * it are maximal in any match, as none of them can end on a character of the
 * next.
 */
function hasIPv6AddressOption(text: string): boolean {
  const most = Math.max(64, Math.min(text.length >> 8, 256));
  let colons = 0;
  for (let c = text.indexOf(':'); c >= 0 && colons <= most; c = text.indexOf(':', c + 1)) colons++;
  if (colons > most) return IPV6_ADDRESS_OPTION.test(text);
  for (let c = text.indexOf(':'); c >= 0; c = text.indexOf(':', c + 1)) if (ipv6AddressColon(text, c)) return true;
  return false;
}

function ipv6AddressColon(text: string, c: number): boolean {
  const n = text.length;
  // After it: [0-9a-fA-F:.]* (\/\d+)? then whitespace or the end ($ in multiline mode is before a line terminator, which is whitespace too).
  let i = c + 1;
  while (i < n && isAddressChar(text.charCodeAt(i))) i++;
  if (i < n && text.charCodeAt(i) === 47 /* / */) {
    const digits = ++i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    if (i === digits) return false;
  }
  if (i < n && !isJsSpace(text.charCodeAt(i))) return false;
  // Before it: whitespace, [0-9a-fA-F]*, optionally after `!` and whitespace, and the option (at the start or after whitespace).
  let h = c;
  while (h > 0 && isHexDigit(text.charCodeAt(h - 1))) h--;
  const w = spacesBefore(text, h);
  if (w === h) return false;
  if (addressOptionEndsAt(text, w)) return true;
  if (w === 0 || text.charCodeAt(w - 1) !== 33 /* ! */) return false;
  const v = spacesBefore(text, w - 1);
  return v < w - 1 && addressOptionEndsAt(text, v);
}

/** Where the run of whitespace that ends at `end` starts. */
function spacesBefore(text: string, end: number): number {
  while (end > 0 && isJsSpace(text.charCodeAt(end - 1))) end--;
  return end;
}

const ADDRESS_OPTIONS = ['-s', '-d', '--source', '--destination', '--src', '--dst'];

function addressOptionEndsAt(text: string, end: number): boolean {
  for (const o of ADDRESS_OPTIONS) {
    const p = end - o.length;
    if (p >= 0 && text.startsWith(o, p) && (p === 0 || isJsSpace(text.charCodeAt(p - 1)))) return true;
  }
  return false;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** [0-9a-fA-F:.] */
function isAddressChar(c: number): boolean {
  return isHexDigit(c) || c === 58 || c === 46;
}

/** What \s matches in a JavaScript regex. */
function isJsSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** A column (and end column) on the line being parsed, for a LineError. */
interface Span {
  column: number;
  endColumn?: number;
}

class LineError extends Error {
  constructor(readonly token: Span, message: string) {
    super(message);
  }
}

/** Where word k of the line is, for an error about it. */
function span(words: LineWords, k: number): Span {
  return { column: words.column(k), endColumn: words.endColumn(k) };
}

const COUNTERS = /^\[(\d+):(\d+)\]$/;

export function parseRuleset(text: string, file: string, opts?: { family?: Family }): ParseResult {
  const family = opts?.family ?? inferFamily(text, file);
  const diagnostics: Diagnostic[] = [];
  const tables: Table[] = [];
  let table: Table | undefined;
  let pendingSuppressions: string[] | undefined;
  const words = new LineWords();
  const chainIndex = new ChainIndex();

  const at = (line: number, t: Span): Location =>
    t.endColumn ? { file, line, column: t.column, endColumn: t.endColumn } : { file, line, column: t.column };
  const report = (severity: Diagnostic['severity'], loc: Location, message: string) => diagnostics.push({ severity, message, loc });
  const source = new ParsedSource(file, text);
  const specParser = new RuleSpecParser(source, family, report);
  // Where each line starts, as read: the source's line numbers need no scan of their own.
  let lineStarts: Int32Array = new Int32Array(1024);

  /** A new chain in t (the caller has checked that t has none of this name). */
  const addChain = (t: Table, name: string, loc: Location, create: 'declare' | 'use'): Chain => {
    const builtin = (BUILTIN_CHAINS[t.name] ?? []).includes(name);
    const c: Chain = { name, builtin, rules: [], loc, ...(builtin ? { policy: 'ACCEPT' } : {}) };
    t.chains.push(c);
    chainIndex.added(t, c);
    if (create === 'use' && !builtin) report('warning', loc, `chain '${name}' is used before it is declared`);
    return c;
  };

  // Lines are read in place with indexOf (no array of 100,000 line strings); a
  // line ends at '\n' and loses one trailing '\r', as text.split('\n') gave.
  const specials = new SpecialCharFinder(text);
  let lineNo = 0;
  for (let pos = 0; pos <= text.length; ) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    lineNo++;
    const lineStart = pos;
    if (lineNo > lineStarts.length) lineStarts = grow(lineStarts);
    lineStarts[lineNo - 1] = lineStart;
    const rawEnd = end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    pos = end + 1;
    // Most lines start with a printable ASCII character other than '#': neither blank nor a comment, whatever trim() removes.
    const c0 = text.charCodeAt(lineStart);
    if (!(rawEnd > lineStart && c0 > 32 && c0 < 127 && c0 !== 35)) {
      const trimmed = text.slice(lineStart, rawEnd).trim();
      if (trimmed === '') continue;
      if (trimmed.startsWith('#')) {
        pendingSuppressions = parseSuppression(trimmed) ?? pendingSuppressions;
        continue;
      }
    }
    const suppressions = pendingSuppressions;
    pendingSuppressions = undefined;
    words.scan(text, lineStart, rawEnd, specials.at(lineStart) >= rawEnd);
    if (words.unterminatedQuoteAt !== undefined) {
      report('error', { file, line: lineNo, column: words.unterminatedQuoteAt }, 'unterminated quoted string');
      continue;
    }
    try {
      // The first word decides the kind of line; only a command line (most of a dump) is read without slicing it.
      const first = words.firstChar(0);
      if (first === '*' && !words.quoted(0)) {
        const name = words.text(0).slice(1);
        if (!name) throw new LineError(span(words, 0), 'missing table name after `*`');
        if (table) report('error', at(lineNo, span(words, 0)), `table '${table.name}' is not closed with COMMIT before '*${name}'`);
        table = tables.find((t) => t.name === name);
        if (!table) {
          table = { name, chains: [], loc: { file, line: lineNo, column: 1 } };
          tables.push(table);
        }
        if (words.count > 1) throw new LineError(span(words, 1), `unexpected '${words.text(1)}' after table name`);
        continue;
      }
      if (words.is(0, 'COMMIT')) {
        if (!table) throw new LineError(span(words, 0), 'COMMIT outside a table');
        table = undefined;
        continue;
      }
      if (!table) throw new LineError(span(words, 0), `'${words.text(0)}' outside a table (expected '*filter' or another '*TABLE' line first)`);
      if (first === ':') {
        parseChainLine(lineNo, table);
        continue;
      }
      parseCommandLine(lineNo, lineStart, table, suppressions);
    } catch (e) {
      if (!(e instanceof LineError)) throw e;
      report('error', at(lineNo, e.token), e.message);
    }
  }
  if (table) report('error', { file, line: lineNo, column: 1 }, `table '${table.name}' is not closed with COMMIT`);
  source.useLineStarts(lineStarts.slice(0, lineNo));
  return { ruleset: { family, file, tables }, diagnostics };

  function parseChainLine(lineNo: number, t: Table): void {
    const name = words.text(0).slice(1);
    if (!name) throw new LineError(span(words, 0), 'missing chain name after `:`');
    const loc = { file, line: lineNo, column: 1 };
    const existing = chainIndex.find(t, name);
    const c = existing ?? addChain(t, name, loc, 'declare');
    c.loc = loc;
    if (words.count > 1) {
      const policy = words.text(1);
      if (policy !== '-') {
        if (!c.builtin) throw new LineError(span(words, 1), `user chain '${name}' cannot have a policy ('${policy}'); use '-'`);
        if (policy !== 'ACCEPT' && policy !== 'DROP') throw new LineError(span(words, 1), `bad policy '${policy}' (expected ACCEPT or DROP)`);
        c.policy = policy;
        c.policyLoc = at(lineNo, span(words, 1));
      }
    }
    if (words.count > 2) {
      const count = words.text(2);
      const m = COUNTERS.exec(count);
      if (!m) throw new LineError(span(words, 2), `bad counters '${count}' (expected [packets:bytes])`);
      c.counters = { packets: m[1]!, bytes: m[2]! };
    }
    if (words.count > 3) throw new LineError(span(words, 3), `unexpected '${words.text(3)}' after chain counters`);
  }

  /** A command line (-A, -I, -N, -X, -F, -P, after optional counters and -4/-6), starting at text[lineStart]. */
  function parseCommandLine(lineNo: number, lineStart: number, t: Table, suppressions?: string[]): void {
    const counters = countersOf(words);
    let i = counters ? 1 : 0;
    // -4 / -6 restrict a line to one family (iptables-restore skips the other).
    const only = familyPrefix(words, i);
    if (only) {
      if (only !== family) return;
      i++;
    }
    if (i >= words.count) throw new LineError(span(words, 0), 'expected a command after counters');
    const cmd = words.is(i, '-A') ? '-A' : words.text(i); // most lines: no slice
    const loc = (): Location => ({ file, line: lineNo, column: 1 });
    switch (cmd) {
      case '-A': case '--append': case '-I': case '--insert': {
        chainArg(words, i, cmd);
        const chain = chainIndex.findWord(t, words, i + 1) ?? addChain(t, words.text(i + 1), at(lineNo, span(words, i + 1)), 'use');
        let j = i + 2;
        let position: number | undefined;
        const insert = cmd === '-I' || cmd === '--insert';
        if (insert && isInsertPosition(words, j)) {
          position = Number(words.text(j));
          if (position < 1 || position > chain.rules.length + 1) throw new LineError(span(words, j), `insert position ${position} is out of range (chain '${chain.name}' has ${chain.rules.length} rules)`);
          j++;
        }
        const rule = specParser.parse(words, j, lineNo, lineStart);
        if (counters) rule.counters = counters;
        if (suppressions) rule.suppressions = suppressions;
        if (insert) chain.rules.splice((position ?? 1) - 1, 0, rule);
        else chain.rules.push(rule);
        return;
      }
      case '-N': case '--new-chain': {
        const name = chainArg(words, i, cmd);
        if (chainIndex.find(t, name)) throw new LineError(span(words, i + 1), `chain '${name}' already exists`);
        addChain(t, name, loc(), 'declare');
        return;
      }
      case '-X': case '--delete-chain': {
        const name = i + 1 < words.count ? words.text(i + 1) : undefined;
        t.chains = name !== undefined ? t.chains.filter((c) => c.builtin || c.name !== name) : t.chains.filter((c) => c.builtin);
        chainIndex.forget(t);
        return;
      }
      case '-F': case '--flush': {
        const name = i + 1 < words.count ? words.text(i + 1) : undefined;
        for (const c of t.chains) if (name === undefined || c.name === name) c.rules = [];
        return;
      }
      case '-P': case '--policy': {
        const name = chainArg(words, i, cmd);
        if (i + 2 >= words.count) throw new LineError({ column: words.endColumn(i + 1) }, `'-P ${name}' needs a policy`);
        const policy = words.text(i + 2);
        if (policy !== 'ACCEPT' && policy !== 'DROP') throw new LineError(span(words, i + 2), `bad policy '${policy}' (expected ACCEPT or DROP)`);
        const c = chainIndex.find(t, name) ?? addChain(t, name, loc(), 'use');
        if (!c.builtin) throw new LineError(span(words, i + 1), `'${name}' is not a built-in chain; only built-in chains have a policy`);
        c.policy = policy;
        c.policyLoc = at(lineNo, span(words, i + 2));
        return;
      }
      default:
        throw new LineError(span(words, i), `unknown command '${cmd}' (expected -A, -I, -N, -X, -F, -P, a ':CHAIN' line or COMMIT)`);
    }
  }
}

/**
 * Where an element of a rule (its proto, an interface, a match, an option,
 * the target, ...) is written: the element's own `loc`, or, for an element
 * the parser shares between rules (shared-elements.ts), its position in this
 * rule's line, found by reading the line again. Undefined when neither is
 * known (an element of a rule that was not parsed, without a loc).
 */
export function elementLoc(rule: Rule, element: object): Location | undefined {
  const own = (element as { loc?: Location }).loc;
  if (own !== undefined) return own;
  const at = ParsedRule.positionOf(rule);
  if (!at) return undefined;
  const copy = rereadRule(at.source, at.offset);
  return copy && counterpart(rule, copy, element)?.loc;
}

/**
 * The rule of the line at lineStart, parsed again with an element of its own
 * for everything, each with its position. The line parsed before, so it parses
 * again; the family only decides whether `-f` is an error, which it was not.
 */
function rereadRule(source: ParsedSource, lineStart: number): Rule | undefined {
  const words = new LineWords().scan(source.text, lineStart, source.lineEndFrom(lineStart));
  const parser = new RuleSpecParser(source, 'ipv4', () => {}, false);
  try {
    return parser.parse(words, ruleSpecStart(words), 0, lineStart);
  } catch (e) {
    if (e instanceof LineError) return undefined;
    throw e;
  }
}

/** The first word of the rule part of an -A/-I line, as parseCommandLine finds it (the same helpers): after counters, -4/-6, the command, the chain and an insert position. */
function ruleSpecStart(words: LineWords): number {
  let i = countersOf(words) ? 1 : 0;
  if (familyPrefix(words, i)) i++;
  const insert = i < words.count && (words.is(i, '-I') || words.is(i, '--insert'));
  const j = i + 2;
  return insert && isInsertPosition(words, j) ? j + 1 : j;
}

/** The `[packets:bytes]` that may start a command line, or undefined. */
function countersOf(words: LineWords): Rule['counters'] {
  const cm = words.count > 0 && words.firstChar(0) === '[' ? COUNTERS.exec(words.text(0)) : null;
  return cm ? { packets: cm[1]!, bytes: cm[2]! } : undefined;
}

/** The family of a `-4` or `-6` at word i, or undefined. */
function familyPrefix(words: LineWords, i: number): Family | undefined {
  if (i >= words.count) return undefined;
  return words.is(i, '-4') ? 'ipv4' : words.is(i, '-6') ? 'ipv6' : undefined;
}

/** Word j (after `-I CHAIN`) is the insert position: digits only. */
function isInsertPosition(words: LineWords, j: number): boolean {
  return j < words.count && /^\d+$/.test(words.text(j));
}

/** The element of `copy` (the same line, parsed again) in the place `element` has in `rule`. */
function counterpart(rule: Rule, copy: Rule, element: object): { loc?: Location } | undefined {
  if (element === rule.src) return copy.src;
  if (element === rule.dst) return copy.dst;
  if (element === rule.inIface) return copy.inIface;
  if (element === rule.outIface) return copy.outIface;
  if (element === rule.proto) return copy.proto;
  if (element === rule.fragment) return copy.fragment;
  if (element === rule.target) return copy.target;
  for (let i = 0; i < rule.matches.length; i++) {
    const m = rule.matches[i]!;
    if (element === m) return copy.matches[i];
    const k = m.options.indexOf(element as Option);
    if (k >= 0) return copy.matches[i]?.options[k];
  }
  const k = rule.target ? rule.target.options.indexOf(element as Option) : -1;
  return k >= 0 ? copy.target?.options[k] : undefined;
}

/** The chain name after the command word at i. */
function chainArg(words: LineWords, i: number, cmd: string): string {
  if (i + 1 >= words.count) throw new LineError({ column: words.endColumn(i) }, `'${cmd}' needs a chain name`);
  return words.text(i + 1);
}

/**
 * Each table's chains by name, so a rule finds its chain without a scan of
 * every chain (dumps such as kube-proxy's have thousands). Names are unique in
 * a table: a chain is only added when the lookup finds none.
 */
class ChainIndex {
  private readonly byTable = new Map<Table, Map<string, Chain>>();
  /** The chain findWord found last, and its table: a dump lists a chain's rules together. */
  private last: Chain | undefined;
  private lastTable: Table | undefined;

  /** find() for word k of a line, without slicing the word when it names the same chain as last time. */
  findWord(t: Table, words: LineWords, k: number): Chain | undefined {
    if (this.last && this.lastTable === t && words.is(k, this.last.name)) return this.last;
    const c = this.find(t, words.text(k));
    this.last = c;
    this.lastTable = t;
    return c;
  }

  find(t: Table, name: string): Chain | undefined {
    let byName = this.byTable.get(t);
    if (!byName) {
      byName = new Map();
      for (const c of t.chains) if (!byName.has(c.name)) byName.set(c.name, c);
      this.byTable.set(t, byName);
    }
    return byName.get(name);
  }

  added(t: Table, c: Chain): void {
    const byName = this.byTable.get(t);
    if (byName && !byName.has(c.name)) byName.set(c.name, c);
  }

  /** After t.chains was replaced (-X): rebuilt on the next lookup. */
  forget(t: Table): void {
    this.byTable.delete(t);
    this.last = this.lastTable = undefined;
  }
}

/**
 * The rule part of an -A/-I line (after the chain name). One instance per
 * parse, reused for every line: it allocates only the model objects it
 * returns (100,000-rule dumps made per-line closures and token copies a
 * visible share of the parse and of the garbage collector's work).
 *
 * The rule being read is kept in fields of this parser and only written to
 * the Rule object: rule objects get their keys in the order of the line, so
 * they have many shapes, and reading them back was slow.
 */
class RuleSpecParser {
  private words = new LineWords();
  private k = 0;
  private lineNo = 0;
  // The rule being read (set by begin()).
  private rule!: Rule;
  private matches: Match[] = none();
  private lastMatch: Match | undefined;
  private target: Target | undefined;
  private proto: Neg | undefined;
  /** The Neg fields the rule has set, one bit each (negBit): a rule may set each only once. */
  private seen = 0;
  /** One string per distinct module, target, protocol, interface and option name: the 100,000 `tcp`s of a dump are one. */
  private readonly names = new WordTable();
  /**
   * One frozen `[word]` per distinct argument of one-argument options: the
   * 100,000 `--dport`s of a dump have a few thousand ports. (A Map of sliced
   * words: ports are many and short, and a WordTable of them was slower.)
   * Frozen marks a list as shared: SharedElements shares the matches whose
   * option has such a list.
   */
  private readonly oneArgs = new Map<string, string[]>();
  /** MATCHES[name] and TARGETS[name] by name (null when absent), looked up once per name. */
  private readonly matchSpecs = new Map<string, ModuleSpec | null>();
  private readonly targetSpecs = new Map<string, ModuleSpec | null>();
  /** One element for all rules that spell it the same (shared-elements.ts); none when re-reading a line for positions (elementLoc). */
  private readonly shared: SharedElements | undefined;
  /**
   * What the words after a rule's leading addresses made, by their text, when
   * all of it is shared elements: a dump repeats `-p tcp -m tcp --dport 443
   * -j ACCEPT` under many addresses (a generated 100,000-rule dump has 3,319
   * distinct tails, the TUM firewall 1,877 in 4,973 rules), and one lookup
   * gives the elements that reading the words again would find in the shared
   * tables. Only while sharing, and only up to TAIL_MEMO_LIMIT entries.
   */
  private readonly tails = new Map<string, Tail>();
  /** The line being read has had a warning. */
  private warned = false;

  constructor(
    private readonly source: ParsedSource,
    private readonly family: Family,
    private readonly report: (severity: Diagnostic['severity'], loc: Location, message: string) => void,
    share = true,
  ) {
    this.shared = share ? new SharedElements() : undefined;
  }

  /** A warning about the line being read (such a line's tail is not memoized: a memo would skip the warning). */
  private warn(loc: Location, message: string): void {
    this.warned = true;
    this.report('warning', loc, message);
  }

  /** Word k's Location, for a diagnostic. */
  private at(k: number): Location {
    return { file: this.source.file, line: this.lineNo, column: this.words.column(k), endColumn: this.words.endColumn(k) };
  }

  /** Word k's offset in the source, where a model element records its position. */
  private pos(k: number): number {
    return this.words.start(k);
  }

  private error(k: number, message: string): LineError {
    return new LineError(span(this.words, k), message);
  }

  /** The one string of this parse for the text of word k, from its character `skip` on (sliced only when first seen). */
  private intern(k: number, skip = 0): string {
    const words = this.words;
    const q = words.unquoted(k);
    if (q !== undefined) return this.names.intern(q, skip, q.length);
    const start = words.start(k);
    return this.names.intern(words.source, start + skip, start + words.length(k));
  }

  private matchSpec(module: string): ModuleSpec | undefined {
    return specOf(this.matchSpecs, MATCHES, module);
  }

  private targetSpec(name: string): ModuleSpec | undefined {
    return specOf(this.targetSpecs, TARGETS, name);
  }

  /** A new rule (its loc and text are read from the source when asked for). */
  private begin(lineStart: number): Rule {
    this.rule = new ParsedRule(this.source, lineStart);
    this.matches = none();
    this.lastMatch = undefined;
    this.target = undefined;
    this.proto = undefined;
    this.seen = 0;
    return this.rule;
  }

  /** The rule of the line at lineStart, from its word `start` on. */
  parse(words: LineWords, start: number, lineNo: number, lineStart: number): Rule {
    this.words = words;
    this.k = start;
    this.lineNo = lineNo;
    this.warned = false;
    const rule = this.begin(lineStart);
    const tail = this.shared ? tailStart(words, start) : words.count;
    if (tail === words.count) return this.finish(rule, words.count);
    const key = words.source.slice(words.start(tail), words.end(words.count - 1));
    const memo = this.tails.get(key);
    this.readWords(tail);
    if (memo !== undefined) return applyTail(rule, memo);
    const headSeen = this.seen;
    this.finish(rule, words.count);
    // A tail that set an address (`-s A -p tcp -d B`) or warned depends on more than its own words.
    if ((this.seen & ADDRESS_BITS) === (headSeen & ADDRESS_BITS) && !this.warned && this.tails.size < TAIL_MEMO_LIMIT) {
      const t = tailOf(rule);
      if (t) this.tails.set(key, t);
    }
    return rule;
  }

  /** Reads words up to `end` (a word boundary that no `!` is left pending at). */
  private readWords(end: number): void {
    const words = this.words;
    let negNext = -1;
    while (this.k < end) {
      const tok = this.k;
      if (words.isBang(tok)) {
        if (negNext >= 0) throw this.error(tok, "double '!'");
        negNext = tok;
        this.k++;
        continue;
      }
      if (!words.isOption(tok)) throw this.error(tok, `unexpected '${words.text(tok)}' (expected an option such as -s, -p, -m or -j)`);
      this.k++;
      const negated = negNext >= 0;
      negNext = -1;
      const core = coreOption(words, tok);
      if (core) this.coreOption(tok, core, negated);
      else this.moduleOption(tok, negated);
    }
    if (negNext >= 0) throw this.error(negNext, "'!' at the end of the rule negates nothing");
  }

  /** Reads the rest of the rule's words and gives its matches and target their final (shared or right-sized) form. */
  private finish(rule: Rule, end: number): Rule {
    this.readWords(end);
    // Arrays grown by push() keep room for 16 more entries: copies sized to
    // their contents keep a 100,000-rule model about half as large.
    const { matches, target, shared } = this;
    if (target && target.options.length > 1) target.options = target.options.slice();
    else if (target && target.options.length === 0 && shared) rule.target = shared.target(target.name, target.goto);
    if (matches.length === 1 && shared) {
      const s = shared.match(matches[0]!);
      if (s) {
        rule.matches = s.list;
        return rule;
      }
    }
    for (const m of matches) if (m.options.length > 1) m.options = m.options.slice();
    if (matches.length) rule.matches = matches.length > 1 ? this.sharedEach(matches.slice()) : matches;
    return rule;
  }

  /**
   * A rule's own list of several matches, each replaced by its shared equal
   * where there is one and the list does not hold it already: two equal
   * matches in one rule stay two objects, so that each has its own place in
   * the line (elementLoc).
   */
  private sharedEach(list: Match[]): Match[] {
    const shared = this.shared;
    if (!shared) return list;
    for (let i = 0; i < list.length; i++) {
      const s = shared.match(list[i]!)?.match;
      if (s && !list.includes(s)) list[i] = s;
    }
    return list;
  }

  /** -s, -d, -i, -o, -p, -f, -m, -j, -g and their long spellings. */
  private coreOption(tok: number, core: CoreField, negated: boolean): void {
    const rule = this.rule;
    if (core === 'fragment') {
      if (this.family === 'ipv6') throw this.error(tok, "'-f' is IPv4 only");
      rule.fragment = this.shared ? this.shared.fragment(negated) : new ParsedNeg<true>(true, negated, this.source, this.pos(tok));
      return;
    }
    const oldNeg = this.oldNegation(tok, 1);
    const arg = this.takeArgWord(tok, 1);
    const n = negated || oldNeg;
    if (core === 'match') {
      if (n) throw this.error(tok, "'!' cannot negate '-m'");
      this.addMatch((this.lastMatch = new ParsedMatch(this.intern(arg), none(), this.source, this.pos(tok))));
    } else if (core === 'jump' || core === 'goto') {
      if (this.target) throw this.error(tok, 'a rule can have only one target (-j/-g)');
      rule.target = this.target = new ParsedTarget(this.intern(arg), core === 'goto', none(), this.source, this.pos(tok));
      this.lastMatch = undefined;
    } else {
      const bit = negBit(core);
      if (this.seen & bit) throw this.error(tok, `multiple '${this.words.text(tok)}' options are not allowed`);
      this.seen |= bit;
      // Named stores, one per field: a computed rule[core] was a megamorphic access.
      // Addresses are mostly distinct (a table of them cost more than it saved, also one that slices only new words): an element each.
      // Interfaces and protocols repeat: one shared element for each spelling.
      switch (core) {
        case 'src': rule.src = this.located(this.words.text(arg), n, tok); break;
        case 'dst': rule.dst = this.located(this.words.text(arg), n, tok); break;
        case 'inIface': rule.inIface = this.sharedNeg(NegField.InIface, arg, n, tok); break;
        case 'outIface': rule.outIface = this.sharedNeg(NegField.OutIface, arg, n, tok); break;
        case 'proto': rule.proto = this.proto = this.sharedNeg(NegField.Proto, arg, n, tok); break;
      }
    }
  }

  /** A Neg element of its own, which knows where option word `tok` is. */
  private located(value: string, negated: boolean, tok: number): Neg {
    return new ParsedNeg(value, negated, this.source, this.pos(tok));
  }

  /** The shared Neg of a field for the text of word `arg` (one of its own when not sharing). */
  private sharedNeg(field: NegField, arg: number, negated: boolean, tok: number): Neg {
    const value = this.intern(arg);
    return this.shared ? this.shared.neg(field, value, negated) : this.located(value, negated, tok);
  }

  /** A module option: find its owner as iptables does (loaded matches, then the implicit protocol match). */
  private moduleOption(tok: number, negated: boolean): void {
    const name = this.intern(tok, optionDashes(this.words, tok));
    const target = this.target;
    const lastMatch = this.lastMatch;
    if (target && !lastMatch) {
      const tspec = this.targetSpec(target.name);
      addOption(target, this.option(tok, name, negated, tspec ? findOption(tspec, name) : undefined));
      return;
    }
    const owner = this.findOwner(name);
    if (owner) {
      const spec = this.matchSpec(owner.module);
      addOption(owner, this.option(tok, name, negated, spec ? findOption(spec, name) : undefined));
      return;
    }
    const proto = this.proto;
    const implicit = proto && !proto.negated ? implicitModule(proto.value) : undefined;
    const implicitSpec = implicit ? findOption(this.matchSpec(implicit)!, name) : undefined;
    if (implicit && implicitSpec) {
      const m = new ParsedMatch(implicit, none(), this.source, this.pos(tok));
      this.addMatch(m);
      addOption(m, this.option(tok, name, negated, implicitSpec));
      return;
    }
    if (lastMatch) {
      this.warn(this.at(tok), `unknown option '${this.words.text(tok)}' for module '${lastMatch.module}'`);
      addOption(lastMatch, this.option(tok, name, negated, undefined));
      return;
    }
    throw this.error(tok, `unknown option '${this.words.text(tok)}'${proto ? '' : ' (a protocol option needs -p)'}`);
  }

  /** The match that owns `--name`: an unknown last module takes everything; else the latest known module that defines it. */
  private findOwner(name: string): Match | undefined {
    const last = this.lastMatch;
    if (last && !this.matchSpec(last.module)) return last;
    const matches = this.matches;
    for (let i = matches.length - 1; i >= 0; i--) {
      const m = matches[i]!;
      const spec = this.matchSpec(m.module);
      if (spec && findOption(spec, name)) return m;
    }
    return undefined;
  }

  /** Appends to the rule's matches, which start as the shared empty list: one match (the most common) makes an array of one. */
  private addMatch(m: Match): void {
    if (this.matches.length === 0) this.matches = [m];
    else this.matches.push(m);
  }

  private option(tok: number, name: string, negated: boolean, spec: OptionSpec | undefined): Option {
    const oldNeg = this.oldNegation(tok, spec?.arity);
    const args = this.takeArgs(tok, spec?.arity);
    return new ParsedOption(spec ? spelling(spec, name) : name, negated || oldNeg, args, this.source, this.pos(tok));
  }

  /** The old `--opt ! value` negation (iptables 1.8 rejects it): skips the `!` and warns. */
  private oldNegation(optTok: number, arity: number | undefined): boolean {
    const t = this.k;
    if (arity === 0 || !this.words.isBang(t)) return false;
    const opt = this.words.text(optTok);
    this.warn(this.at(t), `old-style negation '${opt} ! ...' (iptables 1.8 rejects it); write '! ${opt} ...'`);
    this.k++;
    return true;
  }

  /** Arguments of an option: exactly `arity` words, or every word up to the next option. */
  private takeArgs(optTok: number, arity: number | undefined): string[] {
    const words = this.words;
    if (arity === 1) return this.oneArg(this.takeArgWord(optTok, 1));
    if (arity === 0) return none();
    const args: string[] = [];
    if (arity !== undefined) {
      for (let n = 0; n < arity; n++) args.push(this.takeArg(optTok, arity));
    } else {
      while (this.k < words.count && !words.isOption(this.k) && !words.isBang(this.k)) args.push(words.text(this.k++));
    }
    return args.length ? args.slice() : none();
  }

  /**
   * The shared argument list `[text of word k]`, or, once ONE_ARG_LIMIT
   * words have one, a list of this rule's own (not frozen: the match is then
   * not shared either, as with any option of several arguments).
   */
  private oneArg(k: number): string[] {
    const word = this.words.text(k);
    let args = this.oneArgs.get(word);
    if (args === undefined) {
      if (this.oneArgs.size >= ONE_ARG_LIMIT) return [word];
      this.oneArgs.set(word, (args = Object.freeze([word]) as string[]));
    }
    return args;
  }

  /** The next word as one of the `arity` arguments of the option at optTok. */
  private takeArg(optTok: number, arity: number): string {
    return this.words.text(this.takeArgWord(optTok, arity));
  }

  /** The index of the next word, as one of the `arity` arguments of the option at optTok. */
  private takeArgWord(optTok: number, arity: number): number {
    const words = this.words;
    const a = this.k;
    if (a >= words.count || words.isOption(a) || words.isBang(a)) {
      throw new LineError(a < words.count ? span(words, a) : { column: words.endColumn(optTok) }, `option '${words.text(optTok)}' needs ${arity} argument${arity > 1 ? 's' : ''}`);
    }
    this.k++;
    return a;
  }
}

/** table[name] through a per-parse cache (a keyed load by a fresh string on every option was a megamorphic lookup). */
function specOf(cache: Map<string, ModuleSpec | null>, table: Readonly<Record<string, ModuleSpec>>, name: string): ModuleSpec | undefined {
  let spec = cache.get(name);
  if (spec === undefined) cache.set(name, (spec = table[name] ?? null));
  return spec ?? undefined;
}

/** Appends to a parsed match's or target's options, which start as the shared empty list. */
function addOption(owner: Match | Target, o: Option): void {
  if (owner.options.length === 0) owner.options = [o];
  else owner.options.push(o);
}

/** The spec's own string for a name it knows (its name or an alias): one string for every rule that spells it so. */
function spelling(spec: OptionSpec, name: string): string {
  if (spec.name === name) return spec.name;
  if (spec.aliases) for (const a of spec.aliases) if (a === name) return a;
  return name;
}

/** The -s and -d bits of RuleSpecParser.seen. */
const ADDRESS_BITS = negBit('src') | negBit('dst');

/**
 * Tails memoized per parse at most: several times the distinct tails of the
 * 100,000-rule bench dump (3,319) or the TUM firewall (1,877); a dump whose
 * tails are all different (a comment of its own on every rule) stops adding
 * entries there.
 */
const TAIL_MEMO_LIMIT = 1 << 14;

/**
 * Distinct one-argument words shared per parse at most (each with its shared
 * matches): far more than the ports of the 100,000-rule bench dump, and a
 * dump with a comment of its own on every rule (kube-proxy's, a compiled
 * policy's) stops there instead of keeping a table entry and a shared match
 * for each. With the tokenizer reading quoted words in one slice, such a
 * 100,000-rule dump parsed in 1.06 s instead of 1.43 s (BENCHMARKS.md).
 */
const ONE_ARG_LIMIT = 1 << 14;

/** The fields a rule's tail sets, all shared elements (or absent). */
interface Tail {
  proto: Neg | undefined;
  inIface: Neg | undefined;
  outIface: Neg | undefined;
  fragment: Neg<true> | undefined;
  target: Target | undefined;
  matches: Match[];
  /** The rule has a list of its own (of shared matches), copied for each rule as the parser makes one for each. */
  ownList: boolean;
}

/**
 * Where the tail of a rule spec starts: after the leading `-s A` and `-d B`
 * (short or long, not negated, each with a plain argument), which iptables-save
 * prints first. What follows is read the same whatever those addresses are.
 */
function tailStart(words: LineWords, start: number): number {
  let k = start;
  while (k + 1 < words.count && !words.quoted(k)) {
    const core = words.isOption(k) ? coreOption(words, k) : undefined;
    if ((core !== 'src' && core !== 'dst') || words.isOption(k + 1) || words.isBang(k + 1)) break;
    k += 2;
  }
  return k;
}

/** The tail of a rule just read, if all it set is shared (frozen) elements. */
function tailOf(rule: Rule): Tail | undefined {
  const { proto, inIface, outIface, fragment, target, matches } = rule;
  if (!sharedOrAbsent(proto) || !sharedOrAbsent(inIface) || !sharedOrAbsent(outIface) || !sharedOrAbsent(fragment) || !sharedOrAbsent(target)) return undefined;
  const ownList = !Object.isFrozen(matches);
  if (ownList && !matches.every((m) => Object.isFrozen(m))) return undefined;
  return { proto, inIface, outIface, fragment, target, matches, ownList };
}

function sharedOrAbsent(element: object | undefined): boolean {
  return element === undefined || Object.isFrozen(element);
}

/** Sets a rule's tail fields from a memoized tail, as reading its words would have. */
function applyTail(rule: Rule, t: Tail): Rule {
  rule.proto = t.proto;
  rule.inIface = t.inIface;
  rule.outIface = t.outIface;
  rule.fragment = t.fragment;
  rule.target = t.target;
  rule.matches = t.ownList ? t.matches.slice() : t.matches;
  return rule;
}

type CoreField = 'src' | 'dst' | 'inIface' | 'outIface' | 'proto' | 'fragment' | 'match' | 'jump' | 'goto';

/** The bit of RuleSpecParser.seen for a Neg field of a rule other than fragment (which may repeat). */
function negBit(core: CoreField): number {
  switch (core) {
    case 'src': return 1;
    case 'dst': return 2;
    case 'inIface': return 4;
    case 'outIface': return 8;
    default: return 16; // proto
  }
}

/** Core options, short and long spellings -> the Rule field. Short ones are read in place (most words of a dump are). */
function coreOption(words: LineWords, k: number): CoreField | undefined {
  if (words.length(k) === 2) return coreShort(words.source.charCodeAt(words.start(k) + 1));
  return words.source.charCodeAt(words.start(k) + 1) === 45 ? coreLong(words.text(k)) : undefined;
}

/** `-s` ... `-g` by the letter after the dash. */
function coreShort(letter: number): CoreField | undefined {
  switch (letter) {
    case 115 /* s */: return 'src';
    case 100 /* d */: return 'dst';
    case 105 /* i */: return 'inIface';
    case 111 /* o */: return 'outIface';
    case 112 /* p */: return 'proto';
    case 102 /* f */: return 'fragment';
    case 109 /* m */: return 'match';
    case 106 /* j */: return 'jump';
    case 103 /* g */: return 'goto';
    default: return undefined;
  }
}

function coreLong(w: string): CoreField | undefined {
  switch (w) {
    case '--source': case '--src': return 'src';
    case '--destination': case '--dst': return 'dst';
    case '--in-interface': return 'inIface';
    case '--out-interface': return 'outIface';
    case '--protocol': return 'proto';
    case '--fragment': return 'fragment';
    case '--match': return 'match';
    case '--jump': return 'jump';
    case '--goto': return 'goto';
    default: return undefined;
  }
}

/** The dashes before the name of option word k: `--dport` -> 2, `-x` -> 1 (what /^--?/ removes). */
function optionDashes(words: LineWords, k: number): number {
  return words.source.charCodeAt(words.start(k) + 1) === 45 ? 2 : 1;
}
