// Diff reports: JSON for scripts (DESIGN.md §1) and text for reviewers.
import type { Packet } from '../space/index.js';
import type { DiffResult } from './index.js';
import type { ChainSemantic } from './semantic.js';

export type DiffFormat = 'text' | 'json';

export function renderDiff(res: DiffResult, format: DiffFormat): string {
  return format === 'json' ? renderJson(res) : renderText(res);
}

/** The DESIGN.md shape, plus `family`/`moved`/`policy`/`status` per chain, `changed`/`omitted` per chain and `unmodelled`. */
export function renderJson(res: DiffResult): string {
  const { patches: _patches, ...rest } = res;
  return JSON.stringify(rest) + '\n';
}

export function renderText(res: DiffResult): string {
  const out: string[] = [`--- ${res.old}`, `+++ ${res.new}`];
  for (const nc of res.notCompared) {
    const side = nc.onlyIn === 'old' ? res.old : res.new;
    out.push(`note: only ${side} has an ${nc.family} ruleset; ${nc.family} not compared`);
  }

  // Structural: unified hunks per table, then what the hunks do not say plainly.
  for (const p of res.patches) {
    out.push('', `== ${p.family} ${p.table}${p.status ? ` (table ${p.status})` : ''} ==`);
    for (const h of p.hunks) {
      out.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
      out.push(...h.lines);
    }
    for (const c of res.structural.filter((x) => x.family === p.family && x.table === p.table)) {
      if (c.status) out.push(`chain ${c.chain} ${c.status}`);
      if (c.policy) out.push(`policy of ${c.chain}: ${c.policy.old} -> ${c.policy.new}`);
      for (const m of c.moved) out.push(`moved from rule ${m.from} to rule ${m.to} of ${c.chain}: ${m.rule}`);
    }
  }

  for (const s of res.semantic) out.push('', ...semanticText(s));
  if (res.unmodelled.length) {
    out.push('', 'changed rules whose effect is not a verdict (NAT, marks, ...): not proven equivalent');
    for (const u of res.unmodelled) out.push(`  ${u.change} (${u.family} ${u.table}): ${u.rule}`);
  }

  out.push('');
  if (res.equivalent) {
    const n = res.structural.length;
    out.push(n ? `equivalent: every packet gets the same verdict (${n} chain${n === 1 ? '' : 's'} changed in form only)` : 'equivalent');
  } else out.push('different');
  return out.join('\n') + '\n';
}

function semanticText(s: ChainSemantic): string[] {
  const out = [`semantic: ${s.family} ${s.table} ${s.chain}`];
  const list = (title: string, items: Array<{ label: string; match: string; example: Packet | null }>, more: number) => {
    if (!items.length) return;
    out.push(`  ${title}:`);
    for (const it of items) {
      out.push(`    ${it.label}${it.match === '' ? '(every packet)' : it.match}`);
      if (it.example) out.push(`        e.g. ${packetText(it.example)}`);
    }
    if (more) out.push(`    ... and ${more} more`);
  };
  list('newly accepted', s.newlyAccepted.map((p) => ({ label: '', ...p })), s.omitted.newlyAccepted);
  list('newly dropped', s.newlyDropped.map((p) => ({ label: p.verdict === 'REJECT' ? '[REJECT] ' : '', ...p })), s.omitted.newlyDropped);
  list('other verdict changes', s.changed.map((p) => ({ label: `[${p.from} -> ${p.to}] `, ...p })), s.omitted.changed);
  for (const a of s.approximate ?? []) out.push(`  note: ${a}`);
  return out;
}

/** `tcp br0.10 -> br0.30 10.0.10.1:40000 -> 10.0.30.1:22 state new flags SYN`. */
export function packetText(p: Packet): string {
  const port = (addr: string, n: number | undefined) => (n === undefined ? addr : p.src.includes(':') ? `[${addr}]:${n}` : `${addr}:${n}`);
  const parts = [p.proto, `${p.in || '*'} -> ${p.out || '*'}`, `${port(p.src, p.sport)} -> ${port(p.dst, p.dport)}`, `state ${p.state}`];
  if (p.icmpType !== undefined) parts.push(`icmp type ${p.icmpType} code ${p.icmpCode ?? 0}`);
  if (p.tcpFlags) parts.push(`flags ${p.tcpFlags}`);
  if (p.fragment) parts.push('fragment');
  if (p.assumptions?.length) parts.push(`assuming ${p.assumptions.join(' and ')}`);
  return parts.join(' ');
}
