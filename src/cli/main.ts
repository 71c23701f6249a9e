// The command line: a thin layer that wires commander to the library API.
// Exit codes (ShellCheck style): 0 ok, 1 findings/differences, 2 input or usage error.
import { Command, CommanderError, Option } from 'commander';
import { ChainsmithError, SourceMap, renderDiagnostic } from '../diagnostics.js';
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
      const disable = [...resolveDisabled(o.disable)];
      let topology;
      if (o.topology) {
        const topoText = readInput(o.topology);
        sources.add(o.topology, topoText);
        topology = (await import('../topology/load.js')).loadTopology(o.topology, topoText);
      }
      const inputs = files.map((file) => ({ file, text: readInput(file) }));
      const { findings, inputDiagnostics } = await lintInputs(inputs, { disable, sources, ...(topology ? { topology } : {}) });
      for (const d of inputDiagnostics) process.stderr.write(renderDiagnostic(d, sources) + '\n');
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

  try {
    await program.parseAsync(argv);
  } catch (e) {
    status = handleError(e, sources);
  }
  return status;
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
