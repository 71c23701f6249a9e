#!/usr/bin/env node
// Lints the same inputs with two builds in one process and reports any
// difference in the findings: the check that a speed change changed nothing
// else. The inputs are random small iptables-save dumps (user chains, jumps,
// RETURNs, repeated and overlapping rules, negations, interface wildcards,
// conntrack states, ESTABLISHED accepts in various places), so that CS101,
// CS102, CS201 and the other checks all find something; with --corpus DIR,
// also every dump in DIR. Both builds must be built (`npm run build`).
//   node scripts/bench/compare-builds.mjs BASE_ROOT [--runs N] [--seed S] [--ipv6] [--corpus DIR]
// BASE_ROOT is the other checkout (a git worktree of the base commit); this
// checkout is the new side.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadLintStages } from './built.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '500' }, seed: { type: 'string', default: '1' }, ipv6: { type: 'boolean', default: false }, corpus: { type: 'string' } },
});
if (positionals.length !== 1) {
  console.error('usage: node scripts/bench/compare-builds.mjs BASE_ROOT [--runs N] [--seed S] [--ipv6] [--corpus DIR]');
  process.exit(2);
}

/** The parser, the lint run and the analysis of one build (this checkout's without `root`). */
const load = async (root) => {
  const { parseRuleset, lintRulesets, buildAnalysis } = await loadLintStages(root);
  return { parse: parseRuleset, lint: lintRulesets, analysis: buildAnalysis };
};
const base = await load(positionals[0]);
const mine = await load();

/** What one build says about a dump: its findings (code, message, place, related lines), or why it has none. */
function findings(build, text, file) {
  try {
    const { ruleset, diagnostics } = build.parse(text, file);
    if (diagnostics.some((d) => d.severity === 'error')) return { parseError: true, text: 'parse error' };
    const list = build.lint([ruleset], { analysis: build.analysis }).map((f) => ({ code: f.code, message: f.message, loc: f.loc, related: f.related }));
    return { list, text: JSON.stringify(list) };
  } catch (e) {
    return { text: `internal error: ${e.message}` };
  }
}

// mulberry32: a small seeded generator, so that a seed names the same dumps on every machine.
let state = Number(values.seed) | 0;
function rnd(n) {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) % n;
}
const pick = (a) => a[rnd(a.length)];
const ADDRESSES = values.ipv6
  ? ['2001:db8::/32', '2001:db8:1::/48', '2001:db8:1::3/128', '2001:db8:1::4/128', 'fd00::/8', '::/0']
  : ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '10.1.2.3/32', '10.1.2.4/32', '10.2.0.0/16', '192.168.1.0/24', '192.168.1.1/32', '0.0.0.0/0'];
const ICMP = values.ipv6 ? '-p ipv6-icmp -m icmp6 --icmpv6-type 128' : '-p icmp -m icmp --icmp-type 8';

function matches() {
  const parts = [];
  if (rnd(3) === 0) parts.push(`${rnd(5) === 0 ? '! ' : ''}-s ${pick(ADDRESSES)}`);
  if (rnd(3) === 0) parts.push(`-d ${pick(ADDRESSES)}`);
  if (rnd(4) === 0) parts.push(`-i ${pick(['br0.10', 'br0.20', 'br0.+', 'eth0', 'lo'])}`);
  if (rnd(5) === 0) parts.push(`-o ${pick(['br0.10', 'br0.20', 'br0.+', 'eth0'])}`);
  const p = rnd(4);
  if (p === 0) parts.push(`-p tcp -m tcp --dport ${pick(['22', '80', '443', '1000:2000', '80:90'])}`);
  else if (p === 1) parts.push(`-p udp -m udp --dport ${pick(['53', '123', '1:1023'])}`);
  else if (p === 2 && rnd(2)) parts.push(ICMP);
  if (rnd(4) === 0) parts.push(`-m ${pick(['state --state', 'conntrack --ctstate', 'conntrack ! --ctstate'])} ${pick(['NEW', 'ESTABLISHED', 'RELATED,ESTABLISHED', 'INVALID', 'NEW,ESTABLISHED'])}`);
  if (rnd(12) === 0) parts.push('-m recent --rcheck --seconds 60 --name x');
  if (rnd(12) === 0) parts.push('-m comment --comment "c"');
  return parts.join(' ');
}

