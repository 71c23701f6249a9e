import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CATALOGUE } from '../../src/lint/catalogue.js';
import { artifactLocation, formatSarif, SRCROOT } from '../../src/report/sarif.js';
import { fixtureFindings } from './fixture.js';
import { assertGolden } from './golden.js';

const OPTS = { baseDir: '/project', toolVersion: '0.0.0-test' };

/**
 * The parts of SARIF 2.1.0 (OASIS, sections 3.13-3.30 and 3.49) and of GitHub
 * code scanning's upload requirements that our output relies on. No network
 * here to fetch the official JSON schema, so this checks the required fields
 * and their types directly; it returns every problem, not just the first.
 */
function sarifProblems(log: any): string[] {
  const p: string[] = [];
  const need = (cond: unknown, what: string) => void (cond || p.push(what));
  const isInt = (n: unknown, min: number) => Number.isInteger(n) && (n as number) >= min;
  const checkPhysical = (pl: any, where: string) => {
    need(typeof pl?.artifactLocation?.uri === 'string' && pl.artifactLocation.uri.length > 0, `${where}.artifactLocation.uri`);
    need(!/\\/.test(pl?.artifactLocation?.uri ?? ''), `${where}.artifactLocation.uri uses forward slashes`);
    need(!/^(\/|[A-Za-z]:)/.test(pl?.artifactLocation?.uri ?? ''), `${where}.artifactLocation.uri is a URI, not an absolute path`);
    need(isInt(pl?.region?.startLine, 1), `${where}.region.startLine >= 1`);
    need(pl?.region?.startColumn === undefined || isInt(pl.region.startColumn, 1), `${where}.region.startColumn >= 1`);
  };
  need(typeof log.$schema === 'string', '$schema');
  need(log.version === '2.1.0', 'version 2.1.0');
  need(Array.isArray(log.runs) && log.runs.length === 1, 'exactly one run');
  const run = log.runs?.[0];
  const driver = run?.tool?.driver;
  need(typeof driver?.name === 'string', 'tool.driver.name');
  // Optional in SARIF; chainsmith sets it only from package.json's homepage, and then it must be absolute.
  need(driver?.informationUri === undefined || /^https?:\/\//.test(driver.informationUri), 'tool.driver.informationUri is absolute');
  need(typeof driver?.version === 'string', 'tool.driver.version');
  const rules: any[] = driver?.rules ?? [];
  const ids = new Set<string>();
  rules.forEach((r, i) => {
    const at = `rules[${i}]`;
    need(typeof r.id === 'string' && !ids.has(r.id), `${at}.id unique`);
    ids.add(r.id);
    need(typeof r.name === 'string', `${at}.name`);
    need(typeof r.shortDescription?.text === 'string' && r.shortDescription.text.length <= 1024, `${at}.shortDescription.text`);
    need(typeof r.fullDescription?.text === 'string', `${at}.fullDescription.text`);
    need(typeof r.help?.text === 'string' && typeof r.help?.markdown === 'string', `${at}.help text+markdown`);
    need(r.helpUri === undefined || /^https?:\/\//.test(r.helpUri), `${at}.helpUri is absolute`);
    need(['none', 'note', 'warning', 'error'].includes(r.defaultConfiguration?.level), `${at}.defaultConfiguration.level`);
  });
  need(Array.isArray(run?.results), 'results');
  (run?.results ?? []).forEach((res: any, i: number) => {
    const at = `results[${i}]`;
    need(typeof res.ruleId === 'string' && ids.has(res.ruleId), `${at}.ruleId names a rule`);
    need(rules[res.ruleIndex]?.id === res.ruleId, `${at}.ruleIndex points at ruleId`);
    need(['none', 'note', 'warning', 'error'].includes(res.level), `${at}.level`);
    need(typeof res.message?.text === 'string' && res.message.text.length > 0, `${at}.message.text`);
    need(Array.isArray(res.locations) && res.locations.length >= 1, `${at}.locations`);
    (res.locations ?? []).forEach((l: any, j: number) => checkPhysical(l.physicalLocation, `${at}.locations[${j}].physicalLocation`));
    (res.relatedLocations ?? []).forEach((l: any, j: number) => {
      need(isInt(l.id, 0), `${at}.relatedLocations[${j}].id`);
      checkPhysical(l.physicalLocation, `${at}.relatedLocations[${j}].physicalLocation`);
    });
  });
  return p;
}

test('sarif: structurally valid for GitHub code scanning', () => {
  const log = JSON.parse(formatSarif(fixtureFindings(), OPTS));
  assert.equal(sarifProblems(log), []);
});

test('sarif: a descriptor for every catalogue code, in code order', () => {
  const log = JSON.parse(formatSarif([], OPTS));
  const rules = log.runs[0].tool.driver.rules;
  assert.equal(rules.map((r: any) => r.id), CATALOGUE.map((e) => e.code));
  assert.is(rules.length, 18);
  const cs203 = rules.find((r: any) => r.id === 'CS203');
  assert.is(cs203.name, 'log-without-limit');
  assert.is(cs203.defaultConfiguration.level, 'warning');
  assert.match(cs203.help.text, 'docs/checks/CS203.md');
  assert.is(rules.find((r: any) => r.id === 'CS303').defaultConfiguration.level, 'note');
  assert.equal(log.runs[0].results, []);
});

test('sarif: results carry level, relative uri and region', () => {
  const log = JSON.parse(formatSarif(fixtureFindings(), OPTS));
  const loop = log.runs[0].results.find((r: any) => r.ruleId === 'CS302');
  assert.is(loop.level, 'error');
  assert.equal(loop.locations[0].physicalLocation, {
    artifactLocation: { uri: 'dumps/bad.rules', uriBaseId: SRCROOT },
    region: { startLine: 11, startColumn: 6 },
  });
  assert.equal(loop.relatedLocations[0].physicalLocation.region, { startLine: 12, startColumn: 6 });
  assert.is(log.runs[0].results.find((r: any) => r.ruleId === 'CS206').level, 'note');
});

test('sarif: artifact URIs', () => {
  assert.equal(artifactLocation('/project/a b/x.rules', '/project'), { uri: 'a%20b/x.rules', uriBaseId: SRCROOT });
  assert.equal(artifactLocation('sub/x.rules', '/project'), { uri: 'sub/x.rules', uriBaseId: SRCROOT });
  assert.equal(artifactLocation('/elsewhere/x.rules', '/project'), { uri: 'file:///elsewhere/x.rules' });
  assert.equal(artifactLocation('-', '/project'), { uri: 'stdin' });
});

test('sarif: the validator catches what it should', () => {
  const log = JSON.parse(formatSarif(fixtureFindings(), OPTS));
  log.runs[0].results[0].ruleIndex = 0;
  delete log.runs[0].results[1].message;
  log.runs[0].results[2].locations[0].physicalLocation.region.startLine = 0;
  assert.is(sarifProblems(log).length, 3);
});

test('sarif: golden', () => {
  assertGolden('findings.sarif', formatSarif(fixtureFindings(), OPTS));
});

test.run();
