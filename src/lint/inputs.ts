// What `chainsmith lint FILE...` lints: a policy (`*.policy`) is compiled and its
// findings are reported at the policy's own lines; anything else is an
// iptables-save dump. Dumps of one host's two families (`host.rules` and
// `host.rules6`, `rules.v4` and `rules.v6`) are linted together, so CS209 sees both.
import type { Diagnostic, SourceMap } from '../diagnostics.js';
import { ChainsmithError } from '../diagnostics.js';
import { parseRuleset } from '../ruleset/parse.js';
import type { Ruleset } from '../ruleset/model.js';
import type { Topology } from '../topology/types.js';
import { lintRulesets } from './run.js';
import type { Finding, LintOptions } from './types.js';

export interface LintInput {
  /** As given on the command line ("-" for stdin). */
  file: string;
  text: string;
}

export interface LintInputsResult {
  findings: Finding[];
  /**
   * Problems reading the inputs: errors (exit status 2; what could be read is still
   * linted) and parser warnings such as the old `-s ! ADDR` negation.
   */
  inputDiagnostics: Diagnostic[];
}

export function isPolicyFile(file: string): boolean {
  return file.endsWith('.policy');
}

/** `a/host.rules6` and `a/host.rules` are one host; so are `rules.v4` and `rules.v6`. */
export function hostKey(file: string): string {
  if (file === '-') return '-';
  return file.replace(/\.rules6?$/, '.rules').replace(/\.v[46]$/, '.v');
}

export async function lintInputs(inputs: readonly LintInput[], opts: Omit<LintOptions, 'topology'> & { topology?: Topology; sources?: SourceMap } = {}): Promise<LintInputsResult> {
  const findings: Finding[] = [];
  const inputDiagnostics: Diagnostic[] = [];
  const hosts = new Map<string, Ruleset[]>();

  for (const input of inputs) {
    opts.sources?.add(input.file, input.text);
    if (isPolicyFile(input.file)) {
      try {
        // Loaded only when a policy is linted: the policy parser is the slowest module to load.
        const { compilePolicy } = await import('../compile/compile.js');
        const compiled = compilePolicy(input.text, input.file, { ...(opts.topology ? { topology: opts.topology } : {}), ...(opts.sources ? { sources: opts.sources } : {}) });
        const rulesets = [compiled.ipv4?.ruleset, compiled.ipv6?.ruleset].filter((r): r is Ruleset => r !== undefined);
        // A compiled policy knows both families exist on the host, so a missing IPv6 half is a finding.
        findings.push(...lintRulesets(rulesets, { ...opts, expectIpv6: true }));
      } catch (e) {
        if (!(e instanceof ChainsmithError)) throw e;
        inputDiagnostics.push(...e.diagnostics);
      }
      continue;
    }
    const { ruleset, diagnostics } = parseRuleset(input.text, input.file);
    inputDiagnostics.push(...diagnostics);
    const key = hostKey(input.file);
    hosts.set(key, [...(hosts.get(key) ?? []), ruleset]);
  }
  for (const rulesets of hosts.values()) findings.push(...lintRulesets(rulesets, { ...opts, expectIpv6: rulesets.some((r) => r.family === 'ipv6') }));
  return { findings, inputDiagnostics };
}
