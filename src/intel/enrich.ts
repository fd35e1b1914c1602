/**
 * The intel stage for one analysed version fetched from the registry: get the full packument,
 * analyse the version before it (for the history checks), run the registry detectors and fold
 * their alerts into the engine's result. Shared by `depwarden analyze` and, later, `scan`.
 *
 * Registry trouble never loses the engine's result: a packument or previous version that
 * cannot be fetched is recorded in `failures` and the checks that need it say nothing.
 */
import type { Advisory, AdvisoryDb } from '../advisories/index.js';
import { isDepwardenError } from '../errors/index.js';
import type { PackageAnalysis, SeekAlerts } from '../analyzer/engine.js';
import type { RegistryClient, TarballResult } from '../registry/index.js';
import { capabilitySeek, previousVersion } from './history.js';
import { loadPopularIndex } from './typosquat/index.js';
import { runRegistryDetectors, versionView, withRegistryAlerts } from './run.js';
import type { Detector, IntelOptions, Packument, VersionView } from './types.js';

export interface EnrichOptions {
  client: RegistryClient;
  /** Analyses a tarball the way the caller does (worker pool, result cache). */
  analyze(input: {
    name: string;
    version: string;
    integrity: string;
    tarball: Uint8Array;
    reuse?: readonly (readonly [string, string])[];
    seek?: SeekAlerts;
  }): Promise<PackageAnalysis>;
  detectors: readonly Detector[];
  options: IntelOptions;
  now: Date;
  /** Analyse the previous version for permissionCreep and majorRefactor (default true). */
  history?: boolean;
  /** Receives the packument the checks used (the scan derives its maintenance facts from it). */
  onPackument?: (packument: Packument) => void;
  /** Set when fetching this version's tarball answered 404. */
  tarballMissing?: boolean;
  /** The local advisory database (`depwarden db update`), when there is one. */
  advisories?: AdvisoryDb;
  /**
   * Online advisory sources to ask as well (OSV's query API, the registry's bulk endpoint),
   * each answering the advisories that affect name@version. Off unless the user turns one on.
   */
  onlineAdvisories?: readonly {
    name: string;
    query(name: string, version: string): Promise<Advisory[]>;
  }[];
}

/** Code files of `current` by path → SHA-1: what the previous version's analysis may reuse. */
export function reusableFiles(current: PackageAnalysis): (readonly [string, string])[] {
  return (current.inventory ?? []).flatMap((f) =>
    f.hash === undefined ? [] : [[f.path, f.hash] as const],
  );
}

/** The previous version's view, with the alerts of the files it shares with `current`. */
export function previousVersionView(
  version: string,
  result: PackageAnalysis,
  current: PackageAnalysis,
): VersionView {
  const view = versionView(version, result);
  const reused = result.reused ?? [];
  if (reused.length === 0 || current.alertFiles === undefined) return view;
  const shared = new Set(reused);
  const alertFiles: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const [type, files] of Object.entries(view.alertFiles)) alertFiles[type] = [...files];
  for (const [type, files] of Object.entries(current.alertFiles))
    for (const f of files)
      if (shared.has(f)) {
        const list = (alertFiles[type] ??= []);
        if (!list.includes(f)) list.push(f);
      }
  return { ...view, alertFiles };
}

/**
 * What enrich fetches before it can use the engine's result: the full packument and the
 * tarball of the version before. Started with the analysis of the version itself
 * (`prefetchHistory`), so the registry's answers arrive while a worker analyses it instead of
 * after, and the worker pool is not left waiting on the network.
 */
export interface HistoryFetch {
  packument?: Packument;
  /** Why the packument could not be fetched (then no registry check runs). */
  packumentFailure?: string;
  before?: string;
  previous?: TarballResult;
  /** Why the version before could not be fetched (then it is not compared). */
  previousFailure?: string;
}

/**
 * Fetches what `enrich` needs from the registry before the analysis is done. Registry errors
 * are kept in the result (enrich records them as before); anything else rejects.
 */
export function prefetchHistory(
  name: string,
  version: string,
  opts: Pick<EnrichOptions, 'client' | 'history'>,
): Promise<HistoryFetch> {
  const fetched = fetchHistory(name, version, opts);
  // Awaited later, maybe after it settles: a rejection now must not count as unhandled.
  fetched.catch(() => undefined);
  return fetched;
}

