/**
 * Helpers shared by the yarn classic (v1) and yarn berry lockfile parsers.
 *
 * Both formats key their entries by descriptors, `name@range`, where the name may be scoped
 * (`@babel/core@^7.0.0`) and the range may itself contain `@` (`foo@git+ssh://git@host/x.git`,
 * aliases `string-width-cjs@npm:string-width@^4.2.0`). The name therefore ends at the first `@`
 * that is not at position 0; splitting at the last `@` breaks git keys. Both formats also
 * need the same git-versus-tarball judgement on URLs and a bounded problem list, so those
 * live here too.
 */
import {
  compareProblems,
  problem,
  type Problem,
  type ProblemSeverity,
} from '../../errors/problem.js';
import type { ProblemCode } from '../../errors/problem-codes.js';
import type { LockEdge, LockPackage, PackageSource } from '../types.js';

export interface Descriptor {
  name: string;
  /** Everything after the separating `@`; '' when the descriptor has no range. */
  range: string;
}

/** Splits `name@range` at the first `@` that is not at position 0. */
export function splitDescriptor(descriptor: string): Descriptor {
  const at = descriptor.indexOf('@', 1);
  if (at === -1) return { name: descriptor, range: '' };
  return { name: descriptor.slice(0, at), range: descriptor.slice(at + 1) };
}

/**
 * The target of an npm alias range (`npm:string-width@^4.2.0` → string-width, ^4.2.0), or
 * undefined when the range is not an alias (`npm:^4.2.0`, `^4.2.0`).
 */
export function parseNpmAlias(range: string): Descriptor | undefined {
  if (!range.startsWith('npm:')) return undefined;
  const inner = range.slice(4);
  const at = inner.indexOf('@', 1);
  // `npm:@scope/name` without a range is still an alias (of the latest version).
  if (at === -1)
    return inner.startsWith('@') && inner.includes('/') ? { name: inner, range: '' } : undefined;
  return { name: inner.slice(0, at), range: inner.slice(at + 1) };
}

/** The protocol of a range (`npm`, `workspace`, `git+ssh`, `https`), or undefined (`^1.2.3`). */
export function protocolOf(range: string): string | undefined {
  const colon = range.indexOf(':');
  if (colon <= 0) return undefined;
  for (let i = 0; i < colon; i++) {
    const c = range.charCodeAt(i);
    const ok =
      (c >= 97 && c <= 122) || // a-z
      (c >= 65 && c <= 90) || // A-Z
      (i > 0 && ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)); // 0-9 + - .
    if (!ok) return undefined;
  }
  return range.slice(0, colon);
}

/**
 * True for git sources: `git+…`, `git://`, `ssh://`, scp-like `git@host:`, hosted shorthands
 * (`github:`), GitHub's codeload archives of a commit, and any URL whose path ends in `.git`
 * (`https://github.com/babel/lerna.git#<sha>`, berry's `…/berry.git#commit=<sha>`).
 */
export function isGitSpec(spec: string): boolean {
  if (
    spec.startsWith('git+') ||
    spec.startsWith('git://') ||
    spec.startsWith('git@') ||
    spec.startsWith('ssh://') ||
    spec.startsWith('github:') ||
    spec.startsWith('gitlab:') ||
    spec.startsWith('bitbucket:')
  ) {
    return true;
  }
  if (/^https?:\/\/codeload\.github\.com\//i.test(spec)) return true;
  const hash = spec.indexOf('#');
  const base = hash === -1 ? spec : spec.slice(0, hash);
  return base.endsWith('.git');
}

/** True for `http://` and `https://` URLs. */
export function isHttpUrl(spec: string): boolean {
  return /^https?:\/\//i.test(spec);
}

const NO_EDGES_YET: LockEdge[] = [];

/**
 * A package with its optional fields present only when known, created whole in one literal
 * per shape (fields added later would cost each package an out-of-object property store).
 */
export function newPackage(
  key: string,
  name: string,
  version: string,
  source: PackageSource,
  resolved: string | undefined,
  integrity: string | undefined,
  line: number,
): LockPackage {
  // Replaced by the package's edges once every package is known.
  const dependencies = NO_EDGES_YET;
  if (resolved === undefined) {
    return integrity === undefined
      ? { key, name, version, source, dependencies, line }
      : { key, name, version, source, dependencies, integrity, line };
  }
  return integrity === undefined
    ? { key, name, version, source, dependencies, resolved, line }
    : { key, name, version, source, dependencies, resolved, integrity, line };
}

/**
 * Returns one string object per distinct value. Dependency names and ranges repeat across
 * entries (`npm:^7.27.1`); sharing them keeps the edges small, and the hash V8 caches in the
 * shared string makes every later Map lookup by that name cheap.
 */
export class Interner {
  private readonly seen = new Map<string, string>();

  intern(value: string): string {
    const known = this.seen.get(value);
    if (known !== undefined) return known;
    this.seen.set(value, value);
    return value;
  }
}

/**
 * Problems of one lockfile, capped: a garbage file would otherwise produce one problem per
 * line. Past the cap a single error says how many more were dropped.
 */
export class ProblemList {
  readonly items: Problem[] = [];
  private dropped = 0;

  constructor(
    private readonly file: string,
    private readonly max = 100,
  ) {}

  add(
    code: ProblemCode,
    severity: ProblemSeverity,
    message: string,
    where: { line?: number; column?: number; hint?: string } = {},
  ): void {
    if (this.items.length >= this.max) {
      this.dropped++;
      return;
    }
    this.items.push(problem(code, severity, message, { file: this.file, ...where }));
  }

  /** The problems in file order, plus one summary error when some were dropped. */
  finish(): Problem[] {
    this.items.sort(compareProblems);
    if (this.dropped > 0) {
      this.items.push(
        problem(
          'lockfile-too-many-problems',
          'error',
          `${this.dropped} more problems were not reported`,
          {
            file: this.file,
          },
        ),
      );
    }
    return this.items;
  }
}
