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
  LockEdge,
  LockImporter,
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
  return buildGraphFromText(lockfileTexts(files, problems), manifests, problems);
}

function lockfileTexts(
  files: readonly SnapshotFileInput[],
  problems: Problem[],
): { path: string; text: string }[] {
  return files
    .filter((f) => LOCKFILE_NAMES.includes(baseName(f.path)))
    .map((f) => ({ path: f.path, text: decode(f, problems) }));
}

/**
 * `buildGraph` with a step between parsing and merging: `transform` may replace each parsed
 * lockfile (the scan resolves a package.json-only project's ranges against the registry here,
 * so the resolved tree gets the same flag walk and dedup as a real lockfile).
 */
export async function buildGraphWith(
  files: readonly SnapshotFileInput[],
  transform: (lock: ParsedLockfile) => Promise<ParsedLockfile>,
): Promise<DependencyGraph> {
  const problems: Problem[] = [];
  const manifests = readManifests(files, problems);
  const parsed = parseAll(lockfileTexts(files, problems), manifests, problems);
  for (const entry of parsed) entry.lock = await transform(entry.lock);
  return mergeLockfiles(parsed, manifests, problems);
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
  return mergeLockfiles(parseAll(lockfileTexts, manifests, problems), manifests, problems);
}

function parseAll(
  lockfileTexts: readonly { path: string; text: string }[],
  manifests: ReadonlyMap<string, Manifest>,
  problems: Problem[],
): ParsedWith[] {
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
  return parsed;
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

const KIND_CODE = { prod: 0, dev: 1, optional: 2, peer: 3 } as const satisfies Record<
  LockEdge['kind'],
  number
>;

/** Graph id of an importer: `importer:<snapshot-relative dir>`, `importer:.` for the root. */
export function importerId(dir: string): string {
  return `${EDGE_TO_IMPORTER}${dir === '' ? '.' : dir}`;
}

/**
 * One lockfile's package edges in compressed sparse rows: the edges of entry i are
 * `offsets[i]` to `offsets[i + 1]`, each with its target entry (-1 when the target is an
 * importer or not in the lockfile), its kind code and an optional-peer bit. Targets are
 * looked up in the key index once here, so the three walks and the edge projection touch
 * only typed arrays.
 */
interface EdgeRows {
  offsets: Int32Array;
  target: Int32Array;
  kind: Uint8Array;
}

const OPTIONAL_BIT = 4;

function edgeRows(lock: ParsedLockfile, index: Map<string, number>): EdgeRows {
  const n = lock.packages.length;
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    offsets[i] = total;
    total += (lock.packages[i] as LockPackage).dependencies.length;
  }
  offsets[n] = total;
  const target = new Int32Array(total);
  const kind = new Uint8Array(total);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (const e of (lock.packages[i] as LockPackage).dependencies) {
      target[k] = e.target === undefined ? -1 : (index.get(e.target) ?? -1);
      kind[k] = KIND_CODE[e.kind] | (e.optional === true ? OPTIONAL_BIT : 0);
      k++;
    }
  }
  return { offsets, target, kind };
}

interface Reach {
  any: Uint8Array;
  prod: Uint8Array;
  required: Uint8Array;
  direct: Uint8Array;
}

/** Breadth-first marking from `starts` along the edges whose kind byte `follow` accepts. */
function visit(
  rows: EdgeRows,
  set: Uint8Array,
  starts: readonly number[],
  follow: (kind: number) => boolean,
): void {
  const queue: number[] = [];
  for (const s of starts) {
    if (set[s] === 0) {
      set[s] = 1;
      queue.push(s);
    }
  }
  const { offsets, target, kind } = rows;
  for (let q = 0; q < queue.length; q++) {
    const i = queue[q] as number;
    for (let k = offsets[i] as number, end = offsets[i + 1] as number; k < end; k++) {
      const t = target[k] as number;
      if (t >= 0 && set[t] === 0 && follow(kind[k] as number)) {
        set[t] = 1;
        queue.push(t);
      }
    }
  }
}

const DEV = KIND_CODE.dev;
const OPTIONAL = KIND_CODE.optional;
const PEER = KIND_CODE.peer;

