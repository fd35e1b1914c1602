/**
 * OSV record → the advisories we store, one per npm package the record names.
 *
 * Records come from a download or a file the user points at, so they are validated strictly:
 * a record whose structure is wrong (an id that is not an id, `affected` not an array, an
 * event with two keys, a version that is not a string…) is rejected whole with a reason, and
 * the import counts it rather than failing. Real-world quirks that are not structural are
 * kept and read conservatively: an empty CVSS `score` is dropped, a bound that is not a
 * version (`"fixed": "7.2.4, 6.11.4"`) is recorded in `unparsedBounds` and never closes a
 * range, a range without `introduced` counts from "0". Only `ecosystem === "npm"` entries are
 * kept; GIT ranges are dropped (commits cannot be evaluated against an npm version).
 *
 * Only the fields a scan needs survive, to keep the database small: no `details`, no credits,
 * the first three http(s) references. Explicit `versions` that the ranges already cover are
 * dropped too (OSV.dev enumerates every affected version of ECOSYSTEM ranges; the ranges
 * answer the same question), so only the extra versions (ua-parser-js 0.7.29…) remain.
 */
import {
  compareEvents,
  compileAffected,
  isAffected,
  normalizeBound,
  parseVersion,
} from './match.js';
import type {
  Advisory,
  AffectedRange,
  CvssVector,
  RangeEvent,
  Reference,
  SeverityLabel,
} from './types.js';

/** Per-record bounds: far above any real record, low enough that one record cannot hurt. */
export const RECORD_LIMITS = {
  aliases: 100,
  affected: 1000,
  rangesPerAffected: 100,
  eventsPerRange: 1000,
  versionsPerAffected: 100_000,
  severities: 20,
  cwes: 50,
  references: 3,
  summaryChars: 500,
  stringChars: 2048,
} as const;

export type NormalizedRecord =
  | {
      kind: 'advisory';
      id: string;
      modified: string;
      /** Package name → the advisory as stored for it. */
      packages: Map<string, Advisory>;
    }
  | { kind: 'withdrawn'; id: string; modified: string }
  | { kind: 'notNpm'; id: string; modified: string }
  | { kind: 'malformed'; reason: string };

const ID = /^[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9._:-]{1,120}$/;
// RFC 3339 as OSV writes it: a date, a time, optional fraction, Z or an offset.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
/** npm's naming rules, loosely: old packages may have capitals; no path tricks possible. */
const NPM_NAME = /^(?:@[a-z0-9][\w.~-]*\/)?[a-z0-9~][\w.~-]*$/i;
const CWE = /^CWE-\d{1,6}$/;
const LABELS: ReadonlySet<string> = new Set(['LOW', 'MODERATE', 'HIGH', 'CRITICAL']);
const EVENT_KINDS: ReadonlySet<string> = new Set(['introduced', 'fixed', 'last_affected', 'limit']);

/** Whether `id` has the shape of an OSV id (`<DB>-<ENTRYID>`): safe in a URL path. */
export function isOsvId(id: string): boolean {
  return ID.test(id) && !id.includes('..');
}

class Malformed extends Error {}

function fail(reason: string): never {
  throw new Malformed(reason);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalArray(value: unknown, what: string, max: number): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(`${what} is not an array`);
  if (value.length > max) fail(`${what} has more than ${max} entries`);
  return value;
}

function boundedString(value: unknown, what: string): string {
  if (typeof value !== 'string') fail(`${what} is not a string`);
  if (value.length > RECORD_LIMITS.stringChars)
    fail(`${what} is longer than ${RECORD_LIMITS.stringChars} characters`);
  return value;
}

function timestamp(value: unknown, what: string): string {
  const text = boundedString(value, what);
  if (!TIMESTAMP.test(text) || !Number.isFinite(Date.parse(text)))
    fail(`${what} is not an RFC 3339 time`);
  return text;
}

/** Validates one parsed OSV record and extracts what the database keeps. Never throws. */
export function normalizeRecord(raw: unknown): NormalizedRecord {
  try {
    return normalize(raw);
  } catch (err) {
    if (err instanceof Malformed) return { kind: 'malformed', reason: err.message };
    throw err;
  }
}

