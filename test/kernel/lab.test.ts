// Self-test of the packet lab: hand-written rulesets whose behaviour is known, proven
// with real TCP/UDP/ICMP between namespaces. If these fail, the lab is wrong, not the
// compiler. One lab serves the whole file; every test loads the ruleset it needs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from '../helpers/env.js';
import { execSync } from './exec.js';
import { Lab, parseListing, type ProbeResult } from './lab.js';
import { ipPath, kernelSkipReason, RestoreError, toolSkipReason } from './netns.js';

const skip = kernelSkipReason();
const ktest = skip ? test.skip : test;
const pingTest = (skip ?? toolSkipReason('ping', 'iputils-ping')) ? test.skip : test;

// Created by the first test that needs it, so a failure to build it fails that test
// with its message (a throwing uvu `before` hook would hide the error).
let labPromise: Promise<Lab> | undefined;
const lab = () => (labPromise ??= Lab.create());
if (!skip) {
  test.after(async () => {
    const built = await labPromise?.catch(() => undefined);
    await built?.destroy();
  });
}

const passes = (r: ProbeResult, what: string) => assert.ok(r.passed, `${what} should pass but: ${r.detail}`);
const drops = (r: ProbeResult, what: string) => assert.not.ok(r.passed, `${what} should be blocked but got through`);

const filter = (policies: { input?: string; forward?: string }, rules: string[]) =>
  [
    '*filter',
    `:INPUT ${policies.input ?? 'ACCEPT'} [0:0]`,
    `:FORWARD ${policies.forward ?? 'ACCEPT'} [0:0]`,
    ':OUTPUT ACCEPT [0:0]',
    ...rules,
    'COMMIT',
    '',
  ].join('\n');

const OPEN = filter({}, []);

// FORWARD default DROP, replies accepted, one hole: web (br0.10) -> db (br0.30) tcp/3306.
const WEB_TO_DB_MYSQL = filter({ forward: 'DROP' }, [
  '-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  '-A FORWARD -i br0.10 -o br0.30 -p tcp -m tcp --dport 3306 -j ACCEPT',
]);

test('parseListing reads rule rows and the policy counters', () => {
  const listing = [
    'Chain FORWARD (policy DROP 3 packets, 180 bytes)',
    'num      pkts      bytes target     prot opt in     out     source               destination         ',
    '1          12      760 ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0            ctstate RELATED,ESTABLISHED',
    '2           1       60 ACCEPT     6    --  br0.10 br0.30  0.0.0.0/0            0.0.0.0/0            tcp dpt:3306',
    '3           0        0            0    --  br0.20 *       0.0.0.0/0            0.0.0.0/0           ',
    '',
  ].join('\n');
  const parsed = parseListing(listing);
  assert.equal(parsed.policy, { target: 'DROP', pkts: 3, bytes: 180 });
  assert.equal(parsed.rules, [
    { line: 1, pkts: 12, bytes: 760, text: 'ACCEPT 0 -- * * 0.0.0.0/0 0.0.0.0/0 ctstate RELATED,ESTABLISHED' },
    { line: 2, pkts: 1, bytes: 60, text: 'ACCEPT 6 -- br0.10 br0.30 0.0.0.0/0 0.0.0.0/0 tcp dpt:3306' },
    { line: 3, pkts: 0, bytes: 0, text: '0 -- br0.20 * 0.0.0.0/0 0.0.0.0/0' },
  ]);
  assert.is(parseListing('Chain from-web (1 references)\n').policy, undefined);
});

ktest('without filtering every host reaches every other, both families', async () => {
  const l = await lab();
  await l.loadRouter(OPEN, OPEN);
  passes(await l.tcp('web1', 'db1', 3306), 'web1 -> db1 tcp/3306');
  passes(await l.udp('app1', 'web1', 53), 'app1 -> web1 udp/53');
  passes(await l.tcp('outside1', 'app1', 8080, { family: 'ipv6' }), 'outside1 -> app1 tcp/8080 over IPv6');
  passes(await l.tcp('admin1', 'db1', 22), 'admin1 -> db1 tcp/22 (two hops)');
  passes(await l.tcpToRouter('db1', 22), 'db1 -> router tcp/22');
  passes(await l.tcp('router', 'web1', 80), 'router -> web1 tcp/80');
});

