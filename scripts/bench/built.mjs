// The built library (dist/src, after `npm run build`) for the scripts that
// time its stages directly: checks.mjs, stages.mjs, warm.mjs.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'src');

/** import() of a module of dist/src, e.g. loadBuilt('ruleset/parse.js'). */
export function loadBuilt(module) {
  return import(pathToFileURL(path.join(dist, module)).href);
}
