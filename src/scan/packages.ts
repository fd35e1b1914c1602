/**
 * Every package of the graph through fetch, engine and intel, as compact outcomes: what the
 * report needs of each package (alerts, capabilities, license, publisher, score facts), and
 * nothing of its code.
 *
 * Outcomes are cached per package version, scan settings and advisory data, for as long as a
 * packument is (the registry metadata they include can change): a warm scan of thousands of
 * packages reads one small file per package and starts no worker thread.
 *
 * Concurrency: `concurrency` packages are in flight at once (fetching, or waiting for a
 * worker), so at most that many tarballs (and their previous versions) are held in memory.
 */
import { createHash } from 'node:crypto';
import type { Alert } from '../analyzer/kit.js';
import { analysisCacheKey } from '../analyzer/cache-key.js';
import { isDepwardenError } from '../errors/index.js';
import { DETECTORS } from '../detectors/index.js';
import { countRecentVersions } from '../scores/index.js';
import type { GraphPackage } from '../graph/index.js';
import { CAPABILITIES } from '../intel/history.js';
import { licenseOfVersion } from '../intel/license-view.js';
import type { LicenseResult } from '../intel/license/types.js';
import { versionView } from '../intel/index.js';
import type { Packument } from '../registry/index.js';
import type { DiskCache, RegistryClient } from '../registry/index.js';
import {
  emptyAnalysis,
  integrityMismatch,
  listedWithoutTarball,
  type AnalysisResult,
  type PackageEngine,
} from './engine.js';

/** Bumped when the outcome's shape or content changes. */
const OUTCOME_VERSION = 1;

/** Facts of a package version the scores are computed from (docs/scores.md). */
export interface ScoreFacts {
  files: number;
  bytes: number;
  readmeLength?: number;
  dependencyCount: number;
  devDependencyCount: number;
  maintainerCount?: number;
  versionCount?: number;
  versionsLastYear?: number;
  versionsLastTwoMonths?: number;
  versionsLastMonth?: number;
  versionsLastWeek?: number;
}

export interface PackageOutcome {
  status: 'analysed' | 'cached' | 'failed' | 'skipped';
  alerts: Alert[];
  files?: number;
  bytes?: number;
  complete: boolean;
  failures: { stage: 'fetch' | 'analyze' | 'intel'; code: string; message: string }[];
  capabilities: string[];
  license?: LicenseResult;
  publisher?: string;
  facts?: ScoreFacts;
  /** Checks that could not compare (the version before, a related package, an online source). */
  notes: string[];
  /** Why a package was not analysed (status `skipped`). */
  skipped?: string;
}

export interface PackageRunOptions {
  engine: PackageEngine;
  client: RegistryClient;
  cache: DiskCache;
  useCache: boolean;
  offline: boolean;
  /** How long a cached outcome stays valid (the packument TTL). */
  maxAgeMs: number;
  /** Everything else the outcome depends on (intel options, advisory data, history). */
  settingsKey: string;
  now: Date;
  concurrency: number;
  onProgress?: (event: ProgressEvent) => void;
  /**
   * A second cache of outcomes shared by several processes (the report service keeps them
   * in its store, sealed): read when the local cache misses, written with it.
   */
  shared?: SharedResults;
}

export interface SharedResults {
  get(key: string): Promise<string | undefined>;
  put(key: string, json: string): Promise<void>;
}

export type ProgressEvent =
  | { kind: 'start'; id: string; label: string }
  | { kind: 'fetched'; id: string }
  | { kind: 'done'; id: string; outcome: PackageOutcome };

const CAPABILITY_NAMES = [
  'network',
  'shell',
  'filesystem',
  'environment',
  'eval',
  'native code',
  'install scripts',
] as const;

/** Capabilities a version's code uses, from the alert types that show them. */
export function capabilitiesOf(alerts: readonly Alert[]): string[] {
  const types = new Set(alerts.map((a) => a.type));
  return CAPABILITY_NAMES.filter((c) => CAPABILITIES[c].some((t) => types.has(t)));
}