ktest('FORWARD drop + established + one hole: only the hole passes', async () => {
  const l = await lab();
  await l.loadRouter(WEB_TO_DB_MYSQL, OPEN);
  passes(await l.tcp('web1', 'db1', 3306), 'web1 -> db1 tcp/3306');
  drops(await l.tcp('web1', 'db1', 22), 'web1 -> db1 tcp/22');
  drops(await l.tcp('app1', 'db1', 3306), 'app1 -> db1 tcp/3306');
  drops(await l.tcp('db1', 'web1', 3306), 'db1 -> web1 tcp/3306');
  drops(await l.udp('db1', 'web1', 53), 'db1 -> web1 udp/53');
  drops(await l.udp('web1', 'db1', 3306), 'web1 -> db1 udp/3306 (the hole is tcp)');
  // The IPv6 ruleset is open: what CS209 warns about, shown with packets.
  passes(await l.tcp('db1', 'web1', 22, { family: 'ipv6' }), 'db1 -> web1 tcp/22 over the unfiltered IPv6');
});

ktest('counters show which rule took the packets', async () => {
  const l = await lab();
  await l.loadRouter(WEB_TO_DB_MYSQL);
  await l.resetCounters();
  passes(await l.tcp('web1', 'db1', 3306), 'web1 -> db1 tcp/3306');
  let c = await l.chainCounters('FORWARD');
  assert.is(c.rules[1].pkts, 1, 'only the SYN is NEW; it hits the hole');
  assert.ok(c.rules[0].pkts >= 3, 'the rest of the connection is ESTABLISHED');
  assert.match(c.rules[1].text, 'br0.10 br0.30');
  assert.is(c.policy?.pkts, 0);

  await l.resetCounters();
  drops(await l.tcp('web1', 'db1', 22), 'web1 -> db1 tcp/22');
  c = await l.chainCounters('FORWARD');
  assert.ok((c.policy?.pkts ?? 0) >= 1, 'the SYN fell through to the DROP policy');
  assert.is(c.rules[1].pkts, 0);
  const saved = await l.save({ counters: true });
  assert.match(saved, /^:FORWARD DROP \[[1-9]\d*:\d+\]$/m);
});

ktest('a ruleset that forgets ESTABLISHED loses the replies', async () => {
  const l = await lab();
  await l.loadRouter(filter({ forward: 'DROP' }, ['-A FORWARD -i br0.10 -o br0.30 -p tcp -m tcp --dport 3306 -j ACCEPT']));
  await l.resetCounters();
  const r = await l.tcp('web1', 'db1', 3306);
  drops(r, 'web1 -> db1 tcp/3306 without ESTABLISHED');
  assert.is(r.detail, 'timeout: no handshake');
  const [hole] = await l.counters('FORWARD');
  assert.ok(hole.pkts >= 1, 'the SYN went through; the SYN-ACK did not come back');
});

ktest("the guide's ruleset (examples/guide.rules) lets web reach app's MySQL only", async () => {
  const l = await lab();
  await l.loadRouter(readFileSync(path.join(repoRoot, 'examples', 'guide.rules'), 'utf8'));
  await l.resetCounters();
  passes(await l.tcp('web1', 'app1', 3306), 'web1 -> app1 tcp/3306');
  drops(await l.tcp('web1', 'app1', 22), 'web1 -> app1 tcp/22');
  drops(await l.tcp('web1', 'db1', 3306), 'web1 -> db1 tcp/3306');
  drops(await l.tcp('app1', 'web1', 3306), 'app1 -> web1 tcp/3306');
  const c = await l.chainCounters('FORWARD');
  const log = c.rules.find((r) => r.text.startsWith('LOG'));
  const drop = c.rules.find((r) => r.text.startsWith('DROP'));
  assert.ok(log && drop, 'LOG and DROP tail present');
  assert.ok(log!.pkts >= 3, 'the three refused SYNs were logged');
  assert.is(drop!.pkts, log!.pkts, 'everything logged was dropped');
  assert.is(c.policy?.pkts, 0, 'the explicit DROP leaves nothing to the policy');
});