function normalize(raw: unknown): NormalizedRecord {
  if (!isObject(raw)) fail('the record is not a JSON object');
  const id = boundedString(raw.id, '"id"');
  if (!ID.test(id)) fail(`"id" ${JSON.stringify(id.slice(0, 80))} is not an OSV id`);
  const modified = timestamp(raw.modified, '"modified"');
  const published =
    raw.published === undefined || raw.published === null
      ? undefined
      : timestamp(raw.published, '"published"');
  if (raw.withdrawn !== undefined && raw.withdrawn !== null) {
    timestamp(raw.withdrawn, '"withdrawn"');
    return { kind: 'withdrawn', id, modified };
  }
  const aliases = optionalArray(raw.aliases, '"aliases"', RECORD_LIMITS.aliases).map((a, i) =>
    boundedString(a, `"aliases[${i}]"`),
  );
  const summary = readSummary(raw);
  const dbSpecific =
    raw.database_specific === undefined || raw.database_specific === null
      ? {}
      : raw.database_specific;
  if (!isObject(dbSpecific)) fail('"database_specific" is not an object');
  const severityLabel = readLabel(dbSpecific.severity);
  const cwes = optionalArray(dbSpecific.cwe_ids, '"database_specific.cwe_ids"', RECORD_LIMITS.cwes)
    .map((c, i) => boundedString(c, `"database_specific.cwe_ids[${i}]"`))
    .filter((c) => CWE.test(c));
  const malicious = id.startsWith('MAL-') || (id.startsWith('GHSA-') && cwes.includes('CWE-506'));
  const topCvss = readSeverity(raw.severity, '"severity"');
  const references = readReferences(raw.references);

  const affected = raw.affected;
  if (!Array.isArray(affected)) fail('"affected" is not an array');
  if (affected.length > RECORD_LIMITS.affected)
    fail(`"affected" has more than ${RECORD_LIMITS.affected} entries`);
  const perPackage = new Map<
    string,
    { ranges: AffectedRange[]; versions: string[]; cvss: CvssVector[]; unparsed: string[] }
  >();
  affected.forEach((entry, i) => {
    const where = `"affected[${i}]"`;
    if (!isObject(entry)) fail(`${where} is not an object`);
    if (!isObject(entry.package)) fail(`${where}.package is not an object`);
    const ecosystem = boundedString(entry.package.ecosystem, `${where}.package.ecosystem`);
    const name = boundedString(entry.package.name, `${where}.package.name`);
    // Structure is checked for every entry, but only npm entries are kept.
    const ranges = optionalArray(entry.ranges, `${where}.ranges`, RECORD_LIMITS.rangesPerAffected);
    const versions = optionalArray(
      entry.versions,
      `${where}.versions`,
      RECORD_LIMITS.versionsPerAffected,
    ).map((v, j) => boundedString(v, `${where}.versions[${j}]`));
    const cvss = readSeverity(entry.severity, `${where}.severity`);
    const unparsed: string[] = [];
    const kept = ranges
      .map((r, j) => readRange(r, `${where}.ranges[${j}]`, unparsed))
      .filter((r): r is AffectedRange => r !== undefined);
    if (ecosystem !== 'npm') return;
    if (name.length > 214 || !NPM_NAME.test(name) || name.includes('..'))
      fail(`${where}.package.name ${JSON.stringify(name.slice(0, 80))} is not an npm package name`);
    let slot = perPackage.get(name);
    if (slot === undefined)
      perPackage.set(name, (slot = { ranges: [], versions: [], cvss: [], unparsed: [] }));
    slot.ranges.push(...kept);
    slot.versions.push(...versions);
    slot.cvss.push(...cvss);
    slot.unparsed.push(...unparsed);
  });
  if (perPackage.size === 0) return { kind: 'notNpm', id, modified };

  const packages = new Map<string, Advisory>();
  for (const [name, slot] of perPackage) {
    const advisory: Advisory = {
      id,
      aliases,
      summary,
      modified,
      malicious,
      // Package-level severity exists only when the top level has none (schema rule).
      cvss: topCvss.length > 0 ? topCvss : dedupeCvss(slot.cvss),
      cwes,
      references,
      ranges: slot.ranges,
      versions: extraVersions(slot.ranges, slot.versions),
    };
    if (published !== undefined) advisory.published = published;
    if (severityLabel !== undefined) advisory.severityLabel = severityLabel;
    if (slot.unparsed.length > 0) advisory.unparsedBounds = [...new Set(slot.unparsed)];
    packages.set(name, advisory);
  }
  return { kind: 'advisory', id, modified, packages };
}

