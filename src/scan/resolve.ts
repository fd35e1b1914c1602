/**
 * Resolves a package.json-only project against the registry the way npm would pick versions:
 * for each range the dist-tag `latest` when it satisfies the range, else the highest
 * satisfying version (non-deprecated ones first), a dist-tag name by its tag; then the
 * same for every dependency of every picked version, breadth first, until the tree is closed.
 *
 * Why not a full npm install plan: depwarden needs the *set* of packages and how each is
 * reached, not the node_modules layout, so hoisting and nesting are left out; the versions
 * picked are the ones npm would pick on the same day. The result is not reproducible (the
 * registry moves), which the scan says in a warning.
 */
import semver from 'semver';
import { isDepwardenError } from '../errors/index.js';
import { UNRESOLVED_KEY_PREFIX } from '../lockfiles/package-json/index.js';
import type { EdgeKind, LockEdge, LockPackage, ParsedLockfile } from '../lockfiles/types.js';
import type { Packument, PackumentVersion } from '../registry/index.js';

/** A tree larger than this is cut (the rest is reported as unresolved). */
export const MAX_RESOLVED_PACKAGES = 20_000;

export interface ResolveFailure {
  name: string;
  range: string;
  code: string;
  message: string;
}

export interface ResolveOptions {
  packument(name: string): Promise<Packument>;
  /** Packuments fetched at once. */
  concurrency: number;
  onResolved?: (count: number) => void;
}

/** Picks the version npm would install for `spec` (a range, `''`, or a dist-tag). */
export function pickVersion(packument: Packument, spec: string): PackumentVersion | undefined {
  const wanted = spec.trim() === '' ? '*' : spec.trim();
  const tagged = packument.distTags[wanted];
  if (tagged !== undefined) return packument.versions.get(tagged);
  const range = semver.validRange(wanted, { loose: true });
  if (range === null) return undefined;
  const latest = packument.distTags.latest;
  if (latest !== undefined && semver.satisfies(latest, range, { loose: true })) {
    const entry = packument.versions.get(latest);
    if (entry !== undefined) return entry;
  }
  const all = [...packument.versions.values()];
  const best = (candidates: PackumentVersion[]): PackumentVersion | undefined => {
    const version = semver.maxSatisfying(
      candidates.map((v) => v.version),
      range,
      { loose: true },
    );
    return version === null ? undefined : packument.versions.get(version);
  };
  return best(all.filter((v) => v.deprecated === undefined)) ?? best(all);
}

const FIELDS: readonly [string, EdgeKind][] = [
  ['dependencies', 'prod'],
  ['optionalDependencies', 'optional'],
  ['peerDependencies', 'peer'],
];

/** The registry dependencies of a picked version, as edges still to resolve. */
function dependenciesOf(
  entry: PackumentVersion,
): { alias: string; name: string; range: string; kind: EdgeKind; optional: boolean }[] {
  const out: { alias: string; name: string; range: string; kind: EdgeKind; optional: boolean }[] =
    [];
  const seen = new Set<string>();
  const meta = entry.manifest.peerDependenciesMeta as
    Record<string, { optional?: unknown }> | undefined;
  for (const [field, kind] of FIELDS) {
    const deps = entry.manifest[field];
    if (typeof deps !== 'object' || deps === null || Array.isArray(deps)) continue;
    for (const [alias, raw] of Object.entries(deps as Record<string, unknown>)) {
      if (typeof raw !== 'string' || seen.has(alias)) continue;
      const optionalPeer = kind === 'peer' && meta?.[alias]?.optional === true;
      // npm installs required peers (since v7), never optional ones it was not asked for.
      if (optionalPeer) continue;
      seen.add(alias);
      const aliased = /^npm:((?:@[^/@]+\/)?[^@]+)(?:@(.*))?$/.exec(raw);
      const name = aliased?.[1] ?? alias;
      const range = aliased === null ? raw : (aliased[2] ?? '*');
      // Non-registry specs (git, file, tarball URLs) inside published packages are flagged by
      // the dependency detectors; they are not fetched here.
      if (aliased === null && !isRegistrySpec(raw)) continue;
      out.push({ alias, name, range, kind, optional: kind === 'optional' });
    }
  }
  return out;
}

function isRegistrySpec(spec: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:/i.test(spec) && !/^npm:/i.test(spec)) return false;
  if (/^[./~]/.test(spec) || spec.includes('/'))
    return semver.validRange(spec, { loose: true }) !== null;
  return true;
}

