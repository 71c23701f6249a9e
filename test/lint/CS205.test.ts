import { test } from 'uvu';
import { check } from '../../src/lint/checks/cs205-missing-invalid-drop.js';
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
    name: 'INVALID dropped before the accepts',
    input: `
      *filter
      :INPUT DROP [0:0]
      :FORWARD DROP [0:0]
      -A INPUT -i lo -j ACCEPT
      -A INPUT -m conntrack --ctstate INVALID -j DROP
      -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
      -A FORWARD -m conntrack --ctstate INVALID -j DROP
      -A FORWARD -p tcp -m tcp --dport 80 -j ACCEPT`,
    expect: [],
  },
  {
    name: 'accepts that only take NEW and ESTABLISHED packets, and ICMPv6 before the drop',
    input: `
      *filter
      :INPUT DROP [0:0]
      :FORWARD DROP [0:0]
      -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      -A INPUT -p tcp -m conntrack --ctstate NEW -m tcp --dport 22 -j ACCEPT
      -A FORWARD -p ipv6-icmp -j ACCEPT`,
    expect: [],
  },
  {
    name: 'a stateless accept takes INVALID packets; reported once per chain, at the first such accept (a jump to a missing chain proves nothing)',
    input: `
      *filter
      :INPUT DROP [0:0]
      :FORWARD DROP [0:0]
      -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
      -A INPUT -p tcp -m tcp --dport 80 -j ACCEPT
      -A FORWARD -j web
      -A FORWARD -m conntrack --ctstate INVALID -j DROP`,
    expect: ['5:1'],
    messages: ['ipv4 INPUT: INVALID packets reach this ACCEPT, e.g. INVALID tcp'],
  },
  {
    name: 'the INVALID drop comes too late, after a jump whose chain accepts',
    input: `
      *filter
      :INPUT DROP [0:0]
      :FORWARD DROP [0:0]
      :web - [0:0]
      -A FORWARD -o br0 -j web
      -A FORWARD -m conntrack --ctstate INVALID -j DROP
      -A web -p tcp -m tcp --dport 80 -j ACCEPT`,
    expect: ['7:1'],
    messages: ['ipv4 FORWARD: INVALID packets reach this ACCEPT'],
  },
  {
    name: 'the shipped cluster policy drops INVALID early',
    input: policy(readFileSync(cluster, 'utf8'), cluster),
    expect: [],
  },
  {
    name: 'a policy with `invalid off` is reported at the accepting policy line',
    input: policy(dedent(`
      defaults {
        invalid off
      }
      allow any -> self tcp/22`)),
    expect: ['4:1'],
  },
];

// The check reads the lint run's packet space, so every case runs with the analysis.
runTable(check, cases.map((c) => ({ options: { analysis: buildAnalysis }, ...c })));

test.run();
