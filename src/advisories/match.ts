/**
 * Whether a version of a package is affected by an advisory, exactly as the OSV schema's
 * evaluation pseudocode says (schema §"Evaluation"): affected when the version is listed in
 * `versions`, or when some range is "before its limits" and, walking its events in version
 * order, the last event that applies is an `introduced` (introduced ≤ v sets, fixed ≤ v and
 * last_affected < v clear). Versions are compared by SemVer 2.0 precedence (semver's
 * `compare`, never range satisfaction): a prerelease sorts before its release, so
 * `5.0.0-beta.1` is affected by a range fixed in `5.0.0`, and build metadata is ignored.
 * npm's ECOSYSTEM ranges are npm SemVer, so both SEMVER and ECOSYSTEM ranges are evaluated
 * this way; GIT ranges never reach this module (dropped at import).
 *
 * A query parses its version once; a bound is parsed into a SemVer object the first time a
 * query reaches it, then kept with the package's compiled advisories.
 */
import semver from 'semver';
import type { AffectedRange, RangeEvent } from './types.js';

const { SemVer } = semver;
type SemVerObject = InstanceType<typeof SemVer>;

const INTRODUCED = 0;
const FIXED = 1;
const LAST_AFFECTED = 2;

interface CompiledEvent {
  kind: typeof INTRODUCED | typeof FIXED | typeof LAST_AFFECTED;
  /** The bound as stored; "0" for the `introduced` that sorts before every version. */
  raw: string;
  /**
   * The bound parsed, on first comparison: the walk stops at the first bound above the
   * queried version, so most bounds of most ranges are never parsed at all.
   */
  parsed?: SemVerObject;
}

export interface CompiledRange {
  events: CompiledEvent[];
  /** null when there is no limit (or a "*" limit): the implicit infinity. */
  limits: SemVerObject[] | null;
}

export interface CompiledAffected {
  ranges: CompiledRange[];
  versions: ReadonlySet<string>;
}

/**
 * A bound as a normalised version string, or undefined when it is not one. `introduced: "0"`
 * and `limit: "*"` are the schema's special values; two-part versions (`1.0`, seen in real
 * GHSA records) are padded to `1.0.0`; a leading `v` and build metadata are dropped as semver
 * does.
 */
export function normalizeBound(kind: keyof RangeEvent, raw: string): string | undefined {
  if (kind === 'introduced' && raw === '0') return '0';
  if (kind === 'limit' && raw.includes('*')) return '*';
  if (raw.length > 256) return undefined;
  const valid = semver.valid(raw);
  if (valid !== null) return valid;
  const short = /^(\d+)(?:\.(\d+))?$/.exec(raw.trim());
  if (short !== null) return semver.valid(`${short[1]}.${short[2] ?? '0'}.0`) ?? undefined;
  return undefined;
}

/** Orders normalised events as the evaluation walks them: "0" first, "*" last, then SemVer. */
export function compareEvents(a: RangeEvent, b: RangeEvent): number {
  return rank(eventVersion(a)) - rank(eventVersion(b)) || compareMiddle(a, b);
}

function rank(version: string): number {
  return version === '0' ? 0 : version === '*' ? 2 : 1;
}

function compareMiddle(a: RangeEvent, b: RangeEvent): number {
  const va = eventVersion(a);
  const vb = eventVersion(b);
  return rank(va) === 1 ? semver.compare(va, vb) : 0;
}

/** The single version an event carries. */
export function eventVersion(event: RangeEvent): string {
  return event.introduced ?? event.fixed ?? event.last_affected ?? event.limit ?? '';
}

const NO_VERSIONS: ReadonlySet<string> = new Set();

export function compileAffected(
  ranges: readonly AffectedRange[],
  versions: readonly string[],
): CompiledAffected {
  return {
    ranges: ranges.map(compileRange),
    versions: versions.length === 0 ? NO_VERSIONS : new Set(versions),
  };
}

