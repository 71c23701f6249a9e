// One small dump with findings of every severity, shared by the reporter tests.
import { SourceMap } from '../../src/diagnostics.js';
import { lintRulesets } from '../../src/lint/run.js';
import type { Finding } from '../../src/lint/types.js';
import { build } from '../lint/build.js';

export const FIXTURE_FILE = 'dumps/bad.rules';

export const FIXTURE_TEXT = [
  '*filter',
  ':INPUT ACCEPT [0:0]',
  ':FORWARD DROP [0:0]',
  ':OUTPUT ACCEPT [0:0]',
  ':A - [0:0]',
  ':B - [0:0]',
  ':UNUSED - [0:0]',
  '-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT',
  '-A INPUT -j LOG --log-prefix "in: "',
  '-A FORWARD -j A',
  '-A A -j B',
  '-A B -j A',
  '-A FORWARD -j MISSING',
  'COMMIT',
  '',
].join('\n');

export function fixtureFindings(): Finding[] {
  return lintRulesets([build(FIXTURE_TEXT, { file: FIXTURE_FILE })]);
}

export function fixtureSources(): SourceMap {
  const sources = new SourceMap();
  sources.add(FIXTURE_FILE, FIXTURE_TEXT);
  return sources;
}
