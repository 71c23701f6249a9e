// The one place chainsmith touches a live firewall: `iptables-save` and
// `iptables-restore` (and their ip6tables twins) of the host it runs on.
// `plan` only ever calls save(); `apply` calls the rest. Everything else in
// plan/apply talks to the `Host` interface, so the logic can be exercised
// with a fake host, and the kernel tests run the real one inside network
// namespaces only (`ip netns exec NS chainsmith apply ...`).
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { Family } from '../ruleset/model.js';

export interface RestoreOptions {
  /** `--test`: parse and check only, change nothing. */
  test?: boolean;
  /** `--counters`: restore the `[pkts:bytes]` counters in the text (rolling back a saved dump). */
  counters?: boolean;
}

export interface Host {
  /** What `iptables-save` prints (`-c`: with counters), `#` comment lines removed. */
  save(family: Family, opts?: { counters?: boolean }): string;
  /** Loads `text` with one iptables-restore call: all of its tables at once, or nothing. Throws HostError. */
  restore(family: Family, text: string, opts?: RestoreOptions): void;
}

/** A tool that is missing, failed, or timed out; the message is for the user as is. */
export class HostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostError';
  }
}

/** A command should never wedge apply: its caller is waiting to roll back. */
const TOOL_TIMEOUT_MS = 60_000;

/** The real host, through the iptables tools on PATH (plus the sbin directories, which sudo's PATH may lack). */
export function systemHost(): Host {
  return {
    save(family, opts = {}) {
      const out = runTool(tool(family, 'save'), opts.counters ? ['--counters'] : [], undefined);
      return out
        .split('\n')
        .filter((l) => !l.startsWith('#'))
        .join('\n');
    },
    restore(family, text, opts = {}) {
      const args = [...(opts.test ? ['--test'] : []), ...(opts.counters ? ['--counters'] : [])];
      runTool(tool(family, 'restore'), args, text);
    },
  };
}

function tool(family: Family, kind: 'save' | 'restore'): string {
  const name = `${family === 'ipv6' ? 'ip6tables' : 'iptables'}-${kind}`;
  const found = findExecutable(name);
  if (!found) throw new HostError(`${name} not found (install iptables)`);
  return found;
}

function runTool(file: string, args: string[], input: string | undefined): string {
  const r = spawnSync(file, args, { input: input ?? '', encoding: 'utf8', timeout: TOOL_TIMEOUT_MS, maxBuffer: 1 << 30 });
  const shown = [path.basename(file), ...args].join(' ');
  if (r.error) throw new HostError(`${shown}: ${r.error.message}`);
  if (r.status !== 0) {
    const why = r.signal ? `was killed by ${r.signal}` : `exited with status ${r.status}`;
    throw new HostError(`${shown} ${why}${r.stderr.trim() ? `: ${r.stderr.trim()}` : ''}`);
  }
  return r.stdout;
}

/**
 * The absolute path of a system tool: PATH first, then the sbin directories that
 * are not on every PATH (iptables and ip live there). Exported for the tests.
 */
export function findExecutable(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin']) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
