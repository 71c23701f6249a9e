// The compile pipeline: parse -> load topology -> resolve names -> generate ->
// print. Each stage reports located diagnostics; compile stops after the first
// stage that found errors, so one mistake does not cascade into many.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ChainsmithError, SourceMap, describeIoError, type Diagnostic } from '../diagnostics.js';
import { parsePolicy } from '../policy/parse.js';
import { resolvePolicy, type ResolvedPolicy } from '../policy/resolve.js';
import { loadTopology } from '../topology/load.js';
import type { Topology } from '../topology/types.js';
import type { Ruleset } from '../ruleset/model.js';
import { printRuleset } from '../ruleset/print.js';
import { generate } from './generate.js';
import { suppressionBefore } from '../ruleset/suppress.js';

export interface CompileOptions {
  /** A loaded topology, or a path that overrides the policy's `topology "..."` line. */
  topology?: Topology | string;
  /** Source comments on each rule (default true). */
  comments?: boolean;
  /** Collects source texts for rendering diagnostics with a caret. */
  sources?: SourceMap;
}

export interface CompileResult {
  ipv4?: { ruleset: Ruleset; text: string };
  ipv6?: { ruleset: Ruleset; text: string };
  /** Warnings; errors are thrown as ChainsmithError. */
  diagnostics: Diagnostic[];
}

/** Compiles policy text; `file` names it in diagnostics and comments ("-" for stdin). */
export function compilePolicy(text: string, file: string, opts: CompileOptions = {}): CompileResult {
  opts.sources?.add(file, text);
  // Each stage runs in its own function so that what it consumed is garbage as
  // soon as it returns: the AST is not kept alive while generating, nor the
  // resolved policy while printing. For 100,000 rules each is over 100 MB.
  const { rulesets, diagnostics } = generateStage(resolveStage(text, file, opts), text, opts);
  const result: CompileResult = { diagnostics: diagnostics.filter((d) => d.severity !== 'error') };
  for (const rs of rulesets) result[rs.family] = { ruleset: rs, text: printRuleset(rs) };
  return result;
}

interface Resolved {
  policy: ResolvedPolicy;
  diagnostics: Diagnostic[];
}

/** parse -> load topology -> resolve names. */
function resolveStage(text: string, file: string, opts: CompileOptions): Resolved {
  const { ast, diagnostics: parseDiags } = parsePolicy(text, file);
  failOn(parseDiags);

  let topology: Topology | undefined;
  if (typeof opts.topology === 'object') topology = opts.topology;
  else {
    // Relative to the policy file, and shown the way the user would type it (no absolute paths in messages).
    const ref = opts.topology ?? (ast.topology ? (path.isAbsolute(ast.topology.path) ? ast.topology.path : path.join(file === '-' ? '.' : path.dirname(file), ast.topology.path)) : undefined);
    if (ref !== undefined) {
      let topoText: string;
      try {
        topoText = readFileSync(ref, 'utf8');
      } catch (e) {
        const where = ast.topology && opts.topology === undefined ? ast.topology.pos : { file, line: 1, column: 1 };
        throw new ChainsmithError([{ severity: 'error', loc: where, message: `cannot read topology '${ref}': ${describeIoError(e)}` }]);
      }
      opts.sources?.add(ref, topoText);
      topology = loadTopology(ref, topoText);
    }
  }

  const { policy, diagnostics: resolveDiags } = resolvePolicy(ast, topology);
  failOn(resolveDiags);
  return { policy, diagnostics: [...parseDiags, ...resolveDiags] };
}

/** resolved policy -> one ruleset model per address family. */
function generateStage(resolved: Resolved, text: string, opts: CompileOptions): { rulesets: Ruleset[]; diagnostics: Diagnostic[] } {
  const { rulesets, diagnostics: genDiags } = generate(resolved.policy, {
    comments: opts.comments !== false,
    suppressionsAt: suppressionsIn(text),
  });
  failOn(genDiags);
  return { rulesets, diagnostics: [...resolved.diagnostics, ...genDiags] };
}

/**
 * The suppressions before each line of a policy. Every suppression comment
 * names chainsmith (`# chainsmith: disable=...`), so a policy without that word
 * has none, and its lines need not be split and looked back through per rule.
 */
function suppressionsIn(text: string): ((line: number) => string[] | undefined) | undefined {
  if (!text.includes('chainsmith:')) return undefined;
  const lines = text.split(/\r?\n/);
  return (line) => suppressionBefore(lines, line);
}

function failOn(diags: Diagnostic[]): void {
  const errors = diags.filter((d) => d.severity === 'error');
  if (errors.length) throw new ChainsmithError(errors);
}
