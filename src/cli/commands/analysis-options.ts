/**
 * Flags and setup shared by the commands that analyse packages (`analyze`, `scan`, `diff`):
 * the cache, the registry, the advisory database and its online sources, the history and
 * intel thresholds. One definition, so the same flag means the same thing everywhere and
 * `--help` describes it the same way.
 */
import { resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { DepwardenError } from '../../errors/index.js';
import { DEFAULT_INTEL_OPTIONS, type IntelOptions } from '../../analyzer/kit.js';
import {
  OSV_API_URL,
  openAdvisoryDb,
  queryNpmBulkAdvisories,
  queryOsv,
  staleness,
  type AdvisoryDb,
  type AdvisoryDbInfo,
} from '../../advisories/index.js';
import type { EnrichOptions } from '../../intel/index.js';
import {
  DiskCache,
  RegistryClient,
  askNpmForRegistry,
  defaultCacheDir,
  loadRegistryConfig,
} from '../../registry/index.js';
import { defaultDataDir } from '../../util/dirs.js';
import type { CliContext, OptionSpec } from '../spec.js';

type Options = Record<string, string | boolean | undefined>;

export const CACHE_OPTIONS: OptionSpec[] = [
  {
    name: 'offline',
    type: 'boolean',
    description: 'Use only the cache; name what is missing instead of fetching it.',
  },
  {
    name: 'cache-dir',
    type: 'string',
    value: '<dir>',
    description: 'Cache folder for packuments, tarballs and results.',
    default: '$XDG_CACHE_HOME/depwarden or ~/.cache/depwarden',
  },
  {
    name: 'no-cache',
    type: 'boolean',
    description:
      'Neither read nor write analysis results in the cache (tarballs are still cached).',
  },
  {
    name: 'registry',
    type: 'string',
    value: '<url>',
    description:
      "Registry URL (default: npm's configuration: NPM_CONFIG_REGISTRY, .npmrc, npm config get registry).",
  },
];

export const INTEL_OPTIONS: OptionSpec[] = [
  {
    name: 'data-dir',
    type: 'string',
    value: '<dir>',
    description:
      'Where the advisory database is (see `depwarden db update`); registry packages are matched against it.',
    default: '$XDG_DATA_HOME/depwarden or ~/.local/share/depwarden',
  },
  {
    name: 'osv-online',
    type: 'boolean',
    description:
      "Also ask OSV's query API about each registry package (sends the package names and versions to it).",
  },
  {
    name: 'osv-url',
    type: 'string',
    value: '<url>',
    description: 'The OSV API to ask with --osv-online.',
    default: OSV_API_URL,
  },
  {
    name: 'registry-advisories',
    type: 'boolean',
    description:
      "Also ask the registry's bulk advisory endpoint (the one npm audit uses) about each registry package.",
  },
  {
    name: 'no-history',
    type: 'boolean',
    description:
      'Do not fetch and analyse the version before each package (skips permissionCreep and majorRefactor).',
  },
  {
    name: 'soak-days',
    type: 'string',
    value: '<n>',
    description: 'recentlyPublished: a version younger than this many days.',
    default: String(DEFAULT_INTEL_OPTIONS.soakDays),
  },
  {
    name: 'unmaintained-years',
    type: 'string',
    value: '<n>',
    description: 'unmaintained: no release of the package for this many years.',
    default: String(DEFAULT_INTEL_OPTIONS.unmaintainedYears),
  },
];

export function intelOptionsFrom(options: Options): IntelOptions {
  return {
    soakDays: parseNumber(options['soak-days'], 'soak-days', DEFAULT_INTEL_OPTIONS.soakDays),
    unmaintainedYears: parseNumber(
      options['unmaintained-years'],
      'unmaintained-years',
      DEFAULT_INTEL_OPTIONS.unmaintainedYears,
    ),
  };
}

function parseNumber(value: unknown, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1000)
    throw new DepwardenError('USAGE', `--${flag} must be a number from 0 to 1000`);
  return n;
}

/** A whole number flag from 1 to `max`, or the fallback when absent. */
export function parseCount(value: unknown, flag: string, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new DepwardenError('USAGE', `--${flag} must be a whole number from 1 to ${max}`);
  return n;
}

export function defaultJobs(): number {
  return availableParallelism();
}

export function cacheFrom(options: Options, ctx: CliContext): DiskCache {
  return new DiskCache(
    typeof options['cache-dir'] === 'string'
      ? resolve(ctx.cwd, options['cache-dir'])
      : defaultCacheDir(ctx.env),
  );
}

