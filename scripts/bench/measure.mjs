// Runs one command several times under GNU time and summarises wall time
// and peak RSS. Every cell of the benchmark goes through here, chainsmith and
// its peers alike, so all figures come from the same instrument.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';

/** Thrown when the user interrupts the benchmark; nothing after it is measured. */
export class Interrupted extends Error {}

// The process group of the run in progress, so that an interrupt or a timeout
// can end the measured program and GNU time together.
let current = null;
let stopRequested = false;

/** Ends the run in progress, if any, and refuses new ones (called on SIGINT/SIGTERM). */
export function interruptRuns() {
  stopRequested = true;
  if (current) current.interrupt();
}

/**
 * One run: `[prefix...] /usr/bin/time -f '%e %M' -o F cmd args...` in a
 * process group of its own. The prefix (e.g. `ip netns exec NS`, which
 * execs into GNU time) stays outside GNU time, so entering the namespace is
 * not part of the figure.
 */
async function runOnce({ cmd, args, prefix = [], cwd, okStatus = [0], timeoutSec = 300 }) {
  if (stopRequested) throw new Interrupted('interrupted');
  const dir = await mkdtemp(join(tmpdir(), 'cs-bench-time-'));
  const timeFile = join(dir, 'time');
  try {
    const argv = [...prefix, GNU_TIME, '-f', '%e %M', '-o', timeFile, cmd, ...args];
    const { status, signal, stdout, stderr, timedOut, interrupted } = await spawnGroup(argv, cwd, timeoutSec);
    if (interrupted) throw new Interrupted('interrupted');
    if (timedOut) return { error: `timeout after ${timeoutSec} s` };
    if (signal) return { error: `killed by ${signal}` };
    if (!okStatus.includes(status)) return { error: `exit ${status}: ${firstLine(stderr) || firstLine(stdout)}` };
    // GNU time writes "Command exited with non-zero status N" before the figures.
    const last = (await readFile(timeFile, 'utf8')).trim().split('\n').pop();
    const [wall, rssKiB] = last.split(/\s+/).map(Number);
    if (!Number.isFinite(wall) || !Number.isFinite(rssKiB)) return { error: `unreadable /usr/bin/time output: ${last}` };
    return { wall, rssKiB, stdout };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function spawnGroup(argv, cwd, timeoutSec) {
  return new Promise((resolve, reject) => {
    // detached: a process group of its own, which a terminal's Ctrl-C does not
    // reach; we end it ourselves, after cleaning up.
    const child = spawn(argv[0], argv.slice(1), { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    // ferm --lines prints the whole ruleset; it is kept for the equivalence check.
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    let timedOut = false;
    let interrupted = false;
    const killGroup = () => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutSec * 1000);
    current = { interrupt: () => { interrupted = true; killGroup(); } };
    child.on('error', (e) => {
      clearTimeout(timer);
      current = null;
      reject(e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      current = null;
      resolve({ status, signal, timedOut, interrupted, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

function firstLine(text) {
  const line = (text ?? '').split('\n').find((l) => l.trim() !== '') ?? '';
  return line.trim().slice(0, 160);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function summarise(samples) {
  const walls = samples.map((s) => s.wall);
  return {
    runs: samples.length,
    wall: { median: median(walls), min: Math.min(...walls), max: Math.max(...walls) },
    rssKiB: Math.max(...samples.map((s) => s.rssKiB)),
    stdout: samples[samples.length - 1].stdout,
  };
}

/**
 * Runs each command `runs` times, interleaved (A B C, A B C, ...) so that a
 * change in the machine's load hits the commands being compared alike. Returns,
 * per spec, `{ runs, wall: {median,min,max}, rssKiB (peak over all runs), stdout }`
 * or `{ error }` from its first failed run: a half-failing command has no
 * meaningful median, and it is not run again.
 */
export async function measureInterleaved(specs, runs) {
  const samples = specs.map(() => []);
  const errors = specs.map(() => null);
  for (let r = 0; r < runs; r++) {
    for (const [k, spec] of specs.entries()) {
      if (errors[k]) continue;
      let one;
      try {
        one = await runOnce(spec);
      } catch (e) {
        if (e instanceof Interrupted) throw e;
        one = { error: e.message };
      }
      if (one.error) errors[k] = one.error;
      else samples[k].push(one);
    }
  }
  return specs.map((_, k) => (errors[k] ? { error: errors[k] } : summarise(samples[k])));
}
