/**
 * The diff report: what `depwarden diff <base> <head>` says about a change to the dependency
 * tree, as plain JSON (the `--format json` output) that the Markdown and terminal renderers
 * are pure functions of.
 *
 * Why its own model rather than two scan reports: a pull-request check must be decided by
 * what the change *introduces* (new packages, new versions, new alerts), not by the state of
 * the whole tree, or every pull request on a repository with one old warning would fail. The
 * comparison rules live in diff.ts and docs/diff.md; this file is only the shape.
 *
 * Like the scan report: no Maps, no Dates, no undefined inside arrays; optional fields are
 * absent, never null.
 */
import type {
  ReportAlert,
  ReportFailure,
  ReportPackage,
  ScanReport,
  Scores,
} from '../report/types.js';

export const DIFF_SCHEMA_VERSION = 1;

export type ChangeKind = 'added' | 'removed' | 'upgraded' | 'downgraded' | 'changed';

/** The order changes are listed in: what a reviewer must look at first. */
export const CHANGE_KIND_ORDER: readonly ChangeKind[] = [
  'added',
  'upgraded',
  'downgraded',
  'changed',
  'removed',
];

/** One side (base or head) of a package change. */
export interface PackageSide {
  /** ReportPackage.id in that side's report. */
  id: string;
  version: string;
  source: ReportPackage['source'];
  integrity?: string;
  scores?: Scores;
  capabilities: string[];
  publisher?: string;
  bytes?: number;
}

export interface PackageChange {
  kind: ChangeKind;
  name: string;
  /** The base side; absent for `added`. */
  from?: PackageSide;
  /** The head side; absent for `removed`. */
  to?: PackageSide;
  /** From the head side, or the base side for `removed`. */
  direct: boolean;
  dev: boolean;
  /** Sorted. For `added` every capability of the package; for `removed`, none. */
  capabilitiesAdded: string[];
  /** Sorted. For `removed` every capability the package had; for `added`, none. */
  capabilitiesRemoved: string[];
  /** Both sides name a publisher and they differ (a new npm account published this version). */
  publisherChanged?: { from: string; to: string };
}

/** What the diff says about one scanned side. */
export interface DiffSide {
  /** What the caller named it: a git ref (`origin/main`, `HEAD`) or a directory. */
  label: string;
  snapshotId: string;
  generatedAt: string;
  packages: number;
  alerts: number;
  verdict: ScanReport['verdict'];
}

/** A base alert whose identity no head alert has: the change fixed or removed it. */
export interface ResolvedAlert {
  type: string;
  /** Package name and version in base. */
  name: string;
  version: string;
}

export interface DiffReport {
  schemaVersion: typeof DIFF_SCHEMA_VERSION;
  kind: 'diff';
  /** ISO 8601 UTC: head's generatedAt (the diff adds no clock of its own). */
  generatedAt: string;
  base: DiffSide;
  head: DiffSide;
  /** Sorted by CHANGE_KIND_ORDER, then name, then version. */
  changes: PackageChange[];
  /** Head alerts whose identity no base alert has, most important first (blocking, action, severity). */
  newAlerts: ReportAlert[];
  /**
   * The head packages the new alerts are about (for "Introduced by" and "Manifest file"),
   * in newAlerts order, each once. A diff can then be rendered without the head report.
   */
  alertPackages: ReportPackage[];
  /** How many base alerts have no counterpart in head. */
  resolvedAlerts: number;
  /** Those alerts, in base order. */
  resolved: ResolvedAlert[];
  /** New alerts that block (ReportAlert.blocking). */
  newBlocking: number;
  verdict: {
    /** No new alert blocks. */
    healthy: boolean;
    /** The head scan analysed every package. */
    complete: boolean;
    /** 1 when a new alert blocks; else 2 when the head scan is incomplete; else 0. */
    exitCode: 0 | 1 | 2;
  };
  /** Head's failures (why the head scan is incomplete). */
  failures: ReportFailure[];
  /** Sentences about the comparison itself (e.g. an incomplete base), then head's warnings. */
  warnings: string[];
}
