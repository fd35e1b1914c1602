/**
 * The registry client: packuments and tarballs, through the disk cache, with npm's
 * configuration and integrity checking.
 *
 * Tarballs are hashed while they stream and compared, in constant time, with the integrity the
 * lockfile recorded (else the packument's `dist.integrity`, else its sha1 `shasum`). A
 * mismatch is reported to the caller as a finding (`tarballIntegrityMismatch`), and the bytes
 * are neither cached nor handed on as the package: they are not what was locked.
 *
 * A tarball URL in a lockfile is recognised by its path shape (`<name>/-/<file>.tgz`) rather
 * than by host, and fetched from the registry configured for that name, as npm does when a
 * lockfile written against one registry is installed through another (a mirror).
 */
import { DepwardenError } from '../errors/index.js';
import { type DiskCache, type PackumentEntry } from './cache.js';
import { credentialFor, redactUrl, registryFor, type RegistryConfig } from './config.js';
import { HttpClient, type HttpOptions } from './http.js';
import { IntegrityHasher, digestMatches, parseIntegrity } from './integrity.js';
import { packumentPath, parsePackument, type Packument } from './packument.js';

export const ABBREVIATED =
  'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*';
export const FULL = 'application/json';

export interface ClientLimits {
  /** Largest packument accepted (default 128 MiB: some popular ones are tens of MB). */
  maxPackumentBytes: number;
  /** Largest compressed tarball accepted (default 256 MiB). */
  maxTarballBytes: number;
}

export const DEFAULT_CLIENT_LIMITS: ClientLimits = {
  maxPackumentBytes: 128 * 1024 * 1024,
  maxTarballBytes: 256 * 1024 * 1024,
};

export interface RegistryClientOptions extends HttpOptions {
  config: RegistryConfig;
  cache?: DiskCache | undefined;
  /** Use only the cache; a miss is an error naming what is missing. */
  offline?: boolean;
  /** How long a cached packument is used without revalidation (default 10 minutes). */
  packumentTtlMs?: number;
  limits?: Partial<ClientLimits>;
  now?: () => number;
}

export interface TarballRequest {
  name: string;
  version: string;
  /** Integrity from the lockfile, when there is one. */
  integrity?: string | undefined;
  /** The lockfile's resolved URL, when there is one. */
  resolved?: string | undefined;
}

export type TarballResult =
  | {
      ok: true;
      bytes: Buffer;
      /** SRI of the bytes, in the algorithm that was checked (sha512 when nothing was). */
      integrity: string;
      /** What the bytes were checked against. */
      verifiedBy: 'lockfile' | 'packument' | 'none';
      fromCache: boolean;
    }
  | { ok: false; reason: 'integrity-mismatch'; expected: string; actual: string; url: string };

export class RegistryClient {
  private readonly http: HttpClient;
  private readonly limits: ClientLimits;
  private readonly ttl: number;
  private readonly now: () => number;

  constructor(private readonly options: RegistryClientOptions) {
    this.http = new HttpClient(options);
    this.limits = { ...DEFAULT_CLIENT_LIMITS, ...options.limits };
    this.ttl = options.packumentTtlMs ?? 10 * 60 * 1000;
    this.now = options.now ?? Date.now;
  }

  private readonly users = new Map<string, Promise<boolean | undefined>>();

  async close(): Promise<void> {
    await this.http.close();
  }

  /**
   * Packuments being fetched, by URL and document kind: callers asking at the same moment (a
   * tarball without integrity and the intel stage, say) share one request and one parse.
   * Settled entries leave the map, so parsed packuments are not held for the whole run.
   */
  private readonly inFlight = new Map<string, Promise<Packument>>();

