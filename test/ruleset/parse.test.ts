// Parser and canonical printer on hand-written inputs: each pair was checked
// against iptables 1.8.9 (nft) in a scratch namespace.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { elementLoc, parseRuleset, inferFamily } from '../../src/ruleset/parse.js';
import { formatCanonical, printRuleset, formatRule } from '../../src/ruleset/print.js';
import { canonicalize } from '../../src/ruleset/canonical.js';

/** Canonical `-A` text of one rule line in the filter table (or another table). */
function canon(rule: string, family: 'ipv4' | 'ipv6' = 'ipv4', table = 'filter', chain = 'INPUT'): string {
  const { text, diagnostics } = formatCanonical(`*${table}\n-A ${chain} ${rule}\nCOMMIT\n`, 't.rules', { family });
  const errs = diagnostics.filter((d) => d.severity === 'error');
  assert.equal(errs, [], `errors for ${rule}`);
  return text.split('\n').filter((l) => l.startsWith('-A ')).join('\n');
}

const PAIRS: Array<[string, string, ('ipv4' | 'ipv6')?, string?, string?]> = [
  ['-s 1.2.3.4 -j ACCEPT', '-A INPUT -s 1.2.3.4/32 -j ACCEPT'],
  ['-s 10.0.0.5/24 -d 1.2.3.4/255.255.0.0 -p 6 --dport ssh -j REJECT', '-A INPUT -s 10.0.0.0/24 -d 1.2.0.0/16 -p tcp -m tcp --dport 22 -j REJECT --reject-with icmp-port-unreachable'],
  ['-d 1.2.3.4/255.0.255.0', '-A INPUT -d 1.0.3.0/255.0.255.0'],
  ['-s 1.2.3.4/0', '-A INPUT'],
  ['-p tcp -s 1.2.3.4 --syn -j REJECT --reject-with tcp-reset', '-A INPUT -s 1.2.3.4/32 -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j REJECT --reject-with tcp-reset'],
  ['-m limit --limit 2/second --limit-burst 5 -j LOG --log-prefix "a b" --log-level 4', '-A INPUT -m limit --limit 2/sec -j LOG --log-prefix "a b"'],
  ['-m limit --limit 60/min', '-A INPUT -m limit --limit 1/sec'],
  ['-m limit', '-A INPUT -m limit --limit 3/hour'],
  [`-m comment --comment "x\\"y\\\\z'w" -j ACCEPT`, `-A INPUT -m comment --comment "x\\"y\\\\z\\'w" -j ACCEPT`],
  ['-m comment --comment Traffic', '-A INPUT -m comment --comment Traffic'],
  ['-m comment --comment "a=b"', '-A INPUT -m comment --comment "a=b"'],
  ['-p icmp --icmp-type 3/4 -j ACCEPT', '-A INPUT -p icmp -m icmp --icmp-type 3/4 -j ACCEPT'],
  ['-p icmp --icmp-type echo-request', '-A INPUT -p icmp -m icmp --icmp-type 8'],
  ['-p icmp --icmp-type port-unreachable', '-A INPUT -p icmp -m icmp --icmp-type 3/3'],
  ['-m state --state ESTABLISHED,RELATED,NEW,INVALID,UNTRACKED', '-A INPUT -m state --state INVALID,NEW,RELATED,ESTABLISHED,UNTRACKED'],
  ['-m conntrack --ctstate ESTABLISHED,RELATED --ctproto udp --ctorigdst 10.0.0.1', '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED --ctproto 17 --ctorigdst 10.0.0.1'],
  ['-p tcp -m multiport --dports http,https', '-A INPUT -p tcp -m multiport --dports 80,443'],
  ['-p tcp -m multiport --destination-ports 1:2,3', '-A INPUT -p tcp -m multiport --dports 1:2,3'],
  ['-p tcp --tcp-flags ALL NONE', '-A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,PSH,ACK,URG NONE'],
  ['-p gre', '-A INPUT -p gre'],
  ['-p 47', '-A INPUT -p gre'],
  ['-p all', '-A INPUT'],
  ['-p TCP --dport 5', '-A INPUT -p tcp -m tcp --dport 5'],
  ['-m recent --name x --set', '-A INPUT -m recent --set --name x --mask 255.255.255.255 --rsource'],
  ['-m connlimit --connlimit-above 10', '-A INPUT -m connlimit --connlimit-above 10 --connlimit-mask 32 --connlimit-saddr'],
  ['-m hashlimit --hashlimit-name foo --hashlimit-mode srcip,dstip --hashlimit 5/min', '-A INPUT -m hashlimit --hashlimit-upto 5/min --hashlimit-burst 5 --hashlimit-mode srcip,dstip --hashlimit-name foo'],
  ['-m addrtype --src-type LOCAL,UNICAST', '-A INPUT -m addrtype --src-type UNICAST,LOCAL'],
  ['-m mark --mark 1', '-A INPUT -m mark --mark 0x1'],
  ['-j MARK --set-mark 5', '-A INPUT -j MARK --set-xmark 0x5/0xffffffff', 'ipv4', 'mangle'],
  ['-j MARK --and-mark 4', '-A INPUT -j MARK --set-xmark 0x0/0xfffffffb', 'ipv4', 'mangle'],
  ['-j CONNMARK --save-mark', '-A INPUT -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff', 'ipv4', 'mangle'],
  ['-m tos --tos Minimize-Delay', '-A INPUT -m tos --tos 0x10/0x3f'],
  ['-m dscp --dscp-class AF11', '-A INPUT -m dscp --dscp 0x0a'],
  ['-m mac --mac-source 00:11:22:AA:bb:cc', '-A INPUT -m mac --mac-source 00:11:22:aa:bb:cc'],
  ['-m time --timestart 08:00 --timestop 17:00 --weekdays Mon,Tue', '-A INPUT -m time --timestart 08:00:00 --timestop 17:00:00 --weekdays Mon,Tue --datestop 2038-01-19T03:14:07'],
  ['-m string --string "foo bar" --algo bm', '-A INPUT -m string --string "foo bar" --algo bm'],
  ['-j LOG --log-level info --log-prefix x --log-uid --log-tcp-sequence', '-A INPUT -j LOG --log-prefix x --log-level 6 --log-tcp-sequence --log-uid'],
  ['-j REJECT --reject-with host-prohib', '-A INPUT -j REJECT --reject-with icmp-host-prohibited'],
  ['-p tcp -j REDIRECT --to-port 8080', '-A PREROUTING -p tcp -j REDIRECT --to-ports 8080', 'ipv4', 'nat', 'PREROUTING'],
  ['-p tcp -j DNAT --to 1.2.3.4', '-A PREROUTING -p tcp -j DNAT --to-destination 1.2.3.4', 'ipv4', 'nat', 'PREROUTING'],
  // long options
  ['--protocol tcp --source 1.2.3.4 --in-interface eth0 --match tcp --destination-port 22 --jump ACCEPT', '-A INPUT -s 1.2.3.4/32 -i eth0 -p tcp -m tcp --dport 22 -j ACCEPT'],
  ['--match conntrack --ctstate NEW --protocol tcp ! --syn --match comment --comment "Reject new non-syn TCP" --jump REJECT --reject-with tcp-reset',
    '-A INPUT -p tcp -m conntrack --ctstate NEW -m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN -m comment --comment "Reject new non-syn TCP" -j REJECT --reject-with tcp-reset'],
  // core option order and negation placement
  ['-j ACCEPT -o eth1 ! -i eth0 -p udp -d 10.0.0.1 ! -s 10.0.0.0/8', '-A FORWARD ! -s 10.0.0.0/8 -d 10.0.0.1/32 ! -i eth0 -o eth1 -p udp -j ACCEPT', 'ipv4', 'filter', 'FORWARD'],
  ['-f -j DROP', '-A INPUT -f -j DROP'],
  // IPv6
  ['-s 2001:DB8::1 -p icmpv6 --icmpv6-type echo-request -j ACCEPT', '-A INPUT -s 2001:db8::1/128 -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT', 'ipv6'],
  ['-d ::ffff:127.0.0.1', '-A INPUT -d ::ffff:127.0.0.1/128', 'ipv6'],
  ['-s fe80::1/10 -j REJECT', '-A INPUT -s fe80::/10 -j REJECT --reject-with icmp6-port-unreachable', 'ipv6'],
  // unknown modules and options pass through verbatim
  ['-m frobnicate --knob 1 2 --flag -j ACCEPT', '-A INPUT -m frobnicate --knob 1 2 --flag -j ACCEPT'],
];

