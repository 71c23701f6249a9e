// Semantic diff golden cases: what must be equivalent, and what must be caught
// with exactly the right sets of packets.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDump } from '../../src/diff/inputs.js';
import { diffSides, type DiffResult } from '../../src/diff/index.js';
import { PacketSpace } from '../../src/space/index.js';

const HEAD = '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n';
const EST = '-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n';

function dump(rules: string, head = HEAD): string {
  return `${head}${rules}COMMIT\n`;
}

function diff(oldText: string, newText: string): DiffResult {
  return diffSides({ name: 'old', rulesets: { ipv4: parseDump(oldText, 'old.rules') } }, { name: 'new', rulesets: { ipv4: parseDump(newText, 'new.rules') } });
}

test('reordered disjoint rules are equivalent, and shown as a move', () => {
  const a = dump(EST + '-A FORWARD -i br0.10 -o br0.30 -p tcp -m tcp --dport 3306 -j ACCEPT\n-A FORWARD -i br0.20 -o br0.30 -p tcp -m tcp --dport 5432 -j ACCEPT\n');
  const b = dump(EST + '-A FORWARD -i br0.20 -o br0.30 -p tcp -m tcp --dport 5432 -j ACCEPT\n-A FORWARD -i br0.10 -o br0.30 -p tcp -m tcp --dport 3306 -j ACCEPT\n');
  const r = diff(a, b);
  assert.ok(r.equivalent);
  assert.equal(r.semantic, []);
  assert.equal(r.structural.length, 1);
  assert.equal(r.structural[0]!.moved.length, 1);
  assert.equal(r.structural[0]!.added, []);
  assert.equal(r.structural[0]!.removed, []);
});

test('reordering overlapping rules with different verdicts is caught', () => {
  const a = dump(EST + '-A FORWARD -s 10.0.10.5/32 -j DROP\n-A FORWARD -s 10.0.10.0/24 -j ACCEPT\n');
  const b = dump(EST + '-A FORWARD -s 10.0.10.0/24 -j ACCEPT\n-A FORWARD -s 10.0.10.5/32 -j DROP\n');
  const r = diff(a, b);
  assert.not.ok(r.equivalent);
  const s = r.semantic[0]!;
  assert.equal(s.newlyAccepted.map((p) => p.match), ['-s 10.0.10.5/32 -m conntrack --ctstate INVALID,NEW,UNTRACKED']);
});

test('a multiport rule split in two is equivalent', () => {
  const a = dump(EST + '-A FORWARD -o br0.10 -p tcp -m multiport --dports 80,443 -j ACCEPT\n');
  const b = dump(EST + '-A FORWARD -o br0.10 -p tcp -m tcp --dport 443 -j ACCEPT\n-A FORWARD -o br0.10 -p tcp -m tcp --dport 80 -j ACCEPT\n');
  const r = diff(a, b);
  assert.ok(r.equivalent);
  assert.equal(r.structural[0]!.removed.length, 1);
  assert.equal(r.structural[0]!.added.length, 2);
});

test('an added redundant rule is equivalent', () => {
  const a = dump(EST + '-A FORWARD -s 10.0.10.0/24 -o br0.30 -p tcp -m tcp --dport 3306 -j ACCEPT\n');
  const b = dump(EST + '-A FORWARD -s 10.0.10.0/24 -o br0.30 -p tcp -m tcp --dport 3306 -j ACCEPT\n-A FORWARD -s 10.0.10.5/32 -o br0.30 -p tcp -m tcp --dport 3306 -j ACCEPT\n-A FORWARD -p udp -j DROP\n');
  assert.ok(diff(a, b).equivalent);
});

test('an opened port is caught as newly accepted, with an example inside the set', () => {
  const a = dump(EST + '-A FORWARD -i br0.10 -o br0.30 -p tcp -m tcp --dport 3306 -j ACCEPT\n');
  const b = dump(EST + '-A FORWARD -i br0.10 -o br0.30 -p tcp -m tcp --dport 3306 -j ACCEPT\n-A FORWARD -i br0.10 -o br0.30 -p tcp -m tcp --dport 22 -j ACCEPT\n');
  const r = diff(a, b);
  assert.not.ok(r.equivalent);
  assert.equal(r.semantic.length, 1);
  const s = r.semantic[0]!;
  assert.equal([s.family, s.table, s.chain], ['ipv4', 'filter', 'FORWARD']);
  assert.equal(s.newlyAccepted.map((p) => p.match), ['-i br0.10 -o br0.30 -p tcp -m tcp --dport 22 -m conntrack --ctstate INVALID,NEW,UNTRACKED']);
  assert.equal(s.newlyDropped, []);
  const ex = s.newlyAccepted[0]!.example!;
  assert.equal([ex.in, ex.out, ex.proto, ex.dport, ex.state], ['br0.10', 'br0.30', 'tcp', 22, 'new']);
});

test('a narrowed source is caught as newly dropped, exactly the removed addresses', () => {
  const a = dump(EST + '-A FORWARD -s 10.0.10.0/24 -o br0.30 -p tcp -m tcp --dport 3306 -j ACCEPT\n');
  const b = dump(EST + '-A FORWARD -s 10.0.10.0/25 -o br0.30 -p tcp -m tcp --dport 3306 -j ACCEPT\n');
  const r = diff(a, b);
  const s = r.semantic[0]!;
  assert.equal(s.newlyAccepted, []);
  assert.equal(s.newlyDropped.map((p) => [p.verdict, p.match]), [['DROP', '-s 10.0.10.128/25 -o br0.30 -p tcp -m tcp --dport 3306 -m conntrack --ctstate INVALID,NEW,UNTRACKED']]);
  assert.equal(s.newlyDropped[0]!.example!.src, '10.0.10.129'); // examples prefer .1 of the free host bits
});

