/**
 * Where an npm lockfile entry's bytes come from, decided from `resolved` (v2/v3, and v1 when
 * present) or from a v1 `version` that holds a spec instead of a version.
 *
 * The registry is recognised by the tarball path shape (`<registry>/<name>/-/<base>-<ver>.tgz`),
 * never by host, so private registries and mirrors count as registries. Everything else is
 * classified the way arborist's loadVirtual() types it (the corpus `nonRegistry` types):
 * git (`git+…`, `git://`, `github:` and other hosted shortcuts, codeload and
 * `github.com/<o>/<r>/tarball/<sha>` links) → 'git'; other http(s) URLs (arborist "remote") and
 * local `file:*.tgz` tarballs (arborist "file-tarball") → 'tarball'; `file:<dir>` (arborist
 * "directory") → 'file'. A value none of these recognise (arborist "other": `fake resolved
 * value`) is reported by the caller and typed 'tarball': bytes from somewhere we cannot name.
 */
import { parseRegistryTarballUrl } from '../internal/registry-url.js';
import type { PackageSource } from '../types.js';

export type Resolution =
  | { kind: 'registry'; name: string; version: string }
  | { kind: 'git' }
  | { kind: 'remote' }
  | { kind: 'file-tarball'; path: string }
  | { kind: 'directory'; path: string }
  | { kind: 'unknown' };

/**
 * A strict semver version (what npm writes in `version` for registry packages). A hand-written
 * regex rather than semver.valid(): it runs once per entry and needs no object allocation.
 */
const SEMVER =
  /^\d+\.\d+\.\d+(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

export function isSemverVersion(value: string): boolean {
  return SEMVER.test(value);
}

/** Hosted-git shortcuts and git URL schemes npm writes (npm-package-arg's git types). */
const GIT_PREFIX = /^(?:git\+[a-z]+:|git:\/\/|github:|gitlab:|bitbucket:|gist:|git@[^:/]+:)/i;
/** Tarball links that are a git commit served by the host, which npm records for git deps. */
const GIT_TARBALL = /^https?:\/\/(?:codeload\.github\.com\/|github\.com\/[^/]+\/[^/]+\/tarball\/)/i;
const TARBALL_EXT = /\.(?:tgz|tar\.gz|tar)$/i;

/**
 * Classifies a `resolved` value or a v1 spec-like `version`. `name`/`version`, when given, are
 * what the entry says it is: the common case, a tarball URL ending in exactly
 * `/<name>/-/<base>-<version>.tgz`, is then confirmed with one endsWith instead of a full parse.
 */
export function classifyResolved(value: string, name?: string, version?: string): Resolution {
  if (
    name !== undefined &&
    version !== undefined &&
    isExpectedRegistryTarball(value, name, version)
  ) {
    return { kind: 'registry', name, version };
  }
  if (value.startsWith('file:')) {
    const path = value.slice('file:'.length);
    return TARBALL_EXT.test(path) ? { kind: 'file-tarball', path } : { kind: 'directory', path };
  }
  if (GIT_PREFIX.test(value) || GIT_TARBALL.test(value)) return { kind: 'git' };
  if (/^https?:\/\//i.test(value)) {
    const reg = parseRegistryTarballUrl(value);
    return reg === undefined ? { kind: 'remote' } : { kind: 'registry', ...reg };
  }
  return { kind: 'unknown' };
}

/**
 * True when `url` is `http(s)://<host>[/<path>]/<name>/-/<base>-<version>.tgz` with no query or
 * fragment: exactly the URLs parseRegistryTarballUrl reads as name@version, minus its
 * decoding work. Anything else falls through to the full parse.
 */
function isExpectedRegistryTarball(url: string, name: string, version: string): boolean {
  const scoped = name.charCodeAt(0) === 0x40; /* @ */
  const base = scoped ? name.slice(name.indexOf('/') + 1) : name;
  const suffix = `/${name}/-/${base}-${version}.tgz`;
  if (!url.endsWith(suffix)) return false;
  const schemeEnd = url.startsWith('https://') ? 8 : url.startsWith('http://') ? 7 : -1;
  const start = url.length - suffix.length;
  if (schemeEnd === -1 || start <= schemeEnd) return false;
  if (url.includes('?') || url.includes('#')) return false;
  // An unscoped name right after an `@scope` folder is that scope's package, not this one.
  if (!scoped) {
    const prev = url.lastIndexOf('/', start - 1);
    if (prev >= schemeEnd && url.charCodeAt(prev + 1) === 0x40) return false;
  }
  return true;
}

export function sourceOf(resolution: Resolution): PackageSource {
  switch (resolution.kind) {
    case 'registry':
      return 'registry';
    case 'git':
      return 'git';
    case 'directory':
      return 'file';
    default:
      return 'tarball';
  }
}

/** Splits `npm:<name>@<version>` (an alias spec); undefined when `spec` is not one. */
export function parseNpmAlias(spec: string): { name: string; version: string } | undefined {
  if (!spec.startsWith('npm:')) return undefined;
  const body = spec.slice('npm:'.length);
  const at = body.indexOf('@', 1);
  if (at <= 0) return undefined;
  return { name: body.slice(0, at), version: body.slice(at + 1) };
}

/**
 * Version of a local tarball named `<name>-<version>.tgz` (npm pack's naming), which arborist
 * reports too (`once` at `file:once-1.4.0.tgz` is once@1.4.0); '' for any other file name.
 */
export function versionFromTarballName(name: string, path: string): string {
  const file = path.slice(path.lastIndexOf('/') + 1).replace(TARBALL_EXT, '');
  const base = name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name;
  const scopedBase = name.startsWith('@') ? name.slice(1).replace('/', '-') : name;
  for (const prefix of [`${base}-`, `${scopedBase}-`]) {
    if (file.startsWith(prefix) && isSemverVersion(file.slice(prefix.length))) {
      return file.slice(prefix.length);
    }
  }
  return '';
}
