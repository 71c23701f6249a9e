// Runs the real bin (as users do) and captures status, stdout and stderr.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../helpers/env.js';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], opts: { input?: string; cwd?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'chainsmith.js'), ...args], {
    cwd: opts.cwd ?? repoRoot,
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** No stack trace ever reaches the user. */
export function hasStackTrace(s: string): boolean {
  return /^\s+at .+\(.*:\d+:\d+\)$/m.test(s) || /\bat file:\/\//.test(s);
}
