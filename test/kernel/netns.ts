// Network namespaces for kernel tests: every iptables-restore/-save runs inside a
// namespace this process created, so the host's own firewall is never read or touched.
//
// Names are `cs-<pid>-<n>[-label]`. The pid lets a later run recognise namespaces
// left behind by a crashed run (its pid is gone) without touching those of a
// concurrent run, and an exit hook deletes whatever this process still holds.
import { exec, execSync, findExecutable, run, CommandError, type ExecOptions, type ExecResult } from './exec.js';

export type Family = 'ipv4' | 'ipv6';

export interface BackendOptions {
  /** Use the iptables-legacy tools (x_tables) instead of the default nft backend. */
  legacy?: boolean;
}

const OWN_PREFIX = `cs-${process.pid}-`;
const STALE_NAME = /^cs-(\d+)-/;

let sequence = 0;
const liveNamespaces = new Set<string>();

// Last resort for a test that threw past its finally (or an uncaught error): delete
// our namespaces synchronously while the process exits.
process.on('exit', () => {
  for (const name of liveNamespaces) execSync([ipPath(), 'netns', 'del', name], 5_000);
});
// Signals skip 'exit' handlers unless we exit ourselves (status 128 + signal number).
for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.once(signal, () => process.exit(status));
}

/** Absolute path of `ip` (it lives in /usr/sbin, not on every PATH). */
export function ipPath(): string {
  return findExecutable('ip') ?? 'ip';
}

/**
 * The tool for a family and backend, e.g. ip6tables-legacy-restore. The nft variants are
 * named explicitly rather than relying on the `iptables` alternative, so the kernel tests
 * mean the same thing on a machine whose alternative points at legacy.
 */
export function iptablesTool(family: Family, kind: 'restore' | 'save' | '', opts: BackendOptions = {}): string {
  const base = family === 'ipv6' ? 'ip6tables' : 'iptables';
  const name = `${base}-${opts.legacy ? 'legacy' : 'nft'}${kind ? `-${kind}` : ''}`;
  return findExecutable(name) ?? name;
}

/** Creates a namespace with loopback up and returns its name. */
export async function createNetns(label?: string): Promise<string> {
  sequence += 1;
  const name = `${OWN_PREFIX}${sequence}${label ? `-${label}` : ''}`;
  await run([ipPath(), 'netns', 'add', name]);
  liveNamespaces.add(name);
  try {
    await run([ipPath(), '-n', name, 'link', 'set', 'lo', 'up']);
  } catch (err) {
    await deleteNetns(name);
    throw err;
  }
  return name;
}

/** Deletes a namespace this process created; deleting one that is already gone is not an error. */
export async function deleteNetns(name: string): Promise<void> {
  const r = await exec([ipPath(), 'netns', 'del', name]);
  liveNamespaces.delete(name);
  if (r.code !== 0 && !/No such file|not found|Cannot remove/i.test(r.stderr)) {
    throw new CommandError(['ip', 'netns', 'del', name], r);
  }
}

/** Runs fn with a fresh namespace and deletes it afterwards, whatever fn does. */
export async function withNetns<T>(fn: (ns: string) => Promise<T>, label?: string): Promise<T> {
  const ns = await createNetns(label);
  try {
    return await fn(ns);
  } finally {
    await deleteNetns(ns);
  }
}

/** `ip netns exec NS argv...`; resolves with the result whatever the exit status. */
export function nsExec(ns: string, argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
  return exec([ipPath(), 'netns', 'exec', ns, ...argv], opts);
}

/** `ip netns exec NS argv...`; rejects with CommandError unless it exits 0. */
export function nsRun(ns: string, argv: readonly string[], opts?: ExecOptions): Promise<string> {
  return run([ipPath(), 'netns', 'exec', ns, ...argv], opts);
}

/** `ip -n NS -batch -`: many ip commands in one process (the lab issues dozens). */
export function ipBatch(ns: string, commands: readonly string[]): Promise<string> {
  return run([ipPath(), '-n', ns, '-batch', '-'], { input: commands.join('\n') + '\n' });
}

export interface SysctlSetting {
  /** Path under /proc/sys, with slashes: `net/ipv4/ip_forward`. */
  key: string;
  value: string;
  /** Skip silently when the key does not exist (bridge-nf-* exist only with br_netfilter loaded). */
  optional?: boolean;
}

/**
 * Writes sysctls as seen from inside the namespace (/proc/sys/net is per namespace,
 * resolved for the process that opens it, hence a shell inside the namespace).
 */
export async function setSysctls(ns: string, settings: readonly SysctlSetting[]): Promise<void> {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const script = settings
    .map(({ key, value, optional }) => {
      const file = quote(`/proc/sys/${key}`);
      const write = `printf '%s\\n' ${quote(value)} > ${file}`;
      return optional ? `if [ -e ${file} ]; then ${write}; fi` : write;
    })
    .join('\n');
  await nsRun(ns, ['sh', '-ec', script]);
}

/** Rejected iptables-restore: the message and `stderr` carry what the tool printed. */
export class RestoreError extends Error {
  readonly stderr: string;
  readonly exitCode: number | null;
  constructor(tool: string, result: ExecResult) {
    const why = result.timedOut ? 'timed out' : `exited with status ${result.code}`;
    super(`${tool} ${why}: ${result.stderr.trim()}`);
    this.name = 'RestoreError';
    this.stderr = result.stderr;
    this.exitCode = result.code;
  }
}