async function fetchHistory(
  name: string,
  version: string,
  opts: Pick<EnrichOptions, 'client' | 'history'>,
): Promise<HistoryFetch> {
  let packument: Packument;
  try {
    packument = await opts.client.packument(name, true);
  } catch (err) {
    if (!isDepwardenError(err)) throw err;
    if (err.code !== 'PACKAGE_NOT_FOUND') return { packumentFailure: err.message };
    // The registry does not know the package at all: every version is "unpublished" here.
    packument = { name, full: true, distTags: {}, versions: new Map() };
  }
  // The publisher's account is asked about now too (the client keeps the answer for the run).
  const publisher = packument.versions.get(version)?.publisher;
  if (publisher !== undefined) opts.client.userExists(publisher, name).catch(() => undefined);
  const before = opts.history === false ? undefined : previousVersion(packument, version);
  const prior = before === undefined ? undefined : packument.versions.get(before);
  if (before === undefined || prior === undefined) return { packument };
  try {
    const previous = await opts.client.tarball({
      name,
      version: before,
      integrity: prior.integrity ?? prior.shasum,
      resolved: prior.tarball,
    });
    return { packument, before, previous };
  } catch (err) {
    if (!isDepwardenError(err)) throw err;
    return { packument, before, previousFailure: `${name}@${before}: ${err.message}` };
  }
}

export async function enrich(
  name: string,
  version: string,
  analysis: PackageAnalysis,
  opts: EnrichOptions,
  prefetched?: Promise<HistoryFetch>,
): Promise<PackageAnalysis> {
  const failures: PackageAnalysis['failures'] = [];
  const fetched = await (prefetched ?? fetchHistory(name, version, opts));
  const packument = fetched.packument;
  if (packument === undefined) {
    failures.push({ detector: 'registry', message: fetched.packumentFailure ?? 'no packument' });
    return { ...analysis, failures: [...analysis.failures, ...failures] };
  }
  opts.onPackument?.(packument);

  let previous: VersionView | undefined;
  const before = fetched.before;
  const got = fetched.previous;
  if (fetched.previousFailure !== undefined)
    failures.push({ detector: 'history', message: fetched.previousFailure });
  else if (before !== undefined && got !== undefined) {
    if (got.ok) {
      try {
        // Code files unchanged since `before` are not analysed twice: their alerts are this
        // version's. A patch release re-analyses only what it changed. The version-comparing
        // detectors read of the version before only its manifest, inventory and notices, and
        // whether it had each capability this version has: its analysis stops once those are
        // seen (see capabilitySeek).
        const result = await opts.analyze({
          name,
          version: before,
          integrity: got.integrity,
          tarball: got.bytes,
          reuse: reusableFiles(analysis),
          seek: capabilitySeek(versionView(version, analysis)),
        });
        previous = previousVersionView(before, result, analysis);
      } catch (err) {
        if (!isDepwardenError(err)) throw err;
        failures.push({ detector: 'history', message: `${name}@${before}: ${err.message}` });
      }
    } else
      failures.push({
        detector: 'history',
        message: `the tarball of ${name}@${before} does not match its integrity; not compared`,
      });
  }

  // A name that imitates a popular package: fetch that package too, so didYouMean can tell a
  // squat from a sibling published by the same owners.
  const related = new Map<string, Packument>();
  const imitated = loadPopularIndex().check(name)?.target;
  if (imitated !== undefined) {
    try {
      related.set(imitated, await opts.client.packument(imitated, true));
    } catch (err) {
      if (!isDepwardenError(err)) throw err;
      failures.push({ detector: 'didYouMean', message: `${imitated}: ${err.message}` });
    }
  }

  const publisher = packument.versions.get(version)?.publisher;
  const publisherExists =
    publisher === undefined ? undefined : await opts.client.userExists(publisher, name);

  // Local matches first, then each online source; the same advisory id counts once.
  const matched: Advisory[] = opts.advisories?.match(name, version) ?? [];
  for (const source of opts.onlineAdvisories ?? []) {
    try {
      for (const a of await source.query(name, version))
        if (!matched.some((m) => m.id === a.id)) matched.push(a);
    } catch (err) {
      if (!isDepwardenError(err)) throw err;
      failures.push({ detector: source.name, message: err.message });
    }
  }

  const extra = runRegistryDetectors(
    {
      name,
      version,
      packument,
      entry: packument.versions.get(version),
      current: versionView(version, analysis),
      ...(previous === undefined ? {} : { previous }),
      ...(opts.tarballMissing === true ? { tarballMissing: true } : {}),
      ...(related.size === 0 ? {} : { related }),
      ...(publisherExists === undefined ? {} : { publisherExists }),
      ...(matched.length === 0 ? {} : { advisories: matched }),
      now: opts.now,
      options: opts.options,
    },
    opts.detectors,
  );
  extra.failures.push(...failures);
  return withRegistryAlerts(analysis, extra);
}
