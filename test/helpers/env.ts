// Where the shared corpus lives, and whether kernel tests may run here.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (works from test/ under tsx and from dist/test/ after tsc). */
export const repoRoot = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
})();

/** `../shared` beside the clone, or null (a user's clone has none: those tests skip). */
export const sharedDir: string | null = (() => {
  const d = path.resolve(repoRoot, '..', 'shared');
  return existsSync(path.join(d, 'corpus')) ? d : null;
})();

export const corpusDir = sharedDir ? path.join(sharedDir, 'corpus') : null;

let warnedCorpus = false;
/** Logs once why corpus tests skip. */
export function corpusSkipReason(): string | null {
  if (corpusDir) return null;
  const msg = 'corpus tests skipped: ../shared/corpus is not beside this clone (CI has it)';
  if (!warnedCorpus) {
    console.log(msg);
    warnedCorpus = true;
  }
  if (process.env.CI === 'true') throw new Error('CI=true but ../shared/corpus is missing');
  return msg;
}

export const inCI = process.env.CI === 'true';
