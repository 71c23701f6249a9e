// A plain rule interpreter for tests: evaluates a model Rule against one
// concrete IPv4 packet directly (string and number comparisons, no BDDs), so
// the property tests can check the packet-space encoding against it. It is
// written separately from src/space on purpose: it shares no code with it.
// Unmodeled matches give 'unknown'.
import type { Match, Neg, Rule } from '../../src/ruleset/model.js';
import type { Packet } from '../../src/space/packet-space.js';

export type Verdict = true | false | 'unknown';

const PROTO: Record<string, number> = { icmp: 1, tcp: 6, udp: 17, gre: 47, sctp: 132, dccp: 33, udplite: 136 };
const FLAG_BITS: Record<string, number> = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32 };

function protoNumber(name: string): number {
  return /^\d+$/.test(name) ? Number(name) : PROTO[name]!;
}

function ip(text: string): number {
  return text.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

function inCidr(addr: string, cidr: string): boolean {
  const [net, len] = cidr.split('/');
  const bits = len === undefined ? 32 : Number(len);
  const size = 2 ** (32 - bits);
  return Math.floor(ip(addr) / size) === Math.floor(ip(net!) / size);
}

function ifaceMatches(name: string, pattern: string): boolean {
  if (pattern.endsWith('+')) return name.startsWith(pattern.slice(0, -1));
  return name === pattern;
}

function neg(n: Neg | undefined, test: (v: string) => boolean): boolean {
  if (!n) return true;
  return test(n.value) !== n.negated;
}

function inPortList(port: number, list: string): boolean {
  return list.split(',').some((item) => {
    const [a, b] = item.split(':');
    const lo = a === '' ? 0 : Number(a);
    const hi = b === undefined ? lo : b === '' ? 65535 : Number(b);
    return port >= lo && port <= hi;
  });
}

function flagsOf(text: string | undefined): number {
  if (!text || text === 'NONE') return 0;
  return text.split(',').reduce((m, f) => m | (f === 'ALL' ? 63 : FLAG_BITS[f]!), 0);
}

function evalMatch(m: Match, p: Packet): Verdict {
  const proto = protoNumber(p.proto);
  const frag = p.fragment === true;
  let unknown = false;
  const all = (checks: boolean[]): Verdict => (checks.every(Boolean) ? (unknown ? 'unknown' : true) : false);
  switch (m.module) {
    case 'comment':
      return true;
    case 'tcp':
    case 'udp':
    case 'sctp': {
      const checks = [proto === PROTO[m.module], !frag];
      for (const o of m.options) {
        let r: boolean;
        if (o.name === 'sport') r = p.sport !== undefined && inPortList(p.sport, o.args[0]!);
        else if (o.name === 'dport') r = p.dport !== undefined && inPortList(p.dport, o.args[0]!);
        else if (o.name === 'tcp-flags') r = (flagsOf(p.tcpFlags) & flagsOf(o.args[0])) === flagsOf(o.args[1]);
        else if (o.name === 'syn') r = (flagsOf(p.tcpFlags) & 0x17) === 0x02;
        else {
          unknown = true;
          continue;
        }
        checks.push(r !== o.negated);
      }
      return all(checks);
    }
    case 'multiport': {
      const checks = [[6, 17, 132, 33, 136].includes(proto), !frag];
      for (const o of m.options) {
        const sp = p.sport !== undefined && inPortList(p.sport, o.args[0]!);
        const dp = p.dport !== undefined && inPortList(p.dport, o.args[0]!);
        const r = o.name === 'sports' ? sp : o.name === 'dports' ? dp : sp || dp;
        checks.push(r !== o.negated);
      }
      return all(checks);
    }
    case 'icmp': {
      const checks = [proto === 1, !frag];
      for (const o of m.options) {
        const a = o.args[0]!;
        let r: boolean;
        if (a === 'any') r = true;
        else {
          const [t, c] = a.split('/');
          r = p.icmpType === Number(t) && (c === undefined || p.icmpCode === Number(c));
        }
        checks.push(r !== o.negated);
      }
      return all(checks);
    }
    case 'conntrack':
    case 'state': {
      const checks: boolean[] = [];
      for (const o of m.options) {
        if (o.name !== 'ctstate' && o.name !== 'state') {
          unknown = true;
          continue;
        }
        checks.push(o.args[0]!.split(',').includes(p.state.toUpperCase()) !== o.negated);
      }
      return all(checks);
    }
    case 'iprange': {
      const checks: boolean[] = [];
      for (const o of m.options) {
        const [lo, hi] = o.args[0]!.split('-');
        const a = ip(o.name === 'src-range' ? p.src : p.dst);
        checks.push((a >= ip(lo!) && a <= ip(hi ?? lo!)) !== o.negated);
      }
      return all(checks);
    }
    default:
      return 'unknown';
  }
}

/** Whether the rule's matches accept the packet. */
export function interpret(rule: Rule, p: Packet): Verdict {
  const checks: boolean[] = [
    neg(rule.inIface, (v) => ifaceMatches(p.in, v)),
    neg(rule.outIface, (v) => ifaceMatches(p.out, v)),
    neg(rule.proto, (v) => v === 'all' || protoNumber(v) === protoNumber(p.proto)),
    neg(rule.src, (v) => inCidr(p.src, v)),
    neg(rule.dst, (v) => inCidr(p.dst, v)),
    !rule.fragment || (p.fragment === true) !== rule.fragment.negated,
  ];
  if (!checks.every(Boolean)) return false;
  let result: Verdict = true;
  for (const m of rule.matches) {
    const r = evalMatch(m, p);
    if (r === false) return false;
    if (r === 'unknown') result = 'unknown';
  }
  return result;
}
