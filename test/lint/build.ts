// Test-only builder: turns a small iptables-save-like snippet into a model Ruleset
// with real line/column locations, so check tables read like the dumps they are
// about. It is NOT a parser for real dumps (src/ruleset/parse.ts is): it knows only
// `*table`, `:CHAIN POLICY`, `-A CHAIN ...` with -s -d -i -o -p -f, `-m MOD --opt
// args`, `-j/-g TARGET --opt args`, `!`, double quotes, COMMIT, and
// `# chainsmith: disable=CODE,... -- reason` lines. Implicit matches must be
// spelled out (`-p tcp -m tcp --dport 22`).
import type { Location } from '../../src/diagnostics.js';
import { BUILTIN_CHAINS, type Chain, type Family, type Match, type Neg, type Option, type Rule, type Ruleset, type Table } from '../../src/ruleset/model.js';

interface Token {
  text: string;
  column: number;
}

function tokenize(line: string): Token[] {
  const out: Token[] = [];
  for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"|\S+/g)) out.push({ text: m[1] !== undefined ? m[1] : m[0], column: m.index! + 1 });
  return out;
}

const RULE_FIELDS: Record<string, 'src' | 'dst' | 'inIface' | 'outIface' | 'proto'> = {
  '-s': 'src', '-d': 'dst', '-i': 'inIface', '-o': 'outIface', '-p': 'proto',
};

/** Reads `--opt args...` pairs until the next short option (`-m`, `-j`, `-s`, ...). */
function readOptions(tokens: Token[], i: number, loc: (t: Token) => Location): [Option[], number] {
  const options: Option[] = [];
  while (i < tokens.length) {
    let negated = false;
    let j = i;
    if (tokens[j]!.text === '!' && tokens[j + 1]?.text.startsWith('--')) {
      negated = true;
      j++;
    }
    const t = tokens[j]!;
    if (!t.text.startsWith('--')) break;
    const args: string[] = [];
    j++;
    while (j < tokens.length && !tokens[j]!.text.startsWith('-') && tokens[j]!.text !== '!') args.push(tokens[j++]!.text);
    options.push({ name: t.text.slice(2), negated, args, loc: loc(tokens[i]!) });
    i = j;
  }
  return [options, i];
}

export function build(text: string, opts: { file?: string; family?: Family } = {}): Ruleset {
  const file = opts.file ?? 'test.rules';
  const rs: Ruleset = { family: opts.family ?? 'ipv4', file, tables: [] };
  let table: Table | undefined;
  const chainsOf = new Map<Table, Map<string, Chain>>();
  let pendingSuppressions: string[] | undefined;
  text.split('\n').forEach((raw, idx) => {
    const lineNo = idx + 1;
    const line = raw.trim();
    const loc = (t: Token): Location => ({ file, line: lineNo, column: t.column + (raw.length - raw.trimStart().length) });
    const at = (column: number): Location => ({ file, line: lineNo, column });
    const indent = raw.length - raw.trimStart().length;
    if (!line || line === 'COMMIT') return;
    const sup = /^#\s*chainsmith:\s*disable=([\w,-]+)/.exec(line);
    if (sup) {
      pendingSuppressions = sup[1]!.split(',');
      return;
    }
    if (line.startsWith('#')) return;
    if (line.startsWith('*')) {
      table = { name: line.slice(1), chains: [], loc: at(indent + 1) };
      rs.tables.push(table);
      chainsOf.set(table, new Map());
      return;
    }
    if (!table) throw new Error(`build: line ${lineNo}: no table`);
    if (line.startsWith(':')) {
      const [name, policy] = line.slice(1).split(/\s+/);
      const builtin = (BUILTIN_CHAINS[table.name] ?? []).includes(name!);
      const chain: Chain = { name: name!, builtin, rules: [], loc: at(indent + 1) };
      if (builtin) {
        chain.policy = policy;
        chain.policyLoc = at(indent + 2 + name!.length + 1);
      }
      table.chains.push(chain);
      chainsOf.get(table)!.set(chain.name, chain);
      return;
    }
    const tokens = tokenize(line);
    if (tokens[0]?.text !== '-A') throw new Error(`build: line ${lineNo}: expected -A`);
    const chain = chainsOf.get(table)!.get(tokens[1]!.text);
    if (!chain) throw new Error(`build: line ${lineNo}: chain ${tokens[1]!.text} not declared`);
    const rule: Rule = { loc: at(indent + 1), text: line, matches: [] };
    if (pendingSuppressions) rule.suppressions = pendingSuppressions;
    pendingSuppressions = undefined;
    let i = 2;
    while (i < tokens.length) {
      let negated = false;
      if (tokens[i]!.text === '!') {
        negated = true;
        i++;
      }
      const t = tokens[i]!;
      const field = RULE_FIELDS[t.text];
      if (field) {
        const value: Neg = { value: tokens[i + 1]!.text, negated, loc: loc(negated ? tokens[i - 1]! : t) };
        rule[field] = value;
        i += 2;
      } else if (t.text === '-f') {
        rule.fragment = { value: true, negated, loc: loc(t) };
        i++;
      } else if (t.text === '-m') {
        const [options, next] = readOptions(tokens, i + 2, loc);
        const match: Match = { module: tokens[i + 1]!.text, options, loc: loc(t) };
        rule.matches.push(match);
        i = next;
      } else if (t.text === '-j' || t.text === '-g') {
        const [options, next] = readOptions(tokens, i + 2, loc);
        rule.target = { name: tokens[i + 1]!.text, goto: t.text === '-g', options, loc: loc(t) };
        i = next;
      } else {
        throw new Error(`build: line ${lineNo}: unexpected '${t.text}'`);
      }
    }
    chain.rules.push(rule);
  });
  return rs;
}

/** Strips the common indentation of a template literal, so snippets can be indented in tests. */
export function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').replace(/\n\s*$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(indent)).join('\n');
}
