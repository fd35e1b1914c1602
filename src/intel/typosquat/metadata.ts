/**
 * Evidence from package metadata, for the detector that decides what a name match means.
 *
 * A squat often wears the target's clothes: its repository field points at the target's
 * repository, its description and README are copied. Those are `misleadingMetadata` reasons.
 * The same facts also describe legitimate siblings (`lodash.merge` lives in lodash's
 * repository), so ownership decides: when the candidate shares a maintainer with the target
 * (`sharesOwnership`), the caller suppresses the match; a shared repository without shared
 * maintainers is the misleading case.
 *
 * All inputs come from packuments, i.e. from the candidate's author: every string is cut to
 * a bounded length before any work, and list sizes are capped.
 */

export interface PackageMetadata {
  description?: unknown;
  readme?: unknown;
  /** As in package.json: a string (URL or `owner/repo` shorthand) or `{ type, url }`. */
  repository?: unknown;
}

/** Bytes of README compared: enough to cover the title, badges and the usage section. */
const README_PREFIX_CHARS = 16 * 1024;
const MAX_DESCRIPTION_CHARS = 2048;
const MAX_URL_CHARS = 2048;
const MAX_MAINTAINERS = 1000;
/** Word shingles this long: short enough to survive small edits, long enough to be specific. */
const SHINGLE_WORDS = 4;
/** A README with fewer words says too little ("# foo\n\nTODO") to call it copied. */
const MIN_README_WORDS = 40;
const MIN_DESCRIPTION_WORDS = 4;
const README_SIMILARITY = 0.5;
const DESCRIPTION_SIMILARITY = 0.8;

/**
 * Reasons the candidate's metadata passes for the target's: same repository, copied
 * description, copied README. Empty when none applies.
 */
export function misleadingMetadata(candidate: PackageMetadata, target: PackageMetadata): string[] {
  const reasons: string[] = [];
  const repo = normaliseRepositoryUrl(candidate.repository);
  if (repo !== undefined && repo === normaliseRepositoryUrl(target.repository))
    reasons.push(`same repository as the target (${repo})`);

  const ownDescription = wordsOf(candidate.description, MAX_DESCRIPTION_CHARS);
  const targetDescription = wordsOf(target.description, MAX_DESCRIPTION_CHARS);
  if (ownDescription.length >= MIN_DESCRIPTION_WORDS && targetDescription.length > 0) {
    const similarity = jaccard(new Set(ownDescription), new Set(targetDescription));
    if (similarity >= DESCRIPTION_SIMILARITY)
      reasons.push(
        similarity === 1
          ? 'description copied from the target'
          : `description nearly copied from the target (similarity ${similarity.toFixed(2)})`,
      );
  }

  const ownReadme = wordsOf(candidate.readme, README_PREFIX_CHARS);
  const targetReadme = wordsOf(target.readme, README_PREFIX_CHARS);
  if (ownReadme.length >= MIN_README_WORDS && targetReadme.length >= MIN_README_WORDS) {
    const similarity = jaccard(shingles(ownReadme), shingles(targetReadme));
    if (similarity >= README_SIMILARITY)
      reasons.push(`README copied from the target (similarity ${similarity.toFixed(2)})`);
  }
  return reasons;
}

/** Whether both packages point at the same repository (after normalisation). */
export function sameRepository(a: unknown, b: unknown): boolean {
  const ra = normaliseRepositoryUrl(a);
  return ra !== undefined && ra === normaliseRepositoryUrl(b);
}

/** Shorthand prefixes as npm reads them (`github:owner/repo`, bare `owner/repo`). */
const SHORTHAND_HOSTS: Record<string, string> = {
  github: 'github.com',
  gitlab: 'gitlab.com',
  bitbucket: 'bitbucket.org',
  gist: 'gist.github.com',
};

/**
 * `host/owner/repo`, lower-case, from any way package.json spells a repository:
 * `git+https://…/x.git`, `git://…`, `ssh://git@host/…`, `git@host:owner/repo.git`,
 * `github:owner/repo`, bare `owner/repo`, or `{ url }`; a `#ref` or a `/tree/…` tail and a
 * `.git` suffix are dropped. Undefined when it is not recognisably a repository.
 */
