// The three benchmarks of the issue, each a list of rows (one command
// measured on one input) plus the targets those rows decide.
//
// A row's `result` is one of
//   { wall, rssKiB, runs, stdout }  measured
//   { error }                       the command ran and failed: "n/a (error: ...)"
//   { pending }                     the chainsmith command does not exist yet
//   { skipped }                     left out of this run (--only)
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { measureInterleaved } from './measure.mjs';
import { writeCompileInputs } from './gen-compile.mjs';
import { writeLintInputs, writeDiffInputs } from './gen-dump.mjs';
import { writeUnmaskedTum } from './tum.mjs';
import { compareRulesets } from './equivalence.mjs';

const GiB_KiB = 1024 * 1024;

/** Shared by all suites: where things are, how often to run, which commands exist. */
export class BenchContext {
  constructor({ repoRoot, outDir, runs, quick, timeoutSec, namespace, available, log }) {
    Object.assign(this, { repoRoot, outDir, runs, quick, timeoutSec, namespace, available });
    // Paths in progress messages are shown relative to the repository.
    this.log = (msg) => log(msg.split(`${repoRoot}/`).join(''));
  }

  /** A run of `node bin/chainsmith.js ARGS` (outside the namespace: it touches no firewall), or why there is none. */
  chainsmith(command, args, okStatus) {
    if (!this.available.has(command)) return { pending: `no \`${command}\` command yet` };
    return { label: `chainsmith ${command} ${args.join(' ')}`, cmd: process.execPath, args: ['bin/chainsmith.js', command, ...args], cwd: this.repoRoot, okStatus, timeoutSec: this.timeoutSec };
  }

  /** A run of a peer tool inside the benchmark's own network namespace. */
  peer(cmd, args) {
    return { label: `${cmd} ${args.join(' ')} (in ${this.namespace.name})`, cmd, args, prefix: this.namespace.prefix, cwd: this.repoRoot, timeoutSec: this.timeoutSec };
  }

  /**
   * Measures the runs side by side (interleaved); an entry that is already a
   * result (`{ pending }`, `{ error }`) passes through unmeasured.
   */
  async measure(...entries) {
    const specs = entries.filter((e) => e.cmd);
    for (const s of specs) this.log(s.label);
    const results = await measureInterleaved(specs, this.runs);
    return entries.map((e) => (e.cmd ? results.shift() : e));
  }
}

const row = (suite, input, tool, result) => ({ suite, input, tool, result });
const ok = (r) => r && r.wall !== undefined;

/**
 * A target is `{ suite, text, status, measured }`; status is 'met', 'not met',
 * or a reason it could not be decided.
 */
function target(suite, text, decide) {
  return { suite, text, ...decide() };
}

/** Decides `holds(a, b)` when both rows were measured; otherwise says why not. */
function decideWith(rows, holds, describe) {
  return () => {
    const missing = rows.find((r) => !ok(r.result));
    if (missing) return { status: undecided(missing.result), measured: '' };
    return { status: holds(...rows.map((r) => r.result)) ? 'met' : 'not met', measured: describe(...rows.map((r) => r.result)) };
  };
}

function undecided(result) {
  if (!result) return 'not evaluated (--quick)';
  if (result.pending) return 'not measured yet';
  if (result.skipped) return 'not measured in this run';
  return 'n/a (measurement failed)';
}

const secs = (r) => `${r.wall.median.toFixed(2)} s`;
const mib = (r) => `${(r.rssKiB / 1024).toFixed(0)} MiB`;

// ---------------------------------------------------------------- compile

