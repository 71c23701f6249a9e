// policies/guide.policy (three lines) against the sysadmin guide's hand-written
// ruleset (examples/guide.rules): for real packets in the lab, both give the same
// verdicts. The compiled one is the hardened form (conntrack, INVALID drop,
// rate-limited LOG), which ordinary traffic cannot tell apart.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compilePolicy } from '../../src/compile/compile.js';
import { repoRoot } from '../helpers/env.js';
import { Lab, type GuestName } from '../kernel/lab.js';
import { kernelSkipReason } from '../kernel/netns.js';

const skip = kernelSkipReason();
const ktest = skip ? test.skip : test;

const probes: Array<{ proto: 'tcp' | 'udp'; src: GuestName; dst: GuestName; port: number; expect: boolean }> = [
  { proto: 'tcp', src: 'web1', dst: 'app1', port: 3306, expect: true },
  { proto: 'tcp', src: 'web1', dst: 'app1', port: 22, expect: false },
  { proto: 'udp', src: 'web1', dst: 'app1', port: 3306, expect: false },
  { proto: 'tcp', src: 'app1', dst: 'web1', port: 3306, expect: false },
  { proto: 'tcp', src: 'web1', dst: 'db1', port: 3306, expect: false },
  { proto: 'tcp', src: 'outside1', dst: 'app1', port: 3306, expect: false },
];

ktest('guide.policy and guide.rules decide the same packets the same way', async () => {
  const policyPath = path.join(repoRoot, 'policies', 'guide.policy');
  const compiled = compilePolicy(readFileSync(policyPath, 'utf8'), policyPath).ipv4!.text;
  const handWritten = readFileSync(path.join(repoRoot, 'examples', 'guide.rules'), 'utf8');
  assert.ok(compiled.split('\n').filter((l) => l.startsWith('-A FORWARD')).length >= 4);
  const lab = await Lab.create();
  try {
    for (const [name, rules] of [['guide.rules', handWritten], ['guide.policy', compiled]] as const) {
      await lab.loadRouter(rules);
      for (const p of probes) {
        const r = await (p.proto === 'tcp' ? lab.tcp(p.src, p.dst, p.port) : lab.udp(p.src, p.dst, p.port));
        assert.is(r.passed, p.expect, `${name}: ${p.src} -> ${p.dst} ${p.proto}/${p.port} (${r.detail})`);
      }
    }
  } finally {
    await lab.destroy();
  }
});

test.run();