export function normaliseRepositoryUrl(repository: unknown): string | undefined {
  let raw = repository;
  if (typeof raw === 'object' && raw !== null) raw = (raw as { url?: unknown }).url;
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_URL_CHARS) return undefined;
  let s = raw.trim().replace(/#.*$/, '');

  const shorthand = /^(github|gitlab|bitbucket|gist):([^/\s]+(?:\/[^/\s]+)?)$/i.exec(s);
  if (shorthand)
    return cleanPath(`${SHORTHAND_HOSTS[shorthand[1]!.toLowerCase()]}/${shorthand[2]}`);
  if (/^[\w.-]+\/[\w.-]+$/.test(s)) return cleanPath(`github.com/${s}`);

  const scp = /^(?:[\w.-]+@)?([\w.-]+\.[a-z]{2,}):(?!\/\/)(.+)$/i.exec(s);
  if (scp) return cleanPath(`${scp[1]}/${scp[2]}`);

  s = s.replace(/^git\+/, '');
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return undefined;
  }
  if (!['http:', 'https:', 'git:', 'ssh:'].includes(url.protocol) || url.hostname === '')
    return undefined;
  return cleanPath(`${url.hostname.replace(/^www\./, '')}${url.pathname}`);
}

function cleanPath(hostAndPath: string): string | undefined {
  const parts = hostAndPath
    .toLowerCase()
    .split('/')
    .filter((p) => p.length > 0);
  if (parts.length < 3) return undefined;
  const [host, owner, repo] = parts as [string, string, string];
  return `${host}/${owner}/${repo.replace(/\.git$/, '')}`;
}

/**
 * Whether the two maintainer lists share a person, by npm user name or e-mail (both
 * case-folded). Accepts packument entries (`{ name, email }`) and `"name <email>"` strings.
 */
export function sharesOwnership(
  candidateMaintainers: readonly unknown[] | undefined,
  targetMaintainers: readonly unknown[] | undefined,
): boolean {
  if (!Array.isArray(candidateMaintainers) || !Array.isArray(targetMaintainers)) return false;
  const theirs = new Set<string>();
  for (const m of targetMaintainers.slice(0, MAX_MAINTAINERS))
    for (const k of identities(m)) theirs.add(k);
  for (const m of candidateMaintainers.slice(0, MAX_MAINTAINERS))
    for (const k of identities(m)) if (theirs.has(k)) return true;
  return false;
}

function identities(maintainer: unknown): string[] {
  let name: unknown;
  let email: unknown;
  if (typeof maintainer === 'string') {
    const m = /^\s*([^<(]*?)\s*(?:<([^>]*)>)?\s*(?:\(.*\))?\s*$/.exec(maintainer.slice(0, 512));
    name = m?.[1];
    email = m?.[2];
  } else if (typeof maintainer === 'object' && maintainer !== null) {
    ({ name, email } = maintainer as { name?: unknown; email?: unknown });
  }
  const out: string[] = [];
  if (typeof name === 'string' && name.trim() !== '')
    out.push(`name:${name.trim().toLowerCase().slice(0, 256)}`);
  if (typeof email === 'string' && email.includes('@'))
    out.push(`email:${email.trim().toLowerCase().slice(0, 256)}`);
  return out;
}

/** Lower-case words of the first `maxChars` characters; empty for non-strings. */
function wordsOf(text: unknown, maxChars: number): string[] {
  if (typeof text !== 'string') return [];
  return text
    .slice(0, maxChars)
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** Word shingles hashed to 32-bit FNV-1a: a set of numbers instead of thousands of strings. */
function shingles(words: readonly string[]): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i + SHINGLE_WORDS <= words.length; i++) {
    let h = 0x811c9dc5;
    for (let k = 0; k < SHINGLE_WORDS; k++) {
      const w = words[i + k] as string;
      for (let j = 0; j < w.length; j++) h = Math.imul(h ^ w.charCodeAt(j), 0x01000193);
      h = Math.imul(h ^ 0x20, 0x01000193);
    }
    out.add(h >>> 0);
  }
  return out;
}

function jaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}
