// The built library (dist/src, after `npm run build`) for the scripts that
// time its stages directly (checks.mjs, stages.mjs, warm.mjs, phases.mjs) or
// compare two builds (compare-builds.mjs).
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** This checkout. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** import() of a module of dist/src, e.g. loadBuilt('ruleset/parse.js'); of another checkout's with `root`. */
export function loadBuilt(module, root = repoRoot) {
  return import(pathToFileURL(path.join(path.resolve(root), 'dist', 'src', module)).href);
}

/** What a lint of a dump needs from a build: the parser, the checks, the lint run and the analysis. */
export async function loadLintStages(root = repoRoot) {
  const [{ parseRuleset }, { CHECKS }, { lintRulesets }, { buildAnalysis }] = await Promise.all(
    ['ruleset/parse.js', 'lint/registry.js', 'lint/run.js', 'analysis/lint-analysis.js'].map((m) => loadBuilt(m, root)),
  );
  return { parseRuleset, CHECKS, lintRulesets, buildAnalysis };
}

/** One parse and one lint of every check, as `chainsmith lint` runs them, timed: { parse, lint } in ms, and the findings. */
export function lintRound({ parseRuleset, CHECKS, lintRulesets, buildAnalysis }, text, file) {
  let t = performance.now();
  const { ruleset } = parseRuleset(text, file);
  const parse = performance.now() - t;
  t = performance.now();
  const findings = lintRulesets([ruleset], { analysis: buildAnalysis }, CHECKS);
  return { parse, lint: performance.now() - t, findings };
}
