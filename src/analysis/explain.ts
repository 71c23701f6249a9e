// explain: the verdict for one packet, the rule that decided it and the path
// through the chains that led there.
//
// The packet is walked through the ruleset like the kernel does (a stack of
// return points; -g replaces the current frame), but every "does this rule
// match?" is answered by the packet-space encoding of the rule, on one fixed
// bit assignment of the packet — so explain can never disagree with lint or
// diff about what a rule matches.
//
// What the packet does not pin down is chosen, and said:
// - fields not given (a source port, TCP flags, the ICMP code) take the
//   values PacketSpace examples use (sport 40000; SYN for a NEW tcp packet,
//   ACK otherwise; code 0);
// - unmodelled matches (`-m recent`, `-m limit`, marks) are assumed to
//   match, as in lint's example packets.
// Each rule whose outcome hinged on such a choice is listed in `approximate`.
import { ChainsmithError, type Location } from '../diagnostics.js';
import { findTable, type Chain, type Family, type Rule, type Ruleset } from '../ruleset/model.js';
import { formatRule } from '../ruleset/print.js';
import { FALSE, PacketSpace, parseProtocol, type BddNode, type Packet, type PacketState, type RuleMatch } from '../space/index.js';
import { parseAddress, PORT_PROTOCOLS, TCP, TCP_FLAGS, icmpProtocol, type FieldName } from '../space/fields.js';
import { parseIcmpType } from '../space/icmp.js';
import { matchOf } from './spaces.js';
import { walkChain } from './walk.js';
import { targetKind, type Verdict } from './targets.js';

export interface ExplainPacket {
  /** Input interface; absent or `self` for locally generated packets. */
  in?: string;
  /** Output interface; absent or `self` for packets to the host itself. */
  out?: string;
  src: string;
  dst: string;
  /** `tcp`, `udp`, `icmp`, `ipv6-icmp`, a number, ... */
  proto: string;
  sport?: number;
  dport?: number;
  /** A number, `type/code`, or a name such as `echo-request`. */
  icmpType?: number | string;
  icmpCode?: number;
  state: PacketState;
  /** `SYN`, `ACK,PSH`, ...; default SYN for a NEW tcp packet, ACK otherwise. */
  tcpFlags?: string;
}

export interface ExplainOptions {
  /** The chain to start in; default from the interfaces (see defaultChain). */
  chain?: string;
  /** Default `filter`. */
  table?: string;
}

export interface DecidingLine {
  file: string;
  line: number;
  /** The rule (`-A ...`) or the chain's policy line (`:INPUT DROP`). */
  text: string;
  /** For a ruleset compiled from a policy: the policy line the rule comes from. */
  origin?: { file: string; line: number };
}

export interface ExplainResult {
  verdict: Verdict;
  /** The chain the packet entered (a built-in chain). */
  chain: string;
  table: string;
  decidedBy: DecidingLine;
  /** Every rule the packet matched, in the order it met them (jumps, non-terminal rules, the deciding rule). */
  path: Array<{ chain: string; line: number }>;
  /** The assumptions the verdict depends on (see the file comment); absent when it depends on none. */
  approximate?: string[];
}

/** Where command-line input errors are reported. */
const COMMAND_LINE: Location = { file: '<command line>', line: 1, column: 1 };

function badInput(message: string): ChainsmithError {
  return new ChainsmithError([{ severity: 'error', message, loc: COMMAND_LINE }]);
}

const isSelf = (iface: string | undefined): boolean => iface === undefined || iface === '' || iface === 'self';

/**
 * The chain a packet traverses, from its interfaces: both given → FORWARD;
 * no output interface (or `self`) → INPUT; no input interface (or `self`) → OUTPUT.
 */
export function defaultChain(packet: Pick<ExplainPacket, 'in' | 'out'>): string {
  const fromSelf = isSelf(packet.in);
  const toSelf = isSelf(packet.out);
  if (fromSelf && toSelf) throw badInput('give --in or --out (or --chain): without interfaces the packet has no chain');
  if (toSelf) return 'INPUT';
  if (fromSelf) return 'OUTPUT';
  return 'FORWARD';
}

