// Random and mutated dump lines never throw, and every diagnostic has a position.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { parseRuleset } from '../../src/ruleset/parse.js';
import { formatCanonical } from '../../src/ruleset/print.js';

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

test('arbitrary text never throws', () => {
  fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => check(s)), { numRuns: 500 });
});

test.run();
