/**
 * The score formula: every metric, weight, normalisation, limit and constant, and the
 * arithmetic that turns them into 0..100 scores. docs/scores.md is the specification; this
 * file implements it line for line, so a change here is a change there (and the other way).
 *
 * Why a table of metric definitions rather than code per category: the doc's tables and this
 * table can be compared row by row, and "leave unknown inputs out of both sums" is done once,
 * in one loop, instead of five times.
 *
 * Everything here works on input that index.ts has already validated; nothing here throws.
 */
import type { Category, Severity } from '../analyzer/kit.js';
import type { ScoreCategory, Scores } from '../report/types.js';

/** The five categories, in the order the report lists them. */
export const SCORE_CATEGORIES: readonly ScoreCategory[] = [
  'supplyChain',
  'quality',
  'maintenance',
  'vulnerability',
  'license',
];

/**
 * Which score an alert lowers. `other` goes to supply chain: the alerts we file there are
 * about the artifact itself (tarball anomalies, an integrity mismatch, an analysis that could
 * not finish), which is provenance, the supply-chain question.
 */
export const SCORE_CATEGORY_OF_ALERT: Readonly<Record<Category, ScoreCategory>> = {
  supplyChainRisk: 'supplyChain',
  quality: 'quality',
  maintenance: 'maintenance',
  vulnerability: 'vulnerability',
  license: 'license',
  other: 'supplyChain',
};

/**
 * Alert types that describe the project's policy, not the package: the same package gets
 * them in one project and not in another, so they do not count. Every other alert counts,
 * whatever its action, accepted or not (accepting a risk changes the verdict, not the package).
 */
export const POLICY_ALERT_TYPES: ReadonlySet<string> = new Set(['licensePolicyViolation']);

export interface ScoreAlert {
  category: Category;
  severity: Severity;
  /** The alert type; only used to leave out POLICY_ALERT_TYPES. */
  type?: string;
}

/**
 * Everything a package's scores depend on. An optional field left undefined means "unknown":
 * its metrics are left out of the category's sums (the others are renormalised), never
 * counted as zero. docs/scores.md §2 says where the caller gets each value.
 */
export interface ScoreInput {
  /** The package's alerts (every action, accepted or not). */
  alerts: readonly ScoreAlert[];
  /** Unpacked size in bytes (the tarball's entries summed). */
  bytes: number;
  /** Non-blank lines of JavaScript/TypeScript source; unknown when not counted. */
  linesOfCode?: number;
  /** Characters in the root README (0 when there is none); unknown when not read. */
  readmeLength?: number;
  /** Distinct names in the version's `dependencies` and `optionalDependencies`. */
  dependencyCount: number;
  /** Names in the version's `devDependencies`. */
  devDependencyCount: number;
  /** Distinct packages reachable through the package's dependencies in this snapshot. */
  transitiveDependencyCount?: number;
  /** The packument's `maintainers` list length; unknown when the registry omits it. */
  maintainerCount?: number;
  /** Versions listed in the packument. */
  versionCount?: number;
  /** Versions published in the last 365 / 60 / 30 / 7 days (see countRecentVersions). */
  versionsLastYear?: number;
  versionsLastTwoMonths?: number;
  versionsLastMonth?: number;
  versionsLastWeek?: number;
  /** 0..100 from the license class (see licenseQuality); unknown when not analysed. */
  licenseQuality?: number;
  /** Known vulnerabilities of this version; defaults to the alerts of category vulnerability. */
  vulnerabilityCount?: number;
  /** The package's direct dependencies (as resolved here) with a known vulnerability. */
  dependencyVulnerabilityCount?: number;
}

/** Alert counts per score category, cumulative: `high` counts high and critical alerts. */
export type AlertCounts = Record<ScoreCategory, Record<Severity, number>>;

interface MetricDefinition {
  name: string;
  category: ScoreCategory;
  weight: number;
  /** x, or undefined when unknown: the metric is then left out. */
  input: (input: ScoreInput, alerts: AlertCounts) => number | undefined;
  /** N(x); the result is clamped to [0, 1]. */
  normalise: (x: number) => number;
  /** l(x); the result is clamped to [0, 1]. Omitted: 1. */
  limit?: (x: number) => number;
}

export interface MetricResult {
  name: string;
  weight: number;
  x: number;
  n: number;
  limit: number;
}

export interface CategoryResult {
  /** The metrics that were known, in table order. */
  metrics: MetricResult[];
  /** Σ w·N / Σ w over the known metrics. */
  mean: number;
  /** The smallest limit of the known metrics (1 when none is lower). */
  limit: number;
  /** min(limit, mean), before γ. */
  base: number;
  /** 100 · base^γ, unrounded. */
  value: number;
}

