/**
 * What the three human report formats (terminal, Markdown, HTML) share: the verdict sentence,
 * the summary facts, alert grouping and ordering, how a package is reached, severity and
 * action names, and the per-alert "what to do" text.
 *
 * Why a view layer: the formats differ only in markup and escaping, so every decision about
 * *what* is said lives here once and the renderers only decide *how* it looks. Every string
 * that comes from a package, a lockfile or socket.yml goes through `sanitize` here, so no
 * renderer can forget it; renderers then escape for their own syntax (Markdown, HTML).
 * Everything is a pure function of the report: no clock, no environment.
 */
import type { Severity } from '../analyzer/kit.js';
import { alertInfo, type AlertAction } from '../alerts/index.js';
import type {
  ReportAcceptedRisk,
  ReportAlert,
  ReportEvidence,
  ReportPackage,
  ReportProblem,
  ScanReport,
  ScoreCategory,
} from '../report/types.js';
import { sanitize } from '../util/text.js';

/** Most important first. */
export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'middle', 'low'];
/** Most important first. */
export const ACTION_ORDER: readonly AlertAction[] = ['error', 'warn', 'monitor', 'ignore'];
export const SCORE_ORDER: readonly (ScoreCategory | 'overall')[] = [
  'overall',
  'supplyChain',
  'quality',
  'maintenance',
  'vulnerability',
  'license',
];

/** Evidence items shown per alert unless verbose: the first few make the point. */
export const DEFAULT_EVIDENCE = 3;
/** Upper bound on evidence items even when verbose (a detector may record hundreds). */
export const MAX_EVIDENCE = 50;
/** Items per list section (failures, problems, accepted risks, warnings) before "… N more". */
export const MAX_LIST_ITEMS = 50;

const MESSAGE_CHARS = 500;
const NAME_CHARS = 214; // npm's own limit on package names
const SNIPPET_CHARS = 200;

/** The catalogue's `middle` is what users call medium. */
export function severityName(s: Severity): string {
  return s === 'middle' ? 'medium' : s;
}

/** Users read "Block", not the policy word "error". */
export function actionName(a: AlertAction): string {
  return { error: 'Block', warn: 'Warn', monitor: 'Monitor', ignore: 'Ignore' }[a];
}