/**
 * Walks one lockfile's edges from all its importers. Three sets: reachable at all, reachable
 * through non-dev edges (else dev), reachable through non-optional edges (else optional).
 */
function walk(lock: ParsedLockfile, index: Map<string, number>, rows: EdgeRows): Reach {
  const n = lock.packages.length;
  const reach: Reach = {
    any: new Uint8Array(n),
    prod: new Uint8Array(n),
    required: new Uint8Array(n),
    direct: new Uint8Array(n),
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
      if (edge.kind !== 'optional' && !(edge.kind === 'peer' && edge.optional === true)) {
        starts.required.push(t);
      }
    }
  }
  visit(rows, reach.any, starts.any, () => true);
  visit(rows, reach.prod, starts.prod, (k) => (k & 3) !== DEV);
  visit(
    rows,
    reach.required,
    starts.required,
    (k) => (k & 3) !== OPTIONAL && k !== (PEER | OPTIONAL_BIT),
  );
  return reach;
}

function packageId(pkg: LockPackage): string {
  const base = `${pkg.source}:${pkg.name}@${pkg.version}`;
  return pkg.version === '' && pkg.resolved !== undefined ? `${base}#${pkg.resolved}` : base;
}

/** One lockfile after the first pass: its entries mapped to graph packages. */
interface LockState {
  parser: LockfileParser;
  lock: ParsedLockfile;
  base: string;
  index: Map<string, number>;
  rows: EdgeRows;
  /** Graph package index of each entry: install locations and peer variants share one. */
  gidx: Int32Array;
}

/**
 * Merges parsed lockfiles into one graph, in two passes: first every entry of every lockfile
 * becomes (or joins) a graph package with its flags, then edges are projected onto graph
 * packages. Edges need deduplication only where several entries share one graph package,
 * which the first pass has counted by then. Exposed for tests with hand-built parser output.
 */
export function mergeLockfiles(
  parsed: ParsedWith[],
  manifests: ReadonlyMap<string, Manifest>,
  problems: Problem[] = [],
): DependencyGraph {
  const builder = new GraphBuilder(problems);
  const states = parsed.map(({ parser, lock }) => builder.addPackages(parser, lock));
  for (const state of states) builder.addEdges(state, manifests);
  return builder.finish();
}

class GraphBuilder {
  private readonly byId = new Map<string, number>();
  private readonly packages: GraphPackage[] = [];
  /** Lock entries behind each graph package; edges of packages with one entry need no dedup. */
  private readonly entryCounts: number[] = [];
  private readonly importers: GraphImporter[] = [];
  private readonly edges: GraphEdge[] = [];
  private readonly lockfiles: LockfileSummary[] = [];
  /** Dedup keys per graph package (target index, kind, optional), only where needed. */
  private readonly seenNumeric = new Map<number, Set<number>>();
  /** Dedup keys for the rare edges whose name differs from the target's, and importer edges. */
  private readonly seenNamed = new Set<string>();

  constructor(private readonly problems: Problem[]) {}

