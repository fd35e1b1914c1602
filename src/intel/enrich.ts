/**
 * The intel stage for one analysed version fetched from the registry: get the full packument,
 * analyse the version before it (for the history checks), run the registry detectors and fold
 * their alerts into the engine's result. Shared by `depwarden analyze` and, later, `scan`.
 *
 * Registry trouble never loses the engine's result: a packument or previous version that
 * cannot be fetched is recorded in `failures` and the checks that need it say nothing.
 */
import { isDepwardenError } from '../errors/index.js';
import type { PackageAnalysis } from '../analyzer/engine.js';
import type { RegistryClient } from '../registry/index.js';
import { previousVersion } from './history.js';
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
  }): Promise<PackageAnalysis>;
  detectors: readonly Detector[];
  options: IntelOptions;
  now: Date;
  /** Analyse the previous version for permissionCreep and majorRefactor (default true). */
  history?: boolean;
  /** Set when fetching this version's tarball answered 404. */
  tarballMissing?: boolean;
}

export async function enrich(
  name: string,
  version: string,
  analysis: PackageAnalysis,
  opts: EnrichOptions,
): Promise<PackageAnalysis> {
  const failures: PackageAnalysis['failures'] = [];
  let packument: Packument;
  try {
    packument = await opts.client.packument(name, true);
  } catch (err) {
    if (!isDepwardenError(err)) throw err;
    if (err.code !== 'PACKAGE_NOT_FOUND') {
      failures.push({ detector: 'registry', message: err.message });
      return { ...analysis, failures: [...analysis.failures, ...failures] };
    }
    // The registry does not know the package at all: every version is "unpublished" here.
    packument = { name, full: true, distTags: {}, versions: new Map() };
  }

  let previous: VersionView | undefined;
  const before = opts.history === false ? undefined : previousVersion(packument, version);
  const prior = before === undefined ? undefined : packument.versions.get(before);
  if (before !== undefined && prior !== undefined) {
    try {
      const got = await opts.client.tarball({
        name,
        version: before,
        integrity: prior.integrity ?? prior.shasum,
        resolved: prior.tarball,
      });
      if (got.ok) {
        const result = await opts.analyze({
          name,
          version: before,
          integrity: got.integrity,
          tarball: got.bytes,
        });
        previous = versionView(before, result);
      } else
        failures.push({
          detector: 'history',
          message: `the tarball of ${name}@${before} does not match its integrity; not compared`,
        });
    } catch (err) {
      if (!isDepwardenError(err)) throw err;
      failures.push({ detector: 'history', message: `${name}@${before}: ${err.message}` });
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
      now: opts.now,
      options: opts.options,
    },
    opts.detectors,
  );
  extra.failures.push(...failures);
  return withRegistryAlerts(analysis, extra);
}
