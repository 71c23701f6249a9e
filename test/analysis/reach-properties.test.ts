// Property tests of the reachability analysis (src/analysis/reach.ts) against
// brute force: random small rulesets (a built-in chain and two user chains,
// jumps, gotos, RETURN, negations, interface wildcards, tcp flags, a stateful match) and
// every concrete packet built from the boundary values the rules mention (plus
// one value outside each), walked by the plain interpreter in walk.ts.
//
// The boundary values cut every field into cells no rule distinguishes, and the
// packets include one value of every cell, so for rules without unmodelled
// matches "some enumerated packet reaches the rule" decides reachability
// exactly. Checked: (1) soundness — no packet reaches and matches a rule the
// analysis calls unreachable (every CS101/CS102 finding holds); (2) exactness —
// without unmodelled matches, the analysis and the interpreter agree on every rule.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildAnalysis } from '../../src/analysis/lint-analysis.js';
import type { Rule, Ruleset } from '../../src/ruleset/model.js';
import type { Packet, PacketState } from '../../src/space/packet-space.js';
import { build } from '../lint/build.js';
import { walk } from './walk.js';

const SOURCES = ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.3/32', '192.168.0.0/16'];
const IFACES = ['eth0', 'eth1', 'br0.10', 'br0.+'];
const PORTS = ['22', '80', '79:81', '1000:65535'];
const STATES = ['NEW', 'ESTABLISHED', 'RELATED,ESTABLISHED', 'INVALID', 'NEW,UNTRACKED'];
/** Includes a comparison outside its own mask, which the kernel never matches. */
const FLAGS = ['--syn', '--tcp-flags FIN,SYN,RST,ACK SYN', '--tcp-flags SYN,ACK ACK', '--tcp-flags SYN SYN,ACK'];

const neg = fc.boolean().map((b) => (b ? '! ' : ''));
const part = <T>(a: fc.Arbitrary<T>) => fc.option(a, { freq: 2, nil: undefined });

function matchText(opaque: boolean) {
  return fc
    .record({
      src: part(fc.tuple(neg, fc.constantFrom(...SOURCES))),
      iface: part(fc.tuple(neg, fc.constantFrom(...IFACES))),
      l4: part(fc.tuple(fc.constantFrom('tcp', 'udp'), part(fc.tuple(fc.boolean(), fc.constantFrom(...PORTS))))),
      flags: part(fc.tuple(neg, fc.constantFrom(...FLAGS))),
      multiport: part(fc.constantFrom('22,80', '80,1000:2000')),
      state: part(fc.tuple(neg, fc.constantFrom(...STATES))),
      recent: opaque ? fc.integer({ min: 0, max: 3 }).map((n) => n === 0) : fc.constant(false),
    })
    .map((m) => {
      const out: string[] = [];
      if (m.src) out.push(`${m.src[0]}-s ${m.src[1]}`);
      if (m.iface) out.push(`${m.iface[0]}-i ${m.iface[1]}`);
      if (m.l4) {
        out.push(`-p ${m.l4[0]} -m ${m.l4[0]}`);
        if (m.l4[1]) out.push(`${m.l4[1][0] ? '! ' : ''}--dport ${m.l4[1][1]}`);
        if (m.l4[0] === 'tcp' && m.flags) out.push(`${m.flags[0]}${m.flags[1]}`);
        if (m.multiport && !m.l4[1]) out.push(`-m multiport --dports ${m.multiport}`);
      }
      if (m.state) out.push(`-m conntrack ${m.state[0]}--ctstate ${m.state[1]}`);
      if (m.recent) out.push('-m recent --rcheck --name x');
      return out.join(' ');
    });
}

/** Targets per chain; jumps only go "down" (INPUT -> A -> B), so there is no cycle. */
const TARGETS: Record<string, string[]> = {
  INPUT: ['-j ACCEPT', '-j DROP', '-j REJECT', '-j A', '-j B', '-g A', '-j LOG'],
  A: ['-j ACCEPT', '-j DROP', '-j RETURN', '-j B', '-g B', '-j LOG'],
  B: ['-j ACCEPT', '-j DROP', '-j REJECT', '-j RETURN', '-j LOG'],
};

function rulesetArb(opaque: boolean): fc.Arbitrary<string> {
  const rule = (chain: string) => fc.tuple(matchText(opaque), fc.constantFrom(...TARGETS[chain]!)).map(([m, t]) => `-A ${chain} ${m} ${t}`.replace(/\s+/g, ' '));
  return fc
    .tuple(fc.constantFrom('ACCEPT', 'DROP'), fc.array(rule('INPUT'), { minLength: 1, maxLength: 7 }), fc.array(rule('A'), { maxLength: 5 }), fc.array(rule('B'), { maxLength: 5 }))
    .map(([policy, i, a, b]) => ['*filter', `:INPUT ${policy} [0:0]`, ':A - [0:0]', ':B - [0:0]', ...i, ...a, ...b, 'COMMIT'].join('\n'));
}

function ip(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}
function cidr(c: string): [number, number] {
  const [a, l] = c.split('/');
  const base = a!.split('.').reduce((x, o) => x * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(l ?? 32));
  return [base, base + size - 1];
}

