#!/usr/bin/env node
// Thin bin: everything lives in the library; the CLI module only wires commander to it.
import { main } from '../dist/src/cli/main.js';
main(process.argv).then((code) => { process.exitCode = code; });
