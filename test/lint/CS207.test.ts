import { test } from 'uvu';
import { check } from '../../src/lint/checks/cs207-missing-loopback.js';
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
    name: 'loopback accepted first',
    input: `
      *filter
      :INPUT DROP [0:0]
      -A INPUT -i lo -j ACCEPT`,
    expect: [],
  },
  {
    name: 'policy ACCEPT: nothing to say (CS204 is about that)',
    input: `
      *filter
      :INPUT ACCEPT [0:0]
      -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT`,
    expect: [],
  },
  {
    name: 'everything accepted through a jump, lo included',
    input: `
      *filter
      :INPUT DROP [0:0]
      :trusted - [0:0]
      -A INPUT -i l+ -j trusted
      -A trusted -j ACCEPT`,
    expect: [],
  },
  {
    name: 'no lo accept: reported at the policy',
    input: `
      *filter
      :INPUT DROP [0:0]
      -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT`,
    expect: ['2:8'],
    messages: ['ipv4 INPUT drops loopback traffic, e.g. NEW tcp'],
  },
  {
    name: 'lo accepted only towards 127.0.0.0/8: traffic to the host\'s own address is dropped by the final DROP rule',
    input: `
      *filter
      :INPUT ACCEPT [0:0]
      -A INPUT -i lo -d 127.0.0.0/8 -j ACCEPT
      -A INPUT -j DROP`,
    expect: ['4:1'],
    messages: ['in lo'],
  },
  {
    name: 'the shipped cluster policy accepts loopback',
    input: policy(readFileSync(cluster, 'utf8'), cluster),
    expect: [],
  },
  {
    name: 'a policy with `loopback off` is reported at its input drop default',
    input: policy(dedent(`
      defaults {
        policy input drop
        loopback off
      }
      allow any -> self tcp/22`)),
    expect: ['2:3'],
  },
];

// The check reads the lint run's packet space, so every case runs with the analysis.
runTable(check, cases.map((c) => ({ options: { analysis: buildAnalysis }, ...c })));

test.run();
