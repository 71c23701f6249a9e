// Reads the netfilter extension test files (`rule;expected;OK|FAIL`) from the corpus.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

export interface ExtensionCase {
  file: string;
  family: 'ipv4' | 'ipv6';
  table: string;
  chain: string;
  rule: string;
  /** What iptables-save prints for the rule (`=` resolved to the rule itself). */
  expected: string;
}

/** Every OK line of the iptables/ip6tables extension tests (ebtables/arptables files are skipped). */
export function extensionCases(dir: string): ExtensionCase[] {
  const out: ExtensionCase[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.t') || f.startsWith('libebt') || f.startsWith('libarpt')) continue;
    const families: Array<'ipv4' | 'ipv6'> = f.startsWith('libip6t') ? ['ipv6'] : f.startsWith('libipt') ? ['ipv4'] : ['ipv4', 'ipv6'];
    let table = 'filter';
    let chain = 'INPUT';
    for (const line of readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      if (line.startsWith('*')) table = line.slice(1).trim();
      else if (line.startsWith(':')) chain = line.slice(1).trim().split(',')[0]!;
      else if (line.trim() && !line.startsWith('#')) {
        const [rule, expected, result] = line.split(';');
        if (result?.trim() !== 'OK' || rule === undefined || expected === undefined) continue;
        for (const family of families) out.push({ file: f, family, table, chain, rule, expected: expected === '=' ? rule : expected });
      }
    }
  }
  return out;
}
