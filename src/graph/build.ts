/**
 * Builds the dependency graph of a snapshot: parses every lockfile with its parser, computes
 * per package `direct`, `dev` (reachable only through dev edges) and `optional` (reachable
 * only through optional edges) by walking from the importers, collapses install locations
 * and peer variants into one package per identity (source + name + version), and merges
 * several lockfiles (monorepos with more than one) the same way.
 *
 * Why flags come from a walk and not from the lockfile: only npm and pnpm 5/6 state them, and
 * a walk gives one definition for every format. Where a package is unreachable from every
 * importer (orphan entries, missing manifests), the lockfile's stated flags are used instead.
 */
import { compareProblems, problem, type Problem } from '../errors/index.js';
import { LOCKFILE_NAMES, findParser, packageJsonParser } from '../lockfiles/index.js';
import { dirnamePosix, joinPosix } from '../lockfiles/internal/paths.js';
import type {
  LockPackage,
  LockfileInput,
  LockfileParser,
  ParsedLockfile,
} from '../lockfiles/types.js';
import { DEPENDENCY_FIELDS, parseManifest, type Manifest } from '../manifest/index.js';
import { stripBom } from '../util/text.js';
import type {
  DependencyGraph,
  GraphEdge,
  GraphImporter,
  GraphPackage,
  LockfileSummary,
} from './model.js';

