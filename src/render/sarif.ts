/**
 * SARIF 2.1.0 renderer for `depwarden scan --format sarif`: the scan report as a static
 * analysis log that code-scanning services (and any SARIF viewer) can show next to the
 * lockfile line that brought each risky package in.
 *
 * Pure and deterministic: the report in, a string out; the only time written is the
 * report's own `generatedAt`, and every list keeps the report's order (rules are sorted by
 * id), so the same report always gives byte-identical output.
 *
 * Decisions (docs/formats.md, "SARIF", says the same for users):
 * - One result per alert; `ruleId` is the alert type and `rules` holds the types present.
 * - The primary location is the lockfile line that lists the package: it is the only file
 *   in the user's repository, and code-scanning services only place results on such files.
 *   The package itself is a logical location on it (`kind: module`).
 * - Evidence (files inside the package) goes into `relatedLocations`, relative to the
 *   `PACKAGE` base id: the root of the package the result names. SARIF has no URI for a
 *   file inside a published package, so `originalUriBaseIds.PACKAGE` only has a description.
 * - `helpUri` must be an absolute URI and the docs page is only known relative to docs/,
 *   so rules carry the page in `help` and `properties.docs` and omit `helpUri`.
 *   `tool.driver.informationUri` is omitted too: there is no project URL yet.
 * - Accepted risks become `suppressions` (kind `external`: the acceptance is in socket.yml,
 *   not next to the finding), with the reason as justification.
 */
import { ALERT_CATALOGUE } from '../alerts/catalogue.js';
import type { AlertAction } from '../alerts/catalogue.js';
import type { Category, Severity } from '../analyzer/kit.js';
import type { ReportAlert, ReportEvidence, ReportPackage, ScanReport } from '../report/types.js';

export const SARIF_SCHEMA_URI =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** The uriBaseId of paths inside a package (see the header). */
export const PACKAGE_URI_BASE_ID = 'PACKAGE';

/** Fingerprint name: the alert key is stable across scans, so it identifies a result. */
const FINGERPRINT = 'depwardenAlertKey/v1';

const LEVEL: Readonly<Record<AlertAction, 'error' | 'warning' | 'note' | 'none'>> = {
  error: 'error',
  warn: 'warning',
  monitor: 'note',
  ignore: 'none',
};

/**
 * Code-scanning services rank security results by `security-severity` (a CVSS-like score as
 * a string: >= 9 critical, >= 7 high, >= 4 medium, else low); one value inside each band.
 */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: '9.5',
  high: '8.0',
  middle: '5.5',
  low: '2.0',
};

const SECURITY_CATEGORIES: ReadonlySet<Category> = new Set(['supplyChainRisk', 'vulnerability']);

const SEVERITY_RANK: Readonly<Record<Severity, number>> = {
  low: 0,
  middle: 1,
  high: 2,
  critical: 3,
};

const CATALOGUE = new Map(ALERT_CATALOGUE.map((info) => [info.type, info]));

type Json = Record<string, unknown>;

/** Renders the report as a SARIF 2.1.0 log (JSON text, 2-space indented, final newline). */
export function renderSarif(report: ScanReport): string {
  const packages = new Map(report.packages.map((p) => [p.id, p]));
  const rules = rulesOf(report.alerts);
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));

  const results = report.alerts.map((alert) =>
    resultOf(alert, packages.get(alert.package), ruleIndex.get(alert.type) ?? -1, report),
  );

  const run: Json = {
    tool: {
      driver: {
        name: 'depwarden',
        version: report.tool.version,
        ...(isSemver(report.tool.version) ? { semanticVersion: report.tool.version } : {}),
        rules: rules.map((r) => r.descriptor),
        properties: {
          engineVersion: report.tool.engineVersion,
          detectors: report.tool.detectors.map((d) => ({ id: d.id, version: d.version })),
        },
      },
    },
    invocations: [invocationOf(report)],
    originalUriBaseIds: {
      [PACKAGE_URI_BASE_ID]: {
        description: {
          text:
            'The root of the npm package a result is about (properties.package names it): ' +
            'paths are inside its published tarball, without the leading package/ folder.',
        },
      },
    },
    artifacts: report.snapshot.files.map((f) => ({
      location: { uri: toUriReference(f.path) },
      length: f.size,
      hashes: { 'sha-256': f.sha256 },
    })),
    results,
    // Evidence columns come from UTF-16 offsets (src/analyzer/text.ts).
    columnKind: 'utf16CodeUnits',
    properties: {
      snapshotId: report.snapshot.id,
      verdict: { ...report.verdict },
      failOn: report.options.failOn,
      advisories: {
        status: report.advisories.status,
        ...(report.advisories.newestModified === undefined
          ? {}
          : { newestModified: report.advisories.newestModified }),
      },
      ...(report.warnings.length > 0 ? { warnings: [...report.warnings] } : {}),
    },
  };

  const log = { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
  return `${JSON.stringify(log, null, 2)}\n`;
}

