// verdictBoundsWithin (src/analysis/verdict.ts) against the exact backward
// verdict sets, in one space: for random rulesets with unmodelled matches (a
// stateful `-m recent --rcheck`, `-m limit`, a deterministic `-m mac`/`-m mark`)
// and random opaque-free packet sets U,
//  - certain[V] ⊆ certainly(exact[V]) ∩ U   (every "certain" is a proof),
//  - possible[V] ⊇ possibly(exact[V]) ∩ U   (every "impossible" is a proof),
//  - without unmodelled matches, both are exactly exact[V] ∩ U,
//  - `only: V` gives the same certain[V] as the full walk.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { missesAll, packetBox } from '../../src/analysis/box.js';
import { spaceFor } from '../../src/analysis/spaces.js';
import { builtinVerdicts, verdictBoundsWithin, type Within } from '../../src/analysis/verdict.js';
import type { Verdict } from '../../src/analysis/targets.js';
import { parseRuleset } from '../../src/ruleset/parse.js';
import type { Packet } from '../../src/space/index.js';

const SOURCES = ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.3/32', '192.168.0.0/16'];
const IFACES = ['eth0', 'eth1', 'br0.+'];
const PORTS = ['22', '80', '79:81'];
const STATES = ['NEW', 'ESTABLISHED', 'RELATED,ESTABLISHED', 'INVALID'];
const OPAQUE = ['-m recent --rcheck --name x', '-m limit --limit 3/min', '-m mac --mac-source 00:11:22:33:44:55', '-m mark --mark 0x1'];

const neg = fc.boolean().map((b) => (b ? '! ' : ''));
const part = <T>(a: fc.Arbitrary<T>) => fc.option(a, { freq: 2, nil: undefined });

const matchArb = (opaque: boolean) =>
  fc
    .record({
      src: part(fc.tuple(neg, fc.constantFrom(...SOURCES))),
      iface: part(fc.tuple(neg, fc.constantFrom(...IFACES))),
      l4: part(fc.tuple(fc.constantFrom('tcp', 'udp'), part(fc.tuple(fc.boolean(), fc.constantFrom(...PORTS))))),
      state: part(fc.tuple(neg, fc.constantFrom(...STATES))),
      opaque: opaque ? fc.option(fc.constantFrom(...OPAQUE), { freq: 3, nil: undefined }) : fc.constant(undefined),
    })
    .map((m) => {
      const out: string[] = [];
      if (m.src) out.push(`${m.src[0]}-s ${m.src[1]}`);
      if (m.iface) out.push(`${m.iface[0]}-i ${m.iface[1]}`);
      if (m.l4) {
        out.push(`-p ${m.l4[0]} -m ${m.l4[0]}`);
        if (m.l4[1]) out.push(`${m.l4[1][0] ? '! ' : ''}--dport ${m.l4[1][1]}`);
      }
      if (m.state) out.push(`-m conntrack ${m.state[0]}--ctstate ${m.state[1]}`);
      if (m.opaque) out.push(m.opaque);
      return out.join(' ');
    });

/** Jumps only go down (INPUT -> A -> B): no cycles. */
const TARGETS: Record<string, string[]> = {
  INPUT: ['-j ACCEPT', '-j DROP', '-j REJECT', '-j A', '-j B', '-g A', '-j LOG', '-j QUEUE'],
  A: ['-j ACCEPT', '-j DROP', '-j RETURN', '-j B', '-g B'],
  B: ['-j ACCEPT', '-j DROP', '-j REJECT', '-j RETURN'],
};

const rulesetArb = (opaque: boolean) => {
  const rule = (chain: string) => fc.tuple(matchArb(opaque), fc.constantFrom(...TARGETS[chain]!)).map(([m, t]) => `-A ${chain} ${m} ${t}`.replace(/\s+/g, ' '));
  return fc
    .tuple(fc.constantFrom('ACCEPT', 'DROP'), fc.array(rule('INPUT'), { minLength: 1, maxLength: 7 }), fc.array(rule('A'), { maxLength: 5 }), fc.array(rule('B'), { maxLength: 5 }))
    .map(([policy, i, a, b]) => ['*filter', `:INPUT ${policy} [0:0]`, ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ':A - [0:0]', ':B - [0:0]', ...i, ...a, ...b, 'COMMIT', ''].join('\n'));
};

