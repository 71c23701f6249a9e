// The policy parser on valid input: DESIGN.md's example policy field by field,
// then every construct of the language.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ChainsmithError } from '../../src/diagnostics.js';
import type { PolicyFile, ServiceItem } from '../../src/policy/ast.js';
import { parsePolicy, parsePolicyOrThrow } from '../../src/policy/parse.js';
import { PolicyParser } from '../../grammar/parser.js';
import { policyErrorMessages } from '../../grammar/messages.js';
import { repoRoot } from '../helpers/env.js';

const example = readFileSync(path.join(repoRoot, 'test', 'grammar', 'fixtures', 'design-example.policy'), 'utf8');

/** Parses text that must be valid. */
function ok(text: string): PolicyFile {
  const { ast, diagnostics } = parsePolicy(text, 't.policy');
  assert.equal(diagnostics.map((d) => `${d.loc.line}:${d.loc.column}: ${d.message}`), [], `unexpected diagnostics for ${JSON.stringify(text)}`);
  return ast;
}

/** Messages of the diagnostics for text that must be invalid. */
function errors(text: string): string[] {
  return parsePolicy(text, 't.policy').diagnostics.map((d) => `${d.loc.line}:${d.loc.column}: ${d.message}`);
}

/** Drops positions so structure can be compared with a literal. */
function shape(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x, (k, v) => (k === 'pos' || k === 'zonePos' || k === 'prefixPos' ? undefined : v)));
}

function services(text: string): unknown {
  return shape(ok(`allow any -> self ${text}`).rules[0]!.services as ServiceItem[]);
}

test('the grammar passes Chevrotain\'s self-checks (the shared parser skips them)', () => {
  // With validations on, performSelfAnalysis throws on an ambiguous or left-recursive grammar.
  assert.not.throws(() => new PolicyParser(policyErrorMessages));
});

test('no rule, token or label name is a property of Object.prototype (CST children are plain objects)', () => {
  // PolicyParser.cstInvocationStateUpdate gives CST nodes plain-object children,
  // where such a name would read the prototype's property instead of nothing.
  const names = new Set<string>();
  const collect = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(collect);
    else if (x && typeof x === 'object') {
      for (const [k, v] of Object.entries(x)) {
        if ((k === 'name' || k === 'label' || k === 'terminalLabel') && typeof v === 'string') names.add(v);
        else collect(v);
      }
    }
  };
  collect(new PolicyParser().getSerializedGastProductions());
  assert.ok(names.has('sources') && names.has('protocol') && names.has('rule') && names.has('Identifier'), 'the walk finds labels, rules and tokens');
  assert.equal([...names].filter((n) => n in Object.prototype), []);
});

test('DESIGN.md example: header, definitions, defaults', () => {
  const ast = parsePolicyOrThrow(example, 'cluster.policy');
  assert.is(ast.file, 'cluster.policy');
  assert.is(ast.source, example);
  assert.equal(ast.topology, { path: 'cluster.topology.json', pos: { file: 'cluster.policy', line: 2, column: 10, endColumn: 33 } });
  assert.is(ast.family, undefined);
  assert.equal(shape(ast.definitions), [
    { kind: 'host', name: 'admin', addresses: [{ kind: 'address', text: '192.168.10.5' }] },
    { kind: 'network', name: 'office', addresses: [{ kind: 'address', text: '198.51.100.0/24' }, { kind: 'address', text: '2001:db8:100::/48' }] },
    { kind: 'group', name: 'ops', members: [{ kind: 'name', name: 'admin' }, { kind: 'name', name: 'office' }] },
    { kind: 'service', name: 'mysql', items: [{ kind: 'proto', proto: 'tcp', ports: [{ low: 3306, high: 3306 }] }] },
    { kind: 'service', name: 'web', items: [{ kind: 'proto', proto: 'tcp', ports: [{ low: 80, high: 80 }] }, { kind: 'proto', proto: 'tcp', ports: [{ low: 443, high: 443 }] }] },
    { kind: 'service', name: 'dns', items: [{ kind: 'proto', proto: 'udp', ports: [{ low: 53, high: 53 }] }, { kind: 'proto', proto: 'tcp', ports: [{ low: 53, high: 53 }] }] },
    { kind: 'service', name: 'ping', items: [{ kind: 'proto', proto: 'icmp', icmpType: 'echo-request' }] },
  ]);
  assert.equal(ast.definitions[0]!.pos, { file: 'cluster.policy', line: 4, column: 6, endColumn: 11 });
  const d = ast.defaults!;
  assert.equal(d.pos, { file: 'cluster.policy', line: 12, column: 1, endColumn: 9 });
  assert.equal(shape(d.policies), [
    { chain: 'input', verdict: 'drop' },
    { chain: 'forward', verdict: 'drop' },
    { chain: 'output', verdict: 'accept' },
  ]);
  assert.equal(shape(d.log), { prefix: 'chainsmith-drop: ', limit: { count: 10, unit: 'minute' }, burst: 5 });
  assert.equal(d.log!.pos.line, 16);
  assert.equal((d.log as { prefixPos: unknown }).prefixPos, { file: 'cluster.policy', line: 16, column: 20, endColumn: 39 });
  assert.equal(d.established, { value: 'accept', pos: { file: 'cluster.policy', line: 17, column: 3, endColumn: 14 } });
  assert.equal(shape(d.invalid), { value: 'drop' });
  assert.equal(shape(d.loopback), { value: 'accept' });
});

