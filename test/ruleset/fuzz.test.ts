// Random and mutated dump lines never throw, and every diagnostic has a position.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { elementLoc, inferFamily, parseRuleset } from '../../src/ruleset/parse.js';
import { formatCanonical } from '../../src/ruleset/print.js';
import { ParsedSource } from '../../src/ruleset/located.js';
import { LineWords, WordTable } from '../../src/ruleset/tokenize.js';

const SEED_LINES = [
  '-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -j ACCEPT',
  '-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  '-A INPUT -m comment --comment "a \\"b\\"" -j LOG --log-prefix "x: "',
  ':INPUT DROP [0:0]',
  '-I INPUT 1 -p icmp --icmp-type echo-request -j ACCEPT',
  '[1:2] -A OUTPUT -d ! 1.2.3.4 -j DROP',
  '-6 -A INPUT -s 2001:db8::/32 -j ACCEPT',
  '-A INPUT -m limit --limit 3/min -j LOG',
  'COMMIT',
];
const WORDS = ['-A', '-I', '-s', '-d', '!', '-p', 'tcp', '--dport', '22', '-m', 'multiport', '--dports', '1:2', '-j', 'ACCEPT', '"', '"a b"', ':', '*filter', '-4', '-6', 'COMMIT', '-N', '-P', 'INPUT', '::1', '1.2.3.4/33', '--syn', '-f', '#'];

function check(text: string): void {
  const { diagnostics } = parseRuleset(text, 'fuzz.rules');
  for (const d of diagnostics) {
    assert.ok(Number.isInteger(d.loc.line) && d.loc.line >= 1, JSON.stringify(d));
    assert.ok(Number.isInteger(d.loc.column) && d.loc.column >= 1, JSON.stringify(d));
  }
  formatCanonical(text, 'fuzz.rules');
}

test('random word soup never throws', () => {
  fc.assert(
    fc.property(fc.array(fc.array(fc.constantFrom(...WORDS), { maxLength: 12 }), { maxLength: 8 }), (lines) => {
      check('*filter\n' + lines.map((l) => l.join(' ')).join('\n') + '\nCOMMIT\n');
    }),
    { numRuns: 500 },
  );
});

test('mutated real lines never throw', () => {
  fc.assert(
    fc.property(fc.constantFrom(...SEED_LINES), fc.nat(80), fc.nat(80), fc.string({ maxLength: 6 }), (line, a, b, insert) => {
      const i = Math.min(a, line.length);
      const j = Math.min(i + (b % 8), line.length);
      check(`*filter\n${line.slice(0, i)}${insert}${line.slice(j)}\nCOMMIT\n`);
    }),
    { numRuns: 1000 },
  );
});

// inferFamily looks for an IPv6 address option at each ':' instead of running this regex over the dump.
const IPV6_ADDRESS_OPTION = /(^|\s)(-s|-d|--source|--destination|--src|--dst)\s+(!\s+)?[0-9a-fA-F]*:[0-9a-fA-F:.]*(\/\d+)?(\s|$)/m;
const FAMILY_PIECES = ['-s', '-d', '--source', '--destination', '--src', '--dst', '--s', '-ds', '!', ' ', '  ', '\t', '\n', '\r', '\u2028', '\u00a0', ':', '::', '2001', 'db8', 'fe80', 'g', 'x', '.', '/', '/64', '/', '1', '[0:0]', '-A', 'INPUT', '#'];