function compileRange(range: AffectedRange): CompiledRange {
  const events: CompiledEvent[] = [];
  let limits: SemVerObject[] | null = [];
  for (const event of range.events) {
    if (event.limit !== undefined) {
      if (event.limit === '*') limits = null;
      else limits?.push(new SemVer(event.limit));
    } else if (event.introduced !== undefined) {
      events.push({ kind: INTRODUCED, raw: event.introduced });
    } else if (event.fixed !== undefined) {
      events.push({ kind: FIXED, raw: event.fixed });
    } else if (event.last_affected !== undefined) {
      events.push({ kind: LAST_AFFECTED, raw: event.last_affected });
    }
  }
  return { events, limits: limits !== null && limits.length === 0 ? null : limits };
}

/** A queried version, parsed once; null when it is not SemVer (only `versions` lists can match). */
export function parseVersion(version: string): SemVerObject | null {
  if (version.length > 256) return null;
  try {
    return new SemVer(version);
  } catch {
    return null;
  }
}

export function isAffected(
  affected: CompiledAffected,
  raw: string,
  version: SemVerObject | null,
): boolean {
  if (affected.versions.has(raw)) return true;
  if (version === null) return false;
  if (affected.versions.size > 0 && affected.versions.has(version.version)) return true;
  for (const range of affected.ranges) if (inRange(range, version)) return true;
  return false;
}

function inRange(range: CompiledRange, version: SemVerObject): boolean {
  if (range.limits !== null && !range.limits.some((limit) => version.compare(limit) < 0))
    return false;
  let vulnerable = false;
  for (const event of range.events) {
    if (event.kind === INTRODUCED && event.raw === '0') {
      vulnerable = true;
      continue;
    }
    const order = version.compare((event.parsed ??= new SemVer(event.raw)));
    if (event.kind === INTRODUCED) {
      if (order >= 0) vulnerable = true;
      // Events are sorted: nothing after an introduced above v can apply.
      else break;
    } else if (event.kind === FIXED) {
      if (order >= 0) vulnerable = false;
      else break;
    } else if (order > 0) {
      vulnerable = false;
    } else if (order < 0) {
      // At v itself a later `introduced: v` still applies: only a bound above v ends the walk.
      break;
    }
  }
  return vulnerable;
}

/** The lowest `fixed` above `version` over all ranges: the first version to upgrade to. */
export function firstPatchedVersion(
  ranges: readonly AffectedRange[],
  version: string,
): string | undefined {
  const parsed = parseVersion(version);
  if (parsed === null) return undefined;
  let best: string | undefined;
  for (const range of ranges) {
    for (const event of range.events) {
      const fixed = event.fixed;
      if (fixed === undefined || parsed.compare(fixed) >= 0) continue;
      if (best === undefined || semver.compare(fixed, best) < 0) best = fixed;
    }
  }
  return best;
}

/**
 * The affected versions as an npm range, for people (`>=3.3.6 <4.0.0 || 1.0.0`); not used
 * for matching. Each introduced opens an interval that the next fixed or last_affected
 * closes; limits are left out (npm ranges never carry them).
 */
export function describeAffected(
  ranges: readonly AffectedRange[],
  versions: readonly string[],
): string {
  const parts: string[] = [];
  for (const range of ranges) {
    let open: string | undefined;
    for (const event of range.events) {
      if (event.introduced !== undefined) {
        if (open === undefined) open = event.introduced === '0' ? '' : `>=${event.introduced}`;
      } else if (open !== undefined && (event.fixed ?? event.last_affected) !== undefined) {
        const upper = event.fixed !== undefined ? `<${event.fixed}` : `<=${event.last_affected}`;
        parts.push(open === '' ? upper : `${open} ${upper}`);
        open = undefined;
      }
    }
    if (open !== undefined) parts.push(open === '' ? '*' : open);
  }
  parts.push(...versions);
  return parts.join(' || ');
}
