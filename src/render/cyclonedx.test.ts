// CycloneDX renderer: every output must validate against the official CycloneDX 1.6 JSON
// schema (the copy bundled with @cyclonedx/cyclonedx-library, with its SPDX and JSF
// companions), and the fixture reports' outputs are compared with committed snapshots in
// testdata/ (regenerate with UPDATE_SNAPSHOTS=1 and review the diff).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ajvModule from 'ajv';
import * as ajvFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { ValidateFunction } from 'ajv';
import {
  hashesFromIntegrity,
  PROJECT_BOM_REF,
  renderCycloneDx,
  serialNumberOf,
} from './cyclonedx.js';
import { syntheticReport, validateReport } from '../report/testing.js';
import type { ScanReport } from '../report/types.js';

/** A CommonJS module's main export, whichever way the ESM loader exposes it. */
function cjsDefault<T>(mod: unknown): T {
  const outer = (mod as { default: unknown }).default;
  return (typeof outer === 'function' ? outer : (outer as { default: unknown }).default) as T;
}

const SCHEMA_DIR = join(
  dirname(createRequire(import.meta.url).resolve('@cyclonedx/cyclonedx-library/package.json')),
  'res',
  'schema',
);

function schemaFile(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(SCHEMA_DIR, name), 'utf8')) as Record<string, unknown>;
}

