/**
 * Online advisory sources, for callers that opt in (off by default, never used by tests
 * against a real host): OSV's query-batch API and the npm registry's bulk advisory endpoint.
 * Both return, per queried (name, version), the same Advisory shape the local database
 * returns, so alerts are built the same way whatever the source.
 *
 * OSV's batch endpoint answers ids only; the records are then fetched one by one (a bounded
 * number, a few at a time) and validated exactly like imported ones. npm's bulk endpoint
 * answers npm ranges (`>=1.0.0 <1.0.2 || …`); they are translated into OSV events so one
 * matcher decides for every source. Every request has a deadline and a byte cap, and the
 * base URLs always come from the caller (configuration), never from this module.
 */
import semver from 'semver';
import { DepwardenError } from '../errors/index.js';
import { redactUrl } from '../registry/index.js';
import { compileAffected, isAffected, parseVersion } from './match.js';
import { isOsvId, normalizeRecord } from './osv.js';
import {
  badResponse,
  defaultFetch,
  requestJson,
  type FetchLike,
  type RequestLimits,
} from './http.js';
import type { Advisory, AffectedRange, CvssVector, RangeEvent, SeverityLabel } from './types.js';

/** OSV's public API (not a package registry); callers pass it, or a mirror, as `baseUrl`. */
export const OSV_API_URL = 'https://api.osv.dev';

export interface PackageQuery {
  name: string;
  version: string;
}

export interface OnlineOptions {
  /** undici-compatible fetch; defaults to the global one. */
  fetch?: FetchLike;
  /** Per request: whole-exchange deadline (default 30 s). */
  timeoutMs?: number;
  /** Per request: largest answer (default 32 MiB). */
  maxResponseBytes?: number;
  /** Extra headers, e.g. the registry's authorization. */
  headers?: Record<string, string>;
}

export interface OsvQueryOptions extends OnlineOptions {
  baseUrl: string;
  /** Most distinct records fetched after the batch answer (default 5,000). */
  maxRecords?: number;
  /** Records fetched at once (default 4). */
  concurrency?: number;
}

/** OSV's documented maximum queries per batch. */
const OSV_BATCH = 1000;
/** Pages followed for one query whose answer is paginated (over 1,000 advisories). */
const OSV_MAX_PAGES = 10;
/** Package names per npm bulk request: npm audit sends a whole tree; we keep requests modest. */
const NPM_BATCH = 500;

