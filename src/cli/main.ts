// The command line: a thin layer that wires commander to the library API.
// Exit codes (ShellCheck style): 0 ok, 1 findings/differences, 2 input or usage error.
import { setFlagsFromString } from 'node:v8';
import { Command, CommanderError, Option } from 'commander';
import { ChainsmithError, SourceMap, renderDiagnostic, type Diagnostic } from '../diagnostics.js';
import { describeIoError, readInput, writeOutput } from './io.js';
import type { FailOn } from '../lint/run.js';
import type { ReportFormat } from '../report/index.js';

// Each command imports what it needs when it runs: the policy parser (Chevrotain)
// and the schema validator (ajv) cost a noticeable part of a second to load, and
// `lint` or `fmt` of a dump needs neither.
const REPORT_FORMATS = ['text', 'json', 'sarif', 'gcc'] as const;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

/** Runs the CLI and returns the exit status; never throws for bad input. */
export async function main(argv: string[]): Promise<number> {
  const sources = new SourceMap();
  let status = EXIT_OK;
  const program = new Command('chainsmith')
    .description('Compile firewall policies to iptables-restore rulesets, lint rulesets, diff them before they are applied.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(s) })
    .showHelpAfterError('(run chainsmith --help for usage)');

  program
    .command('compile')
    .argument('<policy>', 'policy file, or - for stdin')
    .description('compile a policy to an iptables-restore ruleset (IPv4 on stdout unless -o)')
    .option('-o, --output <file>', 'write the IPv4 ruleset here')
    .option('--ipv6-out <file>', 'write the IPv6 ruleset here')
    .option('--topology <file>', 'topology file (overrides the policy\'s topology line)')
    .option('--no-comments', 'leave out the source comments on each rule')
    .action(async (policy: string, o: { output?: string; ipv6Out?: string; topology?: string; comments: boolean }) => {
      growYoungGenerationAtOnce();
      const { compilePolicy } = await import('../compile/compile.js');
      const text = readInput(policy);
      const res = compilePolicy(text, policy, { ...(o.topology ? { topology: o.topology } : {}), comments: o.comments, sources });
      for (const d of res.diagnostics) process.stderr.write(renderDiagnostic(d, sources) + '\n');
      // Render everything first so that an error leaves no output file at all.
      const v4 = res.ipv4?.text;
      const v6 = res.ipv6?.text;
      if (v4 !== undefined) writeOutput(o.output ?? '-', v4);
      else if (o.output) process.stderr.write(`chainsmith: the policy has no IPv4 rules; ${o.output} not written\n`);
      if (o.ipv6Out) {
        if (v6 !== undefined) writeOutput(o.ipv6Out, v6);
        else process.stderr.write(`chainsmith: the policy has no IPv6 rules; ${o.ipv6Out} not written\n`);
      } else if (v6 !== undefined) {
        process.stderr.write('chainsmith: the policy also compiles to IPv6; write it with --ipv6-out FILE\n');
      }
    });

  program
    .command('lint')
    .argument('<files...>', 'policies (*.policy) and iptables-save dumps; - for stdin')
    .description('lint policies and rulesets')
    .addOption(new Option('--format <format>', 'report format').choices([...REPORT_FORMATS]).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(['error', 'warning', 'info', 'never']).default('warning'))
    .option('--disable <codes>', 'checks to turn off, by code or name (comma separated)', collect, [] as string[])
    .option('--topology <file>', 'topology file, for interface and MTU checks')
    .action(async (files: string[], o: { format: ReportFormat; failOn: FailOn; disable: string[]; topology?: string }) => {
      const { exitCodeFor, resolveDisabled } = await import('../lint/run.js');
      const { lintInputs } = await import('../lint/inputs.js');
      const { formatFindings } = await import('../report/index.js');
      const { buildAnalysis } = await import('../analysis/lint-analysis.js');
      const disable = [...resolveDisabled(o.disable)];
      let topology;
      if (o.topology) {
        const topoText = readInput(o.topology);
        sources.add(o.topology, topoText);
        topology = (await import('../topology/load.js')).loadTopology(o.topology, topoText);
      }
      const inputs = files.map((file) => ({ file, text: readInput(file) }));
      const { findings, inputDiagnostics } = await lintInputs(inputs, { disable, sources, analysis: buildAnalysis, ...(topology ? { topology } : {}) });
      writeInputDiagnostics(inputDiagnostics, sources);
      process.stdout.write(formatFindings(o.format, findings, { sources, baseDir: process.cwd(), toolVersion: VERSION }));
      const inputErrors = inputDiagnostics.filter((d) => d.severity === 'error').length;
      status = inputErrors ? EXIT_ERROR : exitCodeFor(findings, o.failOn);
    });

  program
    .command('fmt')
    .argument('<file>', 'iptables-save dump or iptables-restore file; - for stdin')
    .description('print the canonical form: what iptables-save prints after loading the file')
    .action(async (file: string) => {
      const { formatCanonical } = await import('../ruleset/print.js');
      const text = readInput(file);
      sources.add(file, text);
      const res = formatCanonical(text, file);
      for (const d of res.diagnostics) process.stderr.write(renderDiagnostic(d, sources) + '\n');
      // A broken file gets no output at all: half a canonical form would mislead.
      if (res.diagnostics.some((d) => d.severity === 'error')) {
        status = EXIT_ERROR;
        return;
      }
      process.stdout.write(res.text);
    });

  program
    .command('explain')
    .argument('<ruleset>', 'iptables-save dump or policy (*.policy); - for stdin')
    .description('the verdict for one packet and the rules that decided it')
    .option('--in <iface>', 'input interface (omit or "self" for packets the host sends)')
    .option('--out <iface>', 'output interface (omit or "self" for packets to the host)')
    .requiredOption('--src <ip>', 'source address')
    .requiredOption('--dst <ip>', 'destination address')
    .requiredOption('--proto <proto>', 'protocol: tcp, udp, icmp, ipv6-icmp, a number, ...')
    .option('--dport <port>', 'destination port')
    .option('--sport <port>', 'source port')
    .option('--icmp-type <type>', 'ICMP type: a number, TYPE/CODE or a name (echo-request)')
    .addOption(new Option('--state <state>', 'conntrack state').choices(['new', 'established', 'related', 'invalid', 'untracked']).default('new'))
    .option('--chain <chain>', 'built-in chain to start in (default: FORWARD with --in and --out, INPUT with --in only, OUTPUT with --out only)')
    .option('--table <table>', 'table', 'filter')
    .option('--topology <file>', 'topology file, for policies (overrides the policy\'s topology line)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (file: string, o: ExplainCliOptions) => {
      const { explainPacket, packetFamily } = await import('../analysis/explain.js');
      const { loadExplainRuleset } = await import('../analysis/explain-input.js');
      const packet = {
        ...(o.in !== undefined ? { in: o.in } : {}),
        ...(o.out !== undefined ? { out: o.out } : {}),
        src: o.src,
        dst: o.dst,
        proto: o.proto,
        ...(o.sport !== undefined ? { sport: cliPort('--sport', o.sport) } : {}),
        ...(o.dport !== undefined ? { dport: cliPort('--dport', o.dport) } : {}),
        ...(o.icmpType !== undefined ? { icmpType: o.icmpType } : {}),
        state: o.state,
      };
      const rs = await loadExplainRuleset(file, readInput(file), packetFamily(packet), { sources, ...(o.topology ? { topology: o.topology } : {}) });
      const result = explainPacket(rs, packet, { table: o.table, ...(o.chain !== undefined ? { chain: o.chain } : {}) });
      if (o.format === 'json') process.stdout.write(JSON.stringify(result) + '\n');
      else process.stdout.write((await import('../analysis/explain-text.js')).formatExplainText(result, rs));
    });

  // ---- diff / plan / apply (src/diff, src/apply) ----
  program
    .command('diff')
    .argument('<old>', 'policy (*.policy) or iptables-save dump; - for stdin')
    .argument('<new>', 'policy (*.policy) or iptables-save dump; - for stdin')
    .description('structural and semantic diff: packets newly accepted / newly dropped (exit 0 equivalent, 1 different)')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .option('--topology <file>', "topology file for policies (overrides their topology line)")
    .action(async (oldFile: string, newFile: string, o: { format: 'text' | 'json'; topology?: string }) => {
      if (oldFile === '-' && newFile === '-') {
        process.stderr.write(`chainsmith: OLD and NEW cannot both be stdin\n`);
        status = EXIT_ERROR;
        return;
      }
      const { loadSide } = await import('../diff/inputs.js');
      const { diffSides } = await import('../diff/index.js');
      const { renderDiff } = await import('../diff/render.js');
      const { isPolicyFile } = await import('../lint/inputs.js');
      const comments = !(isPolicyFile(oldFile) && isPolicyFile(newFile));
      const load = { sources, comments, ...(o.topology ? { topology: o.topology } : {}) };
      const oldSide = await loadSide(oldFile, readInput(oldFile), load);
      const newSide = await loadSide(newFile, readInput(newFile), load);
      const res = diffSides(oldSide, newSide);
      if (!res.families.length) {
        process.stderr.write(`chainsmith: ${oldFile} and ${newFile} have no address family in common: nothing to compare\n`);
        status = EXIT_ERROR;
        return;
      }
      process.stdout.write(renderDiff(res, o.format));
      status = res.equivalent ? EXIT_OK : EXIT_FINDINGS;
    });

  program
    .command('plan')
    .argument('<policy>', 'policy (*.policy) or iptables-restore file; - for stdin')
    .description("diff from this host's live iptables-save to the compiled policy (read-only)")
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .option('--topology <file>', "topology file (overrides the policy's topology line)")
    .action(async (policy: string, o: { format: 'text' | 'json'; topology?: string }) => {
      const { loadSide } = await import('../diff/inputs.js');
      const { renderDiff } = await import('../diff/render.js');
      const { systemHost, HostError } = await import('../apply/host.js');
      const { familiesOf, hostSide, planAgainst } = await import('../apply/plan.js');
      const target = await loadSide(policy, readInput(policy), { sources, ...(o.topology ? { topology: o.topology } : {}) });
      try {
        const current = hostSide(systemHost(), familiesOf(target));
        const res = planAgainst(current.side, target);
        process.stdout.write(renderDiff(res, o.format));
        status = res.equivalent ? EXIT_OK : EXIT_FINDINGS;
      } catch (e) {
        if (!(e instanceof HostError)) throw e;
        process.stderr.write(`chainsmith: ${e.message}\n`);
        status = EXIT_ERROR;
      }
    });

  program
    .command('apply')
    .argument('<policy>', 'policy (*.policy) or iptables-restore file')
    .description('test, show the plan, load atomically, and roll back unless confirmed with "yes" in time (exit 0 kept, 1 rolled back, 2 refused/failed)')
    .option('--confirm-timeout <seconds>', 'seconds to wait for "yes" on stdin before restoring the previous rules', '30')
    .option('--force', 'apply even when lint finds errors')
    .option('--backup-dir <dir>', 'where to save the current rules (default: a new directory under the temp dir)')
    .option('--topology <file>', "topology file (overrides the policy's topology line)")
    .action(async (policy: string, o: { confirmTimeout: string; force?: boolean; backupDir?: string; topology?: string }) => {
      // stdin carries the confirmation, so the policy cannot come from there.
      if (policy === '-') {
        process.stderr.write(`chainsmith: apply reads its confirmation from stdin; give the policy as a file\n`);
        status = EXIT_ERROR;
        return;
      }
      const timeout = Number(o.confirmTimeout);
      if (!Number.isFinite(timeout) || timeout <= 0) {
        process.stderr.write(`chainsmith: --confirm-timeout must be a positive number of seconds, not '${o.confirmTimeout}'\n`);
        status = EXIT_ERROR;
        return;
      }
      const { loadSide } = await import('../diff/inputs.js');
      const { applySide } = await import('../apply/apply.js');
      const { systemHost } = await import('../apply/host.js');
      const { lineFrom } = await import('../apply/confirm.js');
      const target = await loadSide(policy, readInput(policy), { sources, ...(o.topology ? { topology: o.topology } : {}) });
      status = await applySide(target, {
        host: systemHost(),
        confirm: lineFrom(process.stdin),
        confirmTimeout: timeout,
        force: o.force === true,
        ...(o.backupDir ? { backupDir: o.backupDir } : {}),
        sources,
        out: (s) => process.stdout.write(s),
        err: (s) => process.stderr.write(s),
      });
    });
  // ---- end diff / plan / apply ----

  try {
    await program.parseAsync(argv);
  } catch (e) {
    status = handleError(e, sources);
  }
  return status;
}

