/**
 * `depwarden analyze <target>...`: analyse package tarballs, local (`.tgz`, no network at all)
 * or from the registry (`name@version`), and print per package its alerts with evidence.
 *
 * Composition root for the registry client, the result cache and the worker pool. Memory is
 * bounded by keeping at most 2 × workers tarballs in flight: fetching waits for analysis.
 * Results are cached by (tarball integrity, engine version, every detector's id and version),
 * so a detector change re-analyses exactly what it affects and nothing else.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { DepwardenError, isDepwardenError } from '../../errors/index.js';
import { type PackageAnalysis } from '../../analyzer/index.js';
import { AnalysisPool } from '../../analyzer/pool.js';
import { analysisCacheKey } from '../../analyzer/cache-key.js';
import {
  DiskCache,
  RegistryClient,
  defaultCacheDir,
  loadRegistryConfig,
  sha512Sri,
  assertPackageName,
} from '../../registry/index.js';
import { readTarball } from '../../analyzer/tarball/index.js';
import { DEFAULT_INTEL_OPTIONS, type IntelOptions } from '../../analyzer/kit.js';
import { DETECTORS } from '../../detectors/index.js';
import { enrich, type EnrichOptions } from '../../intel/index.js';
import {
  OSV_API_URL,
  openAdvisoryDb,
  queryNpmBulkAdvisories,
  queryOsv,
  staleness,
  type AdvisoryDb,
} from '../../advisories/index.js';
import { defaultDataDir } from '../../util/dirs.js';
import type { CliContext, CommandSpec } from '../spec.js';
import { sanitize } from '../../util/text.js';

/** A local tarball larger than this is refused before reading (the registry limit is the same). */
const MAX_LOCAL_TARBALL = 256 * 1024 * 1024;

type Target =
  | { kind: 'file'; path: string; shown: string }
  | { kind: 'registry'; name: string; version: string; shown: string };

export interface AnalyzeOutput extends PackageAnalysis {
  cached?: boolean;
}

