/**
 * CycloneDX 1.6 JSON renderer for `depwarden scan --format cyclonedx`: the scanned
 * dependency set as a software bill of materials, with depwarden's scores and capabilities
 * as component properties and the known vulnerabilities it found in `vulnerabilities`.
 *
 * Pure and deterministic: the report (plus, optionally, the project's own name) in, a string
 * out; the only time written is the report's `generatedAt`, and the serial number is
 * derived from the report, so the same report always gives byte-identical output.
 *
 * Decisions (docs/formats.md, "CycloneDX", says the same for users):
 * - serialNumber is a real name-based UUID (version 5, RFC 4122 §4.3) of the snapshot id and
 *   `generatedAt`: the same report gives the same BOM, a new scan a new serial number (the
 *   spec wants one per generated BOM even when the contents did not change).
 * - The report has no dependency edges, only each package's shortest path (`via`), so the
 *   graph holds one edge per package (its parent on that path) plus project → direct
 *   dependencies when the caller names the project; `compositions` declares it incomplete.
 * - Hashes come from the lockfile's SRI integrity (base64 → hex); a value whose length does
 *   not fit its algorithm is dropped rather than written as a wrong hash.
 * - A license that is a valid SPDX expression is written as `expression`, anything else
 *   (`SEE LICENSE IN …`) as a license `name`.
 */
import { createHash } from 'node:crypto';
import parseSpdx from 'spdx-expression-parse';
import type { Severity } from '../analyzer/kit.js';
import type { ReportAlert, ReportPackage, ScanReport } from '../report/types.js';

export const CYCLONEDX_SPEC_VERSION = '1.6';

export interface CycloneDxOptions {
  /**
   * The project the report is about (the root package.json's name and version). The report
   * does not record it; when given, it becomes metadata.component and the root of the
   * dependency graph (project → direct dependencies).
   */
  project?: { name: string; version?: string };
}

/** bom-ref of metadata.component when the project is named. */
export const PROJECT_BOM_REF = 'depwarden:project';

/** RFC 4122 Appendix C: the URL namespace, for names that are URIs (ours is a URN). */
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

/** SRI algorithm → CycloneDX algorithm and digest length in bytes. */
const SRI_ALGORITHMS: Readonly<Record<string, { alg: string; bytes: number }>> = {
  sha1: { alg: 'SHA-1', bytes: 20 },
  sha256: { alg: 'SHA-256', bytes: 32 },
  sha384: { alg: 'SHA-384', bytes: 48 },
  sha512: { alg: 'SHA-512', bytes: 64 },
};

const RATING_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: 'critical',
  high: 'high',
  middle: 'medium',
  low: 'low',
};

const CVSS_METHOD: Readonly<Record<string, string>> = {
  '3.0': 'CVSSv3',
  '3.1': 'CVSSv31',
  '4.0': 'CVSSv4',
};

type Json = Record<string, unknown>;

/** Renders the report as a CycloneDX 1.6 JSON BOM (2-space indented, final newline). */
export function renderCycloneDx(report: ScanReport, options: CycloneDxOptions = {}): string {
  const project = options.project ?? report.project;
  // Many packages declare the same license: parse each distinct string once.
  const licenses = new Map<string, Json[]>();
  const components = report.packages.map((p) => componentOf(p, licenses));
  const byId = new Map(report.packages.map((p) => [p.id, p]));
  const vulnerabilities = report.alerts
    .filter((a) => a.category === 'vulnerability')
    .map((a) => vulnerabilityOf(a, byId.get(a.package)));
  const dependencies = dependencyGraph(report.packages, project !== undefined);

  const metadata: Json = {
    timestamp: report.generatedAt,
    // The BOM comes from the lockfile, before anything is built.
    lifecycles: [{ phase: 'pre-build' }],
    tools: {
      components: [{ type: 'application', name: 'depwarden', version: report.tool.version }],
    },
    ...(project === undefined
      ? {}
      : {
          component: {
            type: 'application',
            'bom-ref': PROJECT_BOM_REF,
            name: project.name,
            ...(project.version === undefined || project.version === ''
              ? {}
              : { version: project.version }),
          },
        }),
    properties: [
      { name: 'depwarden:snapshot:id', value: report.snapshot.id },
      { name: 'depwarden:verdict:healthy', value: String(report.verdict.healthy) },
      { name: 'depwarden:verdict:complete', value: String(report.verdict.complete) },
      ...scoreProperties(report.scores.project),
    ],
  };

  const bom: Json = {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: CYCLONEDX_SPEC_VERSION,
    serialNumber: serialNumberOf(report),
    version: 1,
    metadata,
    components,
    dependencies,
    ...(components.length > 0
      ? {
          // Every component's dependencies are known only in part (see the header).
          compositions: [
            {
              aggregate: 'incomplete',
              dependencies: [
                ...(project === undefined ? [] : [PROJECT_BOM_REF]),
                ...report.packages.map((p) => p.id),
              ],
            },
          ],
        }
      : {}),
    ...(vulnerabilities.length > 0 ? { vulnerabilities } : {}),
  };
  return `${JSON.stringify(bom, null, 2)}\n`;
}