export interface ScoreBreakdown {
  gamma: number;
  categories: Record<ScoreCategory, CategoryResult>;
  /** The overall score, unrounded. */
  overall: number;
  /** What decided the overall score: `mean` or the category whose cap was lowest. */
  overallFrom: 'mean' | ScoreCategory;
}

const SEVERITIES: readonly Severity[] = ['low', 'middle', 'high', 'critical'];

/**
 * The alert-count metrics (published table rows 1-4), one set per category. x counts the
 * alerts of that severity *or worse*: with exact counts, turning a low alert into a critical
 * one can raise the weighted mean (the low row recovers more than the saturated critical row
 * loses), and a worse alert must never raise a score.
 */
const ALERT_ROWS: readonly {
  severity: Severity;
  weight: number;
  normalise: (x: number) => number;
  limit: (x: number) => number;
}[] = [
  {
    severity: 'critical',
    weight: 1,
    normalise: (x) => Math.exp(-10 * x),
    limit: (x) => (x > 0 ? 0.25 : 1),
  },
  {
    severity: 'high',
    weight: 2,
    normalise: (x) => Math.exp(-x),
    limit: (x) => Math.max(0.25, 1 - x / 10),
  },
  {
    severity: 'middle',
    weight: 2,
    normalise: (x) => Math.exp(-x / 20),
    limit: (x) => Math.max(0.5, 1.15 - x / 20),
  },
  { severity: 'low', weight: 3, normalise: (x) => Math.exp(-x / 40), limit: () => 1 },
];

/** Bundle size is read in KiB: see docs/scores.md §3.2 for why not bytes. */
const BYTES_PER_KIB = 1024;

const OTHER_METRICS: readonly MetricDefinition[] = [
  // Supply chain. Download count is unknown offline and left out.
  {
    name: 'dependencyCount',
    category: 'supplyChain',
    weight: 1,
    input: (i) => i.dependencyCount,
    normalise: (x) => Math.exp(-x / 50),
  },
  {
    name: 'devDependencyCount',
    category: 'supplyChain',
    weight: 0.5,
    input: (i) => i.devDependencyCount,
    normalise: (x) => Math.exp(-x / 100),
  },
  {
    name: 'transitiveDependencyCount',
    category: 'supplyChain',
    weight: 1,
    input: (i) => i.transitiveDependencyCount,
    normalise: (x) => Math.exp(-x / 1000),
  },
  {
    name: 'totalDependencyCount',
    category: 'supplyChain',
    weight: 1,
    input: (i) =>
      i.transitiveDependencyCount === undefined
        ? undefined
        : i.transitiveDependencyCount + i.devDependencyCount,
    normalise: (x) => Math.exp(-x / 1000),
  },
  // Quality. Stargazers, forks and watchers live on a code host: left out.
  {
    name: 'readmeLength',
    category: 'quality',
    weight: 5,
    input: (i) => i.readmeLength,
    normalise: (x) => x / 100,
  },
  {
    name: 'bundleSize',
    category: 'quality',
    weight: 2,
    input: (i) => i.bytes / BYTES_PER_KIB,
    normalise: (x) => Math.exp(-x / 16384),
  },
  {
    name: 'linesOfCode',
    category: 'quality',
    weight: 0.5,
    input: (i) => i.linesOfCode,
    normalise: (x) => x / 50,
  },
  // Maintenance. Issues and commits live on a code host: left out.
  {
    name: 'maintainerCount',
    category: 'maintenance',
    weight: 5,
    input: (i) => i.maintainerCount,
    normalise: (x) => 1 - Math.exp(-x / 3),
    limit: (x) => (x === 0 ? 0 : 1),
  },
  {
    name: 'versionsLastYear',
    category: 'maintenance',
    weight: 5,
    input: (i) => i.versionsLastYear,
    normalise: (x) => 1 - Math.exp(-x / 12),
  },
  {
    name: 'versionsLastTwoMonths',
    category: 'maintenance',
    weight: 3,
    input: (i) => i.versionsLastTwoMonths,
    normalise: (x) => 1 - Math.exp(-x),
  },
  {
    name: 'versionsLastMonth',
    category: 'maintenance',
    weight: 2,
    input: (i) => i.versionsLastMonth,
    normalise: (x) => 1 - Math.exp(-x),
  },
  {
    name: 'versionsLastWeek',
    category: 'maintenance',
    weight: 1,
    input: (i) => i.versionsLastWeek,
    normalise: (x) => 1 - Math.exp(-x / 0.25),
  },
  {
    name: 'versionCount',
    category: 'maintenance',
    weight: 0.5,
    input: (i) => i.versionCount,
    normalise: (x) => 1 - Math.exp(-x / 10),
  },
  // Vulnerability.
  {
    name: 'vulnerabilityCount',
    category: 'vulnerability',
    weight: 1,
    // Counts are cumulative, so `low` is every vulnerability alert.
    input: (i, alerts) => i.vulnerabilityCount ?? alerts.vulnerability.low,
    normalise: (x) => 1 - x / 3,
  },
  {
    name: 'dependencyVulnerabilityCount',
    category: 'vulnerability',
    weight: 1,
    input: (i) => i.dependencyVulnerabilityCount,
    normalise: (x) => 1 - x,
    limit: (x) => (x > 0 ? 0.5 : 1),
  },
  // License.
  {
    name: 'licenseQuality',
    category: 'license',
    weight: 12,
    input: (i) => i.licenseQuality,
    normalise: (x) => x / 100,
  },
];

