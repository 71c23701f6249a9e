// A network namespace of our own for the peers (ferm, iptables-restore
// --test): other engineers may probe the live firewall, and a peer must never
// touch it, even by accident. Created once per run; bench.mjs deletes it on
// every exit path, an interrupt included.
import { execFileSync } from 'node:child_process';

export class BenchNamespace {
  constructor(name = `cs-bench-${process.pid}`) {
    this.name = name;
    this.created = false;
  }

  create() {
    execFileSync('ip', ['netns', 'add', this.name], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.created = true;
    return this;
  }

  /** The argv prefix that runs a command inside the namespace. */
  get prefix() {
    return ['ip', 'netns', 'exec', this.name];
  }

  delete() {
    if (!this.created) return;
    this.created = false;
    try {
      execFileSync('ip', ['netns', 'del', this.name], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      process.stderr.write(`bench: could not delete network namespace ${this.name}: ${e.message}\n`);
    }
  }
}
