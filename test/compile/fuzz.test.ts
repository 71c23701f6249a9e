// Fuzzing the whole compiler (fast-check): generated policies built from the
// language's pieces, and mutations of the shipped ones, never crash it (only
// located ChainsmithErrors), and every policy that compiles loads in the kernel.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { compilePolicy } from '../../src/compile/compile.js';
import { ChainsmithError } from '../../src/diagnostics.js';
import { parseTopology } from '../../src/topology/load.js';
import { repoRoot } from '../helpers/env.js';
import { mutatedTexts } from '../helpers/mutate.js';
import { kernelSkipReason, loadAndSave } from '../kernel/netns.js';

const topoPath = path.join(repoRoot, 'examples', 'cluster.topology.json');
const topology = parseTopology(readFileSync(topoPath, 'utf8'), topoPath);

/** Compiles; a ChainsmithError must carry located diagnostics; anything else thrown fails the test. */
function tryCompile(text: string): { v4?: string; v6?: string } | null {
  try {
    const r = compilePolicy(text, 'fuzz.policy', { topology });
    return { ...(r.ipv4 ? { v4: r.ipv4.text } : {}), ...(r.ipv6 ? { v6: r.ipv6.text } : {}) };
  } catch (e) {
    if (!(e instanceof ChainsmithError)) throw new Error(`compiler crashed on ${JSON.stringify(text)}: ${(e as Error).stack}`);
    assert.ok(e.diagnostics.length > 0, 'an error without diagnostics');
    for (const d of e.diagnostics) {
      assert.ok(d.loc.line >= 1 && d.loc.column >= 1, `unlocated diagnostic: ${d.message}`);
      assert.ok(d.message.length > 0 && !d.message.includes('\n'), `bad message: ${d.message}`);
    }
    return null;
  }
}

const zone = fc.constantFrom('web', 'app', 'db', 'storage', 'public');
const v4 = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })).map(([a, b]) => `10.${a}.${b}.0/24`),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 })).map(([a, b]) => `10.0.${a}.${b}`),
);
const v6 = fc.integer({ min: 0, max: 0xffff }).map((n) => `2001:db8:${n.toString(16)}::/64`);
const endpoint = fc.oneof(
  zone,
  fc.constant('any'),
  fc.constant('self'),
  fc.constantFrom('h4', 'h6', 'n', 'g'),
  v4,
  v6,
  fc.tuple(zone, fc.constantFrom('h4', '10.0.10.7', '[2001:db8:10::7]')).map(([z, a]) => `${z}:${a}`),
);
const service = fc.oneof(
  fc.integer({ min: 1, max: 65535 }).map((p) => `tcp/${p}`),
  fc.tuple(fc.integer({ min: 1, max: 30000 }), fc.integer({ min: 0, max: 30000 })).map(([a, b]) => `udp/${a}-${a + b}`),
  fc.array(fc.integer({ min: 1, max: 65535 }), { minLength: 2, maxLength: 20 }).map((ps) => `tcp/${ps.join(',')}`),
  fc.constantFrom('icmp/echo-request', 'icmpv6/echo-request', 'icmp/3/4', 'sctp/9', 'esp', 'gre', 'udp', 'mysql', 'web'),
);
const rule = fc
  .tuple(
    fc.constantFrom('allow', 'deny', 'reject'),
    fc.array(endpoint, { minLength: 1, maxLength: 3 }),
    fc.array(endpoint, { minLength: 1, maxLength: 3 }),
    fc.array(service, { maxLength: 3 }),
    fc.option(fc.constantFrom('log', 'log "p: "', 'comment "a \\"quoted\\" note"'), { nil: undefined }),
  )
  .map(([a, s, d, svc, opt]) => `${a} ${s.join(', ')} -> ${d.join(', ')}${svc.length ? ' ' + svc.join(', ') : ''}${opt ? ' ' + opt : ''}`);
const defaults = fc
  .record({
    input: fc.constantFrom('accept', 'drop'),
    forward: fc.constantFrom('accept', 'drop'),
    output: fc.constantFrom('accept', 'drop'),
    log: fc.constantFrom('log off', 'log drops prefix "x: " limit 5/second burst 9', 'log drops'),
    est: fc.constantFrom('accept', 'off'),
  })
  .map((d) => `defaults {\n policy input ${d.input}\n policy forward ${d.forward}\n policy output ${d.output}\n ${d.log}\n established ${d.est}\n}`);
const policy = fc
  .tuple(fc.option(defaults, { nil: undefined }), fc.array(rule, { minLength: 1, maxLength: 6 }))
  .map(([d, rules]) =>
    [
      'host h4 = 10.0.10.9',
      'host h6 = 2001:db8:30::9',
      'network n = 198.51.100.0/24, 2001:db8:100::/48',
      'group g = h4, n',
      'service mysql = tcp/3306',
      'service web = tcp/80, tcp/443',
      d ?? '',
      ...rules,
    ].join('\n'),
  );

test('generated policies compile or fail with located errors, never crash', () => {
  fc.assert(fc.property(policy, (text) => void tryCompile(text)), { numRuns: 300 });
});

const shipped = [
  ...readdirSync(path.join(repoRoot, 'policies')).map((f) => path.join(repoRoot, 'policies', f)),
  ...readdirSync(path.join(repoRoot, 'test', 'compile', 'golden')).filter((f) => f.endsWith('.policy')).map((f) => path.join(repoRoot, 'test', 'compile', 'golden', f)),
].map((f) => readFileSync(f, 'utf8').replace(/^topology .*$/m, ''));

test('mutated shipped policies (tokens deleted, duplicated, swapped) never crash the compiler', () => {
  const mutated = mutatedTexts(shipped, ['delete', 'dup', 'swap'], 4);
  fc.assert(fc.property(mutated, (text) => void tryCompile(text)), { numRuns: 400 });
});

const skip = kernelSkipReason();
(skip ? test.skip : test)('every generated policy that compiles loads in the kernel and reads back identically', async () => {
  const samples = fc.sample(policy, { numRuns: 60, seed: 20261127 });
  let loaded = 0;
  for (const text of samples) {
    const out = tryCompile(text);
    if (!out) continue;
    for (const [family, rules] of [['ipv4', out.v4], ['ipv6', out.v6]] as const) {
      if (rules === undefined) continue;
      const saved = await loadAndSave(rules, family);
      assert.fixture(saved, rules, `kernel disagrees for:\n${text}`);
      loaded++;
    }
  }
  assert.ok(loaded >= 20, `only ${loaded} rulesets compiled and loaded`);
});

test.run();
