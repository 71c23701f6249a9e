// `chainsmith apply POLICY`: load a compiled policy the way `iptables-apply`
// does, so a mistake cannot lock the operator out for good.
//
//   1. lint: refuse a ruleset with error-level findings (unless forced)
//   2. iptables-restore --test each family's ruleset (nothing changes yet)
//   3. save the current rules (with counters) to memory and to a backup file
//   4. show the plan (current -> new)
//   5. load the new rules: one iptables-restore call per family, so each
//      family changes atomically; a failure rolls back every family
//   6. wait for the operator to type "yes"; no answer in time (e.g. because
//      the new rules cut their SSH session), any other answer, end of input or
//      a signal restores the saved rules
//
// Exit status: 0 the new rules stay (or there was nothing to change), 1 not
// confirmed and rolled back, 2 refused or failed (the old rules are in place).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILTIN_CHAINS, type Family, type Ruleset } from '../ruleset/model.js';
import { printRuleset } from '../ruleset/print.js';
import { renderDiagnostic, type SourceMap } from '../diagnostics.js';
import { lintRulesets, atOrAbove } from '../lint/index.js';
import { renderText } from '../diff/render.js';
import type { DiffSide } from '../diff/inputs.js';
import { HostError, type Host } from './host.js';
import { familiesOf, hostSide, nothingToApply, planAgainst } from './plan.js';

export const APPLY_KEPT = 0;
export const APPLY_ROLLED_BACK = 1;
export const APPLY_FAILED = 2;

/** What the operator answered: a line of text, or null for no answer in time / end of input. */
export type Confirm = (timeoutMs: number) => Promise<string | null>;

export interface ApplyOptions {
  host: Host;
  confirm: Confirm;
  /** Seconds to wait for "yes" before rolling back. */
  confirmTimeout: number;
  /** Apply even when lint finds errors. */
  force?: boolean;
  /** Where the backup of the current rules goes (default: a new directory under the system temp dir). */
  backupDir?: string;
  sources?: SourceMap;
  /** Progress and the plan (stdout). */
  out: (text: string) => void;
  /** Prompts, warnings and errors (stderr). */
  err: (text: string) => void;
}

export async function applySide(target: DiffSide, opts: ApplyOptions): Promise<number> {
  const { host, out, err } = opts;
  const families = familiesOf(target);
  const texts = new Map<Family, string>(families.map((f) => [f, printRuleset(target.rulesets[f]!)]));

  // 1. lint
  const rulesets = families.map((f) => target.rulesets[f]!);
  const errors = atOrAbove(lintRulesets(rulesets, { expectIpv6: families.includes('ipv6') }), 'error');
  for (const f of errors) err(renderDiagnostic(f, opts.sources) + '\n');
  if (errors.length && !opts.force) {
    err(`chainsmith: not applied: lint found ${errors.length} error${errors.length === 1 ? '' : 's'} (--force applies anyway)\n`);
    return APPLY_FAILED;
  }

  try {
    // 2. test
    for (const f of families) host.restore(f, texts.get(f)!, { test: true });

    // 3. save
    const current = hostSide(host, families, { counters: true });
    const backup = writeBackup(current.saved, opts.backupDir);
    err(`chainsmith: current rules saved in ${backup}\n`);

    // 4. plan
    const plan = planAgainst(current.side, target);
    out(renderText(plan));
    if (nothingToApply(plan)) {
      out('nothing to apply: the host already runs these rules\n');
      return APPLY_KEPT;
    }

    // 5. apply
    const rollback = rollbackTexts(current.saved, target);
    try {
      for (const f of families) host.restore(f, texts.get(f)!);
    } catch (e) {
      err(`chainsmith: loading the new rules failed: ${(e as Error).message}\n`);
      if (restoreSaved(host, rollback, err)) err('chainsmith: previous rules restored\n');
      return APPLY_FAILED;
    }

    // 6. confirm
    err(`chainsmith: new rules loaded. Type "yes" within ${opts.confirmTimeout} s to keep them; anything else restores the previous rules.\n`);
    const answer = await waitForAnswer(opts.confirm, opts.confirmTimeout * 1000);
    if (answer?.trim().toLowerCase() === 'yes') {
      out('applied: the new rules stay\n');
      return APPLY_KEPT;
    }
    err(`chainsmith: ${answer === null ? 'no confirmation in time' : `answer '${answer.trim()}' is not "yes"`}; restoring the previous rules\n`);
    if (!restoreSaved(host, rollback, err)) return APPLY_FAILED;
    err('chainsmith: previous rules restored\n');
    return APPLY_ROLLED_BACK;
  } catch (e) {
    if (!(e instanceof HostError)) throw e;
    err(`chainsmith: ${e.message}\n`);
    return APPLY_FAILED;
  }
}

/**
 * The confirmation, or null. A signal while waiting (the operator's terminal
 * went away, Ctrl-C) counts as no: the finally of the caller must still run,
 * so the signal is turned into an answer rather than left to kill the process.
 */
async function waitForAnswer(confirm: Confirm, timeoutMs: number): Promise<string | null> {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  let onSignal: (() => void) | undefined;
  const interrupted = new Promise<null>((resolve) => {
    onSignal = () => resolve(null);
    for (const s of signals) process.on(s, onSignal);
  });
  try {
    return await Promise.race([confirm(timeoutMs), interrupted]);
  } finally {
    for (const s of signals) process.off(s, onSignal!);
  }
}

/**
 * The saved dumps, plus an empty ACCEPT table for each table the new rules
 * create that the host did not have: restoring only the saved text would
 * leave such a table loaded. (iptables-restore cannot delete a table; an
 * empty one with ACCEPT policies filters nothing, like no table at all.)
 */
function rollbackTexts(saved: Partial<Record<Family, string>>, target: DiffSide): Map<Family, string> {
  const texts = new Map<Family, string>();
  for (const family of familiesOf(target)) {
    let text = saved[family] ?? '';
    for (const t of (target.rulesets[family] as Ruleset).tables) {
      if (new RegExp(`^\\*${t.name}$`, 'm').test(text)) continue;
      const chains = BUILTIN_CHAINS[t.name] ?? [];
      text += `*${t.name}\n${chains.map((c) => `:${c} ACCEPT [0:0]\n`).join('')}COMMIT\n`;
    }
    texts.set(family, text);
  }
  return texts;
}

/** Restores every family it can, even when one fails, and says loudly which did not come back; false if any failed. */
function restoreSaved(host: Host, texts: Map<Family, string>, err: (s: string) => void): boolean {
  let ok = true;
  for (const [family, text] of texts) {
    try {
      host.restore(family, text, { counters: true });
    } catch (e) {
      ok = false;
      err(`chainsmith: RESTORING THE PREVIOUS ${family} RULES FAILED: ${(e as Error).message}\n`);
    }
  }
  return ok;
}

function writeBackup(saved: Partial<Record<Family, string>>, dir?: string): string {
  const where = dir ?? mkdtempSync(path.join(os.tmpdir(), 'chainsmith-apply-'));
  for (const [family, text] of Object.entries(saved)) {
    writeFileSync(path.join(where, family === 'ipv6' ? 'rules.v6' : 'rules.v4'), text, { mode: 0o600 });
  }
  return where;
}
