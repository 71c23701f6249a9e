// explainPacket on dumps and on a compiled policy: verdicts, the deciding line
// (a rule, or the chain's policy line), the path through jumps and gotos, the
// default chain, assumptions, and located errors for bad packets.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { explainPacket, defaultChain } from '../../src/analysis/explain.js';
import { compilePolicy } from '../../src/compile/compile.js';
import { ChainsmithError } from '../../src/diagnostics.js';
import { parseRuleset } from '../../src/ruleset/parse.js';
import { repoRoot } from '../helpers/env.js';

const DUMP = `*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:from-web - [0:0]
:audit - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -m recent --rcheck --name bad -j DROP
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -i br0.10 -j from-web
-A FORWARD -i br0.20 -g audit
-A FORWARD -p tcp -m tcp --dport 25 -j REJECT
-A from-web -s 10.0.10.66/32 -j RETURN
-A from-web -o br0.20 -p tcp -m tcp --dport 8080 -j ACCEPT
-A audit -j LOG
COMMIT
`;
const rs = parseRuleset(DUMP, 'a.rules').ruleset;
const web = { in: 'br0.10', out: 'br0.20', src: '10.0.10.5', dst: '10.0.20.5', proto: 'tcp', dport: 8080, state: 'new' as const };

test('a rule in a jumped-to chain decides; the path shows the jump', () => {
  const r = explainPacket(rs, web);
  assert.equal(r, {
    verdict: 'ACCEPT',
    chain: 'FORWARD',
    table: 'filter',
    decidedBy: { file: 'a.rules', line: 14, text: '-A from-web -o br0.20 -p tcp -m tcp --dport 8080 -j ACCEPT' },
    path: [{ chain: 'FORWARD', line: 10 }, { chain: 'from-web', line: 14 }],
  });
});

test('RETURN continues after the jump; falling through ends at the policy line', () => {
  const r = explainPacket(rs, { ...web, src: '10.0.10.66' });
  assert.is(r.verdict, 'DROP');
  assert.equal(r.decidedBy, { file: 'a.rules', line: 3, text: ':FORWARD DROP' });
  assert.equal(r.path, [{ chain: 'FORWARD', line: 10 }, { chain: 'from-web', line: 13 }]);
  assert.is(explainPacket(rs, { ...web, dport: 25, src: '10.0.10.66' }).verdict, 'REJECT');
});

test('goto: the goto chain falling off its end means the policy, not the next FORWARD rule', () => {
  const r = explainPacket(rs, { ...web, in: 'br0.20', out: 'br0.30', dport: 25 });
  assert.is(r.verdict, 'DROP');
  assert.equal(r.path, [{ chain: 'FORWARD', line: 11 }, { chain: 'audit', line: 15 }]);
});

test('state decides: ESTABLISHED packets take the first FORWARD rule', () => {
  assert.is(explainPacket(rs, { ...web, state: 'established' }).decidedBy.line, 9);
});

test('default chain: both interfaces FORWARD, in only INPUT, out only OUTPUT; self means none', () => {
  assert.is(defaultChain({ in: 'eth0', out: 'eth1' }), 'FORWARD');
  assert.is(defaultChain({ in: 'eth0' }), 'INPUT');
  assert.is(defaultChain({ in: 'eth0', out: 'self' }), 'INPUT');
  assert.is(defaultChain({ out: 'eth0' }), 'OUTPUT');
  assert.is(defaultChain({ in: 'self', out: 'eth0' }), 'OUTPUT');
  assert.throws(() => defaultChain({}), (e: unknown) => e instanceof ChainsmithError && /--in or --out/.test(e.message));
});

test('an unmodelled match is assumed to hold, and the result says so', () => {
  const r = explainPacket(rs, { in: 'eth0', src: '192.0.2.1', dst: '10.0.0.1', proto: 'tcp', dport: 22, state: 'new' });
  assert.is(r.chain, 'INPUT');
  assert.is(r.verdict, 'DROP');
  assert.is(r.decidedBy.line, 8);
  assert.ok(r.approximate?.some((a) => a.includes("assumed '-m recent --rcheck --name bad' holds")), String(r.approximate));
});

test('a field the packet leaves open that decides a rule is named', () => {
  const r = explainPacket(rs, { in: 'eth0', src: '192.0.2.1', dst: '10.0.0.1', proto: 'tcp', state: 'new' });
  assert.ok(r.approximate?.some((a) => a.includes('depends on the destination port, not given: assumed destination port 80')), String(r.approximate));
});

test('explain agrees with the policy compiler: cluster.policy, with policy origins', () => {
  const file = path.join(repoRoot, 'policies', 'cluster.policy');
  const compiled = compilePolicy(readFileSync(file, 'utf8'), file);
  const v4 = compiled.ipv4!.ruleset;
  const ssh = explainPacket(v4, { in: 'eth0', src: '198.51.100.7', dst: '192.0.2.1', proto: 'tcp', dport: 22, state: 'new' });
  assert.is(ssh.verdict, 'ACCEPT');
  assert.is(ssh.decidedBy.origin?.line, 38);
  const other = explainPacket(v4, { in: 'eth0', src: '203.0.113.9', dst: '192.0.2.1', proto: 'tcp', dport: 22, state: 'new' });
  assert.is(other.verdict, 'DROP');
  const db = explainPacket(v4, { in: 'br0.30', out: 'eth0', src: '10.0.30.5', dst: '203.0.113.9', proto: 'tcp', dport: 443, state: 'new' });
  assert.is(db.verdict, 'REJECT');
  assert.is(db.decidedBy.origin?.line, 43);
  const v6 = explainPacket(compiled.ipv6!.ruleset, { in: 'eth0', src: '2001:db8:100::7', dst: '2001:db8::1', proto: 'tcp', dport: 22, state: 'new' });
  assert.is(v6.verdict, 'ACCEPT');
});

test('bad packets are located input errors', () => {
  const bad = (p: Partial<typeof web>, re: RegExp) =>
    assert.throws(() => explainPacket(rs, { ...web, ...p }), (e: unknown) => e instanceof ChainsmithError && e.diagnostics[0]!.loc.file === '<command line>' && re.test(e.message));
  bad({ src: '10.0.0.300' }, /--src: '10.0.0.300' is not an IPv4 address/);
  bad({ src: '2001:db8::1' }, /is IPv6 but a\.rules is an IPv4 ruleset/);
  bad({ proto: 'tcpp' }, /unknown protocol 'tcpp'/);
  bad({ proto: 'icmp' }, /protocol icmp has no ports/);
  bad({ dport: 70000 }, /not a port/);
  assert.throws(() => explainPacket(rs, web, { chain: 'from-web' }), /user chain/);
  assert.throws(() => explainPacket(rs, web, { chain: 'NOPE' }), /has no chain NOPE/);
});

test('a missing table lets the packet pass', () => {
  const r = explainPacket(rs, web, { table: 'raw' });
  assert.is(r.verdict, 'ACCEPT');
  assert.match(r.decidedBy.text, 'no *raw table');
});

test.run();
