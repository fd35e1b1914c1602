/**
 * The engine and the intel stage behind one object, shared by `depwarden analyze` and
 * `depwarden scan`: a lazily started worker pool, the result cache, and `enrich` with the
 * options both commands build the same way.
 *
 * Why lazily: a warm scan answers every package from the cache and must not pay for starting
 * worker threads (each loads the parser) it will never use.
 */
import { createHash } from 'node:crypto';
import type { PackageAnalysis, SeekAlerts } from '../analyzer/index.js';
import { AnalysisPool } from '../analyzer/pool.js';
import { analysisCacheKey } from '../analyzer/cache-key.js';
import type { IntelOptions } from '../analyzer/kit.js';
import { DETECTORS } from '../detectors/index.js';
import { enrich, prefetchHistory, type EnrichOptions, type HistoryFetch } from '../intel/index.js';
import type { AdvisoryDb } from '../advisories/index.js';
import { isDepwardenError } from '../errors/index.js';
import type { DiskCache, RegistryClient } from '../registry/index.js';

export interface EngineInput {
  name: string;
  version: string;
  integrity: string;
  tarball: Uint8Array;
  reuse?: readonly (readonly [string, string])[];
  history?: boolean;
  seek?: SeekAlerts;
}

export interface AnalysisResult extends PackageAnalysis {
  cached?: boolean;
}

export interface PackageEngineOptions {
  cache: DiskCache;
  /** Read and write analysis results in the cache (tarballs are cached regardless). */
  useResultCache: boolean;
  jobs: number;
  client?: RegistryClient;
  intel: IntelOptions;
  now: Date;
  history: boolean;
  advisories?: AdvisoryDb;
  onlineAdvisories: NonNullable<EnrichOptions['onlineAdvisories']>;
}

export class PackageEngine {
  private pool: AnalysisPool | undefined;

  constructor(private readonly options: PackageEngineOptions) {}

  /** The engine, through the result cache: also used for the versions before targets. */
  async analyze(input: EngineInput): Promise<AnalysisResult> {
    const { cache, useResultCache } = this.options;
    // A partial analysis (files reused from another version, or searched only for some
    // alerts) is its own cache entry.
    const key =
      input.reuse === undefined && input.seek === undefined
        ? `${analysisCacheKey(input.integrity)}${input.history === true ? '/history' : ''}`
        : input.seek === undefined
          ? `${analysisCacheKey(input.integrity)}/reusing/${createHash('sha256').update(JSON.stringify(input.reuse)).digest('hex')}`
          : `${analysisCacheKey(input.integrity)}/seeking/${createHash('sha256')
              .update(JSON.stringify([input.reuse ?? null, input.seek]))
              .digest('hex')}`;
    if (useResultCache) {
      const hit = await cache.getResult(key).catch(() => undefined);
      if (hit !== undefined) {
        const parsed = JSON.parse(hit) as AnalysisResult;
        return {
          ...parsed,
          package: { name: input.name, version: input.version, integrity: input.integrity },
          cached: true,
        };
      }
    }
    this.pool ??= new AnalysisPool(this.options.jobs);
    const result = await this.pool.analyze(input);
    if (useResultCache) await cache.putResult(key, JSON.stringify(result)).catch(() => undefined);
    return result;
  }

  /** The registry stage for a version fetched from the registry (needs a client). */
  async enrich(
    name: string,
    version: string,
    analysis: AnalysisResult,
    how: {
      /** The registry lists the version but has no tarball for it (missingTarball). */
      tarballMissing?: boolean;
      onPackument?: EnrichOptions['onPackument'];
      /** What `prefetch` started for this version. */
      prefetched?: Promise<HistoryFetch> | undefined;
      /** False: no comparison with the version before (nothing of that version is fetched). */
      history?: boolean;
    } = {},
  ): Promise<AnalysisResult> {
    const o = this.options;
    if (o.client === undefined) return analysis;
    const enriched = await enrich(
      name,
      version,
      analysis,
      {
        client: o.client,
        analyze: (input) => this.analyze(input),
        detectors: DETECTORS,
        options: o.intel,
        now: o.now,
        history: how.history !== false && o.history,
        ...(o.advisories === undefined ? {} : { advisories: o.advisories }),
        onlineAdvisories: o.onlineAdvisories,
        ...(how.tarballMissing === true ? { tarballMissing: true } : {}),
        ...(how.onPackument === undefined ? {} : { onPackument: how.onPackument }),
      },
      how.prefetched,
    );
    return analysis.cached === true ? { ...enriched, cached: true } : enriched;
  }

  /**
   * Starts fetching what `enrich` will need (the packument, the version before), to run while
   * the version itself is fetched and analysed; undefined without a client.
   */
  prefetch(name: string, version: string): Promise<HistoryFetch> | undefined {
    const o = this.options;
    if (o.client === undefined) return undefined;
    return prefetchHistory(name, version, { client: o.client, history: o.history });
  }

  /** Whether any package needed the worker pool. */
  get started(): boolean {
    return this.pool !== undefined;
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}

/** An analysis with nothing in it: a version listed without a tarball, still enriched. */
export function emptyAnalysis(name: string, version: string): AnalysisResult {
  return {
    package: { name, version, integrity: null },
    alerts: [],
    files: 0,
    bytes: 0,
    durationMs: 0,
    complete: false,
    failures: [],
  };
}

/** The result for a tarball that does not match its integrity: never analysed, one critical alert. */
export function integrityMismatch(
  name: string,
  version: string,
  got: { expected: string; actual: string; url: string },
): AnalysisResult {
  return {
    package: { name, version, integrity: got.expected },
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
}

/** Whether a failed tarball fetch was a 404 for a version the packument lists. */
export async function listedWithoutTarball(
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
