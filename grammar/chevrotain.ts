// Chevrotain, loaded from the single-file build the package ships.
//
// The package's entry point (lib/src/api.js) imports lodash-es function by
// function: about 600 modules, which took 0.4 s of CPU on every run before a
// policy was even read (a third of compiling a 10,000-rule policy). The same
// package lists lib/chevrotain.mjs in its "files": the same code, same version,
// bundled into one ES module, which loads in a quarter of that. Its "exports"
// map does not name the file, so it is found next to the resolved entry point.
//
// The CLI bundle (scripts/build-cli.mjs) cannot hold a top-level await: there
// this module is replaced by a require() of the same file converted to
// CommonJS, dist/cli/chevrotain.cjs.
//
// Every runtime use of Chevrotain in grammar/ must come from here, so that
// tokens, EOF and the parser base class are all one copy's (Chevrotain compares
// token types by identity). Types can still come from 'chevrotain' itself.
import type * as Chevrotain from 'chevrotain';

const bundleUrl = new URL('../chevrotain.mjs', import.meta.resolve('chevrotain'));
const chevrotain = (await import(bundleUrl.href)) as typeof Chevrotain;

export const { createToken, CstParser, EOF, Lexer } = chevrotain;