  addPackages(parser: LockfileParser, lock: ParsedLockfile): LockState {
    this.problems.push(...lock.problems);
    const count = lock.packages.length;
    const index = new Map<string, number>();
    for (let i = 0; i < count; i++) index.set((lock.packages[i] as LockPackage).key, i);
    const rows = edgeRows(lock, index);
    const reach = walk(lock, index, rows);
    let reachable = 0;
    for (let i = 0; i < count; i++) reachable += reach.any[i] as number;
    if (reachable < count && lock.importers.length > 0) {
      this.problems.push(
        problem(
          'lockfile-unreachable-entries',
          'note',
          `${count - reachable} of ${count} entries are not reachable from any importer; their dev/optional flags come from the lockfile`,
          { file: lock.file, hint: 'A fresh install usually prunes such entries.' },
        ),
      );
    }
    const gidx = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const pkg = lock.packages[i] as LockPackage;
      const isReachable = reach.any[i] === 1;
      gidx[i] = this.addPackage(
        lock,
        pkg,
        reach.direct[i] === 1,
        isReachable ? reach.prod[i] === 0 : pkg.stated?.dev === true,
        isReachable ? reach.required[i] === 0 : pkg.stated?.optional === true,
      );
    }
    this.lockfiles.push({
      file: lock.file,
      format: lock.format,
      formatVersion: lock.formatVersion,
      parser: parser.id,
      parserVersion: parser.version,
      entries: count,
      importers: lock.importers.length,
    });
    return { parser, lock, base: dirnamePosix(lock.file), index, rows, gidx };
  }

  private addPackage(
    lock: ParsedLockfile,
    pkg: LockPackage,
    direct: boolean,
    dev: boolean,
    optional: boolean,
  ): number {
    const id = packageId(pkg);
    const at = this.byId.get(id);
    if (at === undefined) {
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
        locations: [locationOf(lock.file, pkg)],
      };
      if (lock.format === 'package-json') gp.unresolved = { range: pkg.resolved ?? '' };
      if (pkg.bundled === true) gp.bundled = true;
      this.byId.set(id, this.packages.length);
      this.entryCounts.push(1);
      return this.packages.push(gp) - 1;
    }
    this.entryCounts[at] = (this.entryCounts[at] as number) + 1;
    const existing = this.packages[at] as GraphPackage;
    existing.direct ||= direct;
    existing.dev &&= dev;
    existing.optional &&= optional;
    existing.resolved ??= pkg.resolved ?? null;
    existing.integrity ??= pkg.integrity ?? null;
    if (pkg.bundled !== true) delete existing.bundled;
    if (pkg.aliases !== undefined) {
      for (const a of pkg.aliases) if (!existing.aliases.includes(a)) existing.aliases.push(a);
    }
    const locations = existing.locations;
    // Entries of one lockfile are added together, so a repeat is always the last location.
    if ((locations[locations.length - 1] as { file: string }).file !== lock.file) {
      locations.push(locationOf(lock.file, pkg));
    }
    return at;
  }

  addEdges(state: LockState, manifests: ReadonlyMap<string, Manifest>): void {
    const { lock, rows, gidx } = state;
    for (let i = 0; i < lock.packages.length; i++) {
      const deps = (lock.packages[i] as LockPackage).dependencies;
      const from = gidx[i] as number;
      const fromId = (this.packages[from] as GraphPackage).id;
      const shared = (this.entryCounts[from] as number) > 1;
      const first = rows.offsets[i] as number;
      for (let d = 0; d < deps.length; d++) {
        const e = deps[d] as LockEdge;
        if (e.target === undefined) continue;
        const t = rows.target[first + d] as number;
        if (t < 0) {
          if (e.target.startsWith(EDGE_TO_IMPORTER))
            this.pushNamed(fromId, this.importerTarget(state, e.target), e);
          continue;
        }
        const to = gidx[t] as number;
        const toPkg = this.packages[to] as GraphPackage;
        if (e.name !== toPkg.name) {
          this.pushNamed(fromId, toPkg.id, e);
          continue;
        }
        if (shared) {
          const key = to * 8 + (rows.kind[first + d] as number);
          let seen = this.seenNumeric.get(from);
          if (seen === undefined) this.seenNumeric.set(from, (seen = new Set()));
          if (seen.has(key)) continue;
          seen.add(key);
        }
        this.pushEdge(fromId, toPkg.id, e);
      }
    }
    for (const imp of lock.importers) this.addImporter(state, imp, manifests);
  }

  private addImporter(
    state: LockState,
    imp: LockImporter,
    manifests: ReadonlyMap<string, Manifest>,
  ): void {
    const { lock, parser } = state;
    const dir = joinPosix(state.base, imp.path);
    const manifest = manifests.get(dir === '' ? 'package.json' : `${dir}/package.json`);
    const gi: GraphImporter = { dir: dir === '' ? '.' : dir, lockfile: lock.file };
    const name = imp.name ?? manifest?.name;
    const version = imp.version ?? manifest?.version;
    if (name !== undefined) gi.name = name;
    if (version !== undefined) gi.version = version;
    this.importers.push(gi);
    const from = importerId(dir);
    for (const e of imp.dependencies) {
      if (e.target === undefined) continue;
      if (e.target.startsWith(EDGE_TO_IMPORTER)) {
        this.pushNamed(from, this.importerTarget(state, e.target), e);
        continue;
      }
      const t = state.index.get(e.target);
      if (t !== undefined)
        this.pushNamed(from, (this.packages[state.gidx[t] as number] as GraphPackage).id, e);
    }
    if (
      parser.checksManifestSync !== true &&
      lock.format !== 'package-json' &&
      manifest !== undefined
    ) {
      checkInSync(lock, imp, manifest, this.problems);
    }
  }

  private importerTarget(state: LockState, target: string): string {
    return importerId(joinPosix(state.base, target.slice(EDGE_TO_IMPORTER.length)));
  }

  private pushEdge(from: string, to: string, e: LockEdge): void {
    const edge: GraphEdge = { from, to, name: e.name, spec: e.spec, kind: e.kind };
    if (e.optional === true) edge.optional = true;
    this.edges.push(edge);
  }

  private pushNamed(from: string, to: string, e: LockEdge): void {
    const key = `${from}\0${to}\0${e.name}\0${e.kind}\0${e.optional === true}`;
    if (this.seenNamed.has(key)) return;
    this.seenNamed.add(key);
    this.pushEdge(from, to, e);
  }

  finish(): DependencyGraph {
    const packages = sortPackages(this.packages);
    for (const p of packages)
      if (p.locations.length > 1) p.locations.sort((a, b) => cmp(a.file, b.file));
    return {
      packages,
      importers: this.importers.sort((a, b) => cmp(a.lockfile, b.lockfile) || cmp(a.dir, b.dir)),
      edges: this.edges,
      lockfiles: this.lockfiles.sort((a, b) => cmp(a.file, b.file)),
      problems: dedupeProblems(this.problems).sort(compareProblems),
    };
  }
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

