/**
 * Recognises registry tarball URLs by their path shape, never by host: a registry (public,
 * mirror or private) serves a package's tarball at `<registry>/<name>/-/<basename>-<version>.tgz`,
 * where `<name>` may be scoped (`@scope/name`, or `@scope%2fname` on some mirrors) and
 * `<basename>` is the unscoped part. Anything else (git hosts, archive links, codeload) is not a
 * registry tarball even when it ends in `.tgz`.
 */

export interface RegistryTarball {
  name: string;
  version: string;
}

/**
 * Parses a registry tarball URL. Returns the name and version it names, or undefined when the
 * URL does not have the registry shape. `#fragment` (yarn appends `#<sha1>`) and `?query` are ignored.
 */
export function parseRegistryTarballUrl(url: string): RegistryTarball | undefined {
  if (!/^https?:\/\//i.test(url)) return undefined;
  let path = url.replace(/[?#].*$/, '');
  const schemeEnd = path.indexOf('//') + 2;
  const slash = path.indexOf('/', schemeEnd);
  if (slash === -1) return undefined;
  path = path.slice(slash);
  const dash = path.lastIndexOf('/-/');
  if (dash === -1) return undefined;
  const file = path.slice(dash + 3);
  if (!file.endsWith('.tgz') || file.includes('/')) return undefined;
  const before = path.slice(0, dash).split('/');
  const last = decodeURIComponent(before[before.length - 1] ?? '');
  let name: string;
  if (last.startsWith('@') && last.includes('/'))
    name = last; // @scope%2fname
  else {
    const prev = before[before.length - 2] ?? '';
    name = prev.startsWith('@') ? `${decodeURIComponent(prev)}/${last}` : last;
  }
  const basename = name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name;
  const stem = file.slice(0, -'.tgz'.length);
  if (!stem.startsWith(`${basename}-`)) return undefined;
  const version = stem.slice(basename.length + 1);
  if (version === '') return undefined;
  return { name, version };
}

/** True when `url` is a registry tarball URL (see parseRegistryTarballUrl). */
export function isRegistryTarballUrl(url: string): boolean {
  return parseRegistryTarballUrl(url) !== undefined;
}