for (const [input, want, family, table, chain] of PAIRS) {
  test(`canonical: ${input}`, () => {
    assert.is(canon(input, family ?? 'ipv4', table ?? 'filter', chain ?? 'INPUT'), want);
  });
}

test('old-style negation is accepted with a warning', () => {
  const { ruleset, diagnostics } = parseRuleset('*filter\n-A INPUT -d ! 192.168.122.0/24 -p tcp --dport ! 22 -j ACCEPT\nCOMMIT\n', 'old.rules');
  const rule = ruleset.tables[0]!.chains[0]!.rules[0]!;
  // A parsed element's loc is an accessor, not an own property (src/ruleset/located.ts): compare it as a plain object.
  assert.equal({ ...rule.dst, loc: rule.dst!.loc }, { value: '192.168.122.0/24', negated: true, loc: { file: 'old.rules', line: 2, column: 10, endColumn: 12 } });
  assert.is(rule.matches[0]!.options[0]!.negated, true);
  assert.is(diagnostics.length, 2);
  assert.ok(diagnostics.every((d) => d.severity === 'warning' && d.loc.line === 2));
  assert.is(diagnostics[0]!.loc.column, 13); // the '!'
  assert.is(printRuleset(canonicalize(ruleset)).includes('-A INPUT ! -d 192.168.122.0/24 -p tcp -m tcp ! --dport 22 -j ACCEPT'), true);
});

