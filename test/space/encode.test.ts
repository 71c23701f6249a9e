import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PacketSpace, type Packet } from '../../src/space/packet-space.js';
import { firstMatch } from '../../src/space/first-match.js';
import { ruleFromText } from './rule-text.js';

const IFS = ['br0.10', 'br0.20', 'br0.30', 'br0.+', 'eth0', 'eth+'];
const sp = () => new PacketSpace('ipv4', { interfaces: IFS });
const pkt = (p: Partial<Packet>): Packet => ({ in: 'eth0', out: 'br0.10', src: '10.0.0.1', dst: '10.0.10.1', proto: 'tcp', sport: 40000, dport: 22, state: 'new', tcpFlags: 'SYN', ...p });

function set(s: PacketSpace, text: string) {
  return s.ruleMatch(ruleFromText(text)).set;
}

test('CIDR, negation and iprange', () => {
  const s = sp();
  assert.ok(s.implies(set(s, '-s 10.0.0.0/24'), set(s, '-s 10.0.0.0/8')));
  assert.not.ok(s.implies(set(s, '-s 10.0.0.0/8'), set(s, '-s 10.0.0.0/24')));
  assert.is(s.and(set(s, '-s 10.0.0.0/8'), set(s, '! -s 10.0.0.0/8')), s.none());
  assert.is(s.or(set(s, '-s 10.0.0.0/8'), set(s, '! -s 10.0.0.0/8')), s.all());
  assert.is(set(s, '-m iprange --src-range 10.0.0.0-10.0.0.255'), set(s, '-s 10.0.0.0/24'));
  assert.is(set(s, '-m iprange ! --dst-range 0.0.0.0-127.255.255.255'), set(s, '-d 128.0.0.0/1'));
  assert.is(set(s, '-s 10.0.0.0/255.0.0.0'), set(s, '-s 10.0.0.0/8'));
  assert.equal(s.describe(set(s, '-m iprange --src-range 10.0.0.3-10.0.0.77')), ['-m iprange --src-range 10.0.0.3-10.0.0.77']);
});

test('interface wildcards: br0.+ covers br0.10 and other br0.* names, not eth0', () => {
  const s = sp();
  assert.ok(s.implies(set(s, '-i br0.10'), set(s, '-i br0.+')));
  assert.not.ok(s.implies(set(s, '-i br0.+'), set(s, '-i br0.10')));
  assert.ok(s.implies(set(s, '-i eth0'), set(s, '! -i br0.+')));
  // br0.+ is exactly the three named VLANs plus "some other br0.* name".
  const named = s.or(s.or(set(s, '-i br0.10'), set(s, '-i br0.20')), set(s, '-i br0.30'));
  const rest = s.diff(set(s, '-i br0.+'), named);
  assert.not.ok(s.isEmpty(rest));
  const ex = s.example(rest)!;
  assert.ok(ex.in.startsWith('br0.') && !['br0.10', 'br0.20', 'br0.30'].includes(ex.in), ex.in);
  assert.is(s.contains(set(s, '-i br0.+'), pkt({ in: 'br0.77' })), 'yes');
  assert.is(s.contains(set(s, '-i br0.10'), pkt({ in: 'br0.77' })), 'no');
  assert.is(set(s, '-i +'), s.all());
  assert.equal(s.describe(rest), ['-i br0.+ ! -i br0.10 ! -i br0.20 ! -i br0.30']);
});

test('ports imply the protocol; negated ports keep it; multiport', () => {
  const s = sp();
  const notSsh = set(s, '-p tcp -m tcp ! --dport 22');
  assert.not.ok(s.intersects(notSsh, set(s, '-p udp')));
  assert.is(s.or(notSsh, set(s, '-p tcp -m tcp --dport 22')), set(s, '-p tcp -m tcp'));
  assert.ok(s.implies(set(s, '-p tcp -m tcp --dport 80'), set(s, '-p tcp -m multiport --dports 80,443')));
  assert.is(set(s, '-p tcp -m multiport --dports 20:25'), set(s, '-p tcp -m tcp --dport 20:25'));
  assert.is(s.contains(set(s, '-p tcp -m multiport --ports 22'), pkt({ sport: 22, dport: 80 })), 'yes');
  assert.equal(s.describe(set(s, '-p tcp -m multiport --dports 80,443,1000:2000')), ['-p tcp -m multiport --dports 80,443,1000:2000']);
});

test('conntrack state: state and ctstate agree, exactly one state per packet', () => {
  const s = sp();
  assert.is(set(s, '-m state --state NEW'), set(s, '-m conntrack --ctstate NEW'));
  assert.is(s.or(set(s, '-m conntrack --ctstate RELATED,ESTABLISHED'), set(s, '-m conntrack ! --ctstate RELATED,ESTABLISHED')), s.all());
  assert.is(s.and(set(s, '-m conntrack --ctstate NEW'), set(s, '-m conntrack --ctstate ESTABLISHED')), s.none());
  const five = ['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED'].map((x) => set(s, `-m conntrack --ctstate ${x}`)).reduce((a, b) => s.or(a, b));
  assert.is(five, s.all());
  const dnat = s.ruleMatch(ruleFromText('-m conntrack --ctstate DNAT'));
  assert.equal(dnat.approximated, ['-m conntrack --ctstate DNAT']);
});