const INTEL_STEPS = new Set(['history', 'didYouMean']);
const KNOWN_DETECTORS = new Set(DETECTORS.map((d) => d.meta.id));

function countDependencies(manifest: Record<string, unknown> | undefined, field: string): number {
  const deps = manifest?.[field];
  return typeof deps === 'object' && deps !== null && !Array.isArray(deps)
    ? Object.keys(deps).length
    : 0;
}

export function scoreFacts(
  analysis: AnalysisResult,
  packument: Packument | undefined,
  now: Date,
): ScoreFacts {
  const facts: ScoreFacts = {
    files: analysis.files,
    bytes: analysis.bytes,
    dependencyCount: countDependencies(analysis.manifest, 'dependencies'),
    devDependencyCount: countDependencies(analysis.manifest, 'devDependencies'),
  };
  const readme = analysis.notices?.find((n) => /^readme/i.test(n.path));
  if (readme !== undefined) facts.readmeLength = readme.text.length;
  else if (packument?.readme !== undefined) facts.readmeLength = packument.readme.length;
  if (packument === undefined) return facts;
  facts.versionCount = packument.versions.size;
  if (packument.maintainers !== undefined) facts.maintainerCount = packument.maintainers.length;
  if (packument.time !== undefined) {
    const times: number[] = [];
    for (const v of packument.versions.keys()) {
      const at = packument.time.get(v);
      if (at !== undefined) times.push(Date.parse(at));
    }
    Object.assign(facts, countRecentVersions(times, now.getTime()));
  }
  return facts;
}

function outcomeOf(
  analysis: AnalysisResult,
  packument: Packument | undefined,
  now: Date,
): PackageOutcome {
  const failures: PackageOutcome['failures'] = [];
  const notes: string[] = [];
  for (const f of analysis.failures) {
    const message = f.file === undefined ? f.message : `${f.file}: ${f.message}`;
    // Without the packument no registry check ran: the package is only half checked. The
    // other intel steps (the version before, a related package, an online advisory source)
    // each lose one comparison, which is said, but the package itself was checked.
    if (f.detector === 'registry') failures.push({ stage: 'intel', code: 'REGISTRY', message });
    else if (INTEL_STEPS.has(f.detector) || !KNOWN_DETECTORS.has(f.detector))
      notes.push(`${f.detector}: ${message}`);
    else failures.push({ stage: 'analyze', code: `detector:${f.detector}`, message });
  }
  const outcome: PackageOutcome = {
    notes,
    status: analysis.cached === true ? 'cached' : 'analysed',
    alerts: analysis.alerts,
    files: analysis.files,
    bytes: analysis.bytes,
    complete: analysis.complete,
    failures,
    capabilities: capabilitiesOf(analysis.alerts),
    facts: scoreFacts(analysis, packument, now),
  };
  if (analysis.manifest !== undefined || (analysis.notices?.length ?? 0) > 0)
    outcome.license = licenseOfVersion(versionView(analysis.package.version, analysis));
  const publisher = packument?.versions.get(analysis.package.version)?.publisher;
  if (publisher !== undefined) outcome.publisher = publisher;
  return outcome;
}

function failed(stage: 'fetch' | 'analyze' | 'intel', err: unknown): PackageOutcome {
  const code = isDepwardenError(err) ? err.code : 'INTERNAL';
  const message = err instanceof Error ? err.message : String(err);
  return {
    status: 'failed',
    alerts: [],
    complete: false,
    failures: [{ stage, code, message }],
    notes: [],
    capabilities: [],
  };
}

function skipped(reason: string): PackageOutcome {
  return {
    status: 'skipped',
    alerts: [],
    complete: true,
    failures: [],
    notes: [],
    capabilities: [],
    skipped: reason,
  };
}