test('equal elements are one frozen object per parse; elementLoc finds each in its own line', () => {
  const text = [
    '*filter',
    '-A INPUT -i br0 -o br0 -p tcp -m tcp --dport 22 -j ACCEPT',
    '-A INPUT  -i br0 -p tcp -m tcp --dport 22 -j ACCEPT',
    '-A INPUT -p tcp -m tcp --dport 22 -m tcp --dport 22 -j LOG --log-prefix x',
    'COMMIT',
    '',
  ].join('\n');
  const [a, b, c] = parseRuleset(text, 's.rules').ruleset.tables[0]!.chains[0]!.rules;
  assert.ok(a!.proto === b!.proto && a!.inIface === b!.inIface && a!.target === b!.target && a!.matches === b!.matches);
  // -i and -o of one rule are two elements, so each has its own place in the line.
  assert.ok(a!.inIface !== a!.outIface);
  assert.ok(Object.isFrozen(a!.proto) && Object.isFrozen(a!.matches) && Object.isFrozen(a!.matches[0]!.options[0]));
  assert.is(a!.proto!.loc, undefined);
  assert.equal(elementLoc(a!, a!.outIface!), { file: 's.rules', line: 2, column: 17, endColumn: 19 });
  assert.equal(elementLoc(b!, b!.inIface!), { file: 's.rules', line: 3, column: 11, endColumn: 13 });
  assert.equal(elementLoc(b!, b!.target!), { file: 's.rules', line: 3, column: 43, endColumn: 45 });
  assert.equal(elementLoc(b!, b!.matches[0]!.options[0]!), { file: 's.rules', line: 3, column: 32, endColumn: 39 });
  // Two equal matches in one rule stay two objects (the second has a loc of its own); a target with options is the rule's own.
  assert.ok(c!.matches[0] !== c!.matches[1]);
  assert.equal(elementLoc(c!, c!.matches[0]!), { file: 's.rules', line: 4, column: 17, endColumn: 19 });
  assert.equal(elementLoc(c!, c!.matches[1]!), { file: 's.rules', line: 4, column: 35, endColumn: 37 });
  assert.ok(c!.target !== a!.target && c!.target!.loc !== undefined);
});

test('counters: kept in the model, printed only with counters:true', () => {
  const src = '*filter\n:INPUT DROP [5:600]\n[1:2] -A INPUT -i lo -j ACCEPT\nCOMMIT';
  const { ruleset, diagnostics } = parseRuleset(src, 'c.rules');
  assert.equal(diagnostics, []);
  const chain = ruleset.tables[0]!.chains[0]!;
  assert.equal(chain.counters, { packets: '5', bytes: '600' });
  assert.equal(chain.rules[0]!.counters, { packets: '1', bytes: '2' });
  assert.is(printRuleset(ruleset, { counters: true }), '*filter\n:INPUT DROP [5:600]\n[1:2] -A INPUT -i lo -j ACCEPT\nCOMMIT\n');
  assert.is(formatCanonical(src, 'c.rules').text, '*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n');
});

