// builtinVerdicts against a plain concrete interpreter written here, which
// shares no code with src/: random small rulesets (jumps, gotos, RETURN,
// negations) and every packet of a small universe must get the same verdict.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { matchOf } from '../../src/analysis/spaces.js';
import { builtinVerdicts, userChainOutcome, verdictBoundsWithin, type Within } from '../../src/analysis/verdict.js';
import { missesAll, packetBox } from '../../src/analysis/box.js';
import type { Chain, Match, Neg, Rule, Table } from '../../src/ruleset/model.js';
import { PacketSpace, type Packet } from '../../src/space/index.js';

// ---- a tiny rule language and its interpreter ---------------------------------

interface TestRule {
  src?: { cidr: string; negated: boolean };
  proto?: { name: 'tcp' | 'udp'; negated: boolean };
  dport?: { port: string; negated: boolean };
  state?: { states: string[]; negated: boolean };
  iface?: { name: string; negated: boolean };
  target: string;
  goto?: boolean;
}

interface TestPacket {
  in: string;
  src: string;
  proto: 'tcp' | 'udp' | 'icmp';
  dport?: number;
  state: 'NEW' | 'ESTABLISHED' | 'INVALID';
}

function ipNumber(a: string): number {
  return a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function inCidr(addr: string, cidr: string): boolean {
  const [net, len] = cidr.split('/');
  const size = 2 ** (32 - Number(len ?? 32));
  return Math.floor(ipNumber(addr) / size) === Math.floor(ipNumber(net!) / size);
}

function portIn(port: number, spec: string): boolean {
  const [lo, hi] = spec.split(':').map(Number);
  return port >= lo! && port <= (hi ?? lo!);
}

function ifaceIn(name: string, pattern: string): boolean {
  return pattern.endsWith('+') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

function ruleMatches(r: TestRule, p: TestPacket): boolean {
  const xor = (v: boolean, neg: boolean) => v !== neg;
  if (r.src && !xor(inCidr(p.src, r.src.cidr), r.src.negated)) return false;
  if (r.proto && !xor(p.proto === r.proto.name, r.proto.negated)) return false;
  // `-m tcp --dport` only ever matches packets of that protocol, negated or not.
  if (r.dport && (p.dport === undefined || !xor(portIn(p.dport, r.dport.port), r.dport.negated))) return false;
  if (r.state && !xor(r.state.states.includes(p.state), r.state.negated)) return false;
  if (r.iface && !xor(ifaceIn(p.in, r.iface.name), r.iface.negated)) return false;
  return true;
}

type Chains = Record<string, TestRule[]>;

/** iptables' traversal: a stack of return points; -g replaces the current frame. */
function interpret(chains: Chains, policy: string, p: TestPacket): string {
  const stack: Array<[string, number]> = [];
  let chain = 'INPUT';
  let i = 0;
  for (let steps = 0; steps < 10_000; steps++) {
    const rules = chains[chain];
    if (rules === undefined) return 'UNKNOWN';
    const r = rules[i];
    if (!r || (ruleMatches(r, p) && r.target === 'RETURN')) {
      const back = stack.pop();
      if (!back) return policy;
      [chain, i] = back;
      continue;
    }
    if (!ruleMatches(r, p) || r.target === 'LOG') {
      i++;
      continue;
    }
    if (['ACCEPT', 'DROP', 'REJECT'].includes(r.target)) return r.target;
    if (!r.goto) stack.push([chain, i + 1]);
    chain = r.target;
    i = 0;
  }
  return 'UNKNOWN';
}

// ---- the same rules as model rules ------------------------------------------------

const loc = { file: 't.rules', line: 1, column: 1 };

function toModel(r: TestRule): Rule {
  const neg = (value: string, negated: boolean): Neg => ({ value, negated });
  const matches: Match[] = [];
  const rule: Rule = { loc, matches };
  if (r.src) rule.src = neg(r.src.cidr, r.src.negated);
  if (r.iface) rule.inIface = neg(r.iface.name, r.iface.negated);
  if (r.proto) rule.proto = neg(r.proto.name, r.proto.negated);
  if (r.dport) {
    // The dport match needs a positive protocol; the generator guarantees one.
    matches.push({ module: r.proto!.name, options: [{ name: 'dport', negated: r.dport.negated, args: [r.dport.port] }] });
  }
  if (r.state) matches.push({ module: 'conntrack', options: [{ name: 'ctstate', negated: r.state.negated, args: [r.state.states.join(',')] }] });
  rule.target = { name: r.target, goto: r.goto === true, options: [] };
  return rule;
}

function toTable(chains: Chains, policy: string): Table {
  const list: Chain[] = Object.entries(chains).map(([name, rules]) => ({
    name,
    builtin: name === 'INPUT',
    policy: name === 'INPUT' ? policy : undefined,
    rules: rules.map(toModel),
    loc,
  }));
  return { name: 'filter', chains: list, loc };
}

// ---- generators ---------------------------------------------------------------

const USER = ['A', 'B', 'C'];

function ruleArb(chainIndex: number): fc.Arbitrary<TestRule> {
  // Jumps only go to later chains, so random rulesets have no cycles (cycles are hand cases).
  const callees = USER.slice(chainIndex);
  const targets = fc.constantFrom('ACCEPT', 'DROP', 'REJECT', 'RETURN', 'LOG', ...callees);
  const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });
  return fc
    .record({
      src: opt(fc.record({ cidr: fc.constantFrom('10.0.0.1/32', '10.0.0.0/30', '10.0.1.0/24', '10.0.0.0/8'), negated: fc.boolean() })),
      proto: opt(fc.record({ name: fc.constantFrom<'tcp' | 'udp'>('tcp', 'udp'), negated: fc.boolean() })),
      dport: opt(fc.record({ port: fc.constantFrom('22', '80', '20:25'), negated: fc.boolean() })),
      state: opt(fc.record({ states: fc.subarray(['NEW', 'ESTABLISHED', 'INVALID'], { minLength: 1 }), negated: fc.boolean() })),
      iface: opt(fc.record({ name: fc.constantFrom('eth0', 'eth+', 'lo'), negated: fc.boolean() })),
      target: targets,
      goto: fc.boolean(),
    })
    .map((r) => {
      // `-m tcp --dport` requires `-p tcp` (not negated), as iptables does.
      if (r.dport && (!r.proto || r.proto.negated)) delete r.dport;
      if (!USER.includes(r.target)) r.goto = false;
      return r;
    });
}

