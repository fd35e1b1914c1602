/**
 * Packuments (the registry's per-package document) read without trusting them: only the
 * fields later stages use are kept, each type-checked, with null-prototype maps so a hostile
 * `__proto__` version key is just a key. A mirror that omits `time`, `maintainers` or
 * `_npmUser` yields `undefined` for them, which later stages must read as "unknown" and never
 * as evidence (no publish time is not "published just now").
 */
import { DepwardenError } from '../errors/index.js';

export interface PackumentVersion {
  name: string;
  version: string;
  tarball: string;
  integrity?: string;
  shasum?: string;
  /** `_npmUser.name`: who published this version; undefined when the registry does not say. */
  publisher?: string;
  deprecated?: string;
  hasInstallScript?: boolean;
  /** Maintainer names listed in this version's manifest (full packuments only). */
  maintainers?: string[];
  /**
   * Whether the registry holds a provenance attestation for this version (`dist.attestations`);
   * undefined in abbreviated packuments, which may not carry it.
   */
  provenance?: boolean;
  /** The version's manifest as sent (abbreviated or full), for detectors that need more. */
  manifest: Record<string, unknown>;
}

export interface Packument {
  name: string;
  /** Whether the full document was fetched (abbreviated ones lack time, maintainers, …). */
  full: boolean;
  distTags: Record<string, string>;
  versions: Map<string, PackumentVersion>;
  /** Version (or `created`/`modified`) → ISO time; undefined when the registry omits it. */
  time?: Map<string, string>;
  maintainers?: { name: string; email?: string }[];
  /** Package-level metadata of full packuments (the latest version's), for typo-squat evidence. */
  description?: string;
  repository?: string;
  /** The first 64 KiB of the README the registry holds. */
  readme?: string;
  /** Set when every version was unpublished (`time.unpublished`). */
  unpublished?: boolean;
}

const MAX_README = 64 * 1024;

/** npm's naming rules, loosely (old packages may have capitals): no path tricks possible. */
const NAME = /^(?:@[a-z0-9][\w.~-]*\/)?[a-z0-9~][\w.~-]*$/i;

export function assertPackageName(name: string): void {
  if (name.length > 214 || !NAME.test(name) || name.includes('..')) {
    throw new DepwardenError(
      'TARGET_INVALID',
      `${JSON.stringify(name)} is not a valid npm package name`,
      {
        hint: 'Write a target as name@version, e.g. left-pad@1.3.0 or @scope/name@2.0.0.',
      },
    );
  }
}

/** The packument's path under a registry URL: `@scope%2fname` for scoped names, as npm sends it. */
export function packumentPath(name: string): string {
  assertPackageName(name);
  return name.startsWith('@') ? name.replace('/', '%2f') : name;
}

export function parsePackument(text: string, requested: string, full: boolean): Packument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw bad(requested, 'is not JSON');
  }
  if (!isRecord(raw)) throw bad(requested, 'is not a JSON object');
  if (raw.name !== requested) throw bad(requested, `names ${JSON.stringify(raw.name)}`);
  // A package whose every version was unpublished keeps a stub: `time.unpublished`, no versions.
  const whollyUnpublished = isRecord(raw.time) && isRecord(raw.time.unpublished);
  if (!isRecord(raw.versions) && !whollyUnpublished)
    throw bad(requested, 'has no "versions" object');

  const versions = new Map<string, PackumentVersion>();
  for (const [version, m] of Object.entries(isRecord(raw.versions) ? raw.versions : {})) {
    if (!isRecord(m) || !isRecord(m.dist) || typeof m.dist.tarball !== 'string') continue;
    const v: PackumentVersion = { name: requested, version, tarball: m.dist.tarball, manifest: m };
    if (typeof m.dist.integrity === 'string') v.integrity = m.dist.integrity;
    if (typeof m.dist.shasum === 'string') v.shasum = m.dist.shasum;
    if (isRecord(m._npmUser) && typeof m._npmUser.name === 'string') v.publisher = m._npmUser.name;
    if (typeof m.deprecated === 'string') v.deprecated = m.deprecated;
    if (typeof m.hasInstallScript === 'boolean') v.hasInstallScript = m.hasInstallScript;
    if (full && Array.isArray(m.maintainers))
      v.maintainers = m.maintainers.flatMap((x) =>
        isRecord(x) && typeof x.name === 'string' ? [x.name] : [],
      );
    if (full)
      v.provenance = isRecord(m.dist.attestations) && m.dist.attestations.provenance !== undefined;
    versions.set(version, v);
  }
  const distTags: Record<string, string> = Object.create(null) as Record<string, string>;
  if (isRecord(raw['dist-tags'])) {
    for (const [tag, v] of Object.entries(raw['dist-tags']))
      if (typeof v === 'string') distTags[tag] = v;
  }
  const packument: Packument = { name: requested, full, distTags, versions };
  if (isRecord(raw.time)) {
    const time = new Map<string, string>();
    for (const [k, v] of Object.entries(raw.time)) if (typeof v === 'string') time.set(k, v);
    packument.time = time;
  }
  if (Array.isArray(raw.maintainers)) {
    packument.maintainers = raw.maintainers.flatMap((m) => {
      if (!isRecord(m) || typeof m.name !== 'string') return [];
      return [typeof m.email === 'string' ? { name: m.name, email: m.email } : { name: m.name }];
    });
  }
  if (typeof raw.description === 'string') packument.description = raw.description;
  const repository = isRecord(raw.repository) ? raw.repository.url : raw.repository;
  if (typeof repository === 'string') packument.repository = repository;
  if (typeof raw.readme === 'string') packument.readme = raw.readme.slice(0, MAX_README);
  if (isRecord(raw.time) && raw.time.unpublished !== undefined) packument.unpublished = true;
  return packument;
}

function bad(name: string, what: string): DepwardenError {
  return new DepwardenError('REGISTRY_BAD_RESPONSE', `the packument of ${name} ${what}`, {
    hint: 'The registry or mirror sent something unexpected; try again or check --registry.',
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