export async function compileSuite(ctx) {
  const sizes = ctx.quick ? [1000, 10000] : [1000, 10000, 100000];
  const rows = [];
  const checks = [];
  const bySize = new Map();
  for (const n of sizes) {
    const p = writeCompileInputs(join(ctx.outDir, 'compile', `n${n}`), n);
    const input = `${n.toLocaleString('en')} rules`;
    const [csResult, fermResult] = await ctx.measure(ctx.chainsmith('compile', [p.policy, '-o', p.compiled], [0]), ctx.peer('ferm', ['--noexec', '--lines', p.ferm]));
    const cs = row('compile', input, 'chainsmith compile', ok(csResult) && !existsSync(p.compiled) ? { error: `exit 0 but ${p.compiled} was not written` } : csResult);
    const ferm = row('compile', input, 'ferm --noexec --lines', fermResult);
    rows.push(cs, ferm);
    // iptables-restore --test on chainsmith's output shows the cost of the
    // step that follows compiling (and proves the output loads).
    const tools = ['iptables-restore', 'iptables-legacy-restore'];
    const loads = ok(cs.result) ? await ctx.measure(...tools.map((t) => ctx.peer(t, ['--test', p.compiled]))) : tools.map(() => ({ error: 'no compiled output to load' }));
    tools.forEach((t, k) => rows.push(row('compile', input, `${t} --test (chainsmith's output)`, loads[k])));
    if (ok(cs.result) && ok(ferm.result)) {
      const cmp = compareRulesets(ferm.result.stdout, readFileSync(p.compiled, 'utf8'));
      checks.push(cmp.same
        ? `${input}: ferm's and chainsmith's rulesets agree rule for rule (${cmp.rules} rules, option spelling normalised, chainsmith's comments set aside).`
        : `${input}: the rulesets DIFFER, so this comparison is not like for like: ${cmp.detail}`);
    }
    bySize.set(n, { cs, ferm });
  }
  const at10k = bySize.get(10000);
  const at100k = bySize.get(100000);
  const targets = [
    target('compile', '10,000 rules: chainsmith wall time <= 1/2 of ferm\'s', decideWith([at10k.cs, at10k.ferm], (c, f) => c.wall.median <= f.wall.median / 2, (c, f) => `${secs(c)} vs ferm ${secs(f)} (${(c.wall.median / f.wall.median).toFixed(2)}x)`)),
    target('compile', '100,000 rules: chainsmith wall time < 5 s', at100k ? decideWith([at100k.cs], (c) => c.wall.median < 5, secs) : () => ({ status: undecided(undefined), measured: '' })),
    target('compile', '100,000 rules: chainsmith peak RSS < 1 GiB', at100k ? decideWith([at100k.cs], (c) => c.rssKiB < GiB_KiB, mib) : () => ({ status: undecided(undefined), measured: '' })),
  ];
  return { rows, targets, checks };
}

// ---------------------------------------------------------------- lint

export async function lintSuite(ctx, corpusDir) {
  const rows = [];
  let tumLint;
  if (corpusDir) {
    const tum = writeUnmaskedTum(join(corpusDir, 'dumps', 'is-tum-net-2015-09.rules'), join(ctx.outDir, 'lint'));
    const tumInput = `TUM firewall (corpus, ${tum.replaced} MACs unmasked)`;
    // Exit 1 only means "findings"; 2 is an error.
    const [lint, load] = await ctx.measure(ctx.chainsmith('lint', [tum.path, '--format', 'json'], [0, 1]), ctx.peer('iptables-legacy-restore', ['--test', tum.path]));
    tumLint = row('lint', tumInput, 'chainsmith lint --format json', lint);
    rows.push(tumLint, row('lint', tumInput, 'iptables-legacy-restore --test (reference)', load));
  } else {
    tumLint = row('lint', 'TUM firewall (corpus)', 'chainsmith lint --format json', { error: '../shared/corpus is not beside this clone' });
    rows.push(tumLint);
  }

  const n = ctx.quick ? 10000 : 100000;
  const p = writeLintInputs(join(ctx.outDir, 'lint'), n);
  const input = `${n.toLocaleString('en')}-rule dump, 30 user chains`;
  const [lintBig, legacyLoad, nftLoad] = await ctx.measure(
    ctx.chainsmith('lint', [p.dump, '--format', 'json', '--topology', p.topology], [0, 1]),
    ctx.peer('iptables-legacy-restore', ['--test', p.dump]),
    ctx.peer('iptables-restore', ['--test', p.dump]),
  );
  const big = row('lint', input, 'chainsmith lint --format json (all checks, --topology)', lintBig);
  const legacy = row('lint', input, 'iptables-legacy-restore --test', legacyLoad);
  rows.push(big, legacy, row('lint', input, 'iptables-restore --test (nft)', nftLoad));

  const checks = [tumLint, big].filter((r) => ok(r.result)).map((r) => `${r.input}: ${describeFindings(r.result.stdout)}`);
  const full = !ctx.quick;
  const never = () => ({ status: undecided(undefined), measured: '' });
  const targets = [
    target('lint', 'TUM firewall: lint wall time < 1.5 s', decideWith([tumLint], (l) => l.wall.median < 1.5, secs)),
    target('lint', '100,000-rule dump: lint wall time <= 3x iptables-legacy-restore --test', full ? decideWith([big, legacy], (l, r) => l.wall.median <= 3 * r.wall.median, (l, r) => `${secs(l)} vs ${secs(r)} (${(l.wall.median / r.wall.median).toFixed(2)}x)`) : never),
    target('lint', '100,000-rule dump: lint peak RSS < 1 GiB', full ? decideWith([big], (l) => l.rssKiB < GiB_KiB, mib) : never),
  ];
  return { rows, targets, checks };
}