/** The address family of the packet, from its source address. */
export function packetFamily(packet: Pick<ExplainPacket, 'src'>): Family {
  return packet.src.includes(':') ? 'ipv6' : 'ipv4';
}

/** Checks the packet; fields it leaves open stay open (see openFields/assignment). */
export function checkedPacket(p: ExplainPacket, family: Family): Packet {
  for (const [opt, addr] of [['--src', p.src], ['--dst', p.dst]] as const)
    if (parseAddress(addr, family) === undefined) throw badInput(`${opt}: '${addr}' is not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address`);
  const proto = parseProtocol(p.proto);
  if (proto === undefined) throw badInput(`--proto: unknown protocol '${p.proto}'`);
  if (proto === null) throw badInput(`--proto: give one protocol, not '${p.proto}'`);
  const states: PacketState[] = ['new', 'established', 'related', 'invalid', 'untracked'];
  if (!states.includes(p.state)) throw badInput(`--state: '${p.state}' is not one of ${states.join(', ')}`);
  for (const iface of [p.in, p.out]) if (iface !== undefined && !/^[^\s/]{1,15}$/.test(iface)) throw badInput(`not an interface name: '${iface}'`);

  const packet: Packet = { in: isSelf(p.in) ? '' : p.in!, out: isSelf(p.out) ? '' : p.out!, src: p.src, dst: p.dst, proto: p.proto, state: p.state };
  const hasPorts = PORT_PROTOCOLS.includes(proto);
  const port = (opt: string, v: number | undefined): number | undefined => {
    if (v === undefined) return undefined;
    if (!hasPorts) throw badInput(`${opt}: protocol ${p.proto} has no ports`);
    if (!Number.isInteger(v) || v < 0 || v > 65535) throw badInput(`${opt}: '${v}' is not a port (0-65535)`);
    return v;
  };
  const sport = port('--sport', p.sport);
  const dport = port('--dport', p.dport);
  if (sport !== undefined) packet.sport = sport;
  if (dport !== undefined) packet.dport = dport;
  if (proto === icmpProtocol(family)) {
    if (p.icmpType !== undefined) {
      const t = parseIcmpType(String(p.icmpType), family);
      if (!t || t.type === null) throw badInput(`--icmp-type: unknown ICMP type '${p.icmpType}'`);
      packet.icmpType = t.type;
      packet.icmpCode = p.icmpCode ?? t.codeMin;
    } else if (p.icmpCode !== undefined) packet.icmpCode = p.icmpCode;
  } else if (p.icmpType !== undefined) throw badInput(`--icmp-type: protocol ${p.proto} is not ${family === 'ipv4' ? 'icmp' : 'ipv6-icmp'}`);
  if (proto === TCP && p.tcpFlags !== undefined) {
    const flags = p.tcpFlags;
    if (!flags.split(',').every((f) => f.toUpperCase() === 'NONE' || (TCP_FLAGS as readonly string[]).includes(f.toUpperCase())))
      throw badInput(`--tcp-flags: '${flags}' is not a list of ${TCP_FLAGS.join(',')}`);
    packet.tcpFlags = flags;
  }
  return packet;
}

/** Values for the fields a packet leaves open (as PacketSpace examples choose them; a NEW tcp packet is a SYN). */
function preferred(p: Packet): Partial<Record<FieldName, bigint>> {
  return { sport: 40000n, dport: 80n, icmpType: 8n, icmpCode: 0n, tcpFlags: p.state === 'new' ? SYN : ACK };
}
const SYN = 1n << BigInt(TCP_FLAGS.indexOf('SYN'));
const ACK = 1n << BigInt(TCP_FLAGS.indexOf('ACK'));