function outcomeKey(pkg: GraphPackage, settingsKey: string): string {
  const identity = pkg.integrity ?? `${pkg.name}@${pkg.version}#${pkg.resolved ?? ''}`;
  const digest = createHash('sha256')
    .update(
      `${OUTCOME_VERSION}\n${analysisCacheKey(identity)}\n${pkg.name}@${pkg.version}\n${settingsKey}${pkg.bundled === true ? '\nbundled' : ''}`,
    )
    .digest('hex');
  return `scan/v${OUTCOME_VERSION}/${digest}`;
}

/** One package: cached outcome, else fetch → engine → intel. Never throws for one package. */
async function runOne(pkg: GraphPackage, o: PackageRunOptions): Promise<PackageOutcome> {
  if (pkg.version === '') return skipped('no exact version (an unresolved range or git entry)');
  if (pkg.source !== 'registry' && pkg.source !== 'tarball')
    return skipped(
      `a ${pkg.source} dependency: its code is not fetched (see its dependency alert)`,
    );
  const key = outcomeKey(pkg, o.settingsKey);
  if (pkg.bundled === true && pkg.source === 'registry')
    return remember(key, await bundledOutcome(pkg, o), o);
  const request = {
    name: pkg.name,
    version: pkg.version,
    ...(pkg.integrity === null ? {} : { integrity: pkg.integrity }),
    ...(pkg.resolved === null ? {} : { resolved: pkg.resolved }),
  };
  // The registry's answers for the intel stage are fetched while this version is.
  const prefetched =
    pkg.source === 'registry' ? o.engine.prefetch(pkg.name, pkg.version) : undefined;
  let got;
  try {
    got = await o.client.tarball(request);
  } catch (err) {
    if (pkg.source === 'registry' && (await listedWithoutTarball(err, pkg, o.client))) {
      let packument: Packument | undefined;
      const result = await o.engine.enrich(
        pkg.name,
        pkg.version,
        emptyAnalysis(pkg.name, pkg.version),
        { tarballMissing: true, onPackument: (p) => (packument = p), prefetched },
      );
      return outcomeOf(result, packument, o.now);
    }
    return failed('fetch', err);
  }
  o.onProgress?.({ kind: 'fetched', id: pkg.id });
  if (!got.ok) return outcomeOf(integrityMismatch(pkg.name, pkg.version, got), undefined, o.now);
  let analysis: AnalysisResult;
  try {
    analysis = await o.engine.analyze({
      name: pkg.name,
      version: pkg.version,
      integrity: got.integrity,
      tarball: got.bytes,
      history: pkg.source === 'registry',
    });
  } catch (err) {
    return failed('analyze', err);
  }
  let packument: Packument | undefined;
  let result = analysis;
  if (pkg.source === 'registry') {
    try {
      result = await o.engine.enrich(pkg.name, pkg.version, analysis, {
        onPackument: (p) => (packument = p),
        prefetched,
      });
    } catch (err) {
      const outcome = outcomeOf(analysis, undefined, o.now);
      outcome.failures.push(...failed('intel', err).failures);
      return outcome;
    }
  }
  return remember(key, outcomeOf(result, packument, o.now), o);
}

/** Keeps a whole outcome in the cache (a failure may be gone on the next run) and returns it. */
async function remember(
  key: string,
  outcome: PackageOutcome,
  o: PackageRunOptions,
): Promise<PackageOutcome> {
  if (o.useCache && outcome.complete && outcome.failures.length === 0) {
    const entry = JSON.stringify({
      at: o.now.getTime(),
      outcome: { ...outcome, status: outcome.status === 'skipped' ? 'skipped' : 'analysed' },
    });
    await o.cache.putResult(key, entry).catch(() => undefined);
    await o.shared?.put(key, entry).catch(() => undefined);
  }
  return outcome;
}

const BUNDLED_REASON =
  "bundled: it ships inside the tarball of the package it is reached through, and its files are analysed there, as that package's";

