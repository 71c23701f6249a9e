import { test } from 'uvu';
import { check } from '../../src/lint/checks/cs202-overly-broad-accept.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compilePolicy } from '../../src/compile/compile.js';
import type { Ruleset } from '../../src/ruleset/model.js';
import { repoRoot } from '../helpers/env.js';
import { dedent } from './build.js';
import { runTable, type Case } from './table.js';
import { buildAnalysis } from '../../src/analysis/lint-analysis.js';

function policy(text: string, file = 'test.policy'): Ruleset[] {
  const r = compilePolicy(text, file);
  return [r.ipv4?.ruleset, r.ipv6?.ruleset].filter((x): x is Ruleset => x !== undefined);
}
const cluster = path.join(repoRoot, 'policies', 'cluster.policy');

const cases: Case[] = [
  {
    name: 'a service from anywhere, loopback, established-only, and narrow sources are fine',
    input: `
      *filter
      :INPUT DROP [0:0]
      :FORWARD DROP [0:0]
      :OUTPUT ACCEPT [0:0]
      -A INPUT -i lo -j ACCEPT
      -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      -A INPUT -p tcp -m tcp --dport 443 -j ACCEPT
      -A INPUT -s 192.168.10.0/24 -p tcp -j ACCEPT
      -A FORWARD -i eth1 -o eth0 -j ACCEPT
      -A FORWARD -p udp -m udp --dport 1024:65535 -j ACCEPT`,
    expect: [],
  },
  {
    name: 'an unmodelled match (an ipset) is never called broad',
    input: `
      *filter
      :INPUT DROP [0:0]
      :FORWARD DROP [0:0]
      -A INPUT -p tcp -m set --match-set trusted src -j ACCEPT`,
    expect: [],
  },
  {
    name: 'every protocol, every tcp port, every udp port from anywhere',
    input: `
      *filter
      :INPUT DROP [0:0]
      :FORWARD DROP [0:0]
      -A INPUT -d 10.0.0.1/32 -j ACCEPT
      -A INPUT -p tcp -j ACCEPT
      -A FORWARD -o br0 -p udp -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT
      -A FORWARD -s 0.0.0.0/0 -j ACCEPT`,
    expect: ['4:1', '5:1', '6:1', '7:1'],
    messages: ['takes every protocol from any source', 'takes every tcp port', 'takes every udp port', 'takes every protocol'],
  },
  {
    name: 'a negated source still takes almost everything: not "any source", so not flagged',
    input: `
      *filter
      :INPUT DROP [0:0]
      :FORWARD DROP [0:0]
      -A INPUT ! -s 10.0.0.0/8 -p tcp -j ACCEPT`,
    expect: [],
  },
  {
    name: 'the shipped cluster policy accepts services only',
    input: policy(readFileSync(cluster, 'utf8'), cluster),
    expect: [],
  },
  {
    name: 'a policy rule without a service is reported at its line',
    input: policy(dedent(`
      allow any -> 10.0.30.5
      allow any -> self tcp/22`)),
    expect: ['1:1'],
    messages: ['FORWARD: this ACCEPT takes every protocol'],
  },
];

// The check reads the lint run's packet space, so every case runs with the analysis.
runTable(check, cases.map((c) => ({ options: { analysis: buildAnalysis }, ...c })));

test.run();
