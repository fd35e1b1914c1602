/**
 * Classifies a dependency spec as written in package.json (`^1.2.3`, `npm:bar@1`,
 * `github:o/r#sha`, `file:../x`, `workspace:*`, `catalog:`, a URL ...). The graph uses it for
 * manifest-only projects and for edges; later detectors use it for gitDependency,
 * httpDependency, fileDependency and badSemverDependency.
 */
import semver from 'semver';

export type SpecKind =
  | 'range' // a semver range or exact version
  | 'tag' // a dist-tag such as `latest` or `next`
  | 'alias' // npm:<name>@<range>
  | 'git'
  | 'tarball' // http(s) URL to a tarball
  | 'file'
  | 'link'
  | 'workspace'
  | 'catalog'
  | 'invalid';

export interface ClassifiedSpec {
  kind: SpecKind;
  /** For aliases: the real package name and its range. */
  aliasOf?: { name: string; spec: string };
}

const GIT_PREFIXES = ['git+', 'git://', 'github:', 'gitlab:', 'bitbucket:', 'gist:'];

export function classifySpec(spec: string): ClassifiedSpec {
  const s = spec.trim();
  if (s.startsWith('npm:')) {
    const body = s.slice(4);
    const at = body.indexOf('@', 1);
    const name = at === -1 ? body : body.slice(0, at);
    const range = at === -1 ? '*' : body.slice(at + 1);
    return { kind: name === '' ? 'invalid' : 'alias', aliasOf: { name, spec: range } };
  }
  if (s.startsWith('workspace:')) return { kind: 'workspace' };
  if (s.startsWith('catalog:')) return { kind: 'catalog' };
  if (s.startsWith('file:')) return { kind: 'file' };
  if (s.startsWith('link:') || s.startsWith('portal:')) return { kind: 'link' };
  if (GIT_PREFIXES.some((p) => s.startsWith(p))) return { kind: 'git' };
  if (/^https?:\/\//i.test(s)) {
    return /\.git(#.*)?$/.test(s) || /#[0-9a-f]{7,40}$/i.test(s)
      ? { kind: 'git' }
      : { kind: 'tarball' };
  }
  if (s.startsWith('/') || s.startsWith('./') || s.startsWith('../') || s.startsWith('~/')) {
    return { kind: 'file' };
  }
  // GitHub shorthand `owner/repo` or `owner/repo#ref` (npm treats these as git).
  if (/^[\w.-]+\/[\w.-]+(#.*)?$/.test(s)) return { kind: 'git' };
  if (s === '' || s === '*' || s === 'x' || semver.validRange(s, { loose: true }) !== null) {
    return { kind: 'range' };
  }
  if (/^[a-z][a-z0-9._-]*$/i.test(s)) return { kind: 'tag' };
  return { kind: 'invalid' };
}
