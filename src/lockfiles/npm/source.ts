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
  return isPlainVersion(value) || SEMVER.test(value);
}

/**
 * `<digits>.<digits>.<digits>` and nothing else, checked by character: most versions are
 * that, and this costs a fraction of the regular expression (which accepts all of them too).
 */
function isPlainVersion(value: string): boolean {
  let dots = 0;
  let digits = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
    else if (c === 0x2e /* . */ && digits > 0 && dots < 2) {
      dots++;
      digits = 0;
    } else return false;
  }
  return dots === 2 && digits > 0;
}

/** Hosted-git shortcuts and git URL schemes npm writes (npm-package-arg's git types). */
const GIT_PREFIX = /^(?:git\+[a-z]+:|git:\/\/|github:|gitlab:|bitbucket:|gist:|git@[^:/]+:)/i;
/** Tarball links that are a git commit served by the host, which npm records for git deps. */
const GIT_TARBALL = /^https?:\/\/(?:codeload\.github\.com\/|github\.com\/[^/]+\/[^/]+\/tarball\/)/i;
const TARBALL_EXT = /\.(?:tgz|tar\.gz|tar)$/i;

/**
 * Classifies a `resolved` value or a v1 spec-like `version`. `name`/`version`, when given, are
 * what the entry says it is: the common case, a tarball URL ending in exactly
 * `/<name>/-/<base>-<version>.tgz`, is then confirmed in place instead of by a full parse.
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
export function isExpectedRegistryTarball(url: string, name: string, version: string): boolean {
  const scoped = name.charCodeAt(0) === 0x40; /* @ */
  const base = scoped ? name.slice(name.indexOf('/') + 1) : name;
  // The suffix `/${name}/-/${base}-${version}.tgz`, matched piece by piece in place (building
  // it costs a string and a flattening copy per entry), with character tests and slices
  // compared by ===: V8's startsWith and endsWith cost several times more per call.
  const start = url.length - (name.length + base.length + version.length + 9);
  const nameAt = start + 1;
  const dashAt = nameAt + name.length;
  const baseAt = dashAt + 3;
  const versionAt = baseAt + base.length + 1;
  if (
    start < 0 ||
    url.charCodeAt(start) !== 0x2f /* / */ ||
    url.charCodeAt(dashAt) !== 0x2f /* / */ ||
    url.charCodeAt(dashAt + 1) !== 0x2d /* - */ ||
    url.charCodeAt(dashAt + 2) !== 0x2f /* / */ ||
    url.charCodeAt(versionAt - 1) !== 0x2d /* - */ ||
    url.charCodeAt(url.length - 4) !== 0x2e /* . */ ||
    url.charCodeAt(url.length - 3) !== 0x74 /* t */ ||
    url.charCodeAt(url.length - 2) !== 0x67 /* g */ ||
    url.charCodeAt(url.length - 1) !== 0x7a /* z */ ||
    url.slice(nameAt, dashAt) !== name ||
    url.slice(baseAt, versionAt - 1) !== base ||
    url.slice(versionAt, url.length - 4) !== version
  )
    return false;
  const schemeEnd = httpSchemeEnd(url);
  if (schemeEnd === -1 || start <= schemeEnd) return false;
  if (url.includes('?') || url.includes('#')) return false;
  // An unscoped name right after an `@scope` folder is that scope's package, not this one.
  if (!scoped) {
    const prev = url.lastIndexOf('/', start - 1);
    if (prev >= schemeEnd && url.charCodeAt(prev + 1) === 0x40) return false;
  }
  return true;
}

/** Length of a leading `https://` or `http://` (lower case, as written), else -1. */
function httpSchemeEnd(url: string): number {
  if (
    url.charCodeAt(0) !== 0x68 /* h */ ||
    url.charCodeAt(1) !== 0x74 /* t */ ||
    url.charCodeAt(2) !== 0x74 /* t */ ||
    url.charCodeAt(3) !== 0x70 /* p */
  )
    return -1;
  const s = url.charCodeAt(4) === 0x73 /* s */ ? 5 : 4;
  return url.charCodeAt(s) === 0x3a /* : */ &&
    url.charCodeAt(s + 1) === 0x2f /* / */ &&
    url.charCodeAt(s + 2) === 0x2f /* / */
    ? s + 3
    : -1;
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
  // Tested by character first: nearly every version is not an alias, and startsWith is slow.
  if (spec.charCodeAt(3) !== 0x3a /* : */ || !spec.startsWith('npm:')) return undefined;
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