test('family inference by address agrees with the regex it replaces', () => {
  const some = (pieces: string[], maxLength: number) => fc.array(fc.constantFrom(...pieces), { maxLength }).map((a) => a.join(''));
  const one = (...pieces: string[]) => fc.constantFrom(...pieces);
  const hex = ['2001', 'db8', 'fe80', '0', 'F', 'g', ':', '.'];
  // Mostly the shape the regex looks for (option, spaces, `!`, address, end), each part sometimes missing or wrong.
  const text = fc
    .tuple(
      some(FAMILY_PIECES, 3),
      one('', ' ', '\n', 'x'),
      one('-s', '-d', '--source', '--destination', '--src', '--dst', '--s', '-ds', '-', ''),
      one(' ', '  ', '\t', '\n', '\r\n', '\u2028', '\u00a0', '', 'x'),
      one('', '', '!', '! ', '!\t', '!!'),
      one(' ', ' ', '\n', ''),
      some(hex, 3),
      one(':', ':', '::', ':x', ''),
      some([...hex, '/', '/64', '/x'], 4),
      one(' ', '', '\n', '\r', 'x', '/', '\u3000'),
      some(FAMILY_PIECES, 3),
    )
    .map((p) => p.join(''));
  fc.assert(
    fc.property(fc.oneof(text, some(FAMILY_PIECES, 16)), (text) => {
      assert.is(inferFamily(text, 'x.rules'), IPV6_ADDRESS_OPTION.test(text) ? 'ipv6' : 'ipv4', JSON.stringify(text));
    }),
    { numRuns: 20000 },
  );
});

const LOC_CLAUSES = [
  '-s 10.0.0.1', '! -d 1.2.3.0/24', '-d ! 1.2.3.4', '-p tcp', '-p "udp"', '-m tcp --dport 22', '-m tcp ! --sport 1:2', '--dport "80"', '-i eth0', '-o x"y z"',
  '-m comment --comment "a \\"b\\" c"', '-m comment --comment x"a b"y', '-j LOG --log-prefix "x: "', '-f', '-m multiport --dports 1,2', '--syn', '-j ACCEPT', '-m "state" --state NEW', '-g "my chain"',
];

// Parsed elements find their columns when `.loc` is read, or, shared between
// rules, through elementLoc; they must be where the tokenizer put each word,
// and that word must be the element's own option.
const LINE_STARTS = ['-A INPUT ', '-I INPUT ', '-I INPUT 1 ', '[1:2] -A INPUT ', '-4 -A INPUT ', '--append INPUT '];

test('element locations and rule text are the words and lines as read', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom(...LINE_STARTS), fc.array(fc.constantFrom(...LOC_CLAUSES), { maxLength: 6 })), { maxLength: 8 }),
      fc.constantFrom('\n', '\r\n'),
      fc.constantFrom(' ', '\t', '  '),
      (lines, eol, sep) => {
        const body = lines.map(([start, l]) => start + l.join(sep));
        const text = ['*filter', ...body, 'COMMIT', ''].join(eol);
        const { ruleset } = parseRuleset(text, 'loc.rules');
        const all = text.split('\n');
        for (const t of ruleset.tables) for (const c of t.chains) for (const r of c.rules) {
          const line = all[r.loc.line - 1]!.replace(/\r$/, '');
          assert.is(r.text, line);
          assert.equal(r.loc, { file: 'loc.rules', line: r.loc.line, column: 1 });
          const flags: Array<[object | undefined, (word: string) => boolean]> = [
            [r.src, (w) => w === '-s'],
            [r.dst, (w) => w === '-d'],
            [r.inIface, (w) => w === '-i'],
            [r.outIface, (w) => w === '-o'],
            [r.proto, (w) => w === '-p'],
            [r.fragment, (w) => w === '-f'],
            [r.target, (w) => w === (r.target!.goto ? '-g' : '-j')],
            ...r.matches.map((m): [object, (w: string) => boolean] => [m, (w) => w === '-m' || w === `--${m.options[0]?.name}`]),
            ...[...r.matches.flatMap((m) => m.options), ...(r.target?.options ?? [])].map((o): [object, (w: string) => boolean] => [o, (w) => w === `--${o.name}`]),
          ];
          for (const [p, isItsWord] of flags) {
            if (!p) continue;
            const loc = elementLoc(r, p)!;
            assert.is(loc.line, r.loc.line);
            const word = line.slice(loc.column - 1, loc.endColumn! - 1);
            // A word starts after whitespace and ends at whitespace or the end of the line.
            assert.ok(loc.column === 1 || /\s/.test(line[loc.column - 2]!), JSON.stringify({ line, loc }));
            assert.ok(loc.endColumn! - 1 === line.length || /\s/.test(line[loc.endColumn! - 1]!), JSON.stringify({ line, loc }));
            assert.ok(word.length > 0 && !/^\s|\s$/.test(word) && (/\s/.test(word) ? word.includes('"') : true), JSON.stringify({ line, loc }));
            assert.ok(isItsWord(word), JSON.stringify({ line, loc, word, element: p }));
          }
        }
      },
    ),
    { numRuns: 500 },
  );
});