export interface SnapshotFileInput {
  /** POSIX path relative to the snapshot root. */
  path: string;
  bytes: Uint8Array;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');

function decode(file: SnapshotFileInput, problems: Problem[]): string {
  try {
    return stripBom(utf8.decode(file.bytes));
  } catch {
    problems.push(
      problem('file-not-utf8', 'warning', 'file is not valid UTF-8; invalid bytes were replaced', {
        file: file.path,
      }),
    );
    return stripBom(utf8Lenient.decode(file.bytes));
  }
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Parses the snapshot's package.json files into a path → Manifest map. */
export function readManifests(
  files: readonly SnapshotFileInput[],
  problems: Problem[],
): Map<string, Manifest> {
  const manifests = new Map<string, Manifest>();
  for (const file of files) {
    if (baseName(file.path) !== 'package.json') continue;
    const { manifest, problems: found } = parseManifest(file.path, decode(file, problems));
    manifests.set(file.path, manifest);
    problems.push(...found);
  }
  return manifests;
}

/** Builds the graph of a whole snapshot. Pure: bytes in, graph out. */
export function buildGraph(files: readonly SnapshotFileInput[]): DependencyGraph {
  const problems: Problem[] = [];
  const manifests = readManifests(files, problems);
  const lockfiles = files
    .filter((f) => LOCKFILE_NAMES.includes(baseName(f.path)))
    .map((f) => ({ path: f.path, text: decode(f, problems) }));
  return buildGraphFromText(lockfiles, manifests, problems);
}

/**
 * The graph from lockfile texts and parsed manifests (every manifest of the snapshot, since
 * parsers read workspace manifests and standalone ones become "package.json alone" projects).
 */
export function buildGraphFromText(
  lockfileTexts: readonly { path: string; text: string }[],
  manifests: ReadonlyMap<string, Manifest>,
  problems: Problem[] = [],
): DependencyGraph {
  const parsed: ParsedWith[] = [];
  const lockfileDirs: string[] = [];
  const perDir = new Map<string, string[]>();
  for (const { path, text } of lockfileTexts) {
    const dir = dirnamePosix(path);
    lockfileDirs.push(dir);
    perDir.set(dir, [...(perDir.get(dir) ?? []), path]);
    const result = parseLockfile({ path, text, manifests });
    if (result !== undefined) parsed.push(result);
  }
  for (const paths of perDir.values()) {
    if (paths.length > 1) {
      problems.push(
        problem(
          'multiple-lockfiles',
          'warning',
          `${paths.length} lockfiles in one folder: ${paths.join(', ')}; all are read`,
          {
            file: paths[0],
            hint: 'Keep only the lockfile of the package manager you use.',
          },
        ),
      );
    }
  }
  // Manifests no lockfile accounts for: standalone projects are read as "package.json alone";
  // ones inside a lockfile's folder are reported, since their dependencies are not installed.
  const covered = coveredManifests(parsed);
  for (const path of manifests.keys()) {
    if (covered.has(path)) continue;
    const dir = dirnamePosix(path);
    const owner = lockfileDirs.find((d) => d === '' || dir === d || dir.startsWith(`${d}/`));
    if (owner === undefined) {
      parsed.push({
        parser: packageJsonParser,
        lock: packageJsonParser.parse({ path, text: '', manifests }),
      });
    } else if (hasDependencies(manifests.get(path))) {
      problems.push(
        problem(
          'manifest-not-in-lockfile',
          'warning',
          `package.json is not a workspace of ${owner === '' ? 'the root' : owner} lockfile; its dependencies are not in the graph`,
          {
            file: path,
            hint: 'Add the folder to "workspaces", or ignore it with projectIgnorePaths in socket.yml.',
          },
        ),
      );
    }
  }
  return mergeLockfiles(parsed, manifests, problems);
}

function hasDependencies(m: Manifest | undefined): boolean {
  return m !== undefined && DEPENDENCY_FIELDS.some((f) => Object.keys(m[f]).length > 0);
}

export interface ParsedWith {
  parser: LockfileParser;
  lock: ParsedLockfile;
}

/** Runs the right parser; a parser that throws is a depwarden bug, reported as a problem. */
export function parseLockfile(input: LockfileInput): ParsedWith | undefined {
  const parser = findParser(baseName(input.path), input.text);
  if (parser === undefined) return undefined;
  try {
    return { parser, lock: parser.parse(input) };
  } catch (err) {
    const lock: ParsedLockfile = {
      format: parser.format,
      formatVersion: '',
      file: input.path,
      importers: [],
      packages: [],
      problems: [
        problem(
          'parser-crashed',
          'error',
          `internal error in ${parser.id}: ${err instanceof Error ? err.message : String(err)}`,
          {
            file: input.path,
            hint: 'This is a depwarden bug; please report it. The lockfile was skipped.',
          },
        ),
      ],
    };
    return { parser, lock };
  }
}

function coveredManifests(parsed: readonly ParsedWith[]): Set<string> {
  const covered = new Set<string>();
  for (const { lock } of parsed) {
    const base = dirnamePosix(lock.file);
    for (const imp of lock.importers) {
      const dir = joinPosix(base, imp.path);
      covered.add(dir === '' ? 'package.json' : `${dir}/package.json`);
    }
    for (const pkg of lock.packages) {
      if ((pkg.source === 'file' || pkg.source === 'link') && pkg.resolved !== undefined) {
        const dir = joinPosix(base, pkg.resolved.replace(/^(file|link|portal):/, ''));
        covered.add(dir === '' ? 'package.json' : `${dir}/package.json`);
      }
    }
  }
  return covered;
}

const EDGE_TO_IMPORTER = 'importer:';

/** Graph id of an importer: `importer:<snapshot-relative dir>`, `importer:.` for the root. */
export function importerId(dir: string): string {
  return `${EDGE_TO_IMPORTER}${dir === '' ? '.' : dir}`;
}

interface Reach {
  any: Uint8Array;
  prod: Uint8Array;
  required: Uint8Array;
  direct: Uint8Array;
}

/**
 * Walks one lockfile's edges from all its importers. Three sets: reachable at all, reachable
 * through non-dev edges (else dev), reachable through non-optional edges (else optional).
 */
function walk(lock: ParsedLockfile, index: Map<string, number>): Reach {
  const n = lock.packages.length;
  const reach: Reach = {
    any: new Uint8Array(n),
    prod: new Uint8Array(n),
    required: new Uint8Array(n),
    direct: new Uint8Array(n),
  };
  const visit = (
    set: Uint8Array,
    starts: number[],
    follow: (kind: string, optional: boolean) => boolean,
  ) => {
    const queue = starts.filter((i) => set[i] === 0);
    for (const i of queue) set[i] = 1;
    for (let q = 0; q < queue.length; q++) {
      const pkg = lock.packages[queue[q] as number] as LockPackage;
      for (const edge of pkg.dependencies) {
        if (edge.target === undefined || !follow(edge.kind, edge.optional === true)) continue;
        const t = index.get(edge.target);
        if (t !== undefined && set[t] === 0) {
          set[t] = 1;
          queue.push(t);
        }
      }
    }
  };
  const starts = { any: [] as number[], prod: [] as number[], required: [] as number[] };
  for (const imp of lock.importers) {
    for (const edge of imp.dependencies) {
      if (edge.target === undefined) continue;
      const t = index.get(edge.target);
      if (t === undefined) continue;
      reach.direct[t] = 1;
      starts.any.push(t);
      if (edge.kind !== 'dev') starts.prod.push(t);
      if (edge.kind !== 'optional' && !(edge.kind === 'peer' && edge.optional === true))
        starts.required.push(t);
    }
  }
  visit(reach.any, starts.any, () => true);
  visit(reach.prod, starts.prod, (kind) => kind !== 'dev');
  visit(
    reach.required,
    starts.required,
    (kind, optional) => kind !== 'optional' && !(kind === 'peer' && optional),
  );
  return reach;
}

function packageId(pkg: LockPackage): string {
  const base = `${pkg.source}:${pkg.name}@${pkg.version}`;
  return pkg.version === '' && pkg.resolved !== undefined ? `${base}#${pkg.resolved}` : base;
}

/** Exposed for tests of the walk and the merge with hand-built parser output. */
export function mergeLockfiles(
  parsed: ParsedWith[],
  manifests: ReadonlyMap<string, Manifest>,
  problems: Problem[] = [],
): DependencyGraph {
  const packages = new Map<string, GraphPackage>();
  const importers: GraphImporter[] = [];
  const edges = new Map<string, GraphEdge>();
  const lockfiles: LockfileSummary[] = [];
  for (const { parser, lock } of parsed) {
    problems.push(...lock.problems);
    const base = dirnamePosix(lock.file);
    const index = new Map<string, number>();
    lock.packages.forEach((p, i) => index.set(p.key, i));
    const reach = walk(lock, index);
    const unreachable = reach.any.length - reach.any.reduce((n, r) => n + r, 0);
    if (unreachable > 0 && lock.importers.length > 0) {
      problems.push(
        problem(
          'lockfile-unreachable-entries',
          'note',
          `${unreachable} of ${lock.packages.length} entries are not reachable from any importer; their dev/optional flags come from the lockfile`,
          { file: lock.file, hint: 'A fresh install usually prunes such entries.' },
        ),
      );
    }
    const ids: string[] = new Array<string>(lock.packages.length);
    lock.packages.forEach((pkg, i) => {
      const id = packageId(pkg);
      ids[i] = id;
      const reachable = reach.any[i] === 1;
      const dev = reachable ? reach.prod[i] === 0 : pkg.stated?.dev === true;
      const optional = reachable ? reach.required[i] === 0 : pkg.stated?.optional === true;
      const direct = reach.direct[i] === 1;
      const existing = packages.get(id);
      if (existing === undefined) {
        const gp: GraphPackage = {
          id,
          name: pkg.name,
          version: pkg.version,
          source: pkg.source,
          direct,
          dev,
          optional,
          resolved: pkg.resolved ?? null,
          integrity: pkg.integrity ?? null,
          aliases: pkg.aliases === undefined ? [] : [...pkg.aliases],
          locations: [
            pkg.line === undefined ? { file: lock.file } : { file: lock.file, line: pkg.line },
          ],
        };
        if (lock.format === 'package-json') gp.unresolved = { range: pkg.resolved ?? '' };
        packages.set(id, gp);
      } else {
        existing.direct ||= direct;
        existing.dev &&= dev;
        existing.optional &&= optional;
        existing.resolved ??= pkg.resolved ?? null;
        existing.integrity ??= pkg.integrity ?? null;
        for (const a of pkg.aliases ?? [])
          if (!existing.aliases.includes(a)) existing.aliases.push(a);
        if (!existing.locations.some((l) => l.file === lock.file)) {
          existing.locations.push(
            pkg.line === undefined ? { file: lock.file } : { file: lock.file, line: pkg.line },
          );
        }
      }
    });
    const targetId = (target: string | undefined): string | undefined => {
      if (target === undefined) return undefined;
      if (target.startsWith(EDGE_TO_IMPORTER))
        return importerId(joinPosix(base, target.slice(EDGE_TO_IMPORTER.length)));
      const i = index.get(target);
      return i === undefined ? undefined : ids[i];
    };
    const addEdge = (from: string, e: LockPackage['dependencies'][number]) => {
      const to = targetId(e.target);
      if (to === undefined) return;
      const key = `${from}\0${to}\0${e.name}\0${e.kind}`;
      if (edges.has(key)) return;
      const edge: GraphEdge = { from, to, name: e.name, spec: e.spec, kind: e.kind };
      if (e.optional === true) edge.optional = true;
      edges.set(key, edge);
    };
    lock.packages.forEach((pkg, i) => {
      for (const e of pkg.dependencies) addEdge(ids[i] as string, e);
    });
    for (const imp of lock.importers) {
      const dir = joinPosix(base, imp.path);
      const manifest = manifests.get(dir === '' ? 'package.json' : `${dir}/package.json`);
      const gi: GraphImporter = { dir: dir === '' ? '.' : dir, lockfile: lock.file };
      const name = imp.name ?? manifest?.name;
      const version = imp.version ?? manifest?.version;
      if (name !== undefined) gi.name = name;
      if (version !== undefined) gi.version = version;
      importers.push(gi);
      for (const e of imp.dependencies) addEdge(importerId(dir), e);
      if (
        parser.checksManifestSync !== true &&
        lock.format !== 'package-json' &&
        manifest !== undefined
      ) {
        checkInSync(lock, imp, manifest, problems);
      }
    }
    lockfiles.push({
      file: lock.file,
      format: lock.format,
      formatVersion: lock.formatVersion,
      parser: parser.id,
      parserVersion: parser.version,
      entries: lock.packages.length,
      importers: lock.importers.length,
    });
  }
  const sortedPackages = [...packages.values()].sort(
    (a, b) =>
      cmp(a.name, b.name) ||
      cmp(a.version, b.version) ||
      cmp(a.source, b.source) ||
      cmp(a.id, b.id),
  );
  for (const p of sortedPackages) p.locations.sort((a, b) => cmp(a.file, b.file));
  return {
    packages: sortedPackages,
    importers: importers.sort((a, b) => cmp(a.lockfile, b.lockfile) || cmp(a.dir, b.dir)),
    edges: [...edges.values()],
    lockfiles: lockfiles.sort((a, b) => cmp(a.file, b.file)),
    problems: dedupeProblems(problems).sort(compareProblems),
  };
}

/**
 * A dependency in an importer's package.json that the lockfile does not list (or lists under
 * another spec) means the lockfile is stale: what gets installed differs from what is scanned.
 */
function checkInSync(
  lock: ParsedLockfile,
  imp: ParsedLockfile['importers'][number],
  manifest: Manifest,
  problems: Problem[],
): void {
  const inLock = new Map<string, string>();
  for (const e of imp.dependencies) inLock.set(e.name, e.spec);
  for (const field of DEPENDENCY_FIELDS) {
    if (field === 'peerDependencies') continue; // not installed for the importer itself by every manager
    for (const [name, spec] of Object.entries(manifest[field])) {
      const locked = inLock.get(name);
      if (locked === undefined) {
        problems.push(
          problem(
            'lockfile-out-of-sync',
            'warning',
            `${field}.${name} (${spec}) is in package.json but not in ${lock.file}`,
            {
              file: manifest.path,
              hint: "Run your package manager's install to update the lockfile, then scan again.",
            },
          ),
        );
      }
    }
  }
}

function dedupeProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.code}\0${p.file ?? ''}\0${p.line ?? ''}\0${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