test('-4/-6 prefixes keep only lines of the file family', () => {
  const src = '*filter\n-A FORWARD -j ACCEPT\n-4 -A FORWARD -m comment --comment ipv4\n-6 -A FORWARD -m comment --comment ipv6\nCOMMIT\n';
  const v4 = parseRuleset(src, 'a.rules').ruleset.tables[0]!.chains[0]!.rules;
  const v6 = parseRuleset(src, 'a.rules6').ruleset.tables[0]!.chains[0]!.rules;
  assert.is(v4.length, 2);
  assert.is(v4[1]!.text, '-4 -A FORWARD -m comment --comment ipv4');
  assert.is(v6.length, 2);
  assert.is(v6[1]!.matches[0]!.options[0]!.args[0], 'ipv6');
});

test('-I inserts at the head or at a position; -N/-P/-F/-X', () => {
  const src = '*filter\n-N mine\n-P FORWARD DROP\n-A INPUT -j A1\n-A INPUT -j A2\n-I INPUT -j I1\n-I INPUT 3 -j I3\n-A mine -j X\n-F mine\n-N gone\n-X gone\nCOMMIT\n';
  const { ruleset, diagnostics } = parseRuleset(src, 'i.rules');
  assert.equal(diagnostics.filter((d) => d.severity === 'error'), []);
  const t = ruleset.tables[0]!;
  assert.equal(t.chains.find((c) => c.name === 'INPUT')!.rules.map((r) => r.target!.name), ['I1', 'A1', 'I3', 'A2']);
  assert.equal(t.chains.find((c) => c.name === 'INPUT')!.rules.map((r) => r.loc.line), [6, 4, 7, 5]);
  assert.is(t.chains.find((c) => c.name === 'FORWARD')!.policy, 'DROP');
  assert.is(t.chains.find((c) => c.name === 'mine')!.rules.length, 0);
  assert.is(t.chains.some((c) => c.name === 'gone'), false);
});

test('suppression comment before a rule', () => {
  const src = '*filter\n# chainsmith: disable=CS203,cs101 -- logging is rate limited upstream\n-A INPUT -j LOG\n-A INPUT -j DROP\nCOMMIT\n';
  const rules = parseRuleset(src, 's.rules').ruleset.tables[0]!.chains[0]!.rules;
  assert.equal(rules[0]!.suppressions, ['CS203', 'CS101']);
  assert.is(rules[1]!.suppressions, undefined);
});

test('padded chain lines, missing counters, COMMIT at EOF without newline', () => {
  const { ruleset, diagnostics } = parseRuleset('*filter\n:INPUT      DROP      [0:0]\n:FORWARD ACCEPT\n-A INPUT -j ACCEPT\nCOMMIT', 'p.rules');
  assert.equal(diagnostics, []);
  assert.is(ruleset.tables[0]!.chains[0]!.policy, 'DROP');
});

test('broken lines produce located diagnostics and the rest still parses', () => {
  const src = [
    '*filter',
    ':INPUT BOGUS [0:0]',
    '-A INPUT -s',
    '-A INPUT -j ACCEPT extra',
    '-A INPUT --dport 22 -j ACCEPT',
    '-A INPUT -m comment --comment "unterminated',
    '-Z INPUT',
    '-A INPUT -p tcp --dport 22 -j ACCEPT',
    'COMMIT',
  ].join('\n');
  const { ruleset, diagnostics } = parseRuleset(src, 'b.rules');
  const at = diagnostics.map((d) => `${d.loc.line}:${d.loc.column}`);
  assert.equal(at, ['2:8', '3:12', '4:20', '5:10', '6:31', '7:1']);
  assert.ok(diagnostics.every((d) => d.severity === 'error' && d.loc.file === 'b.rules'));
  const rules = ruleset.tables[0]!.chains.find((c) => c.name === 'INPUT')!.rules;
  assert.is(rules.length, 1);
  assert.is(formatRule('INPUT', canonicalize(ruleset).tables[0]!.chains[0]!.rules[0]!), '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT');
});