/**
 * A package that ships inside another's tarball (npm `inBundle`). npm installs the bundled
 * copy and never fetches this version, so neither does the scan: the bundling package's
 * analysis already covers these files (its alerts name them under `node_modules/`), and the
 * registry's copy need not even be the code that is installed. What is known of the version
 * itself still applies and is checked: advisories, deprecation and the rest of its packument,
 * without code and without a comparison with the version before.
 */
async function bundledOutcome(pkg: GraphPackage, o: PackageRunOptions): Promise<PackageOutcome> {
  let packument: Packument | undefined;
  const noCode = { ...emptyAnalysis(pkg.name, pkg.version), complete: true };
  try {
    const result = await o.engine.enrich(pkg.name, pkg.version, noCode, {
      onPackument: (p) => (packument = p),
      history: false,
    });
    // No files or bytes: none were read here (they are counted in the bundling package).
    const outcome = outcomeOf(result, packument, o.now);
    delete outcome.files;
    delete outcome.bytes;
    return { ...outcome, status: 'skipped', skipped: BUNDLED_REASON };
  } catch (err) {
    return failed('intel', err);
  }
}

/** A cached outcome still valid for this run, read synchronously (the warm path). */
function cachedOutcome(pkg: GraphPackage, o: PackageRunOptions): PackageOutcome | undefined {
  if (!o.useCache || pkg.version === '') return undefined;
  return fresh(o.cache.getResultSync(outcomeKey(pkg, o.settingsKey)), o);
}

/** A cache entry's outcome when it is valid for this run (any age when offline). */
function fresh(hit: string | undefined, o: PackageRunOptions): PackageOutcome | undefined {
  if (hit === undefined) return undefined;
  try {
    const entry = JSON.parse(hit) as { at: number; outcome: PackageOutcome };
    if (o.offline || o.now.getTime() - entry.at < o.maxAgeMs)
      return {
        ...entry.outcome,
        status: entry.outcome.status === 'skipped' ? 'skipped' : 'cached',
      };
  } catch {
    // A damaged entry is a miss; the fresh result overwrites it.
  }
  return undefined;
}

/** Outcomes for `packages`, by package id. */
export async function runPackages(
  all: readonly GraphPackage[],
  o: PackageRunOptions,
): Promise<Map<string, PackageOutcome>> {
  const out = new Map<string, PackageOutcome>();
  // Cached outcomes first, in one synchronous pass: a warm scan never waits on the thread pool.
  const misses: GraphPackage[] = [];
  for (const pkg of all) {
    const cached = cachedOutcome(pkg, o);
    if (cached === undefined) {
      misses.push(pkg);
      continue;
    }
    out.set(pkg.id, cached);
    o.onProgress?.({ kind: 'done', id: pkg.id, outcome: cached });
  }
  let packages = misses;
  if (o.shared !== undefined && o.useCache && misses.length > 0) {
    const shared = o.shared;
    const still: GraphPackage[] = [];
    let at = 0;
    // A bounded number of store reads at once.
    await Promise.all(
      Array.from({ length: Math.min(16, misses.length) }, async () => {
        while (at < misses.length) {
          const pkg = misses[at++] as GraphPackage;
          const hit = fresh(
            await shared.get(outcomeKey(pkg, o.settingsKey)).catch(() => undefined),
            o,
          );
          if (hit === undefined) still.push(pkg);
          else {
            out.set(pkg.id, hit);
            o.onProgress?.({ kind: 'done', id: pkg.id, outcome: hit });
          }
        }
      }),
    );
    packages = still;
  }
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < packages.length) {
      const pkg = packages[next++] as GraphPackage;
      o.onProgress?.({ kind: 'start', id: pkg.id, label: `${pkg.name}@${pkg.version}` });
      let outcome: PackageOutcome;
      try {
        outcome = await runOne(pkg, o);
      } catch (err) {
        // A bug on one package must not lose the other 1,999: it is reported as a failure.
        outcome = failed('analyze', err);
      }
      out.set(pkg.id, outcome);
      o.onProgress?.({ kind: 'done', id: pkg.id, outcome });
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(o.concurrency, packages.length)) }, lane),
  );
  return out;
}
