/**
 * The comparison behind `depwarden diff <base> <head>`: two scan reports in, a DiffReport out.
 *
 * Two rules decide everything a pull-request check reports (docs/diff.md explains them to
 * users; keep both in step):
 *
 * - Package matching. Packages are matched by name. A name can appear with several versions
 *   in one tree, so the versions of a name are paired in three passes: the same package id
 *   (same source and version), then the same version from another source, then the closest
 *   remaining version: the smallest difference in major, then minor, then patch (so 1.2.0 pairs
 *   with 1.9.0 before 2.2.0). Each base version pairs with at most one head version; what is left
 *   over is `added` (head) or `removed` (base). A pair with the same version is `changed` when
 *   the source or the integrity differs (both known) and is not listed otherwise; different
 *   versions are `upgraded` or `downgraded`, or `changed` when they cannot be ordered (git
 *   commits, unresolved versions).
 * - New alerts. An alert's identity is its type, its package *name* (not version) and, for
 *   vulnerability alerts, the advisory id (props.ghsaId, else props.id, else props.cveId). A
 *   head alert is new when no base alert has its identity, or when it blocks and no base alert
 *   of its identity blocked (an acceptance of the old version does not cover the new one). So upgrading a package that
 *   already used the network raises no new networkAccess alert, while an upgrade that brings
 *   a different advisory does raise a new one. Only new alerts that block decide the verdict.
 *
 * Pure: no clock (generatedAt is head's), no I/O.
 */
import semver from 'semver';
import { alertsByImportance } from '../render/report-text.js';
import type { ReportAlert, ReportPackage, ScanReport } from '../report/types.js';
import {
  CHANGE_KIND_ORDER,
  DIFF_SCHEMA_VERSION,
  type ChangeKind,
  type DiffReport,
  type DiffSide,
  type PackageChange,
  type PackageSide,
  type ResolvedAlert,
} from './types.js';

/**
 * Above this many unpaired versions of one name on either side, the closest-version pass
 * pairs in sorted order instead of comparing every pair (which is quadratic). Real trees
 * hold a handful of versions per name; this only bounds hostile or generated ones.
 */
const MAX_CLOSEST_PAIRING = 256;

export interface DiffLabels {
  base: string;
  head: string;
}

export function diffReports(base: ScanReport, head: ScanReport, labels: DiffLabels): DiffReport {
  for (const r of [base, head])
    if (r.kind !== 'scan' || r.schemaVersion !== 1)
      throw new Error(
        `diffReports needs scan reports of schema 1, got ${r.kind} ${r.schemaVersion}`,
      );

  const changes = diffPackages(base.packages, head.packages);

  const baseNames = packageNames(base);
  const headNames = packageNames(head);
  const baseIdentities = new Set(base.alerts.map((a) => alertIdentity(a, baseNames(a.package))));
  const baseBlocking = new Set(
    base.alerts.filter((a) => a.blocking).map((a) => alertIdentity(a, baseNames(a.package))),
  );
  const headIdentities = new Set(head.alerts.map((a) => alertIdentity(a, headNames(a.package))));

  // New: an identity base did not have, or one that blocks now and blocked nowhere in base
  // (an acceptance written for the old version does not cover the upgrade; a policy the
  // change made stricter applies to the change).
  const newAlerts = alertsByImportance(head).filter((a) => {
    const id = alertIdentity(a, headNames(a.package));
    return !baseIdentities.has(id) || (a.blocking && !baseBlocking.has(id));
  });
  const basePackages = new Map(base.packages.map((p) => [p.id, p]));
  const resolved: ResolvedAlert[] = base.alerts
    .filter((a) => !headIdentities.has(alertIdentity(a, baseNames(a.package))))
    .map((a) => ({
      type: a.type,
      name: baseNames(a.package),
      version: basePackages.get(a.package)?.version ?? '',
    }));

  const headPackages = new Map(head.packages.map((p) => [p.id, p]));
  const alertPackages: ReportPackage[] = [];
  const seen = new Set<string>();
  for (const a of newAlerts) {
    const p = headPackages.get(a.package);
    if (p === undefined || seen.has(p.id)) continue;
    seen.add(p.id);
    alertPackages.push(p);
  }

  const newBlocking = newAlerts.filter((a) => a.blocking).length;
  const complete = head.verdict.complete;
  const warnings: string[] = [];
  if (!base.verdict.complete)
    warnings.push(
      `The base scan (${labels.base}) was incomplete: alerts of the packages it could not analyse are reported as new.`,
    );

  return {
    schemaVersion: DIFF_SCHEMA_VERSION,
    kind: 'diff',
    generatedAt: head.generatedAt,
    base: sideOf(base, labels.base),
    head: sideOf(head, labels.head),
    changes,
    newAlerts,
    alertPackages,
    resolvedAlerts: resolved.length,
    resolved,
    newBlocking,
    verdict: {
      healthy: newBlocking === 0,
      complete,
      exitCode: newBlocking > 0 ? 1 : complete ? 0 : 2,
    },
    failures: head.failures,
    warnings: [...warnings, ...head.warnings],
  };
}