/**
 * The packages in comparePackages order. Sorting is a large share of building a big graph, and
 * most of it is string comparison of names, so each name's first characters are packed into a
 * number first: two names whose packed prefixes differ compare as those numbers do (the
 * prefix decides), and only equal prefixes, or a prefix outside ASCII, fall back to strings.
 */
function sortPackages(packages: readonly GraphPackage[]): GraphPackage[] {
  const n = packages.length;
  const keys = new Float64Array(n);
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    keys[i] = namePrefixKey((packages[i] as GraphPackage).name);
    order[i] = i;
  }
  order.sort((i, j) => {
    const a = keys[i] as number;
    const b = keys[j] as number;
    if (a !== b && a >= 0 && b >= 0) return a - b;
    return comparePackages(packages[i] as GraphPackage, packages[j] as GraphPackage);
  });
  const sorted = new Array<GraphPackage>(n);
  for (let i = 0; i < n; i++) sorted[i] = packages[order[i] as number] as GraphPackage;
  return sorted;
}

/** Characters of a name's prefix packed into the key; 6 × 8 bits stays exact in a double. */
const PREFIX_CHARS = 6;

/**
 * The first PREFIX_CHARS UTF-16 units of `name`, each plus one in 8 bits (0 pads a shorter
 * name, so it sorts first as the shorter string does): ordered as the prefixes are. -1 when
 * a unit is outside ASCII and would not fit.
 */
function namePrefixKey(name: string): number {
  let key = 0;
  for (let k = 0; k < PREFIX_CHARS; k++) {
    const c = k < name.length ? name.charCodeAt(k) + 1 : 0;
    if (c > 0x80) return -1;
    key = key * 256 + c;
  }
  return key;
}

/**
 * Name, then version, source and id. Each field is tested with !== first: most pairs differ by
 * name, and one inequality plus one `<` costs less than the two `<` of cmp (sorting is a large
 * share of building a big graph).
 */
function comparePackages(a: GraphPackage, b: GraphPackage): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.version !== b.version) return a.version < b.version ? -1 : 1;
  if (a.source !== b.source) return a.source < b.source ? -1 : 1;
  return a.id === b.id ? 0 : a.id < b.id ? -1 : 1;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function locationOf(file: string, pkg: LockPackage): { file: string; line?: number } {
  return pkg.line === undefined ? { file } : { file, line: pkg.line };
}