test('DESIGN.md example: rules', () => {
  const ast = parsePolicyOrThrow(example, 'cluster.policy');
  assert.equal(shape(ast.rules), [
    { action: 'allow', sources: [{ kind: 'any' }], destinations: [{ kind: 'name', name: 'web' }], services: [{ kind: 'ref', name: 'web' }] },
    { action: 'allow', sources: [{ kind: 'name', name: 'web' }], destinations: [{ kind: 'name', name: 'app' }], services: [{ kind: 'proto', proto: 'tcp', ports: [{ low: 8080, high: 8080 }] }] },
    {
      action: 'allow',
      sources: [{ kind: 'name', name: 'web' }, { kind: 'name', name: 'app' }],
      destinations: [{ kind: 'name', name: 'db' }],
      services: [{ kind: 'ref', name: 'mysql' }, { kind: 'proto', proto: 'tcp', ports: [{ low: 5432, high: 5432 }] }],
    },
    { action: 'allow', sources: [{ kind: 'name', name: 'ops' }], destinations: [{ kind: 'self' }], services: [{ kind: 'proto', proto: 'tcp', ports: [{ low: 22, high: 22 }] }], log: { prefix: 'ssh: ' } },
    { action: 'allow', sources: [{ kind: 'any' }], destinations: [{ kind: 'self' }], services: [{ kind: 'ref', name: 'ping' }] },
    { action: 'deny', sources: [{ kind: 'name', name: 'app' }], destinations: [{ kind: 'name', name: 'web' }], services: [] },
    { action: 'reject', sources: [{ kind: 'any' }], destinations: [{ kind: 'name', name: 'db' }], services: [{ kind: 'proto', proto: 'tcp', ports: [{ low: 1, high: 1023 }] }], comment: { text: 'no privileged ports from outside' } },
  ]);
  const r = ast.rules[6]!;
  assert.equal(r.pos, { file: 'cluster.policy', line: 28, column: 1, endColumn: 7 });
  assert.equal(r.services[0]!.pos, { file: 'cluster.policy', line: 28, column: 21, endColumn: 31 });
  assert.equal(r.comment!.pos, { file: 'cluster.policy', line: 28, column: 40, endColumn: 74 });
  const logged = ast.rules[3]!.log!;
  assert.equal([logged.pos.column, logged.prefixPos?.column], [28, 32]);
});

test('family and topology', () => {
  for (const f of ['ipv4', 'ipv6', 'dual'] as const) assert.is(ok(`family ${f}`).family!.value, f);
  assert.is(ok('topology "a b/c.json"').topology!.path, 'a b/c.json');
});

test('addresses: IPv4, IPv6 in every shape, with prefix lengths', () => {
  const ast = ok('host h = 10.0.0.1, 10.0.0.0/8, 0.0.0.0/0, ::1, ::, fe80::1, 2001:db8:100::/48, 1:2:3:4:5:6:7:8, ::ffff:192.0.2.1, 2001:db8::/128');
  const def = ast.definitions[0]!;
  assert.ok(def.kind === 'host');
  assert.equal(def.addresses.map((a) => a.text), ['10.0.0.1', '10.0.0.0/8', '0.0.0.0/0', '::1', '::', 'fe80::1', '2001:db8:100::/48', '1:2:3:4:5:6:7:8', '::ffff:192.0.2.1', '2001:db8::/128']);
  assert.equal(def.addresses[6]!.pos, { file: 't.policy', line: 1, column: 61, endColumn: 78 });
});