function limitsOf(options: OnlineOptions): RequestLimits {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return { timeoutMs, idleMs: timeoutMs, maxBytes: options.maxResponseBytes ?? 32 * 1024 * 1024 };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `path` under the configured base URL (which may itself have a path, for mirrors). */
function endpoint(base: string, path: string): string {
  let url: URL | undefined;
  try {
    url = new URL(base);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw new DepwardenError('USAGE', `${redactUrl(base)} is not an http(s) URL`, {
      hint: 'Configure the advisory service with a full http(s) URL.',
    });
  return `${url.toString().replace(/\/+$/, '')}${path}`;
}

/**
 * Asks OSV which advisories affect each (name, version); the answer is parallel to
 * `queries`. Withdrawn and malformed records are dropped, as on import.
 */
export async function queryOsv(
  queries: readonly PackageQuery[],
  options: OsvQueryOptions,
): Promise<Advisory[][]> {
  const fetch = options.fetch ?? defaultFetch();
  const limits = limitsOf(options);
  const batchUrl = endpoint(options.baseUrl, '/v1/querybatch');
  const ids: Set<string>[] = queries.map(() => new Set());
  for (let from = 0; from < queries.length; from += OSV_BATCH) {
    // Pending: query index → page token ('' for the first page).
    let pending = new Map<number, string>();
    for (let i = from; i < Math.min(from + OSV_BATCH, queries.length); i++) pending.set(i, '');
    for (let page = 0; page < OSV_MAX_PAGES && pending.size > 0; page++) {
      const order = [...pending.keys()];
      const body = {
        queries: order.map((i) => ({
          package: { name: queries[i]!.name, ecosystem: 'npm' },
          version: queries[i]!.version,
          ...(pending.get(i) === '' ? {} : { page_token: pending.get(i) }),
        })),
      };
      const answer = await requestJson(
        fetch,
        {
          url: batchUrl,
          what: 'OSV query batch',
          method: 'POST',
          body: JSON.stringify(body),
          ...(options.headers === undefined ? {} : { headers: options.headers }),
        },
        limits,
      );
      const results = isObject(answer) ? answer.results : undefined;
      if (!Array.isArray(results) || results.length !== order.length)
        throw badResponse(
          'OSV query batch',
          'the answer has no results list of the right length',
          redactUrl(batchUrl),
        );
      const next = new Map<number, string>();
      results.forEach((result, k) => {
        const i = order[k]!;
        if (!isObject(result))
          throw badResponse('OSV query batch', 'a result is not an object', redactUrl(batchUrl));
        for (const vuln of Array.isArray(result.vulns) ? result.vulns : []) {
          if (isObject(vuln) && typeof vuln.id === 'string' && isOsvId(vuln.id))
            ids[i]!.add(vuln.id);
        }
        if (typeof result.next_page_token === 'string' && result.next_page_token !== '')
          next.set(i, result.next_page_token);
      });
      pending = next;
    }
  }

  const wanted = [...new Set(ids.flatMap((s) => [...s]))];
  const maxRecords = options.maxRecords ?? 5000;
  if (wanted.length > maxRecords)
    throw badResponse(
      'OSV query batch',
      `the answer names ${wanted.length} advisories, more than ${maxRecords}`,
      redactUrl(batchUrl),
    );
  const records = new Map<string, Map<string, Advisory>>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < wanted.length) {
      const id = wanted[next++]!;
      const url = endpoint(options.baseUrl, `/v1/vulns/${encodeURIComponent(id)}`);
      const raw = await requestJson(
        fetch,
        {
          url,
          what: `OSV record ${id}`,
          method: 'GET',
          ...(options.headers === undefined ? {} : { headers: options.headers }),
        },
        limits,
      );
      const record = normalizeRecord(raw);
      if (record.kind === 'advisory' && record.id === id) records.set(id, record.packages);
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, wanted.length)) }, worker),
  );
  return queries.map((query, i) => {
    const out: Advisory[] = [];
    for (const id of ids[i]!) {
      const advisory = records.get(id)?.get(query.name);
      if (advisory !== undefined) out.push(advisory);
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : 1));
  });
}

export interface NpmBulkOptions extends OnlineOptions {
  /** The registry URL from configuration (e.g. RegistryConfig's default registry). */
  registryUrl: string;
}

/**
 * Asks the registry's bulk advisory endpoint (`POST <registry>/-/npm/v1/security/advisories/bulk`,
 * the one npm audit uses) about each (name, version); the answer is parallel to `queries`.
 */
export async function queryNpmBulkAdvisories(
  queries: readonly PackageQuery[],
  options: NpmBulkOptions,
): Promise<Advisory[][]> {
  const fetch = options.fetch ?? defaultFetch();
  const limits = limitsOf(options);
  const url = endpoint(options.registryUrl, '/-/npm/v1/security/advisories/bulk');
  const byName = new Map<string, Set<string>>();
  for (const q of queries) {
    let versions = byName.get(q.name);
    if (versions === undefined) byName.set(q.name, (versions = new Set()));
    versions.add(q.version);
  }
  const names = [...byName.keys()];
  const advisories = new Map<string, Advisory[]>();
  for (let from = 0; from < names.length; from += NPM_BATCH) {
    const body: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
    for (const name of names.slice(from, from + NPM_BATCH)) body[name] = [...byName.get(name)!];
    const answer = await requestJson(
      fetch,
      {
        url,
        what: 'npm bulk advisories',
        method: 'POST',
        body: JSON.stringify(body),
        ...(options.headers === undefined ? {} : { headers: options.headers }),
      },
      limits,
    );
    if (!isObject(answer))
      throw badResponse('npm bulk advisories', 'the answer is not a JSON object', redactUrl(url));
    for (const name of Object.keys(answer)) {
      const list = answer[name];
      if (!byName.has(name) || !Array.isArray(list)) continue;
      advisories.set(
        name,
        list
          .map((item) => fromNpmAdvisory(item, url))
          .filter((a): a is Advisory => a !== undefined),
      );
    }
  }
  return queries.map((q) => {
    const parsed = parseVersion(q.version);
    return (advisories.get(q.name) ?? []).filter((a) =>
      isAffected(compileAffected(a.ranges, a.versions), q.version, parsed),
    );
  });
}

