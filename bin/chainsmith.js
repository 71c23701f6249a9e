#!/usr/bin/env node
// Thin bin: everything lives in the library; the CLI module only wires commander to it.
// dist/cli is that module bundled by `npm run build` (scripts/build-cli.mjs), which starts faster.
import { main } from '../dist/cli/main.js';
main(process.argv).then((code) => { process.exitCode = code; });
