/**
 * Known vulnerabilities and known malware for npm packages, from OSV data: import an OSV
 * export into a local database (atomically, every size bounded), match package versions
 * exactly as the OSV schema evaluates ranges, score CVSS, and turn matches into alerts
 * (`malware`, `criticalCVE`, `cve`, `mediumCVE`, `mildCVE`). Optional online sources (OSV's
 * query API, the registry's bulk advisory endpoint) answer in the same shape.
 * See docs/advisories.md.
 */
export type {
  Advisory,
  AdvisoryDbInfo,
  AffectedRange,
  CvssVector,
  ImportProblem,
  ImportResult,
  ImportStats,
  RangeEvent,
  Reference,
  SeverityLabel,
  Staleness,
} from './types.js';
export {
  importOsvZip,
  openAdvisoryDb,
  readAdvisoryDbInfo,
  redactSource,
  AdvisoryDb,
  DB_FILE,
  DB_FOLDER,
  type DbStatus,
  type ImportOptions,
  type OpenOptions,
} from './store.js';
export { DEFAULT_ZIP_LIMITS, type ZipLimits } from './zip.js';
export { normalizeRecord, RECORD_LIMITS, type NormalizedRecord } from './osv.js';
export { describeAffected, firstPatchedVersion } from './match.js';
export {
  cvssRating,
  cvssScore,
  type CvssRating,
  type CvssScore,
  type CvssVersion,
} from './cvss.js';
export {
  advisoryAlerts,
  advisorySeverity,
  advisoryUrl,
  CVE_ALERT_TYPES,
  type AdvisorySeverity,
  type CveAlertType,
} from './alerts.js';
export { staleness, STALE_AFTER_MS } from './freshness.js';
export {
  queryOsv,
  queryNpmBulkAdvisories,
  npmRangeToOsv,
  OSV_API_URL,
  type NpmBulkOptions,
  type OnlineOptions,
  type OsvQueryOptions,
  type PackageQuery,
} from './online.js';
export type { FetchLike, FetchInit, FetchResponseLike } from './http.js';
export {
  updateDatabase,
  OSV_NPM_EXPORT_URL,
  type UpdateOptions,
  type UpdateResult,
} from './update.js';