// The parser memoizes what the words after a rule's leading addresses made
// (the tail): a rule whose tail an earlier rule had must come out as if its
// line were the only one, with the same warnings and element positions.
const HEADS = ['', '-s 10.0.0.1 ', '-d 1.2.3.0/24 ', '-s 10.0.0.2/32 -d 1.2.3.4 ', '--src 10.0.0.3 --dst 1.2.3.5 ', '-d 1.2.3.6 -s 10.0.0.4 ', '! -s 10.0.0.5 ', '-s ! 10.0.0.6 ', '-s "10.0.0.7" ', '-s 10.0.0.8 ! '];
const TAIL_CLAUSES = [...LOC_CLAUSES, '-s 10.9.9.9', '-d 10.9.9.8', '-m tcp --dport 22 --sport 1', '-m unknownmod --x 1', '--dport ! 80', '-m state --state NEW', '-m tcp --dport 22', '-j DROP'];

test('a rule reads the same whether or not an earlier rule had its tail', () => {
  const tails = fc.array(fc.array(fc.constantFrom(...TAIL_CLAUSES), { maxLength: 5 }), { minLength: 1, maxLength: 3 });
  fc.assert(
    fc.property(tails, fc.array(fc.tuple(fc.constantFrom(...HEADS), fc.nat()), { maxLength: 10 }), fc.constantFrom('ipv4', 'ipv6') as fc.Arbitrary<'ipv4' | 'ipv6'>, (pool, picks, family) => {
      const lines = picks.map(([head, i]) => `-A INPUT ${head}${pool[i % pool.length]!.join(' ')}`.trimEnd());
      const all = parseRuleset(['*filter', ...lines, 'COMMIT', ''].join('\n'), 'memo.rules', { family });
      const rules = all.ruleset.tables[0]?.chains.find((c) => c.name === 'INPUT')?.rules ?? [];
      let r = 0;
      lines.forEach((line, n) => {
        const alone = parseRuleset(['*filter', line, 'COMMIT', ''].join('\n'), 'memo.rules', { family });
        const lineNo = n + 2;
        const said = (ds: typeof alone.diagnostics, at: number) => ds.filter((d) => d.loc.line === at).map((d) => ({ ...d, loc: { ...d.loc, line: 0 } }));
        assert.equal(said(all.diagnostics, lineNo), said(alone.diagnostics, 2), line);
        const own = alone.ruleset.tables[0]!.chains.find((c) => c.name === 'INPUT')!.rules[0];
        if (!own) return;
        const rule = rules[r++]!;
        const json = (x: object) => JSON.stringify(x, (k, v: unknown) => (k === 'line' ? 0 : v));
        assert.is(json(rule), json(own), line);
        const elements = (x: typeof rule) => [x.src, x.dst, x.inIface, x.outIface, x.proto, x.fragment, x.target, ...x.matches, ...x.matches.flatMap((m) => m.options), ...(x.target?.options ?? [])];
        const mine = elements(rule);
        elements(own).forEach((e, k) => {
          if (!e) return;
          assert.is(Object.isFrozen(mine[k]), Object.isFrozen(e), line);
          assert.is(elementLoc(rule, mine[k]!)?.column, elementLoc(own, e)?.column, line);
        });
        assert.is(Object.isFrozen(rule.matches), Object.isFrozen(own.matches), line);
      });
      assert.is(r, rules.length);
      // A list of several matches is each rule's own, as the parser makes one for each.
      for (let i = 0; i < rules.length; i++) for (let j = i + 1; j < rules.length; j++) if (!Object.isFrozen(rules[i]!.matches)) assert.ok(rules[i]!.matches !== rules[j]!.matches);
    }),
    { numRuns: 1500 },
  );
});

