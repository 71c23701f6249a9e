#!/usr/bin/env node
// `npm run bench`: chainsmith's compile, lint and diff timed side by side with
// the tools they replace or precede (ferm, iptables-restore --test), in the
// same run, on generated inputs and the corpus. See BENCHMARKS.md for the method.
//
//   node scripts/bench.mjs [--quick] [--only compile|lint|diff] [--runs N] [--timeout SEC] [--write]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchNamespace } from './bench/netns.mjs';
import { Interrupted, interruptRuns } from './bench/measure.mjs';
import { describeMachine } from './bench/machine.mjs';
import { BenchContext, compileSuite, lintSuite, diffSuite, skippedSuite } from './bench/suites.mjs';
import { renderReport, runHeader, writeGeneratedSection } from './bench/report.mjs';

const SUITES = ['compile', 'lint', 'diff'];
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `usage: node scripts/bench.mjs [options]   (or: npm run bench -- [options])

  --quick              1,000 and 10,000 rules only (lint: 10,000), one run each
  --only SUITE         compile, lint or diff (repeat or comma-separate for several)
  --runs N             runs per cell (default 5; --quick: 1)
  --timeout SEC        give up on one run after SEC seconds (default 300)
  --write              also replace the generated section of BENCHMARKS.md
  -h, --help           this text
`;

function parseArgs(argv) {
  const o = { quick: false, only: new Set(), write: false, runs: undefined, timeoutSec: 300 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--write') o.write = true;
    else if (a === '--only') for (const s of value().split(',')) o.only.add(s.trim());
    else if (a === '--runs') o.runs = positive(a, value());
    else if (a === '--timeout') o.timeoutSec = positive(a, value());
    else if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE);
      process.exit(0);
    } else fail(`unknown option ${a}`);
  }
  for (const s of o.only) if (!SUITES.includes(s)) fail(`--only takes ${SUITES.join(', ')}, not '${s}'`);
  // Five runs: on this kind of machine (a shared 2-core VM) single runs of one
  // command differ by 20-30 %, and the targets compare two medians; with three
  // runs a median was often one lucky or unlucky run.
  o.runs ??= o.quick ? 1 : 5;
  return o;
}

function positive(flag, v) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) fail(`${flag} needs a positive integer, not '${v}'`);
  return n;
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n\n${USAGE}`);
  process.exit(2);
}

/** The chainsmith commands the built CLI offers right now (the project is being built in parallel). */
function availableCommands() {
  try {
    const help = execFileSync(process.execPath, ['bin/chainsmith.js', '--help'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return new Set(SUITES.filter((c) => new RegExp(`^\\s+${c}\\b`, 'm').test(help)));
  } catch (e) {
    process.stderr.write(`bench: the chainsmith CLI does not start (${(e.stderr || e.message).split('\n')[0]}); run npm run build first\n`);
    return new Set();
  }
}

/** The command line as the user typed it, for the report. */
function invocation(argv) {
  const args = argv.join(' ');
  if (process.env.npm_lifecycle_event === 'bench') return `npm run bench${args ? ` -- ${args}` : ''}`;
  return `node scripts/bench.mjs${args ? ` ${args}` : ''}`;
}

function corpusDir() {
  const d = path.resolve(repoRoot, '..', 'shared', 'corpus');
  return existsSync(d) ? d : null;
}

/** Results without the captured outputs, for bench-out/results.json. */
function serialisable(rows) {
  return rows.map(({ result, ...r }) => {
    const { stdout, ...rest } = result;
    return { ...r, result: rest };
  });
}

async function main() {
  const argv = process.argv.slice(2);
  const opts = parseArgs(argv);
  const selected = opts.only.size ? SUITES.filter((s) => opts.only.has(s)) : SUITES;
  const outDir = path.join(repoRoot, 'bench-out');
  mkdirSync(outDir, { recursive: true });
  const machine = describeMachine();
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const available = availableCommands();

  const namespace = new BenchNamespace().create();
  // Ctrl-C or a kill ends the run in progress; the finally below then removes
  // the namespace, so an interrupted benchmark leaves nothing behind.
  const onSignal = (sig) => {
    process.stderr.write(`bench: ${sig}: stopping\n`);
    interruptRuns();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const parts = [];
  try {
    const ctx = new BenchContext({
      repoRoot, outDir, runs: opts.runs, quick: opts.quick, timeoutSec: opts.timeoutSec, namespace, available,
      log: (msg) => process.stderr.write(`bench: ${msg}\n`),
    });
    for (const s of SUITES) {
      if (!selected.includes(s)) parts.push(skippedSuite(s, available));
      else if (s === 'compile') parts.push(await compileSuite(ctx));
      else if (s === 'lint') parts.push(await lintSuite(ctx, corpusDir()));
      else parts.push(await diffSuite(ctx));
    }
  } catch (e) {
    if (!(e instanceof Interrupted)) throw e;
    process.stderr.write('bench: interrupted; nothing reported, BENCHMARKS.md unchanged\n');
    return 130;
  } finally {
    namespace.delete();
  }

  const rows = parts.flatMap((p) => p.rows);
  const targets = parts.flatMap((p) => p.targets);
  const checks = parts.flatMap((p) => p.checks);
  const command = invocation(argv);
  const header = runHeader({ command, date, machine, runs: opts.runs, quick: opts.quick });
  const report = renderReport({ header, rows, targets, checks });
  process.stdout.write(report);
  writeFileSync(path.join(outDir, 'results.json'), JSON.stringify({ command, date, machine, rows: serialisable(rows), targets, checks }, null, 2) + '\n');
  if (opts.write) {
    const file = path.join(repoRoot, 'BENCHMARKS.md');
    writeGeneratedSection(file, report);
    process.stderr.write(`bench: updated the generated section of ${path.relative(process.cwd(), file) || file}\n`);
  }
  return 0;
}

process.exitCode = await main();