/**
 * A package-json "lockfile" with its ranges resolved: every unresolved registry package
 * becomes a resolved one (same edges, now pointing at it), and the versions it needs are
 * added until the tree is closed. Other lockfiles are returned unchanged.
 */
export async function resolveRanges(
  lock: ParsedLockfile,
  options: ResolveOptions,
): Promise<{ lock: ParsedLockfile; failures: ResolveFailure[] }> {
  if (lock.format !== 'package-json') return { lock, failures: [] };
  const failures: ResolveFailure[] = [];
  const packuments = new Map<string, Promise<Packument | undefined>>();
  const fetchPackument = (name: string, range: string): Promise<Packument | undefined> => {
    let got = packuments.get(name);
    if (got === undefined) {
      got = options.packument(name).catch((err: unknown) => {
        if (!isDepwardenError(err)) throw err;
        failures.push({ name, range, code: err.code, message: err.message });
        return undefined;
      });
      packuments.set(name, got);
    }
    return got;
  };

  const byVersion = new Map<string, LockPackage>();
  const bySpec = new Map<string, Promise<string | undefined>>();
  const resolveSpec = (name: string, range: string): Promise<string | undefined> => {
    const specKey = `${name}@${range}`;
    let key = bySpec.get(specKey);
    if (key === undefined) {
      key = (async () => {
        const packument = await fetchPackument(name, range);
        if (packument === undefined) return undefined;
        const entry = pickVersion(packument, range);
        if (entry === undefined) {
          failures.push({
            name,
            range,
            code: 'PACKAGE_NOT_FOUND',
            message: `no version of ${name} matches ${JSON.stringify(range)}`,
          });
          return undefined;
        }
        const id = `resolved:${name}@${entry.version}`;
        if (byVersion.has(id)) return id;
        if (byVersion.size >= MAX_RESOLVED_PACKAGES) {
          failures.push({
            name,
            range,
            code: 'LIMIT_EXCEEDED',
            message: `the resolved tree passed ${MAX_RESOLVED_PACKAGES} packages; ${name} and what it needs were not resolved`,
          });
          return undefined;
        }
        const pkg: LockPackage = {
          key: id,
          name,
          version: entry.version,
          source: 'registry',
          resolved: entry.tarball,
          dependencies: [],
          ...(entry.integrity === undefined ? {} : { integrity: entry.integrity }),
        };
        byVersion.set(id, pkg);
        options.onResolved?.(byVersion.size);
        pending.push({ pkg, entry });
        return id;
      })();
      bySpec.set(specKey, key);
    }
    return key;
  };

  const pending: { pkg: LockPackage; entry: PackumentVersion }[] = [];
  const unresolved = new Map<string, LockPackage>();
  for (const pkg of lock.packages)
    if (pkg.key.startsWith(UNRESOLVED_KEY_PREFIX)) unresolved.set(pkg.key, pkg);

  // Direct dependencies first: their keys replace the unresolved ones on importer edges.
  const replaced = new Map<string, string>();
  await Promise.all(
    [...unresolved.values()]
      .filter((p) => p.source === 'registry')
      .map(async (p) => {
        const key = await resolveSpec(p.name, p.resolved ?? '*');
        if (key !== undefined) replaced.set(p.key, key);
      }),
  );
  // Then the tree, a bounded number of packuments at a time.
  while (pending.length > 0) {
    const batch = pending.splice(0, Math.max(1, options.concurrency));
    await Promise.all(
      batch.map(async ({ pkg, entry }) => {
        for (const dep of dependenciesOf(entry)) {
          const edge: LockEdge = { name: dep.alias, spec: dep.range, kind: dep.kind };
          if (dep.optional) edge.optional = true;
          const target = await resolveSpec(dep.name, dep.range);
          if (target !== undefined) edge.target = target;
          pkg.dependencies.push(edge);
        }
      }),
    );
  }

  const packages = [
    ...lock.packages.filter((p) => !replaced.has(p.key)),
    ...[...byVersion.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
  ];
  const importers = lock.importers.map((imp) => ({
    ...imp,
    dependencies: imp.dependencies.map((e) => {
      const to = e.target === undefined ? undefined : replaced.get(e.target);
      return to === undefined ? e : { ...e, target: to };
    }),
  }));
  return { lock: { ...lock, importers, packages }, failures };
}