/** How long npm's own answer for the registry is reused (starting npm costs ~0.3 s a run). */
const NPM_ANSWER_TTL_MS = 60 * 60 * 1000;

/**
 * `npm config get registry`, remembered in the cache folder for an hour. It is asked only when
 * no flag, environment variable or .npmrc names a registry, so the answer is npm's built-in
 * default, which changes only with npm itself; the npm path and version are part of the key.
 */
async function askNpmCached(cache: DiskCache, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const key = `npm-registry/${env.PATH ?? ''}/${env.npm_config_user_agent ?? ''}`;
  const hit = cache.getResultSync(key);
  if (hit !== undefined) {
    try {
      const entry = JSON.parse(hit) as { at: number; registry: string };
      if (Date.now() - entry.at < NPM_ANSWER_TTL_MS && typeof entry.registry === 'string')
        return entry.registry;
    } catch {
      // asked again below
    }
  }
  const registry = await askNpmForRegistry();
  if (registry !== undefined)
    await cache.putResult(key, JSON.stringify({ at: Date.now(), registry })).catch(() => undefined);
  return registry;
}

export async function clientFrom(
  options: Options,
  ctx: CliContext,
  cache: DiskCache,
  projectDir = ctx.cwd,
  publicOnly = false,
): Promise<RegistryClient> {
  const config = await loadRegistryConfig({
    flag: options.registry as string | undefined,
    env: ctx.env,
    projectDir,
    askNpm: () => askNpmCached(cache, ctx.env),
  });
  return new RegistryClient({
    // The report service fetches public packages only: no scope registries, no credentials,
    // so a private package is a failure ("not analysable by this server"), never a leak.
    config: publicOnly ? { ...config, scopes: new Map(), credentials: new Map() } : config,
    cache,
    offline: options.offline === true,
  });
}

export interface AdvisoryState {
  db: AdvisoryDb | undefined;
  status: 'ok' | 'stale' | 'missing' | 'invalid';
  info?: AdvisoryDbInfo;
  /** The sentence the user must read when the database is missing or stale. */
  warning?: string;
}

/**
 * The advisory database, or none with a warning: a scan without it is silent about known
 * vulnerabilities and known malware, and the user must know that.
 */
export async function openAdvisories(
  options: Options,
  ctx: CliContext,
  now: Date,
): Promise<AdvisoryState> {
  const dataDir =
    typeof options['data-dir'] === 'string'
      ? resolve(ctx.cwd, options['data-dir'])
      : defaultDataDir(ctx.env);
  const db = await openAdvisoryDb(dataDir);
  const info = db.status === 'ok' ? db.info() : undefined;
  const state = db.status === 'ok' ? staleness(info, now) : 'missing';
  if (state === 'missing') {
    db.close();
    const invalid = db.status === 'invalid';
    return {
      db: undefined,
      status: invalid ? 'invalid' : 'missing',
      warning: `${invalid ? `the advisory database is unreadable (${db.problem ?? 'damaged'})` : 'no advisory database'}, so known vulnerabilities and known malware are not checked (run \`depwarden db update\`)`,
    };
  }
  const out: AdvisoryState = { db, status: state === 'stale' ? 'stale' : 'ok' };
  if (info !== undefined) out.info = info;
  if (state === 'stale')
    out.warning = `the advisory database holds data as of ${info?.newestModified ?? 'an unknown date'}, older than 7 days (run \`depwarden db update\`)`;
  return out;
}

/** The online advisory sources the flags turn on; both are off by default (privacy). */
export function onlineSources(
  options: Options,
  client: RegistryClient | undefined,
): NonNullable<EnrichOptions['onlineAdvisories']> {
  const sources: NonNullable<EnrichOptions['onlineAdvisories']>[number][] = [];
  if (options['osv-online'] === true) {
    const baseUrl = typeof options['osv-url'] === 'string' ? options['osv-url'] : OSV_API_URL;
    sources.push({
      name: 'osv-online',
      query: async (name, version) => (await queryOsv([{ name, version }], { baseUrl }))[0] ?? [],
    });
  }
  if (options['registry-advisories'] === true && client !== undefined)
    sources.push({
      name: 'registry-advisories',
      query: async (name, version) => {
        const registryUrl = client.registryUrl(name);
        const headers = client.authorizationFor(registryUrl);
        return (
          (await queryNpmBulkAdvisories([{ name, version }], { registryUrl, headers }))[0] ?? []
        );
      },
    });
  return sources;
}
