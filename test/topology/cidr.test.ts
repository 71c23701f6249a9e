// CIDR parsing and overlap, checked against an independent formulation
// (interval intersection over integer ranges).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { cidrsOverlap, formatAddress, formatNetwork, hasHostBits, networkOf, parseCidr, type Cidr } from '../../src/topology/cidr.js';

function cidr(text: string): Cidr {
  const c = parseCidr(text);
  if (typeof c === 'string') throw new Error(c);
  return c;
}

test('parses IPv4 and IPv6 networks', () => {
  assert.equal(cidr('10.0.10.0/24'), { family: 4, address: 0x0a000a00n, prefix: 24, text: '10.0.10.0/24' });
  assert.is(cidr('2001:db8:10::/64').address, 0x20010db8001000000000000000000000n);
  assert.is(cidr('::/0').address, 0n);
  assert.is(cidr('::ffff:10.0.0.0/104').address, 0xffff0a000000n);
  assert.is(cidr('1:2:3:4:5:6:7::/128').address, 0x00010002000300040005000600070000n);
  assert.is(cidr('0.0.0.0/0').prefix, 0);
});

test('rejects what is not a CIDR, saying why', () => {
  const bad: Array<[string, string]> = [
    ['10.0.0.0', "'10.0.0.0' is not a CIDR: expected ADDRESS/PREFIX, e.g. 10.0.10.0/24"],
    ['10.0.0/8', "'10.0.0/8' is not a CIDR: '10.0.0' is not an IPv4 address"],
    ['010.0.0.0/8', "'010.0.0.0/8' is not a CIDR: '010.0.0.0' is not an IPv4 address"],
    ['10.0.0.0/33', "'10.0.0.0/33' is not a CIDR: the prefix length must be 0-32 for IPv4"],
    ['10.0.0.0/08', "'10.0.0.0/08' is not a CIDR: the prefix length must be 0-32 for IPv4"],
    ['1::2::3/64', "'1::2::3/64' is not a CIDR: '1::2::3' is not an IPv6 address"],
    ['1:2:3:4:5:6:7:8:9/64', "'1:2:3:4:5:6:7:8:9/64' is not a CIDR: '1:2:3:4:5:6:7:8:9' is not an IPv6 address"],
    ['1:2:3:4:5:6:7:8::/64', "'1:2:3:4:5:6:7:8::/64' is not a CIDR: '1:2:3:4:5:6:7:8::' is not an IPv6 address"],
    ['12345::/16', "'12345::/16' is not a CIDR: '12345::' is not an IPv6 address"],
    ['1.2.3.4::/64', "'1.2.3.4::/64' is not a CIDR: '1.2.3.4::' is not an IPv6 address"],
    ['fe80::1%eth0/64', "'fe80::1%eth0/64' is not a CIDR: 'fe80::1%eth0' is not an IPv6 address"],
  ];
  for (const [text, why] of bad) assert.is(parseCidr(text), why, text);
});

test('host bits and the network they belong to', () => {
  assert.ok(hasHostBits(cidr('10.0.10.5/24')));
  assert.not.ok(hasHostBits(cidr('10.0.10.0/24')));
  assert.is(formatNetwork(cidr('10.0.10.5/24')), '10.0.10.0/24');
  assert.is(formatNetwork(cidr('2001:db8:10::1/64')), '2001:db8:10::/64');
  assert.is(networkOf(cidr('255.255.255.255/0')), 0n);
});

test('RFC 5952 formatting', () => {
  const f6 = (t: string) => formatAddress(6, cidr(`${t}/128`).address);
  assert.is(f6('2001:0DB8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
  assert.is(f6('2001:db8:0:1:0:0:0:1'), '2001:db8:0:1::1');
  assert.is(f6('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1'); // the first of equal runs
  assert.is(f6('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1'); // a single zero group stays
  assert.is(f6('::'), '::');
  assert.is(f6('::1'), '::1');
  assert.is(f6('1::'), '1::');
});

const v4 = fc.record({ address: fc.bigInt(0n, (1n << 32n) - 1n), prefix: fc.integer({ min: 0, max: 32 }) });
const v6 = fc.record({ address: fc.bigInt(0n, (1n << 128n) - 1n), prefix: fc.integer({ min: 0, max: 128 }) });

/** [first, last] address of the network, computed by division rather than masks. */
function range(bits: number, address: bigint, prefix: number): [bigint, bigint] {
  const size = 2n ** BigInt(bits - prefix);
  const first = (address / size) * size;
  return [first, first + size - 1n];
}

for (const [family, bits, arb] of [[4, 32, v4], [6, 128, v6]] as const) {
  test(`IPv${family}: overlap is interval intersection; format and parse round-trip`, () => {
    fc.assert(
      fc.property(arb, arb, (a, b) => {
        const ca = cidr(`${formatAddress(family, a.address)}/${a.prefix}`);
        const cb = cidr(`${formatAddress(family, b.address)}/${b.prefix}`);
        assert.is(ca.address, a.address);
        const [a0, a1] = range(bits, a.address, a.prefix);
        const [b0, b1] = range(bits, b.address, b.prefix);
        assert.is(cidrsOverlap(ca, cb), a0 <= b1 && b0 <= a1);
        assert.is(networkOf(ca), a0);
      }),
      { numRuns: 500 },
    );
  });
}

test('families never overlap', () => {
  assert.not.ok(cidrsOverlap(cidr('0.0.0.0/0'), cidr('::/0')));
});

test.run();