test('groups hold names and address literals', () => {
  assert.equal(shape(ok('group g = admin, db-replicas, app_1, 10.9.0.0/16, 2001:db8::1').definitions[0]), {
    kind: 'group',
    name: 'g',
    members: [
      { kind: 'name', name: 'admin' },
      { kind: 'name', name: 'db-replicas' },
      { kind: 'name', name: 'app_1' },
      { kind: 'address', text: '10.9.0.0/16' },
      { kind: 'address', text: '2001:db8::1' },
    ],
  });
});

test('services: ports, lists, ranges, ICMP, bare protocols, references', () => {
  assert.equal(services('tcp/80,443,8000-8080'), [{ kind: 'proto', proto: 'tcp', ports: [{ low: 80, high: 80 }, { low: 443, high: 443 }, { low: 8000, high: 8080 }] }]);
  assert.equal(services('tcp/1-1023, udp/0-65535'), [
    { kind: 'proto', proto: 'tcp', ports: [{ low: 1, high: 1023 }] },
    { kind: 'proto', proto: 'udp', ports: [{ low: 0, high: 65535 }] },
  ]);
  assert.equal(services('icmp/echo-request, icmp/8, icmp/3/4, icmpv6/neighbor-solicitation'), [
    { kind: 'proto', proto: 'icmp', icmpType: 'echo-request' },
    { kind: 'proto', proto: 'icmp', icmpType: '8' },
    { kind: 'proto', proto: 'icmp', icmpType: '3/4' },
    { kind: 'proto', proto: 'icmpv6', icmpType: 'neighbor-solicitation' },
  ]);
  assert.equal(services('udp, sctp, esp, gre, 47, mysql'), [
    { kind: 'proto', proto: 'udp' },
    { kind: 'proto', proto: 'sctp' },
    { kind: 'proto', proto: 'esp' },
    { kind: 'proto', proto: 'gre' },
    { kind: 'proto', proto: '47' },
    { kind: 'ref', name: 'mysql' },
  ]);
  // After a port, ", NUMBER" continues the port list; ", NUMBER/..." starts an item.
  assert.equal(services('tcp/80, 443, 6/22'), [
    { kind: 'proto', proto: 'tcp', ports: [{ low: 80, high: 80 }, { low: 443, high: 443 }] },
    { kind: 'proto', proto: '6', ports: [{ low: 22, high: 22 }] },
  ]);
  const item = ok('service s = tcp/80,443').definitions[0]!;
  assert.ok(item.kind === 'service');
  const port443 = (item.items[0] as { ports: Array<{ pos: unknown }> }).ports[1]!;
  assert.equal(port443.pos, { file: 't.policy', line: 1, column: 20, endColumn: 23 });
});

test('endpoints: any, self, names, addresses, zone pins', () => {
  const r = ok('allow any, self, web, 10.0.0.1, 2001:db8::/32 -> web:10.0.10.5, db:replicas, web:[2001:db8::5]').rules[0]!;
  assert.equal(shape(r.sources), [{ kind: 'any' }, { kind: 'self' }, { kind: 'name', name: 'web' }, { kind: 'address', text: '10.0.0.1' }, { kind: 'address', text: '2001:db8::/32' }]);
  assert.equal(shape(r.destinations), [
    { kind: 'pinned', zone: 'web', target: { kind: 'address', text: '10.0.10.5' } },
    { kind: 'pinned', zone: 'db', target: { kind: 'name', name: 'replicas' } },
    { kind: 'pinned', zone: 'web', target: { kind: 'address', text: '2001:db8::5' } },
  ]);
  const pinned = r.destinations[2]!;
  assert.ok(pinned.kind === 'pinned');
  assert.equal(pinned.zonePos, { file: 't.policy', line: 1, column: 78, endColumn: 81 });
  assert.equal(pinned.pos, { file: 't.policy', line: 1, column: 78, endColumn: 95 });
  assert.equal(pinned.target.pos, { file: 't.policy', line: 1, column: 83, endColumn: 94 });
});