export function scoreName(c: ScoreCategory | 'overall'): string {
  return {
    overall: 'overall',
    supplyChain: 'supply chain',
    quality: 'quality',
    maintenance: 'maintenance',
    vulnerability: 'vulnerability',
    license: 'license',
  }[c];
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** The first 12 hex digits name a snapshot well enough for a human (git does the same). */
export function shortId(id: string): string {
  return sanitize(id.slice(0, 12));
}

/** `YYYY-MM-DD` of an ISO timestamp; the raw text (sanitised) when it is not one. */
export function dateOf(iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined;
  return /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : sanitize(iso, 40);
}

export type VerdictState = 'healthy' | 'blocked' | 'incomplete';

export interface Verdict {
  state: VerdictState;
  /** `HEALTHY`, `BLOCKED: 2 blocking alerts`, `INCOMPLETE: 1 package not analysed`. */
  headline: string;
  /** Set when a blocked report is also incomplete: both facts matter. */
  also?: string;
}

function notAnalysed(report: ScanReport): string {
  const failedPackages = report.summary.failed;
  return failedPackages > 0
    ? `${plural(failedPackages, 'package')} not analysed`
    : `${plural(report.failures.length, 'failure')} during the scan`;
}

export function verdictOf(report: ScanReport): Verdict {
  const incomplete = !report.verdict.complete;
  if (!report.verdict.healthy) {
    const headline = `BLOCKED: ${plural(report.verdict.blocking, 'blocking alert')}`;
    return incomplete
      ? { state: 'blocked', headline, also: `INCOMPLETE: ${notAnalysed(report)}` }
      : { state: 'blocked', headline };
  }
  if (incomplete) return { state: 'incomplete', headline: `INCOMPLETE: ${notAnalysed(report)}` };
  return { state: 'healthy', headline: 'HEALTHY' };
}

/** `ok, data up to 2026-11-27, 21450 records`: how current the advisory data is. */
export function advisoryText(report: ScanReport): string {
  const a = report.advisories;
  const parts: string[] = [a.status];
  const newest = dateOf(a.newestModified) ?? dateOf(a.importedAt);
  if (newest !== undefined) parts.push(`data up to ${newest}`);
  if (a.records !== undefined) parts.push(plural(a.records, 'record'));
  if (a.online.length > 0)
    parts.push(`also asked ${a.online.map((s) => sanitize(s, 40)).join(', ')}`);
  return parts.join(', ');
}

export function packagesText(report: ScanReport): string {
  const s = report.summary;
  return `${plural(s.packages, 'package')} (${s.direct} direct, ${s.dev} dev)`;
}

export function analysisText(report: ScanReport): string {
  const s = report.summary;
  return `${s.analysed} analysed, ${s.cached} from cache, ${s.failed} failed`;
}

export function alertCountsText(report: ScanReport): string {
  const by = report.summary.byAction;
  return ACTION_ORDER.map((a) => `${by[a]} ${actionName(a).toLowerCase()}`).join(', ');
}

export function acceptedRisksText(report: ScanReport): string {
  const count = { active: 0, expired: 0, unused: 0 };
  for (const r of report.acceptedRisks) count[r.status]++;
  return `${count.active} active, ${count.expired} expired, ${count.unused} unused`;
}

/** Package lookup by id. A Map, so hostile ids such as `__proto__` are ordinary keys. */
export type PackageIndex = ReadonlyMap<string, ReportPackage>;

export function indexPackages(report: ScanReport): PackageIndex {
  return new Map(report.packages.map((p) => [p.id, p]));
}

/** `name@version` of a package id, sanitised; the bare id when the package is not listed. */
export function packageLabel(index: PackageIndex, id: string): string {
  const p = index.get(id);
  if (p === undefined) return sanitize(id.replace(/^[a-z]+:/, ''), NAME_CHARS);
  return sanitize(p.version === '' ? p.name : `${p.name}@${p.version}`, NAME_CHARS + 40);
}

/**
 * How a package is reached, in words: `direct`, `direct, dev`, or the chain
 * `express@4.21.2 › body-parser@1.20.3 › qs@6.5.2` (from the direct dependency to the package).
 */
export function reachText(p: ReportPackage | undefined): string {
  if (p === undefined) return 'not in the dependency graph';
  const tags = [...(p.dev ? ['dev'] : []), ...(p.optional ? ['optional'] : [])];
  const where = p.direct || p.via.length <= 1 ? 'direct' : viaText(p.via);
  return [where, ...tags].join(', ');
}

/** Long chains keep both ends: the direct dependency and the package are what users act on. */
export function viaText(via: readonly string[]): string {
  const names = via.map((v) => sanitize(v, 80));
  const shown = names.length > 8 ? [...names.slice(0, 3), '…', ...names.slice(-3)] : names;
  return shown.join(' › ');
}

/** The direct dependency that brings the package in (what a PR author changed). */
export function introducedBy(index: PackageIndex, id: string): string {
  const p = index.get(id);
  const first = p?.via[0];
  return first === undefined ? packageLabel(index, id) : sanitize(first, NAME_CHARS + 40);
}

/** `package-lock.json:812`, where the lockfile lists the package. */
export function manifestText(p: ReportPackage | undefined): string | undefined {
  const loc = p?.locations[0];
  if (loc === undefined) return undefined;
  return sanitize(loc.line === undefined ? loc.file : `${loc.file}:${loc.line}`);
}

export interface EvidenceView {
  /** `file:line:column`, sanitised. */
  location: string;
  snippet?: string;
}

export function evidenceView(e: ReportEvidence): EvidenceView {
  let location = sanitize(e.file);
  if (e.line !== undefined) {
    location += `:${e.line}`;
    if (e.column !== undefined) location += `:${e.column}`;
  }
  return e.snippet === undefined || e.snippet === ''
    ? { location }
    : { location, snippet: sanitize(e.snippet, SNIPPET_CHARS) };
}

export interface AcceptanceView {
  kind: 'accepted' | 'expired';
  /** `accepted until 2027-01-31: reason (socket.yml:8)` or the loud expired sentence. */
  text: string;
}

export interface AlertView {
  alert: ReportAlert;
  package: ReportPackage | undefined;
  /** Sanitised texts. */
  packageLabel: string;
  title: string;
  type: string;
  message: string;
  /** What the alert type means, from the catalogue ('' when it has none). */
  description: string;
  reach: string;
  introducedBy: string;
  manifest: string | undefined;
  severity: string;
  action: string;
  /** Shown items (capped) and how many more exist. */
  evidence: EvidenceView[];
  moreEvidence: number;
  fix: string;
  acceptance?: AcceptanceView;
  docs: string;
}

function acceptanceView(alert: ReportAlert): AcceptanceView | undefined {
  const where = (r: { file: string; line: number }) => `${sanitize(r.file)}:${r.line}`;
  if (alert.acceptanceExpired !== undefined) {
    const r = alert.acceptanceExpired;
    return {
      kind: 'expired',
      text: `ACCEPTANCE EXPIRED on ${sanitize(r.expires, 20)}: ${sanitize(r.reason, MESSAGE_CHARS)} (${where(r)}); this alert applies again: fix it, or renew the entry with a new date`,
    };
  }
  if (alert.accepted !== undefined) {
    const r = alert.accepted;
    return {
      kind: 'accepted',
      text: `accepted until ${sanitize(r.expires, 20)}: ${sanitize(r.reason, MESSAGE_CHARS)} (${where(r)})`,
    };
  }
  return undefined;
}

export function alertView(index: PackageIndex, alert: ReportAlert, maxEvidence: number): AlertView {
  const p = index.get(alert.package);
  const shown = Math.min(alert.evidence.length, maxEvidence, MAX_EVIDENCE);
  const acceptance = acceptanceView(alert);
  const fix =
    alert.fix.type === 'upgrade' && alert.fix.version !== undefined && alert.fix.description === ''
      ? `upgrade to ${alert.fix.version} or later`
      : alert.fix.description;
  return {
    alert,
    package: p,
    packageLabel: packageLabel(index, alert.package),
    title: sanitize(alert.title, 120),
    type: sanitize(alert.type, 80),
    message: sanitize(alert.message, MESSAGE_CHARS),
    description: alertInfo(alert.type)?.description ?? '',
    reach: reachText(p),
    introducedBy: introducedBy(index, alert.package),
    manifest: manifestText(p),
    severity: severityName(alert.severity),
    action: actionName(alert.action),
    evidence: alert.evidence.slice(0, shown).map(evidenceView),
    moreEvidence: alert.evidence.length - shown,
    fix: sanitize(fix, MESSAGE_CHARS),
    ...(acceptance === undefined ? {} : { acceptance }),
    docs: sanitize(alert.docs, 120),
  };
}

export interface SeverityGroup<T> {
  severity: Severity;
  items: T[];
}
export interface ActionGroup<T> {
  action: AlertAction;
  count: number;
  severities: SeverityGroup<T>[];
}

/**
 * Alerts grouped by action (Block, Warn, Monitor, then Ignore when asked for) and within by
 * severity, most important first; report order (package, then type) is kept inside a group.
 * Empty groups are left out.
 */
export function groupAlerts<T extends { alert: ReportAlert }>(
  items: readonly T[],
  includeIgnored: boolean,
): ActionGroup<T>[] {
  const groups: ActionGroup<T>[] = [];
  for (const action of ACTION_ORDER) {
    if (action === 'ignore' && !includeIgnored) continue;
    const ofAction = items.filter((i) => i.alert.action === action);
    if (ofAction.length === 0) continue;
    const severities = SEVERITY_ORDER.map((severity) => ({
      severity,
      items: ofAction.filter((i) => i.alert.severity === severity),
    })).filter((g) => g.items.length > 0);
    groups.push({ action, count: ofAction.length, severities });
  }
  return groups;
}

/**
 * The alerts in order of importance: blocking first, then action, severity, and the report's
 * own order. The report is already sorted this way; sorting again (stably) means a renderer
 * that truncates never drops a blocking alert because of an unsorted input.
 */
export function alertsByImportance(report: ScanReport): ReportAlert[] {
  const rank = (a: ReportAlert) =>
    (a.blocking ? 0 : 100) +
    ACTION_ORDER.indexOf(a.action) * 10 +
    SEVERITY_ORDER.indexOf(a.severity);
  return report.alerts
    .map((a, i) => ({ a, i, r: rank(a) }))
    .sort((x, y) => x.r - y.r || x.i - y.i)
    .map((x) => x.a);
}

export function failureText(index: PackageIndex, f: ScanReport['failures'][number]): string {
  const message = sanitize(f.message, MESSAGE_CHARS);
  const label = f.package === undefined ? undefined : packageLabel(index, f.package);
  // Engine messages often start with the package already; saying it twice reads as a bug.
  const who = label === undefined || message.startsWith(`${label}:`) ? '' : `${label}: `;
  return `${who}${f.stage} failed: ${message} [${sanitize(f.code, 60)}]`;
}

export interface AcceptedRiskView {
  status: ReportAcceptedRisk['status'];
  /** `socket.yml:8`. */
  where: string;
  /** `qs@6.5.2: cve`. */
  what: string;
  text: string;
}

export function acceptedRiskView(r: ReportAcceptedRisk): AcceptedRiskView {
  const where = `${sanitize(r.file)}:${r.line}`;
  const what = `${sanitize(r.package, NAME_CHARS)}@${sanitize(r.range, 80)}: ${r.alerts.map((a) => sanitize(a, 80)).join(', ')}`;
  const reason = sanitize(r.reason, MESSAGE_CHARS);
  const expires = sanitize(r.expires, 20);
  const text = {
    active: `active until ${expires}, matched ${plural(r.matched, 'alert')}: ${reason}`,
    expired: `EXPIRED on ${expires}: matched alerts apply again (${r.matched}); renew or remove it (${reason})`,
    unused: `unused: matched no alert (expires ${expires}); remove it or correct the package or alert names (${reason})`,
  }[r.status];
  return { status: r.status, where, what, text };
}

export interface ProblemView {
  severity: ReportProblem['severity'];
  where?: string;
  message: string;
  code: string;
  hint?: string;
}

export function problemView(p: ReportProblem): ProblemView {
  let where: string | undefined;
  if (p.file !== undefined) {
    where = sanitize(p.file);
    if (p.line !== undefined) where += `:${p.line}${p.column === undefined ? '' : `:${p.column}`}`;
  }
  return {
    severity: p.severity,
    ...(where === undefined ? {} : { where }),
    message: sanitize(p.message, MESSAGE_CHARS),
    code: sanitize(p.code, 60),
    ...(p.hint === undefined ? {} : { hint: sanitize(p.hint, MESSAGE_CHARS) }),
  };
}

export interface ScoreLine {
  category: ScoreCategory | 'overall';
  name: string;
  project: number;
  /** The lowest-scoring packages, sanitised labels. */
  lowest: { label: string; score: number }[];
}

/** Project score per category with its lowest packages (at most `perCategory`). */
export function scoreLines(
  report: ScanReport,
  index: PackageIndex,
  perCategory: number,
): ScoreLine[] {
  return SCORE_ORDER.map((category) => ({
    category,
    name: scoreName(category),
    project: report.scores.project[category],
    lowest: (report.scores.worst[category] ?? [])
      .slice(0, perCategory)
      .filter((w) => w.score < 100)
      .map((w) => ({ label: packageLabel(index, w.package), score: w.score })),
  }));
}

/**
 * A `socket.yml` entry that accepts this alert, for the user to paste and complete. The
 * suggested expiry is 90 days after the report was made (not "today": renderers are pure),
 * and the reason is a placeholder the user must replace.
 */
export function acceptRiskYaml(view: AlertView, generatedAt: string): string {
  const p = view.package;
  const spec =
    p === undefined ? view.packageLabel : `${p.name}@${p.version === '' ? '*' : p.version}`;
  return [
    'acceptedRisks:',
    `  - package: ${yamlScalar(spec)}`,
    `    alerts: [${yamlScalar(view.alert.type)}]`,
    `    reason: ${yamlScalar('TODO: say why this risk is acceptable')}`,
    `    expires: ${addDays(generatedAt, 90)}`,
  ].join('\n');
}

/**
 * Plain when unambiguous, otherwise a double-quoted YAML string (JSON's escapes are valid
 * YAML). Markup characters become `\u` escapes so the snippet is inert in any format.
 */
function yamlScalar(text: string): string {
  const safe = sanitize(text, NAME_CHARS + 40);
  if (/^[A-Za-z0-9][A-Za-z0-9._/-]*(@[A-Za-z0-9.+_-]+)?$/.test(safe)) return safe;
  return JSON.stringify(safe).replace(
    /[<>&`]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function addDays(iso: string, days: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'YYYY-MM-DD';
  return new Date(t + days * 86_400_000).toISOString().slice(0, 10);
}
