/**
 * The shapes of the advisory module: an advisory as stored and as `match` returns it (the
 * fields of an OSV record a scan needs, for one npm package), the database's provenance, and
 * the import's accounting.
 */

/** GitHub's qualitative severity (`database_specific.severity` of GHSA records). */
export type SeverityLabel = 'LOW' | 'MODERATE' | 'HIGH' | 'CRITICAL';

/**
 * One event of an OSV range, exactly one key set. Stored events are normalised: sorted as
 * the OSV evaluation sorts them, every version a valid SemVer string (two-part versions such
 * as `1.0` padded to `1.0.0`), `introduced` possibly "0", `limit` possibly "*".
 */
export interface RangeEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface AffectedRange {
  /** OSV range type; npm ECOSYSTEM ranges are evaluated with SemVer precedence too. */
  type: 'SEMVER' | 'ECOSYSTEM';
  events: RangeEvent[];
}

export interface CvssVector {
  type: 'CVSS_V3' | 'CVSS_V4';
  vector: string;
}

export interface Reference {
  type: string;
  url: string;
}

/**
 * An advisory about one npm package: a vulnerability (GHSA-…) or a malicious-package record
 * (MAL-…, or a GHSA with CWE-506). Objects returned by the database are shared: read-only.
 */
export interface Advisory {
  id: string;
  aliases: string[];
  summary: string;
  /** RFC 3339. */
  modified: string;
  published?: string;
  /** Known malware: the id starts with `MAL-`, or a GHSA record lists CWE-506. */
  malicious: boolean;
  severityLabel?: SeverityLabel;
  /** CVSS vectors the record gives (empty `score` strings are dropped). */
  cvss: CvssVector[];
  cwes: string[];
  /** The first few references (http/https URLs only). */
  references: Reference[];
  /** This package's ranges, merged over every `affected` entry that names it. */
  ranges: AffectedRange[];
  /** Explicitly listed versions that the ranges do not already cover. */
  versions: string[];
  /**
   * Bounds of the record that are not versions (e.g. `"fixed": "7.2.4, 6.11.4"`). They are
   * read conservatively (an unreadable `introduced` counts as "0", an unreadable `fixed`,
   * `last_affected` or `limit` as absent), so the advisory is flagged, never silently dropped;
   * alerts built from it carry them so a reader can judge.
   */
  unparsedBounds?: string[];
}

/** Where the database came from; `undefined` from `info()` when there is none. */
export interface AdvisoryDbInfo {
  /** File path or URL the export was read from, credentials and query removed. */
  source: string;
  /** RFC 3339. */
  importedAt: string;
  /** Advisories stored (withdrawn, malformed and non-npm records are not). */
  records: number;
  /** Distinct package names with at least one advisory. */
  packages: number;
  /** The newest `modified` among the stored records: how current the data is. */
  newestModified: string | undefined;
}

export interface ImportStats {
  /** Zip entries seen. */
  entries: number;
  /** Entries that are not `*.json` (folders, READMEs): ignored. */
  ignoredEntries: number;
  records: number;
  packages: number;
  malicious: number;
  withdrawn: number;
  /** Valid records without an npm package (other ecosystems only). */
  notNpm: number;
  /** Records skipped because their shape is invalid (see `problems`). */
  malformed: number;
  /** Entries skipped because they are larger than `maxEntryBytes`. */
  oversized: number;
  /** Records whose id was seen before: the newer `modified` wins. */
  duplicates: number;
  /** Stored advisories with a bound that is not a version (`Advisory.unparsedBounds`). */
  uncertain: number;
}

export interface ImportProblem {
  entry: string;
  reason: string;
}

export interface ImportResult {
  info: AdvisoryDbInfo;
  stats: ImportStats;
  /** The first few skipped records and why, for the user to report upstream. */
  problems: ImportProblem[];
  /** Bytes of the written database file. */
  dbBytes: number;
}

export type Staleness = 'missing' | 'stale' | 'fresh';