export const analyzeCommand: CommandSpec = {
  name: 'analyze',
  summary: 'Analyse package tarballs (local .tgz or name@version) for malware and risky code.',
  usage:
    'depwarden analyze <target>... [--json | --ndjson] [--offline] [--cache-dir DIR] [--registry URL] [--data-dir DIR] [--no-history]',
  description:
    'Reads each package tarball in memory (never unpacked to disk, never executed), classifies its files, parses each JavaScript and TypeScript file once, runs every detector, and correlates capabilities into a malware verdict. A target is a path to a .tgz file (no network needed) or name@version, fetched from the registry npm is configured for, checked against its integrity and cached. For registry targets the registry checks run too: deprecation, publishers and maintainers, publish times, provenance, the registry manifest against the tarball, and what changed since the version before (which is fetched and analysed as well unless --no-history). They are also matched against the local advisory database for known vulnerabilities and known malware (`depwarden db update`; a warning says when it is missing or stale). Exits 2 when some target could not be analysed.',
  args: [
    {
      name: '<target>',
      description: 'A .tgz file, or name@version (e.g. left-pad@1.3.0, @scope/pkg@2.0.0).',
    },
  ],
  options: [
    { name: 'json', type: 'boolean', description: 'Print one JSON array of results.' },
    {
      name: 'ndjson',
      type: 'boolean',
      description:
        'Print one JSON line per package as soon as it is done (for batches of thousands).',
    },
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
    {
      name: 'jobs',
      type: 'string',
      value: '<n>',
      description: 'Analysis worker threads.',
      default: 'one per core',
    },
    {
      name: 'data-dir',
      type: 'string',
      value: '<dir>',
      description:
        'Where the advisory database is (see `depwarden db update`); registry targets are matched against it.',
      default: '$XDG_DATA_HOME/depwarden or ~/.local/share/depwarden',
    },
    {
      name: 'osv-online',
      type: 'boolean',
      description:
        "Also ask OSV's query API about each registry target (sends the package names and versions to it).",
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
        "Also ask the registry's bulk advisory endpoint (the one npm audit uses) about each registry target.",
    },
    {
      name: 'no-history',
      type: 'boolean',
      description:
        'Do not fetch and analyse the version before each target (skips permissionCreep and majorRefactor).',
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
  ],
  examples: [
    'depwarden analyze ./left-pad-1.3.0.tgz',
    'depwarden analyze express@4.21.2 lodash@4.17.21 --json',
    'depwarden analyze --ndjson $(cat targets.txt) > results.ndjson',
  ],
  async run(positionals, options, ctx) {
    if (positionals.length === 0)
      throw new DepwardenError(
        'USAGE',
        'analyze needs at least one target (a .tgz file or name@version)',
      );
    if (options.json === true && options.ndjson === true)
      throw new DepwardenError('USAGE', '--json and --ndjson exclude each other');
    const targets = positionals.map((p) => parseTarget(p, ctx));
    const jobs = parseJobs(options.jobs, targets.length);
    const intelOptions: IntelOptions = {
      soakDays: parseNumber(options['soak-days'], 'soak-days', DEFAULT_INTEL_OPTIONS.soakDays),
      unmaintainedYears: parseNumber(
        options['unmaintained-years'],
        'unmaintained-years',
        DEFAULT_INTEL_OPTIONS.unmaintainedYears,
      ),
    };
    const now = new Date();
    const advisories = needsAdvisories(targets)
      ? await openAdvisories(
          typeof options['data-dir'] === 'string'
            ? resolve(ctx.cwd, options['data-dir'])
            : defaultDataDir(ctx.env),
          ctx,
          now,
        )
      : undefined;
    const needsRegistry = targets.some((t) => t.kind === 'registry');
    const cacheDir =
      typeof options['cache-dir'] === 'string'
        ? resolve(ctx.cwd, options['cache-dir'])
        : defaultCacheDir(ctx.env);
    const cache = new DiskCache(cacheDir);
    const useResultCache = options['no-cache'] !== true;
    const client = needsRegistry
      ? new RegistryClient({
          config: await loadRegistryConfig({
            flag: options.registry as string | undefined,
            env: ctx.env,
            projectDir: ctx.cwd,
          }),
          cache,
          offline: options.offline === true,
        })
      : undefined;
    const online = onlineSources(options, client);
    // Always a pool, even for one target: a worker's heap and time limits are what keep a
    // hostile file from taking the whole process down with the parser.
    const pool = new AnalysisPool(jobs);
    const results: (AnalyzeOutput | undefined)[] = new Array<AnalyzeOutput | undefined>(
      targets.length,
    );
    const failures: { target: string; error: unknown }[] = [];
    const progress = progressLine(ctx, targets.length);
    let done = 0;

    /** The engine, through the result cache: also used for the versions before targets. */
    const analyzeCached = async (input: {
      name: string;
      version: string;
      integrity: string;
      tarball: Uint8Array;
      reuse?: readonly (readonly [string, string])[];
      history?: boolean;
    }): Promise<AnalyzeOutput> => {
      // A partial analysis (files reused from another version) is its own cache entry.
      const key =
        input.reuse === undefined
          ? `${analysisCacheKey(input.integrity)}${input.history === true ? '/history' : ''}`
          : `${analysisCacheKey(input.integrity)}/reusing/${createHash('sha256').update(JSON.stringify(input.reuse)).digest('hex')}`;
      if (useResultCache) {
        const hit = await cache.getResult(key).catch(() => undefined);
        if (hit !== undefined) {
          const parsed = JSON.parse(hit) as AnalyzeOutput;
          return {
            ...parsed,
            package: { name: input.name, version: input.version, integrity: input.integrity },
            cached: true,
          };
        }
      }
      const result = await pool.analyze(input);
      if (useResultCache) await cache.putResult(key, JSON.stringify(result)).catch(() => undefined);
      return result;
    };
    const intel = (tarballMissing?: boolean): EnrichOptions => ({
      client: client as RegistryClient,
      analyze: analyzeCached,
      detectors: DETECTORS,
      options: intelOptions,
      now,
      history: options['no-history'] !== true,
      ...(advisories === undefined ? {} : { advisories }),
      onlineAdvisories: online,
      ...(tarballMissing === true ? { tarballMissing } : {}),
    });

    const analyzeOne = async (target: Target): Promise<AnalyzeOutput> => {
      let loaded;
      try {
        loaded = await loadTarget(target, client);
      } catch (err) {
        // A version the registry lists but has no tarball for is a finding, not a failure.
        if (target.kind !== 'registry' || !(await listedWithoutTarball(err, target, client)))
          throw err;
        const empty: AnalyzeOutput = {
          package: { name: target.name, version: target.version, integrity: null },
          alerts: [],
          files: 0,
          bytes: 0,
          durationMs: 0,
          complete: false,
          failures: [],
        };
        return enrich(target.name, target.version, empty, intel(true));
      }
      const { name, version, bytes, integrity, mismatch } = loaded;
      if (mismatch !== undefined) return mismatch;
      const history = target.kind === 'registry' && options['no-history'] !== true;
      const result = await analyzeCached({ name, version, integrity, tarball: bytes, history });
      if (target.kind !== 'registry') return result;
      const enriched = await enrich(name, version, result, intel());
      return result.cached === true ? { ...enriched, cached: true } : enriched;
    };

    // At most 2 × jobs targets in flight: fetched tarballs wait in memory only that long.
    let next = 0;
    const lanes = Array.from(
      { length: Math.min(targets.length, Math.max(2, jobs * 2)) },
      async () => {
        while (next < targets.length) {
          const index = next++;
          const target = targets[index] as Target;
          try {
            const result = await analyzeOne(target);
            results[index] = result;
            if (options.ndjson === true)
              ctx.stdout.write(`${JSON.stringify(publicShape(result))}\n`);
          } catch (error) {
            if (!isDepwardenError(error)) throw error;
            failures.push({ target: target.shown, error });
            if (options.ndjson === true)
              ctx.stdout.write(
                `${JSON.stringify({ target: target.shown, error: { code: error.code, message: error.message } })}\n`,
              );
          }
          progress(++done);
        }
      },
    );
    try {
      await Promise.all(lanes);
    } finally {
      progress(-1);
      await pool.close();
      await client?.close();
      advisories?.close();
    }
    const finished = results.filter((r): r is AnalyzeOutput => r !== undefined);
    if (options.json === true)
      ctx.stdout.write(`${JSON.stringify(finished.map(publicShape), null, 2)}\n`);
    else if (options.ndjson !== true) ctx.stdout.write(renderText(finished));
    for (const f of failures) {
      const e = f.error as DepwardenError;
      ctx.stderr.write(`depwarden: ${sanitize(f.target, 200)}: ${sanitize(e.message, 500)}\n`);
      if (e.hint !== undefined) ctx.stderr.write(`  hint: ${e.hint}\n`);
    }
    return failures.length > 0 ? 2 : 0;
  },
};

function parseTarget(arg: string, ctx: CliContext): Target {
  if (/\.(tgz|tar\.gz|tar)$/i.test(arg))
    return { kind: 'file', path: resolve(ctx.cwd, arg), shown: arg };
  const at = arg.lastIndexOf('@');
  if (at <= 0) {
    throw new DepwardenError(
      'TARGET_INVALID',
      `${JSON.stringify(sanitize(arg, 100))} is neither a .tgz file nor name@version`,
    );
  }
  const name = arg.slice(0, at);
  const version = arg.slice(at + 1);
  assertPackageName(name);
  if (!/^[0-9A-Za-z.+-]{1,256}$/.test(version)) {
    throw new DepwardenError(
      'TARGET_INVALID',
      `${JSON.stringify(sanitize(arg, 100))}: ${JSON.stringify(sanitize(version, 60))} is not an exact version`,
      {
        hint: 'Give an exact version (1.2.3), not a range or tag.',
      },
    );
  }
  return { kind: 'registry', name, version, shown: arg };
}

/** The online advisory sources the flags turn on; both are off by default (privacy). */
function onlineSources(
  options: Record<string, string | boolean | undefined>,
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

function needsAdvisories(targets: readonly Target[]): boolean {
  return targets.some((t) => t.kind === 'registry');
}

/**
 * The advisory database, or undefined with a one-line warning: a scan without it is silent
 * about known vulnerabilities, and the user must know that.
 */
async function openAdvisories(
  dataDir: string,
  ctx: CliContext,
  now: Date,
): Promise<AdvisoryDb | undefined> {
  const db = await openAdvisoryDb(dataDir);
  const state = db.status === 'ok' ? staleness(db.info(), now) : 'missing';
  if (state === 'missing') {
    ctx.stderr.write(
      `depwarden: warning: ${db.status === 'invalid' ? `the advisory database is unreadable (${db.problem ?? 'damaged'})` : 'no advisory database'}, so known vulnerabilities and known malware are not checked (run \`depwarden db update\`)\n`,
    );
    db.close();
    return undefined;
  }
  if (state === 'stale')
    ctx.stderr.write(
      `depwarden: warning: the advisory database holds data as of ${db.info()?.newestModified ?? 'an unknown date'}, older than 7 days (run \`depwarden db update\`)\n`,
    );
  return db;
}

function parseNumber(value: unknown, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1000)
    throw new DepwardenError('USAGE', `--${flag} must be a number from 0 to 1000`);
  return n;
}

/** Whether a failed tarball fetch was a 404 for a version the packument lists. */
async function listedWithoutTarball(
  err: unknown,
  target: { name: string; version: string },
  client: RegistryClient | undefined,
): Promise<boolean> {
  if (!isDepwardenError(err) || err.code !== 'PACKAGE_NOT_FOUND' || client === undefined)
    return false;
  try {
    return (await client.packument(target.name)).versions.has(target.version);
  } catch {
    return false;
  }
}

function parseJobs(value: unknown, targets: number): number {
  if (value === undefined) return targets === 1 ? 1 : Math.min(availableParallelism(), targets);
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new DepwardenError('USAGE', '--jobs must be a whole number from 1 to 256');
  return n;
}

async function loadTarget(
  target: Target,
  client: RegistryClient | undefined,
): Promise<{
  name: string;
  version: string;
  bytes: Uint8Array;
  integrity: string;
  mismatch?: AnalyzeOutput;
}> {
  if (target.kind === 'file') {
    const bytes = await readLocal(target.path, target.shown);
    const { name, version } = await identify(bytes, target.shown);
    return { name, version, bytes, integrity: sha512Sri(bytes) };
  }
  const got = await (client as RegistryClient).tarball({
    name: target.name,
    version: target.version,
  });
  if (!got.ok) {
    const mismatch: AnalyzeOutput = {
      package: { name: target.name, version: target.version, integrity: got.expected },
      alerts: [
        {
          type: 'tarballIntegrityMismatch',
          category: 'supplyChainRisk',
          severity: 'critical',
          confidence: 1,
          message: `the tarball served does not match its integrity (expected ${got.expected}, got ${got.actual}); it was not analysed`,
          evidence: [{ file: got.url }],
          props: { expected: got.expected, actual: got.actual },
        },
      ],
      files: 0,
      bytes: 0,
      durationMs: 0,
      complete: false,
      failures: [],
    };
    return {
      name: target.name,
      version: target.version,
      bytes: new Uint8Array(),
      integrity: got.expected,
      mismatch,
    };
  }
  return { name: target.name, version: target.version, bytes: got.bytes, integrity: got.integrity };
}

async function readLocal(path: string, shown: string): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new DepwardenError(
      'TARGET_INVALID',
      `cannot read ${shown}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      {
        hint: 'Check the path of the .tgz file.',
      },
    );
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile())
      throw new DepwardenError('TARGET_INVALID', `${shown} is not a regular file`);
    if (stat.size > MAX_LOCAL_TARBALL)
      throw new DepwardenError(
        'TARGET_INVALID',
        `${shown} is ${stat.size} bytes, over the ${MAX_LOCAL_TARBALL}-byte limit`,
      );
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** Name and version of a local tarball from its package.json, else from the file name. */
async function identify(
  bytes: Uint8Array,
  shown: string,
): Promise<{ name: string; version: string }> {
  const contents = await readTarball(bytes);
  const manifest = contents.files.find((f) => f.path === 'package.json');
  if (manifest?.bytes !== undefined) {
    try {
      const m = JSON.parse(new TextDecoder().decode(manifest.bytes)) as {
        name?: unknown;
        version?: unknown;
      };
      if (typeof m.name === 'string' && typeof m.version === 'string')
        return { name: m.name, version: m.version };
    } catch {
      // fall through to the file name
    }
  }
  const base = shown.replace(/^.*[\\/]/, '').replace(/\.(tgz|tar\.gz|tar)$/i, '');
  const m = /^(.*)-(\d+\.\d+\.\d+[^/]*)$/.exec(base);
  return { name: m?.[1] ?? base, version: m?.[2] ?? '' };
}

function publicShape(r: AnalyzeOutput): Record<string, unknown> {
  const out: Record<string, unknown> = {
    package: r.package,
    alerts: r.alerts,
    files: r.files,
    bytes: r.bytes,
    durationMs: r.durationMs,
  };
  if (!r.complete) out.complete = false;
  if (r.failures.length > 0) out.failures = r.failures;
  if (r.cached === true) out.cached = true;
  return out;
}

const SEVERITY_ORDER = ['critical', 'high', 'middle', 'low'] as const;

function renderText(results: readonly AnalyzeOutput[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const counts = SEVERITY_ORDER.map(
      (s) => [s, r.alerts.filter((a) => a.severity === s).length] as const,
    ).filter(([, n]) => n > 0);
    lines.push(
      `${r.package.name}@${r.package.version}: ${r.files} files, ${r.alerts.length} alert${r.alerts.length === 1 ? '' : 's'}${counts.length > 0 ? ` (${counts.map(([s, n]) => `${n} ${s === 'middle' ? 'medium' : s}`).join(', ')})` : ''}${r.complete ? '' : ' [incomplete]'}`,
    );
    for (const a of r.alerts) {
      const ev = a.evidence[0];
      const where =
        ev === undefined
          ? ''
          : ` at ${ev.file}${ev.line === undefined ? '' : `:${ev.line}:${ev.column ?? 1}`}`;
      lines.push(
        `  ${(a.severity === 'middle' ? 'medium' : a.severity).padEnd(8)} ${a.type}: ${sanitize(a.message, 300)}${sanitize(where, 200)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function progressLine(ctx: CliContext, total: number): (done: number) => void {
  const show = ctx.stderr.isTTY === true && ctx.env.CI === undefined && total > 1;
  let last = 0;
  return (done) => {
    if (!show) return;
    if (done < 0) {
      ctx.stderr.write('\r\x1b[K');
      return;
    }
    if (Date.now() - last < 200 && done < total) return;
    last = Date.now();
    ctx.stderr.write(`\ranalysing: ${done}/${total} packages`);
  };
}
