// From the parsed topology document to the resolved Topology, with the checks
// a schema cannot express: derived VLAN interface names, one name per
// interface, bridge ports, and subnets that overlap between zones.
//
// It runs even when the schema found errors, so one run reports as much as it
// can; it skips whatever the schema already reported (the `reported` pointers
// and everything under them) and treats every value as untrusted.
import { error, type Diagnostic, type Location } from '../diagnostics.js';
import { cidrsOverlap, formatNetwork, hasHostBits, parseCidr, type Cidr } from './cidr.js';
import { displayPointer, joinPointer, locatePointer, type JsonDocument } from './json-source.js';
import { interfaceNameProblem, vlanIdProblem, vlanInterfaceName } from './names.js';
import type { InterfaceInfo, Topology, Zone } from './types.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isInteger = (v: unknown): v is number => Number.isInteger(v);
const isString = (v: unknown): v is string => typeof v === 'string';

/** One bridge, interface or VLAN entry of the document, before names are checked for clashes. */
interface Entry {
  info: InterfaceInfo;
  /** The JSON path that names the interface: the entry itself, or a VLAN's "ifname". */
  namePointer: string;
  raw: Json;
}

interface PlacedSubnet {
  cidr: Cidr;
  zone: string;
  pointer: string;
}

class Resolver {
  readonly diagnostics: Diagnostic[] = [];
  private readonly entries: Entry[] = [];

  constructor(
    private readonly doc: JsonDocument,
    private readonly file: string,
    private readonly reported: Set<string>,
  ) {}

