// A KVM host in network namespaces, to prove rulesets against real packets.
//
//   web1 ──veth── br0.10 ┐
//   app1 ──veth── br0.20 ├ router ── eth0 ──veth── outside1 ──veth── admin1
//   db1  ──veth── br0.30 ┘
//
// The router namespace plays the KVM host: one bridge per VLAN, named br0.10, br0.20,
// br0.30 as the host's VLAN interfaces are (this kernel has no 802.1Q module, and
// iptables only sees names), and the uplink eth0. Each guest hangs off its bridge by a
// veth pair. Addresses are in test/kernel/README.md. Rulesets load into the router only.
import {
  createNetns,
  deleteNetns,
  ipBatch,
  nsRun,
  restoreInto,
  saveFrom,
  setSysctls,
  iptablesTool,
  type BackendOptions,
  type Family,
  type SysctlSetting,
} from './netns.js';
import { NetnsAgent, runPing, type ProbeResult, type Transport } from './probes.js';

export type { ProbeResult } from './probes.js';

export type GuestName = 'web1' | 'app1' | 'db1' | 'outside1' | 'admin1';
export type LabHost = GuestName | 'router';

/** The router's own addresses, per interface: the guests' gateways. */
export const ROUTER_INTERFACES = {
  'br0.10': { ipv4: '10.0.10.1/24', ipv6: '2001:db8:10::1/64' },
  'br0.20': { ipv4: '10.0.20.1/24', ipv6: '2001:db8:20::1/64' },
  'br0.30': { ipv4: '10.0.30.1/24', ipv6: '2001:db8:30::1/64' },
  // TEST-NET-2 (RFC 5737) and the documentation prefix: never routed anywhere real.
  eth0: { ipv4: '198.51.100.1/24', ipv6: '2001:db8:100::1/64' },
} as const;

export const LAB_BRIDGES = ['br0.10', 'br0.20', 'br0.30'] as const;

type RouterIf = keyof typeof ROUTER_INTERFACES;

interface Attachment {
  /** The router interface (a bridge or the uplink) this host is reached through. */
  routerIf: RouterIf;
  ipv4: string;
  ipv6?: string;
  /** IPv4 next hop when it is not the router's address on routerIf. */
  gateway4?: string;
}

/** Where each guest sits and its addresses (prefix lengths as configured). */
export const GUESTS: Record<GuestName, Attachment> = {
  web1: { routerIf: 'br0.10', ipv4: '10.0.10.5/24', ipv6: '2001:db8:10::5/64' },
  app1: { routerIf: 'br0.20', ipv4: '10.0.20.5/24', ipv6: '2001:db8:20::5/64' },
  db1: { routerIf: 'br0.30', ipv4: '10.0.30.5/24', ipv6: '2001:db8:30::5/64' },
  outside1: { routerIf: 'eth0', ipv4: '198.51.100.5/24', ipv6: '2001:db8:100::5/64' },
  // The admin workstation of DESIGN.md's example policy, one hop beyond outside1 (IPv4 only).
  admin1: { routerIf: 'eth0', ipv4: '192.168.10.5/24', gateway4: '192.168.10.1' },
};

/** The admin network behind outside1, and outside1's address on it (admin1's gateway). */
const ADMIN_NET = '192.168.10.0/24';
const ADMIN_GATEWAY = '192.168.10.1/24';

const bare = (cidr: string) => cidr.split('/')[0];

export interface ProbeOptions {
  family?: Family;
  /** How long the client waits for the reply; default 1000 ms. */
  timeoutMs?: number;
}

export interface RuleCounter {
  /** The rule's position in the chain (`--line-numbers`), 1-based like `iptables -L`. */
  line: number;
  pkts: number;
  bytes: number;
  /** The rest of the `iptables -L -v -n` row, whitespace collapsed: `ACCEPT 6 -- br0.10 br0.30 0.0.0.0/0 ...`. */
  text: string;
}

export interface ChainCounters {
  /** Built-in chains only: the policy and how many packets fell through to it. */
  policy?: { target: string; pkts: number; bytes: number };
  rules: RuleCounter[];
}