test('a changed default policy is caught with the packets no rule decides', () => {
  const a = dump(EST + '-A FORWARD -p tcp -m tcp --dport 22 -j ACCEPT\n');
  const b = dump(EST + '-A FORWARD -p tcp -m tcp --dport 22 -j ACCEPT\n', HEAD.replace(':FORWARD DROP', ':FORWARD ACCEPT'));
  const r = diff(a, b);
  assert.equal(r.structural[0]!.policy, { old: 'DROP', new: 'ACCEPT' });
  const s = r.semantic[0]!;
  // Everything except established/related and tcp/22 is newly accepted: check it as a set.
  const o = parseDump(a, 'a');
  const sp = PacketSpace.forRulesets('ipv4', [o]);
  const decided = sp.or(sp.ruleMatch(o.tables[0]!.chains[1]!.rules[0]!).set, sp.ruleMatch(o.tables[0]!.chains[1]!.rules[1]!).set);
  let union = sp.none();
  for (const p of s.newlyAccepted) union = sp.or(union, unionOf(sp, p.match));
  assert.equal(s.omitted.newlyAccepted, 0);
  assert.ok(union === sp.not(decided), `newly accepted: ${s.newlyAccepted.map((p) => p.match).join(' | ')}`);
});

/** The set of one described match (parsed back as a rule). */
function unionOf(sp: PacketSpace, match: string) {
  const rs = parseDump(`*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD ${match} -j ACCEPT\nCOMMIT\n`, 'm');
  return sp.ruleMatch(rs.tables[0]!.chains.find((c) => c.name === 'FORWARD')!.rules[0]!).set;
}

test('ACCEPT -> REJECT is newly dropped (REJECT); DROP -> REJECT is another change', () => {
  const a = dump(EST + '-A FORWARD -p tcp -m tcp --dport 22 -j ACCEPT\n-A FORWARD -p tcp -m tcp --dport 23 -j DROP\n');
  const b = dump(EST + '-A FORWARD -p tcp -m tcp --dport 22 -j REJECT --reject-with tcp-reset\n-A FORWARD -p tcp -m tcp --dport 23 -j REJECT --reject-with tcp-reset\n');
  const s = diff(a, b).semantic[0]!;
  assert.equal(s.newlyDropped.map((p) => p.verdict), ['REJECT']);
  assert.equal(s.changed.map((p) => [p.from, p.to]), [['DROP', 'REJECT']]);
});

test('an unchanged -m limit rule is equivalent (its rate limit is one predicate in OLD and NEW)', () => {
  const limit = '-A FORWARD -p icmp -m limit --limit 5/sec -j ACCEPT\n';
  const a = dump(EST + limit + '-A FORWARD -p tcp -m tcp --dport 80 -j ACCEPT\n');
  const b = dump(EST + limit + '-A FORWARD -p tcp -m tcp --dport 80 -j ACCEPT\n-A FORWARD -p udp -m udp --dport 9 -j DROP\n');
  assert.ok(diff(a, b).equivalent);
  // Two copies of the same limit are two buckets: adding one is a change.
  const c = dump(EST + limit + limit + '-A FORWARD -p tcp -m tcp --dport 80 -j ACCEPT\n');
  assert.not.ok(diff(a, c).equivalent);
});

test('a changed NAT target is not called equivalent (verdicts cannot see it)', () => {
  const nat = (to: string) => `*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -i eth0 -p tcp -m tcp --dport 80 -j DNAT --to-destination ${to}\nCOMMIT\n`;
  const r = diff(nat('10.0.10.5'), nat('10.0.10.6'));
  assert.not.ok(r.equivalent);
  assert.equal(r.semantic, []);
  assert.equal(r.unmodelled.map((u) => u.change), ['removed', 'added']);
});

test('a table one side lacks counts as accepting everything', () => {
  const a = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n';
  const b = a + '*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A PREROUTING -s 192.0.2.0/24 -j DROP\nCOMMIT\n';
  const r = diff(a, b);
  assert.equal(r.semantic.map((s) => [s.table, s.chain, s.newlyDropped.map((p) => p.match)]), [['raw', 'PREROUTING', ['-s 192.0.2.0/24']]]);
});

test('jumps into user chains are followed', () => {
  const a = dump(EST + '-A FORWARD -i br0.10 -j from-web\n', HEAD + ':from-web - [0:0]\n') ;
  const withRule = (r: string) => dump(EST + '-A FORWARD -i br0.10 -j from-web\n' + r, HEAD + ':from-web - [0:0]\n');
  const b = withRule('-A from-web -o br0.30 -p tcp -m tcp --dport 3306 -j ACCEPT\n');
  const r = diff(a, b);
  assert.equal(r.semantic[0]!.newlyAccepted.map((p) => p.match), ['-i br0.10 -o br0.30 -p tcp -m tcp --dport 3306 -m conntrack --ctstate INVALID,NEW,UNTRACKED']);
});

test.run();
