// plan and apply against a real kernel, inside network namespaces only: the CLI
// runs under `ip netns exec NS`, so its iptables-save/-restore see the
// namespace's (empty at first) firewall, never this machine's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ipPath, kernelSkipReason, nsExec, restoreInto, saveFrom, withNetns } from '../kernel/netns.js';
import { repoRoot } from '../helpers/env.js';

const skip = kernelSkipReason();
const t = skip ? test.skip : test;
const BIN = path.join(repoRoot, 'bin', 'chainsmith.js');

const OLD = `*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -i br0.10 -o br0.30 -p tcp -m tcp --dport 3306 -j ACCEPT
COMMIT
`;
const NEW = OLD.replace('COMMIT', '-A FORWARD -i br0.10 -o br0.30 -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT');
/** The kernel refuses a jump to a chain that does not exist (iptables-restore --test does not). */
const BROKEN = OLD.replace('COMMIT', '-A FORWARD -i br0.20 -j NO-SUCH-CHAIN\nCOMMIT');

const dir = mkdtempSync(path.join(os.tmpdir(), 'cs-apply-'));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

function chainsmith(ns: string, args: string[], input = '') {
  return nsExec(ns, [process.execPath, BIN, ...args], { input, timeoutMs: 60_000 });
}

/** Runs apply with stdin left open and silent, so only the timeout can end the wait. */
function applyWithSilentStdin(ns: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(ipPath(), ['netns', 'exec', ns, process.execPath, BIN, 'apply', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      child.stdin.destroy();
      resolve({ code, stdout, stderr });
    });
  });
}

t('plan: read-only diff from the namespace\'s live rules to the file', async () => {
  await withNetns(async (ns) => {
    await restoreInto(ns, OLD, 'ipv4');
    const before = await saveFrom(ns, 'ipv4');
    const r = await chainsmith(ns, ['plan', file('new.rules', NEW), '--format', 'json']);
    assert.is(r.code, 1, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.semantic[0].newlyAccepted.map((p: { match: string }) => p.match), ['-i br0.10 -o br0.30 -p tcp -m tcp --dport 22 -m conntrack --ctstate INVALID,NEW,UNTRACKED']);
    assert.is(await saveFrom(ns, 'ipv4'), before);
    const same = await chainsmith(ns, ['plan', file('old.rules', OLD)]);
    assert.is(same.code, 0, same.stdout + same.stderr);
  }, 'plan');
});

t('plan of a policy: the compiled cluster policy against an empty namespace differs', async () => {
  await withNetns(async (ns) => {
    const r = await chainsmith(ns, ['plan', path.join(repoRoot, 'policies', 'cluster.policy')]);
    assert.is(r.code, 1, r.stderr);
    assert.match(r.stdout, /newly dropped/);
  }, 'plan-policy');
});

t('apply: confirmed with "yes", the new rules stay', async () => {
  await withNetns(async (ns) => {
    await restoreInto(ns, OLD, 'ipv4');
    const r = await chainsmith(ns, ['apply', file('new.rules', NEW), '--confirm-timeout', '10', '--backup-dir', dir], 'yes\n');
    assert.is(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /--dport 22/); // the plan was shown
    assert.is(await saveFrom(ns, 'ipv4'), NEW);
  }, 'apply-yes');
});

t('apply: no answer before the timeout rolls back to the exact saved rules (counters too)', async () => {
  await withNetns(async (ns) => {
    await restoreInto(ns, OLD.replace('-A FORWARD -m conntrack', '[7:420] -A FORWARD -m conntrack'), 'ipv4');
    const before = await saveFrom(ns, 'ipv4', { counters: true });
    const started = Date.now();
    const r = await applyWithSilentStdin(ns, [file('new.rules', NEW), '--confirm-timeout', '1.5']);
    assert.is(r.code, 1, r.stdout + r.stderr);
    assert.ok(Date.now() - started >= 1500, 'waited for the timeout');
    assert.match(r.stderr, /no confirmation in time; restoring the previous rules/);
    assert.is(await saveFrom(ns, 'ipv4', { counters: true }), before);
  }, 'apply-timeout');
});

t('apply: any answer but "yes" (or end of input) rolls back', async () => {
  await withNetns(async (ns) => {
    await restoreInto(ns, OLD, 'ipv4');
    const no = await chainsmith(ns, ['apply', file('new.rules', NEW), '--confirm-timeout', '10'], 'no\n');
    assert.is(no.code, 1, no.stderr);
    assert.is(await saveFrom(ns, 'ipv4'), OLD);
    const eof = await chainsmith(ns, ['apply', file('new.rules', NEW), '--confirm-timeout', '10'], '');
    assert.is(eof.code, 1, eof.stderr);
    assert.is(await saveFrom(ns, 'ipv4'), OLD);
  }, 'apply-no');
});

t('apply: a ruleset the kernel rejects changes nothing', async () => {
  await withNetns(async (ns) => {
    await restoreInto(ns, OLD, 'ipv4');
    // Lint refuses it first (CS301 is an error) ...
    const refused = await chainsmith(ns, ['apply', file('broken.rules', BROKEN), '--confirm-timeout', '5'], 'yes\n');
    assert.is(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /not applied: lint found/);
    assert.is(await saveFrom(ns, 'ipv4'), OLD);
    // ... and forced past lint, the kernel refuses it and the old rules remain.
    const forced = await chainsmith(ns, ['apply', file('broken.rules', BROKEN), '--force', '--confirm-timeout', '5'], 'yes\n');
    assert.is(forced.code, 2, forced.stderr);
    assert.match(forced.stderr, /(loading the new rules failed|iptables-restore)/);
    assert.is(await saveFrom(ns, 'ipv4'), OLD);
  }, 'apply-broken');
});

t('apply: a table the host did not have is emptied again on rollback', async () => {
  await withNetns(async (ns) => {
    const r = await chainsmith(ns, ['apply', file('new.rules', NEW), '--confirm-timeout', '10'], 'no\n');
    assert.is(r.code, 1, r.stderr);
    const after = await saveFrom(ns, 'ipv4');
    assert.not.match(after, /^-A /m);
    assert.not.match(after, /DROP/);
  }, 'apply-fresh');
});

test.run();