export interface CounterOptions extends BackendOptions {
  family?: Family;
  table?: string;
}

const DEFAULT_PROBE_TIMEOUT_MS = 1_000;

export class Lab {
  /** Namespace name of each lab host. */
  readonly ns: Readonly<Record<LabHost, string>>;
  private agents: Partial<Record<LabHost, NetnsAgent>> = {};
  // Probes run one at a time: two probes to the same port would fight over the
  // listener, and counters read between probes must belong to one probe.
  private queue: Promise<unknown> = Promise.resolve();
  private destroyed = false;

  private constructor(ns: Record<LabHost, string>) {
    this.ns = ns;
  }

  /** Builds the topology; on any failure deletes what it built and rejects. */
  static async create(): Promise<Lab> {
    const hosts: LabHost[] = ['router', 'web1', 'app1', 'db1', 'outside1', 'admin1'];
    const created: Partial<Record<LabHost, string>> = {};
    let lab: Lab | undefined;
    try {
      for (const host of hosts) created[host] = await createNetns(host);
      lab = new Lab(created as Record<LabHost, string>);
      await lab.configure();
      await lab.startAgents();
      return lab;
    } catch (err) {
      if (lab) await lab.destroy().catch(() => undefined);
      else await Promise.allSettled(Object.values(created).map((name) => deleteNetns(name)));
      throw err;
    }
  }