const packetArb: fc.Arbitrary<Packet> = fc
  .record({
    in: fc.constantFrom('eth0', 'eth1', 'br0.10', 'wlan0'),
    src: fc.constantFrom('10.1.2.3', '10.1.9.9', '10.9.9.9', '192.168.1.1', '172.16.0.1'),
    proto: fc.constantFrom('tcp', 'udp', 'icmp'),
    dport: fc.constantFrom(22, 80, 81, 443),
    state: fc.constantFrom('new', 'established', 'related', 'invalid'),
  })
  .map((r) => {
    const p: Packet = { in: r.in, out: '', src: r.src, dst: '10.0.0.1', proto: r.proto, state: r.state as Packet['state'] };
    if (r.proto === 'icmp') Object.assign(p, { icmpType: 8, icmpCode: 0 });
    else Object.assign(p, { sport: 40000, dport: r.dport });
    if (r.proto === 'tcp') p.tcpFlags = 'SYN';
    return p;
  });

const SLOTS = ['accept', 'drop', 'reject', 'unknown'] as const;
const SLOT_OF: Record<(typeof SLOTS)[number], Verdict> = { accept: 'ACCEPT', drop: 'DROP', reject: 'REJECT', unknown: 'UNKNOWN' };

function check(text: string, packets: Packet[], opaque: boolean): void {
  const rs = parseRuleset(text, 'bounds.rules').ruleset;
  const sp = spaceFor([rs], 'ipv4');
  const table = rs.tables[0]!;
  let set = 0;
  for (const p of packets) set = sp.or(set, sp.packetSet(p));
  const boxes = packets.map((p) => packetBox(p, 'ipv4'));
  const within: Within = { set, skip: missesAll(boxes, 'ipv4') };
  const exact = builtinVerdicts(sp, table, 'INPUT');
  const got = verdictBoundsWithin(sp, table, 'INPUT', within);
  const u = sp.and(set, sp.all());
  for (const k of SLOTS) {
    const sure = sp.and(sp.certainly(exact[k]), u);
    const may = sp.and(sp.possibly(exact[k]), u);
    assert.ok(sp.implies(got.certain[k], sure), `certain ${k} is not certain\n${text}`);
    assert.ok(sp.implies(may, got.possible[k]), `possible ${k} misses a possible packet\n${text}`);
    if (!opaque) {
      assert.is(got.certain[k], sp.and(exact[k], u), `certain ${k} != exact\n${text}`);
      assert.is(got.possible[k], sp.and(exact[k], u), `possible ${k} != exact\n${text}`);
    }
    const only = verdictBoundsWithin(sp, table, 'INPUT', within, { only: SLOT_OF[k] });
    assert.is(only.certain[k], got.certain[k], `only: ${k} differs from the full walk\n${text}`);
  }
}

test('random rulesets with unmodelled matches: certain and possible bound the exact verdicts', () => {
  fc.assert(fc.property(rulesetArb(true), fc.array(packetArb, { minLength: 1, maxLength: 4 }), (text, packets) => check(text, packets, true)), { numRuns: 250 });
});

test('random rulesets without unmodelled matches: both bounds are the exact verdicts', () => {
  fc.assert(fc.property(rulesetArb(false), fc.array(packetArb, { minLength: 1, maxLength: 4 }), (text, packets) => check(text, packets, false)), { numRuns: 150 });
});

test('a maybe-DROP before a DROP: certainly dropped, though no single path is sure', () => {
  const text = ['*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -m recent --rcheck --name x -j DROP', '-A INPUT -p tcp -j DROP', 'COMMIT', ''].join('\n');
  const rs = parseRuleset(text, 'x.rules').ruleset;
  const sp = spaceFor([rs], 'ipv4');
  const tcp = sp.packetSet({ in: 'eth0', out: '', src: '10.0.0.1', dst: '10.0.0.2', proto: 'tcp', state: 'new', sport: 1, dport: 22, tcpFlags: 'SYN' });
  const b = verdictBoundsWithin(sp, rs.tables[0]!, 'INPUT', { set: tcp });
  assert.is(b.certain.drop, sp.and(tcp, sp.all()));
  assert.is(b.possible.accept, 0);
});

test.run();
