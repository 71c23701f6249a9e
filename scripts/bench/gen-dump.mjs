// Inputs of the lint and diff benchmarks: iptables-save dumps WITH user
// chains, shaped like what a KVM host with a VLAN per tier ends up with:
// FORWARD dispatches each (in-zone, out-zone) pair to its own chain, and each
// pair chain holds host-to-host ACCEPTs, now and then a host DROP and a
// RETURN that sends a source back to FORWARD's LOG/DROP tail. A few rules
// repeat an earlier one, so that the redundancy checks have something to find.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { hostAddress, ruleTuple } from './hosts.mjs';

/** Six tiers, VLAN 10..60 on br0, each with its own /16 (10.<vlan>.0.0/16). */
export const DUMP_ZONES = ['web', 'app', 'db', 'cache', 'queue', 'mgmt'].map((zone, k) => ({
  zone,
  vlan: 10 * (k + 1),
  ifname: `br0.${10 * (k + 1)}`,
  prefix: `10.${10 * (k + 1)}`,
}));

/** The topology matching DUMP_ZONES, so that lint's interface checks run too. */
export function dumpTopology() {
  const vlans = {};
  for (const z of DUMP_ZONES) vlans[z.vlan] = { zone: z.zone, subnets: [`${z.prefix}.0.0/16`] };
  return {
    description: 'Benchmark topology: six tiers on VLANs 10..60 behind br0.',
    bridges: { br0: { ports: ['eth0'], mtu: 1500, vlans } },
  };
}

/** Every ordered pair of distinct zones: 30 pair chains. */
function zonePairs() {
  const pairs = [];
  for (const from of DUMP_ZONES) for (const to of DUMP_ZONES) if (from !== to) pairs.push({ from, to, chain: `${from.zone}-${to.zone}` });
  return pairs;
}

// One rule in this many is a RETURN / a DROP / a repeat of the rule before it.
const RETURN_EVERY = 97;
const DROP_EVERY = 251;
const REPEAT_EVERY = 1000;

/** The i-th rule of a pair chain, in the exact spelling iptables-save prints. */
export function pairRule(pair, i) {
  const { src, dst, port } = ruleTuple(i);
  const s = `-s ${hostAddress(pair.from.prefix, src)}/32`;
  const d = `-d ${hostAddress(pair.to.prefix, dst)}/32`;
  if (i % RETURN_EVERY === RETURN_EVERY - 1) return `-A ${pair.chain} ${s} -j RETURN`;
  if (i % DROP_EVERY === DROP_EVERY - 1) return `-A ${pair.chain} ${s} ${d} -j DROP`;
  return `-A ${pair.chain} ${s} ${d} -p tcp -m tcp --dport ${port} -j ACCEPT`;
}

const INPUT_RULES = [
  '-A INPUT -i lo -j ACCEPT',
  '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  '-A INPUT -m conntrack --ctstate INVALID -j DROP',
  '-A INPUT -s 10.60.0.0/16 -i br0.60 -p tcp -m tcp --dport 22 -j ACCEPT',
  '-A INPUT -m limit --limit 10/min -j LOG --log-prefix "bench-drop: "',
  '-A INPUT -j DROP',
];
const FORWARD_HEAD = [
  '-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  '-A FORWARD -m conntrack --ctstate INVALID -j DROP',
];
const FORWARD_TAIL = ['-A FORWARD -m limit --limit 10/min -j LOG --log-prefix "bench-drop: "', '-A FORWARD -j DROP'];

/**
 * The rule lines of a dump with exactly `total` -A lines (total >= 100), as
 * an array of per-chain rule arrays so that callers can mutate rules in place.
 */