/** Fields that exist for the packet's protocol but were not given, with readable names. */
function openFields(p: Packet, family: Family): Array<[FieldName, string]> {
  const proto = parseProtocol(p.proto);
  const open: Array<[FieldName, string]> = [];
  if (proto !== null && proto !== undefined && PORT_PROTOCOLS.includes(proto)) {
    if (p.sport === undefined) open.push(['sport', 'source port']);
    if (p.dport === undefined) open.push(['dport', 'destination port']);
  }
  if (proto === icmpProtocol(family)) {
    if (p.icmpType === undefined) open.push(['icmpType', 'ICMP type']);
    if (p.icmpCode === undefined) open.push(['icmpCode', 'ICMP code']);
  }
  if (proto === TCP && p.tcpFlags === undefined) open.push(['tcpFlags', 'TCP flags']);
  return open;
}

/** One full assignment of the packet's variables: given fields as given, open ones preferred, unmodelled matches true. */
function assignment(sp: PacketSpace, set: BddNode, p: Packet): Uint8Array {
  const prefer = new Uint8Array(sp.bdd.variableCount);
  for (const [name, want] of Object.entries(preferred(p)) as [FieldName, bigint][]) {
    const { first, width } = sp.fields[name];
    for (let i = 0; i < width; i++) prefer[first + i] = Number((want >> BigInt(width - 1 - i)) & 1n);
  }
  for (let v = sp.firstOpaque; v < prefer.length; v++) prefer[v] = 1;
  return sp.bdd.pick(set, (v) => prefer[v] === 1)!;
}

/** The verdict for one packet. Throws ChainsmithError (located at the command line) for a bad packet or chain. */
export function explainPacket(ruleset: Ruleset, packet: ExplainPacket, opts: ExplainOptions = {}): ExplainResult {
  const family = packetFamily(packet);
  if (family !== ruleset.family) throw badInput(`--src ${packet.src} is ${family === 'ipv4' ? 'IPv4' : 'IPv6'} but ${ruleset.file} is an ${ruleset.family === 'ipv4' ? 'IPv4' : 'IPv6'} ruleset`);
  const concrete = checkedPacket(packet, family);
  const tableName = opts.table ?? 'filter';
  const chainName = opts.chain ?? defaultChain(packet);
  const table = findTable(ruleset, tableName);
  const start = table?.chains.find((c) => c.name === chainName);
  if (table && start && !start.builtin) throw badInput(`--chain: ${chainName} is a user chain; give the built-in chain the packet enters`);
  if (!table || !start) {
    if (opts.chain !== undefined && table) throw badInput(`--chain: table ${tableName} has no chain ${chainName}`);
    // The kernel does not filter a hook whose table or chain is not loaded.
    return {
      verdict: 'ACCEPT',
      chain: chainName,
      table: tableName,
      decidedBy: { file: ruleset.file, line: 0, text: `no ${table ? `${chainName} chain in` : ''} *${tableName} table: the packet passes`.replace('  ', ' ') },
      path: [],
    };
  }

  const sp = PacketSpace.forRulesets(family, [ruleset], [concrete.in, concrete.out].filter(Boolean));
  const given = sp.packetSet(concrete);
  if (given === FALSE) throw badInput('the packet is not well formed (no such packet exists)');
  // Encode every rule first: unmodelled matches allocate their variables now, so the assignment covers them.
  for (const c of table.chains) for (const r of c.rules) matchOf(sp, r);
  const bits = assignment(sp, given, concrete);
  const open = openFields(concrete, family);
  const fixedOpaque = opaqueCube(sp, bits);
  const approximate: string[] = [];

  const matches = (rule: Rule, chain: Chain): boolean => {
    const m = matchOf(sp, rule);
    const hit = sp.bdd.evaluate(m.set, bits);
    // Decided by the packet alone, or by a choice we made? (Only rules that can change the verdict are worth a note.)
    if (targetKind(rule, table).kind !== 'continue' && !sp.implies(given, m.set) && sp.intersects(given, m.set)) approximate.push(assumptionNote(sp, rule, chain, m, hit, given, bits, open, fixedOpaque));
    return hit;
  };
  const walk = walkChain(table, start, matches);
  const result: ExplainResult = {
    verdict: walk.end.verdict,
    chain: chainName,
    table: tableName,
    decidedBy: walk.end.by === 'policy' || !walk.end.rule ? policyLine(ruleset, walk.end.chain) : ruleLine(walk.end.chain, walk.end.rule),
    path: walk.path.map((s) => ({ chain: s.chain.name, line: s.rule.loc.line })),
  };
  if (walk.end.by === 'rule' && walk.end.missingChain) approximate.push(`${ruleText(walk.end.chain, walk.end.rule)}: chain ${walk.end.missingChain} does not exist; the verdict is unknown`);
  if (walk.end.by === 'cycle') approximate.push(`the chains jump into each other in a cycle (at ${walk.end.chain.name}); the verdict is unknown`);
  if (approximate.length) result.approximate = [...new Set(approximate)];
  return result;
}

