// Facts about the tool that reports print (SARIF driver, --version).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TOOL_NAME = 'chainsmith';

/**
 * The project's home page: package.json's `homepage`, when it has one. We do not
 * invent an address; without it SARIF carries the help text but no links.
 */
export function projectUri(): string | undefined {
  readPackage();
  return cachedHomepage;
}

/** Absolute URL of a check's documentation page, when the project has a home page. */
export function helpUri(code: string): string | undefined {
  const home = projectUri();
  return home ? `${home.replace(/\/$/, '')}/blob/main/docs/checks/${code}.md` : undefined;
}

/** Where a check's page is, for text: the URL, or the path in the repository. */
export function helpLocation(code: string): string {
  return helpUri(code) ?? `docs/checks/${code}.md in the chainsmith repository`;
}

let cachedVersion: string | undefined;
let cachedHomepage: string | undefined;

/** Reads chainsmith's package.json once (found upward from this file: works from src/ under tsx and from dist/src/). */
function readPackage(): void {
  if (cachedVersion) return;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      const parsed = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string; version?: string; homepage?: string };
      if (parsed.name === TOOL_NAME && parsed.version) {
        cachedVersion = parsed.version;
        if (typeof parsed.homepage === 'string' && /^https?:\/\//.test(parsed.homepage)) cachedHomepage = parsed.homepage;
        return;
      }
    }
    const up = path.dirname(dir);
    if (up === dir) {
      cachedVersion = '0.0.0';
      return;
    }
    dir = up;
  }
}

/** The version in package.json. */
export function toolVersion(): string {
  readPackage();
  return cachedVersion!;
}
