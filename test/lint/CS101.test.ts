import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildAnalysis } from '../../src/analysis/lint-analysis.js';
import { check } from '../../src/lint/checks/cs101-shadowed-rule.js';
import { check as cs102 } from '../../src/lint/checks/cs102-redundant-rule.js';
import { lintRulesets } from '../../src/lint/run.js';
import { compilePolicy } from '../../src/compile/compile.js';
import { lintWith, runTable } from './table.js';

const options = { analysis: buildAnalysis };
const head = `
      *filter
      :INPUT ACCEPT [0:0]
      :FORWARD DROP [0:0]
      :BLOCK - [0:0]`;

runTable(check, [
  {
    name: 'shadowed only by two earlier rules together',
    input: `${head}
      -A INPUT -s 10.0.0.0/9 -j DROP
      -A INPUT -s 10.128.0.0/9 -j REJECT
      -A INPUT -s 10.0.0.0/8 -p tcp -j ACCEPT`,
    options,
    expect: ['7:1'],
    messages: ['line 5 (DROP) and line 6 (REJECT) together take every packet'],
  },
  {
    name: 'partial overlap is not shadowing',
    input: `${head}
      -A INPUT -s 10.0.0.0/9 -j DROP
      -A INPUT -s 10.0.0.0/8 -j ACCEPT`,
    options,
    expect: [],
  },
  {
    name: 'a negated source covers what it does not exclude',
    input: `${head}
      -A INPUT ! -s 10.0.0.0/8 -j DROP
      -A INPUT -s 192.168.0.0/16 -j ACCEPT
      -A INPUT -s 10.1.0.0/16 -j ACCEPT`,
    options,
    expect: ['6:1'],
  },
  {
    name: 'br0.+ covers br0.10, not the other way round',
    input: `${head}
      -A INPUT -i br0.+ -p udp -j DROP
      -A INPUT -i br0.10 -p udp -m udp --dport 53 -j ACCEPT
      -A FORWARD -i br0.10 -j ACCEPT
      -A FORWARD -i br0.+ -j DROP`,
    options,
    expect: ['6:1'],
  },
  {
    name: 'shadowed through a jump into a user chain that drops',
    input: `${head}
      -A INPUT -s 10.0.0.0/8 -j BLOCK
      -A INPUT -s 10.1.0.0/16 -j ACCEPT
      -A BLOCK -j DROP`,
    options,
    expect: ['6:1'],
    messages: ['line 5 (-j BLOCK)'],
  },
  {
    name: 'saved by a RETURN in the user chain',
    input: `${head}
      -A INPUT -s 10.0.0.0/8 -j BLOCK
      -A INPUT -s 10.1.0.0/16 -j ACCEPT
      -A BLOCK -s 10.1.0.0/16 -j RETURN
      -A BLOCK -j DROP`,
    options,
    expect: [],
  },
  {
    name: 'a user chain whose drops hang on -m recent / -m mac decides nothing for sure: later rules stay reachable',
    input: `${head}
      -A INPUT -s 10.0.0.0/8 -j BLOCK
      -A INPUT -s 10.1.0.0/16 -j ACCEPT
      -A BLOCK -m recent --rcheck --name x -j DROP
      -A BLOCK -s 10.1.2.3/32 -m mac --mac-source 00:11:22:33:44:55 -j RETURN
      -A BLOCK -s 10.1.2.3/32 -j DROP`,
    options,
    expect: [],
  },
  {
    name: 'a MAC-checked RETURN before a DROP of the same host: the DROP and the rule after the jump are reachable',
    input: `${head}
      -A INPUT -s 10.1.2.3/32 -j BLOCK
      -A INPUT -s 10.1.2.3/32 -p tcp -j ACCEPT
      -A BLOCK -s 10.1.2.3/32 -m mac --mac-source 00:11:22:33:44:55 -j RETURN
      -A BLOCK -s 10.1.2.3/32 -j DROP
      -A BLOCK -s 10.1.2.3/32 -j DROP`,
    options,
    // Line 10 repeats line 9's verdict: CS102 (redundant), not CS101.
    expect: [],
  },
  {
    name: 'tcp flags: --syn is --tcp-flags FIN,SYN,RST,ACK SYN; ACK-only packets are another set',
    input: `${head}
      -A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j DROP
      -A INPUT -p tcp -m tcp --syn -j ACCEPT
      -A INPUT -p tcp -m tcp --tcp-flags SYN,ACK ACK -j DROP
      -A INPUT -p tcp -m tcp --tcp-flags ACK ACK -j ACCEPT`,
    options,
    expect: ['6:1'],
  },
  {
    name: 'a stateful match (-m recent) shadows nothing, but is itself shadowed by a plain rule',
    input: `${head}
      -A INPUT -s 10.0.0.0/8 -m recent --rcheck --seconds 60 --name x -j DROP
      -A INPUT -s 10.0.0.0/8 -j ACCEPT
      -A INPUT -s 10.0.0.0/8 -m recent --update --name x -j DROP
      -A INPUT -s 172.16.0.0/12 -j DROP
      -A INPUT -s 172.16.0.0/12 -m recent --rcheck --name y -j ACCEPT`,
    options,
    expect: ['7:1', '9:1'],
  },
  {
    name: 'multiport against single ports',
    input: `${head}
      -A INPUT -p tcp -m multiport --dports 22,80,443 -j DROP
      -A INPUT -p tcp -m tcp --dport 80 -j ACCEPT
      -A INPUT -p tcp -m tcp --dport 8080 -j ACCEPT
      -A FORWARD -p udp -m udp --dport 53 -j DROP
      -A FORWARD -p udp -m udp --dport 123 -j REJECT
      -A FORWARD -p udp -m multiport --dports 53,123 -j ACCEPT
      -A FORWARD -p udp -m multiport --dports 53,123,161 -j ACCEPT`,
    options,
    expect: ['6:1', '10:1'],
  },
  {
    name: 'conntrack state subsets',
    input: `${head}
      -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
      -A INPUT -m conntrack --ctstate ESTABLISHED -j DROP
      -A INPUT -m conntrack --ctstate NEW,ESTABLISHED -j DROP`,
    options,
    expect: ['6:1'],
  },
  {
    name: 'everything after an unconditional DROP',
    input: `${head}
      -A INPUT -j DROP
      -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
      -A INPUT -m limit --limit 1/sec -j LOG`,
    options,
    expect: ['6:1', '7:1'],
  },
  {
    name: 'a rule after a goto: the chain never continues, even when the goto target returns',
    input: `${head}
      -A INPUT -s 10.0.0.0/8 -g BLOCK
      -A INPUT -s 10.1.0.0/16 -j ACCEPT
      -A BLOCK -j RETURN`,
    options,
    expect: ['6:1'],
    messages: ['line 5 (-g BLOCK)'],
  },
  {
    name: 'a user chain only entered by packets an earlier rule of it drops',
    input: `${head}
      -A INPUT -s 10.1.0.0/16 -j BLOCK
      -A BLOCK -s 10.0.0.0/8 -j DROP
      -A BLOCK -p tcp -j ACCEPT`,
    options,
    expect: ['7:1'],
  },
  {
    name: 'a rule no packet entering its chain can match is left to the jump, even under an earlier rule that covers it',
    input: `${head}
      -A INPUT -s 10.0.0.0/8 -p tcp -j BLOCK
      -A INPUT -s 192.168.0.0/16 -p udp -j BLOCK
      -A BLOCK -s 192.168.1.0/24 -j DROP
      -A BLOCK -s 192.168.1.1/32 -p tcp -j ACCEPT`,
    options,
    expect: [],
  },
  {
    name: 'a jump to a missing chain takes nothing',
    input: `${head}
      -A INPUT -s 10.0.0.0/8 -j NOPE
      -A INPUT -s 10.1.0.0/16 -j ACCEPT`,
    options,
    expect: [],
  },
  {
    name: 'without the analysis the check does not run',
    input: `${head}
      -A INPUT -j DROP
      -A INPUT -j ACCEPT`,
    expect: [],
  },
]);

