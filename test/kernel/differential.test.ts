// Kernel differential tests: the analysis against what the kernel really does.
//
// 1. explain: random FORWARD rulesets over the lab's interfaces, addresses and
//    ports (fast-check, fixed seed) and random TCP/UDP probes between guests;
//    explainPacket's verdict for the first packet (state NEW) must be ACCEPT
//    exactly when the probe gets through the router.
// 2. diff: random OLD/NEW pairs whose rules pin guests, protocol and port;
//    every example packet `diff` prints must pass under one ruleset and not
//    under the other (newly accepted: NEW passes it, OLD does not).
//
// Every ruleset starts with an ESTABLISHED,RELATED accept so replies pass and a
// probe's outcome is decided by its first packet alone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { kernelSkipReason } from './netns.js';
import { GUESTS, Lab, type GuestName } from './lab.js';
import { parseRuleset } from '../../src/ruleset/parse.js';
import { explainPacket } from '../../src/analysis/explain.js';
import { parseDump } from '../../src/diff/inputs.js';
import { diffSides } from '../../src/diff/index.js';
import type { Packet } from '../../src/space/index.js';

const skip = kernelSkipReason();
const t = skip ? test.skip : test;

const SEED = Number(process.env.CS_DIFFERENTIAL_SEED ?? 20240611);
const PROBE_TIMEOUT_MS = 700;
const GUEST_NAMES: GuestName[] = ['web1', 'app1', 'db1', 'outside1'];
const PORTS = [22, 80, 3306, 5000];

const ip = (g: GuestName) => GUESTS[g].ipv4.split('/')[0]!;
const routerIf = (g: GuestName) => GUESTS[g].routerIf;

// ---- random rulesets -----------------------------------------------------------

const iface = fc.constantFrom(undefined, 'br0.10', 'br0.20', 'br0.30', 'eth0', 'br0.+', '! br0.10', '! eth0');
const addr = fc.constantFrom(undefined, '10.0.10.5/32', '10.0.20.0/24', '10.0.30.5/32', '10.0.0.0/16', '198.51.100.0/24', '! 10.0.20.0/24', '! 198.51.100.5/32');
const l4 = fc.constantFrom(
  '',
  '-p tcp',
  '-p udp',
  '-p tcp -m tcp --dport 22',
  '-p udp -m udp --dport 5000',
  '-p tcp -m tcp --dport 1:1000',
  '-p tcp -m tcp ! --dport 3306',
  '-p tcp -m multiport --dports 22,80,3306',
  '-p udp -m multiport --dports 80,5000',
);

function ruleArb(targets: readonly string[]) {
  return fc.record({ in: iface, out: iface, src: addr, dst: addr, l4, target: fc.constantFrom(...targets) }).map((r) => {
    const parts: string[] = [];
    const opt = (flag: string, v: string | undefined) => {
      if (v === undefined) return;
      parts.push(v.startsWith('! ') ? `! ${flag} ${v.slice(2)}` : `${flag} ${v}`);
    };
    opt('-i', r.in);
    opt('-o', r.out);
    opt('-s', r.src);
    opt('-d', r.dst);
    if (r.l4) parts.push(r.l4);
    parts.push(`-j ${r.target}`);
    return parts.join(' ');
  });
}

const rulesetArb = fc
  .record({
    policy: fc.constantFrom('ACCEPT', 'DROP'),
    forward: fc.array(ruleArb(['ACCEPT', 'ACCEPT', 'DROP', 'REJECT', 'sub', 'RETURN']), { minLength: 1, maxLength: 6 }),
    sub: fc.array(ruleArb(['ACCEPT', 'DROP', 'RETURN']), { maxLength: 3 }),
  })
  .map(
    ({ policy, forward, sub }) =>
      `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ${policy} [0:0]\n:OUTPUT ACCEPT [0:0]\n:sub - [0:0]\n` +
      '-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n' +
      forward.map((r) => `-A FORWARD ${r}\n`).join('') +
      sub.map((r) => `-A sub ${r}\n`).join('') +
      'COMMIT\n',
  );

interface Probe {
  from: GuestName;
  to: GuestName;
  proto: 'tcp' | 'udp';
  port: number;
}

const probeArb: fc.Arbitrary<Probe> = fc
  .record({ from: fc.constantFrom(...GUEST_NAMES), to: fc.constantFrom(...GUEST_NAMES), proto: fc.constantFrom<'tcp' | 'udp'>('tcp', 'udp'), port: fc.constantFrom(...PORTS) })
  .filter((p) => p.from !== p.to);

async function kernelPasses(lab: Lab, p: Probe): Promise<boolean> {
  const r = p.proto === 'tcp' ? await lab.tcp(p.from, p.to, p.port, { timeoutMs: PROBE_TIMEOUT_MS }) : await lab.udp(p.from, p.to, p.port, { timeoutMs: PROBE_TIMEOUT_MS });
  return r.passed;
}