const NPM_SEVERITY: Readonly<Record<string, SeverityLabel>> = {
  info: 'LOW',
  low: 'LOW',
  moderate: 'MODERATE',
  high: 'HIGH',
  critical: 'CRITICAL',
};

function fromNpmAdvisory(item: unknown, url: string): Advisory | undefined {
  if (!isObject(item))
    throw badResponse('npm bulk advisories', 'an advisory is not an object', redactUrl(url));
  const { id, url: page, title, severity, vulnerable_versions: range, cwe, cvss } = item;
  if (
    (typeof id !== 'number' && typeof id !== 'string') ||
    typeof range !== 'string' ||
    range.length > 4096
  )
    return undefined;
  const ghsa =
    typeof page === 'string'
      ? /\/advisories\/(GHSA(?:-[23456789cfghjmpqrvwx]{4}){3})$/.exec(page)?.[1]
      : undefined;
  const cwes = (Array.isArray(cwe) ? cwe : []).filter(
    (c): c is string => typeof c === 'string' && /^CWE-\d{1,6}$/.test(c),
  );
  const vectors: CvssVector[] = [];
  if (isObject(cvss) && typeof cvss.vectorString === 'string') {
    const vector = cvss.vectorString;
    if (vector.startsWith('CVSS:3.')) vectors.push({ type: 'CVSS_V3', vector });
    else if (vector.startsWith('CVSS:4.')) vectors.push({ type: 'CVSS_V4', vector });
  }
  const { ranges, versions, unparsed } = npmRangeToOsv(range);
  const advisoryId = ghsa ?? `NPM-${String(id)}`;
  const advisory: Advisory = {
    id: advisoryId,
    aliases: [],
    summary: typeof title === 'string' ? title.slice(0, 500) : '',
    // The endpoint does not say when the advisory changed.
    modified: '',
    malicious: advisoryId.startsWith('GHSA-') && cwes.includes('CWE-506'),
    cvss: vectors,
    cwes,
    references:
      typeof page === 'string' && /^https?:\/\//.test(page)
        ? [{ type: 'ADVISORY', url: page }]
        : [],
    ranges,
    versions,
  };
  const label = typeof severity === 'string' ? NPM_SEVERITY[severity] : undefined;
  if (label !== undefined) advisory.severityLabel = label;
  if (unparsed.length > 0) advisory.unparsedBounds = unparsed;
  return advisory;
}

/**
 * An npm range as OSV ranges: each `||` alternative becomes one range (its lower bound an
 * `introduced`, `<` a `fixed`, `<=` a `last_affected`) and exact versions a `versions`
 * entry. `>X` has no OSV form: it is read as `>=X` (one version too many) and noted; a range
 * semver cannot parse affects everything and is noted, never dropped.
 */
export function npmRangeToOsv(range: string): {
  ranges: AffectedRange[];
  versions: string[];
  unparsed: string[];
} {
  const ranges: AffectedRange[] = [];
  const versions: string[] = [];
  const unparsed: string[] = [];
  let parsed: semver.Range;
  try {
    parsed = new semver.Range(range);
  } catch {
    return {
      ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }],
      versions,
      unparsed: [`range: ${range.slice(0, 100)}`],
    };
  }
  for (const set of parsed.set) {
    let lower: string | undefined;
    let upper: RangeEvent | undefined;
    let exact: string | undefined;
    for (const c of set) {
      // The match-anything comparator (`*`, `>=0.0.0`) has an empty value.
      if (c.value === '') continue;
      const v = c.semver.version;
      if (c.operator === '' || c.operator === '=') exact = v;
      else if (c.operator === '>=' || c.operator === '>') {
        if (c.operator === '>') unparsed.push(`introduced: >${v} (read as >=${v})`);
        if (lower === undefined || semver.gt(v, lower)) lower = v;
      } else if (c.operator === '<' || c.operator === '<=') {
        const bound = upper?.fixed ?? upper?.last_affected;
        if (bound === undefined || semver.lt(v, bound))
          upper = c.operator === '<' ? { fixed: v } : { last_affected: v };
      }
    }
    if (exact !== undefined) versions.push(exact);
    else
      ranges.push({
        type: 'SEMVER',
        events:
          upper === undefined
            ? [{ introduced: lower ?? '0' }]
            : [{ introduced: lower ?? '0' }, upper],
      });
  }
  return { ranges, versions, unparsed };
}
