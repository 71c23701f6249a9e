// Running external commands (ip, iptables-*, node, ping) for the kernel tests.
// Every command has a timeout: a wedged child must fail a test, never hang CI.
import { findExecutable as findSystemTool } from '../../src/apply/host.js';
import { spawn, spawnSync } from 'node:child_process';

export interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface ExecOptions {
  /** Written to the child's stdin, which is then closed. */
  input?: string;
  /** Default 15 s; the child gets SIGKILL after it. */
  timeoutMs?: number;
}

/** A command that exited non-zero, was killed or timed out; carries its stderr for the test report. */
export class CommandError extends Error {
  readonly argv: readonly string[];
  readonly result: ExecResult;
  constructor(argv: readonly string[], result: ExecResult) {
    const how = result.timedOut
      ? 'timed out'
      : result.signal
        ? `was killed by ${result.signal}`
        : `exited with status ${result.code}`;
    const stderr = result.stderr.trim();
    super(`${argv.join(' ')} ${how}${stderr ? `:\n${stderr}` : ''}`);
    this.name = 'CommandError';
    this.argv = argv;
    this.result = result;
  }
  get stderr(): string {
    return this.result.stderr;
  }
}

export const DEFAULT_TIMEOUT_MS = 15_000;

/** Runs argv to completion and resolves with its output whatever the exit status. */
export function exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
    // A child that exits before reading its stdin closes the pipe: ignore EPIPE, the exit status tells.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** Like exec, but rejects with CommandError unless the command exits 0. */
export async function run(argv: readonly string[], opts: ExecOptions = {}): Promise<string> {
  const result = await exec(argv, opts);
  if (result.code !== 0 || result.timedOut) throw new CommandError(argv, result);
  return result.stdout;
}

/** Synchronous variant for the few checks that must finish while test files register their tests. */
export function execSync(argv: readonly string[], timeoutMs = DEFAULT_TIMEOUT_MS): ExecResult {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  return {
    code: r.status,
    signal: r.signal,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? (r.error ? String(r.error) : ''),
    timedOut: (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT',
  };
}

/**
 * The full path of an executable, or null. Also looks in the sbin directories, which
 * are not on every PATH, because iptables and ip live there.
 */
export function findExecutable(name: string): string | null {
  return findSystemTool(name) ?? null;
}
