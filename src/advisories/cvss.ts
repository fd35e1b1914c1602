/**
 * CVSS base scores for the vectors OSV records carry in `severity[]`.
 *
 * CVSS v3.0 and v3.1 are computed here, from the specification's formula (FIRST, CVSS v3.1
 * Specification §7.1 and Appendix A; v3.0 Specification §8.1): the formula is twenty lines,
 * and owning it lets us validate vectors strictly (every base metric exactly once, known
 * values only, no duplicates) instead of trusting a hostile string to a library. The two
 * versions share the base formula and differ only in Roundup: v3.0 rounds up to one decimal
 * directly (which floating point sometimes overshoots: 4.000000001 → 4.1), v3.1 rounds up on an
 * integer scale to avoid exactly that. CVSS v4.0 scores come from ae-cvss-calculator (v4 is a
 * lookup over 270 macro-vectors, not a formula worth copying); it is loaded on first use, so
 * scans whose advisories carry only v3 vectors never load it.
 */
import { createRequire } from 'node:module';

export type CvssVersion = '3.0' | '3.1' | '4.0';

export interface CvssScore {
  version: CvssVersion;
  /** The vector as given (validated). */
  vector: string;
  /** 0.0–10.0, one decimal. */
  score: number;
}

/** The qualitative rating of a score (CVSS v3.1 §5, identical in v4.0). */
export type CvssRating = 'none' | 'low' | 'medium' | 'high' | 'critical';

/** Longest vector accepted: a full v4.0 vector with every optional metric is about 250 chars. */
const MAX_VECTOR_LENGTH = 400;

const V3_BASE = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  PR: { N: 0.85, L: 0.62, H: 0.27 },
  UI: { N: 0.85, R: 0.62 },
  S: { U: 0, C: 1 },
  C: { H: 0.56, L: 0.22, N: 0 },
  I: { H: 0.56, L: 0.22, N: 0 },
  A: { H: 0.56, L: 0.22, N: 0 },
} as const satisfies Record<string, Record<string, number>>;

/** Privileges Required weighs more when the scope changes (v3.1 spec §7.4). */
const PR_SCOPE_CHANGED = { N: 0.85, L: 0.68, H: 0.5 } as const;

/** Temporal and environmental metrics: allowed in a vector, ignored by the base score. */
const V3_OTHER: Readonly<Record<string, readonly string[]>> = {
  E: ['X', 'U', 'P', 'F', 'H'],
  RL: ['X', 'O', 'T', 'W', 'U'],
  RC: ['X', 'U', 'R', 'C'],
  CR: ['X', 'L', 'M', 'H'],
  IR: ['X', 'L', 'M', 'H'],
  AR: ['X', 'L', 'M', 'H'],
  MAV: ['X', 'N', 'A', 'L', 'P'],
  MAC: ['X', 'L', 'H'],
  MPR: ['X', 'N', 'L', 'H'],
  MUI: ['X', 'N', 'R'],
  MS: ['X', 'U', 'C'],
  MC: ['X', 'N', 'L', 'H'],
  MI: ['X', 'N', 'L', 'H'],
  MA: ['X', 'N', 'L', 'H'],
};

const V4_BASE: Readonly<Record<string, readonly string[]>> = {
  AV: ['N', 'A', 'L', 'P'],
  AC: ['L', 'H'],
  AT: ['N', 'P'],
  PR: ['N', 'L', 'H'],
  UI: ['N', 'P', 'A'],
  VC: ['H', 'L', 'N'],
  VI: ['H', 'L', 'N'],
  VA: ['H', 'L', 'N'],
  SC: ['H', 'L', 'N'],
  SI: ['H', 'L', 'N'],
  SA: ['H', 'L', 'N'],
};

/** Metric names of v4.0's optional groups; their values are checked by the library. */
const V4_OTHER = new Set([
  'E',
  'CR',
  'IR',
  'AR',
  'MAV',
  'MAC',
  'MAT',
  'MPR',
  'MUI',
  'MVC',
  'MVI',
  'MVA',
  'MSC',
  'MSI',
  'MSA',
  'S',
  'AU',
  'R',
  'V',
  'RE',
  'U',
]);

/**
 * The base score of a CVSS v3.0, v3.1 or v4.0 vector; undefined when the string is not a
 * complete, valid vector of one of those versions (CVSS v2 is not scored: no npm advisory
 * carries only a v2 vector).
 */
