// Facts about the tool that reports print (SARIF driver, --version).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TOOL_NAME = 'chainsmith';

/** The project's home page. TODO(lead): replace with the real repository address once it has one. */
export const PROJECT_URI = 'https://github.com/chainsmith/chainsmith';

/** Absolute URL of a check's documentation page in the repository. */
export function helpUri(code: string): string {
  return `${PROJECT_URI}/blob/main/docs/checks/${code}.md`;
}

let cachedVersion: string | undefined;

/** The version in package.json (found upward from this file, so it works from src/ under tsx and from dist/src/). */
export function toolVersion(): string {
  if (cachedVersion) return cachedVersion;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      const parsed = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string; version?: string };
      if (parsed.name === TOOL_NAME && parsed.version) return (cachedVersion = parsed.version);
    }
    const up = path.dirname(dir);
    if (up === dir) return (cachedVersion = '0.0.0');
    dir = up;
  }
}
