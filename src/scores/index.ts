/**
 * Package and project scores (0..100 per category, and overall) for `depwarden scan`.
 *
 * Pure and deterministic: a package's scores are a function of a ScoreInput alone (no clock,
 * no network, no locale), and a project's of its packages' scores as a set. The formula is
 * docs/scores.md, implemented in formula.ts; this file validates input (the numbers come from
 * tarballs and packuments, which are untrusted) and offers the helpers that turn analysis
 * results into ScoreInput fields.
 */
import type { Category, Severity } from '../analyzer/kit.js';
import type { LicenseClass } from '../intel/license/index.js';
import type { Scores } from '../report/types.js';
import {
  aggregateProject,
  DEFAULT_DIRECT_WEIGHT,
  DEFAULT_WORST_COUNT,
  SCORE_KEYS,
  scoreBreakdown,
  scoresOf,
  type ProjectPackage,
  type ProjectScores,
  type ScoreBreakdown,
  type ScoreInput,
} from './formula.js';

export {
  DEFAULT_DIRECT_WEIGHT,
  DEFAULT_WORST_COUNT,
  GAMMA_MAX,
  GAMMA_MIN,
  GAMMA_SLOPE,
  OVERALL_MARGIN,
  POLICY_ALERT_TYPES,
  PROJECT_MARGIN,
  SCORE_CATEGORIES,
  SCORE_CATEGORY_OF_ALERT,
  type CategoryResult,
  type MetricResult,
  type ProjectPackage,
  type ProjectScores,
  type ScoreAlert,
  type ScoreBreakdown,
  type ScoreInput,
  type WorstEntry,
} from './formula.js';

/** More alerts than this on one package is not an analysis result we can trust. */
export const MAX_ALERTS = 100_000;
/** Upper bound of every count and size field (2^40: a terabyte, a trillion versions). */
export const MAX_COUNT = 2 ** 40;
export const MAX_WORST_COUNT = 100;
export const MAX_DIRECT_WEIGHT = 100;

const CATEGORIES: ReadonlySet<string> = new Set<Category>([
  'supplyChainRisk',
  'quality',
  'maintenance',
  'vulnerability',
  'license',
  'other',
]);
const SEVERITIES: ReadonlySet<string> = new Set<Severity>(['low', 'middle', 'high', 'critical']);

const REQUIRED_COUNTS = ['bytes', 'dependencyCount', 'devDependencyCount'] as const;
const OPTIONAL_COUNTS = [
  'linesOfCode',
  'readmeLength',
  'transitiveDependencyCount',
  'maintainerCount',
  'versionCount',
  'versionsLastYear',
  'versionsLastTwoMonths',
  'versionsLastMonth',
  'versionsLastWeek',
  'vulnerabilityCount',
  'dependencyVulnerabilityCount',
] as const;

function checkCount(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_COUNT) {
    throw new RangeError(`${name} must be an integer from 0 to 2^40, got ${String(value)}`);
  }
}

/** Throws TypeError/RangeError on input the formula is not defined for. */
export function validateScoreInput(input: ScoreInput): void {
  if (typeof input !== 'object' || input === null) throw new TypeError('input must be an object');
  if (!Array.isArray(input.alerts)) throw new TypeError('alerts must be an array');
  if (input.alerts.length > MAX_ALERTS) {
    throw new RangeError(`too many alerts: ${input.alerts.length} > ${MAX_ALERTS}`);
  }
  for (const alert of input.alerts) {
    if (typeof alert !== 'object' || alert === null) throw new TypeError('alert must be an object');
    if (!CATEGORIES.has(alert.category)) {
      throw new TypeError(`unknown alert category ${JSON.stringify(alert.category)}`);
    }
    if (!SEVERITIES.has(alert.severity)) {
      throw new TypeError(`unknown alert severity ${JSON.stringify(alert.severity)}`);
    }
    if (alert.type !== undefined && typeof alert.type !== 'string') {
      throw new TypeError('alert type must be a string');
    }
  }
  for (const name of REQUIRED_COUNTS) checkCount(name, input[name]);
  for (const name of OPTIONAL_COUNTS) {
    if (input[name] !== undefined) checkCount(name, input[name]);
  }
  const quality = input.licenseQuality;
  if (quality !== undefined && !(typeof quality === 'number' && quality >= 0 && quality <= 100)) {
    throw new RangeError(`licenseQuality must be a number from 0 to 100, got ${String(quality)}`);
  }
}

/** A package's scores: docs/scores.md §1-§4. */
export function packageScores(input: ScoreInput): Scores {
  validateScoreInput(input);
  return scoresOf(scoreBreakdown(input));
}

