/**
 * The user-content origin: a second Fastify app, on its own listener (its own host and
 * port), that serves the package files the report cites as evidence, so a reviewer can read
 * the code around a finding. Package files are hostile by definition, so they are never
 * served by the main origin, and here they are inert:
 *
 * - `text/plain; charset=utf-8` always, with `X-Content-Type-Options: nosniff`: no browser
 *   renders them as HTML, script or anything else active.
 * - `Content-Security-Policy: sandbox; default-src 'none'; …`: even a rendering bug would
 *   give a unique opaque origin with nothing allowed to load or run.
 * - `Content-Disposition: inline` for UTF-8 text, `attachment` for anything else (binary,
 *   invalid UTF-8, NUL bytes).
 * - `Cross-Origin-Resource-Policy: same-origin`, `X-Frame-Options: DENY`: no other site can
 *   embed or read them. No cookies, `Referrer-Policy: no-referrer`, HSTS, `no-store`.
 * - At most the first 2 MiB; a cut is stated in `Depwarden-Truncated: <sent>/<total>`.
 *
 * It is not an open proxy to the registry: a file is served only when the report id exists
 * and its analysis is done, the package (a registry package) is in that report, and the file
 * path is cited by one of that package's alerts. Anything else, and every other path, is the
 * same 404. The report JSON itself is never served.
 *
 * URL shape (docs/viewer.md): `/f/<report id>/<name>@<version>/<path inside the package>`,
 * where `<name>@<version>` is one percent-encoded segment (`%40scope%2Fpkg%401.0.0`) and each
 * segment of the path is percent-encoded on its own. src/viewer's `usercontentFileUrl`
 * builds it; `parseUsercontentPath` reads it from the raw request URL (not from the router's
 * decoded wildcard, so an encoded slash stays part of its segment).
 */
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerFactory,
} from 'fastify';
import { isDepwardenError } from '../errors/index.js';
import type { ScanReport } from '../report/types.js';
import {
  DEFAULT_TARBALL_LIMITS,
  readTarball,
  type TarballLimits,
} from '../analyzer/tarball/index.js';
import { DiskCache, RegistryClient, assertPackageName } from '../registry/index.js';
import { applySecurityHeaders, HSTS, PERMISSIONS_POLICY } from './headers.js';
import { registerRateLimits, type LimitSettings } from './limits.js';
import { idSafeLogger } from './route-common.js';
import type { ReportService } from './service.js';

export interface UsercontentOptions {
  service: ReportService;
  /**
   * Reads one file of a registry package, in memory, bounded; undefined when absent. The
   * integrity the report recorded for the package (from the lockfile) is passed when known,
   * so the bytes served are the bytes that were analysed.
   */
  readPackageFile: (
    name: string,
    version: string,
    path: string,
    integrity?: string,
  ) => Promise<Uint8Array | undefined>;
  serverFactory?: FastifyServerFactory;
  logger?: boolean;
  /** Rate limits per client address, as on the main origin (src/server/limits.ts). */
  limits?: LimitSettings;
  trustProxy?: string[];
}

/** The user-content origin's CSP: a sandbox in which nothing may load, run or be framed. */
export const USERCONTENT_CSP =
  "sandbox; default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Every header the user-content origin sends on every response (lower-case names). */
export const USERCONTENT_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'strict-transport-security': HSTS,
  'content-security-policy': USERCONTENT_CSP,
  'permissions-policy': PERMISSIONS_POLICY,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
});

/** The most bytes of one file served (the rest is cut, and the cut announced). */
export const USERCONTENT_MAX_BYTES = 2 * 1024 * 1024;

/** The header that announces a cut: `<bytes sent>/<file size>`. */
export const TRUNCATED_HEADER = 'depwarden-truncated';

const TEXT_TYPE = 'text/plain; charset=utf-8';
const MAX_PATH_CHARS = 4096;

export interface UsercontentTarget {
  id: string;
  name: string;
  version: string;
  /** POSIX path inside the package. */
  path: string;
}