let validator: ValidateFunction | undefined;
function bomErrors(text: string): string[] {
  if (validator === undefined) {
    type AjvCtor = new (opts: object) => {
      addSchema(schema: object): unknown;
      addFormat(name: string, check: (value: string) => boolean): unknown;
      compile(schema: object): ValidateFunction;
    };
    const Ajv = cjsDefault<AjvCtor>(ajvModule);
    // strict off: the official schema is third-party; formats stay checked.
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    cjsDefault<(a: unknown) => void>(ajvFormats)(ajv);
    // Formats ajv-formats lacks. iri-reference: an IRI is a URI reference once its non-ASCII
    // characters are percent-encoded, so that is what is checked.
    const uriReference = fullFormats['uri-reference'] as RegExp;
    ajv.addFormat('iri-reference', (value) =>
      uriReference.test(value.replace(/[\u{80}-\u{10ffff}]/gu, (c) => encodeURIComponent(c))),
    );
    ajv.addFormat('idn-email', (value) => /^[^\s@]+@[^\s@]+$/u.test(value));
    // The BOM schema refers to its companions by these names (relative to its $id).
    for (const [file, id] of [
      ['spdx.SNAPSHOT.schema.json', 'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json'],
      [
        'jsf-0.82.SNAPSHOT.schema.json',
        'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json',
      ],
    ] as const) {
      ajv.addSchema({ ...schemaFile(file), $id: id });
    }
    validator = ajv.compile(schemaFile('bom-1.6.SNAPSHOT.schema.json'));
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

interface Component {
  'bom-ref': string;
  group?: string;
  name: string;
  version?: string;
  scope: string;
  purl: string;
  hashes?: { alg: string; content: string }[];
  licenses?: Record<string, unknown>[];
  externalReferences?: { type: string; url: string }[];
  properties: { name: string; value: string }[];
}
interface Bom {
  serialNumber: string;
  metadata: {
    timestamp: string;
    component?: { name: string };
    tools: { components: { name: string; version: string }[] };
  };
  components: Component[];
  dependencies: { ref: string; dependsOn: string[] }[];
  vulnerabilities?: {
    id: string;
    ratings: { severity: string; score?: number; method: string; vector?: string }[];
    affects?: { ref: string }[];
    recommendation: string;
    cwes?: number[];
    references?: { id: string }[];
    analysis?: { detail: string };
  }[];
}

const snapshots = [
  ['blocking', {}],
  ['healthy', {}],
  ['blocking', { project: { name: 'my-app', version: '2.0.0' } }],
] as const;
for (const [name, options] of snapshots) {
  const suffix = 'project' in options ? '-project' : '';
  test(`cyclonedx_${name}${suffix}_validates_and_matches_snapshot`, () => {
    const text = renderCycloneDx(fixture(name), options);
    assert.deepEqual(bomErrors(text), []);
    matchesSnapshot(`cyclonedx-${name}${suffix}.cdx.json`, text);
  });
}

test('cyclonedx_is_deterministic_and_serial_is_a_v5_uuid_of_the_report', () => {
  const report = fixture('blocking');
  const text = renderCycloneDx(report);
  assert.equal(text, renderCycloneDx(structuredClone(report)));
  const serial = (JSON.parse(text) as Bom).serialNumber;
  assert.match(
    serial,
    /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
  assert.equal(serial, serialNumberOf(report));
  const later = { ...report, generatedAt: '2026-11-29T12:00:00.000Z' };
  assert.notEqual(serialNumberOf(later), serial);
  const other = { ...report, snapshot: { ...report.snapshot, id: 'f'.repeat(64) } };
  assert.notEqual(serialNumberOf(other), serial);
});

test('cyclonedx_uuid_v5_matches_the_rfc_construction', () => {
  // Independent recomputation of RFC 4122 §4.3 with the URL namespace.
  const report = fixture('healthy');
  const name = `urn:depwarden:scan:${report.snapshot.id}:${report.generatedAt}`;
  const digest = createHash('sha1')
    .update(Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex'))
    .update(name)
    .digest('hex');
  const expected = [
    digest.slice(0, 8),
    digest.slice(8, 12),
    `5${digest.slice(13, 16)}`,
    ((parseInt(digest.slice(16, 18), 16) & 0x3f) | 0x80).toString(16) + digest.slice(18, 20),
    digest.slice(20, 32),
  ].join('-');
  assert.equal(serialNumberOf(report), `urn:uuid:${expected}`);
});

test('cyclonedx_describes_every_package', () => {
  const report = fixture('blocking');
  const bom = JSON.parse(renderCycloneDx(report)) as Bom;
  assert.equal(bom.metadata.timestamp, report.generatedAt);
  assert.deepEqual(bom.metadata.tools.components[0], {
    type: 'application',
    name: 'depwarden',
    version: report.tool.version,
  } as never);
  // The report names its project: it is the BOM's subject.
  assert.equal(bom.metadata.component?.name, report.project?.name);
  assert.deepEqual(
    bom.components.map((c) => c['bom-ref']),
    report.packages.map((p) => p.id),
  );
  for (const pkg of report.packages) {
    const c = bom.components.find((x) => x['bom-ref'] === pkg.id)!;
    assert.equal(c.purl, pkg.purl);
    assert.equal(c.scope, pkg.dev ? 'excluded' : pkg.optional ? 'optional' : 'required');
    // The fixtures' integrity values are placeholders too short for SHA-512: no hash.
    assert.equal(c.hashes, undefined);
    if (pkg.resolved !== undefined)
      assert.deepEqual(c.externalReferences, [{ type: 'distribution', url: pkg.resolved }]);
    const capabilities = c.properties.filter((p) => p.name === 'depwarden:capabilities');
    assert.deepEqual(
      capabilities.map((p) => p.value),
      [...pkg.capabilities].sort(),
    );
    const overall = c.properties.find((p) => p.name === 'depwarden:scores:overall');
    assert.equal(overall?.value, pkg.scores === undefined ? undefined : String(pkg.scores.overall));
  }
  const vulnerable = report.alerts.filter((a) => a.category === 'vulnerability');
  assert.equal(bom.vulnerabilities?.length, vulnerable.length);
  const qs = bom.vulnerabilities![0]!;
  assert.equal(qs.id, 'GHSA-hrpp-h998-j3pp');
  assert.deepEqual(qs.references, [{ id: 'CVE-2022-24999', source: { name: 'NVD' } }]);
  assert.deepEqual(qs.affects, [
    { ref: 'registry:qs@6.5.2', versions: [{ version: '6.5.2', status: 'affected' }] },
  ]);
  assert.equal(qs.recommendation, vulnerable[0]!.fix.description);
  assert.ok(qs.analysis?.detail.includes(vulnerable[0]!.accepted!.reason));
  // The graph: left-pad's and ghost's parent (express) is listed; qs's (body-parser) is not.
  // The project (named by the report) depends on the direct dependencies.
  assert.deepEqual(bom.dependencies, [
    {
      ref: PROJECT_BOM_REF,
      dependsOn: [
        'registry:evil-helper@1.0.1',
        'registry:express@4.21.2',
        'registry:lodahs@4.17.21',
      ],
    },
    {
      ref: 'registry:express@4.21.2',
      dependsOn: ['registry:ghost@2.0.0', 'registry:left-pad@1.3.0'],
    },
  ]);
});

test('cyclonedx_with_a_project_roots_the_graph_at_it', () => {
  const report = fixture('blocking');
  const bom = JSON.parse(renderCycloneDx(report, { project: { name: '@me/app' } })) as Bom;
  assert.equal(bom.metadata.component?.name, '@me/app');
  const root = bom.dependencies.find((d) => d.ref === PROJECT_BOM_REF);
  assert.deepEqual(
    root?.dependsOn,
    report.packages
      .filter((p) => p.direct)
      .map((p) => p.id)
      .sort(),
  );
});

test('cyclonedx_of_a_varied_report_splits_scopes_hashes_licenses_and_cvss', () => {
  const report = syntheticReport(300);
  assert.deepEqual(validateReport(report), []);
  const text = renderCycloneDx(report);
  assert.deepEqual(bomErrors(text), []);
  const bom = JSON.parse(text) as Bom;
  const scoped = bom.components.find((c) => c['bom-ref'] === report.packages[1]!.id)!;
  assert.equal(`${scoped.group}/${scoped.name}`, report.packages[1]!.name);
  assert.ok(scoped.group?.startsWith('@'));

  const first = bom.components[0]!;
  assert.deepEqual(first.hashes, [
    { alg: 'SHA-512', content: createHash('sha512').update('p0').digest('hex') },
    { alg: 'SHA-1', content: createHash('sha1').update('p0').digest('hex') },
  ]);
  const git = bom.components.find((c) => c.properties.some((p) => p.value === 'git'))!;
  assert.equal(git.externalReferences?.[0]?.type, 'vcs');
  const fileSourced = bom.components.find((c) => c.properties.some((p) => p.value === 'file'))!;
  assert.equal(fileSourced.externalReferences, undefined);
  const nonSpdx = bom.components.find((c) =>
    JSON.stringify(c.licenses ?? []).includes('SEE LICENSE'),
  )!;
  assert.deepEqual(nonSpdx.licenses, [{ license: { name: 'SEE LICENSE IN LICENSE.txt' } }]);
  const dual = bom.components.find((c) => JSON.stringify(c.licenses ?? []).includes(' OR '))!;
  assert.deepEqual(dual.licenses, [{ expression: 'Apache-2.0 OR MIT' }]);
  const unversioned = report.packages.find((p) => p.version === '')!;
  assert.equal(bom.components.find((c) => c['bom-ref'] === unversioned.id)!.version, undefined);

  const vuln = bom.vulnerabilities![0]!;
  assert.deepEqual(vuln.ratings[0], {
    severity: vuln.ratings[0]!.severity,
    score: 7.5,
    method: 'CVSSv31',
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
  });
  assert.deepEqual(vuln.cwes, [1321]);
  // Every dependsOn target is a component: the graph never points outside the BOM.
  const refs = new Set(bom.components.map((c) => c['bom-ref']));
  for (const d of bom.dependencies) for (const to of d.dependsOn) assert.ok(refs.has(to), to);
  assert.ok(bom.dependencies.length > 10);
});

test('cyclonedx_integrity_parsing_skips_what_is_not_a_digest', () => {
  const sha256 = createHash('sha256').update('x').digest();
  assert.deepEqual(hashesFromIntegrity(`sha256-${sha256.toString('base64')}?opt`), [
    { alg: 'SHA-256', content: sha256.toString('hex') },
  ]);
  assert.deepEqual(hashesFromIntegrity('sha512-AAAA'), []);
  assert.deepEqual(hashesFromIntegrity('md5-AAAAAAAAAAAAAAAAAAAAAA=='), []);
  assert.deepEqual(hashesFromIntegrity('sha256-!!!!'), []);
  assert.deepEqual(hashesFromIntegrity(''), []);
});

test('cyclonedx_schema_check_rejects_a_broken_bom', () => {
  // Guards the guard: the bundled schema and its formats are really applied.
  const bom = JSON.parse(renderCycloneDx(fixture('blocking'))) as Bom;
  bom.components[0]!.scope = 'dev';
  assert.notDeepEqual(bomErrors(JSON.stringify(bom)), []);
  const badHash = JSON.parse(renderCycloneDx(syntheticReport(4))) as Bom;
  badHash.components[0]!.hashes![0]!.content = 'AAAA';
  assert.notDeepEqual(bomErrors(JSON.stringify(badHash)), []);
});

test('cyclonedx_of_every_report_fixture_validates', () => {
  const dir = new URL('../report/testdata/', import.meta.url);
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const report = fixture(name.slice(0, -'.json'.length));
    assert.deepEqual(bomErrors(renderCycloneDx(report)), [], name);
  }
});
