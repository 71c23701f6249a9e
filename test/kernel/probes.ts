// Real packets between namespaces, sent by Node itself (no nc needed): one long-lived
// agent process per namespace (`ip netns exec NS node -e AGENT`) opens echo listeners
// and runs client probes on request, so a probe costs milliseconds rather than two
// Node start-ups. ICMP uses ping (iputils-ping): Node has no raw sockets.
//
// A probe passes only when the reply came back to the client: for TCP the handshake
// completed and the echoed payload returned, for UDP the echo datagram returned. A
// ruleset that accepts NEW but forgets ESTABLISHED replies therefore fails the probe.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { findExecutable } from './exec.js';
import { ipPath, nsExec, type Family } from './netns.js';

export interface ProbeResult {
  passed: boolean;
  /** Why, for assertion messages: 'echoed', 'timeout: no handshake', 'ECONNREFUSED', ... */
  detail: string;
}

export type Transport = 'tcp' | 'udp';

// The agent speaks JSON lines: requests {id, op, ...} on stdin, replies {id, ...} on
// stdout; it exits when stdin closes. Written in plain CommonJS for `node -e`.
const AGENT = `
const net = require('net');
const dgram = require('dgram');
const readline = require('readline');
const listeners = new Map();
const keyOf = (m) => m.transport + ' ' + m.host + ' ' + m.port;
const errorText = (e) => (e && (e.code || e.message)) || String(e);

function listen(m, done) {
  let listening = false;
  const failed = (e) => { if (!listening) done({ ok: false, error: errorText(e) }); };
  if (m.transport === 'tcp') {
    const sockets = new Set();
    const server = net.createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
      s.on('data', (d) => s.write(d));
    });
    server.on('error', failed);
    server.listen({ port: m.port, host: m.host, ipv6Only: m.family === 'ipv6' }, () => {
      listening = true;
      listeners.set(keyOf(m), () => { server.close(); for (const s of sockets) s.destroy(); });
      done({ ok: true });
    });
  } else {
    const sock = dgram.createSocket({ type: m.family === 'ipv6' ? 'udp6' : 'udp4', ipv6Only: m.family === 'ipv6' });
    sock.on('message', (msg, from) => sock.send(msg, from.port, from.address));
    sock.on('error', failed);
    sock.bind(m.port, m.host, () => {
      listening = true;
      listeners.set(keyOf(m), () => sock.close());
      done({ ok: true });
    });
  }
}

function probe(m, done) {
  const token = 'chainsmith-probe-' + m.id;
  let finished = false;
  let cleanup = () => {};
  let timer;
  const finish = (passed, detail) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    cleanup();
    done({ passed, detail });
  };
  if (m.transport === 'tcp') {
    let connected = false;
    let received = '';
    timer = setTimeout(() => finish(false, connected ? 'timeout: connected but no echo' : 'timeout: no handshake'), m.timeoutMs);
    const sock = net.connect({ host: m.host, port: m.port });
    cleanup = () => sock.destroy();
    sock.on('connect', () => { connected = true; sock.write(token); });
    sock.on('data', (d) => { received += d; if (received.includes(token)) finish(true, 'echoed'); });
    sock.on('error', (e) => finish(false, errorText(e)));
    sock.on('close', () => finish(false, connected ? 'closed before echo' : 'closed'));
  } else {
    // UDP is lossy and the first datagram may wait for ARP/ND: resend a few times
    // within the timeout; any one echo is enough.
    let resend;
    timer = setTimeout(() => finish(false, 'timeout: no echo'), m.timeoutMs);
    const sock = dgram.createSocket(m.family === 'ipv6' ? 'udp6' : 'udp4');
    cleanup = () => { clearInterval(resend); sock.close(); };
    sock.on('message', (msg) => { if (String(msg) === token) finish(true, 'echoed'); });
    sock.on('error', (e) => finish(false, e.code === 'ECONNREFUSED' ? 'ECONNREFUSED (ICMP unreachable)' : errorText(e)));
    sock.connect(m.port, m.host, () => {
      const send = () => sock.send(token);
      send();
      resend = setInterval(send, Math.max(100, Math.floor(m.timeoutMs / 3)));
    });
  }
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  let m;
  try { m = JSON.parse(line); } catch { return; }
  const done = (r) => process.stdout.write(JSON.stringify({ id: m.id, ...r }) + '\\n');
  try {
    if (m.op === 'listen') listen(m, done);
    else if (m.op === 'unlisten') {
      const close = listeners.get(keyOf(m));
      listeners.delete(keyOf(m));
      if (close) close();
      done({ ok: true });
    } else if (m.op === 'probe') probe(m, done);
    else done({ ok: false, error: 'unknown op ' + m.op });
  } catch (e) {
    done({ ok: false, error: errorText(e) });
  }
}).on('close', () => process.exit(0));
process.stdout.write(JSON.stringify({ id: 0, ok: true }) + '\\n');
`;