test('CS101: related names each blocker with file and line', () => {
  const [f] = lintWith(check, `${head}
      -A INPUT -s 10.0.0.0/9 -j DROP
      -A INPUT -s 10.128.0.0/9 -j REJECT
      -A INPUT -s 10.64.0.0/10 -j DROP
      -A INPUT -s 10.0.0.0/8 -j ACCEPT`.replace(/^\n/, '').split('\n').map((l) => l.trim()).join('\n'), options);
  assert.ok(f);
  assert.equal(f!.related.map((r) => `${r.loc.file}:${r.loc.line}`), ['test.rules:5', 'test.rules:6']);
});

test('CS101/CS102 on a compiled policy land on policy lines; generated defaults are silent', () => {
  const policy = [
    'network lan = 10.0.0.0/8',
    'network office = 10.1.0.0/16',
    'allow lan -> self tcp/22',
    'allow office -> self tcp/22',
    'deny office -> self tcp/22',
    'allow any -> self tcp/80',
    'deny any -> self',
    'allow any -> self tcp/443',
  ].join('\n');
  const r = compilePolicy(policy, 'p.policy');
  const rulesets = [r.ipv4!.ruleset, ...(r.ipv6 ? [r.ipv6.ruleset] : [])];
  const found = lintRulesets(rulesets, options, [check, cs102]);
  assert.equal(
    found.map((f) => `${f.loc.file}:${f.loc.line} ${f.code} ${f.related.map((x) => x.loc.line).join(',')}`),
    ['p.policy:4 CS102 3', 'p.policy:5 CS101 3', 'p.policy:8 CS101 7'],
  );
});

test.run();