/** What lint found, by code: a lint that finds nothing in 100,000 rules is suspicious, and fast for it. */
function describeFindings(stdout) {
  try {
    const { findings } = JSON.parse(stdout);
    const byCode = new Map();
    for (const f of findings) byCode.set(f.code, (byCode.get(f.code) ?? 0) + 1);
    const codes = [...byCode].sort(([a], [b]) => a.localeCompare(b)).map(([c, k]) => `${c} x${k}`);
    return `lint reported ${findings.length} finding${findings.length === 1 ? '' : 's'}${codes.length ? ` (${codes.join(', ')})` : ''}.`;
  } catch (e) {
    return `lint's JSON output could not be read (${e.message}).`;
  }
}

/** What diff reported: the changed rules it found, so a fast but blind diff shows. */
function describeDiff(stdout) {
  try {
    const j = JSON.parse(stdout);
    const added = (j.structural ?? []).reduce((n, c) => n + (c.added?.length ?? 0), 0);
    const removed = (j.structural ?? []).reduce((n, c) => n + (c.removed?.length ?? 0), 0);
    const acc = (j.semantic ?? []).reduce((n, c) => n + (c.newlyAccepted?.length ?? 0), 0);
    const drop = (j.semantic ?? []).reduce((n, c) => n + (c.newlyDropped?.length ?? 0), 0);
    return `diff reported equivalent=${j.equivalent}; structural: ${added} added, ${removed} removed (the inputs differ by 7 and 7); semantic: ${acc} newly accepted, ${drop} newly dropped.`;
  } catch (e) {
    return `diff's JSON output could not be read (${e.message}).`;
  }
}

// ---------------------------------------------------------------- diff

export async function diffSuite(ctx) {
  const n = 10000;
  const p = writeDiffInputs(join(ctx.outDir, 'diff'), n);
  const input = `two ${n.toLocaleString('en')}-rule dumps, 10 rules differ`;
  // The inputs differ, so exit 1 is the only right answer; 0 would be a wrong "equivalent".
  const [result] = await ctx.measure(ctx.chainsmith('diff', [p.old, p.new, '--format', 'json'], [1]));
  const d = row('diff', input, 'chainsmith diff --format json', result);
  const targets = [target('diff', '10,000-rule dumps, 10 rules differ: diff wall time < 2 s', decideWith([d], (r) => r.wall.median < 2, secs))];
  return { rows: [d], targets, checks: ok(d.result) ? [`${input}: ${describeDiff(d.result.stdout)}`] : [] };
}

// ---------------------------------------------------------------- skipped suites

/** Rows and targets for a suite left out by --only: same shape, nothing measured. */
export function skippedSuite(name, available) {
  const command = name;
  const result = available.has(command) ? { skipped: 'left out by --only' } : { pending: `no \`${command}\` command yet` };
  return {
    rows: [row(name, '(all inputs)', `chainsmith ${command}`, result)],
    targets: [{ suite: name, text: `all ${name} targets`, status: undecided(result), measured: '' }],
    checks: [],
  };
}