test('tables print in nft order, empty tables vanish, user chains sort by strcmp', () => {
  const src = '*filter\n:zeta - [0:0]\n:INPUT DROP [0:0]\n:alpha - [0:0]\n:Beta - [0:0]\nCOMMIT\n*nat\nCOMMIT\n*raw\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n*mangle\n-A INPUT -j ACCEPT\nCOMMIT\n';
  const out = formatCanonical(src, 'o.rules').text;
  assert.is(out, [
    '*mangle', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', '-A INPUT -j ACCEPT', 'COMMIT',
    '*raw', ':PREROUTING ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', 'COMMIT',
    '*filter', ':INPUT DROP [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':Beta - [0:0]', ':alpha - [0:0]', ':zeta - [0:0]', 'COMMIT', '',
  ].join('\n'));
});

test('family inference', () => {
  assert.is(inferFamily('', 'x.rules6'), 'ipv6');
  assert.is(inferFamily('-A INPUT -s 2001:db8::/32 -j DROP', 'x.rules'), 'ipv6');
  assert.is(inferFamily('-A INPUT -p ipv6-icmp -j ACCEPT', 'x'), 'ipv6');
  assert.is(inferFamily(':icmpv6-input - [0:0]\n-A FORWARD -j DNAT --to-destination 1.2.3.4:80', 'x.rules'), 'ipv4');
});

test('names of Object.prototype properties are ordinary unknown names, never built-ins', async () => {
  const { lintRulesets } = await import('../../src/lint/run.js');
  const { buildAnalysis } = await import('../../src/analysis/lint-analysis.js');
  const lines = [
    '-A INPUT -m constructor --x 1 -j ACCEPT',
    '-A INPUT -j toString --foo',
    '-A INPUT -m __proto__ --x 1',
    '-A INPUT -p constructor -j ACCEPT',
    '-A INPUT -p tcp -m tcp --dport constructor -j ACCEPT',
    '-A INPUT -p icmp -m icmp --icmp-type constructor -j ACCEPT',
    '-A INPUT -j LOG --log-level hasOwnProperty',
    '-A INPUT -m conntrack --ctstate __proto__ -j ACCEPT',
  ];
  for (const line of lines) {
    const text = `*filter\n:INPUT ACCEPT [0:0]\n${line}\nCOMMIT\n*constructor\nCOMMIT\n`;
    const { ruleset } = parseRuleset(text, 'proto.rules');
    formatCanonical(text, 'proto.rules');
    lintRulesets([ruleset], { analysis: buildAnalysis });
  }
});

test.run();

// The parser shares one argument list per distinct word of a one-argument
// option, up to a limit per parse (ONE_ARG_LIMIT, 16,384 words); a dump with a
// comment of its own on every rule goes past it. Rules past it read exactly as
// they would alone.
test('a comment of its own on each of 20,000 rules: every rule reads as it would alone', () => {
  const n = 20_000;
  const lines = Array.from({ length: n }, (_, i) => `-A INPUT -p tcp -m tcp --dport ${1 + (i % 500)} -m comment --comment "rule ${i}" -j ACCEPT`);
  const text = ['*filter', ':INPUT DROP [0:0]', ...lines, 'COMMIT', ''].join('\n');
  const { ruleset, diagnostics } = parseRuleset(text, 'comments.rules');
  assert.equal(diagnostics, []);
  const rules = ruleset.tables[0]!.chains[0]!.rules;
  assert.is(rules.length, n);
  for (const i of [0, 16_383, 16_384, 16_385, n - 1]) {
    const comment = rules[i]!.matches.find((m) => m.module === 'comment')!;
    assert.equal(comment.options.map((o) => [o.name, o.args]), [['comment', [`rule ${i}`]]]);
    assert.is(elementLoc(rules[i]!, comment)?.column, lines[i]!.indexOf('-m comment') + 1);
  }
  const printed = formatCanonical(text, 'comments.rules').text.split('\n').filter((l) => l.startsWith('-A '));
  for (const i of [0, 16_384, n - 1]) assert.is(printed[i], canon(lines[i]!.slice('-A INPUT '.length)));
});