/**
 * Input problems on stderr. Errors are all shown; a warning repeated on many
 * lines (an old dump writes `-d ! ADDR` two hundred times) is shown three times
 * per file, then counted.
 */
function writeInputDiagnostics(diags: readonly Diagnostic[], sources: SourceMap): void {
  const shown = new Map<string, number>();
  const hidden = new Map<string, { file: string; message: string; count: number }>();
  for (const d of diags) {
    const key = `${d.loc.file}\0${d.message}`;
    const n = shown.get(key) ?? 0;
    if (d.severity !== 'error' && n >= 3) {
      const h = hidden.get(key) ?? { file: d.loc.file, message: d.message, count: 0 };
      h.count++;
      hidden.set(key, h);
      continue;
    }
    shown.set(key, n + 1);
    process.stderr.write(renderDiagnostic(d, sources) + '\n');
  }
  for (const h of hidden.values()) process.stderr.write(`${h.file}: ... and ${h.count} more like this: ${h.message}\n`);
}

/**
 * A compile keeps every rule's AST, resolved form and ruleset model alive until
 * the next stage is done with it. V8 starts with a small young generation and
 * doubles it a step at a time, and until it has reached its maximum size it
 * neither pretenures such long-lived objects nor lets short-lived ones die
 * before they are copied. Growing it to V8's usual maximum (which stays as it
 * is) in one step saves a 10,000-rule policy a fifth of the collector's copying,
 * half of what it copied while parsing. V8 reads the flag at each growth, so
 * setting it here, before any work, takes effect.
 */