function readSummary(raw: Record<string, unknown>): string {
  let text = '';
  if (raw.summary !== undefined && raw.summary !== null)
    text = boundedString(raw.summary, '"summary"');
  // MAL and some GHSA records lack a summary: the first line of the details stands in.
  else if (typeof raw.details === 'string') text = raw.details.slice(0, 4096).split('\n')[0] ?? '';
  text = text.trim();
  return text.length > RECORD_LIMITS.summaryChars
    ? `${text.slice(0, RECORD_LIMITS.summaryChars - 1)}…`
    : text;
}

function readLabel(value: unknown): SeverityLabel | undefined {
  return typeof value === 'string' && LABELS.has(value) ? (value as SeverityLabel) : undefined;
}

function readSeverity(value: unknown, what: string): CvssVector[] {
  const out: CvssVector[] = [];
  optionalArray(value, what, RECORD_LIMITS.severities).forEach((s, i) => {
    if (!isObject(s)) fail(`${what}[${i}] is not an object`);
    const type = boundedString(s.type, `${what}[${i}].type`);
    const score = boundedString(s.score, `${what}[${i}].score`);
    // Empty scores exist in real records (GHSA-cqmj-92xf-r6r9): nothing to keep, not malformed.
    if ((type === 'CVSS_V3' || type === 'CVSS_V4') && score.startsWith('CVSS:'))
      out.push({ type, vector: score });
  });
  return out;
}

function dedupeCvss(list: CvssVector[]): CvssVector[] {
  const seen = new Set<string>();
  return list.filter((c) => !seen.has(c.vector) && seen.add(c.vector));
}

function readReferences(value: unknown): Reference[] {
  const out: Reference[] = [];
  // Only the first few are kept, but every one must have the right shape.
  optionalArray(value, '"references"', 10_000).forEach((r, i) => {
    if (!isObject(r)) fail(`"references[${i}]" is not an object`);
    const type = boundedString(r.type, `"references[${i}].type"`);
    const url = boundedString(r.url, `"references[${i}].url"`);
    if (out.length < RECORD_LIMITS.references && /^https?:\/\/[^\s]+$/i.test(url))
      out.push({ type, url });
  });
  return out;
}

/** A range, normalised and sorted; undefined for GIT and unknown types (not evaluable). */
function readRange(value: unknown, where: string, unparsed: string[]): AffectedRange | undefined {
  if (!isObject(value)) fail(`${where} is not an object`);
  const type = boundedString(value.type, `${where}.type`);
  const events = value.events;
  if (!Array.isArray(events) || events.length === 0)
    fail(`${where}.events is not a non-empty array`);
  if (events.length > RECORD_LIMITS.eventsPerRange)
    fail(`${where}.events has more than ${RECORD_LIMITS.eventsPerRange} entries`);
  const evaluable = type === 'SEMVER' || type === 'ECOSYSTEM';
  const kept: RangeEvent[] = [];
  let introduced = false;
  events.forEach((event, i) => {
    if (!isObject(event)) fail(`${where}.events[${i}] is not an object`);
    const keys = Object.keys(event);
    const kind = keys[0];
    if (keys.length !== 1 || kind === undefined || !EVENT_KINDS.has(kind))
      fail(
        `${where}.events[${i}] must have exactly one of introduced, fixed, last_affected, limit`,
      );
    const raw = boundedString(event[kind], `${where}.events[${i}].${kind}`);
    if (!evaluable) return;
    const version = normalizeBound(kind as keyof RangeEvent, raw);
    if (kind === 'introduced') introduced = true;
    if (version === undefined) {
      unparsed.push(`${kind}: ${raw.slice(0, 100)}`);
      // Conservative: an unreadable start opens the range from the beginning; an unreadable
      // end is no end. The advisory is flagged (unparsedBounds), never silently lost.
      if (kind === 'introduced') kept.push({ introduced: '0' });
      return;
    }
    kept.push({ [kind]: version } as RangeEvent);
  });
  if (!evaluable) return undefined;
  if (!introduced) {
    unparsed.push('introduced: (missing)');
    kept.push({ introduced: '0' });
  }
  kept.sort(compareEvents);
  return { type, events: kept };
}

/** Listed versions that the ranges do not already match (de-duplicated, order kept). */
function extraVersions(ranges: AffectedRange[], versions: string[]): string[] {
  if (versions.length === 0) return [];
  const compiled = compileAffected(ranges, []);
  const out = new Set<string>();
  for (const v of versions) if (!isAffected(compiled, v, parseVersion(v))) out.add(v);
  return [...out];
}
