import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { check } from '../../src/lint/checks/cs209-ipv6-unfiltered.js';
import { build, dedent } from './build.js';
import { lintWith, runTable } from './table.js';

const v4Filtered = () =>
  build(
    dedent(`
      *filter
      :INPUT DROP [0:0]
      :FORWARD DROP [0:0]
      :OUTPUT ACCEPT [0:0]
      -A INPUT -i lo -j ACCEPT`),
    { file: 'host.rules' },
  );

const v4ClosedByRule = () =>
  build(
    dedent(`
      *filter
      :INPUT ACCEPT [0:0]
      -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
      -A INPUT -j REJECT`),
    { file: 'host.rules' },
  );

const v4Open = () =>
  build(
    dedent(`
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD ACCEPT [0:0]`),
    { file: 'host.rules' },
  );

const v6Open = () =>
  build(
    dedent(`
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD ACCEPT [0:0]
      :OUTPUT ACCEPT [0:0]`),
    { file: 'host.rules6', family: 'ipv6' },
  );

const v6Filtered = () =>
  build(
    dedent(`
      *filter
      :INPUT DROP [0:0]
      :FORWARD DROP [0:0]`),
    { file: 'host.rules6', family: 'ipv6' },
  );

const v6NoFilter = () => build(dedent(`
  *nat
  :PREROUTING ACCEPT [0:0]`), { file: 'host.rules6', family: 'ipv6' });

runTable(check, [
  { name: 'a lone IPv4 dump is not judged', input: [v4Filtered()], expect: [] },
  { name: 'both families filtered', input: [v4Filtered(), v6Filtered()], expect: [] },
  { name: 'IPv4 open too: nothing asymmetric (CS204 reports it)', input: [v4Open(), v6Open()], expect: [] },
  { name: 'IPv4 open and IPv6 expected', input: [v4Open()], options: { expectIpv6: true }, expect: [] },
  {
    name: 'IPv6 accepts everything: at the IPv6 INPUT policy',
    input: [v4Filtered(), v6Open()],
    expect: ['2:8'],
    messages: ['accepts everything'],
  },
  { name: 'IPv6 dump without a filter table', input: [v6NoFilter(), v4Filtered()], expect: ['1:1'] },
  { name: 'IPv4 closed by a final REJECT counts as filtered', input: [v4ClosedByRule(), v6Open()], expect: ['2:8'] },
  {
    name: 'IPv6 missing where expected: at the IPv4 policy',
    input: [v4Filtered()],
    options: { expectIpv6: true },
    expect: ['2:8'],
    messages: ['no IPv6 ruleset'],
  },
]);

test('CS209 relates the IPv6 finding to the IPv4 chain that filters', () => {
  const [f] = lintWith(check, [v4Filtered(), v6Open()]);
  assert.is(f!.loc.file, 'host.rules6');
  assert.equal(f!.related.map((r) => `${r.loc.file}:${r.loc.line}`), ['host.rules:2']);
});

test.run();
