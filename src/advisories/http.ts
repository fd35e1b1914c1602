/**
 * The little HTTP the advisory sources need, over a caller-supplied fetch (undici's, Node's
 * global, or a test double): JSON requests and a streamed download, each with a deadline,
 * an idle timeout and a byte cap, and failures turned into coded errors with the URL
 * redacted. The registry client's HttpClient is GET-only and registry-shaped; these
 * requests are POSTs to other services and one large download, so they get their own.
 */
import type { FileHandle } from 'node:fs/promises';
import { DepwardenError } from '../errors/index.js';
import { redactUrl } from '../registry/index.js';

/** What we use of a fetch Response; Node's global fetch and undici's both fit. */
export interface FetchResponseLike {
  status: number;
  headers: { get(name: string): string | null };
  body: AsyncIterable<Uint8Array> | null;
}

export interface FetchInit {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  redirect: 'follow';
}

export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponseLike>;

export interface RequestLimits {
  /** Longest wait for the whole exchange, in ms. */
  timeoutMs: number;
  /** Longest silence while the body streams, in ms. */
  idleMs: number;
  /** Largest body accepted. */
  maxBytes: number;
}

export function defaultFetch(): FetchLike {
  if (typeof globalThis.fetch !== 'function') throw new Error('no global fetch: pass one');
  return globalThis.fetch;
}

interface Exchange {
  url: string;
  what: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** What the user can do when this request fails (the error code's hint otherwise). */
  hint?: string;
}

/**
 * Sends a request and hands each body chunk to `sink`; resolves with the byte count. 2xx is
 * success; anything else is REGISTRY_AUTH (401/403) or REGISTRY_BAD_RESPONSE, and network
 * failures or timeouts are REGISTRY_UNREACHABLE.
 */
export async function exchange(
  fetch: FetchLike,
  request: Exchange,
  limits: RequestLimits,
  sink: (chunk: Uint8Array) => void | Promise<void>,
): Promise<number> {
  const controller = new AbortController();
  let timedOut: string | undefined;
  const abortAfter = (ms: number, why: string): NodeJS.Timeout =>
    setTimeout(() => {
      timedOut = why;
      controller.abort();
    }, ms);
  const deadline = abortAfter(limits.timeoutMs, `no complete answer within ${limits.timeoutMs} ms`);
  let idle = abortAfter(limits.idleMs, `no data for ${limits.idleMs} ms`);
  const where = redactUrl(request.url);
  try {
    let response: FetchResponseLike;
    try {
      response = await fetch(request.url, {
        method: request.method,
        headers: { 'user-agent': 'depwarden', ...request.headers },
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: controller.signal,
        redirect: 'follow',
      });
    } catch (err) {
      throw unreachable(request.what, timedOut ?? describe(err), where, request.hint);
    }
    if (response.status < 200 || response.status > 299) {
      controller.abort();
      const code =
        response.status === 401 || response.status === 403
          ? 'REGISTRY_AUTH'
          : 'REGISTRY_BAD_RESPONSE';
      throw new DepwardenError(
        code,
        `${request.what}: HTTP ${response.status} (${where})`,
        request.hint === undefined ? {} : { hint: request.hint },
      );
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > limits.maxBytes) {
      controller.abort();
      throw tooLarge(request.what, limits.maxBytes, where);
    }
    let size = 0;
    if (response.body !== null) {
      try {
        for await (const chunk of response.body) {
          clearTimeout(idle);
          idle = abortAfter(limits.idleMs, `no data for ${limits.idleMs} ms`);
          size += chunk.length;
          if (size > limits.maxBytes) {
            controller.abort();
            throw tooLarge(request.what, limits.maxBytes, where);
          }
          await sink(chunk);
        }
      } catch (err) {
        if (err instanceof DepwardenError) throw err;
        throw unreachable(request.what, timedOut ?? describe(err), where, request.hint);
      }
    }
    return size;
  } finally {
    clearTimeout(deadline);
    clearTimeout(idle);
  }
}

/** POSTs (or GETs) and parses a bounded JSON answer. */
export async function requestJson(
  fetch: FetchLike,
  request: Exchange,
  limits: RequestLimits,
): Promise<unknown> {
  const chunks: Uint8Array[] = [];
  const size = await exchange(
    fetch,
    {
      ...request,
      headers: {
        accept: 'application/json',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...request.headers,
      },
    },
    limits,
    (chunk) => {
      chunks.push(chunk);
    },
  );
  try {
    return JSON.parse(Buffer.concat(chunks, size).toString('utf8')) as unknown;
  } catch {
    throw badResponse(request.what, 'the answer is not JSON', redactUrl(request.url));
  }
}

/** Streams a bounded download into an open file. */
export async function download(
  fetch: FetchLike,
  request: Exchange,
  limits: RequestLimits,
  file: FileHandle,
): Promise<number> {
  return exchange(fetch, request, limits, async (chunk) => {
    await file.write(chunk);
  });
}

export function badResponse(what: string, reason: string, where: string): DepwardenError {
  return new DepwardenError('REGISTRY_BAD_RESPONSE', `${what}: ${reason} (${where})`);
}

function tooLarge(what: string, maxBytes: number, where: string): DepwardenError {
  return new DepwardenError(
    'REGISTRY_BAD_RESPONSE',
    `${what}: the answer is larger than ${maxBytes} bytes (${where})`,
    { hint: 'Raise the size limit only if the source is genuine.' },
  );
}

/** No `cause`: fetch's own errors echo the URL, credentials included; `reason` is scrubbed. */
function unreachable(
  what: string,
  reason: string,
  where: string,
  hint = 'Check the network and the URL, then retry.',
): DepwardenError {
  return new DepwardenError('REGISTRY_UNREACHABLE', `${what}: ${reason} (${where})`, { hint });
}

/** The error's message (and code), with any `user:password@` it echoes removed. */
function describe(err: unknown): string {
  return describeRaw(err).replace(/\/\/[^/\s@]*@/g, '//');
}

function describeRaw(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause
      ? String((cause as { code: unknown }).code)
      : undefined;
  return code === undefined ? err.message : `${err.message} (${code})`;
}