export function cvssScore(vector: string): CvssScore | undefined {
  if (typeof vector !== 'string' || vector.length > MAX_VECTOR_LENGTH) return undefined;
  if (vector.startsWith('CVSS:3.0/') || vector.startsWith('CVSS:3.1/')) return scoreV3(vector);
  if (vector.startsWith('CVSS:4.0/')) return scoreV4(vector);
  return undefined;
}

/** The qualitative rating of a score: 0 none, 0.1–3.9 low, 4.0–6.9 medium, 7.0–8.9 high, 9+ critical. */
export function cvssRating(score: number): CvssRating {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'none';
}

function parseMetrics(vector: string): Map<string, string> | undefined {
  const metrics = new Map<string, string>();
  const parts = vector.split('/');
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i] ?? '';
    const colon = part.indexOf(':');
    if (colon <= 0 || colon === part.length - 1) return undefined;
    const key = part.slice(0, colon);
    if (metrics.has(key)) return undefined;
    metrics.set(key, part.slice(colon + 1));
  }
  return metrics;
}

function scoreV3(vector: string): CvssScore | undefined {
  const version: CvssVersion = vector.startsWith('CVSS:3.0/') ? '3.0' : '3.1';
  const metrics = parseMetrics(vector);
  if (metrics === undefined) return undefined;
  const base: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const [key, value] of metrics) {
    const weights = (V3_BASE as Record<string, Record<string, number>>)[key];
    if (weights !== undefined) {
      const weight = Object.hasOwn(weights, value) ? weights[value] : undefined;
      if (weight === undefined) return undefined;
      base[key] = weight;
    } else if (!(Object.hasOwn(V3_OTHER, key) && V3_OTHER[key]?.includes(value))) {
      return undefined;
    }
  }
  for (const key of Object.keys(V3_BASE)) if (base[key] === undefined) return undefined;
  const changed = metrics.get('S') === 'C';
  const pr = (changed ? PR_SCOPE_CHANGED : V3_BASE.PR)[metrics.get('PR') as 'N' | 'L' | 'H'];
  const iss = 1 - (1 - base.C!) * (1 - base.I!) * (1 - base.A!);
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 : 6.42 * iss;
  const exploitability = 8.22 * base.AV! * base.AC! * pr * base.UI!;
  const roundUp = version === '3.0' ? roundUpV30 : roundUpV31;
  let score = 0;
  if (impact > 0) {
    score = changed
      ? roundUp(Math.min(1.08 * (impact + exploitability), 10))
      : roundUp(Math.min(impact + exploitability, 10));
  }
  return { version, vector, score };
}

/** v3.1 Appendix A: round up to one decimal on an integer scale, immune to float noise. */
function roundUpV31(value: number): number {
  const scaled = Math.round(value * 100_000);
  return scaled % 10_000 === 0 ? scaled / 100_000 : (Math.floor(scaled / 10_000) + 1) / 10;
}

/** v3.0 §8.1: "the smallest number, specified to one decimal place, that is equal to or higher". */
function roundUpV30(value: number): number {
  return Math.ceil(value * 10) / 10;
}

interface Cvss4Class {
  new (vector: string): { calculateScores(): { base?: number; baseMetricsOnly?: number } };
}

let cvss4: Cvss4Class | undefined;

function scoreV4(vector: string): CvssScore | undefined {
  const metrics = parseMetrics(vector);
  if (metrics === undefined) return undefined;
  for (const [key, values] of Object.entries(V4_BASE)) {
    const value = metrics.get(key);
    if (value === undefined || !values.includes(value)) return undefined;
  }
  for (const key of metrics.keys())
    if (!Object.hasOwn(V4_BASE, key) && !V4_OTHER.has(key)) return undefined;
  try {
    cvss4 ??= loadCvss4();
    // CVSS-B: the base metrics only, as for v3 (threat metrics such as E:U lower `base`).
    const scores = new cvss4(vector).calculateScores();
    const score = scores.baseMetricsOnly ?? scores.base;
    if (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 10)
      return undefined;
    return { version: '4.0', vector, score: Math.round(score * 10) / 10 };
  } catch {
    // The library throws on values it does not know in the optional groups: not a valid vector.
    return undefined;
  }
}

function loadCvss4(): Cvss4Class {
  // A CommonJS bundle whose named exports Node cannot see from ESM: require it instead.
  const require = createRequire(import.meta.url);
  const lib = require('ae-cvss-calculator') as { Cvss4P0: Cvss4Class };
  return lib.Cvss4P0;
}