/** Every metric, grouped by category, alert rows first: the order of the doc's tables. */
export const METRICS: Readonly<Record<ScoreCategory, readonly MetricDefinition[]>> = (() => {
  const out = Object.create(null) as Record<ScoreCategory, MetricDefinition[]>;
  for (const category of SCORE_CATEGORIES) {
    out[category] = [
      ...ALERT_ROWS.map((row): MetricDefinition => ({
        name: `${row.severity}Alerts`,
        category,
        weight: row.weight,
        input: (_i, alerts) => alerts[category][row.severity],
        normalise: row.normalise,
        limit: row.limit,
      })),
      ...OTHER_METRICS.filter((m) => m.category === category),
    ];
  }
  return out;
})();

/** γ = clamp(GAMMA_MAX − GAMMA_SLOPE · log10(1 + size), GAMMA_MIN, GAMMA_MAX). */
export const GAMMA_MIN = 0.5;
export const GAMMA_MAX = 1;
export const GAMMA_SLOPE = 0.1;
/** Bytes per line when lines of code are unknown. */
export const BYTES_PER_LINE = 40;

/**
 * How far above a category's score the overall score may be. Supply chain and vulnerability
 * cap it outright (a single critical alert there is the package's story); the others lower
 * it but do not decide it alone.
 */
export const OVERALL_MARGIN: Readonly<Record<ScoreCategory, number>> = {
  supplyChain: 0,
  quality: 25,
  maintenance: 25,
  vulnerability: 0,
  license: 25,
};

/**
 * Added before flooring, so a value that is an integer in exact arithmetic but came out as
 * 36.99999999999999 in floating point is not floored to 36.
 */
export const FLOOR_EPSILON = 1e-9;

export function floorScore(value: number): number {
  return Math.min(100, Math.max(0, Math.floor(value + FLOOR_EPSILON)));
}

function clamp01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}

export function countAlerts(alerts: readonly ScoreAlert[]): AlertCounts {
  const counts = Object.create(null) as AlertCounts;
  for (const category of SCORE_CATEGORIES) {
    counts[category] = { low: 0, middle: 0, high: 0, critical: 0 };
  }
  for (const alert of alerts) {
    if (alert.type !== undefined && POLICY_ALERT_TYPES.has(alert.type)) continue;
    const bucket = counts[SCORE_CATEGORY_OF_ALERT[alert.category]];
    const rank = SEVERITIES.indexOf(alert.severity);
    for (let s = 0; s <= rank; s++) bucket[SEVERITIES[s] as Severity] += 1;
  }
  return counts;
}

export function gammaOf(input: ScoreInput): number {
  const size = input.linesOfCode ?? input.bytes / BYTES_PER_LINE;
  const gamma = GAMMA_MAX - GAMMA_SLOPE * Math.log10(1 + size);
  return Math.min(GAMMA_MAX, Math.max(GAMMA_MIN, gamma));
}

