/**
 * HTTP for the registry: undici over HTTP/1.1 keep-alive, a concurrency limit, timeouts, and
 * retries with exponential backoff and jitter on network errors, 429 and 5xx (honouring
 * Retry-After, capped), so one flaky minute of a mirror does not fail a scan of thousands of
 * packages, and a rate limit is respected rather than hammered.
 *
 * 401, 403 and 404 are final and become coded errors with a hint. Bodies are bounded while
 * they stream (a hostile or broken server cannot make us buffer without end), and every URL
 * that reaches a message is redacted.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type * as UndiciModule from 'undici';
import type { Agent } from 'undici';

/**
 * undici, loaded on the first request: importing it costs ~150 ms, and a warm scan (every
 * package answered from the cache) never makes one.
 */
type Undici = typeof UndiciModule;
let undiciModule: Undici | undefined;
async function loadUndici(): Promise<Undici> {
  undiciModule ??= await import('undici');
  return undiciModule;
}
import { DepwardenError } from '../errors/index.js';
import { redactUrl } from './config.js';

export interface HttpOptions {
  /** Requests in flight at once (default 16). */
  concurrency?: number;
  /** Connect + headers timeout, and idle-body timeout, in ms (default 30 s). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 4). */
  retries?: number;
  /** First backoff in ms, doubled each retry (default 250). */
  backoffMs?: number;
  /** Longest wait we accept from Retry-After or backoff, in ms (default 30 s). */
  maxWaitMs?: number;
  userAgent?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export interface GetOptions {
  headers?: Record<string, string>;
  /** Largest body accepted, in bytes; more is an error (REGISTRY_BAD_RESPONSE). */
  maxBytes: number;
  /** Called with each body chunk as it arrives (e.g. to hash while streaming). */
  onChunk?: (chunk: Buffer) => void;
  /** Statuses returned to the caller instead of raising (e.g. 304). */
  accept?: readonly number[];
  /** What is being fetched, for messages: `packument of lodash`. */
  what: string;
}

type Outcome =
  HttpResponse | { redirect: string } | { retryAfterMs: number | undefined; reason: string };

const MAX_REDIRECTS = 5;

export class HttpClient {
  private agent: Agent | undefined;
  private readonly limit: number;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxWaitMs: number;
  private readonly userAgent: string;

  constructor(options: HttpOptions = {}) {
    this.limit = Math.max(1, options.concurrency ?? 16);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 4;
    this.backoffMs = options.backoffMs ?? 250;
    this.maxWaitMs = options.maxWaitMs ?? 30_000;
    this.userAgent = options.userAgent ?? 'depwarden';
  }

