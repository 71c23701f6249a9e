// Validation against schema/topology.schema.json with ajv, and the translation
// of ajv's errors into diagnostics a person can act on: each names the JSON
// path and points at the line and column of that path in the file.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type { Ajv2020 as Ajv2020Class, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { didYouMean, error, type Diagnostic } from '../diagnostics.js';
import { displayPointer, joinPointer, locatePointer, type JsonDocument } from './json-source.js';
import { interfaceNameProblem, vlanIdProblem } from './names.js';
import { lookupTable } from '../lookup.js';

const SCHEMA_RELATIVE = path.join('schema', 'topology.schema.json');

/**
 * The schema file. It is published with the package (package.json "files"), so it
 * is found by walking up from this module: src/topology/ under tsx, dist/src/topology/ once built.
 */
export const topologySchemaPath: string = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, SCHEMA_RELATIVE);
    if (existsSync(candidate)) return candidate;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`chainsmith is installed incompletely: ${SCHEMA_RELATIVE} not found`);
    dir = up;
  }
})();

type SchemaObject = Record<string, unknown> & {
  $defs: Record<string, Record<string, unknown>>;
};

let compiled: { schema: SchemaObject; validate: ValidateFunction } | undefined;

/** The parsed schema and its validator (loaded or compiled once, on first use). */
export function topologyValidator(): { schema: SchemaObject; validate: ValidateFunction } {
  if (!compiled) {
    const schemaText = readFileSync(topologySchemaPath, 'utf8');
    const schema = JSON.parse(schemaText) as SchemaObject;
    compiled = { schema, validate: precompiledValidator(schemaText) ?? compileTopologySchema(schema).validate };
  }
  return compiled;
}

const require = createRequire(import.meta.url);

/**
 * The ajv instance and validator for the schema. verbose: errors carry the failing
 * (sub)schema and data, which the messages below use. inlineRefs off keeps
 * parentSchema a $defs entry itself, so errors can be told apart by definition.
 * The build's precompiled validator is generated from this same call.
 */
export function compileTopologySchema(schema: object, code: { source?: boolean } = {}): { ajv: Ajv2020Class; validate: ValidateFunction } {
  // ajv is loaded only here: with the precompiled validator a compile never needs it.
  const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const ajv = new Ajv2020({ allErrors: true, strict: true, verbose: true, inlineRefs: false, code });
  return { ajv, validate: ajv.compile(schema) };
}

/** Where `npm run build` writes the validator's standalone code (scripts/build-topology-validator.mjs). */
export const PRECOMPILED_VALIDATOR_FILE = 'topology-validator.cjs';

/**
 * The validator precompiled at build time, when it was built from exactly this
 * schema text. Compiling the schema (and, before that, ajv's meta-schema) took
 * a fifth of a second on every run; the generated code is the same validation
 * with the same error objects. Under tsx (src/) there is none, and a stale one
 * (the schema edited since the build) is ignored: both compile at run time.
 */
function precompiledValidator(schemaText: string): ValidateFunction | undefined {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), PRECOMPILED_VALIDATOR_FILE);
  if (!existsSync(file)) return undefined;
  const validate = require(file) as ValidateFunction & { schemaText?: string };
  return validate.schemaText === schemaText ? validate : undefined;
}

/**
 * Which $defs entry an error's schema is. By structure, not identity: the
 * precompiled validator's errors point at its own copies of the schema. Every
 * definition has its own title, so no two schemas in the file are equal.
 */
function defName(schema: SchemaObject, e: ErrorObject): string | undefined {
  for (const [name, def] of Object.entries(schema.$defs)) if (def === e.parentSchema || isDeepStrictEqual(def, e.parentSchema)) return name;
  return undefined;
}