test('an element location ends each word where the tokenizer does', () => {
  const words = new LineWords();
  fc.assert(
    fc.property(fc.array(fc.constantFrom('a', '-s', '"', '\\', ' ', '  ', '\t', '\r', 'x"y z"', '"a\\"b"', '!'), { maxLength: 16 }), (pieces) => {
      const line = pieces.join('');
      const source = new ParsedSource('f', line);
      words.scan(line, 0, line.length);
      for (let k = 0; k < words.count; k++) {
        if (words.unterminatedQuoteAt !== undefined && k === words.count - 1) break;
        assert.is(source.wordLoc(words.start(k)).endColumn, words.endColumn(k), JSON.stringify({ line, k }));
      }
    }),
    { numRuns: 5000 },
  );
});

// xtables' add_param_to_argv, one character at a time: whitespace ends a word
// outside quotes, a double quote opens or closes a quoted part, and inside one
// a backslash takes the next character as it is. The tokenizer reads quoted
// text without a backslash in one slice; its words must be these.
function referenceWords(line: string): { words: { text: string; start: number; end: number }[]; unterminatedAt?: number } {
  const isSpace = (c: string) => c === ' ' || (c >= '\t' && c <= '\r');
  const words: { text: string; start: number; end: number }[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && isSpace(line[i]!)) i++;
    if (i >= line.length) break;
    const start = i;
    let text = '';
    while (i < line.length && !isSpace(line[i]!)) {
      if (line[i] !== '"') {
        text += line[i++];
        continue;
      }
      const open = i++;
      let closed = false;
      while (i < line.length) {
        if (line[i] === '\\' && i + 1 < line.length) {
          text += line[i + 1];
          i += 2;
        } else if (line[i] === '"') {
          closed = true;
          i++;
          break;
        } else text += line[i++];
      }
      if (!closed) {
        words.push({ text, start, end: i });
        return { words, unterminatedAt: open + 1 };
      }
    }
    words.push({ text, start, end: i });
  }
  return { words };
}

test('the tokenizer splits lines into the words xtables does', () => {
  const words = new LineWords();
  const pieces = fc.constantFrom('a', 'bc', '-s', '"', '\\', '\\"', ' ', '  ', '\t', '\r', '"x y"', '"a\\"b"', '"c\\\\"', '!', '""');
  fc.assert(
    fc.property(fc.array(pieces, { maxLength: 16 }), fc.constantFrom('', 'x ', '"q" '), (parts, after) => {
      const line = parts.join('');
      // The line lies inside a larger text, as in a dump: a quote after it must not close one in it.
      const source = `p ${line}\n${after}`;
      words.scan(source, 2, 2 + line.length);
      const want = referenceWords(line);
      const got = Array.from({ length: words.count }, (_, k) => ({ text: words.text(k), start: words.start(k) - 2, end: words.end(k) - 2 }));
      assert.equal(got, want.words, JSON.stringify(line));
      assert.is(words.unterminatedQuoteAt, want.unterminatedAt, JSON.stringify(line));
    }),
    { numRuns: 5000 },
  );
});

// The parser's table of names, looked up by text lying in a larger text, gives back that text.
test('WordTable interns the text at any offset', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.string({ maxLength: 6 }), fc.nat(3)), { maxLength: 300 }), (ops) => {
      const words = new WordTable();
      for (const [word, pad] of ops) {
        // The text sits inside a larger one, at an offset.
        const source = 'x'.repeat(pad) + word + 'y';
        const start = pad;
        const end = pad + word.length;
        assert.is(words.intern(source, start, end), word);
      }
    }),
    { numRuns: 300 },
  );
});

test('arbitrary text never throws', () => {
  fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => check(s)), { numRuns: 500 });
});

test.run();
