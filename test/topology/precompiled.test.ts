// The validator `npm run build` precompiles (ajv standalone code) must report
// exactly what the run-time compiled one does: same errors, same fields, so the
// diagnostics built from them are the same whichever one a run uses.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';
import * as standaloneModule from 'ajv/dist/standalone/index.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { compileTopologySchema, topologySchemaPath } from '../../src/topology/schema.js';
import { repoRoot } from '../helpers/env.js';

const schemaText = readFileSync(topologySchemaPath, 'utf8');
const runtime = compileTopologySchema(JSON.parse(schemaText)).validate;

/** What scripts/build-topology-validator.mjs writes, loaded as the CommonJS module it is. */
function precompiled(): ValidateFunction {
  const { ajv, validate } = compileTopologySchema(JSON.parse(schemaText), { source: true });
  // A CommonJS module whose export is the function itself (its typings say `default`).
  type Generate = (ajv: ReturnType<typeof compileTopologySchema>["ajv"], validate: ValidateFunction) => string;
  const generate = ((standaloneModule as { default?: unknown }).default ?? standaloneModule) as Generate;
  const module = { exports: {} as unknown };
  new Function('module', 'exports', 'require', generate(ajv, validate))(module, module.exports, createRequire(topologySchemaPath));
  return module.exports as ValidateFunction;
}

const bad: unknown[] = [
  [],
  { bridges: 1, interfaces: [], extra: true },
  { bridges: { 'bridge-uplink-too-long': { ports: [], vlans: { 10: { zone: 'web' } } } } },
  { bridges: { br0: { ports: ['eth0', 'eth0'], vlans: { 0: { zone: 'web' }, 4095: {}, '010': { zone: 'allow' } } } } },
  { interfaces: { 'eth0/1': {}, eth1: { mtu: 20, mut: 1500, subnets: ['10.0.0.0/24'] } } },
  { interfaces: { eth1: { zone: 'a-b', subnets: ['10.0.0.0', '10.0.0.0/24', '10.0.0.0/24'], vlans: { 7: { zone: 'x'.repeat(40), ifname: 'storage-vlan-0007' } } } } },
  { bridges: { br0: { vlans: { 10: { zone: 'web', mtu: 70000, description: 3 } } } }, description: {} },
];

test('the precompiled validator reports the same errors as the run-time one', () => {
  const pre = precompiled();
  for (const doc of bad) {
    assert.is(pre(doc), runtime(doc), JSON.stringify(doc));
    assert.ok(runtime.errors && runtime.errors.length > 0, JSON.stringify(doc));
    // Structurally equal: the precompiled errors' schema and parentSchema are its own copies of the schema's objects.
    assert.ok(isDeepStrictEqual(pre.errors, runtime.errors), JSON.stringify(doc));
  }
});

test('both accept the example topology', () => {
  const example = JSON.parse(readFileSync(path.join(repoRoot, 'examples', 'cluster.topology.json'), 'utf8'));
  assert.ok(runtime(example));
  assert.ok(precompiled()(example));
});

test.run();