const rulesetArb = fc.record({
  INPUT: fc.array(ruleArb(0), { maxLength: 6 }),
  A: fc.array(ruleArb(1), { maxLength: 4 }),
  B: fc.array(ruleArb(2), { maxLength: 4 }),
  C: fc.array(ruleArb(3), { maxLength: 3 }),
  policy: fc.constantFrom('ACCEPT', 'DROP'),
});

const PACKETS: TestPacket[] = [];
for (const inIf of ['eth0', 'eth1', 'lo', 'wlan0'])
  for (const src of ['10.0.0.1', '10.0.0.2', '10.0.1.5', '10.9.9.9', '192.168.0.1'])
    for (const proto of ['tcp', 'udp', 'icmp'] as const)
      for (const dport of proto === 'icmp' ? [undefined] : [22, 80, 23, 443])
        for (const state of ['NEW', 'ESTABLISHED', 'INVALID'] as const) PACKETS.push({ in: inIf, src, proto, dport, state });

function asPacket(p: TestPacket): Packet {
  const q: Packet = { in: p.in, out: '', src: p.src, dst: '10.1.1.1', proto: p.proto, state: p.state.toLowerCase() as Packet['state'] };
  if (p.dport !== undefined) Object.assign(q, { sport: 40000, dport: p.dport });
  if (p.proto === 'tcp') q.tcpFlags = 'SYN';
  if (p.proto === 'icmp') Object.assign(q, { icmpType: 8, icmpCode: 0 });
  return q;
}

test('random rulesets: builtinVerdicts agrees with the concrete interpreter on every packet', () => {
  // One space for all runs: a space's BDD tables are large to allocate, and these rules use no opaque variables.
  const sp = new PacketSpace('ipv4', { interfaces: ['eth0', 'eth+', 'lo', 'eth1', 'wlan0'] });
  // Each packet as one full variable assignment (they are concrete: exactly one assignment each).
  const bits = PACKETS.map((p) => sp.bdd.pick(sp.packetSet(asPacket(p)))!);
  fc.assert(
    fc.property(rulesetArb, ({ policy, ...chains }) => {
      const table = toTable(chains, policy);
      const v = builtinVerdicts(sp, table, 'INPUT');
      // A partition of all packets.
      assert.is(sp.or(sp.or(v.accept, v.drop), sp.or(v.reject, v.unknown)), sp.all());
      assert.ok(sp.isEmpty(v.unknown));
      for (const [i, p] of PACKETS.entries()) {
        const inSets = (['accept', 'drop', 'reject', 'unknown'] as const).filter((k) => sp.bdd.evaluate(v[k], bits[i]!));
        assert.equal(inSets, [interpret(chains, policy, p).toLowerCase()], JSON.stringify(p));
      }
    }),
    { numRuns: 200 },
  );
});

