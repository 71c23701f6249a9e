#!/usr/bin/env node
// Thin bin: everything lives in the library; the CLI module only wires commander to it.
// dist/cli/main.cjs is that module bundled by `npm run build` (scripts/build-cli.mjs),
// which starts faster. This file is CommonJS (bin/package.json) so that Node
// loads it and the bundle without starting its ES module loader.
'use strict';
const { main } = require('../dist/cli/main.cjs');
main(process.argv).then((code) => { process.exitCode = code; });