export function dumpChains(total) {
  const pairs = zonePairs();
  const jumps = pairs.map((p) => `-A FORWARD -i ${p.from.ifname} -o ${p.to.ifname} -j ${p.chain}`);
  const fixed = INPUT_RULES.length + FORWARD_HEAD.length + jumps.length + FORWARD_TAIL.length;
  if (total < fixed + pairs.length) throw new Error(`a dump needs at least ${fixed + pairs.length} rules`);
  const hostRules = total - fixed;
  const chains = [
    { name: 'INPUT', policy: 'DROP', rules: [...INPUT_RULES] },
    { name: 'FORWARD', policy: 'DROP', rules: [...FORWARD_HEAD, ...jumps, ...FORWARD_TAIL] },
    { name: 'OUTPUT', policy: 'ACCEPT', rules: [] },
  ];
  // Host rules are dealt to the pair chains as evenly as possible.
  pairs.forEach((pair, k) => {
    const count = Math.floor(hostRules / pairs.length) + (k < hostRules % pairs.length ? 1 : 0);
    const rules = [];
    for (let i = 0; i < count; i++) {
      const repeat = i % REPEAT_EVERY === REPEAT_EVERY - 1 && rules.length > 0;
      rules.push(repeat ? rules[rules.length - 1] : pairRule(pair, i));
    }
    chains.push({ name: pair.chain, policy: '-', rules });
  });
  return chains;
}

/** Renders chains as an iptables-save dump of the filter table. */
export function renderDump(chains, title) {
  const out = [`# ${title}`, '*filter'];
  for (const c of chains) out.push(`:${c.name} ${c.policy} [0:0]`);
  for (const c of chains) out.push(...c.rules);
  out.push('COMMIT', '');
  return out.join('\n');
}

/**
 * Changes exactly ten host rules of a dump (spread over the pair chains):
 * four get a new port, three are deleted and three new ones are inserted, so
 * the rule count stays the same and both directions of the semantic diff
 * (newly accepted, newly dropped) have work to do.
 */
export function mutateTenRules(chains) {
  const pairChains = chains.filter((c) => c.policy === '-');
  const pick = (k) => pairChains[(k * 7) % pairChains.length];
  for (let k = 0; k < 4; k++) {
    const c = pick(k);
    const at = Math.floor(c.rules.length / 3);
    const r = c.rules[at];
    // A port outside the generator's range can never collide with another rule.
    c.rules[at] = r.includes('--dport') ? r.replace(/--dport \d+/, `--dport ${100 + k}`) : `${r.replace(/ -j \w+$/, '')} -p udp -m udp --dport ${100 + k} -j ACCEPT`;
  }
  for (let k = 4; k < 7; k++) {
    const c = pick(k);
    c.rules.splice(Math.floor(c.rules.length / 2), 1);
  }
  for (let k = 7; k < 10; k++) {
    const c = pick(k);
    const from = c.name.split('-')[0];
    const zone = DUMP_ZONES.find((z) => z.zone === from);
    c.rules.splice(Math.floor((2 * c.rules.length) / 3), 0, `-A ${c.name} -s ${zone.prefix}.250.${k}/32 -p tcp -m tcp --dport ${200 + k} -j ACCEPT`);
  }
  return chains;
}

/** Writes the lint input (dump + topology) of `total` rules into dir. */
export function writeLintInputs(dir, total) {
  mkdirSync(dir, { recursive: true });
  const paths = { dump: join(dir, `chains-${total}.rules`), topology: join(dir, 'bench.topology.json') };
  writeFileSync(paths.topology, JSON.stringify(dumpTopology(), null, 2) + '\n');
  writeFileSync(paths.dump, renderDump(dumpChains(total), `Generated by scripts/bench/gen-dump.mjs: ${total} rules, user chains per zone pair.`));
  return paths;
}

/** Writes the diff inputs: OLD and NEW of `total` rules each, differing in ten rules. */
export function writeDiffInputs(dir, total) {
  mkdirSync(dir, { recursive: true });
  const paths = { old: join(dir, `old-${total}.rules`), new: join(dir, `new-${total}.rules`) };
  writeFileSync(paths.old, renderDump(dumpChains(total), `Generated by scripts/bench/gen-dump.mjs: ${total} rules (OLD).`));
  writeFileSync(paths.new, renderDump(mutateTenRules(dumpChains(total)), `Generated by scripts/bench/gen-dump.mjs: ${total} rules (NEW, ten rules changed).`));
  return paths;
}
