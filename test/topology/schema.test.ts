// The published schema: it compiles under ajv's strict mode, documents every
// property, accepts the example, and agrees with the loader on interface names.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { topologySchemaPath } from '../../src/topology/schema.js';
import { interfaceNameProblem } from '../../src/topology/names.js';
import { repoRoot } from '../helpers/env.js';

const schema = JSON.parse(readFileSync(path.join(repoRoot, 'schema', 'topology.schema.json'), 'utf8')) as Record<string, unknown>;

test('the loader finds the schema in the repository', () => {
  assert.is(topologySchemaPath, path.join(repoRoot, 'schema', 'topology.schema.json'));
});

test('the schema compiles under ajv strict mode and accepts the example', () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  const validate = ajv.compile(schema);
  const example = JSON.parse(readFileSync(path.join(repoRoot, 'examples', 'cluster.topology.json'), 'utf8'));
  assert.ok(validate(example), JSON.stringify(validate.errors));
  assert.not.ok(validate({ bridges: { br0: { ports: [], vlans: { 4095: { zone: 'x' } } } } }));
});

test('every property and definition has a title and a description (the schema is documentation)', () => {
  const missing: string[] = [];
  const visit = (node: unknown, where: string, isSchema: boolean) => {
    if (typeof node !== 'object' || node === null) return;
    const obj = node as Record<string, unknown>;
    // A bare {"$ref": ...} is documented where it points.
    const bareRef = Object.keys(obj).length === 1 && '$ref' in obj;
    if (isSchema && !bareRef && !('description' in obj)) missing.push(`${where}: description`);
    if (isSchema && !bareRef && !('title' in obj) && !('$ref' in obj) && !where.endsWith('/not')) missing.push(`${where}: title`);
    for (const [k, v] of Object.entries(obj)) {
      if (k === 'properties' || k === '$defs') {
        for (const [name, sub] of Object.entries(v as object)) visit(sub, `${where}/${k}/${name}`, true);
      } else if (k === 'additionalProperties' || k === 'items' || k === 'propertyNames') {
        visit(v, `${where}/${k}`, typeof v === 'object');
      }
    }
  };
  visit(schema, '', true);
  assert.equal(missing, []);
});

test('the schema interface-name pattern agrees with interfaceNameProblem', () => {
  const ajv = new Ajv2020({ strict: true });
  const defs = schema.$defs as Record<string, object>;
  const validName = ajv.compile(defs.ifname!);
  const names = ['eth0', 'br0.10', 'a', 'x'.repeat(15), 'x'.repeat(16), '', '.', '..', '...', 'eth0/1', 'eth 0', 'eth:0', 'eth+', 'wg-0_a@b', 'é1'];
  for (const n of names) {
    assert.is(validName(n), interfaceNameProblem(n) === undefined, `name ${JSON.stringify(n)}`);
  }
});

test('the schema VLAN-id pattern accepts exactly 1-4094 without leading zeros', () => {
  const ajv = new Ajv2020({ strict: true });
  const validId = ajv.compile((schema.$defs as Record<string, object>).vlanId!);
  for (let i = 0; i <= 4100; i++) assert.is(validId(String(i)), i >= 1 && i <= 4094, String(i));
  for (const s of ['01', '0010', '', '+5', '1e3', ' 5']) assert.not.ok(validId(s), s);
});

test.run();
