/**
 * Publish times and earlier versions from a packument. Times come from `time`, which mirrors
 * may omit: every function returns undefined (unknown) rather than a guess.
 */
import semver from 'semver';
import type { Packument, PackumentVersion } from './types.js';

/** Keys of `time` that are not versions. */
const NOT_VERSIONS = new Set(['created', 'modified', 'unpublished']);

export function publishedAt(packument: Packument, version: string): Date | undefined {
  const text = packument.time?.get(version);
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** The newest publish time of any listed version. */
export function lastPublish(packument: Packument): Date | undefined {
  if (packument.time === undefined) return undefined;
  let last: number | undefined;
  for (const [key, text] of packument.time) {
    if (NOT_VERSIONS.has(key) || !packument.versions.has(key)) continue;
    const ms = Date.parse(text);
    if (!Number.isNaN(ms) && (last === undefined || ms > last)) last = ms;
  }
  return last === undefined ? undefined : new Date(last);
}

/**
 * Versions published before this one, oldest first: by publish time when the packument has
 * times for them, else by semver order.
 */
export function earlierVersions(packument: Packument, version: string): PackumentVersion[] {
  const at = publishedAt(packument, version);
  const current = semver.valid(version);
  const out: { v: PackumentVersion; key: number }[] = [];
  for (const v of packument.versions.values()) {
    if (v.version === version) continue;
    if (at !== undefined) {
      const t = publishedAt(packument, v.version);
      if (t !== undefined && t.getTime() < at.getTime()) out.push({ v, key: t.getTime() });
    } else if (
      current !== null &&
      semver.valid(v.version) !== null &&
      semver.lt(v.version, current)
    )
      out.push({ v, key: 0 });
  }
  if (at !== undefined) out.sort((a, b) => a.key - b.key);
  else out.sort((a, b) => semver.compare(a.v.version, b.v.version));
  return out.map((x) => x.v);
}