interface Reply {
  id: number;
  ok?: boolean;
  error?: string;
  passed?: boolean;
  detail?: string;
}

interface Pending {
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

const START_TIMEOUT_MS = 10_000;
const REQUEST_SLACK_MS = 5_000;

/** A Node process living in one namespace that listens and probes on request. */
export class NetnsAgent {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stderr = '';
  private exited = false;

  private constructor(
    readonly ns: string,
    private readonly child: ChildProcessWithoutNullStreams,
  ) {
    child.stderr.setEncoding('utf8').on('data', (s: string) => (this.stderr += s));
    createInterface({ input: child.stdout }).on('line', (line) => this.onLine(line));
    child.on('exit', (code, signal) => {
      this.exited = true;
      const why = new Error(`agent in ${ns} exited (${signal ?? `status ${code}`})${this.stderr ? `: ${this.stderr.trim()}` : ''}`);
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.reject(why);
      }
      this.pending.clear();
    });
    // A write after the agent died fails here; the exit handler reports it.
    child.stdin.on('error', () => {});
  }

  /** Starts the agent and waits until it runs inside the namespace. */
  static async start(ns: string): Promise<NetnsAgent> {
    const child = spawn(ipPath(), ['netns', 'exec', ns, process.execPath, '-e', AGENT], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const agent = new NetnsAgent(ns, child);
    const spawned = new Promise<never>((_, reject) => child.once('error', reject));
    // The agent announces itself with id 0.
    const ready = new Promise<Reply>((resolve, reject) => agent.expect(0, START_TIMEOUT_MS, resolve, reject));
    try {
      await Promise.race([ready, spawned]);
    } catch (err) {
      await agent.stop();
      throw err;
    }
    return agent;
  }

  /** Opens an echo server on host:port. */
  async listen(transport: Transport, family: Family, host: string, port: number): Promise<void> {
    const r = await this.request({ op: 'listen', transport, family, host, port }, 0);
    if (!r.ok) throw new Error(`${transport} listener on ${host} port ${port} in ${this.ns}: ${r.error}`);
  }

  async unlisten(transport: Transport, host: string, port: number): Promise<void> {
    await this.request({ op: 'unlisten', transport, host, port }, 0);
  }

  /** Sends to host:port and waits up to timeoutMs for the echo; never throws for a blocked packet. */
  async probe(transport: Transport, family: Family, host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
    const r = await this.request({ op: 'probe', transport, family, host, port, timeoutMs }, timeoutMs);
    if (r.passed === undefined) throw new Error(`${transport} probe from ${this.ns}: ${r.error ?? 'no result'}`);
    return { passed: r.passed, detail: String(r.detail) };
  }

  /** Ends the agent (closing stdin is its signal; SIGKILL if it lingers). */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2_000);
    await gone;
    clearTimeout(timer);
  }

  private request(body: Record<string, unknown>, expectedMs: number): Promise<Reply> {
    if (this.exited) return Promise.reject(new Error(`agent in ${this.ns} is not running`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.expect(id, expectedMs + REQUEST_SLACK_MS, resolve, reject);
      this.child.stdin.write(JSON.stringify({ id, ...body }) + '\n');
    });
  }

  private expect(id: number, timeoutMs: number, resolve: (r: Reply) => void, reject: (e: Error) => void): void {
    const timer = setTimeout(() => {
      this.pending.delete(id);
      reject(new Error(`agent in ${this.ns} did not answer request ${id} within ${timeoutMs} ms`));
    }, timeoutMs);
    this.pending.set(id, { resolve, reject, timer });
  }

  private onLine(line: string): void {
    let reply: Reply;
    try {
      reply = JSON.parse(line) as Reply;
    } catch {
      return; // not ours: nothing else writes to stdout, but never crash the test on it
    }
    const p = this.pending.get(reply.id);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(reply.id);
    p.resolve(reply);
  }
}

/** One ICMP echo request from `ns` (ping -c 1); passes when the echo reply arrives. */
export async function runPing(ns: string, family: Family, host: string, timeoutMs: number): Promise<ProbeResult> {
  const ping = findExecutable('ping');
  if (!ping) throw new Error('ping not installed (apt-get install iputils-ping)');
  const waitSeconds = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
  const r = await nsExec(ns, [ping, family === 'ipv6' ? '-6' : '-4', '-n', '-c', '1', '-W', waitSeconds, host], {
    timeoutMs: timeoutMs + REQUEST_SLACK_MS,
  });
  if (r.code === 0) return { passed: true, detail: 'echo reply' };
  const summary = r.stdout.split('\n').find((l) => /packets transmitted/.test(l));
  return { passed: false, detail: (summary ?? r.stderr.trim()) || `ping exited with status ${r.code}` };
}