function componentOf(pkg: ReportPackage, licenses: Map<string, Json[]>): Json {
  const slash = pkg.name.startsWith('@') ? pkg.name.indexOf('/') : -1;
  const hashes = pkg.integrity === undefined ? [] : hashesFromIntegrity(pkg.integrity);
  const reference = externalReferenceOf(pkg);
  const properties = [
    { name: 'depwarden:source', value: pkg.source },
    { name: 'depwarden:direct', value: String(pkg.direct) },
    { name: 'depwarden:status', value: pkg.status },
    ...(pkg.scores === undefined ? [] : scoreProperties(pkg.scores)),
    // One property per capability: CycloneDX allows repeated names, and values stay atomic.
    ...[...pkg.capabilities].sort().map((c) => ({ name: 'depwarden:capabilities', value: c })),
    ...(pkg.via.length > 0 ? [{ name: 'depwarden:via', value: pkg.via.join(' > ') }] : []),
    ...(pkg.publisher === undefined ? [] : [{ name: 'depwarden:publisher', value: pkg.publisher }]),
    // The CycloneDX npm taxonomy's own marker for development dependencies.
    ...(pkg.dev ? [{ name: 'cdx:npm:package:development', value: 'true' }] : []),
  ];
  return {
    type: 'library',
    'bom-ref': pkg.id,
    ...(slash > 0
      ? { group: pkg.name.slice(0, slash), name: pkg.name.slice(slash + 1) }
      : { name: pkg.name }),
    ...(pkg.version === '' ? {} : { version: pkg.version }),
    scope: pkg.dev ? 'excluded' : pkg.optional ? 'optional' : 'required',
    ...(hashes.length > 0 ? { hashes } : {}),
    ...(pkg.license === undefined || pkg.license === ''
      ? {}
      : { licenses: cachedLicenses(pkg.license, licenses) }),
    purl: pkg.purl,
    ...(reference === undefined ? {} : { externalReferences: [reference] }),
    properties,
  };
}

/**
 * Hashes of an SRI string (`sha512-<base64> sha1-<base64>`, space-separated), one per
 * algorithm, first wins. Unknown algorithms, bad base64 and wrong lengths are skipped.
 */
export function hashesFromIntegrity(integrity: string): { alg: string; content: string }[] {
  const out: { alg: string; content: string }[] = [];
  const seen = new Set<string>();
  for (const token of integrity.trim().split(/\s+/).slice(0, 8)) {
    const dash = token.indexOf('-');
    if (dash <= 0) continue;
    const algorithm = SRI_ALGORITHMS[token.slice(0, dash).toLowerCase()];
    // SRI allows `?options` after the digest; they are not part of it.
    const digest = token.slice(dash + 1).split('?')[0]!;
    if (algorithm === undefined || seen.has(algorithm.alg)) continue;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(digest) || digest.length % 4 !== 0) continue;
    const bytes = Buffer.from(digest, 'base64');
    if (bytes.length !== algorithm.bytes) continue;
    seen.add(algorithm.alg);
    out.push({ alg: algorithm.alg, content: bytes.toString('hex') });
  }
  return out;
}

function cachedLicenses(license: string, cache: Map<string, Json[]>): Json[] {
  let found = cache.get(license);
  if (found === undefined) cache.set(license, (found = licensesOf(license)));
  return found;
}

function licensesOf(license: string): Json[] {
  // Declared strings are untrusted: a very long one is not worth parsing as an expression.
  if (license.length > 1000) return [{ license: { name: license } }];
  try {
    parseSpdx(license);
    return [{ expression: license }];
  } catch {
    return [{ license: { name: license } }];
  }
}

/** Where the package came from: `distribution` for an http(s) tarball, `vcs` for git. */
function externalReferenceOf(pkg: ReportPackage): Json | undefined {
  const resolved = pkg.resolved;
  if (resolved === undefined || !URL.canParse(resolved)) return undefined;
  const scheme = new URL(resolved).protocol;
  if (pkg.source === 'git' || scheme.startsWith('git')) return { type: 'vcs', url: resolved };
  if (scheme === 'https:' || scheme === 'http:') return { type: 'distribution', url: resolved };
  return undefined;
}

function scoreProperties(scores: NonNullable<ReportPackage['scores']>): Json[] {
  return (Object.keys(scores) as (keyof typeof scores)[])
    .sort()
    .map((k) => ({ name: `depwarden:scores:${k}`, value: String(scores[k]) }));
}

/**
 * Each package's parent on its shortest path (`via`'s last-but-one entry) depends on it;
 * with a named project, the project depends on every direct package. Parents the report
 * does not list are skipped. Only components with a known dependency get an entry: an
 * empty entry would claim "no dependencies", which the report cannot say.
 */