test('random rulesets and packet sets: verdictBoundsWithin (forwards, skipping by box) is builtinVerdicts inside the set', () => {
  const sp = new PacketSpace('ipv4', { interfaces: ['eth0', 'eth+', 'lo', 'eth1', 'wlan0'] });
  const SLOTS = ['accept', 'drop', 'reject', 'unknown'] as const;
  const pointsArb = fc.subarray(PACKETS.map((_, i) => i), { minLength: 1, maxLength: 4 });
  const kindArb = fc.constantFrom('points', 'invalid', 'points-no-skip', 'fallback');
  fc.assert(
    fc.property(rulesetArb, pointsArb, kindArb, ({ policy, ...chains }, points, kind) => {
      const table = toTable(chains, policy);
      const full = builtinVerdicts(sp, table, 'INPUT');
      let within: Within;
      if (kind === 'invalid') within = { set: sp.fieldIn('state', [3]) };
      else {
        const pkts = points.map((i) => asPacket(PACKETS[i]!));
        let set = 0;
        for (const p of pkts) set = sp.or(set, sp.packetSet(p));
        const boxes = pkts.map((p) => packetBox(p, 'ipv4'));
        const skip = missesAll(boxes, 'ipv4');
        within = kind === 'points-no-skip' ? { set } : { set, skip };
      }
      // No unmodelled matches here: both bounds are the exact sets.
      const got = verdictBoundsWithin(sp, table, 'INPUT', within, kind === 'fallback' ? { forwardNodeBudget: 0 } : {});
      for (const k of SLOTS) {
        assert.is(got.certain[k], sp.and(full[k], sp.and(within.set, sp.all())), `${kind} certain ${k}`);
        assert.is(got.possible[k], sp.and(full[k], sp.and(within.set, sp.all())), `${kind} possible ${k}`);
      }
    }),
    { numRuns: 300 },
  );
});

// ---- hand cases -------------------------------------------------------------

function tableOf(chains: Chains, policy = 'DROP'): Table {
  return toTable(chains, policy);
}

const ssh: TestRule = { proto: { name: 'tcp', negated: false }, dport: { port: '22', negated: false }, target: 'ACCEPT' };
const newSsh: TestPacket = { in: 'eth0', src: '10.0.0.1', proto: 'tcp', dport: 22, state: 'NEW' };

test('goto: the goto chain falling off the end means the built-in policy, not the next rule', () => {
  const chains: Chains = { INPUT: [{ target: 'A', goto: true }, ssh], A: [{ target: 'LOG' }] };
  const sp = new PacketSpace('ipv4');
  const v = builtinVerdicts(sp, tableOf(chains), 'INPUT');
  assert.is(sp.contains(v.drop, asPacket(newSsh)), 'yes');
  assert.is(interpret(chains, 'DROP', newSsh), 'DROP');
});

test('jump: RETURN from the callee continues after the jump', () => {
  const chains: Chains = { INPUT: [{ target: 'A' }, ssh], A: [{ target: 'RETURN' }, { target: 'DROP' }] };
  const sp = new PacketSpace('ipv4');
  const v = builtinVerdicts(sp, tableOf(chains), 'INPUT');
  assert.is(sp.contains(v.accept, asPacket(newSsh)), 'yes');
});

test('goto from a jumped-to chain returns to the jumping chain', () => {
  // INPUT -j A; A -g B; B falls off -> back in INPUT after the jump -> ssh ACCEPT.
  const chains: Chains = { INPUT: [{ target: 'A' }, ssh], A: [{ target: 'B', goto: true }, { target: 'DROP' }], B: [] };
  const sp = new PacketSpace('ipv4');
  const v = builtinVerdicts(sp, tableOf(chains), 'INPUT');
  assert.is(sp.contains(v.accept, asPacket(newSsh)), 'yes');
  assert.is(interpret(chains, 'DROP', newSsh), 'ACCEPT');
  const a = userChainOutcome(sp, tableOf(chains), 'A');
  assert.is(a.ret, sp.all());
});

