import { test } from 'uvu';
import { buildAnalysis } from '../../src/analysis/lint-analysis.js';
import { check } from '../../src/lint/checks/cs304-approximated-match.js';
import { runTable } from './table.js';

const options = { analysis: buildAnalysis };
const head = `
      *filter
      :INPUT DROP [0:0]`;

runTable(check, [
  {
    name: 'modelled matches only',
    input: `${head}
      -A INPUT -i eth0 -s 10.0.0.0/8 -p tcp -m multiport --dports 22,80 -m conntrack --ctstate NEW -j ACCEPT
      -A INPUT -p icmp -m icmp --icmp-type 8 -m comment --comment "ping" -j ACCEPT`,
    options,
    expect: [],
  },
  {
    name: 'one finding per rule, naming every unmodelled match',
    input: `${head}
      -A INPUT -m mark --mark 0x1 -m mac --mac-source 02:00:00:00:00:01 -j ACCEPT
      -A INPUT -p tcp -m recent --rcheck --name x -j DROP`,
    options,
    expect: ['3:1', '4:1'],
    messages: ["'-m mark --mark 0x1', '-m mac --mac-source 02:00:00:00:00:01'", "'-m recent --rcheck --name x'"],
  },
  {
    name: 'a rule that takes nothing (LOG) cannot change any finding',
    input: `${head}
      -A INPUT -m limit --limit 1/sec -j LOG`,
    options,
    expect: [],
  },
]);

test.run();