t('explain: the verdict for a NEW packet is what the kernel does to the probe', async () => {
  const rulesets = fc.sample(rulesetArb, { numRuns: 8, seed: SEED });
  const probes = fc.sample(fc.array(probeArb, { minLength: 6, maxLength: 6 }), { numRuns: 8, seed: SEED + 1 });
  const lab = await Lab.create();
  try {
    for (const [i, text] of rulesets.entries()) {
      await lab.loadRouter(text);
      const rs = parseRuleset(text, `random-${i}.rules`).ruleset;
      for (const p of probes[i]!) {
        const verdict = explainPacket(rs, { in: routerIf(p.from), out: routerIf(p.to), src: ip(p.from), dst: ip(p.to), proto: p.proto, sport: 40000, dport: p.port, state: 'new' }, { chain: 'FORWARD' }).verdict;
        const passed = await kernelPasses(lab, p);
        assert.is(verdict === 'ACCEPT', passed, `seed ${SEED}, ruleset ${i}, ${p.proto} ${p.from} -> ${p.to}:${p.port}: explain says ${verdict}, kernel ${passed ? 'passed' : 'blocked'} it\n${text}`);
      }
    }
  } finally {
    await lab.destroy();
  }
});

// ---- diff examples ----------------------------------------------------------------

/** A rule that pins everything a probe has, so every diff piece is made of lab packets. */
const pinnedRuleArb = fc
  .record({ from: fc.constantFrom(...GUEST_NAMES), to: fc.constantFrom(...GUEST_NAMES), proto: fc.constantFrom('tcp', 'udp'), port: fc.constantFrom(...PORTS), target: fc.constantFrom('ACCEPT', 'ACCEPT', 'ACCEPT', 'DROP', 'REJECT') })
  .filter((r) => r.from !== r.to)
  .map((r) => `-A FORWARD -s ${ip(r.from)}/32 -d ${ip(r.to)}/32 -i ${routerIf(r.from)} -o ${routerIf(r.to)} -p ${r.proto} -m ${r.proto} --dport ${r.port} -j ${r.target}`);

const pairArb = fc
  .record({ old: fc.array(pinnedRuleArb, { minLength: 2, maxLength: 6 }), added: fc.array(pinnedRuleArb, { minLength: 1, maxLength: 2 }), drop: fc.nat(), at: fc.nat(), swap: fc.boolean() })
  .map(({ old, added, drop, at, swap }) => {
    const rules = [...old];
    rules.splice(drop % rules.length, 1);
    for (const r of added) rules.splice(at % (rules.length + 1), 0, r);
    if (swap && rules.length > 1) [rules[0], rules[1]] = [rules[1]!, rules[0]!];
    return { old: withRules(old), new: withRules(rules) };
  });

function withRules(rules: string[]): string {
  return '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n' + rules.map((r) => r + '\n').join('') + 'COMMIT\n';
}

function probeFor(ex: Packet): Probe {
  const guest = (addr: string) => GUEST_NAMES.find((g) => ip(g) === addr);
  const from = guest(ex.src);
  const to = guest(ex.dst);
  if (!from || !to || (ex.proto !== 'tcp' && ex.proto !== 'udp') || ex.dport === undefined) throw new Error(`example is not a lab packet: ${JSON.stringify(ex)}`);
  assert.is(ex.in, routerIf(from));
  assert.is(ex.out, routerIf(to));
  assert.is(ex.state, 'new');
  return { from, to, proto: ex.proto, port: ex.dport };
}

t('diff: every example packet passes under one ruleset and not under the other', async () => {
  const pairs = fc.sample(pairArb, { numRuns: 8, seed: SEED + 2 });
  const lab = await Lab.create();
  let checked = 0;
  try {
    for (const [i, pair] of pairs.entries()) {
      const res = diffSides({ name: 'old', rulesets: { ipv4: parseDump(pair.old, 'old.rules') } }, { name: 'new', rulesets: { ipv4: parseDump(pair.new, 'new.rules') } });
      const examples: Array<{ packet: Packet; passesIn: 'old' | 'new' }> = [];
      for (const s of res.semantic) {
        assert.is(s.chain, 'FORWARD');
        for (const p of s.newlyAccepted) examples.push({ packet: p.example!, passesIn: 'new' });
        for (const p of s.newlyDropped) examples.push({ packet: p.example!, passesIn: 'old' });
      }
      for (const { packet, passesIn } of examples.slice(0, 3)) {
        const probe = probeFor(packet);
        await lab.loadRouter(pair.old);
        const underOld = await kernelPasses(lab, probe);
        await lab.loadRouter(pair.new);
        const underNew = await kernelPasses(lab, probe);
        const why = `seed ${SEED}, pair ${i}, example ${JSON.stringify(packet)}\nOLD:\n${pair.old}NEW:\n${pair.new}`;
        assert.is(underOld, passesIn === 'old', why);
        assert.is(underNew, passesIn === 'new', why);
        checked++;
      }
    }
  } finally {
    await lab.destroy();
  }
  assert.ok(checked >= 5, `only ${checked} examples checked: the generator makes too few differences`);
});

test.run();