function dependencyGraph(packages: readonly ReportPackage[], withProject: boolean): Json[] {
  const byLabel = new Map<string, string>();
  for (const p of packages) {
    const label = `${p.name}@${p.version}`;
    if (!byLabel.has(label)) byLabel.set(label, p.id);
  }
  const children = new Map<string, Set<string>>();
  const addEdge = (from: string, to: string): void => {
    if (from === to) return;
    let set = children.get(from);
    if (set === undefined) children.set(from, (set = new Set()));
    set.add(to);
  };
  for (const p of packages) {
    if (withProject && p.direct) addEdge(PROJECT_BOM_REF, p.id);
    if (p.direct || p.via.length < 2) continue;
    const parent = byLabel.get(p.via[p.via.length - 2]!);
    if (parent !== undefined) addEdge(parent, p.id);
  }
  return [...children.keys()].sort(compareStrings).map((ref) => ({
    ref,
    dependsOn: [...children.get(ref)!].sort(compareStrings),
  }));
}

function vulnerabilityOf(alert: ReportAlert, pkg: ReportPackage | undefined): Json {
  const props = alert.props ?? {};
  const id = firstString(props.id, props.ghsaId, props.cveId) ?? `${alert.type}:${alert.key}`;
  const url = httpUrl(props.url);
  const aliases = [
    ...stringsOf(props.aliases),
    ...[props.ghsaId, props.cveId].filter((v): v is string => typeof v === 'string'),
  ].filter((a, i, all) => a !== id && all.indexOf(a) === i);
  const cwes = stringsOf(props.cwes)
    .map((c) => /^CWE-(\d{1,6})$/.exec(c)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
  const summary = typeof props.summary === 'string' && props.summary !== '' ? props.summary : '';

  return {
    'bom-ref': `vulnerability:${alert.key}`,
    id,
    // The advisory page may be another database's (OSV's for a GHSA id): it goes into
    // `advisories`, not into source.url.
    source: { name: sourceName(id) },
    ...(aliases.length > 0
      ? { references: aliases.map((a) => ({ id: a, source: { name: sourceName(a) } })) }
      : {}),
    ratings: [ratingOf(alert.severity, props.cvss)],
    ...(cwes.length > 0 ? { cwes } : {}),
    description: summary === '' ? alert.title : summary,
    detail: alert.message,
    recommendation: alert.fix.description,
    ...(url === undefined ? {} : { advisories: [{ url }] }),
    ...(alert.accepted === undefined
      ? {}
      : {
          analysis: {
            response: ['will_not_fix'],
            detail:
              `Accepted risk (${alert.accepted.file}:${alert.accepted.line}, until ` +
              `${alert.accepted.expires}): ${alert.accepted.reason}`,
          },
        }),
    ...(pkg !== undefined
      ? {
          affects: [
            {
              ref: pkg.id,
              ...(pkg.version === ''
                ? {}
                : { versions: [{ version: pkg.version, status: 'affected' }] }),
            },
          ],
        }
      : {}),
    properties: [
      { name: 'depwarden:alert:key', value: alert.key },
      { name: 'depwarden:alert:type', value: alert.type },
      { name: 'depwarden:alert:action', value: alert.action },
      { name: 'depwarden:alert:blocking', value: String(alert.blocking) },
    ],
  };
}

/**
 * The alert's severity, with the CVSS score, method and vector when props.cvss has them
 * (without CVSS no method is claimed).
 */
function ratingOf(severity: Severity, cvss: unknown): Json {
  const rating: Json = { severity: RATING_SEVERITY[severity] };
  if (typeof cvss === 'object' && cvss !== null) {
    const { score, vector, version } = cvss as Record<string, unknown>;
    const method = typeof version === 'string' ? CVSS_METHOD[version] : undefined;
    if (typeof score === 'number' && Number.isFinite(score) && score >= 0 && score <= 10)
      rating.score = score;
    if (method !== undefined) rating.method = method;
    if (typeof vector === 'string' && vector !== '') rating.vector = vector;
  }
  return rating;
}

function sourceName(id: string): string {
  if (id.startsWith('GHSA-')) return 'GitHub';
  if (id.startsWith('CVE-')) return 'NVD';
  return 'OSV';
}

/**
 * Name-based UUID, version 5 (RFC 4122 §4.3): SHA-1 of the namespace and the name
 * `urn:depwarden:scan:<snapshot id>:<generatedAt>`, version and variant bits set. SHA-1 is
 * what the standard specifies for v5; it names, it does not protect anything.
 */
export function serialNumberOf(report: ScanReport): string {
  const namespace = Buffer.from(URL_NAMESPACE.replace(/-/g, ''), 'hex');
  const name = `urn:depwarden:scan:${report.snapshot.id}:${report.generatedAt}`;
  const bytes = createHash('sha1').update(namespace).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === 'string' && v !== '');
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string' && v !== '').slice(0, 100)
    : [];
}

function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || !URL.canParse(value)) return undefined;
  const protocol = new URL(value).protocol;
  return protocol === 'https:' || protocol === 'http:' ? value : undefined;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