function valueAt(root: unknown, pointer: string): unknown {
  let v = root;
  for (const token of pointer.split('/').slice(1)) {
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

const TYPE_NAMES: Record<string, string> = lookupTable({
  object: 'an object',
  array: 'an array',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
});

/** The message for an error raised inside one of the schema's named definitions. */
function defMessage(def: string | undefined, e: ErrorObject): string | undefined {
  const data = e.data;
  switch (def) {
    case 'ifname':
      if (typeof data !== 'string') return undefined;
      return `interface name '${data}' ${interfaceNameProblem(data) ?? 'is invalid'}`;
    case 'vlanId':
      return typeof data === 'string' ? vlanIdProblem(data) : undefined;
    case 'zone':
      if (e.keyword === 'not') return `'${String(data)}' is a policy keyword and cannot name a zone`;
      if (e.keyword === 'maxLength') return `zone name '${String(data)}' is longer than 32 characters`;
      if (e.keyword === 'pattern') {
        return `zone name '${String(data)}' must start with a letter or '_' and hold only letters, digits and '_'`;
      }
      return undefined;
    case 'mtu':
      if (e.keyword === 'minimum' || e.keyword === 'maximum') return `MTU must be 68-65535, got ${String(data)}`;
      return undefined;
    case 'cidr':
      if (e.keyword === 'pattern') return `'${String(data)}' is not a CIDR: expected ADDRESS/PREFIX, e.g. 10.0.10.0/24`;
      return undefined;
    default:
      return undefined;
  }
}

/**
 * didYouMean, plus swapped letters ("mut" for "mtu"): plain edit distance counts a
 * transposition as two edits, too many for a three-letter property name.
 */
function propertyHint(name: string, known: string[]): string {
  const hint = didYouMean(name, known);
  if (hint) return hint;
  const letters = (s: string) => [...s.toLowerCase()].sort().join('');
  const anagram = known.find((k) => letters(k) === letters(name));
  return anagram ? `; did you mean '${anagram}'?` : '';
}

/** Where the diagnostic points: the JSON path it names, whether to point at the key, and the message. */
interface Finding {
  pointer: string;
  atKey: boolean;
  message: string;
}

function describe(schema: SchemaObject, document: unknown, e: ErrorObject): Finding | undefined {
  const def = defName(schema, e);
  // ajv checks property names by validating each name against the propertyNames schema,
  // reporting it at the *object's* path with the name as data; the summary
  // "propertyNames" error that follows adds nothing, so it is dropped.
  if (e.keyword === 'propertyNames') return undefined;
  const container = valueAt(document, e.instancePath);
  if (typeof e.data === 'string' && typeof container === 'object' && container !== null && !Array.isArray(container)) {
    return {
      pointer: joinPointer(e.instancePath, e.data),
      atKey: true,
      message: defMessage(def, e) ?? `invalid property name '${e.data}'`,
    };
  }
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'uniqueItems') {
    // ajv's i is the later of the two equal items: point there.
    const later = Number(params.i);
    const item = Array.isArray(e.data) ? JSON.stringify(e.data[later]) : 'this item';
    return { pointer: joinPointer(e.instancePath, later), atKey: false, message: `${item} is listed twice (first as item ${String(params.j)})` };
  }
  const special = defMessage(def, e);
  if (special) return { pointer: e.instancePath, atKey: false, message: special };

  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const known = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
      return {
        pointer: joinPointer(e.instancePath, name),
        atKey: true,
        message: `unknown property '${name}'${propertyHint(name, known)}`,
      };
    }
    case 'required':
      return { pointer: e.instancePath, atKey: true, message: `missing required property '${String(params.missingProperty)}'` };
    case 'dependentRequired':
      return {
        pointer: joinPointer(e.instancePath, String(params.property)),
        atKey: true,
        message: `'${String(params.property)}' needs '${String(params.missingProperty)}': subnets belong to a zone`,
      };
    case 'type':
      return { pointer: e.instancePath, atKey: false, message: `must be ${TYPE_NAMES[String(params.type)] ?? String(params.type)}` };
    default:
      return { pointer: e.instancePath, atKey: false, message: e.message ?? `fails '${e.keyword}'` };
  }
}

/** Validates `doc.value` against the schema; one diagnostic per problem (ajv allErrors). */
export function schemaDiagnostics(doc: JsonDocument, file: string): { diagnostics: Diagnostic[]; pointers: Set<string> } {
  const { schema, validate } = topologyValidator();
  const diagnostics: Diagnostic[] = [];
  const pointers = new Set<string>();
  if (validate(doc.value)) return { diagnostics, pointers };
  for (const e of validate.errors ?? []) {
    const f = describe(schema, doc.value, e);
    if (!f) continue;
    const message = `${displayPointer(f.pointer)}: ${f.message}`;
    if (diagnostics.some((d) => d.message === message)) continue;
    pointers.add(f.pointer);
    diagnostics.push(error(locatePointer(doc, file, f.pointer, f.atKey ? 'key' : 'value'), message));
  }
  return { diagnostics, pointers };
}
