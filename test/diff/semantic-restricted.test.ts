// The semantic diff looks only where the edit can matter (src/diff/semantic.ts,
// touchedPackets): the verdict sets are computed inside the union of the
// changed rules' match sets, and rules whose box misses every changed rule are
// not encoded. Property: for random rulesets and random edits of them (rules
// inserted, removed, replaced, moved, policies changed), in one space,
//  - outside the touched set, OLD's and NEW's full verdict sets agree, and
//  - inside it, the restricted verdict sets are exactly the full ones,
// so the diff of the restricted sets is the diff of the full sets.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDump } from '../../src/diff/inputs.js';
import { diffSides } from '../../src/diff/index.js';
import { structuralDiff } from '../../src/diff/structural.js';
import { diffSpace, semanticDiff, touchedPackets } from '../../src/diff/semantic.js';
import { builtinVerdicts } from '../../src/analysis/verdict.js';

const SOURCES = ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.3/32', '192.168.0.0/16'];
const IFACES = ['eth0', 'eth1', 'br0.10', 'br0.+'];
const PORTS = ['22', '80', '79:81', '1000:65535'];
const STATES = ['NEW', 'ESTABLISHED', 'RELATED,ESTABLISHED', 'INVALID'];

const neg = fc.boolean().map((b) => (b ? '! ' : ''));
const part = <T>(a: fc.Arbitrary<T>) => fc.option(a, { freq: 2, nil: undefined });

const matchText = fc
  .record({
    src: part(fc.tuple(neg, fc.constantFrom(...SOURCES))),
    iface: part(fc.tuple(neg, fc.constantFrom(...IFACES))),
    l4: part(fc.tuple(fc.constantFrom('tcp', 'udp'), part(fc.tuple(fc.boolean(), fc.constantFrom(...PORTS))))),
    state: part(fc.tuple(neg, fc.constantFrom(...STATES))),
    // Unmodelled matches: a deterministic one (mark) and a stateful one (limit).
    opaque: fc.constantFrom('', '', '', '', '-m mark --mark 0x1', '-m limit --limit 3/min'),
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
const CHAINS = Object.keys(TARGETS);

const ruleArb = (chain: string) => fc.tuple(matchText, fc.constantFrom(...TARGETS[chain]!)).map(([m, t]) => `${m} ${t}`.trim().replace(/\s+/g, ' '));

interface Side {
  policy: string;
  chains: Record<string, string[]>;
}

const sideArb: fc.Arbitrary<Side> = fc.record({
  policy: fc.constantFrom('ACCEPT', 'DROP'),
  chains: fc.record({ INPUT: fc.array(ruleArb('INPUT'), { minLength: 1, maxLength: 8 }), A: fc.array(ruleArb('A'), { maxLength: 5 }), B: fc.array(ruleArb('B'), { maxLength: 5 }) }),
});

type Edit =
  | { op: 'insert'; chain: string; at: number; rule: string }
  | { op: 'remove'; chain: string; at: number }
  | { op: 'replace'; chain: string; at: number; rule: string }
  | { op: 'move'; chain: string; from: number; to: number }
  | { op: 'policy' };

const editArb: fc.Arbitrary<Edit> = fc.constantFrom(...CHAINS).chain((chain) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.record({ op: fc.constant('insert' as const), chain: fc.constant(chain), at: fc.nat(), rule: ruleArb(chain) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('remove' as const), chain: fc.constant(chain), at: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('replace' as const), chain: fc.constant(chain), at: fc.nat(), rule: ruleArb(chain) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('move' as const), chain: fc.constant(chain), from: fc.nat(), to: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('policy' as const) }) },
  ),
);

function applyEdits(side: Side, edits: Edit[]): Side {
  const out: Side = { policy: side.policy, chains: Object.fromEntries(CHAINS.map((c) => [c, [...side.chains[c]!]])) };
  for (const e of edits) {
    if (e.op === 'policy') {
      out.policy = out.policy === 'DROP' ? 'ACCEPT' : 'DROP';
      continue;
    }
    const rules = out.chains[e.chain]!;
    if (e.op === 'insert') rules.splice(e.at % (rules.length + 1), 0, e.rule);
    else if (!rules.length) continue;
    else if (e.op === 'remove') rules.splice(e.at % rules.length, 1);
    else if (e.op === 'replace') rules[e.at % rules.length] = e.rule;
    else {
      const [r] = rules.splice(e.from % rules.length, 1);
      rules.splice(e.to % (rules.length + 1), 0, r!);
    }
  }
  return out;
}