test('rule options: log with and without prefix, comment, either order', () => {
  const rules = ok(`
    allow a -> b log
    allow a -> b tcp/22 log "ssh: " comment "admins"
    allow a -> b comment "c" log prefix "p"
    deny a -> b
  `).rules;
  assert.equal(shape(rules.map((r) => [r.log, r.comment])), [[{}, null], [{ prefix: 'ssh: ' }, { text: 'admins' }], [{ prefix: 'p' }, { text: 'c' }], [null, null]]);
});

test('newlines are not significant; a service list never swallows the next statement', () => {
  const ast = ok('allow web -> app tcp/8080\nallow app -> db tcp/5432 deny any -> db\nreject any\n->\nself udp');
  assert.equal(ast.rules.map((r) => r.action), ['allow', 'allow', 'deny', 'reject']);
  assert.equal(shape(ast.rules[0]!.services), [{ kind: 'proto', proto: 'tcp', ports: [{ low: 8080, high: 8080 }] }]);
  assert.equal(ast.rules[3]!.pos.line, 3);
});

test('defaults: every entry, both forms of log, off toggles', () => {
  const d = ok('defaults { log off established off invalid off loopback off policy forward accept }').defaults!;
  assert.equal(shape(d), { policies: [{ chain: 'forward', verdict: 'accept' }], log: { off: true }, established: { value: 'off' }, invalid: { value: 'off' }, loopback: { value: 'off' } });
  const l = ok('defaults { log drops burst 3 limit 2/second }').defaults!.log;
  assert.equal(shape(l), { limit: { count: 2, unit: 'second' }, burst: 3 });
  assert.equal(shape(ok('defaults { }').defaults), { policies: [] });
  for (const unit of ['second', 'minute', 'hour', 'day']) ok(`defaults { log drops limit 1/${unit} }`);
});

test('strings: escapes and comments', () => {
  const r = ok('allow a -> b comment "say \\"hi\\" \\\\ # not a comment" # a comment\n').rules[0]!;
  assert.is(r.comment!.text, 'say "hi" \\ # not a comment');
});

test('keywords are whole words: allowed, deny-list and self_ are names', () => {
  const ast = ok('group allowed = deny-list, self_, anyhost');
  assert.equal(shape(ast.definitions[0]), { kind: 'group', name: 'allowed', members: ['deny-list', 'self_', 'anyhost'].map((name) => ({ kind: 'name', name })) });
});

test('range checks: ports, prefix lengths, ICMP, protocol numbers, rates', () => {
  assert.equal(errors('allow a -> b tcp/65536'), ['1:18: port must be between 0 and 65535, not 65536']);
  assert.equal(errors('allow a -> b tcp/9-8'), ['1:18: port range 9-8 is backwards; write 8-9']);
  assert.equal(errors('host h = 10.0.0.0/33'), ['1:19: IPv4 prefix length must be between 0 and 32, not 33']);
  assert.equal(errors('host h = ::/129'), ['1:13: IPv6 prefix length must be between 0 and 128, not 129']);
  assert.equal(errors('allow a -> b icmp/256'), ['1:19: ICMP type must be between 0 and 255, not 256']);
  assert.equal(errors('allow a -> b 256'), ['1:14: protocol number must be between 0 and 255, not 256']);
  assert.equal(errors('defaults { log drops limit 10001/second }'), ['1:28: rate per second must be between 1 and 10000, not 10001']);
  assert.equal(errors('defaults { log drops limit 0/day }'), ['1:28: rate per day must be between 1 and 864000000, not 0']);
  assert.equal(errors('defaults { log drops burst 10001 }'), ['1:28: burst must be between 1 and 10000, not 10001']);
});

test('parsePolicyOrThrow throws a ChainsmithError with every diagnostic', () => {
  try {
    parsePolicyOrThrow('allow web tcp/80\nhost = 1.2.3.4\n', 'bad.policy');
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.instance(e, ChainsmithError);
    const diags = (e as ChainsmithError).diagnostics;
    assert.equal(diags.map((d) => [d.loc.file, d.loc.line]), [['bad.policy', 1], ['bad.policy', 2]]);
    assert.match((e as Error).message, /^bad\.policy:1:11: error: expected '->' after the source list, found 'tcp'/);
  }
});

test('an empty policy and a comment-only policy are valid and empty', () => {
  for (const text of ['', '\n\n', '# nothing here\n']) {
    const ast = ok(text);
    assert.equal([ast.definitions, ast.rules, ast.defaults], [[], [], undefined]);
  }
});

test.run();
