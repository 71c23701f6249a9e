// The kernel harness itself: loading rulesets for real in throwaway namespaces.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execSync } from './exec.js';
import {
  cleanupStaleNamespaces,
  createNetns,
  deleteNetns,
  ipPath,
  kernelSkipReason,
  loadAndSave,
  RestoreError,
  toolSkipReason,
  withNetns,
} from './netns.js';

const skip = kernelSkipReason();
const ktest = skip ? test.skip : test;
const legacySkip = skip ?? toolSkipReason('iptables-legacy-restore', 'iptables');
const legacyTest = legacySkip ? test.skip : test;

const OWN = `cs-${process.pid}-`;
const namespaces = () =>
  execSync([ipPath(), 'netns', 'list'])
    .stdout.split('\n')
    .map((l) => l.trim().split(/\s+/)[0])
    .filter(Boolean);

const SMALL = `# a hand-written ruleset
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -s 192.168.10.5/32 -p tcp --dport 22 -j ACCEPT
-A FORWARD -i br0.10 -o br0.30 -p tcp -m multiport --dports 3306,5432 -j ACCEPT
COMMIT
`;

// What nft's iptables-save prints for SMALL: the implicit `-m tcp` appears, the comment
// and the header/footer lines do not.
const SMALL_CANONICAL = `*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -s 192.168.10.5/32 -p tcp -m tcp --dport 22 -j ACCEPT
-A FORWARD -i br0.10 -o br0.30 -p tcp -m multiport --dports 3306,5432 -j ACCEPT
COMMIT
`;

// A jump to a chain that was never declared: `iptables-restore --test` lets it through,
// only a real load reports it.
const MISSING_CHAIN = `*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -i br0.10 -j from-web
COMMIT
`;

ktest('loadAndSave returns the canonical form', async () => {
  assert.is(await loadAndSave(SMALL, 'ipv4'), SMALL_CANONICAL);
});

ktest('the canonical form is a fixed point', async () => {
  assert.is(await loadAndSave(SMALL_CANONICAL, 'ipv4'), SMALL_CANONICAL);
});

ktest('IPv6 rulesets go through ip6tables', async () => {
  const v6 = `*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j ACCEPT
-A FORWARD -s 2001:db8:10::/64 -d 2001:db8:30::5/128 -p tcp --dport 3306 -j ACCEPT
COMMIT
`;
  const saved = await loadAndSave(v6, 'ipv6');
  assert.match(saved, '-A FORWARD -s 2001:db8:10::/64 -d 2001:db8:30::5/128 -p tcp -m tcp --dport 3306 -j ACCEPT\n');
  assert.match(saved, '-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j ACCEPT\n');
});

ktest('an IPv4 address in an IPv6 ruleset is rejected', async () => {
  try {
    await loadAndSave(SMALL_CANONICAL, 'ipv6');
    assert.unreachable('ip6tables-restore accepted an IPv4 source');
  } catch (err) {
    assert.instance(err, RestoreError);
  }
});

ktest('a jump to a missing chain is rejected with the tool stderr', async () => {
  try {
    await loadAndSave(MISSING_CHAIN, 'ipv4');
    assert.unreachable('the missing chain was accepted');
  } catch (err) {
    assert.instance(err, RestoreError);
    const e = err as RestoreError;
    assert.match(e.stderr, 'from-web');
    assert.match(e.message, 'from-web');
    assert.is(e.exitCode, 2);
  }
});

legacyTest('the legacy backend loads and saves too', async () => {
  assert.is(await loadAndSave(SMALL, 'ipv4', { legacy: true }), SMALL_CANONICAL);
  try {
    await loadAndSave(MISSING_CHAIN, 'ipv4', { legacy: true });
    assert.unreachable('legacy accepted the missing chain');
  } catch (err) {
    assert.instance(err, RestoreError);
  }
});

ktest('withNetns deletes its namespace when the callback throws', async () => {
  let seen = '';
  try {
    await withNetns(async (ns) => {
      seen = ns;
      throw new Error('boom');
    });
    assert.unreachable('withNetns swallowed the error');
  } catch (err) {
    assert.is((err as Error).message, 'boom');
  }
  assert.ok(seen.startsWith(OWN), seen);
  assert.not.ok(namespaces().includes(seen), `${seen} still exists`);
});

ktest('stale cleanup removes namespaces of dead runs only', async () => {
  // A pid that surely exited: a child we waited for.
  const deadPid = (await import('node:child_process')).spawnSync('true').pid;
  const stale = `cs-${deadPid}-1-stale`;
  assert.is(execSync([ipPath(), 'netns', 'add', stale]).code, 0);
  const mine = await createNetns('live');
  try {
    const removed = cleanupStaleNamespaces();
    assert.ok(removed.includes(stale), `removed: ${removed.join(' ')}`);
    assert.not.ok(namespaces().includes(stale));
    assert.ok(namespaces().includes(mine), 'a namespace of this live run was removed');
  } finally {
    execSync([ipPath(), 'netns', 'del', stale]);
    await deleteNetns(mine);
  }
});

ktest('nothing is left behind', () => {
  const leftovers = namespaces().filter((n) => n.startsWith(OWN));
  assert.equal(leftovers, []);
});

test.run();
