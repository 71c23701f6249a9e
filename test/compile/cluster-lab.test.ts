// The compiled cluster policy (policies/cluster.policy) loaded into the lab's
// router (the KVM host): real TCP/UDP/ICMP between the VLAN guests passes or drops
// exactly as the policy says, replies included, IPv4 and IPv6.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compilePolicy } from '../../src/compile/compile.js';
import { repoRoot } from '../helpers/env.js';
import { Lab, type ProbeResult } from '../kernel/lab.js';
import { kernelSkipReason, toolSkipReason } from '../kernel/netns.js';

const skip = kernelSkipReason();
const ktest = skip ? test.skip : test;
const pingTest = (skip ?? toolSkipReason('ping', 'iputils-ping')) ? test.skip : test;

let labPromise: Promise<Lab> | undefined;
/** One lab for the file, loaded once with the compiled policy (the tests only send packets). */
const lab = () =>
  (labPromise ??= (async () => {
    const policyPath = path.join(repoRoot, 'policies', 'cluster.policy');
    const compiled = compilePolicy(readFileSync(policyPath, 'utf8'), policyPath);
    const l = await Lab.create();
    await l.loadRouter(compiled.ipv4!.text, compiled.ipv6!.text);
    return l;
  })());
if (!skip) test.after(async () => (await labPromise?.catch(() => undefined))?.destroy());

const passes = (r: ProbeResult, what: string) => assert.ok(r.passed, `${what} should pass but: ${r.detail}`);
const drops = (r: ProbeResult, what: string) => assert.not.ok(r.passed, `${what} should be blocked but got through`);

ktest('the world reaches the web tier on 80/443 only', async () => {
  const l = await lab();
  passes(await l.tcp('outside1', 'web1', 80), 'outside1 -> web1 tcp/80');
  passes(await l.tcp('outside1', 'web1', 443), 'outside1 -> web1 tcp/443');
  passes(await l.tcp('outside1', 'web1', 443, { family: 'ipv6' }), 'outside1 -> web1 tcp/443 over IPv6');
  drops(await l.tcp('outside1', 'web1', 8080), 'outside1 -> web1 tcp/8080');
  drops(await l.tcp('outside1', 'db1', 3306), 'outside1 -> db1 tcp/3306');
});

ktest('each tier reaches the next one down, nothing skips a tier', async () => {
  const l = await lab();
  passes(await l.tcp('web1', 'app1', 8080), 'web1 -> app1 tcp/8080');
  passes(await l.tcp('web1', 'app1', 8080, { family: 'ipv6' }), 'web1 -> app1 tcp/8080 over IPv6');
  passes(await l.tcp('app1', 'db1', 3306), 'app1 -> db1 tcp/3306 (mysql)');
  passes(await l.tcp('app1', 'db1', 5432), 'app1 -> db1 tcp/5432 (postgres)');
  drops(await l.tcp('web1', 'db1', 3306), 'web1 -> db1 tcp/3306 (skips the app tier)');
  drops(await l.tcp('web1', 'app1', 22), 'web1 -> app1 tcp/22');
  drops(await l.udp('web1', 'app1', 8080), 'web1 -> app1 udp/8080 (the service is tcp)');
});

ktest('ops (admin host, office network) reach ssh on web and app, not db', async () => {
  const l = await lab();
  passes(await l.tcp('admin1', 'web1', 22), 'admin1 -> web1 tcp/22');
  passes(await l.tcp('admin1', 'app1', 22), 'admin1 -> app1 tcp/22');
  drops(await l.tcp('admin1', 'db1', 22), 'admin1 -> db1 tcp/22');
  passes(await l.tcp('outside1', 'app1', 22, { family: 'ipv6' }), 'office (outside1) -> app1 tcp/22 over IPv6');
});

ktest('the host: ssh from ops only, DNS for the guests only', async () => {
  const l = await lab();
  passes(await l.tcpToRouter('admin1', 22), 'admin1 -> host tcp/22');
  drops(await l.tcpToRouter('web1', 22), 'web1 -> host tcp/22');
  passes(await l.udpToRouter('web1', 53), 'web1 -> host udp/53');
  passes(await l.tcpToRouter('db1', 53), 'db1 -> host tcp/53');
  drops(await l.udpToRouter('outside1', 53), 'outside1 -> host udp/53');
});

ktest('refusals: db gets a fast reset, app -> web is silently dropped', async () => {
  const l = await lab();
  const r = await l.tcp('db1', 'web1', 80);
  drops(r, 'db1 -> web1 tcp/80');
  assert.is(r.detail, 'ECONNREFUSED', 'reject answers with a TCP reset');
  const d = await l.tcp('app1', 'web1', 80);
  drops(d, 'app1 -> web1 tcp/80');
  assert.match(d.detail, /timeout/, 'deny drops without an answer');
  drops(await l.udp('db1', 'app1', 53), 'db1 -> app1 udp/53');
});

pingTest('ping the host from anywhere, IPv4 and IPv6; no ping across tiers', async () => {
  const l = await lab();
  passes(await l.ping('outside1', 'router'), 'outside1 pings the host');
  passes(await l.ping('outside1', 'router', { family: 'ipv6' }), 'outside1 pings the host over IPv6 (neighbour discovery works)');
  passes(await l.ping('web1', 'router', { family: 'ipv6' }), 'web1 pings the host over IPv6');
  drops(await l.ping('web1', 'db1'), 'web1 pings db1');
});

test.run();
