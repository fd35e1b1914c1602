/**
 * What one `"name": "spec"` entry of a package.json points at, decided the way npm decides it.
 *
 * The rules are npm-package-arg's (and hosted-git-info's for git hosts), rewritten here rather
 * than depended on: npm-package-arg resolves file paths against the working directory, reads
 * the home directory and throws on anything it cannot install, while a scanner needs a pure
 * answer for every string, including the ones npm rejects, and a few distinctions npm does not
 * make (a range with no upper bound, a GitHub repository as opposed to any git URL). The order
 * of the checks is npm-package-arg's: local path, `npm:` alias, known git host, URL, path,
 * registry range or dist-tag. Where this module knowingly differs:
 *
 * - `user@host.tld:path` (scp-style git) and `ssh://` are git here; npm reads the first as a
 *   local directory and rejects the second, but both say "git" to anyone reading them.
 * - Any git URL on github.com is a GitHub dependency, whatever its protocol.
 * - `workspace:`, `link:` and `portal:` (pnpm and yarn protocols npm rejects) get kinds of their
 *   own instead of an error, since a published manifest that still holds one is a finding.
 * - A bare string shaped like a version but not valid semver (`1.2.3.4`) is `invalid`: npm
 *   would look it up as a dist-tag and fail, and no one names a tag that way.
 *
 * Credentials in URLs (`https://TOKEN@host/…`, `user:password@`) are masked in everything this
 * module returns, so a result can be printed or stored as is.
 */
import semver from 'semver';

export type DependencySpecKind =
  | 'registry-range'
  | 'registry-exact'
  | 'tag'
  | 'alias'
  | 'git'
  | 'github'
  | 'http'
  | 'file'
  | 'link'
  | 'workspace'
  | 'floating'
  | 'invalid';

/** Git hosts npm knows by name (hosted-git-info), each with its shortcut protocol. */
export type GitHost = 'github' | 'gitlab' | 'bitbucket' | 'gist' | 'sourcehut' | 'codeberg';

export interface DependencySpec {
  kind: DependencySpecKind;
  /** One line for people: what npm fetches for this spec, or why it cannot. */
  detail: string;
  /** The spec, trimmed, credentials masked, cut to a printable length. */
  display: string;
  /** registry-range, registry-exact, floating: the range as semver normalises it. */
  range?: string;
  /** The range parses only in semver's loose mode (npm accepts it; stricter tools do not). */
  loose?: boolean;
  /** tag, and floating `latest`: the dist-tag npm resolves. */
  tag?: string;
  /** alias: the package npm installs under the dependency's name. */
  aliasOf?: string;
  /** alias: how the aliased package's own spec classifies (always a registry kind). */
  target?: DependencySpec;
  /** git, github, http: the URL (credentials masked). */
  url?: string;
  /** git, github: the known host, when the URL names one. */
  host?: GitHost;
  /** git, github on a known host: the owner and the repository. */
  user?: string;
  repository?: string;
  /** git, github: the `#ref` (branch, tag or commit), when not a semver range. */
  committish?: string;
  /** git, github: the `#semver:range`, when given. */
  gitRange?: string;
  /** http: the URL is plain http, open to tampering on the way. */
  insecure?: boolean;
  /** file, link, workspace: the path, or the workspace range (`*`, `^`, `^1.2.0`). */
  path?: string;
}

/** Longer specs are refused unread: real ones stay under a few hundred characters. */
export const MAX_SPEC_LENGTH = 1024;
const MAX_DISPLAY = 200;

const LOCAL_PATH = /^(?:\.|~\/|\/|\\|[a-zA-Z]:)/;
const TARBALL_FILE = /\.(?:tgz|tar\.gz|tar)$/i;
const PROTOCOL = /^([a-z][a-z0-9+.-]*):/i;
const SCP_GIT = /^[^@\s]+@[^:.\s]+\.[^:\s]+:.+$/;
const GIT_PROTOCOLS = new Set([
  'git:',
  'git+ssh:',
  'git+https:',
  'git+http:',
  'git+file:',
  'git+rsync:',
  'git+ftp:',
  'ssh:',
]);
/** A string npm would read as a dist-tag, shaped like a version (`1.2.3.4`, `v2.0.0.1`). */
const VERSION_LIKE = /^[v=]?\d[\d.x*]*$/i;
/** A word that cannot be a range unless it is an x-range (`x`, `X.x`) or `v1…`: a dist-tag. */
const TAG_SHAPE = /^[A-Za-z][\w.-]*$/;
const X_RANGE = /^[xX](?:\.[xX*\d]+)*$/;
/** What every version semver's loose mode reads starts with. */
const VERSION_START = /^[v=\s]*\d+\.\d+\.\d+/;
const FULL_COMMIT = /^[0-9a-f]{40}$/i;