  async packument(name: string, full = false): Promise<Packument> {
    const url = `${registryFor(this.options.config, name)}${packumentPath(name)}`;
    // The full document answers an abbreviated request too (it is a superset).
    const shared =
      this.inFlight.get(`${FULL} ${url}`) ??
      (full ? undefined : this.inFlight.get(`${ABBREVIATED} ${url}`));
    if (shared !== undefined) return shared;
    const key = `${full ? FULL : ABBREVIATED} ${url}`;
    const fetching = this.fetchPackument(name, url, full).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, fetching);
    return fetching;
  }

  private async fetchPackument(name: string, url: string, full: boolean): Promise<Packument> {
    const accept = full ? FULL : ABBREVIATED;
    const cache = this.options.cache;
    const cached = await cache?.getPackument(url, accept);
    if (
      cached !== undefined &&
      (this.options.offline === true || this.now() - cached.fetchedAt < this.ttl)
    )
      return parsePackument(cached.body, name, full);
    if (this.options.offline === true) throw offlineMiss(`the packument of ${name}`);

    const headers: Record<string, string> = { accept, ...this.authHeader(url) };
    if (cached?.etag !== undefined) headers['if-none-match'] = cached.etag;
    if (cached?.lastModified !== undefined) headers['if-modified-since'] = cached.lastModified;
    const res = await this.http.get(url, {
      headers,
      maxBytes: this.limits.maxPackumentBytes,
      accept: cached === undefined ? [] : [304],
      what: `the packument of ${name}`,
    });
    const notModified = res.status === 304 && cached !== undefined;
    const body = notModified ? cached.body : res.body.toString('utf8');
    const packument = parsePackument(body, name, full);
    if (cache !== undefined) {
      // Fresh bytes are cached as the registry sent them, with no re-encoding.
      const entry: PackumentEntry = {
        url,
        accept,
        fetchedAt: this.now(),
        body: notModified ? cached.body : res.body,
      };
      const etag = res.headers.etag ?? (res.status === 304 ? cached?.etag : undefined);
      const lastModified =
        res.headers['last-modified'] ?? (res.status === 304 ? cached?.lastModified : undefined);
      if (etag !== undefined) entry.etag = etag;
      if (lastModified !== undefined) entry.lastModified = lastModified;
      await cache.putPackument(entry);
    }
    return packument;
  }

  /**
   * Whether the registry (the one serving `packageName`) still has the user account `user`:
   * true, false on a 404, undefined when it cannot say (offline, a mirror without user
   * documents, any error). Answers are kept for the run: one request per publisher.
   */
  async userExists(user: string, packageName: string): Promise<boolean | undefined> {
    if (this.options.offline === true || !/^[a-z0-9][\w.~-]{0,213}$/i.test(user)) return undefined;
    const url = `${registryFor(this.options.config, packageName)}-/user/org.couchdb.user:${encodeURIComponent(user)}`;
    let answer = this.users.get(url);
    if (answer === undefined) {
      answer = this.http
        .get(url, {
          headers: { accept: 'application/json', ...this.authHeader(url) },
          maxBytes: 256 * 1024,
          accept: [404],
          what: `the npm user ${user}`,
        })
        .then(
          (res) => (res.status === 404 ? false : res.status === 200 ? true : undefined),
          () => undefined,
        );
      this.users.set(url, answer);
    }
    return answer;
  }

  async tarball(request: TarballRequest): Promise<TarballResult> {
    let expected = parseIntegrity(request.integrity);
    let verifiedBy: 'lockfile' | 'packument' | 'none' =
      expected === undefined ? 'none' : 'lockfile';
    const cache = this.options.cache;
    if (expected !== undefined) {
      const hit = await cache?.getTarball(expected);
      if (hit !== undefined)
        return { ok: true, bytes: hit, integrity: expected.sri, verifiedBy, fromCache: true };
    }

    let url = this.tarballUrl(request);
    if (url === undefined || expected === undefined) {
      const version = (await this.packument(request.name)).versions.get(request.version);
      if (version === undefined) {
        throw new DepwardenError(
          'PACKAGE_NOT_FOUND',
          `${request.name}@${request.version} is not in the registry's packument`,
          { hint: 'Check the version; it may have been unpublished.' },
        );
      }
      url ??= this.tarballUrl({ ...request, resolved: version.tarball }) ?? version.tarball;
      if (expected === undefined) {
        expected = parseIntegrity(version.integrity, version.shasum);
        if (expected !== undefined) {
          verifiedBy = 'packument';
          const hit = await cache?.getTarball(expected);
          if (hit !== undefined)
            return { ok: true, bytes: hit, integrity: expected.sri, verifiedBy, fromCache: true };
        }
      }
    }
    if (this.options.offline === true)
      throw offlineMiss(`the tarball of ${request.name}@${request.version}`);

    const hasher = new IntegrityHasher(expected);
    const res = await this.http.get(url, {
      headers: { accept: '*/*', ...this.authHeader(url) },
      maxBytes: this.limits.maxTarballBytes,
      onChunk: (chunk) => hasher.update(chunk),
      what: `the tarball of ${request.name}@${request.version}`,
    });
    const actual = hasher.digest();
    if (expected !== undefined && !digestMatches(expected, actual.bytes)) {
      return {
        ok: false,
        reason: 'integrity-mismatch',
        expected: expected.sri,
        actual: actual.sri,
        url: redactUrl(url),
      };
    }
    if (expected !== undefined) await cache?.putTarball(expected, res.body);
    return { ok: true, bytes: res.body, integrity: actual.sri, verifiedBy, fromCache: false };
  }

  /**
   * Where to fetch a tarball: a registry-shaped resolved URL is re-based on the registry
   * configured for the name; another URL (a tarball host, a git archive) is used as written;
   * none gives undefined (ask the packument).
   */
  private tarballUrl(request: TarballRequest): string | undefined {
    if (request.resolved === undefined) return undefined;
    let u: URL;
    try {
      u = new URL(request.resolved);
    } catch {
      return undefined;
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
    const shape = registryTarballShape(u.pathname);
    if (shape === undefined || shape.name !== request.name) return u.toString();
    return `${registryFor(this.options.config, request.name)}${shape.path}`;
  }

  /** The registry npm is configured for `packageName`, ending in `/`. */
  registryUrl(packageName: string): string {
    return registryFor(this.options.config, packageName);
  }

  /** The authorization header npm would send to `url` (none when no credential covers it). */
  authorizationFor(url: string): Record<string, string> {
    return this.authHeader(url);
  }

  private authHeader(url: string): Record<string, string> {
    const cred = credentialFor(this.options.config, url);
    if (cred === undefined) return {};
    return {
      authorization: cred.kind === 'bearer' ? `Bearer ${cred.token}` : `Basic ${cred.encoded}`,
    };
  }
}

/**
 * `…/<name>/-/<file>.tgz` (the registry's tarball path; `<name>` is `@scope/name` or
 * `@scope%2fname` for scoped packages): the package name and the path from the name on.
 */
export function registryTarballShape(pathname: string): { name: string; path: string } | undefined {
  const m = /\/((?:@[^/]+(?:\/|%2[fF]))?[^/@][^/]*)\/-\/([^/]+\.tgz)$/.exec(pathname);
  if (m === null) return undefined;
  const name = decodeURIComponent((m[1] as string).replace(/%2f/i, '/'));
  return { name, path: `${name}/-/${m[2] as string}` };
}

function offlineMiss(what: string): DepwardenError {
  return new DepwardenError(
    'CACHE_MISS_OFFLINE',
    `${what} is not in the cache and --offline was given`,
    {
      hint: 'Run once without --offline to fill the cache, or point --cache-dir at a filled one.',
    },
  );
}