interface Rule {
  id: string;
  descriptor: Json;
}

/** One rule per alert type present, sorted by id; severity is the highest seen for the type. */
function rulesOf(alerts: readonly ReportAlert[]): Rule[] {
  const byType = new Map<string, ReportAlert[]>();
  for (const alert of alerts) {
    const list = byType.get(alert.type);
    if (list === undefined) byType.set(alert.type, [alert]);
    else list.push(alert);
  }
  return [...byType.keys()].sort(compareStrings).map((type) => {
    const seen = byType.get(type)!;
    const first = seen[0]!;
    const severity = seen.reduce<Severity>(
      (max, a) => (SEVERITY_RANK[a.severity] > SEVERITY_RANK[max] ? a.severity : max),
      first.severity,
    );
    const info = CATALOGUE.get(type);
    // Quality, maintenance and license findings are not security results: no security tag,
    // so code-scanning services list them without a security severity.
    const security = SECURITY_CATEGORIES.has(first.category);
    const docsPath = `docs/${first.docs}`;
    const helpText = [info?.suggestion, `Documentation: ${docsPath}`]
      .filter((s) => s !== undefined && s !== '')
      .join('\n\n');
    const descriptor: Json = {
      id: type,
      name: type,
      shortDescription: { text: first.title },
      ...(info === undefined ? {} : { fullDescription: { text: info.description } }),
      ...(info === undefined ? {} : { defaultConfiguration: { level: LEVEL[info.action] } }),
      help: { text: helpText },
      properties: {
        tags: security
          ? ['security', 'supply-chain', first.category]
          : ['supply-chain', first.category],
        category: first.category,
        ...(security ? { 'security-severity': SECURITY_SEVERITY[severity] } : {}),
        docs: docsPath,
      },
    };
    return { id: type, descriptor };
  });
}

function resultOf(
  alert: ReportAlert,
  pkg: ReportPackage | undefined,
  ruleIndex: number,
  report: ScanReport,
): Json {
  const packageLabel = pkg === undefined ? alert.package : labelOf(pkg);
  const message = alert.message.startsWith(packageLabel)
    ? alert.message
    : `${packageLabel}: ${alert.message}`;
  const related = alert.evidence.map((e, i) => evidenceLocation(e, i + 1, packageLabel));

  const properties: Json = {
    package: pkg === undefined ? alert.package : { name: pkg.name, version: pkg.version },
    ...(pkg === undefined ? {} : { purl: pkg.purl }),
    category: alert.category,
    severity: alert.severity,
    confidence: alert.confidence,
    ...(alert.basis === undefined ? {} : { basis: alert.basis }),
    action: alert.action,
    actionSource: alert.actionSource,
    blocking: alert.blocking,
    fix: { ...alert.fix },
    ...(pkg === undefined ? {} : { via: [...pkg.via] }),
    ...(alert.props === undefined ? {} : { props: alert.props }),
    ...(alert.acceptanceExpired === undefined
      ? {}
      : { acceptanceExpired: { ...alert.acceptanceExpired } }),
  };

  return {
    ruleId: alert.type,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: LEVEL[alert.action],
    message: { text: message },
    locations: [primaryLocation(alert, pkg, report)],
    ...(related.length > 0 ? { relatedLocations: related } : {}),
    partialFingerprints: { [FINGERPRINT]: alert.key },
    ...(alert.accepted === undefined
      ? {}
      : {
          suppressions: [
            {
              kind: 'external',
              status: 'accepted',
              justification: `${alert.accepted.reason} (accepted until ${alert.accepted.expires})`,
              location: {
                physicalLocation: {
                  artifactLocation: { uri: toUriReference(alert.accepted.file) },
                  region: { startLine: alert.accepted.line },
                },
              },
            },
          ],
        }),
    properties,
  };
}