/** Every intermediate value of packageScores (metrics, limits, γ), for `--explain` and tests. */
export function explainPackageScores(input: ScoreInput): ScoreBreakdown {
  validateScoreInput(input);
  return scoreBreakdown(input);
}

export interface ProjectScoreOptions {
  /** A direct dependency's weight in the mean, an integer 1..100 (default 2). */
  directWeight?: number;
  /** How many packages each worst list holds, 0..100 (default 5). */
  worstCount?: number;
}

/**
 * A project's scores and its lowest-scoring packages per key: docs/scores.md §5. Package ids
 * must be unique; an empty project scores 100 everywhere with empty lists.
 */
export function projectScores(
  packages: readonly ProjectPackage[],
  opts: ProjectScoreOptions = {},
): ProjectScores {
  const directWeight = opts.directWeight ?? DEFAULT_DIRECT_WEIGHT;
  const worstCount = opts.worstCount ?? DEFAULT_WORST_COUNT;
  if (!Number.isInteger(directWeight) || directWeight < 1 || directWeight > MAX_DIRECT_WEIGHT) {
    throw new RangeError(`directWeight must be an integer from 1 to ${MAX_DIRECT_WEIGHT}`);
  }
  if (!Number.isInteger(worstCount) || worstCount < 0 || worstCount > MAX_WORST_COUNT) {
    throw new RangeError(`worstCount must be an integer from 0 to ${MAX_WORST_COUNT}`);
  }
  if (!Array.isArray(packages)) throw new TypeError('packages must be an array');
  const seen = new Set<string>();
  for (const pkg of packages) {
    if (typeof pkg?.id !== 'string') throw new TypeError('package id must be a string');
    if (seen.has(pkg.id)) throw new TypeError(`duplicate package id ${JSON.stringify(pkg.id)}`);
    seen.add(pkg.id);
    if (typeof pkg.direct !== 'boolean') throw new TypeError(`${pkg.id}: direct must be boolean`);
    for (const key of SCORE_KEYS) {
      const score: unknown = pkg.scores?.[key];
      if (typeof score !== 'number' || !Number.isInteger(score) || score < 0 || score > 100) {
        throw new RangeError(`${pkg.id}: ${key} score must be an integer from 0 to 100`);
      }
    }
  }
  return aggregateProject(packages, directWeight, worstCount);
}

/**
 * licenseQuality from the effective license class: how freely a user may use the package.
 * Copyleft costs by how far its obligations reach; a license we cannot identify grants
 * nothing we can rely on, and a non-permissive one forbids uses outright.
 */
export const LICENSE_QUALITY: Readonly<Record<LicenseClass, number>> = {
  permissive: 100,
  weakCopyleft: 70,
  strongCopyleft: 50,
  networkCopyleft: 30,
  unknown: 0,
  nonpermissive: 0,
};

export function licenseQuality(licenseClass: LicenseClass): number {
  return LICENSE_QUALITY[licenseClass];
}

const DAY_MS = 86_400_000;
/** The windows of the versionsLast* inputs, in days. */
export const RECENT_WINDOWS_DAYS = { year: 365, twoMonths: 60, month: 30, week: 7 } as const;

export interface RecentVersions {
  versionsLastYear: number;
  versionsLastTwoMonths: number;
  versionsLastMonth: number;
  versionsLastWeek: number;
}

/**
 * Counts publish times (epoch ms) in each window ending at `now`: `now − days < t ≤ now`.
 * `now` is the scan's reference time, passed in so the same inputs give the same counts;
 * times after it (clock skew, a later publish) and unparseable ones (NaN) are not counted.
 * The caller passes the packument's version times only (not `created` or `modified`).
 */
export function countRecentVersions(publishTimes: Iterable<number>, now: number): RecentVersions {
  if (!Number.isFinite(now)) throw new RangeError('now must be a finite time');
  const out: RecentVersions = {
    versionsLastYear: 0,
    versionsLastTwoMonths: 0,
    versionsLastMonth: 0,
    versionsLastWeek: 0,
  };
  for (const t of publishTimes) {
    if (!(t <= now)) continue;
    const age = now - t;
    if (age < RECENT_WINDOWS_DAYS.year * DAY_MS) out.versionsLastYear++;
    if (age < RECENT_WINDOWS_DAYS.twoMonths * DAY_MS) out.versionsLastTwoMonths++;
    if (age < RECENT_WINDOWS_DAYS.month * DAY_MS) out.versionsLastMonth++;
    if (age < RECENT_WINDOWS_DAYS.week * DAY_MS) out.versionsLastWeek++;
  }
  return out;
}