const HOST_BY_SHORTCUT: ReadonlyMap<string, GitHost> = new Map([
  ['github:', 'github'],
  ['gitlab:', 'gitlab'],
  ['bitbucket:', 'bitbucket'],
  ['gist:', 'gist'],
  ['sourcehut:', 'sourcehut'],
  ['codeberg:', 'codeberg'],
]);
const HOST_BY_DOMAIN: ReadonlyMap<string, GitHost> = new Map([
  ['github.com', 'github'],
  ['gitlab.com', 'gitlab'],
  ['bitbucket.org', 'bitbucket'],
  ['gist.github.com', 'gist'],
  ['git.sr.ht', 'sourcehut'],
  ['codeberg.org', 'codeberg'],
]);
/** The protocols hosted-git-info accepts for a known host, beyond its shortcut. */
const HOSTED_PROTOCOLS = new Set(['git:', 'http:', 'https:', 'git+ssh:', 'git+https:', 'ssh:']);

/**
 * Classifies `spec`, the value of dependency `name` in a package.json. Never throws: anything
 * npm could not install is `invalid`, with the reason in `detail`. A non-string spec (a number,
 * an object) is `invalid` too.
 */
export function classifyDependencySpec(name: string, spec: unknown): DependencySpec {
  if (typeof spec !== 'string') {
    const type = spec === null ? 'null' : Array.isArray(spec) ? 'array' : typeof spec;
    const got = type === 'null' ? 'null' : `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
    return invalid(jsonOf(spec), `the spec is ${got}, not a string`);
  }
  if (spec.length > MAX_SPEC_LENGTH)
    return invalid(spec, `the spec is ${spec.length} characters long (limit ${MAX_SPEC_LENGTH})`);
  const nameProblem = packageNameProblem(name);
  if (nameProblem !== undefined) return invalid(spec, `"${clip(name)}" ${nameProblem}`);
  const raw = spec.trim();
  const lower = raw.toLowerCase();
  if (lower.startsWith('file:') || LOCAL_PATH.test(raw)) return fileSpec(raw);
  if (lower.startsWith('npm:')) return aliasSpec(raw, raw.slice(4));
  if (lower.startsWith('jsr:')) return jsrSpec(name, raw);
  if (lower.startsWith('workspace:')) {
    const range = raw.slice('workspace:'.length);
    return {
      kind: 'workspace',
      detail: `workspace:${range}: a pnpm/yarn workspace link, meant to be replaced by a version at publish; npm cannot install it`,
      display: displayOf(raw),
      path: range,
    };
  }
  for (const protocol of ['link:', 'portal:'] as const) {
    if (!lower.startsWith(protocol)) continue;
    const path = raw.slice(protocol.length);
    return {
      kind: 'link',
      detail: `${protocol} a symlink to the local folder ${clip(path)} (pnpm/yarn); npm cannot install it`,
      display: displayOf(raw),
      path,
    };
  }
  const hosted = parseHostedGit(raw);
  if (hosted !== undefined) return hostedSpec(raw, hosted);
  if (PROTOCOL.test(raw)) return urlSpec(raw);
  if (SCP_GIT.test(raw)) {
    const url = maskCredentials(raw.split('#', 1)[0] ?? raw);
    return {
      ...gitRef(raw),
      kind: 'git',
      detail: `git over ssh: ${url}`,
      display: displayOf(raw),
      url,
    };
  }
  if (raw.includes('/') || raw.includes('\\') || TARBALL_FILE.test(raw)) return fileSpec(raw);
  return registrySpec(raw);
}

/** The kinds npm resolves through the registry (an alias's target is always one of these). */
export function isRegistryKind(kind: DependencySpecKind): boolean {
  return (
    kind === 'registry-range' || kind === 'registry-exact' || kind === 'tag' || kind === 'floating'
  );
}

export interface HostedGitRepository {
  host: GitHost;
  /** Owner (user, organisation, or GitLab group path); absent for an anonymous gist. */
  user?: string;
  repository: string;
  /** The `#…` part, undecoded: a ref, or `semver:range`. */
  committish?: string;
}

/**
 * The repository on a known git host a spec or `repository` URL names, as hosted-git-info
 * reads it: `github:user/repo`, `user/repo`, `git@github.com:user/repo.git`,
 * `https://github.com/user/repo`, `git+ssh://git@gitlab.com/group/sub/repo.git#v1`, … A URL on
 * a known host that is not a repository (`https://github.com/u/r/archive/v1.tar.gz`) is not.
 */
export function parseHostedGit(input: string): HostedGitRepository | undefined {
  const spec = input.trim();
  if (spec === '' || spec.length > MAX_SPEC_LENGTH) return undefined;
  const colon = spec.indexOf(':');
  const shortcut =
    colon === -1 ? undefined : HOST_BY_SHORTCUT.get(spec.slice(0, colon + 1).toLowerCase());
  if (shortcut !== undefined) return fromShortcut(shortcut, spec.slice(colon + 1));
  if (isGitHubShorthand(spec)) return fromShortcut('github', spec);
  // Every URL form has a colon (a protocol, or scp's host:path); ranges and tags have none,
  // and a failed `new URL` costs a thrown exception.
  if (colon === -1) return undefined;
  const url = parseUrl(withProtocol(spec));
  if (url === undefined) return undefined;
  const domain = url.hostname.toLowerCase().replace(/^www\./, '');
  const host = HOST_BY_DOMAIN.get(domain);
  if (host === undefined || !HOSTED_PROTOCOLS.has(url.protocol)) return undefined;
  return fromHostUrl(host, url);
}

function fromShortcut(host: GitHost, rest: string): HostedGitRepository | undefined {
  const hash = rest.indexOf('#');
  let path = (hash === -1 ? rest : rest.slice(0, hash)).replace(/^\/+/, '');
  const committish = hash === -1 ? undefined : rest.slice(hash + 1);
  // Credentials in a shortcut are ignored by npm; drop them rather than keep a secret.
  const at = path.indexOf('@');
  if (at !== -1) path = path.slice(at + 1);
  const slash = path.lastIndexOf('/');
  const user = slash === -1 ? '' : path.slice(0, slash);
  const repository = stripGit(slash === -1 ? path : path.slice(slash + 1));
  if (repository === '' || (user === '' && host !== 'gist')) return undefined;
  return hosted(host, user, repository, committish);
}

/** The repository path shapes each host accepts over a URL (hosted-git-info's `extract`). */
function fromHostUrl(host: GitHost, url: URL): HostedGitRepository | undefined {
  const segments = url.pathname.split('/').slice(1).map(safeDecode);
  if (segments.some((s) => s === undefined)) return undefined;
  const parts = segments as string[];
  const web = url.protocol === 'http:' || url.protocol === 'https:';
  const committish = url.hash === '' ? undefined : url.hash.slice(1);
  switch (host) {
    case 'github': {
      const [user, repository, type, ref] = parts;
      if (user === undefined || user === '' || repository === undefined || repository === '')
        return undefined;
      // Over https only the repository page (or /tree/<ref>) is the repository; other paths
      // (/archive/v1.tar.gz, /releases/…) are files npm downloads as tarballs.
      if (web && type !== undefined && type !== '' && type !== 'tree') return undefined;
      return hosted(host, user, stripGit(repository), type === 'tree' ? ref : committish);
    }
    case 'gitlab': {
      const path = parts.join('/');
      if (path.includes('/-/') || path.includes('/archive.tar.gz')) return undefined;
      const repository = stripGit(parts.pop() ?? '');
      const user = parts.join('/');
      if (user === '' || repository === '') return undefined;
      return hosted(host, user, repository, committish);
    }
    case 'bitbucket': {
      const [user, repository, aux] = parts;
      if (aux === 'get' || user === undefined || user === '' || !repository) return undefined;
      return hosted(host, user, stripGit(repository), committish);
    }
    case 'gist': {
      const [first, second, aux] = parts;
      if (aux === 'raw' || !first) return undefined;
      // `/<id>` or `/<user>/<id>`.
      return second
        ? hosted(host, first, stripGit(second), committish)
        : hosted(host, '', stripGit(first), committish);
    }
    case 'sourcehut':
    case 'codeberg': {
      const [user, repository, aux] = parts;
      const notRepository =
        host === 'sourcehut' ? ['archive'] : ['archive', 'issues', 'pulls', 'src', 'raw', '_edit'];
      if ((aux !== undefined && notRepository.includes(aux)) || !user || !repository)
        return undefined;
      return hosted(host, user, stripGit(repository), committish);
    }
  }
}

function hosted(
  host: GitHost,
  user: string,
  repository: string,
  committish: string | undefined,
): HostedGitRepository {
  return {
    host,
    ...(user === '' ? {} : { user }),
    repository,
    ...(committish === undefined || committish === '' ? {} : { committish }),
  };
}

/**
 * `user/repo`, optionally `#ref`: hosted-git-info's shorthand test. Not a path (`./x`, `/x`,
 * `a/b/c`), not a scoped name (`@scope/x`), no protocol and no space before the `#`.
 */
function isGitHubShorthand(spec: string): boolean {
  const hash = spec.indexOf('#');
  const head = hash === -1 ? spec : spec.slice(0, hash);
  const firstSlash = head.indexOf('/');
  return (
    firstSlash > 0 &&
    head.indexOf('/', firstSlash + 1) === -1 &&
    !head.endsWith('/') &&
    !head.startsWith('.') &&
    !/[\s@:]/.test(head)
  );
}

/**
 * Turns scp-style `user@host:path`, and `git+ssh://user@host:path`, into URLs `new URL` reads:
 * the colon after the host separates the path, unless digits follow it (a port).
 */
function withProtocol(spec: string): string {
  const m = PROTOCOL.exec(spec);
  if (m !== null && spec.startsWith('//', m[0].length)) {
    const start = m[0].length + 2;
    const rest = spec.slice(start);
    const end = rest.search(/[/#]/);
    const authority = end === -1 ? rest : rest.slice(0, end);
    const hostStart = authority.lastIndexOf('@') + 1;
    const colon = authority.indexOf(':', hostStart);
    if (colon === -1 || /^\d*$/.test(authority.slice(colon + 1))) return spec;
    return `${spec.slice(0, start + colon)}/${spec.slice(start + colon + 1)}`;
  }
  const at = spec.indexOf('@');
  const colon = spec.indexOf(':');
  if (m === null && at !== -1 && colon > at)
    return `git+ssh://${spec.slice(0, colon)}/${spec.slice(colon + 1)}`;
  return spec;
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function hostedSpec(raw: string, repo: HostedGitRepository): DependencySpec {
  const display = displayOf(raw);
  const url =
    raw.includes('://') || SCP_GIT.test(raw)
      ? maskCredentials(raw.split('#', 1)[0] ?? raw)
      : undefined;
  const where = `${repo.user === undefined ? '' : `${repo.user}/`}${repo.repository}`;
  const ref = gitRef(raw, repo.committish);
  const at =
    ref.gitRange !== undefined
      ? ` at the newest tag matching ${ref.gitRange}`
      : ref.committish !== undefined
        ? ` at ${ref.committish}`
        : ' at its default branch';
  return {
    kind: repo.host === 'github' ? 'github' : 'git',
    detail: `${hostName(repo.host)} repository ${where}${at}`,
    display,
    ...(url === undefined ? {} : { url }),
    host: repo.host,
    ...(repo.user === undefined ? {} : { user: repo.user }),
    repository: repo.repository,
    ...ref,
  };
}

function urlSpec(raw: string): DependencySpec {
  const protocol = (PROTOCOL.exec(raw)?.[1] ?? '').toLowerCase() + ':';
  const display = displayOf(raw);
  const url = maskCredentials(raw.split('#', 1)[0] ?? raw);
  if (GIT_PROTOCOLS.has(protocol)) {
    const parsed = parseUrl(withProtocol(raw));
    const onGitHub = parsed !== undefined && /^(www\.)?github\.com$/i.test(parsed.hostname);
    if (onGitHub) {
      const [user, repository] = parsed.pathname.split('/').slice(1);
      if (user && repository)
        return hostedSpec(raw, {
          host: 'github',
          user: safeDecode(user) ?? user,
          repository: stripGit(safeDecode(repository) ?? repository),
          ...(parsed.hash === '' ? {} : { committish: parsed.hash.slice(1) }),
        });
    }
    return { ...gitRef(raw), kind: 'git', detail: `git repository ${url}`, display, url };
  }
  if (protocol === 'http:' || protocol === 'https:') {
    const insecure = protocol === 'http:';
    return {
      kind: 'http',
      detail: `a tarball downloaded from ${url}${insecure ? ' over plain http' : ''}`,
      display,
      url,
      ...(insecure ? { insecure } : {}),
    };
  }
  return invalid(raw, `unsupported protocol "${clip(protocol, 40)}" (npm cannot install it)`);
}

function fileSpec(raw: string): DependencySpec {
  const path = raw.toLowerCase().startsWith('file:') ? raw.slice(5) : raw;
  const what = TARBALL_FILE.test(path) ? 'the local tarball' : 'the local folder';
  const scopedName = /^@[^/]+\/[^/]+$/.test(raw);
  return {
    kind: 'file',
    detail: `${what} ${clip(path)}${scopedName ? ' (npm reads a bare scoped name as a path; npm:… was probably meant)' : ''}`,
    display: displayOf(raw),
    path,
  };
}

function aliasSpec(raw: string, rest: string): DependencySpec {
  const at = rest.indexOf('@', 1);
  const aliasOf = at === -1 ? rest : rest.slice(0, at);
  const targetSpec = at === -1 ? '*' : rest.slice(at + 1);
  if (aliasOf === '') return invalid(raw, 'the npm: alias names no package');
  const target = classifyDependencySpec(aliasOf, targetSpec === '' ? '*' : targetSpec);
  if (target.kind === 'invalid') return invalid(raw, `npm:${clip(aliasOf)}: ${target.detail}`);
  if (target.kind === 'alias') return invalid(raw, 'an alias of an alias: npm does not nest them');
  if (!isRegistryKind(target.kind))
    return invalid(
      raw,
      `npm:${clip(aliasOf)} points at a ${target.kind} spec; aliases only work for registry packages`,
    );
  return {
    kind: 'alias',
    detail: `installs ${clip(aliasOf)} (${target.display}) under another name`,
    display: displayOf(raw),
    aliasOf,
    target,
    ...(target.range === undefined ? {} : { range: target.range }),
  };
}

/**
 * `jsr:@scope/name@range` installs `@jsr/scope__name` from the JSR registry's npm endpoint; pnpm
 * also accepts `jsr:range`, naming the package by the dependency's own name.
 */
function jsrSpec(name: string, raw: string): DependencySpec {
  const rest = raw.slice(4);
  const at = rest.startsWith('@') ? rest.indexOf('@', 1) : -1;
  const jsrName = rest.startsWith('@') ? (at === -1 ? rest : rest.slice(0, at)) : name;
  const range = rest.startsWith('@') ? (at === -1 ? '*' : rest.slice(at + 1)) : rest;
  const m = /^@([^/@]+)\/([^/@]+)$/.exec(jsrName);
  if (m === null)
    return invalid(raw, `JSR packages are scoped (jsr:@scope/name), not ${clip(jsrName)}`);
  const alias = aliasSpec(raw, `@jsr/${m[1]}__${m[2]}@${range}`);
  return alias.kind === 'alias' ? { ...alias, display: displayOf(raw) } : alias;
}

function registrySpec(raw: string): DependencySpec {
  if (raw === '')
    return { kind: 'floating', detail: 'an empty spec: any version', display: '', range: '*' };
  const spec = raw;
  const display = displayOf(raw);
  // semver reports "not a version" by throwing inside, which costs far more than the rest of
  // this function: the shape tests below keep the common tags and ranges from paying for it.
  if (TAG_SHAPE.test(spec) && !X_RANGE.test(spec) && !/^v\d/i.test(spec))
    return tagSpec(spec, display);
  const exact = VERSION_START.test(spec) ? semver.valid(spec, true) : null;
  if (exact !== null) {
    const loose = semver.valid(spec) === null;
    return {
      kind: 'registry-exact',
      detail: `exactly version ${exact}`,
      display,
      range: exact,
      ...(loose ? { loose } : {}),
    };
  }
  const parsed = parseRange(spec);
  if (parsed !== undefined) {
    const range = parsed.range.range || '*';
    const floating = isUnboundedAbove(parsed.range);
    return {
      kind: floating ? 'floating' : 'registry-range',
      detail: floating
        ? range === '*'
          ? 'any version: whatever is newest'
          : `${range}: no upper bound, so any future major version`
        : `versions in ${range}`,
      display,
      range,
      ...(parsed.loose ? { loose: true } : {}),
    };
  }
  if (encodeURIComponent(spec) !== spec)
    return invalid(raw, `${clip(spec)} is neither a semver range nor a valid dist-tag name`);
  if (VERSION_LIKE.test(spec))
    return invalid(
      raw,
      `${clip(spec)} looks like a version but is not valid semver; npm would look it up as a dist-tag`,
    );
  return tagSpec(spec, display);
}

/** A dist-tag; `latest` floats like `*` (it is what `*` resolves to). */
function tagSpec(tag: string, display: string): DependencySpec {
  if (tag === 'latest')
    return { kind: 'floating', detail: 'the dist-tag latest: whatever is newest', display, tag };
  return {
    kind: 'tag',
    detail: `the dist-tag ${tag}: whatever the publisher tags so`,
    display,
    tag,
  };
}

/** The range strictly parsed, else loosely (`loose: true`), else undefined. One parse each. */
function parseRange(spec: string): { range: semver.Range; loose: boolean } | undefined {
  try {
    return { range: new semver.Range(spec), loose: false };
  } catch {
    // Not a strict range: try the loose grammar npm also accepts.
  }
  try {
    return { range: new semver.Range(spec, { loose: true }), loose: true };
  } catch {
    return undefined;
  }
}

/** True when some alternative of the range accepts every version from some point upwards. */
function isUnboundedAbove(range: semver.Range): boolean {
  return range.set.some(
    (comparators) =>
      !comparators.some(
        (c) =>
          c.operator === '<' ||
          c.operator === '<=' ||
          // An exact comparator bounds the set; `*` parses to one with an empty value.
          ((c.operator === '' || c.operator === '=') && c.value !== ''),
      ),
  );
}

function gitRef(
  raw: string,
  fragment: string | undefined = hashOf(raw),
): { committish?: string; gitRange?: string } {
  if (fragment === undefined || fragment === '') return {};
  let committish: string | undefined;
  let gitRange: string | undefined;
  // npm's `#a::semver:^1::path:sub` syntax: the parts without a name are the committish.
  for (const part of fragment.split('::')) {
    const colon = part.indexOf(':');
    if (colon === -1) committish ??= part;
    else if (part.slice(0, colon) === 'semver')
      gitRange ??= safeDecode(part.slice(colon + 1)) ?? part;
  }
  return {
    ...(committish === undefined || committish === '' ? {} : { committish: clip(committish, 100) }),
    ...(gitRange === undefined || gitRange === '' ? {} : { gitRange: clip(gitRange, 100) }),
  };
}

function hashOf(raw: string): string | undefined {
  const hash = raw.indexOf('#');
  return hash === -1 ? undefined : raw.slice(hash + 1);
}

/** A 40-hex commit id: the only git ref that cannot move. */
export function isFullCommit(ref: string | undefined): boolean {
  return ref !== undefined && FULL_COMMIT.test(ref);
}

/**
 * Masks the secret in a URL's user info: a password always (`user:***@`), and a bare user name
 * over http(s), where it is usually a token (`https://***@host`). `git@` and other ssh user
 * names stay: they are conventions, not secrets.
 */
function maskCredentials(text: string): string {
  return text.replace(
    /^([a-z][a-z0-9+.-]*:\/\/)([^@/#?]*)@/i,
    (_all, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      if (colon !== -1) return `${scheme}${userinfo.slice(0, colon)}:***@`;
      return /http/i.test(scheme) ? `${scheme}***@` : `${scheme}${userinfo}@`;
    },
  );
}

function displayOf(raw: string): string {
  return clip(maskCredentials(raw), MAX_DISPLAY);
}

function invalid(raw: string, detail: string): DependencySpec {
  return { kind: 'invalid', detail, display: displayOf(raw) };
}

/** JSON text of a non-string spec, for display; never throws (a caller may pass a cycle). */
function jsonOf(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

function stripGit(name: string): string {
  return name.endsWith('.git') ? name.slice(0, -4) : name;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function clip(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function hostName(host: GitHost): string {
  return {
    github: 'GitHub',
    gitlab: 'GitLab',
    bitbucket: 'Bitbucket',
    gist: 'GitHub gist',
    sourcehut: 'sourcehut',
    codeberg: 'Codeberg',
  }[host];
}

/**
 * Why `name` is not a package name npm accepts in a dependency list (the rules
 * validate-npm-package-name keeps for old packages: upper case and long names pass), or
 * undefined when it is one.
 */
export function packageNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name.length > MAX_SPEC_LENGTH) return 'is too long';
  if (name.trim() !== name) return 'has leading or trailing spaces';
  if (name.startsWith('.') || name.startsWith('_')) return 'starts with . or _';
  if (name.toLowerCase() === 'node_modules' || name.toLowerCase() === 'favicon.ico')
    return 'is a reserved name';
  const scoped = /^@([^/]+)\/([^/]+)$/.exec(name);
  const parts = scoped === null ? [name] : [scoped[1]!, scoped[2]!];
  if (parts.some((p) => encodeURIComponent(p) !== p))
    return 'contains characters a package name cannot hold';
  return undefined;
}
