#!/usr/bin/env node
// Writes grammar/diagrams.html: railroad diagrams of the policy grammar, drawn
// by Chevrotain from the compiled parser (run through `npm run diagrams`, which
// builds dist/ first). The page loads Chevrotain's diagram script from a CDN.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSyntaxDiagramsCode } from 'chevrotain';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { PolicyParser } = await import(path.join(root, 'dist', 'grammar', 'parser.js'));

const grammar = new PolicyParser().getSerializedGastProductions();
const html = createSyntaxDiagramsCode(grammar);
const out = path.join(root, 'grammar', 'diagrams.html');
writeFileSync(out, html);
console.log(`wrote ${path.relative(root, out)} (${grammar.length} rules)`);