  private async startAgents(): Promise<void> {
    const hosts = Object.keys(this.ns) as LabHost[];
    const started = await Promise.allSettled(hosts.map((host) => NetnsAgent.start(this.ns[host])));
    started.forEach((r, i) => {
      if (r.status === 'fulfilled') this.agents[hosts[i]] = r.value;
    });
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async configure(): Promise<void> {
    const { ns } = this;
    await Promise.all((Object.keys(ns) as LabHost[]).map((host) => setSysctls(ns[host], sysctlsFor(host))));
    await ipBatch(ns.router, routerCommands(ns));
    // admin1 <-> outside1 (outside1's eth1), created from admin1's side.
    await ipBatch(ns.admin1, [`link add eth0 type veth peer name eth1 netns ${ns.outside1}`]);
    const guests = ['web1', 'app1', 'db1', 'outside1', 'admin1'] as const;
    await Promise.all(guests.map((guest) => ipBatch(ns[guest], guestCommands(guest))));
  }

  /** A host's address in the lab (for rules and assertions). The router's is its uplink address. */
  address(host: LabHost, family: Family = 'ipv4'): string {
    const cidr =
      host === 'router'
        ? ROUTER_INTERFACES.eth0[family]
        : family === 'ipv6'
          ? GUESTS[host].ipv6
          : GUESTS[host].ipv4;
    if (!cidr) throw new Error(`lab host ${host} has no ${family} address`);
    return bare(cidr);
  }

  /** The router address `src` reaches first: its gateway, so INPUT sees `-i` = src's bridge. */
  routerAddressFor(src: GuestName, family: Family = 'ipv4'): string {
    return bare(ROUTER_INTERFACES[GUESTS[src].routerIf][family]);
  }

  /**
   * Loads rulesets into the router, for real (iptables-restore without --test). Tables
   * named in the text replace the current ones; without v6 the IPv6 ruleset is left as
   * it is (empty, i.e. everything accepted, in a fresh lab). Rejects with RestoreError.
   */
  async loadRouter(v4: string, v6?: string, opts: BackendOptions = {}): Promise<void> {
    await restoreInto(this.ns.router, v4, 'ipv4', opts);
    if (v6 !== undefined) await restoreInto(this.ns.router, v6, 'ipv6', opts);
  }

  /** TCP connect from src to dst:port and an echo back; see probes.ts for what passing means. */
  tcp(src: LabHost, dst: LabHost, port: number, opts: ProbeOptions = {}): Promise<ProbeResult> {
    return this.probe('tcp', src, dst, port, opts);
  }

  /** A UDP datagram from src to dst:port and its echo back. */
  udp(src: LabHost, dst: LabHost, port: number, opts: ProbeOptions = {}): Promise<ProbeResult> {
    return this.probe('udp', src, dst, port, opts);
  }

  /** TCP from a guest to the router itself (its gateway address): exercises INPUT. */
  tcpToRouter(src: GuestName, port: number, opts: ProbeOptions = {}): Promise<ProbeResult> {
    return this.tcp(src, 'router', port, opts);
  }

  /** UDP from a guest to the router itself: exercises INPUT. */
  udpToRouter(src: GuestName, port: number, opts: ProbeOptions = {}): Promise<ProbeResult> {
    return this.udp(src, 'router', port, opts);
  }

  /** One ICMP echo request from src to dst (needs iputils-ping). */
  ping(src: LabHost, dst: LabHost, opts: ProbeOptions = {}): Promise<ProbeResult> {
    const family = opts.family ?? 'ipv4';
    return this.serial(() => runPing(this.ns[src], family, this.target(src, dst, family), opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS));
  }

  /** Per-rule packet counters of a chain in the router, from `iptables -L CHAIN -v -x -n --line-numbers`. */
  async counters(chain: string, opts: CounterOptions = {}): Promise<RuleCounter[]> {
    return (await this.chainCounters(chain, opts)).rules;
  }

  /** As counters, plus the packets that fell through to a built-in chain's policy. */
  async chainCounters(chain: string, opts: CounterOptions = {}): Promise<ChainCounters> {
    const out = await nsRun(this.ns.router, [
      iptablesTool(opts.family ?? 'ipv4', '', opts),
      '-t',
      opts.table ?? 'filter',
      '-L',
      chain,
      '-v',
      '-x',
      '-n',
      '--line-numbers',
    ]);
    return parseListing(out);
  }

  /** Zeroes all counters of a table in the router (`iptables -Z`). */
  async resetCounters(opts: CounterOptions = {}): Promise<void> {
    await nsRun(this.ns.router, [iptablesTool(opts.family ?? 'ipv4', '', opts), '-t', opts.table ?? 'filter', '-Z']);
  }

  /** The router's ruleset as iptables-save prints it (`#` lines removed), optionally with counters. */
  save(opts: BackendOptions & { family?: Family; counters?: boolean } = {}): Promise<string> {
    return saveFrom(this.ns.router, opts.family ?? 'ipv4', opts);
  }

  /** Runs a command inside a lab host's namespace (for what the helpers above do not cover). */
  exec(host: LabHost, argv: readonly string[], timeoutMs?: number): Promise<string> {
    return nsRun(this.ns[host], argv, { timeoutMs });
  }

  /** Stops the agents and deletes every namespace of the lab. Safe to call twice. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await Promise.allSettled(Object.values(this.agents).map((agent) => agent.stop()));
    const results = await Promise.allSettled(Object.values(this.ns).map((name) => deleteNetns(name)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private target(src: LabHost, dst: LabHost, family: Family): string {
    if (src === dst) throw new Error(`probe from ${src} to itself`);
    return dst === 'router' && src !== 'router' ? this.routerAddressFor(src, family) : this.address(dst, family);
  }

  private probe(transport: Transport, src: LabHost, dst: LabHost, port: number, opts: ProbeOptions): Promise<ProbeResult> {
    const family = opts.family ?? 'ipv4';
    const timeoutMs = opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
    const host = this.target(src, dst, family);
    return this.serial(async () => {
      const server = this.agent(dst);
      // The listener binds the very address the client targets: a wildcard-bound UDP
      // socket would answer from the outgoing interface's address, which the client ignores.
      await server.listen(transport, family, host, port);
      try {
        return await this.agent(src).probe(transport, family, host, port, timeoutMs);
      } finally {
        await server.unlisten(transport, host, port);
      }
    });
  }

  private agent(host: LabHost): NetnsAgent {
    const agent = this.agents[host];
    if (!agent) throw new Error(`lab host ${host} has no agent`);
    return agent;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.destroyed) return Promise.reject(new Error('lab already destroyed'));
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

// DAD would keep fresh IPv6 addresses (link-local ones too) tentative for a second or
// more; these links have nobody else on them.
const NO_DAD: SysctlSetting[] = [
  { key: 'net/ipv6/conf/all/accept_dad', value: '0' },
  { key: 'net/ipv6/conf/default/accept_dad', value: '0' },
];

function sysctlsFor(host: LabHost): SysctlSetting[] {
  if (host === 'outside1') return [...NO_DAD, { key: 'net/ipv4/ip_forward', value: '1' }];
  if (host !== 'router') return NO_DAD;
  return [
    ...NO_DAD,
    { key: 'net/ipv4/ip_forward', value: '1' },
    { key: 'net/ipv6/conf/all/forwarding', value: '1' },
    // Frames crossing a bridge must not go through iptables as well (br_netfilter): the
    // lab tests routing between VLANs, as on the real host. Absent without br_netfilter.
    { key: 'net/bridge/bridge-nf-call-iptables', value: '0', optional: true },
    { key: 'net/bridge/bridge-nf-call-ip6tables', value: '0', optional: true },
    { key: 'net/bridge/bridge-nf-call-arptables', value: '0', optional: true },
  ];
}

/** `ip -batch` lines for the router: bridges with gateway addresses, guest ports, uplink. */
function routerCommands(ns: Record<LabHost, string>): string[] {
  const cmds: string[] = [];
  for (const bridge of LAB_BRIDGES) {
    const addr = ROUTER_INTERFACES[bridge];
    cmds.push(
      // No STP and no forward delay: a port forwards the moment it is up. The per-bridge
      // nf_call_* repeat the sysctls above for kernels where those are global.
      `link add ${bridge} type bridge stp_state 0 forward_delay 0 mcast_snooping 0 nf_call_iptables 0 nf_call_ip6tables 0 nf_call_arptables 0`,
      `addr add ${addr.ipv4} dev ${bridge}`,
      `addr add ${addr.ipv6} dev ${bridge} nodad`,
      `link set ${bridge} up`,
    );
  }
  for (const guest of ['web1', 'app1', 'db1'] as const) {
    const port = `vg-${guest}`;
    cmds.push(
      `link add ${port} type veth peer name eth0 netns ${ns[guest]}`,
      `link set ${port} master ${GUESTS[guest].routerIf}`,
      `link set ${port} up`,
    );
  }
  cmds.push(
    `link add eth0 type veth peer name eth0 netns ${ns.outside1}`,
    `addr add ${ROUTER_INTERFACES.eth0.ipv4} dev eth0`,
    `addr add ${ROUTER_INTERFACES.eth0.ipv6} dev eth0 nodad`,
    `link set eth0 up`,
    `route add ${ADMIN_NET} via ${bare(GUESTS.outside1.ipv4)}`,
  );
  return cmds;
}

/** `ip -batch` lines for a guest: its eth0 (already moved in by the router's batch) and routes. */
function guestCommands(guest: GuestName): string[] {
  const g = GUESTS[guest];
  const gateway = ROUTER_INTERFACES[g.routerIf];
  const cmds = [`addr add ${g.ipv4} dev eth0`, `link set eth0 up`, `route add default via ${g.gateway4 ?? bare(gateway.ipv4)}`];
  if (g.ipv6) cmds.push(`addr add ${g.ipv6} dev eth0 nodad`, `route add ::/0 via ${bare(gateway.ipv6)}`);
  if (guest === 'outside1') cmds.push(`addr add ${ADMIN_GATEWAY} dev eth1`, `link set eth1 up`);
  return cmds;
}

/** Parses one chain of `iptables -L CHAIN -v -x -n --line-numbers`. */
export function parseListing(listing: string): ChainCounters {
  const result: ChainCounters = { rules: [] };
  for (const raw of listing.split('\n')) {
    const header = /^Chain \S+ \(policy (\S+) (\d+) packets, (\d+) bytes\)/.exec(raw);
    if (header) {
      result.policy = { target: header[1], pkts: Number(header[2]), bytes: Number(header[3]) };
      continue;
    }
    const row = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(raw);
    if (row) {
      result.rules.push({
        line: Number(row[1]),
        pkts: Number(row[2]),
        bytes: Number(row[3]),
        text: row[4].trim().replace(/\s+/g, ' '),
      });
    }
  }
  return result;
}
