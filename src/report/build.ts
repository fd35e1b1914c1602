/**
 * Assembles the scan report from what the scan gathered: the graph, each package's outcome,
 * the project's own dependency-spec alerts, the license policy and the policy decisions.
 * Pure (the clock comes in as `now`), so the same inputs give the same report, byte for byte.
 */
import { createHash } from 'node:crypto';
import { alertInfo, type AlertAction } from '../alerts/index.js';
import type { Alert, Severity } from '../analyzer/kit.js';
import type { DependencyGraph, GraphPackage } from '../graph/index.js';
import { evaluateLicensePolicy } from '../intel/license/index.js';
import { ACTIONS, SEVERITY_RANK, compareActions, decide, type Policy } from '../policy/index.js';
import type { PackageOutcome } from '../scan/packages.js';
import type { Reach } from '../scan/paths.js';
import type { ProjectAlert } from '../scan/project-deps.js';
import { licenseQuality, packageScores, projectScores, type ScoreInput } from '../scores/index.js';
import { redactUrl } from '../registry/index.js';
import { sanitize } from '../util/text.js';
import {
  REPORT_SCHEMA_VERSION,
  type AcceptanceRef,
  type ReportAcceptedRisk,
  type ReportAlert,
  type ReportFailure,
  type ReportPackage,
  type ReportProblem,
  type ScanReport,
} from './types.js';

export interface ReportInput {
  now: Date;
  tool: ScanReport['tool'];
  project?: ScanReport['project'];
  snapshot: ScanReport['snapshot'];
  registry: ScanReport['registry'];
  advisories: ScanReport['advisories'];
  options: ScanReport['options'];
  graph: DependencyGraph;
  outcomes: ReadonlyMap<string, PackageOutcome>;
  reach: ReadonlyMap<string, Reach>;
  projectAlerts: readonly ProjectAlert[];
  licensePolicy?: { allow?: string[]; deny?: string[] };
  policy: Policy;
  /** Failures before any package was looked at (resolving ranges). */
  failures: ReportFailure[];
  problems: ReportProblem[];
  warnings: string[];
}

const MAX_NOTES = 20;
const SEVERITIES: readonly Severity[] = ['critical', 'high', 'middle', 'low'];
const REMOVE_TYPES = new Set(['malware', 'didYouMean', 'troll', 'tarballIntegrityMismatch']);

function purlOf(name: string, version: string): string {
  const encoded = name.startsWith('@') ? `%40${name.slice(1)}` : name;
  return `pkg:npm/${encoded}${version === '' ? '' : `@${encodeURIComponent(version)}`}`;
}

/** A resolved URL without credentials, query or fragment; not a URL at all: as written, sanitised. */
function redacted(url: string | null): string | undefined {
  if (url === null) return undefined;
  const clean = redactUrl(url);
  return clean === '<invalid URL>' ? sanitize(url, 300) : clean;
}

function alertKey(alert: Alert, pkg: { name: string; version: string }): string {
  const ev = alert.evidence[0];
  return createHash('sha256')
    .update(
      `${alert.type}\n${pkg.name}@${pkg.version}\n${ev?.file ?? ''}:${ev?.line ?? ''}\n${alert.message}`,
    )
    .digest('hex')
    .slice(0, 16);
}

function fixFor(alert: Alert, pkg: GraphPackage, reach: Reach | undefined): ReportAlert['fix'] {
  const patched = alert.props?.firstPatchedVersion;
  const through =
    reach !== undefined && reach.via.length > 1
      ? ` It comes through ${reach.via[0]}: upgrade that, or pin a fixed version with overrides (npm), resolutions (yarn) or pnpm.overrides.`
      : '';
  if (alert.category === 'vulnerability' && typeof patched === 'string')
    return {
      type: 'upgrade',
      description: `Upgrade ${pkg.name} to ${patched} or later.${through}`,
      version: patched,
    };
  if (REMOVE_TYPES.has(alert.type)) {
    const alternate = alert.props?.alternatePackage;
    return {
      type: 'remove',
      description:
        alert.type === 'didYouMean' && typeof alternate === 'string'
          ? `Did you mean ${alternate}? Remove ${pkg.name} unless you are sure it is the package you want.`
          : `Remove ${pkg.name}${reach !== undefined && reach.via.length > 1 ? ` (it comes through ${reach.via[0]})` : ''}, and treat the machines that installed it as exposed.`,
    };
  }
  return {
    type: 'review',
    description: alertInfo(alert.type)?.suggestion ?? 'Review the evidence.',
  };
}

function docsFor(type: string): string {
  return alertInfo(type)?.detected === true ? `alerts/${type}.md` : 'alerts/README.md';
}

function acceptanceRef(
  risk: { line: number; reason: string; expires: string },
  file: string,
): AcceptanceRef {
  return { file, line: risk.line, reason: risk.reason, expires: risk.expires };
}

