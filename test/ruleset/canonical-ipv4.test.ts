// canonicalize() takes a fast path for plain IPv4 `A.B.C.D[/N]` addresses; it
// must print exactly what the general canonicalCidr path prints.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { canonicalize } from '../../src/ruleset/canonical.js';
import { canonicalCidr } from '../../src/ruleset/addr.js';
import type { Ruleset } from '../../src/ruleset/model.js';

const loc = { file: 'x.rules', line: 1, column: 1 };

function canonicalSrc(value: string): string | undefined {
  const rs: Ruleset = {
    family: 'ipv4',
    file: 'x.rules',
    tables: [{ name: 'filter', loc, chains: [{ name: 'INPUT', builtin: true, policy: 'ACCEPT', loc, rules: [{ loc, matches: [], src: { value, negated: false } }] }] }],
  };
  return canonicalize(rs).tables[0]!.chains.find((c) => c.name === 'INPUT')!.rules[0]!.src?.value;
}

/** What the general path gives: the canonical text, none for 0.0.0.0/0, the text itself when it is not an address. */
function expected(value: string): string | undefined {
  const c = canonicalCidr(value, 'ipv4');
  return c === undefined ? value : c === '' ? undefined : c;
}

test('edge spellings agree with canonicalCidr', () => {
  for (const v of ['10.0.0.1', '10.0.0.1/32', '10.1.2.3/24', '0.0.0.0/0', '1.2.3.4/0', '255.255.255.255/1', '010.1.1.1/8', '1.2.3.4/33', '1.2.3.4/032', '1.2.3', '1.2.3.4.5', '1.2.3.256', '1.2.3.4/', '1.2.3.4/x', '1.2.3.4/255.255.0.0', '192.168.1.77/27', '1..2.3', '0001.2.3.4', 'host.example'])
    assert.is(canonicalSrc(v), expected(v), v);
});

test('random addresses and prefixes agree with canonicalCidr', () => {
  const octet = fc.integer({ min: 0, max: 255 });
  fc.assert(
    fc.property(fc.tuple(octet, octet, octet, octet), fc.option(fc.integer({ min: 0, max: 40 })), (a, len) => {
      const v = a.join('.') + (len === null ? '' : `/${len}`);
      assert.is(canonicalSrc(v), expected(v), v);
    }),
    { numRuns: 2000 },
  );
});

test.run();