  private async dispatcher(): Promise<{ agent: Agent; request: Undici['request'] }> {
    const undici = await loadUndici();
    this.agent ??= new undici.Agent({
      connections: this.limit,
      keepAliveTimeout: 10_000,
      connect: { timeout: this.timeoutMs },
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    return { agent: this.agent, request: undici.request };
  }

  async close(): Promise<void> {
    await this.agent?.close();
  }

  /** GET with retries. Resolves with the whole (bounded) body. */
  async get(url: string, options: GetOptions): Promise<HttpResponse> {
    let redirects = 0;
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.retries;
      let outcome: Outcome;
      await this.acquire();
      try {
        outcome = await this.once(url, options);
      } catch (err) {
        if (err instanceof DepwardenError || !isTransient(err))
          throw wrapNetwork(err, url, options);
        if (last) throw wrapNetwork(err, url, options);
        outcome = { retryAfterMs: undefined, reason: describeError(err) };
      } finally {
        this.release();
      }
      if ('body' in outcome) return outcome;
      if ('redirect' in outcome) {
        if (++redirects > MAX_REDIRECTS) {
          throw new DepwardenError(
            'REGISTRY_BAD_RESPONSE',
            `${options.what}: more than ${MAX_REDIRECTS} redirects (${redactUrl(url)})`,
          );
        }
        // Credentials are never replayed to the redirect target: it may be another origin.
        url = outcome.redirect;
        options = { ...options, headers: withoutAuth(options.headers) };
        attempt--;
        continue;
      }
      if (last) {
        throw new DepwardenError(
          'REGISTRY_UNREACHABLE',
          `${options.what}: ${outcome.reason} after ${attempt + 1} attempts (${redactUrl(url)})`,
        );
      }
      const backoff = this.backoffMs * 2 ** attempt * (0.5 + Math.random() / 2);
      await sleep(Math.min(this.maxWaitMs, Math.max(backoff, outcome.retryAfterMs ?? 0)));
    }
  }

  private async once(url: string, options: GetOptions): Promise<Outcome> {
    const { agent, request } = await this.dispatcher();
    const res = await request(url, {
      method: 'GET',
      dispatcher: agent,
      headers: { 'user-agent': this.userAgent, ...options.headers },
    });
    const status = res.statusCode;
    const headers = flatHeaders(res.headers);
    if (status === 429 || status >= 500) {
      await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      return { retryAfterMs: retryAfterMs(headers['retry-after']), reason: `HTTP ${status}` };
    }
    if (status >= 300 && status < 400 && headers.location !== undefined && status !== 304) {
      await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      return { redirect: new URL(headers.location, url).toString() };
    }
    if (!(status >= 200 && status < 300) && !(options.accept ?? []).includes(status)) {
      await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      throw statusError(status, url, options.what);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const declared = Number(headers['content-length']);
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      res.body.destroy();
      throw tooLarge(url, options);
    }
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > options.maxBytes) {
        res.body.destroy();
        throw tooLarge(url, options);
      }
      options.onChunk?.(chunk);
      chunks.push(chunk);
    }
    return { status, headers, body: Buffer.concat(chunks, size) };
  }

  private async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next !== undefined) next();
    else this.active--;
  }
}

function tooLarge(url: string, options: GetOptions): DepwardenError {
  return new DepwardenError(
    'REGISTRY_BAD_RESPONSE',
    `${options.what}: the response is larger than ${options.maxBytes} bytes (${redactUrl(url)})`,
    { hint: 'Raise the matching --max-* limit if the package is genuine.' },
  );
}

function withoutAuth(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {}))
    if (k.toLowerCase() !== 'authorization') out[k] = v;
  return out;
}

function flatHeaders(raw: Record<string, string | string[] | undefined>): HttpResponse['headers'] {
  const out: HttpResponse['headers'] = {};
  for (const [k, v] of Object.entries(raw))
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function statusError(status: number, url: string, what: string): DepwardenError {
  const where = redactUrl(url);
  if (status === 401 || status === 403) {
    return new DepwardenError(
      'REGISTRY_AUTH',
      `${what}: the registry refused access (HTTP ${status}) at ${where}`,
      {
        hint: 'Add a token for this registry to your .npmrc (//host/:_authToken=...), or check that it has not expired.',
      },
    );
  }
  if (status === 404) {
    return new DepwardenError('PACKAGE_NOT_FOUND', `${what}: not found (HTTP 404) at ${where}`, {
      hint: 'Check the name and version; a private package needs its scope registry and token in .npmrc.',
    });
  }
  return new DepwardenError(
    'REGISTRY_BAD_RESPONSE',
    `${what}: unexpected HTTP ${status} at ${where}`,
  );
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  const cause = (err as { cause?: unknown }).cause;
  return cause !== undefined && cause !== err && isTransient(cause);
}

function describeError(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return err instanceof Error ? err.message : String(err);
}

function wrapNetwork(err: unknown, url: string, options: GetOptions): unknown {
  if (err instanceof DepwardenError) return err;
  if (
    (undiciModule !== undefined && err instanceof undiciModule.errors.UndiciError) ||
    isTransient(err)
  ) {
    return new DepwardenError(
      'REGISTRY_UNREACHABLE',
      `${options.what}: ${describeError(err)} (${redactUrl(url)})`,
      { cause: err },
    );
  }
  return err;
}