function categoryResult(
  category: ScoreCategory,
  input: ScoreInput,
  alerts: AlertCounts,
  gamma: number,
): CategoryResult {
  const metrics: MetricResult[] = [];
  let weightSum = 0;
  let weightedSum = 0;
  let limit = 1;
  for (const metric of METRICS[category]) {
    const x = metric.input(input, alerts);
    if (x === undefined) continue;
    const n = clamp01(metric.normalise(x));
    const l = metric.limit === undefined ? 1 : clamp01(metric.limit(x));
    metrics.push({ name: metric.name, weight: metric.weight, x, n, limit: l });
    weightSum += metric.weight;
    weightedSum += metric.weight * n;
    if (l < limit) limit = l;
  }
  // The alert rows are always known, so weightSum > 0.
  const mean = weightedSum / weightSum;
  const base = Math.min(limit, mean);
  return { metrics, mean, limit, base, value: 100 * Math.pow(base, gamma) };
}

export function scoreBreakdown(input: ScoreInput): ScoreBreakdown {
  const alerts = countAlerts(input.alerts);
  const gamma = gammaOf(input);
  const categories = Object.create(null) as Record<ScoreCategory, CategoryResult>;
  let sum = 0;
  for (const category of SCORE_CATEGORIES) {
    categories[category] = categoryResult(category, input, alerts, gamma);
    sum += categories[category].value;
  }
  let overall = sum / SCORE_CATEGORIES.length;
  let overallFrom: ScoreBreakdown['overallFrom'] = 'mean';
  for (const category of SCORE_CATEGORIES) {
    const cap = categories[category].value + OVERALL_MARGIN[category];
    if (cap < overall) {
      overall = cap;
      overallFrom = category;
    }
  }
  return { gamma, categories, overall, overallFrom };
}

export function scoresOf(breakdown: ScoreBreakdown): Scores {
  const c = breakdown.categories;
  return {
    supplyChain: floorScore(c.supplyChain.value),
    quality: floorScore(c.quality.value),
    maintenance: floorScore(c.maintenance.value),
    vulnerability: floorScore(c.vulnerability.value),
    license: floorScore(c.license.value),
    overall: floorScore(breakdown.overall),
  };
}

/** The keys a project aggregates: the five categories and overall. */
export const SCORE_KEYS: readonly (ScoreCategory | 'overall')[] = [...SCORE_CATEGORIES, 'overall'];

/**
 * A project's score in a key is at most this many points above its worst package's: in a
 * 2,000-package tree the mean barely moves for one terrible package, and it must show.
 */
export const PROJECT_MARGIN = 20;
/** A direct dependency's weight in the project mean (a transitive one weighs 1). */
export const DEFAULT_DIRECT_WEIGHT = 2;
/** How many of the lowest-scoring packages each key lists. */
export const DEFAULT_WORST_COUNT = 5;

export interface ProjectPackage {
  id: string;
  scores: Scores;
  direct: boolean;
}

export interface WorstEntry {
  package: string;
  score: number;
}

export interface ProjectScores {
  project: Scores;
  worst: Record<ScoreCategory | 'overall', WorstEntry[]>;
}

/** Lower score first, then package id by UTF-16 code units (locale-independent). */
function before(score: number, id: string, entry: WorstEntry): boolean {
  return score < entry.score || (score === entry.score && id < entry.package);
}

/**
 * Aggregates validated package scores. Scores and weights are integers, so every sum is
 * exact and the result does not depend on the order of `packages`; the worst lists are kept
 * sorted by a total order (ids are unique), so neither do they.
 */
export function aggregateProject(
  packages: readonly ProjectPackage[],
  directWeight: number,
  worstCount: number,
): ProjectScores {
  const project = {} as Scores;
  const worst = {} as ProjectScores['worst'];
  for (const key of SCORE_KEYS) {
    let weightSum = 0;
    let weightedSum = 0;
    let lowest = 100;
    const list: WorstEntry[] = [];
    for (const pkg of packages) {
      const score = pkg.scores[key];
      const weight = pkg.direct ? directWeight : 1;
      weightSum += weight;
      weightedSum += weight * score;
      if (score < lowest) lowest = score;
      insertWorst(list, pkg.id, score, worstCount);
    }
    const mean = weightSum === 0 ? 100 : weightedSum / weightSum;
    project[key] = floorScore(Math.min(mean, lowest + PROJECT_MARGIN));
    worst[key] = list;
  }
  return { project, worst };
}

/** Keeps `list` the `limit` lowest entries seen, sorted: O(limit) per package at worst. */
function insertWorst(list: WorstEntry[], id: string, score: number, limit: number): void {
  if (list.length === limit) {
    const last = list[limit - 1];
    // Most packages are not among the worst: reject them before allocating anything.
    if (last === undefined || !before(score, id, last)) return;
    list.pop();
  }
  let at = list.length;
  while (at > 0 && before(score, id, list[at - 1] as WorstEntry)) at--;
  list.splice(at, 0, { package: id, score });
}
