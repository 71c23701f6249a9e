// Reading a topology file: JSON with positions, then the schema, then the
// semantic checks. Every problem found is reported in one ChainsmithError,
// sorted by position, so a user fixes them in one pass.
import { readFileSync } from 'node:fs';
import { ChainsmithError, error, type Diagnostic } from '../diagnostics.js';
import { parseJsonWithPositions } from './json-source.js';
import { resolveTopology } from './resolve.js';
import { schemaDiagnostics } from './schema.js';
import type { Topology } from './types.js';

/** Parses and checks topology JSON `text`; `file` names it in diagnostics. Throws ChainsmithError. */
export function parseTopology(text: string, file: string): Topology {
  const doc = parseJsonWithPositions(text, file);
  const schema = schemaDiagnostics(doc, file);
  const { topology, diagnostics } = resolveTopology(doc, file, schema.pointers);
  const all = [...doc.diagnostics, ...schema.diagnostics, ...diagnostics];
  if (all.length) throw new ChainsmithError(sortByPosition(all));
  return topology;
}

/** Reads `file` ("-" is stdin) unless `text` is given, then parses it as parseTopology does. */
export function loadTopology(file: string, text?: string): Topology {
  if (text === undefined) {
    try {
      text = readFileSync(file === '-' ? 0 : file, 'utf8');
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
      throw new ChainsmithError([error({ file, line: 1, column: 1 }, `cannot read topology file: ${reason}`)]);
    }
  }
  return parseTopology(text, file);
}

/** Zone names in the order the topology defines them. */
export function zoneNames(t: Topology): string[] {
  return [...t.zones.keys()];
}

/** The interfaces carrying zone `name` (empty for an unknown zone). */
export function zoneInterfaces(t: Topology, name: string): string[] {
  return [...(t.zones.get(name)?.interfaces ?? [])];
}

function sortByPosition(ds: Diagnostic[]): Diagnostic[] {
  // Array.prototype.sort is stable, so equal positions keep their discovery order.
  return [...ds].sort((a, b) => a.loc.line - b.loc.line || a.loc.column - b.loc.column);
}
