// SARIF renderer: every output must validate against the official SARIF 2.1.0 schema
// (vendored in test/fixtures/schemas, draft-04, hence ajv-draft-04), and the fixture reports'
// outputs are compared with committed snapshots in testdata/ (regenerate with
// UPDATE_SNAPSHOTS=1 and review the diff).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as ajvDraft04 from 'ajv-draft-04';
import * as ajvFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv-draft-04';
import { renderSarif, PACKAGE_URI_BASE_ID, toUriReference } from './sarif.js';
import { syntheticReport, validateReport } from '../report/testing.js';
import type { ScanReport } from '../report/types.js';

const SCHEMA = new URL('../../test/fixtures/schemas/sarif-schema-2.1.0.json', import.meta.url);

/** A CommonJS module's main export, whichever way the ESM loader exposes it. */
function cjsDefault<T>(mod: unknown): T {
  const outer = (mod as { default: unknown }).default;
  return (typeof outer === 'function' ? outer : (outer as { default: unknown }).default) as T;
}

let validator: ValidateFunction | undefined;
function sarifErrors(text: string): string[] {
  if (validator === undefined) {
    type AjvCtor = new (opts: object) => {
      compile(schema: object): ValidateFunction;
    };
    const Ajv = cjsDefault<AjvCtor>(ajvDraft04);
    // strict off: the official schema is third-party (draft-04 idioms); formats stay checked.
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    cjsDefault<(a: unknown) => void>(ajvFormats)(ajv);
    validator = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as object);
  }
  if (validator(JSON.parse(text))) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

function fixture(name: string): ScanReport {
  const url = new URL(`../report/testdata/${name}.json`, import.meta.url);
  const report = JSON.parse(readFileSync(url, 'utf8')) as ScanReport;
  assert.deepEqual(validateReport(report), [], `${name}.json is not a valid report`);
  return report;
}

function matchesSnapshot(name: string, actual: string): void {
  const url = new URL(`./testdata/${name}`, import.meta.url);
  if (process.env.UPDATE_SNAPSHOTS === '1') writeFileSync(url, actual);
  assert.equal(actual, readFileSync(url, 'utf8'), `${name} differs (UPDATE_SNAPSHOTS=1 to update)`);
}

interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: string;
  message: { text: string };
  locations: {
    physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } };
    logicalLocations: { fullyQualifiedName: string }[];
  }[];
  relatedLocations?: {
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId?: string };
      region?: { startLine: number; startColumn?: number; snippet?: { text: string } };
    };
  }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; justification: string }[];
  properties: Record<string, unknown>;
}
interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; rules: Record<string, unknown>[] } };
    invocations: { executionSuccessful: boolean; exitCode: number }[];
    results: SarifResult[];
  }[];
}

for (const name of ['blocking', 'healthy']) {
  test(`sarif_${name}_validates_and_matches_snapshot`, () => {
    const text = renderSarif(fixture(name));
    assert.deepEqual(sarifErrors(text), []);
    matchesSnapshot(`sarif-${name}.sarif.json`, text);
  });
}

test('sarif_is_deterministic_and_leaves_the_report_unchanged', () => {
  const report = fixture('blocking');
  const before = JSON.stringify(report);
  assert.equal(renderSarif(report), renderSarif(structuredClone(report)));
  assert.equal(JSON.stringify(report), before);
});

