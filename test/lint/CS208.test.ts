import { test } from 'uvu';
import { check } from '../../src/lint/checks/cs208-lockout-risk.js';
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
    name: 'ssh from the admin network',
    input: `
      *filter
      :INPUT DROP [0:0]
      -A INPUT -s 192.168.10.0/24 -p tcp -m tcp --dport 22 -j ACCEPT`,
    expect: [],
  },
  {
    name: 'policy ACCEPT and no rule about ssh',
    input: `
      *filter
      :INPUT ACCEPT [0:0]`,
    expect: [],
  },
  {
    name: 'ssh behind an unmodelled match (a rate limit) may get through: not provable',
    input: `
      *filter
      :INPUT DROP [0:0]
      -A INPUT -p tcp -m tcp --dport 22 -m recent --rcheck --name ssh -j ACCEPT`,
    expect: [],
  },
  {
    name: 'ssh only on one interface is enough',
    input: `
      *filter
      :INPUT DROP [0:0]
      -A INPUT -i eth1 -p tcp -m tcp --dport 22 -j ACCEPT`,
    expect: [],
  },
  {
    name: 'default drop, ssh never accepted: reported at the policy',
    input: `
      *filter
      :INPUT DROP [0:0]
      -A INPUT -i lo -j ACCEPT
      -A INPUT -p tcp -m tcp --dport 443 -j ACCEPT`,
    expect: ['2:8'],
    messages: ['ipv4 INPUT drops every new SSH connection'],
  },
  {
    name: 'an explicit reject of ssh before an accept',
    input: `
      *filter
      :INPUT ACCEPT [0:0]
      -A INPUT -p tcp -m tcp --dport 22 -j REJECT --reject-with tcp-reset
      -A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -j ACCEPT`,
    expect: ['3:1'],
  },
  {
    name: 'the shipped cluster policy lets ops in',
    input: policy(readFileSync(cluster, 'utf8'), cluster),
    expect: [],
  },
  {
    name: 'a policy that forgot ssh is reported at its input drop default',
    input: policy(dedent(`
      defaults {
        policy input drop
      }
      allow any -> self tcp/443`)),
    expect: ['2:3'],
  },
];

// The check reads the lint run's packet space, so every case runs with the analysis.
runTable(check, cases.map((c) => ({ options: { analysis: buildAnalysis }, ...c })));

test.run();
