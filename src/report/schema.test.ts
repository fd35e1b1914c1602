// docs/report.schema.json: the fixture reports validate, broken copies do not, and the
// schema names exactly the fields of the TypeScript model (checked at compile time through
// the key tables below: adding a field to types.ts without the schema fails to compile or
// fails here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { REPORT_SCHEMA_PATH, syntheticReport, validateReport } from './testing.js';
import type { ReportAlert, ReportPackage, ScanReport } from './types.js';

function fixture(name: string): ScanReport {
  const url = new URL(`./testdata/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as ScanReport;
}

interface SchemaObject {
  required?: string[];
  properties?: Record<string, unknown>;
  additionalProperties?: unknown;
  $defs?: Record<string, SchemaObject>;
}
const schema = JSON.parse(readFileSync(REPORT_SCHEMA_PATH, 'utf8')) as SchemaObject;

for (const name of ['blocking', 'healthy']) {
  test(`report_schema_accepts_${name}_fixture`, () => {
    assert.deepEqual(validateReport(fixture(name)), []);
  });
}

test('report_schema_accepts_a_large_synthetic_report', () => {
  assert.deepEqual(validateReport(syntheticReport(2000)), []);
});

// Broken copies are edited through untyped paths on purpose: they must stop being reports.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Untyped = Record<string, any>;

/** A broken copy of the blocking fixture and the error it must produce. */
const broken: [string, (r: Untyped) => void, RegExp][] = [
  ['missing_field', (r) => delete r.verdict, /must have required property 'verdict'/],
  [
    'missing_alert_field',
    (r) => delete r.alerts[0].key,
    /\/alerts\/0 must have required property 'key'/,
  ],
  [
    'bad_enum',
    (r) => (r.alerts[0].action = 'block'),
    /\/alerts\/0\/action must be equal to one of/,
  ],
  ['bad_severity', (r) => (r.alerts[1].severity = 'medium'), /\/alerts\/1\/severity/],
  [
    'extra_key',
    (r) => (r.packages[0].extra = 1),
    /\/packages\/0 must NOT have additional properties \(extra\)/,
  ],
  [
    'extra_top_level_key',
    (r) => (r.note = 'x'),
    /^\/ must NOT have additional properties \(note\)/,
  ],
  [
    'score_101',
    (r) => (r.scores.project.overall = 101),
    /\/scores\/project\/overall must be <= 100/,
  ],
  [
    'score_fraction',
    (r) => (r.packages[0].scores.quality = 50.5),
    /\/packages\/0\/scores\/quality must be integer/,
  ],
  ['negative_count', (r) => (r.summary.packages = -1), /\/summary\/packages must be >= 0/],
  [
    'confidence_above_1',
    (r) => (r.alerts[0].confidence = 1.5),
    /\/alerts\/0\/confidence must be <= 1/,
  ],
  ['short_snapshot_id', (r) => (r.snapshot.id = 'abc'), /\/snapshot\/id must match pattern/],
  [
    'uppercase_snapshot_id',
    (r) => (r.snapshot.id = r.snapshot.id.toUpperCase()),
    /\/snapshot\/id must match pattern/,
  ],
  [
    'bad_alert_key',
    (r) => (r.alerts[0].key = 'a1c0ffee0000000'),
    /\/alerts\/0\/key must match pattern/,
  ],
  [
    'bad_package_alert_key',
    (r) => (r.packages[1].alerts = ['nothex!!nothex!!']),
    /\/packages\/1\/alerts\/0 must match pattern/,
  ],
  [
    'bad_date_time',
    (r) => (r.generatedAt = '2026-11-28 12:00'),
    /\/generatedAt must match format "date-time"/,
  ],
  [
    'bad_date',
    (r) => (r.acceptedRisks[0].expires = '2027-13-01'),
    /\/acceptedRisks\/0\/expires must match format "date"/,
  ],
  ['null_optional', (r) => (r.packages[0].license = null), /\/packages\/0\/license must be string/],
  [
    'wrong_schema_version',
    (r) => (r.schemaVersion = 2),
    /\/schemaVersion must be equal to constant/,
  ],
  ['bad_exit_code', (r) => (r.verdict.exitCode = 3), /\/verdict\/exitCode must be equal to one of/],
  [
    'line_zero',
    (r) => (r.packages[0].locations[0].line = 0),
    /\/packages\/0\/locations\/0\/line must be >= 1/,
  ],
  ['bad_purl', (r) => (r.packages[0].purl = 'express@4'), /\/packages\/0\/purl must match pattern/],
];
for (const [name, breakIt, expected] of broken) {
  test(`report_schema_rejects_${name}`, () => {
    const report = structuredClone(fixture('blocking')) as unknown as Untyped;
    breakIt(report);
    const errors = validateReport(report);
    assert.ok(
      errors.some((e) => expected.test(e)),
      errors.join('\n'),
    );
  });
}

test('report_schema_props_are_free_form', () => {
  const report = structuredClone(fixture('blocking'));
  report.alerts[0]!.props = { anything: { nested: [1, 'two', null] } };
  assert.deepEqual(validateReport(report), []);
});

/** true = required, false = optional; the Record type forces exactly the model's keys. */
const REPORT_KEYS: Record<keyof ScanReport, boolean> = {
  schemaVersion: true,
  kind: true,
  generatedAt: true,
  tool: true,
  project: false,
  snapshot: true,
  registry: true,
  advisories: true,
  options: true,
  verdict: true,
  summary: true,
  scores: true,
  packages: true,
  alerts: true,
  failures: true,
  acceptedRisks: true,
  problems: true,
  warnings: true,
};
const PACKAGE_KEYS: Record<keyof ReportPackage, boolean> = {
  id: true,
  name: true,
  version: true,
  purl: true,
  source: true,
  direct: true,
  dev: true,
  optional: true,
  integrity: false,
  resolved: false,
  locations: true,
  via: true,
  importer: false,
  license: false,
  capabilities: true,
  publisher: false,
  files: false,
  bytes: false,
  scores: false,
  status: true,
  bundled: false,
  alerts: true,
};
const ALERT_KEYS: Record<keyof ReportAlert, boolean> = {
  key: true,
  type: true,
  title: true,
  category: true,
  severity: true,
  confidence: true,
  basis: false,
  package: true,
  message: true,
  evidence: true,
  props: false,
  action: true,
  actionSource: true,
  accepted: false,
  acceptanceExpired: false,
  blocking: true,
  fix: true,
  docs: true,
};

for (const [name, node, keys] of [
  ['ScanReport', schema, REPORT_KEYS],
  ['ReportPackage', schema.$defs!.package!, PACKAGE_KEYS],
  ['ReportAlert', schema.$defs!.alert!, ALERT_KEYS],
] as const) {
  test(`report_schema_${name}_has_the_model_keys`, () => {
    const all = Object.keys(keys as Record<string, boolean>).sort();
    const required = Object.entries(keys as Record<string, boolean>)
      .filter(([, r]) => r)
      .map(([k]) => k)
      .sort();
    assert.deepEqual(Object.keys(node.properties ?? {}).sort(), all);
    assert.deepEqual([...(node.required ?? [])].sort(), required);
    assert.equal(node.additionalProperties, false);
  });
}

test('report_schema_closes_every_object_but_props', () => {
  const open: string[] = [];
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}/${i}`));
    if (typeof node !== 'object' || node === null) return;
    const n = node as Record<string, unknown>;
    if (n.type === 'object' && n.additionalProperties !== false) open.push(path);
    for (const [k, v] of Object.entries(n)) walk(v, `${path}/${k}`);
  };
  walk(schema, '#');
  assert.deepEqual(open, ['#/$defs/alert/properties/props']);
});

test('report_schema_accepts_every_fixture_in_testdata', () => {
  // Fixtures other modules add (hostile names, large reports) must stay valid reports too.
  const dir = new URL('./testdata/', import.meta.url);
  const names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  assert.ok(names.length >= 2);
  for (const name of names) {
    const report = JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as unknown;
    assert.deepEqual(validateReport(report), [], name);
  }
});
