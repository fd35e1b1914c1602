/**
 * How current the advisory database is, so reports can warn: a week-old copy misses the
 * malware published since, which is most of what a malware list is for.
 */
import type { AdvisoryDbInfo, Staleness } from './types.js';

/** A database whose data is older than this is stale. */
export const STALE_AFTER_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * `missing` without a database; `stale` when its data is more than 7 days old, `fresh`
 * otherwise. The data's age is that of its newest record when known (importing an old
 * export today does not make its data new), else that of the import.
 */
export function staleness(info: AdvisoryDbInfo | undefined, now: Date = new Date()): Staleness {
  if (info === undefined) return 'missing';
  const asOf = Math.min(
    Date.parse(info.importedAt),
    Date.parse(info.newestModified ?? info.importedAt),
  );
  if (!Number.isFinite(asOf)) return 'stale';
  return now.getTime() - asOf > STALE_AFTER_MS ? 'stale' : 'fresh';
}
