import { test } from 'uvu';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { check } from '../../src/lint/checks/cs201-missing-established.js';
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

/**
 * FORWARD dispatching to a chain of 20,001 host ACCEPTs: more rules than the
 * check tries the exact accepted set for, so it samples one packet per ACCEPT
 * rule and must still find (or not find) the dropped replies.
 */
function largeForward(stateful: boolean): string {
  const lines = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ':hosts - [0:0]'];
  if (stateful) lines.push('-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT');
  lines.push('-A FORWARD -i eth0 -o eth1 -j hosts');
  for (let i = 0; i <= 20_000; i++) lines.push(`-A hosts -s 10.1.${i >> 8}.${i & 255}/32 -d 10.2.0.1/32 -p tcp -m tcp --dport 443 -j ACCEPT`);
  lines.push('COMMIT');
  return lines.join('\n');
}

const cases: Case[] = [
  {
    name: 'over 20,000 reachable rules (sampled examples): the replies hit the DROP policy',
    input: largeForward(false),
    expect: ['3:10'],
    messages: ['FORWARD drops the replies to connections FORWARD accepts: FORWARD accepts NEW tcp'],
  },
  {
    name: 'over 20,000 reachable rules (sampled examples), stateful: nothing to report',
    input: largeForward(true),
    expect: [],
  },
  {
    name: 'stateful FORWARD: ESTABLISHED,RELATED accepted first',
    input: `
      *filter
      :INPUT DROP [0:0]
      :FORWARD DROP [0:0]
      :OUTPUT ACCEPT [0:0]
      -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
      -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      -A FORWARD -i eth0 -o eth1 -p tcp -m tcp --dport 80 -j ACCEPT`,
    expect: [],
  },
  {
    name: 'ESTABLISHED accepted first, after a LOG and an ACCEPT: nothing to report',
    input: `
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD DROP [0:0]
      :OUTPUT ACCEPT [0:0]
      -A FORWARD -j LOG
      -A FORWARD -i eth9 -j ACCEPT
      -A FORWARD -m state --state ESTABLISHED -m comment --comment "replies" -j ACCEPT
      -A FORWARD -i eth0 -o eth1 -p tcp -m tcp --dport 80 -j ACCEPT`,
    expect: [],
  },
  {
    name: 'a DROP before the ESTABLISHED accept still drops the replies',
    input: `
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD DROP [0:0]
      :OUTPUT ACCEPT [0:0]
      -A FORWARD -i eth1 -o eth0 -p tcp -m tcp --sport 80 -j DROP
      -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      -A FORWARD -i eth0 -o eth1 -p tcp -m tcp --dport 80 -j ACCEPT`,
    expect: ['5:1'],
    messages: ['FORWARD drops the replies to connections FORWARD accepts'],
  },
  {
    name: 'a jump before the ESTABLISHED accept into a chain that drops the replies',
    input: `
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD DROP [0:0]
      :OUTPUT ACCEPT [0:0]
      :blocked - [0:0]
      -A FORWARD -j blocked
      -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      -A FORWARD -i eth0 -o eth1 -p tcp -m tcp --dport 80 -j ACCEPT
      -A blocked -i eth1 -p tcp -m tcp --sport 80 -j DROP`,
    expect: ['9:1'],
    messages: ['FORWARD drops the replies to connections FORWARD accepts'],
  },
  {
    name: 'an ESTABLISHED accept limited to one interface leaves the replies on the other to the DROP policy',
    input: `
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD DROP [0:0]
      :OUTPUT ACCEPT [0:0]
      -A FORWARD -i eth0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      -A FORWARD -i eth0 -o eth1 -p tcp -m tcp --dport 80 -j ACCEPT`,
    expect: ['3:10'],
    messages: ['FORWARD drops the replies to connections FORWARD accepts'],
  },
  {
    name: 'a negated state list is no ESTABLISHED accept',
    input: `
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD DROP [0:0]
      :OUTPUT ACCEPT [0:0]
      -A FORWARD -m conntrack ! --ctstate ESTABLISHED -j ACCEPT`,
    expect: ['3:10'],
    messages: ['FORWARD drops the later packets of connections it accepts'],
  },
  {
    name: 'stateless but symmetric: the replies are accepted by their own rule',
    input: `
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD DROP [0:0]
      :OUTPUT ACCEPT [0:0]
      -A FORWARD -i eth0 -o eth1 -p tcp -m tcp --dport 80 -j ACCEPT
      -A FORWARD -i eth1 -o eth0 -p tcp -m tcp --sport 80 -j ACCEPT`,
    expect: [],
  },
  {
    name: 'policy ACCEPT: nothing is dropped by default',
    input: `
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD ACCEPT [0:0]
      :OUTPUT ACCEPT [0:0]
      -A FORWARD -m conntrack --ctstate NEW -p tcp -m tcp --dport 80 -j ACCEPT`,
    expect: [],
  },
  {
    name: 'FORWARD accepts new web connections, the replies hit the DROP policy',
    input: `
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD DROP [0:0]
      :OUTPUT ACCEPT [0:0]
      -A FORWARD -i eth0 -o eth1 -p tcp -m tcp --dport 80 -j ACCEPT`,
    expect: ['3:10'],
    messages: ['FORWARD drops the replies to connections FORWARD accepts: FORWARD accepts NEW tcp'],
  },
  {
    name: 'INPUT accepts only NEW ssh: the later packets of the session are dropped by the final DROP rule',
    input: `
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD DROP [0:0]
      :OUTPUT ACCEPT [0:0]
      -A INPUT -p tcp -m conntrack --ctstate NEW -m tcp --dport 22 -j ACCEPT
      -A INPUT -j DROP`,
    expect: ['6:1'],
    messages: ['INPUT drops the later packets of connections it accepts'],
  },
  {
    name: 'INPUT drops the replies to what OUTPUT opens',
    input: `
      *filter
      :INPUT DROP [0:0]
      :FORWARD DROP [0:0]
      :OUTPUT ACCEPT [0:0]
      -A INPUT -i lo -j ACCEPT`,
    expect: ['2:8'],
    messages: ['INPUT drops the replies to connections OUTPUT accepts'],
  },
  {
    name: 'the established accept after the jump does not come too late: verdicts follow jumps',
    input: `
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD DROP [0:0]
      :OUTPUT ACCEPT [0:0]
      :web - [0:0]
      -A FORWARD -i eth0 -j web
      -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      -A web -p tcp -m tcp --dport 80 -m conntrack --ctstate NEW -j ACCEPT`,
    expect: [],
  },
  {
    name: 'the shipped cluster policy has established accept',
    input: policy(readFileSync(cluster, 'utf8'), cluster),
    expect: [],
  },
  {
    name: 'a policy with `established off` is reported at its drop defaults',
    input: policy(dedent(`
      defaults {
        policy input drop
        policy forward drop
        established off
      }
      allow 10.0.0.0/8 -> 192.168.1.0/24 tcp/80`)),
    expect: ['2:3', '3:3'],
    messages: ['INPUT drops the replies to connections OUTPUT accepts', 'FORWARD drops the replies to connections FORWARD accepts'],
  },
];

// The check reads the lint run's packet space, so every case runs with the analysis.
runTable(check, cases.map((c) => ({ options: { analysis: buildAnalysis }, ...c })));

test.run();
