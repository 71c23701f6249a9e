// fmt's output loaded into a fresh network namespace and read back with
// iptables-save must come back byte for byte: our canonical form is a fixed
// point of the kernel's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { corpusDir, corpusSkipReason } from '../helpers/env.js';
import { kernelSkipReason, loadAndSave } from '../kernel/netns.js';
import { formatCanonical } from '../../src/ruleset/print.js';
import type { Family } from '../../src/ruleset/model.js';

const noHash = (s: string) => s.split('\n').filter((l) => !l.startsWith('#')).join('\n');
const skip = kernelSkipReason();
const ktest = skip ? test.skip : test;

/** Hand-written inputs that exercise normalisation the corpus does not. */
const SYNTHETIC: Array<[string, Family, string]> = [
  ['variety.rules', 'ipv4', [
    '*mangle',
    '-A PREROUTING -m recent --name x --set',
    '-A PREROUTING -m hashlimit --hashlimit-name foo --hashlimit-mode srcip,dstip --hashlimit 5/min',
    '-A PREROUTING -m connlimit --connlimit-above 10',
    '-A PREROUTING -m addrtype --src-type LOCAL,UNICAST --limit-iface-in',
    '-A PREROUTING -j MARK --set-mark 5',
    '-A PREROUTING -j MARK --and-mark 4',
    '-A PREROUTING -j CONNMARK --save-mark',
    '-A PREROUTING -m tos --tos Minimize-Delay',
    '-A PREROUTING -m dscp --dscp-class AF11',
    '-A PREROUTING -m time --timestart 08:00 --timestop 17:00 --weekdays Mon,Tue',
    '-A PREROUTING -m limit',
    '-A PREROUTING -m limit --limit 60/min --limit-burst 5',
    '-A PREROUTING -p 47',
    '-A PREROUTING -p tcp --tcp-flags ALL NONE',
    '-A PREROUTING -d 1.2.3.4/255.0.255.0',
    '-A PREROUTING -m comment --comment "x\\"y\\\\z\'w"',
    'COMMIT',
    '*filter',
    ':zeta - [0:0]',
    ':alpha - [0:0]',
    '-A INPUT -s 10.0.0.5/24 -p 6 --dport ssh -j REJECT',
    '-A INPUT -p icmp --icmp-type port-unreachable -j LOG --log-level info --log-prefix "a b"',
    '-A INPUT -m state --state ESTABLISHED,RELATED -j alpha',
    '-I INPUT -p tcp -m multiport --dports http,https -j ACCEPT',
    '-A alpha -j REJECT --reject-with host-prohib',
    'COMMIT',
  ].join('\n')],
  ['variety.rules6', 'ipv6', '*filter\n-A INPUT -s 2001:DB8::1 -p icmpv6 --icmpv6-type echo-request -j ACCEPT\n-A INPUT -d ::ffff:127.0.0.1 -j REJECT\nCOMMIT\n'],
];

const inputs: Array<[string, Family, string]> = [...SYNTHETIC];
if (!corpusSkipReason()) {
  for (const name of readdirSync(path.join(corpusDir!, 'dumps')).sort()) {
    if (!existsSync(path.join(corpusDir!, 'canonical', name))) continue;
    inputs.push([name, name.endsWith('6') ? 'ipv6' : 'ipv4', readFileSync(path.join(corpusDir!, 'dumps', name), 'utf8')]);
  }
}

for (const [name, family, text] of inputs) {
  ktest(`kernel round trip: ${name}`, async () => {
    const fmt = formatCanonical(text, name, { family }).text;
    const saved = await loadAndSave(fmt, family);
    assert.fixture(noHash(saved), noHash(fmt));
  });
}

test.run();