test('sarif_maps_each_alert_to_a_result_on_its_lockfile_line', () => {
  const report = fixture('blocking');
  const log = JSON.parse(renderSarif(report)) as SarifLog;
  const run = log.runs[0]!;
  assert.equal(log.version, '2.1.0');
  assert.equal(run.tool.driver.name, 'depwarden');
  assert.equal(run.tool.driver.version, report.tool.version);
  assert.equal('informationUri' in run.tool.driver, false);
  assert.deepEqual(
    run.tool.driver.rules.map((r) => r.id),
    [...new Set(report.alerts.map((a) => a.type))].sort(),
  );
  for (const rule of run.tool.driver.rules) assert.equal('helpUri' in rule, false);

  const levels: Record<string, string> = {
    error: 'error',
    warn: 'warning',
    monitor: 'note',
    ignore: 'none',
  };
  assert.equal(run.results.length, report.alerts.length);
  report.alerts.forEach((alert, i) => {
    const result = run.results[i]!;
    const pkg = report.packages.find((p) => p.id === alert.package)!;
    assert.equal(result.ruleId, alert.type);
    assert.equal(run.tool.driver.rules[result.ruleIndex!]!.id, alert.type);
    assert.equal(result.level, levels[alert.action]);
    assert.deepEqual(Object.values(result.partialFingerprints), [alert.key]);
    const primary = result.locations[0]!;
    assert.equal(primary.physicalLocation.artifactLocation.uri, pkg.locations[0]!.file);
    assert.equal(primary.physicalLocation.region?.startLine, pkg.locations[0]!.line);
    assert.equal(primary.logicalLocations[0]!.fullyQualifiedName, `${pkg.name}@${pkg.version}`);
    assert.equal(result.relatedLocations?.length, alert.evidence.length);
    assert.ok(result.message.text.includes(pkg.name));
    assert.equal(result.properties.confidence, alert.confidence);
    assert.deepEqual(result.properties.via, pkg.via);
    if (alert.accepted === undefined) assert.equal(result.suppressions, undefined);
    else {
      assert.equal(result.suppressions?.[0]?.kind, 'external');
      assert.ok(result.suppressions[0].justification.includes(alert.accepted.reason));
    }
  });

  const malware = run.results.find((r) => r.ruleId === 'malware')!;
  const evidence = malware.relatedLocations![0]!.physicalLocation;
  assert.equal(evidence.artifactLocation.uriBaseId, PACKAGE_URI_BASE_ID);
  assert.equal(evidence.artifactLocation.uri, 'scripts/postinstall.js');
  assert.equal(evidence.region?.startLine, 3);
  assert.ok(evidence.region?.snippet?.text.includes('https.request'));

  assert.equal(run.invocations[0]!.executionSuccessful, report.verdict.complete);
  assert.equal(run.invocations[0]!.exitCode, report.verdict.exitCode);
  // The registry URL is configuration, not a finding: it does not leak into the log.
  assert.equal(renderSarif(report).includes(new URL(report.registry.url).host), false);
});

test('sarif_handles_odd_paths_missing_packages_and_unknown_types', () => {
  const report = fixture('blocking');
  const alert = report.alerts[0]!;
  alert.type = 'notInTheCatalogue';
  alert.evidence = [
    { file: 'a dir/x:y#z?.js', line: 1, column: 2 },
    { file: 'b.js', snippet: 's' },
  ];
  report.alerts.push({
    ...report.alerts[1]!,
    package: 'registry:missing@1.0.0',
    key: 'ffffffffffffffff',
  });
  const pkg = report.packages.find((p) => p.id === report.alerts[1]!.package)!;
  pkg.locations = [];
  const text = renderSarif(report);
  assert.deepEqual(sarifErrors(text), []);
  const run = (JSON.parse(text) as SarifLog).runs[0]!;
  const uri = run.results[0]!.relatedLocations![0]!.physicalLocation.artifactLocation.uri;
  assert.equal(decodeURIComponent(uri), 'a dir/x:y#z?.js');
  assert.equal(uri.includes('#') || uri.includes('?') || uri.includes(' '), false);
  assert.equal(
    run.results[1]!.locations[0]!.physicalLocation.artifactLocation.uri,
    'package-lock.json',
  );
  assert.equal(
    run.results.at(-1)!.locations[0]!.logicalLocations[0]!.fullyQualifiedName,
    'registry:missing@1.0.0',
  );
});

test('sarif_uri_references_keep_npm_characters', () => {
  assert.equal(toUriReference('node_modules/@scope/a+b/x.js'), 'node_modules/@scope/a+b/x.js');
  assert.equal(toUriReference('c:/x'), 'c%3A/x');
  assert.equal(toUriReference('100%.js'), '100%25.js');
});

test('sarif_of_a_large_varied_report_validates', () => {
  const report = syntheticReport(600);
  assert.deepEqual(validateReport(report), []);
  const text = renderSarif(report);
  assert.deepEqual(sarifErrors(text), []);
  const log = JSON.parse(text) as SarifLog;
  assert.equal(log.runs[0]!.results.length, report.alerts.length);
  assert.ok(report.alerts.length > 50);
});

test('sarif_schema_check_rejects_a_broken_log', () => {
  // Guards the guard: the vendored schema and its formats are really applied.
  const log = JSON.parse(renderSarif(fixture('blocking'))) as SarifLog;
  log.runs[0]!.results[0]!.level = 'fatal';
  assert.notDeepEqual(sarifErrors(JSON.stringify(log)), []);
  const badUri = JSON.parse(renderSarif(fixture('blocking'))) as SarifLog;
  badUri.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri = 'a b#c#d';
  assert.notDeepEqual(sarifErrors(JSON.stringify(badUri)), []);
});

test('sarif_of_every_report_fixture_validates', () => {
  const dir = new URL('../report/testdata/', import.meta.url);
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const report = fixture(name.slice(0, -'.json'.length));
    assert.deepEqual(sarifErrors(renderSarif(report)), [], name);
  }
});