function dumpOf(side: Side): string {
  const lines = ['*filter', `:INPUT ${side.policy} [0:0]`, ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ':A - [0:0]', ':B - [0:0]'];
  for (const c of CHAINS) for (const r of side.chains[c]!) lines.push(`-A ${c} ${r}`);
  lines.push('COMMIT', '');
  return lines.join('\n');
}

const SLOTS = ['accept', 'drop', 'reject', 'unknown'] as const;

test('random edits: inside the touched packets the restricted verdicts are the full ones; outside, nothing changed', () => {
  let restrictedRuns = 0;
  fc.assert(
    fc.property(sideArb, fc.array(editArb, { minLength: 0, maxLength: 4 }), (oldSide, edits) => {
      const oldText = dumpOf(oldSide);
      const newText = dumpOf(applyEdits(oldSide, edits));
      const o = parseDump(oldText, 'old.rules');
      const given = parseDump(newText, 'new.rules');
      const s = structuralDiff('ipv4', o, given);
      const { sp, newRs: n } = diffSpace('ipv4', o, given, s.unchanged);
      const within = touchedPackets(sp, 'ipv4', o, n);
      const msg = `OLD:\n${oldText}\nNEW:\n${newText}`;
      if (!within) {
        assert.ok(edits.some((e) => e.op === 'policy'), `no restriction although no policy changed\n${msg}`);
        return;
      }
      restrictedRuns++;
      const [ot, nt] = [o.tables[0]!, n.tables[0]!];
      for (const chain of ['INPUT', 'FORWARD', 'OUTPUT']) {
        const fo = builtinVerdicts(sp, ot, chain);
        const fn = builtinVerdicts(sp, nt, chain);
        const ro = builtinVerdicts(sp, ot, chain, { within });
        const rn = builtinVerdicts(sp, nt, chain, { within });
        for (const k of SLOTS) {
          assert.is(sp.diff(fo[k], within.set), sp.diff(fn[k], within.set), `${chain} ${k} differs outside the touched set\n${msg}`);
          assert.is(ro[k], sp.and(fo[k], within.set), `${chain} ${k}: OLD restricted != full within\n${msg}`);
          assert.is(rn[k], sp.and(fn[k], within.set), `${chain} ${k}: NEW restricted != full within\n${msg}`);
        }
      }
    }),
    { numRuns: 300 },
  );
  assert.ok(restrictedRuns > 100, `only ${restrictedRuns} runs used the restriction`);
});

test('an edit that changes nothing a packet can tell is equivalent without computing any verdict', () => {
  const text = dumpOf({ policy: 'DROP', chains: { INPUT: ['-p tcp -m tcp --dport 22 -j ACCEPT', '-j A'], A: ['-s 10.0.0.0/8 -j ACCEPT'], B: [] } });
  const moved = dumpOf({ policy: 'DROP', chains: { INPUT: ['-p tcp -m tcp --dport 22 -j ACCEPT', '-j A', '-p tcp -m tcp --dport 22 -j ACCEPT'], A: ['-s 10.0.0.0/8 -j ACCEPT'], B: [] } });
  const r = diffSides({ name: 'old', rulesets: { ipv4: parseDump(text, 'a') } }, { name: 'new', rulesets: { ipv4: parseDump(moved, 'b') } });
  assert.ok(r.equivalent);
});

test('a hint that pairs rules out of order only widens the search: a swap of overlapping rules is still caught', () => {
  const a = parseDump(dumpOf({ policy: 'DROP', chains: { INPUT: ['-s 10.1.2.3/32 -j DROP', '-s 10.0.0.0/8 -j ACCEPT'], A: [], B: [] } }), 'a');
  const b = parseDump(dumpOf({ policy: 'DROP', chains: { INPUT: ['-s 10.0.0.0/8 -j ACCEPT', '-s 10.1.2.3/32 -j DROP'], A: [], B: [] } }), 'b');
  const [oa, ob] = [a.tables[0]!.chains[0]!.rules, b.tables[0]!.chains[0]!.rules];
  // Claims both NEW rules unchanged: each is paired with its OLD twin, in swapped order.
  const twins = new Map([[ob[0]!, oa[1]!], [ob[1]!, oa[0]!]]);
  const r = semanticDiff('ipv4', a, b, { unchanged: twins });
  assert.equal(r.map((c) => c.newlyAccepted.map((p) => p.match)), [['-s 10.1.2.3/32']]);
});

test.run();