function growYoungGenerationAtOnce(): void {
  setFlagsFromString('--semi-space-growth-factor=16');
}

/** Maps any failure to an exit status and a message without a stack trace. */
function handleError(e: unknown, sources: SourceMap): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT_OK;
    return EXIT_ERROR;
  }
  if (e instanceof ChainsmithError) {
    for (const d of e.diagnostics) process.stderr.write(renderDiagnostic(d, sources) + '\n');
    const n = e.diagnostics.filter((d) => d.severity === 'error').length;
    process.stderr.write(`chainsmith: ${n} error${n === 1 ? '' : 's'}\n`);
    return EXIT_ERROR;
  }
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string' && typeof err.path === 'string') {
    process.stderr.write(`chainsmith: ${err.path}: ${describeIoError(err)}\n`);
    return EXIT_ERROR;
  }
  // An internal error: say so plainly; the stack is only shown on request.
  process.stderr.write(`chainsmith: internal error: ${err?.message ?? String(e)}\n`);
  if (process.env.CHAINSMITH_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
  return EXIT_ERROR;
}

const VERSION = '0.1.0';

interface ExplainCliOptions {
  in?: string;
  out?: string;
  src: string;
  dst: string;
  proto: string;
  dport?: string;
  sport?: string;
  icmpType?: string;
  state: 'new' | 'established' | 'related' | 'invalid' | 'untracked';
  chain?: string;
  table: string;
  topology?: string;
  format: 'text' | 'json';
}

/** A port option's value, or a located usage error. */
function cliPort(option: string, text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535)
    throw new ChainsmithError([{ severity: 'error', message: `${option}: '${text}' is not a port (0-65535)`, loc: { file: '<command line>', line: 1, column: 1 } }]);
  return Number(text);
}
