// Build step after tsc: bundles the command line (dist/src/cli/main.js, the
// library modules it imports and the packages they use) into one CommonJS file,
// dist/cli/main.cjs, which bin/chainsmith.js requires. The library (dist/src)
// is not bundled: its users import modules as before.
//
// Why one CommonJS file (measured with scripts/bench/interleave.mjs, builds
// side by side):
// - Node's ES module loader costs about half a millisecond per file, and more
//   per package: an earlier ES-module bundle split per command still loaded a
//   dozen chunks plus commander's and diff's files.
// - Run as one CommonJS script, the same code lints faster as a whole: the
//   100,000-rule dump 0.756 -> 0.720 s (medians of 40 runs), an empty lint
//   0.158 -> 0.130 s (30 runs). (Callgrind counts only 1 % fewer
//   instructions: most of the time saved is not instructions.)
// Commands still import what they need when they run (main.ts's `import()`s):
// esbuild turns each into a call that evaluates those modules on first use, so
// `lint` of a dump never runs the policy compiler's or Chevrotain's set-up.
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { PRECOMPILED_VALIDATOR_FILE } from '../dist/src/topology/schema.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const outdir = path.join(root, 'dist', 'cli');
const require = createRequire(import.meta.url);
/** What every file of dist/cli is built as. */
const commonJs = { bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'warning' };

// grammar/chevrotain.ts loads Chevrotain's single-file build with a top-level
// await (see there why), which a CommonJS bundle cannot hold. The build turns
// that file into a CommonJS file of its own, dist/cli/chevrotain.cjs (same
// code, same version), and the bundle's grammar modules require it: still one
// copy of Chevrotain for all of them, evaluated when a policy is first parsed.
// Kept out of main.cjs, its 250 KB are not compiled at every start of `lint`
// or `fmt` of a dump. With the validator bundled (below), an empty lint takes
// 731 M instead of 762 M instructions (callgrind, two runs each).
const chevrotainFile = path.join(path.dirname(require.resolve('chevrotain')), '..', 'chevrotain.mjs');
const CHEVROTAIN_CJS = 'chevrotain.cjs';
const chevrotainRequired = {
  name: 'chevrotain-required',
  setup(b) {
    b.onResolve({ filter: /^\.\/chevrotain\.js$/ }, (args) =>
      path.dirname(args.importer) === path.join(root, 'dist', 'grammar')
        ? { path: 'chevrotain-required', namespace: 'chevrotain-required' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'chevrotain-required' }, () => ({
      // require() of a path esbuild leaves alone: resolved next to main.cjs when the grammar is first used.
      contents: `const c = require(__dirname + ${JSON.stringify('/' + CHEVROTAIN_CJS)}); export const { createToken, CstParser, EOF, Lexer } = c;`,
      resolveDir: root,
      loader: 'js',
    }));
  },
};

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [path.join(root, 'dist', 'src', 'cli', 'main.js')],
  outfile: path.join(outdir, 'main.cjs'),
  ...commonJs,
  plugins: [chevrotainRequired],
  // Modules that find files next to themselves (the schema, the precompiled
  // validator, package.json) use import.meta.url; in the bundle that is the
  // bundle's own URL, so they look from dist/cli/ as they did from dist/src/.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "var __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  // Less source for V8 to read at every start (comments, whitespace): an empty
  // lint starts some 15 ms sooner (30 interleaved runs, 0.216 s -> 0.201 s).
  // Names are kept, so a stack trace still names its functions.
  minifyWhitespace: true,
  minifySyntax: true,
});
await build({
  entryPoints: [chevrotainFile],
  outfile: path.join(outdir, CHEVROTAIN_CJS),
  ...commonJs,
  minifyWhitespace: true,
  minifySyntax: true,
});
// The topology loader looks for the precompiled validator next to its own
// module, which is now dist/cli/main.cjs. The copy there is bundled with the
// two ajv runtime helpers it requires, so that loading it resolves nothing in
// node_modules: 5-6 ms -> about 3 ms to load (three runs each).
await build({
  entryPoints: [path.join(root, 'dist', 'src', 'topology', PRECOMPILED_VALIDATOR_FILE)],
  outfile: path.join(outdir, PRECOMPILED_VALIDATOR_FILE),
  ...commonJs,
});