/**
 * Why a rule's outcome for the packet was a choice: the unmodelled matches
 * (when fixing every open field still leaves the rule undecided), and each
 * open field that decides it (fixing the unmodelled matches and all the other
 * open fields still leaves the rule undecided).
 */
function assumptionNote(
  sp: PacketSpace,
  rule: Rule,
  chain: Chain,
  m: RuleMatch,
  hit: boolean,
  given: BddNode,
  bits: Uint8Array,
  open: Array<[FieldName, string]>,
  fixedOpaque: BddNode,
): string {
  const undecided = (g: BddNode): boolean => !sp.implies(g, m.set) && sp.intersects(g, m.set);
  const fixed = (field: FieldName): BddNode => sp.fieldEquals(field, fieldValue(sp, bits, field));
  const fixFields = (except?: FieldName): BddNode => {
    let g = given;
    for (const [f] of open) if (f !== except) g = sp.and(g, fixed(f));
    return g;
  };
  const parts: string[] = [];
  if (m.approximated.length && undecided(fixFields())) parts.push(`assumed ${m.approximated.map((u) => `'${u}'`).join(' and ')} ${m.approximated.length > 1 ? 'hold' : 'holds'}`);
  const deciding = open.filter(([field]) => undecided(sp.and(fixFields(field), fixedOpaque)));
  if (deciding.length) parts.push(`depends on the ${deciding.map(([, name]) => name).join(' and ')}, not given: assumed ${deciding.map(([f, name]) => `${name} ${fieldText(f, fieldValue(sp, bits, f))}`).join(', ')}`);
  if (!parts.length) parts.push('depends on fields not given');
  return `${ruleText(chain, rule)}: ${parts.join('; ')}; so the rule ${hit ? 'matches' : 'does not match'}`;
}

/** The unmodelled matches as the assignment chose them, as one cube. */
function opaqueCube(sp: PacketSpace, bits: Uint8Array): BddNode {
  const vars: number[] = [];
  for (let v = sp.firstOpaque; v < bits.length; v++) vars.push(v);
  return sp.bdd.cube(vars, vars.map((v) => bits[v]!));
}

function fieldValue(sp: PacketSpace, bits: Uint8Array, field: FieldName): bigint {
  const { first, width } = sp.fields[field];
  let x = 0n;
  for (let i = 0; i < width; i++) x = (x << 1n) | BigInt(bits[first + i]!);
  return x;
}

function fieldText(field: FieldName, v: bigint): string {
  if (field !== 'tcpFlags') return String(v);
  const names = TCP_FLAGS.filter((_, i) => (v >> BigInt(i)) & 1n);
  return names.length ? names.join(',') : 'NONE';
}

function ruleText(chain: Chain, rule: Rule): string {
  return rule.text ?? formatRule(chain.name, rule);
}

function ruleLine(chain: Chain, rule: Rule): DecidingLine {
  const d: DecidingLine = { file: rule.loc.file, line: rule.loc.line, text: ruleText(chain, rule) };
  if (rule.origin) d.origin = { file: rule.origin.file, line: rule.origin.line };
  return d;
}

function policyLine(rs: Ruleset, chain: Chain): DecidingLine {
  const loc = chain.policyLoc ?? chain.loc;
  return { file: loc.file ?? rs.file, line: loc.line, text: `:${chain.name} ${chain.policy ?? 'ACCEPT'}` };
}