/**
 * The lockfile line that lists the package, with the package as a logical location. A
 * package the lockfile does not list (a report without lockfile) falls back to the first
 * lockfile read, then package.json, so every result has a file to sit on.
 */
function primaryLocation(
  alert: ReportAlert,
  pkg: ReportPackage | undefined,
  report: ScanReport,
): Json {
  const listed = pkg?.locations[0];
  const file = listed?.file ?? report.snapshot.lockfiles[0]?.file ?? 'package.json';
  const physicalLocation: Json = {
    artifactLocation: { uri: toUriReference(file) },
    ...(listed?.line === undefined ? {} : { region: { startLine: listed.line } }),
  };
  return {
    physicalLocation,
    logicalLocations: [
      pkg === undefined
        ? { fullyQualifiedName: alert.package, kind: 'module' }
        : { name: pkg.name, fullyQualifiedName: labelOf(pkg), kind: 'module' },
    ],
  };
}

function evidenceLocation(evidence: ReportEvidence, id: number, packageLabel: string): Json {
  const region: Json = {};
  if (evidence.line !== undefined) {
    region.startLine = evidence.line;
    if (evidence.column !== undefined) region.startColumn = evidence.column;
    if (evidence.snippet !== undefined) region.snippet = { text: evidence.snippet };
  }
  // A region needs a start line; a snippet without one becomes the location's message.
  const note =
    evidence.line === undefined && evidence.snippet !== undefined ? `: ${evidence.snippet}` : '';
  return {
    id,
    physicalLocation: {
      artifactLocation: { uri: toUriReference(evidence.file), uriBaseId: PACKAGE_URI_BASE_ID },
      ...(Object.keys(region).length > 0 ? { region } : {}),
    },
    message: { text: `${packageLabel}/${evidence.file}${note}` },
  };
}

function invocationOf(report: ScanReport): Json {
  const notifications = [
    ...report.failures.map((f) => ({
      level: 'error',
      message: { text: f.message },
      descriptor: { id: f.code },
      properties: { stage: f.stage, ...(f.package === undefined ? {} : { package: f.package }) },
    })),
    ...report.problems.map((p) => ({
      level: p.severity,
      message: { text: p.hint === undefined ? p.message : `${p.message} (${p.hint})` },
      descriptor: { id: p.code },
      ...(p.file === undefined
        ? {}
        : {
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: toUriReference(p.file) },
                  ...(p.line === undefined
                    ? {}
                    : {
                        region: {
                          startLine: p.line,
                          ...(p.column === undefined ? {} : { startColumn: p.column }),
                        },
                      }),
                },
              },
            ],
          }),
    })),
  ];
  return {
    // Incomplete (some packages not fetched or analysed) is reported as unsuccessful so a
    // viewer does not present the absence of results as a clean bill of health.
    executionSuccessful: report.verdict.complete,
    exitCode: report.verdict.exitCode,
    endTimeUtc: report.generatedAt,
    ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
  };
}

function labelOf(pkg: ReportPackage): string {
  return pkg.version === '' ? pkg.name : `${pkg.name}@${pkg.version}`;
}

/**
 * A POSIX path as a relative URI reference: each segment percent-encoded (a space, `%`,
 * `#` or `?` in a file name must not change what the URI means; a `:` in the first segment
 * would read as a scheme), keeping `@` and `+` that npm paths use and URIs allow.
 */
export function toUriReference(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%40/g, '@').replace(/%2B/g, '+'))
    .join('/');
}

function isSemver(version: string): boolean {
  return /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.test(version);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