/** One packet per cell of the boundaries above (see the file comment). */
function packets(): Packet[] {
  const srcs = new Set<number>([0, 2 ** 32 - 1]);
  for (const c of SOURCES) {
    const [lo, hi] = cidr(c);
    for (const v of [lo, hi, lo - 1, hi + 1]) if (v >= 0 && v < 2 ** 32) srcs.add(v);
  }
  const ports = new Set<number>([0]);
  for (const p of PORTS) {
    const [lo, hi] = p.split(':').map(Number) as [number, number?];
    for (const v of [lo, hi ?? lo, lo - 1, (hi ?? lo) + 1]) if (v <= 65535) ports.add(v);
  }
  const states: PacketState[] = ['new', 'established', 'related', 'invalid', 'untracked'];
  const out: Packet[] = [];
  for (const s of srcs)
    for (const inIf of ['eth0', 'eth1', 'br0.10', 'br0.20', 'lo'])
      for (const state of states) {
        const base = { in: inIf, out: 'eth9', src: ip(s), dst: '10.9.9.9', state };
        out.push({ ...base, proto: 'icmp', icmpType: 8, icmpCode: 0 });
        for (const proto of ['tcp', 'udp'])
          for (const dport of ports)
            for (const tcpFlags of proto === 'tcp' ? ['SYN', 'ACK', 'SYN,ACK'] : [undefined])
              out.push({ ...base, proto, sport: 40000, dport, ...(tcpFlags ? { tcpFlags } : {}) });
      }
  return out;
}
const PACKETS = packets();
/** Each run walks ~5,000 packets; FC_RUNS=500 for a deeper search. */
const RUNS = Number(process.env.FC_RUNS ?? 50);

/** The rules some packet reaches and may match, entering at INPUT (and at user chains nothing enters). */
function bruteReached(rs: Ruleset): Set<Rule> {
  const table = rs.tables[0]!;
  const reached = new Set<Rule>();
  const entered = new Set(table.chains.flatMap((c) => c.rules.map((r) => r.target?.name)));
  const roots = table.chains.filter((c) => c.builtin || !entered.has(c.name));
  for (const root of roots) for (const p of PACKETS) walk(table, root, p, reached);
  return reached;
}

function check(text: string, exact: boolean): void {
  const rs = build(text);
  const a = buildAnalysis([rs]);
  const reached = bruteReached(rs);
  const table = rs.tables[0]!;
  for (const chain of table.chains)
    for (const r of a.chainReach(rs, table, chain)) {
      const brute = reached.has(r.rule);
      const where = `${text}\nrule: ${r.rule.text}`;
      if (!r.reachable) assert.not.ok(brute, `the analysis calls a reachable rule dead:\n${where}`);
      if (exact) assert.is(r.reachable, brute, `analysis ${r.reachable}, interpreter ${brute}:\n${where}`);
      if (!r.reachable && r.blockers.length) {
        // The blockers are earlier rules of the same chain.
        for (const b of r.blockers) assert.ok(chain.rules.indexOf(b.rule) < r.index, where);
      }
    }
}

test('reach: exact against brute force, without unmodelled matches', () => {
  fc.assert(fc.property(rulesetArb(false), (text) => check(text, true)), { numRuns: RUNS });
});

test('reach: sound against brute force, with stateful matches', () => {
  fc.assert(fc.property(rulesetArb(true), (text) => check(text, false)), { numRuns: Math.ceil(RUNS / 2) });
});

test('reach: the fixed examples', () => {
  check(['*filter', ':INPUT ACCEPT [0:0]', ':A - [0:0]', ':B - [0:0]', '-A INPUT -s 10.0.0.0/8 -g A', '-A INPUT -s 10.1.0.0/16 -j ACCEPT', '-A A -j RETURN', 'COMMIT'].join('\n'), true);
});

test('reach: a chain entered one way tells its rules apart by interface and state (the remembered witness search)', () => {
  // B is entered by packets from eth+ but eth1 that are not ESTABLISHED: a set
  // its hull (eth+, any state) does not describe. Its rules pin nothing that
  // the entry tests but their interface and state, which decide their reach.
  const text = [
    '*filter', ':INPUT DROP [0:0]', ':A - [0:0]', ':B - [0:0]',
    '-A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT',
    '-A INPUT -i eth1 -j DROP',
    '-A INPUT -i eth+ -j B',
    // None of B's rules overlaps another, so each is decided by the entry alone.
    '-A B -s 10.1.2.3/32 -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -j ACCEPT',
    '-A B -p udp -m udp --dport 80 -m conntrack --ctstate ESTABLISHED -j ACCEPT',
    '-A B -i eth0 -p tcp -m tcp --dport 80 -j ACCEPT',
    '-A B -i eth1 -p udp -m udp --dport 22 -j ACCEPT',
    '-A B -s 10.0.0.0/8 -i br0.+ -p udp -m udp --dport 1000:65535 -j DROP',
    '-A B -p tcp -m tcp --dport 1000:65535 -m conntrack --ctstate NEW,UNTRACKED -j DROP',
    'COMMIT',
  ].join('\n');
  check(text, true);
  const rs = build(text);
  const table = rs.tables[0]!;
  const b = table.chains.find((c) => c.name === 'B')!;
  const reach = buildAnalysis([rs]).chainReach(rs, table, b).map((r) => r.reachable);
  assert.equal(reach, [true, false, true, false, false, true]);
});

test.run();