function scoreInput(outcome: PackageOutcome, alerts: readonly Alert[]): ScoreInput {
  const f = outcome.facts;
  const input: ScoreInput = {
    alerts: alerts.map((a) => ({ type: a.type, category: a.category, severity: a.severity })),
    bytes: f?.bytes ?? outcome.bytes ?? 0,
    dependencyCount: f?.dependencyCount ?? 0,
    devDependencyCount: f?.devDependencyCount ?? 0,
    vulnerabilityCount: alerts.filter((a) => a.category === 'vulnerability').length,
  };
  const optional = [
    'readmeLength',
    'maintainerCount',
    'versionCount',
    'versionsLastYear',
    'versionsLastTwoMonths',
    'versionsLastMonth',
    'versionsLastWeek',
  ] as const;
  for (const k of optional) if (f?.[k] !== undefined) input[k] = f[k];
  if (outcome.license !== undefined)
    input.licenseQuality = licenseQuality(outcome.license.effectiveClass);
  return input;
}

export function buildReport(input: ReportInput): ScanReport {
  const { graph, outcomes, reach, policy } = input;
  const configFile = policy.configFile ?? 'socket.yml';
  const packages: ReportPackage[] = [];
  const alerts: ReportAlert[] = [];
  const failures: ReportFailure[] = [...input.failures];
  const extraByPackage = new Map<string, Alert[]>();
  const orphanAlerts: ProjectAlert[] = [];
  for (const pa of input.projectAlerts) {
    if (pa.packageId === undefined || !outcomes.has(pa.packageId)) {
      orphanAlerts.push(pa);
      continue;
    }
    const list = extraByPackage.get(pa.packageId) ?? [];
    list.push(pa.alert);
    extraByPackage.set(pa.packageId, list);
  }
  const notes: string[] = [];
  const riskUse = new Map<object, number>();
  const scored: { id: string; scores: NonNullable<ReportPackage['scores']>; direct: boolean }[] =
    [];

  const addAlerts = (pkg: GraphPackage, own: readonly Alert[], entry: ReportPackage): void => {
    for (const alert of own) {
      const decision = decide(alert, pkg, policy);
      const r = reach.get(pkg.id);
      const ra: ReportAlert = {
        key: alertKey(alert, pkg),
        type: alert.type,
        title: alertInfo(alert.type)?.title ?? alert.type,
        category: alert.category,
        severity: alert.severity,
        confidence: alert.confidence,
        package: pkg.id,
        message: alert.message,
        evidence: alert.evidence.map((e) => ({ ...e })),
        action: decision.action,
        actionSource: decision.actionSource,
        blocking: decision.blocking,
        fix: fixFor(alert, pkg, r),
        docs: docsFor(alert.type),
      };
      if (alert.basis !== undefined) ra.basis = alert.basis;
      if (alert.props !== undefined) ra.props = alert.props;
      if (decision.acceptance !== undefined) {
        const ref = acceptanceRef(decision.acceptance.risk, configFile);
        if (decision.acceptance.expired) ra.acceptanceExpired = ref;
        else ra.accepted = ref;
        riskUse.set(decision.acceptance.risk, (riskUse.get(decision.acceptance.risk) ?? 0) + 1);
      }
      alerts.push(ra);
      entry.alerts.push(ra.key);
    }
  };

  for (const pkg of graph.packages) {
    const outcome = outcomes.get(pkg.id);
    if (outcome === undefined || (input.options.prod && pkg.dev)) continue;
    const r = reach.get(pkg.id);
    const entry: ReportPackage = {
      id: pkg.id,
      name: pkg.name,
      version: pkg.version,
      purl: purlOf(pkg.name, pkg.version),
      source: pkg.source,
      direct: pkg.direct,
      dev: pkg.dev,
      optional: pkg.optional,
      locations: pkg.locations.map((l) => ({ ...l })),
      via: r?.via ?? [],
      capabilities: outcome.capabilities,
      status: outcome.status,
      alerts: [],
    };
    if (pkg.bundled === true) entry.bundled = true;
    if (pkg.integrity !== null) entry.integrity = pkg.integrity;
    const resolved = redacted(pkg.resolved);
    if (resolved !== undefined && pkg.source !== 'file' && pkg.source !== 'link')
      entry.resolved = resolved;
    if (r !== undefined) entry.importer = r.importer;
    const lic = outcome.license;
    if (lic !== undefined) {
      const shown = lic.expression ?? lic.declared;
      if (shown !== undefined) entry.license = shown;
    }
    if (outcome.publisher !== undefined) entry.publisher = outcome.publisher;
    if (outcome.files !== undefined) entry.files = outcome.files;
    if (outcome.bytes !== undefined) entry.bytes = outcome.bytes;
    for (const f of outcome.failures)
      failures.push({ package: pkg.id, stage: f.stage, code: f.code, message: f.message });
    for (const note of outcome.notes ?? []) notes.push(`${pkg.name}@${pkg.version}: ${note}`);

    const own = [...outcome.alerts, ...(extraByPackage.get(pkg.id) ?? [])];
    if (input.licensePolicy !== undefined && lic !== undefined)
      for (const finding of evaluateLicensePolicy(lic, input.licensePolicy)) own.push(finding);
    addAlerts(pkg, own, entry);
    if (outcome.status === 'analysed' || outcome.status === 'cached') {
      entry.scores = packageScores(scoreInput(outcome, own));
      scored.push({ id: pkg.id, scores: entry.scores, direct: pkg.direct });
    }
    packages.push(entry);
  }

  // Alerts on project specs that resolve to no package (nothing installable): the project
  // itself is listed as a package so the alert has somewhere to point.
  for (const pa of orphanAlerts) {
    const id = `importer:${pa.importer}`;
    let entry = packages.find((p) => p.id === id);
    const pseudo: GraphPackage = {
      id,
      name: pa.importer === '.' ? 'project' : pa.importer,
      version: '',
      source: 'workspace',
      direct: false,
      dev: false,
      optional: false,
      resolved: null,
      integrity: null,
      aliases: [],
      locations: [],
    };
    if (entry === undefined) {
      entry = {
        id,
        name: pseudo.name,
        version: '',
        purl: purlOf(pseudo.name, ''),
        source: 'workspace',
        direct: false,
        dev: false,
        optional: false,
        locations: [{ file: pa.importer === '.' ? 'package.json' : `${pa.importer}/package.json` }],
        via: [],
        importer: pa.importer,
        capabilities: [],
        status: 'skipped',
        alerts: [],
      };
      packages.push(entry);
    }
    addAlerts(pseudo, [pa.alert], entry);
  }

  alerts.sort(
    (a, b) =>
      Number(b.blocking) - Number(a.blocking) ||
      compareActions(a.action, b.action) ||
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      cmp(a.package, b.package) ||
      cmp(a.type, b.type) ||
      cmp(a.key, b.key),
  );
  const order = new Map(alerts.map((a, i) => [a.key, i]));
  for (const p of packages) p.alerts.sort((x, y) => (order.get(x) ?? 0) - (order.get(y) ?? 0));

  const today = policy.today.toISOString().slice(0, 10);
  const acceptedRisks: ReportAcceptedRisk[] = policy.acceptedRisks.map((risk) => {
    const matched = riskUse.get(risk) ?? 0;
    return {
      file: configFile,
      line: risk.line,
      package: risk.name,
      range: risk.range,
      alerts: [...risk.alerts],
      reason: risk.reason,
      expires: risk.expires,
      status: risk.expires < today ? 'expired' : matched === 0 ? 'unused' : 'active',
      matched,
    };
  });

  const byAction = Object.fromEntries(ACTIONS.map((a) => [a, 0])) as Record<AlertAction, number>;
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const a of alerts) {
    byAction[a.action]++;
    bySeverity[a.severity]++;
  }
  const blocking = alerts.filter((a) => a.blocking).length;
  const complete = failures.length === 0;
  const warnings = [...input.warnings];
  // Notes are per package and can be many (a registry without user documents, say): the first
  // ones are shown, the count is complete.
  warnings.push(...notes.slice(0, MAX_NOTES));
  if (notes.length > MAX_NOTES)
    warnings.push(`${notes.length - MAX_NOTES} more checks could not compare; see --verbose`);
  for (const r of acceptedRisks)
    if (r.status === 'expired' && r.matched > 0)
      warnings.push(
        `the accepted risk for ${r.package} (${r.alerts.join(', ')}) at ${r.file}:${r.line} expired on ${r.expires}; its ${r.matched} alert${r.matched === 1 ? '' : 's'} apply again`,
      );

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: 'scan',
    generatedAt: input.now.toISOString(),
    tool: input.tool,
    ...(input.project === undefined ? {} : { project: input.project }),
    snapshot: input.snapshot,
    registry: input.registry,
    advisories: input.advisories,
    options: input.options,
    verdict: {
      healthy: blocking === 0,
      complete,
      exitCode: blocking > 0 ? 1 : complete ? 0 : 2,
      blocking,
    },
    summary: {
      packages: packages.filter((p) => !p.id.startsWith('importer:')).length,
      direct: packages.filter((p) => p.direct).length,
      dev: packages.filter((p) => p.dev).length,
      analysed: packages.filter((p) => p.status === 'analysed').length,
      cached: packages.filter((p) => p.status === 'cached').length,
      failed: packages.filter((p) => p.status === 'failed').length,
      alerts: alerts.length,
      byAction,
      bySeverity,
      accepted: alerts.filter((a) => a.accepted !== undefined).length,
    },
    scores: projectScores(scored),
    packages,
    alerts,
    failures,
    acceptedRisks,
    problems: input.problems,
    warnings,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