function randomDump() {
  const lines = ['*filter', ...['INPUT', 'FORWARD', 'OUTPUT'].map((c) => `:${c} ${pick(['ACCEPT', 'DROP'])} [0:0]`), ':u1 - [0:0]', ':u2 - [0:0]'];
  // u1 may jump to nothing, u2 to u1: no loops.
  const targets = { INPUT: ['ACCEPT', 'DROP', 'REJECT', 'LOG', 'u1', 'u2'], FORWARD: ['ACCEPT', 'DROP', 'REJECT', 'LOG', 'u1', 'u2'], OUTPUT: ['ACCEPT', 'DROP', 'LOG', 'u1', 'u2'], u1: ['ACCEPT', 'DROP', 'RETURN', 'REJECT', 'LOG'], u2: ['ACCEPT', 'DROP', 'RETURN', 'LOG', 'u1'] };
  const rule = (chain, spec) => `-A ${chain} ${spec}`.replace(/ {2,}/g, ' ');
  for (const chain of Object.keys(targets)) {
    if ((chain === 'INPUT' || chain === 'FORWARD') && rnd(2)) {
      // An ESTABLISHED accept, sometimes after a rule that takes some of those packets first, sometimes narrowed.
      if (rnd(3) === 0) lines.push(rule(chain, pick(['-j LOG', '-i eth0 -j ACCEPT', '-i br0.20 -p tcp -m tcp --sport 80 -j DROP', '-j u2'])));
      lines.push(rule(chain, `-m ${pick(['conntrack --ctstate', 'state --state'])} ${pick(['RELATED,ESTABLISHED', 'ESTABLISHED', 'NEW'])} ${rnd(4) === 0 ? '-i br0.10' : ''} -j ACCEPT`));
    }
    for (let n = rnd(8); n > 0; n--) {
      const m = matches();
      const line = rule(chain, `${m} -j ${pick(targets[chain])}`);
      lines.push(line);
      if (rnd(4) === 0) lines.push(line);
      if (rnd(6) === 0) lines.push(rule(chain, `${m} ${rnd(2) ? '-p tcp -m tcp --dport 22' : ''} -j ${pick(['ACCEPT', 'DROP'])}`));
    }
  }
  return [...lines, 'COMMIT', ''].join('\n');
}

let compared = 0;
let differ = 0;
const codes = new Map();
function compare(text, file) {
  const a = findings(base, text, file);
  const b = findings(mine, text, file);
  compared++;
  for (const f of a.list ?? []) codes.set(f.code, (codes.get(f.code) ?? 0) + 1);
  if (a.text === b.text) return;
  differ++;
  if (differ <= 3) console.log(`--- ${file} differs\n${text.length < 4000 ? text : '(long input)'}\nbase: ${a.text.slice(0, 1000)}\nnew:  ${b.text.slice(0, 1000)}\n`);
}

const runs = Number(values.runs);
for (let k = 0; k < runs; k++) compare(randomDump(), `random-${values.seed}-${k}.rules`);
if (values.corpus) for (const name of readdirSync(values.corpus).sort()) compare(readFileSync(path.join(values.corpus, name), 'utf8'), name);

const byCode = [...codes].sort(([x], [y]) => (x < y ? -1 : 1)).map(([c, n]) => `${c} x${n}`).join(', ');
console.log(`${compared} inputs, ${differ} with different findings; the base build found ${[...codes.values()].reduce((s, n) => s + n, 0)} (${byCode})`);
process.exitCode = differ ? 1 : 0;
