// `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it
// (docs.github.com "SARIF support for code scanning"): one run, a rule
// descriptor for every catalogue code, results pointing at relative URIs.
import path from 'node:path';
import type { Location, Severity } from '../diagnostics.js';
import { CATALOGUE } from '../lint/catalogue.js';
import type { Finding } from '../lint/types.js';
import { helpLocation, helpUri, projectUri, TOOL_NAME, toolVersion } from './tool.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The base id GitHub resolves against the checkout root. */
export const SRCROOT = '%SRCROOT%';

type SarifLevel = 'error' | 'warning' | 'note';
const LEVEL: Readonly<Record<Severity, SarifLevel>> = { error: 'error', warning: 'warning', info: 'note' };

export interface SarifOptions {
  /** Directory file names are made relative to (the repository root in CI); default: the working directory. */
  baseDir?: string;
  /** Overrides package.json's version (golden tests pin it). */
  toolVersion?: string;
}

export interface SarifArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

export interface SarifPhysicalLocation {
  artifactLocation: SarifArtifactLocation;
  region: { startLine: number; startColumn: number; endColumn?: number };
}

export interface SarifReportingDescriptor {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[] };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: { physicalLocation: SarifPhysicalLocation }[];
  relatedLocations?: { id: number; physicalLocation: SarifPhysicalLocation; message: { text: string } }[];
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: {
    tool: { driver: { name: string; informationUri?: string; version: string; semanticVersion: string; rules: SarifReportingDescriptor[] } };
    columnKind: 'utf16CodeUnits';
    results: SarifResult[];
  }[];
}

/**
 * A file name as a SARIF artifact URI: relative to baseDir with forward slashes
 * and percent-encoded segments, under %SRCROOT%; a file outside baseDir keeps an
 * absolute file: URI; stdin ("-") is reported as "stdin".
 */
export function artifactLocation(file: string, baseDir: string): SarifArtifactLocation {
  if (file === '-') return { uri: 'stdin' };
  const abs = path.resolve(baseDir, file);
  const rel = path.relative(baseDir, abs);
  const segments = (s: string) => s.split(/[\\/]/).map(encodeURIComponent).join('/');
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return { uri: 'file://' + segments(abs.replace(/^([A-Za-z]):/, '/$1:')).replace(/%3A/g, ':') };
  return { uri: segments(rel), uriBaseId: SRCROOT };
}

function physical(loc: Location, baseDir: string): SarifPhysicalLocation {
  const region: SarifPhysicalLocation['region'] = { startLine: loc.line, startColumn: loc.column };
  if (loc.endColumn !== undefined && loc.endColumn > loc.column) region.endColumn = loc.endColumn;
  return { artifactLocation: artifactLocation(loc.file, baseDir), region };
}

function descriptors(): SarifReportingDescriptor[] {
  return CATALOGUE.map((e) => {
    const uri = helpUri(e.code);
    const d: SarifReportingDescriptor = {
      id: e.code,
      name: e.name,
      shortDescription: { text: e.summary },
      fullDescription: { text: e.description },
      help: {
        text: `${e.description} See ${helpLocation(e.code)}.`,
        markdown: `**${e.code} ${e.name}**: ${e.description}\n\n${uri ? `[Documentation](${uri})` : `See \`${helpLocation(e.code)}\`.`}`,
      },
      defaultConfiguration: { level: LEVEL[e.severity] },
      properties: { tags: ['firewall', 'iptables'] },
    };
    if (uri) d.helpUri = uri;
    return d;
  });
}

export function toSarif(findings: readonly Finding[], opts: SarifOptions = {}): SarifLog {
  const baseDir = opts.baseDir ?? process.cwd();
  const rules = descriptors();
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const version = opts.toolVersion ?? toolVersion();
  const results = findings.map((f): SarifResult => {
    const result: SarifResult = {
      ruleId: f.code,
      ruleIndex: index.get(f.code)!,
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [{ physicalLocation: physical(f.loc, baseDir) }],
    };
    if (f.related.length)
      result.relatedLocations = f.related.map((r, i) => ({ id: i + 1, physicalLocation: physical(r.loc, baseDir), message: { text: r.message ?? 'related' } }));
    return result;
  });
  const home = projectUri();
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{ tool: { driver: { name: TOOL_NAME, ...(home ? { informationUri: home } : {}), version, semanticVersion: version, rules } }, columnKind: 'utf16CodeUnits', results }],
  };
}

export function formatSarif(findings: readonly Finding[], opts: SarifOptions = {}): string {
  return JSON.stringify(toSarif(findings, opts), null, 2) + '\n';
}