test('a missing chain and a jump cycle are unknown, and say why', () => {
  const missing = builtinVerdicts(new PacketSpace('ipv4'), tableOf({ INPUT: [{ iface: { name: 'eth0', negated: false }, target: 'NOPE' }] }), 'INPUT');
  assert.ok(missing.approximate?.some((n) => n.includes('NOPE') && n.includes('does not exist')), String(missing.approximate));
  const sp = new PacketSpace('ipv4');
  const cyc = builtinVerdicts(sp, tableOf({ INPUT: [{ target: 'A' }], A: [{ target: 'B' }], B: [{ target: 'A' }] }), 'INPUT');
  assert.is(cyc.unknown, sp.all());
  assert.ok(cyc.approximate?.some((n) => n.includes('cycle')));
});

test('QUEUE is unknown; an unmodelled match leaves the verdict depending on it', () => {
  const sp = new PacketSpace('ipv4');
  const rule: Rule = { loc, matches: [{ module: 'recent', options: [{ name: 'rcheck', negated: false, args: [] }] }], target: { name: 'DROP', goto: false, options: [] } };
  const queue: Rule = { loc, proto: { value: 'udp', negated: false }, matches: [], target: { name: 'NFQUEUE', goto: false, options: [] } };
  const table: Table = { name: 'filter', loc, chains: [{ name: 'INPUT', builtin: true, policy: 'ACCEPT', rules: [queue, rule], loc }] };
  const v = builtinVerdicts(sp, table, 'INPUT');
  assert.is(sp.contains(v.unknown, asPacket({ ...newSsh, proto: 'udp' })), 'yes');
  assert.is(sp.contains(v.accept, asPacket(newSsh)), 'depends');
  assert.is(sp.contains(sp.possibly(v.drop), asPacket(newSsh)), 'yes');
});

test('nat: DNAT ends the traversal of the chain (ACCEPT)', () => {
  const sp = new PacketSpace('ipv4');
  const dnat: Rule = { loc, proto: { value: 'tcp', negated: false }, matches: [], target: { name: 'DNAT', goto: false, options: [] } };
  const table: Table = { name: 'nat', loc, chains: [{ name: 'PREROUTING', builtin: true, policy: 'ACCEPT', rules: [dnat], loc }] };
  assert.is(builtinVerdicts(sp, table, 'PREROUTING').accept, sp.all());
});

function bigTable(n: number): Table {
  const rules: Rule[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % 1000 === 999 ? i - 500 : i;
    rules.push({
      loc,
      src: { value: `10.10.${(k >> 8) & 255}.${k & 255}/32`, negated: false },
      dst: { value: `10.20.${k & 255}.${(k >> 8) & 255}/32`, negated: false },
      proto: { value: 'tcp', negated: false },
      matches: [{ module: 'tcp', options: [{ name: 'dport', negated: false, args: [String(1 + (k % 1000))] }] }],
      target: { name: i % 3 === 0 ? 'DROP' : 'ACCEPT', goto: false, options: [] },
    });
  }
  return { name: 'filter', loc, chains: [{ name: 'FORWARD', builtin: true, policy: 'DROP', rules, loc }] };
}

test('10,000 host rules in well under a second (rules encoded beforehand)', () => {
  // Best of two fresh runs, so a busy CI machine does not make the test flaky.
  let best = Infinity;
  for (let attempt = 0; attempt < 2 && best >= 1000; attempt++) {
    const table = bigTable(10_000);
    const sp = new PacketSpace('ipv4');
    for (const r of table.chains[0]!.rules) matchOf(sp, r);
    const t = performance.now();
    const v = builtinVerdicts(sp, table, 'FORWARD');
    best = Math.min(best, performance.now() - t);
    assert.is(sp.contains(v.accept, { in: 'x', out: 'y', src: '10.10.0.1', dst: '10.20.1.0', proto: 'tcp', sport: 1, dport: 2, state: 'new' }), 'yes');
    assert.is(sp.contains(v.drop, { in: 'x', out: 'y', src: '10.10.0.0', dst: '10.20.0.0', proto: 'tcp', sport: 1, dport: 1, state: 'new' }), 'yes');
  }
  assert.ok(best < 1000, `${best.toFixed(0)} ms`);
});

test.run();