ktest('INPUT rules guard the router itself, per interface and source', async () => {
  const l = await lab();
  await l.loadRouter(
    filter({ input: 'DROP' }, [
      '-A INPUT -i lo -j ACCEPT',
      '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-A INPUT -i br0.10 -p tcp -m tcp --dport 22 -j ACCEPT',
      '-A INPUT -s 192.168.10.5/32 -i eth0 -p tcp -m tcp --dport 22 -j ACCEPT',
    ]),
  );
  passes(await l.tcpToRouter('web1', 22), 'web1 -> router tcp/22');
  passes(await l.tcpToRouter('admin1', 22), 'admin1 -> router tcp/22');
  drops(await l.tcpToRouter('app1', 22), 'app1 -> router tcp/22');
  drops(await l.tcpToRouter('outside1', 22), 'outside1 -> router tcp/22');
  drops(await l.udpToRouter('web1', 53), 'web1 -> router udp/53');
  passes(await l.tcp('app1', 'db1', 5432), 'FORWARD is still open');
});

ktest('REJECT answers at once where DROP stays silent', async () => {
  const l = await lab();
  await l.loadRouter(
    filter({}, [
      '-A FORWARD -o br0.30 -p tcp -j REJECT --reject-with tcp-reset',
      '-A FORWARD -o br0.30 -p udp -j REJECT --reject-with icmp-port-unreachable',
    ]),
  );
  const tcp = await l.tcp('web1', 'db1', 3306, { timeoutMs: 3_000 });
  assert.is(tcp.detail, 'ECONNREFUSED');
  const udp = await l.udp('web1', 'db1', 53, { timeoutMs: 3_000 });
  assert.is(udp.detail, 'ECONNREFUSED (ICMP unreachable)');
});

ktest('an IPv6 ruleset filters IPv6 and leaves IPv4 alone', async () => {
  const l = await lab();
  await l.loadRouter(OPEN, WEB_TO_DB_MYSQL);
  passes(await l.tcp('web1', 'db1', 3306, { family: 'ipv6' }), 'web1 -> db1 tcp/3306 over IPv6');
  drops(await l.tcp('app1', 'db1', 3306, { family: 'ipv6' }), 'app1 -> db1 tcp/3306 over IPv6');
  passes(await l.tcp('app1', 'db1', 3306), 'app1 -> db1 tcp/3306 over IPv4');
  const [established, hole] = await l.counters('FORWARD', { family: 'ipv6' });
  assert.ok(established.pkts >= 1 && hole.pkts === 1);
});

pingTest('ICMP echo needs its own rule', async () => {
  const l = await lab();
  await l.loadRouter(WEB_TO_DB_MYSQL, WEB_TO_DB_MYSQL);
  drops(await l.ping('web1', 'db1'), 'ping web1 -> db1');
  const withEcho = (proto: string) =>
    WEB_TO_DB_MYSQL.replace('COMMIT', `-A FORWARD -i br0.10 -o br0.30 ${proto} -j ACCEPT\nCOMMIT`);
  await l.loadRouter(
    withEcho('-p icmp -m icmp --icmp-type 8'),
    withEcho('-p ipv6-icmp -m icmp6 --icmpv6-type 128'),
  );
  passes(await l.ping('web1', 'db1'), 'ping web1 -> db1');
  passes(await l.ping('web1', 'db1', { family: 'ipv6' }), 'ping6 web1 -> db1');
  drops(await l.ping('db1', 'web1'), 'ping db1 -> web1');
});

ktest('loading a broken ruleset into the router fails with the tool stderr', async () => {
  const l = await lab();
  try {
    await l.loadRouter(filter({}, ['-A FORWARD -j from-web']));
    assert.unreachable('the jump to a missing chain loaded');
  } catch (err) {
    assert.instance(err, RestoreError);
    assert.match((err as RestoreError).stderr, 'from-web');
  }
});

ktest('destroy removes every namespace of the lab', async () => {
  const l = await lab();
  const names = Object.values(l.ns);
  await l.destroy();
  const left = execSync([ipPath(), 'netns', 'list']).stdout;
  for (const name of names) assert.not.match(left, name);
});

test.run();
