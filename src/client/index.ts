/**
 * The report service's client, used by `depwarden scan --upload` and `depwarden report`.
 * It sends exactly the snapshot's files (the bytes `depwarden snapshot` lists, nothing else:
 * the request body is built from `Snapshot.files` and from nowhere else), then polls for the
 * report. Ids and tokens are never logged; the delete token is returned to the caller once.
 *
 * A server with a certificate from its own local CA (`depwarden serve` without a configured
 * certificate) is reached by trusting that CA (`--ca`, DEPWARDEN_CA): it is added to the
 * trust store the client already has, never in place of it.
 */
import { X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import tls from 'node:tls';
import type { Agent } from 'undici';
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
/** TLS errors that mean "the certificate chain is not trusted", not "nobody answered". */
const UNTRUSTED_CERTIFICATE = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);
/** A CA file larger than this is not one. */
const MAX_CA_FILE_BYTES = 1024 * 1024;

/** A report service, and the CA certificates (PEM) to trust for it besides the usual ones. */
export interface ServerTarget {
  url: string;
  ca?: string;
}

type Server = string | ServerTarget;

function base(server: Server): string {
  const url = typeof server === 'string' ? server : server.url;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new DepwardenError('USAGE', `--server ${JSON.stringify(url)} is not a URL`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new DepwardenError('USAGE', '--server must be an http(s) URL');
  return u.toString().replace(/\/+$/, '');
}

/**
 * Reads a CA file for --ca / DEPWARDEN_CA: PEM, one or more certificates, each of which must
 * parse. Returns the PEM text to pass as ServerTarget.ca.
 */
export async function loadCaFile(path: string): Promise<string> {
  let text: string;
  try {
    if ((await stat(path)).size > MAX_CA_FILE_BYTES)
      throw new DepwardenError('USAGE', `the CA file ${path} is larger than 1 MiB`);
    text = await readFile(path, 'latin1');
  } catch (err) {
    if (err instanceof DepwardenError) throw err;
    throw new DepwardenError(
      'USAGE',
      `cannot read the CA file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      { hint: 'Pass the PEM file the server printed, e.g. <data-dir>/tls/ca.pem.' },
    );
  }
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0)
    throw new DepwardenError('USAGE', `the CA file ${path} holds no PEM certificate`, {
      hint: 'Pass the PEM file the server printed, e.g. <data-dir>/tls/ca.pem.',
    });
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      throw new DepwardenError('USAGE', `the CA file ${path} holds a damaged certificate`);
    }
  }
  return `${blocks.join('\n')}\n`;
}

/**
 * The certificates the client trusts anyway: Node's default store (with NODE_EXTRA_CA_CERTS
 * and, where Node has it, the system store), since TLS `ca` replaces the store it is given.
 */
async function defaultTrust(env: NodeJS.ProcessEnv): Promise<string[]> {
  const withDefaults = (tls as { getCACertificates?: (kind: 'default') => string[] })
    .getCACertificates;
  if (typeof withDefaults === 'function') return withDefaults('default');
  const extra: string[] = [];
  const extraPath = env.NODE_EXTRA_CA_CERTS;
  if (extraPath !== undefined && extraPath !== '') {
    const text = await readFile(extraPath, 'latin1').catch(() => '');
    extra.push(
      ...(text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []),
    );
  }
  return [...tls.rootCertificates, ...extra];
}

/** One connection pool per extra CA, so polling reuses its connection. */
const agents = new Map<string, Promise<Agent>>();

function dispatcherFor(server: Server): Promise<Agent> | undefined {
  if (typeof server === 'string' || server.ca === undefined) return undefined;
  const ca = server.ca;
  let agent = agents.get(ca);
  if (agent === undefined) {
    agent = (async () => {
      const { Agent } = await import('undici');
      return new Agent({ connect: { ca: [...(await defaultTrust(process.env)), ca] } });
    })();
    agents.set(ca, agent);
  }
  return agent;
}

async function call(
  method: 'GET' | 'POST' | 'DELETE',
  server: Server,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown; retryAfter?: string }> {
  const url = `${base(server)}${path}`;
  let res;
  try {
    // Loaded here, not at start: only `scan --upload` and `report` talk to a server.
    const { request } = await import('undici');
    const dispatcher = await dispatcherFor(server);
    res = await request(url, {
      ...(dispatcher === undefined ? {} : { dispatcher }),
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
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new DepwardenError(
      'SERVER_UNREACHABLE',
      `the report server did not answer: ${(err as Error).message}`,
      UNTRUSTED_CERTIFICATE.has(code)
        ? {
            hint: "The server's certificate is not trusted here. For a server with its own local CA, pass that CA with --ca (or DEPWARDEN_CA): `depwarden serve` prints its path, <data-dir>/tls/ca.pem.",
          }
        : {},
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
  server: Server,
  snapshot: Pick<Snapshot, 'files'>,
): Promise<Submitted> {
  const { status, json, retryAfter } = await call(
    'POST',
    server,
    '/api/v1/reports',
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

export async function fetchReport(server: Server, id: string): Promise<Submitted> {
  const { status, json } = await call('GET', server, `/api/v1/reports/${encodeURIComponent(id)}`);
  if (status !== 200) throw failure(status, json, 'report');
  return { ...(json as Submitted), url: `/api/v1/reports/${id}` };
}

/** Polls until the report is done or failed, calling `onStatus` on each change. */
export async function waitForReport(
  server: Server,
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

export async function deleteReport(server: Server, id: string, token: string): Promise<void> {
  const { status, json } = await call(
    'DELETE',
    server,
    `/api/v1/reports/${encodeURIComponent(id)}`,
    undefined,
    {
      authorization: `Bearer ${token}`,
    },
  );
  if (status !== 204) throw failure(status, json, 'delete');
}
