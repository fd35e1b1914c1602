/**
 * The report service's client, used by `depwarden scan --upload` and `depwarden report`.
 * It sends exactly the snapshot's files (the bytes `depwarden snapshot` lists, nothing else:
 * the request body is built from `Snapshot.files` and from nowhere else), then polls for the
 * report. Ids and tokens are never logged; the delete token is returned to the caller once.
 */
import { DepwardenError } from '../errors/index.js';
import type { ScanReport } from '../report/types.js';
import type { Snapshot } from '../snapshot/index.js';

export interface Submitted {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  url: string;
  deleteToken?: string;
  report?: ScanReport;
  reason?: string;
}

/** Largest answer read from the server (a report of tens of thousands of packages fits). */
const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

function base(server: string): string {
  let u: URL;
  try {
    u = new URL(server);
  } catch {
    throw new DepwardenError('USAGE', `--server ${JSON.stringify(server)} is not a URL`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new DepwardenError('USAGE', '--server must be an http(s) URL');
  return u.toString().replace(/\/+$/, '');
}

async function call(
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown; retryAfter?: string }> {
  let res;
  try {
    // Loaded here, not at start: only `scan --upload` and `report` talk to a server.
    const { request } = await import('undici');
    res = await request(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      headersTimeout: 60_000,
      bodyTimeout: 120_000,
    });
  } catch (err) {
    throw new DepwardenError(
      'SERVER_UNREACHABLE',
      `the report server did not answer: ${(err as Error).message}`,
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > MAX_RESPONSE_BYTES)
      throw new DepwardenError(
        'SERVER_UNREACHABLE',
        'the report server answered more than 256 MiB',
      );
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let json: unknown = undefined;
  if (text !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      json = { error: text.slice(0, 200) };
    }
  }
  const retryAfter = res.headers['retry-after'];
  return {
    status: res.statusCode,
    json,
    ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
  };
}

function failure(status: number, json: unknown, what: string): DepwardenError {
  const message = (json as { error?: unknown } | undefined)?.error;
  return new DepwardenError(
    status === 404 ? 'REPORT_NOT_FOUND' : 'SERVER_ERROR',
    `${what}: the server answered ${status}${typeof message === 'string' ? ` (${message.slice(0, 300)})` : ''}`,
  );
}

/** The request body: the snapshot's files, base64, and nothing else. */
export function uploadBody(snapshot: Pick<Snapshot, 'files'>): {
  files: { path: string; content: string }[];
} {
  return {
    files: snapshot.files.map((f) => ({
      path: f.path,
      content: Buffer.from(f.bytes).toString('base64'),
    })),
  };
}

export async function submitSnapshot(
  server: string,
  snapshot: Pick<Snapshot, 'files'>,
): Promise<Submitted> {
  const { status, json, retryAfter } = await call(
    'POST',
    `${base(server)}/api/v1/reports`,
    uploadBody(snapshot),
  );
  if (status === 503)
    throw new DepwardenError(
      'SERVER_ERROR',
      `the report server is busy; try again in ${retryAfter ?? '60'} seconds`,
    );
  if (status !== 201 && status !== 202) throw failure(status, json, 'upload');
  return json as Submitted;
}

export async function fetchReport(server: string, id: string): Promise<Submitted> {
  const { status, json } = await call(
    'GET',
    `${base(server)}/api/v1/reports/${encodeURIComponent(id)}`,
  );
  if (status !== 200) throw failure(status, json, 'report');
  return { ...(json as Submitted), url: `/api/v1/reports/${id}` };
}

/** Polls until the report is done or failed, calling `onStatus` on each change. */
export async function waitForReport(
  server: string,
  id: string,
  onStatus: (status: string) => void,
  intervalMs = 1000,
  timeoutMs = 60 * 60 * 1000,
): Promise<Submitted> {
  const started = Date.now();
  let last = '';
  for (;;) {
    const got = await fetchReport(server, id);
    if (got.status !== last) onStatus((last = got.status));
    if (got.status === 'done' || got.status === 'failed') return got;
    if (Date.now() - started > timeoutMs)
      throw new DepwardenError('SERVER_ERROR', 'the report was not ready within an hour');
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export async function deleteReport(server: string, id: string, token: string): Promise<void> {
  const { status, json } = await call(
    'DELETE',
    `${base(server)}/api/v1/reports/${encodeURIComponent(id)}`,
    undefined,
    {
      authorization: `Bearer ${token}`,
    },
  );
  if (status !== 204) throw failure(status, json, 'delete');
}