/**
 * The identity that decides whether an alert is new: type, package name and, for
 * vulnerability alerts, the advisory id. A JSON array, so no separator can be forged by a
 * hostile package name.
 */
export function alertIdentity(alert: ReportAlert, packageName: string): string {
  const advisory = alert.category === 'vulnerability' ? advisoryId(alert.props) : undefined;
  return JSON.stringify([alert.type, packageName, advisory ?? null]);
}

function advisoryId(props: Record<string, unknown> | undefined): string | undefined {
  if (props === undefined) return undefined;
  for (const key of ['ghsaId', 'id', 'cveId']) {
    const value = props[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/** Package id → name; an id the report does not list is parsed (`<source>:<name>@<version>`). */
function packageNames(report: ScanReport): (id: string) => string {
  const names = new Map(report.packages.map((p) => [p.id, p.name]));
  return (id) => names.get(id) ?? nameFromId(id);
}

function nameFromId(id: string): string {
  const bare = id.replace(/^[a-z]+:/, '');
  const at = bare.lastIndexOf('@');
  return at > 0 ? bare.slice(0, at) : bare;
}

function sideOf(report: ScanReport, label: string): DiffSide {
  return {
    label,
    snapshotId: report.snapshot.id,
    generatedAt: report.generatedAt,
    packages: report.packages.length,
    alerts: report.alerts.length,
    verdict: report.verdict,
  };
}

/** Every package change between two package lists, sorted (kind, name, version). */
export function diffPackages(
  base: readonly ReportPackage[],
  head: readonly ReportPackage[],
): PackageChange[] {
  const baseByName = groupByName(base);
  const headByName = groupByName(head);
  const names = new Set([...baseByName.keys(), ...headByName.keys()]);
  const changes: PackageChange[] = [];
  for (const name of names) {
    for (const [from, to] of pairVersions(baseByName.get(name) ?? [], headByName.get(name) ?? [])) {
      const change = changeOf(name, from, to);
      if (change !== undefined) changes.push(change);
    }
  }
  return changes.sort(compareChanges);
}

function groupByName(packages: readonly ReportPackage[]): Map<string, ReportPackage[]> {
  const byName = new Map<string, ReportPackage[]>();
  for (const p of packages) {
    const list = byName.get(p.name);
    if (list === undefined) byName.set(p.name, [p]);
    else list.push(p);
  }
  return byName;
}

type Pair = [ReportPackage | undefined, ReportPackage | undefined];

/** The three passes of the matching rule (header comment). Linear in the versions of a name. */
function pairVersions(base: ReportPackage[], head: ReportPackage[]): Pair[] {
  const pairs: Pair[] = [];
  const paired = new Set<ReportPackage>();
  let restHead = head;
  for (const keyOf of [(p: ReportPackage) => p.id, (p: ReportPackage) => p.version]) {
    const free = new Map<string, ReportPackage[]>();
    for (const b of base) {
      if (paired.has(b)) continue;
      const list = free.get(keyOf(b));
      if (list === undefined) free.set(keyOf(b), [b]);
      else list.push(b);
    }
    const unpairedHead: ReportPackage[] = [];
    for (const h of restHead) {
      const b = free.get(keyOf(h))?.shift();
      if (b === undefined) unpairedHead.push(h);
      else {
        paired.add(b);
        pairs.push([b, h]);
      }
    }
    restHead = unpairedHead;
  }
  pairs.push(
    ...pairClosest(
      base.filter((b) => !paired.has(b)),
      restHead,
    ),
  );
  return pairs;
}

/**
 * Greedy closest pairing: every candidate pair sorted by distance (ties by head then base
 * version order, so the result does not depend on input order), taken while both ends are free.
 */
function pairClosest(base: ReportPackage[], head: ReportPackage[]): Pair[] {
  const b = [...base].sort(compareVersions);
  const h = [...head].sort(compareVersions);
  const pairs: Pair[] = [];
  if (b.length > MAX_CLOSEST_PAIRING || h.length > MAX_CLOSEST_PAIRING) {
    const n = Math.min(b.length, h.length);
    for (let i = 0; i < n; i++) pairs.push([b[i], h[i]]);
  } else {
    const candidates: { bi: number; hi: number; d: number[] }[] = [];
    for (let hi = 0; hi < h.length; hi++)
      for (let bi = 0; bi < b.length; bi++)
        candidates.push({ bi, hi, d: distance(b[bi]!.version, h[hi]!.version) });
    candidates.sort((x, y) => compareTuples(x.d, y.d) || x.hi - y.hi || x.bi - y.bi);
    const usedB = new Set<number>();
    const usedH = new Set<number>();
    for (const c of candidates) {
      if (usedB.has(c.bi) || usedH.has(c.hi)) continue;
      usedB.add(c.bi);
      usedH.add(c.hi);
      pairs.push([b[c.bi], h[c.hi]]);
    }
  }
  const pairedB = new Set(pairs.map((p) => p[0]));
  const pairedH = new Set(pairs.map((p) => p[1]));
  for (const p of h) if (!pairedH.has(p)) pairs.push([undefined, p]);
  for (const p of b) if (!pairedB.has(p)) pairs.push([p, undefined]);
  return pairs;
}

/**
 * How far apart two versions are, compared lexicographically: a major difference outweighs
 * any minor one. Versions that are not semver come after every semver pair, so a git
 * commit pairs with another git commit only when nothing better is left.
 */
function distance(a: string, b: string): number[] {
  const x = semver.parse(a);
  const y = semver.parse(b);
  if (x === null || y === null) return [x === null && y === null ? 1 : 2, 0, 0, 0, 0];
  return [
    0,
    Math.abs(x.major - y.major),
    Math.abs(x.minor - y.minor),
    Math.abs(x.patch - y.patch),
    x.prerelease.join('.') === y.prerelease.join('.') ? 0 : 1,
  ];
}

function compareTuples(x: number[], y: number[]): number {
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Semver order, non-semver versions last in code-point order, then id. */
function compareVersions(a: ReportPackage, b: ReportPackage): number {
  const va = semver.valid(a.version);
  const vb = semver.valid(b.version);
  if (va !== null && vb !== null) {
    const c = semver.compare(va, vb);
    if (c !== 0) return c;
  } else if (va !== null) return -1;
  else if (vb !== null) return 1;
  return codePointCompare(a.version, b.version) || codePointCompare(a.id, b.id);
}

function changeOf(
  name: string,
  from: ReportPackage | undefined,
  to: ReportPackage | undefined,
): PackageChange | undefined {
  const kind = kindOf(from, to);
  if (kind === undefined) return undefined;
  const current = to ?? from;
  if (current === undefined) return undefined;
  const before = new Set(from?.capabilities ?? []);
  const after = new Set(to?.capabilities ?? []);
  const change: PackageChange = {
    kind,
    name,
    ...(from === undefined ? {} : { from: sideOfPackage(from) }),
    ...(to === undefined ? {} : { to: sideOfPackage(to) }),
    direct: current.direct,
    dev: current.dev,
    capabilitiesAdded: [...after].filter((c) => !before.has(c)).sort(codePointCompare),
    capabilitiesRemoved: [...before].filter((c) => !after.has(c)).sort(codePointCompare),
  };
  if (
    from?.publisher !== undefined &&
    to?.publisher !== undefined &&
    from.publisher !== to.publisher
  )
    change.publisherChanged = { from: from.publisher, to: to.publisher };
  return change;
}

function kindOf(
  from: ReportPackage | undefined,
  to: ReportPackage | undefined,
): ChangeKind | undefined {
  if (from === undefined) return to === undefined ? undefined : 'added';
  if (to === undefined) return 'removed';
  if (from.version === to.version) {
    const integrityDiffers =
      from.integrity !== undefined && to.integrity !== undefined && from.integrity !== to.integrity;
    return from.source !== to.source || integrityDiffers ? 'changed' : undefined;
  }
  const a = semver.valid(from.version);
  const b = semver.valid(to.version);
  if (a === null || b === null) return 'changed';
  const order = semver.compare(a, b);
  return order < 0 ? 'upgraded' : order > 0 ? 'downgraded' : 'changed';
}

function sideOfPackage(p: ReportPackage): PackageSide {
  return {
    id: p.id,
    version: p.version,
    source: p.source,
    ...(p.integrity === undefined ? {} : { integrity: p.integrity }),
    ...(p.scores === undefined ? {} : { scores: p.scores }),
    capabilities: [...p.capabilities],
    ...(p.publisher === undefined ? {} : { publisher: p.publisher }),
    ...(p.bytes === undefined ? {} : { bytes: p.bytes }),
  };
}

function compareChanges(a: PackageChange, b: PackageChange): number {
  return (
    CHANGE_KIND_ORDER.indexOf(a.kind) - CHANGE_KIND_ORDER.indexOf(b.kind) ||
    codePointCompare(a.name, b.name) ||
    codePointCompare((a.to ?? a.from)?.version ?? '', (b.to ?? b.from)?.version ?? '')
  );
}

/** Locale-independent order, so output is the same on every machine. */
function codePointCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