/**
 * Loads a ruleset for real (never `--test`: it accepts jumps to missing chains, which the
 * kernel then rejects) into the namespace. Tables named in the text are replaced.
 */
export async function restoreInto(ns: string, text: string, family: Family, opts: BackendOptions = {}): Promise<void> {
  const tool = iptablesTool(family, 'restore', opts);
  const result = await nsExec(ns, [tool], { input: text, timeoutMs: 60_000 });
  if (result.code !== 0 || result.timedOut) throw new RestoreError(tool.split('/').pop()!, result);
}

/** iptables-save in the namespace (with `-c` packet counters when asked), `#` lines removed. */
export async function saveFrom(
  ns: string,
  family: Family,
  opts: BackendOptions & { counters?: boolean } = {},
): Promise<string> {
  const argv = [iptablesTool(family, 'save', opts), ...(opts.counters ? ['-c'] : [])];
  const out = await nsRun(ns, argv, { timeoutMs: 60_000 });
  return stripComments(out);
}

/** Drops the `# Generated by` / `# Completed on` lines, which carry a date and a version. */
export function stripComments(saveOutput: string): string {
  return saveOutput
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .join('\n');
}

/**
 * Loads text into a fresh namespace and returns what iptables-save prints for it: the
 * canonical form chainsmith's output must equal byte for byte. Rejects with RestoreError
 * when the kernel (or the tool) refuses the ruleset.
 */
export function loadAndSave(text: string, family: Family, opts: BackendOptions = {}): Promise<string> {
  return withNetns(async (ns) => {
    await restoreInto(ns, text, family, opts);
    return saveFrom(ns, family, opts);
  });
}

/**
 * Deletes `cs-<pid>-*` namespaces whose creating process no longer exists: leftovers
 * of a run that was killed before its cleanup. Namespaces of live processes (a
 * concurrent run) are left alone. Returns the names deleted.
 */
export function cleanupStaleNamespaces(): string[] {
  // Synchronous: it runs from kernelSkipReason, while test files register their tests.
  const list = execSync([ipPath(), 'netns', 'list']);
  if (list.code !== 0) return [];
  const removed: string[] = [];
  for (const line of list.stdout.split('\n')) {
    const name = line.trim().split(/\s+/)[0];
    const m = name ? STALE_NAME.exec(name) : null;
    if (!m || processAlive(Number(m[1]))) continue;
    if (execSync([ipPath(), 'netns', 'del', name]).code === 0) removed.push(name);
  }
  return removed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else; only ESRCH means gone.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const REQUIRED_TOOLS = [
  ['ip', 'iproute2'],
  ['iptables-nft-restore', 'iptables'],
  ['iptables-nft-save', 'iptables'],
  ['ip6tables-nft-restore', 'iptables'],
  ['ip6tables-nft-save', 'iptables'],
] as const;

let cachedReason: string | null | undefined;
const reported = new Set<string>();

/**
 * Why kernel tests cannot run here, or null when they can: we are root, the tools are
 * installed and `ip netns add` works. Logs the reason once. With CI=true a missing
 * prerequisite is an error instead, so CI fails loudly rather than passing on skips.
 */
export function kernelSkipReason(): string | null {
  if (cachedReason === undefined) cachedReason = probeKernelPrerequisites();
  return cachedReason === null ? null : skipBecause(cachedReason);
}

/**
 * Like kernelSkipReason, for a tool only some tests need (ping from iputils-ping, the
 * legacy iptables variants): null when it is installed.
 */
export function toolSkipReason(tool: string, debianPackage: string): string | null {
  const base = kernelSkipReason();
  if (base) return base;
  if (findExecutable(tool)) return null;
  return skipBecause(`kernel tests skipped: ${tool} not installed (apt-get install ${debianPackage})`);
}

/** Logs each distinct reason once; in CI a skip is a failure. */
function skipBecause(reason: string): string {
  if (process.env.CI === 'true') throw new Error(`CI=true but ${reason.replace(/^kernel tests skipped: /, '')}`);
  if (!reported.has(reason)) console.log(reason);
  reported.add(reason);
  return reason;
}

function probeKernelPrerequisites(): string | null {
  const uid = process.getuid?.();
  if (uid !== 0) return `kernel tests skipped: not root (uid ${uid ?? 'unknown'}); they need to create network namespaces`;
  for (const [tool, pkg] of REQUIRED_TOOLS) {
    if (!findExecutable(tool)) return `kernel tests skipped: ${tool} not installed (apt-get install ${pkg})`;
  }
  const probe = `${OWN_PREFIX}probe`;
  const add = execSync([ipPath(), 'netns', 'add', probe]);
  if (add.code !== 0) {
    return `kernel tests skipped: 'ip netns add' failed: ${add.stderr.trim() || `status ${add.code}`}`;
  }
  execSync([ipPath(), 'netns', 'del', probe]);
  const stale = cleanupStaleNamespaces();
  if (stale.length) console.log(`kernel tests: deleted ${stale.length} namespace(s) left by crashed runs: ${stale.join(' ')}`);
  return null;
}