test('icmp type/code, tcp flags, --syn, fragments', () => {
  const s = sp();
  assert.ok(s.implies(set(s, '-p icmp -m icmp --icmp-type 3/4'), set(s, '-p icmp -m icmp --icmp-type 3')));
  assert.is(set(s, '-p icmp -m icmp --icmp-type echo-request'), set(s, '-p icmp -m icmp --icmp-type 8'));
  assert.is(set(s, '-p tcp -m tcp --syn'), set(s, '-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN'));
  assert.is(s.contains(set(s, '-p tcp -m tcp --syn'), pkt({ tcpFlags: 'SYN,ACK' })), 'no');
  // -m tcp refuses non-first fragments, -p tcp alone does not.
  assert.is(s.contains(set(s, '-p tcp -m tcp'), pkt({ fragment: true, sport: undefined, dport: undefined, tcpFlags: undefined })), 'no');
  assert.is(s.contains(set(s, '-p tcp'), pkt({ fragment: true, sport: undefined, dport: undefined, tcpFlags: undefined })), 'yes');
  assert.equal(s.describe(set(s, '-p icmp -m icmp --icmp-type 3/4')), ['-p icmp -m icmp --icmp-type 3/4']);
});

test('unmodeled matches: stateful ones never cover each other, deterministic ones share a predicate', () => {
  const s = sp();
  const a = s.ruleMatch(ruleFromText('-p tcp -m limit --limit 1/sec'));
  const b = s.ruleMatch(ruleFromText('-p tcp -m limit --limit 1/sec'));
  assert.equal(a.approximated, ['-m limit --limit 1/sec']);
  assert.not.ok(s.implies(b.set, a.set));
  // A broad exact rule still covers a narrower rule with an unmodeled match...
  assert.ok(s.implies(b.set, set(s, '-p tcp')));
  // ...but a rule with an unmodeled match never covers an exact one.
  assert.not.ok(s.implies(set(s, '-p tcp -m tcp --dport 22'), a.set));
  const t1 = s.ruleMatch(ruleFromText('-m addrtype --dst-type LOCAL')).set;
  const t2 = s.ruleMatch(ruleFromText('-p tcp -m addrtype --dst-type LOCAL')).set;
  assert.ok(s.implies(t2, t1));
  assert.equal(s.ruleMatch(ruleFromText('-m comment --comment "x y"')).approximated, []);
  assert.is(set(s, '-m recent --set --name SSH'), s.all());
  assert.equal(s.ruleMatch(ruleFromText('-m recent --update --seconds 60 --name SSH')).approximated.length, 1);
  const ex = s.example(a.set)!;
  assert.equal(ex.assumptions, ['-m limit --limit 1/sec']);
});

test('example is readable and matches the design contract shape', () => {
  const s = sp();
  const ex = s.example(set(s, '-s 10.0.10.0/24 -d 10.0.30.0/24 -i br0.10 -o br0.30 -p tcp -m tcp --dport 22'));
  assert.equal(ex, { in: 'br0.10', out: 'br0.30', src: '10.0.10.1', dst: '10.0.30.1', proto: 'tcp', state: 'new', sport: 40000, dport: 22, tcpFlags: 'SYN' });
  assert.is(s.example(s.none()), null);
  assert.equal(s.describe(s.all()), ['']);
  assert.equal(s.describe(s.none()), []);
});

test('IPv6 addresses and icmpv6', () => {
  const s = new PacketSpace('ipv6');
  const r = s.ruleMatch(ruleFromText('-s 2001:db8::/32 -p ipv6-icmp -m icmp6 --icmpv6-type 128'));
  assert.equal(r.approximated, []);
  const ex = s.example(r.set)!;
  assert.is(ex.src, '2001:db8::1');
  assert.is(ex.icmpType, 128);
  assert.equal(s.describe(r.set), ['-s 2001:db8::/32 -p ipv6-icmp -m icmp6 --icmpv6-type 128']);
});

test('firstMatch: shadowed rules have empty reach and name the overlapping earlier rules', () => {
  const s = sp();
  const texts = ['-s 10.0.0.0/8 -p tcp', '-s 10.1.2.3/32 -p tcp -m tcp --dport 22', '-s 192.168.0.1/32 -p udp', '-p udp -m udp --dport 53', '-s 192.168.0.1/32 -p udp -m udp --dport 53'];
  const reach = firstMatch(s, texts.map((t) => set(s, t)));
  assert.equal(
    reach.map((r) => s.isEmpty(r.reach)),
    [false, true, false, false, true],
  );
  assert.equal(reach[1]!.overlaps, [0]);
  assert.equal(reach[4]!.overlaps, [2, 3]);
  // Same answer as the textbook remaining-set computation.
  let remaining = s.all();
  texts.forEach((t, i) => {
    assert.is(reach[i]!.reach, s.and(remaining, set(s, t)));
    remaining = s.diff(remaining, set(s, t));
  });
});

test.run();
