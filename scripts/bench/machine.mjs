// What the figures were measured on: without this a table of seconds means little.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

function firstLineOf(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0].trim();
  } catch (e) {
    return `unavailable (${e.code ?? e.message})`;
  }
}

function cpuModel() {
  try {
    const m = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m);
    return m ? m[1].trim() : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** A list of [label, value] pairs describing this machine and its tools. */
export function describeMachine() {
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  return [
    ['CPU', `${cpuModel()}; nproc ${firstLineOf('nproc', [])}`],
    ['memory', `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`],
    ['load average at start (1/5/15 min)', load],
    ['kernel', firstLineOf('uname', ['-sr'])],
    ['node', process.version],
    ['iptables (nft)', firstLineOf('iptables', ['--version'])],
    ['iptables (legacy)', firstLineOf('iptables-legacy', ['--version'])],
    ['ferm', firstLineOf('ferm', ['--version'])],
  ];
}