  /** True when the schema already reported `pointer` or one of its ancestors. */
  private isReported(pointer: string): boolean {
    for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
      if (this.reported.has(p)) return true;
      if (p === '') return false;
    }
  }

  private loc(pointer: string, prefer: 'key' | 'value' = 'key'): Location {
    return locatePointer(this.doc, this.file, pointer, prefer);
  }

  private fail(pointer: string, message: string, related?: Array<{ pointer: string; message: string }>): void {
    if (this.isReported(pointer)) return;
    this.diagnostics.push(
      error(
        this.loc(pointer),
        `${displayPointer(pointer)}: ${message}`,
        related?.map((r) => ({ loc: this.loc(r.pointer), message: r.message })),
      ),
    );
  }

  /** A property's value when it has the expected type and the schema did not object to it. */
  private field<T>(entry: Json, pointer: string, key: string, guard: (v: unknown) => v is T): T | undefined {
    const v = entry[key];
    return guard(v) && !this.isReported(joinPointer(pointer, key)) ? v : undefined;
  }

  resolve(): Topology {
    const root = isObject(this.doc.value) ? this.doc.value : {};
    for (const section of ['bridges', 'interfaces'] as const) {
      const members = root[section];
      if (!isObject(members)) continue;
      for (const [name, raw] of Object.entries(members)) {
        const pointer = joinPointer(`/${section}`, name);
        if (!isObject(raw) || this.isReported(pointer)) continue;
        this.addEntry(name, section === 'bridges' ? 'bridge' : 'interface', pointer, raw);
      }
    }
    const interfaces = this.nameInterfaces();
    this.attachPorts(interfaces);
    const zones = this.collectZones();
    return { file: this.file, zones, interfaces };
  }

  private addEntry(name: string, kind: 'bridge' | 'interface', pointer: string, raw: Json): void {
    const info: InterfaceInfo = { name, kind, path: pointer, loc: this.loc(pointer) };
    const mtu = this.field(raw, pointer, 'mtu', isInteger);
    if (mtu !== undefined) {
      info.mtu = mtu;
      info.mtuExplicit = true;
    }
    if (kind === 'bridge') {
      const ports = Array.isArray(raw.ports) ? raw.ports : [];
      info.ports = ports.filter((p, i): p is string => isString(p) && !this.isReported(joinPointer(joinPointer(pointer, 'ports'), i)));
    }
    this.entries.push({ info, namePointer: pointer, raw });
    const vlans = raw.vlans;
    if (isObject(vlans)) this.addVlans(info, joinPointer(pointer, 'vlans'), vlans);
  }

  private addVlans(parent: InterfaceInfo, vlansPointer: string, vlans: Json): void {
    for (const [key, raw] of Object.entries(vlans)) {
      const pointer = joinPointer(vlansPointer, key);
      // A bad id or ifname is the schema's to report; without them there is no name to check.
      if (!isObject(raw) || this.isReported(pointer) || vlanIdProblem(key)) continue;
      const ifnamePointer = joinPointer(pointer, 'ifname');
      if (raw.ifname !== undefined && (typeof raw.ifname !== 'string' || this.isReported(ifnamePointer))) continue;
      const id = Number(key);
      const explicitName = raw.ifname as string | undefined;
      const name = vlanInterfaceName(parent.name, id, explicitName);
      const problem = explicitName === undefined ? interfaceNameProblem(name) : undefined;
      if (problem) this.fail(pointer, `interface name '${name}' ${problem} (give the VLAN an "ifname")`);

      const info: InterfaceInfo = { name, kind: 'vlan', parent: parent.name, vlan: id, path: pointer, loc: this.loc(pointer) };
      const mtu = this.field(raw, pointer, 'mtu', isInteger);
      if (mtu !== undefined) {
        info.mtu = mtu;
        info.mtuExplicit = true;
      } else if (parent.mtu !== undefined) {
        // The kernel gives a new VLAN device its real device's MTU.
        info.mtu = parent.mtu;
        info.mtuExplicit = false;
      }
      this.entries.push({ info, namePointer: explicitName === undefined ? pointer : ifnamePointer, raw });
    }
  }

  /** Every interface name is defined once: bridges, interfaces and VLANs share the kernel's name space. */
  private nameInterfaces(): Map<string, InterfaceInfo> {
    const byName = new Map<string, InterfaceInfo>();
    const definedAt = new Map<string, string>();
    for (const { info, namePointer } of this.entries) {
      const first = definedAt.get(info.name);
      if (first !== undefined) {
        this.fail(namePointer, `interface '${info.name}' is already defined at ${first}`, [
          { pointer: first, message: `'${info.name}' first defined here` },
        ]);
        continue;
      }
      definedAt.set(info.name, namePointer);
      byName.set(info.name, info);
    }
    return byName;
  }

  /**
   * Marks bridge ports, adding the ones the topology does not otherwise describe.
   * A port carries no zone: with the port enslaved, routed traffic enters and leaves by
   * the bridge, so `-i PORT` would never match it.
   */
  private attachPorts(interfaces: Map<string, InterfaceInfo>): void {
    const portOf = new Map<string, string>(); // port name -> pointer of its first listing
    for (const { info: bridge } of this.entries.filter((e) => e.info.kind === 'bridge')) {
      (bridge.ports ?? []).forEach((port, i) => {
        const pointer = joinPointer(joinPointer(bridge.path, 'ports'), i);
        const first = portOf.get(port);
        if (first !== undefined) {
          this.fail(pointer, `'${port}' is already a port at ${first}; an interface joins one bridge`, [
            { pointer: first, message: `'${port}' first listed here` },
          ]);
          return;
        }
        portOf.set(port, pointer);
        const existing = interfaces.get(port);
        if (existing === undefined) {
          interfaces.set(port, { name: port, kind: 'interface', path: pointer, bridge: bridge.name, loc: this.loc(pointer, 'value') });
        } else if (existing.kind === 'bridge') {
          this.fail(pointer, `bridge '${port}' cannot be a port of bridge '${bridge.name}' (the kernel refuses to nest bridges)`);
        } else if (existing.parent === bridge.name) {
          this.fail(pointer, `'${port}' is a VLAN of bridge '${bridge.name}' and cannot also be its port`);
        } else {
          existing.bridge = bridge.name;
          const raw = this.entries.find((e) => e.info === existing)?.raw;
          if (raw && typeof raw.zone === 'string') {
            this.fail(joinPointer(existing.path, 'zone'), `'${port}' is a port of bridge '${bridge.name}': routed traffic enters by '${bridge.name}', so a port cannot carry a zone`, [
              { pointer, message: `'${port}' enslaved to '${bridge.name}' here` },
            ]);
          }
        }
      });
    }
  }

  /** Zones in document order; a zone may span several interfaces. Also checks subnets. */
  private collectZones(): Map<string, Zone> {
    const zones = new Map<string, Zone>();
    const placed: PlacedSubnet[] = [];
    for (const { info, raw } of this.entries) {
      const zone = this.field(raw, info.path, 'zone', isString);
      if (zone === undefined) continue;
      info.zone = zone;
      let z = zones.get(zone);
      if (!z) {
        z = { name: zone, interfaces: [], subnets: [], path: info.path, loc: this.loc(info.path) };
        zones.set(zone, z);
      }
      if (!z.interfaces.includes(info.name)) z.interfaces.push(info.name);
      const subnets = this.checkSubnets(info, raw, zone);
      if (subnets.length) info.subnets = subnets.map((s) => s.cidr.text);
      for (const s of subnets) if (!z.subnets.includes(s.cidr.text)) z.subnets.push(s.cidr.text);
      placed.push(...subnets);
    }
    this.checkOverlaps(placed);
    return zones;
  }

  private checkSubnets(info: InterfaceInfo, raw: Json, zone: string): PlacedSubnet[] {
    const out: PlacedSubnet[] = [];
    const list = Array.isArray(raw.subnets) ? raw.subnets : [];
    list.forEach((text, i) => {
      const pointer = joinPointer(joinPointer(info.path, 'subnets'), i);
      if (typeof text !== 'string' || this.isReported(pointer)) return;
      const cidr = parseCidr(text);
      if (typeof cidr === 'string') {
        this.fail(pointer, cidr);
      } else if (hasHostBits(cidr)) {
        // iptables would silently mask them; a typo is likelier than intent.
        this.fail(pointer, `'${text}' has host bits set; did you mean '${formatNetwork(cidr)}'?`);
      } else {
        out.push({ cidr, zone, pointer });
      }
    });
    return out;
  }

  /** Subnets of different zones must be disjoint, or an address would belong to two zones. */
  private checkOverlaps(placed: PlacedSubnet[]): void {
    for (let j = 0; j < placed.length; j++) {
      for (let i = 0; i < j; i++) {
        const a = placed[i]!;
        const b = placed[j]!;
        if (a.zone === b.zone || !cidrsOverlap(a.cidr, b.cidr)) continue;
        this.fail(b.pointer, `${b.cidr.text} (zone '${b.zone}') overlaps ${a.cidr.text} (zone '${a.zone}') at ${a.pointer}`, [
          { pointer: a.pointer, message: `${a.cidr.text} of zone '${a.zone}'` },
        ]);
      }
    }
  }
}

/** Builds the Topology; `reported` holds the JSON paths the schema already reported. */
export function resolveTopology(doc: JsonDocument, file: string, reported: Set<string>): { topology: Topology; diagnostics: Diagnostic[] } {
  const resolver = new Resolver(doc, file, reported);
  const topology = resolver.resolve();
  return { topology, diagnostics: resolver.diagnostics };
}