/**
 * The report id, package and file of a raw request URL (`/f/<id>/<name>@<version>/<path>`),
 * or undefined when the URL is not of that shape.
 */
export function parseUsercontentPath(rawUrl: string): UsercontentTarget | undefined {
  const pathname = rawUrl.split(/[?#]/, 1)[0] ?? '';
  if (!pathname.startsWith('/f/')) return undefined;
  const segments = pathname.slice(3).split('/');
  if (segments.length < 3) return undefined;
  let decoded: string[];
  try {
    decoded = segments.map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
  const [id, spec, ...rest] = decoded as [string, string, ...string[]];
  const at = spec.lastIndexOf('@');
  if (id === '' || at <= 0 || at === spec.length - 1) return undefined;
  const path = rest.join('/');
  if (path === '' || path.length > MAX_PATH_CHARS || path.includes('\0')) return undefined;
  return { id, name: spec.slice(0, at), version: spec.slice(at + 1), path };
}

/** Whether the report cites `target`'s file as evidence of one of the package's alerts. */
export function citedPackage(
  report: ScanReport,
  target: UsercontentTarget,
): ScanReport['packages'][number] | undefined {
  const pkg = report.packages.find(
    (p) => p.source === 'registry' && p.name === target.name && p.version === target.version,
  );
  if (pkg === undefined) return undefined;
  const cited = report.alerts.some(
    (a) => a.package === pkg.id && a.evidence.some((ev) => ev.file === target.path),
  );
  return cited ? pkg : undefined;
}

/** `inline` or `attachment`, with an ASCII filename and the exact one (RFC 6266, 8187). */
function disposition(kind: 'inline' | 'attachment', path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1) || 'file';
  const ascii = base.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
  const exact = encodeURIComponent(base.slice(0, 200)).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${exact}`;
}

/**
 * The bytes to send and whether they are text: UTF-8 without NUL is text (a cut in the middle
 * of a character drops that character); anything else is sent as it is, as an attachment.
 */
export function fileBody(bytes: Uint8Array): {
  body: Buffer;
  text: boolean;
  truncated: boolean;
} {
  const truncated = bytes.length > USERCONTENT_MAX_BYTES;
  const head = Buffer.from(
    bytes.buffer,
    bytes.byteOffset,
    Math.min(bytes.length, USERCONTENT_MAX_BYTES),
  );
  if (!head.includes(0)) {
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: truncated });
      return { body: Buffer.from(text, 'utf8'), text: true, truncated };
    } catch {
      // not UTF-8: an attachment below
    }
  }
  return { body: Buffer.from(head), text: false, truncated };
}

function notFound(reply: FastifyReply): FastifyReply {
  // The headers again: a framework error (a URL that does not decode) skips the hooks.
  return reply.code(404).headers(USERCONTENT_SECURITY_HEADERS).type(TEXT_TYPE).send('not found\n');
}

/** The user-content app (never listens by itself; the composition root does). */
export function buildUsercontentApp(o: UsercontentOptions): FastifyInstance {
  const app = Fastify({
    logger: idSafeLogger(o.logger),
    return503OnClosing: true,
    // A URL that does not decode is one more path this origin does not serve.
    frameworkErrors: (_err, _req, reply) => notFound(reply),
    ...(o.serverFactory === undefined ? {} : { serverFactory: o.serverFactory }),
    trustProxy: o.trustProxy ?? false,
  });
  applySecurityHeaders(app, USERCONTENT_SECURITY_HEADERS);
  // Each file read may fetch a tarball: the same per-address limits as the main origin.
  if (o.limits !== undefined) void registerRateLimits(app, o.limits);

  app.setErrorHandler((err, _req, reply) => {
    const status = (err as { statusCode?: number }).statusCode;
    // The limiter has set Retry-After and the RateLimit headers already.
    if (status === 429) return reply.code(429).type(TEXT_TYPE).send('too many requests\n');
    if (typeof status === 'number' && status >= 400 && status < 500) return notFound(reply);
    app.log.error(
      { err: { message: err instanceof Error ? err.message : 'unknown' } },
      'user-content error',
    );
    return reply.code(502).type(TEXT_TYPE).send('the package file could not be read\n');
  });
  app.setNotFoundHandler(async (_req, reply) => notFound(reply));

  app.get('/f/:id/*', async (req, reply) => {
    const target = parseUsercontentPath(req.raw.url ?? '');
    if (target === undefined) return notFound(reply);
    const status = await o.service.status(target.id);
    if (!status.found || status.status !== 'done' || status.reportJson === undefined)
      return notFound(reply);
    const pkg = citedPackage(JSON.parse(status.reportJson) as ScanReport, target);
    if (pkg === undefined) return notFound(reply);
    const bytes = await o.readPackageFile(target.name, target.version, target.path, pkg.integrity);
    if (bytes === undefined) return notFound(reply);
    const { body, text, truncated } = fileBody(bytes);
    if (truncated) reply.header(TRUNCATED_HEADER, `${body.length}/${bytes.length}`);
    return reply
      .code(200)
      .type(TEXT_TYPE)
      .header('content-disposition', disposition(text ? 'inline' : 'attachment', target.path))
      .send(body);
  });
  return app;
}

/**
 * Tarball bounds for reading one file: tighter than the analysis's, since a request holds
 * the whole archive's kept files in memory until it answers. A file over maxFileBytes is
 * not available here (404), like a file the archive does not have.
 */
export const USERCONTENT_TARBALL_LIMITS: TarballLimits = {
  ...DEFAULT_TARBALL_LIMITS,
  maxUncompressedBytes: 256 * 1024 * 1024,
  maxFileBytes: 16 * 1024 * 1024,
};

/** Tarballs read at once: with the limits above, at most 512 MiB of archive in memory. */
const READ_CONCURRENCY = 2;

export type ReadPackageFile = UsercontentOptions['readPackageFile'];

/**
 * The real readPackageFile: the public registry (no scope registries, no credentials, as the
 * analysis), the shared package cache (tarballs stay compressed on disk; files are never
 * written), integrity checked as the scanner checks it (the lockfile's when the report has
 * it, else the packument's), and the in-memory tarball reader. `close()` ends the client's
 * connections.
 */
export function registryFileReader(o: {
  registryUrl: string;
  cacheDir: string;
}): ReadPackageFile & { close(): Promise<void> } {
  const registry = o.registryUrl.endsWith('/') ? o.registryUrl : `${o.registryUrl}/`;
  const client = new RegistryClient({
    config: { registry, registrySource: 'the server', scopes: new Map(), credentials: new Map() },
    cache: new DiskCache(o.cacheDir),
    concurrency: READ_CONCURRENCY,
  });
  let active = 0;
  const waiting: (() => void)[] = [];
  const acquire = async (): Promise<void> => {
    while (active >= READ_CONCURRENCY) await new Promise<void>((r) => waiting.push(r));
    active++;
  };
  const release = (): void => {
    active--;
    waiting.shift()?.();
  };

  const read: ReadPackageFile = async (name, version, path, integrity) => {
    try {
      assertPackageName(name);
    } catch {
      return undefined;
    }
    if (!/^[0-9A-Za-z.+-]{1,256}$/.test(version)) return undefined;
    await acquire();
    try {
      const result = await client.tarball({ name, version, integrity });
      if (!result.ok) return undefined; // not the bytes that were locked: serve nothing
      const contents = await readTarball(result.bytes, USERCONTENT_TARBALL_LIMITS);
      return contents.files.find((f) => f.path === path)?.bytes;
    } catch (err) {
      if (
        isDepwardenError(err) &&
        (err.code === 'PACKAGE_NOT_FOUND' || err.code === 'REGISTRY_AUTH')
      )
        return undefined;
      throw err;
    } finally {
      release();
    }
  };
  return Object.assign(read, { close: () => client.close() });
}
