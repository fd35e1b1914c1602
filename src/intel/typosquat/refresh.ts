/**
 * Fetching monthly download counts for a list of names, for scripts/refresh-popular.ts.
 *
 * The download counts API's base URL is always given by the caller (flag or environment),
 * never written here. Its point endpoint answers `GET <base>/downloads/point/last-month/<names>`:
 * with one name, `{ "package", "downloads", … }` (404 when the name does not exist); with
 * several comma-separated unscoped names, an object of name → that record or null. Scoped
 * names cannot be batched, so they go one per request.
 *
 * Everything is bounded: names per batch (128, the API's limit), requests in flight, a
 * timeout per request, retries (only on 429, 5xx and network errors, with backoff that honours
 * Retry-After up to 30 s), and the bytes read per response. Any other failure aborts the whole
 * refresh, so the caller never writes a half-refreshed list.
 */
import { isPackageName } from './names.js';

export interface DownloadCountsOptions {
  /** Base URL of the download counts API (http or https). */
  apiBase: string;
  names: readonly string[];
  /** Requests in flight; default 4, at most 16. */
  concurrency?: number;
  /** Per request; default 15 s. */
  timeoutMs?: number;
  /** Retries per request after the first try; default 3, at most 10. */
  retries?: number;
  /** Called after each request with the number of names done. */
  onProgress?: (done: number, total: number) => void;
}

export interface DownloadCounts {
  counts: Map<string, number>;
  /** Names the API does not know (unpublished or renamed). */
  missing: string[];
}

const BATCH_SIZE = 128;
const MAX_NAMES = 100_000;
const MAX_RESPONSE_BYTES = 2 * 1024 * 1024;
const MAX_RETRY_WAIT_MS = 30_000;

/** Monthly download counts for `names` from the API at `apiBase`. */
export async function fetchDownloadCounts(opts: DownloadCountsOptions): Promise<DownloadCounts> {
  const base = parseApiBase(opts.apiBase);
  if (opts.names.length > MAX_NAMES) throw new Error(`too many names: ${opts.names.length}`);
  for (const name of opts.names) {
    if (!isPackageName(name)) throw new Error(`not a package name: ${JSON.stringify(name)}`);
  }
  const concurrency = clampInt(opts.concurrency ?? 4, 1, 16);
  const settings = {
    timeoutMs: clampInt(opts.timeoutMs ?? 15_000, 100, 120_000),
    retries: clampInt(opts.retries ?? 3, 0, 10),
  };

  const unscoped = opts.names.filter((n) => !n.startsWith('@'));
  const batches: string[][] = [];
  for (let i = 0; i < unscoped.length; i += BATCH_SIZE)
    batches.push(unscoped.slice(i, i + BATCH_SIZE));
  for (const n of opts.names) if (n.startsWith('@')) batches.push([n]);

  const result: DownloadCounts = { counts: new Map(), missing: [] };
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next++] as string[];
      const url = `${base}/downloads/point/last-month/${batch.join(',')}`;
      const body = await getJson(url, settings);
      readCounts(batch, body, result);
      done += batch.length;
      opts.onProgress?.(done, opts.names.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  return result;
}

function parseApiBase(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`the download counts API must be http(s), got ${url.protocol}`);
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '')
    throw new Error(
      'the download counts API URL must not carry credentials, a query or a fragment',
    );
  return url.href.replace(/\/+$/, '');
}

function clampInt(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) return min;
  return Math.min(max, Math.max(min, Math.floor(value)));
}

/** The parsed JSON body, or undefined for a 404. */
async function getJson(
  url: string,
  settings: { timeoutMs: number; retries: number },
): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    let waitMs = Math.min(MAX_RETRY_WAIT_MS, 500 * 2 ** attempt);
    try {
      const res = await fetch(url, {
        signal: AbortSignal.timeout(settings.timeoutMs),
        headers: { accept: 'application/json' },
      });
      if (res.status === 404) {
        await res.body?.cancel();
        return undefined;
      }
      if (res.ok) return JSON.parse(await readCapped(res, url)) as unknown;
      await res.body?.cancel();
      const retryable = res.status === 429 || res.status >= 500;
      if (!retryable || attempt >= settings.retries)
        throw new FatalFetchError(`${url}: HTTP ${res.status}`);
      const retryAfter = Number(res.headers.get('retry-after'));
      if (Number.isFinite(retryAfter) && retryAfter > 0)
        waitMs = Math.min(MAX_RETRY_WAIT_MS, retryAfter * 1000);
    } catch (err) {
      if (err instanceof FatalFetchError || attempt >= settings.retries) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

class FatalFetchError extends Error {}

async function readCapped(res: Response, url: string): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (declared > MAX_RESPONSE_BYTES) throw new FatalFetchError(`${url}: response too large`);
  if (res.body === null) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body) {
    total += chunk.byteLength;
    if (total > MAX_RESPONSE_BYTES) throw new FatalFetchError(`${url}: response too large`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function readCounts(batch: readonly string[], body: unknown, out: DownloadCounts): void {
  if (body === undefined) {
    out.missing.push(...batch);
    return;
  }
  if (typeof body !== 'object' || body === null) throw new Error('unexpected response shape');
  const record = body as Record<string, unknown>;
  if (batch.length === 1) {
    storeCount(batch[0] as string, record, out);
    return;
  }
  for (const name of batch) {
    const item = Object.hasOwn(record, name) ? record[name] : null;
    if (item === null || item === undefined) out.missing.push(name);
    else storeCount(name, item, out);
  }
}

function storeCount(name: string, item: unknown, out: DownloadCounts): void {
  const downloads = (item as { downloads?: unknown } | null)?.downloads;
  if (typeof downloads !== 'number' || !Number.isSafeInteger(downloads) || downloads < 0)
    throw new Error(`unexpected download count for ${name}`);
  out.counts.set(name, downloads);
}
