/**
 * What the lockfile benchmark measures: which corpus lockfiles, and which subjects read them.
 *
 * Files are the largest corpus lockfile of each format and version (the corpus lives beside the
 * repository in ../shared/corpus/lockfiles). Subjects come in four kinds, so that every row
 * can be compared with the right thing:
 * - `floor`: the raw syntax parser alone (JSON.parse, a YAML parser); nothing real can be faster
 *   than reading the syntax, so it shows how close to the floor a parser is;
 * - `graph`: established dependency-graph builders (npm's own arborist, Snyk's dep-graph
 *   builders), the peers that do what depwarden does;
 * - `flat`: established flat listers (the package managers' own lockfile readers, Snyk's package
 *   extractors), which only list entries and build no graph;
 * - `ours`: depwarden's full per-lockfile path (parse + graph with dev/optional flags), and its
 *   parser alone.
 * This module is shared by the parent (run.ts) and the child (worker.ts), so it imports nothing.
 */

export type Family = 'npm' | 'yarn-v1' | 'yarn-berry' | 'pnpm';

export interface BenchFile {
  /** Short id used by `--only` and in results.json, e.g. `npm-v3`. */
  id: string;
  family: Family;
  /** `lockfileVersion` / `__metadata.version` / pnpm `lockfileVersion` as written. */
  version: string;
  /** Corpus case folder name. */
  caseName: string;
  /** Lockfile name inside the case folder. */
  lockfile: string;
  /** The case has workspace package.json files besides the root one. */
  workspaces: boolean;
}

export const BENCH_FILES: readonly BenchFile[] = [
  {
    id: 'npm-v3',
    family: 'npm',
    version: '3',
    caseName: 'npm-v3-npmcli-2024',
    lockfile: 'package-lock.json',
    workspaces: true,
  },
  {
    id: 'npm-v2',
    family: 'npm',
    version: '2',
    caseName: 'npm-v2-snyk-alias-transitive',
    lockfile: 'package-lock.json',
    workspaces: false,
  },
  {
    id: 'npm-v1',
    family: 'npm',
    version: '1',
    caseName: 'npm-v1-npmcli-2020',
    lockfile: 'package-lock.json',
    workspaces: false,
  },
  {
    id: 'yarn-v1',
    family: 'yarn-v1',
    version: '1',
    caseName: 'yarn-v1-excalidraw-2026',
    lockfile: 'yarn.lock',
    workspaces: true,
  },
  {
    id: 'yarn-berry-v8',
    family: 'yarn-berry',
    version: '8',
    caseName: 'yarn-berry-v8-babel-2026',
    lockfile: 'yarn.lock',
    workspaces: true,
  },
  {
    id: 'yarn-berry-v10',
    family: 'yarn-berry',
    version: '10',
    caseName: 'yarn-berry-v10-babel-2026',
    lockfile: 'yarn.lock',
    workspaces: true,
  },
  {
    id: 'pnpm-9',
    family: 'pnpm',
    version: '9.0',
    caseName: 'pnpm-9.0-pnpm-many-deps',
    lockfile: 'pnpm-lock.yaml',
    workspaces: false,
  },
  {
    id: 'pnpm-6',
    family: 'pnpm',
    version: '6.0',
    caseName: 'pnpm-6.0-vue-2024',
    lockfile: 'pnpm-lock.yaml',
    workspaces: true,
  },
  {
    id: 'pnpm-5',
    family: 'pnpm',
    version: '5.3',
    caseName: 'pnpm-5.3-vue-2022',
    lockfile: 'pnpm-lock.yaml',
    workspaces: true,
  },
];

export type SubjectKind = 'floor' | 'graph' | 'flat' | 'ours';

/** Folders under bench/peers/, each with its own package.json and package-lock.json. */
export type PeerGroup = 'arborist' | 'yarnpkg' | 'pnpm-lockfile-file' | 'pnpm-lockfile-fs' | 'snyk';

export const PEER_GROUPS: readonly PeerGroup[] = [
  'arborist',
  'yarnpkg',
  'pnpm-lockfile-file',
  'pnpm-lockfile-fs',
  'snyk',
];

export type SubjectId =
  | 'json-parse'
  | 'yaml'
  | 'js-yaml'
  | 'arborist'
  | 'snyk-graph'
  | 'snyk-flat'
  | 'yarnpkg-lockfile'
  | 'yarnpkg-parsers'
  | 'pnpm-lockfile-file'
  | 'pnpm-lockfile-fs'
  | 'ours-graph'
  | 'ours-parse';

export interface Subject {
  id: SubjectId;
  kind: SubjectKind;
  /** The peer folder it needs; absent for subjects that use only the repository's own deps. */
  peer?: PeerGroup;
  appliesTo(file: BenchFile): boolean;
  /** What is called, for the table. */
  label(file: BenchFile): string;
}

function snykGraphLabel(file: BenchFile): string {
  switch (file.family) {
    case 'npm':
      return file.version === '1' ? 'snyk buildDepTree' : 'snyk parseNpmLockV2Project';
    case 'yarn-v1':
      return file.workspaces
        ? 'snyk parseYarnLockV1WorkspaceProject'
        : 'snyk parseYarnLockV1Project';
    case 'yarn-berry':
      return 'snyk parseYarnLockV2Project (root)';
    case 'pnpm':
      return file.workspaces ? 'snyk parsePnpmWorkspace' : 'snyk parsePnpmProject';
  }
}

function snykFlatLabel(file: BenchFile): string {
  switch (file.family) {
    case 'npm':
      return 'snyk extractPkgsFromNpmLockV2';
    case 'yarn-v1':
      return 'snyk extractPkgsFromYarnLockV1';
    case 'yarn-berry':
      return 'snyk extractPkgsFromYarnLockV2';
    case 'pnpm':
      return 'snyk getPnpmLockfileParser().extractPackages';
  }
}

const isYamlFamily = (file: BenchFile): boolean =>
  file.family === 'yarn-berry' || file.family === 'pnpm';

/** Every subject, in table order: floors, graph builders, flat listers, ours. */
export const SUBJECTS: readonly Subject[] = [
  {
    id: 'json-parse',
    kind: 'floor',
    appliesTo: (f) => f.family === 'npm',
    label: () => 'JSON.parse',
  },
  { id: 'yaml', kind: 'floor', appliesTo: isYamlFamily, label: () => 'yaml parse (eemeli/yaml 2)' },
  {
    id: 'js-yaml',
    kind: 'floor',
    peer: 'yarnpkg',
    appliesTo: isYamlFamily,
    label: () => 'js-yaml load',
  },
  {
    id: 'arborist',
    kind: 'graph',
    peer: 'arborist',
    appliesTo: (f) => f.family === 'npm',
    label: () => '@npmcli/arborist loadVirtual',
  },
  { id: 'snyk-graph', kind: 'graph', peer: 'snyk', appliesTo: () => true, label: snykGraphLabel },
  {
    id: 'snyk-flat',
    kind: 'flat',
    peer: 'snyk',
    // Snyk has no flat lister for npm lockfileVersion 1 (only the legacy tree builder).
    appliesTo: (f) => !(f.family === 'npm' && f.version === '1'),
    label: snykFlatLabel,
  },
  {
    id: 'yarnpkg-lockfile',
    kind: 'flat',
    peer: 'yarnpkg',
    appliesTo: (f) => f.family === 'yarn-v1',
    label: () => '@yarnpkg/lockfile parse',
  },
  {
    id: 'yarnpkg-parsers',
    kind: 'flat',
    peer: 'yarnpkg',
    appliesTo: (f) => f.family === 'yarn-v1' || f.family === 'yarn-berry',
    label: () => '@yarnpkg/parsers parseSyml',
  },
  {
    id: 'pnpm-lockfile-file',
    kind: 'flat',
    peer: 'pnpm-lockfile-file',
    appliesTo: (f) => f.family === 'pnpm',
    label: () => '@pnpm/lockfile-file readWantedLockfile',
  },
  {
    id: 'pnpm-lockfile-fs',
    kind: 'flat',
    peer: 'pnpm-lockfile-fs',
    // 1001.x reads lockfile 9.0 only (see lockfile-formats.md §3.1).
    appliesTo: (f) => f.family === 'pnpm' && f.version.startsWith('9'),
    label: () => '@pnpm/lockfile.fs readWantedLockfile',
  },
  { id: 'ours-graph', kind: 'ours', appliesTo: () => true, label: () => 'depwarden parse + graph' },
  { id: 'ours-parse', kind: 'ours', appliesTo: () => true, label: () => 'depwarden parse only' },
];

/** Subjects that read the snapshot from a folder themselves (their timings include file reads). */
export const READS_FILES: ReadonlySet<SubjectId> = new Set<SubjectId>([
  'arborist',
  'pnpm-lockfile-file',
  'pnpm-lockfile-fs',
]);

/** The arguments the parent hands a worker (as one JSON argv entry). */
export interface WorkerArgs {
  subject: SubjectId;
  /** `time`: cold start and timed runs; `heap`: one heap-traced run (see worker.ts). */
  mode: 'time' | 'heap';
  file: BenchFile;
  /** Absolute path of the lockfile (in the read-only corpus). */
  lockfilePath: string;
  /** Absolute path of the case folder (read-only: package.json files are read from here). */
  caseDir: string;
  /** A scratch copy of the case's snapshot files, for peers that read a folder themselves. */
  copyDir: string;
  /** Absolute path of bench/peers. */
  peersDir: string;
  /** file: URL of the compiled bench/lockfiles/ours.js. */
  oursModule: string;
  runs: number;
  warmup: number;
  /** Stop timed runs after this many ms (at least `MIN_RUNS` runs are always made). */
  budgetMs: number;
}

/** Lines the worker prints on stdout; everything else there is V8's GC trace. */
export const FIRST_MARK = '@@first ';
export const RESULT_MARK = '@@result ';

export interface WorkerResult {
  ok: boolean;
  error?: string;
  /** Module import + input preparation, in-child (time mode). */
  loadMs?: number;
  /** The first (cold) call, in-child. */
  firstMs?: number;
  /** Timed runs after warm-up. */
  timesMs?: number[];
  warmupRuns?: number;
  packages?: number;
  /** heapUsed after gc() before the heap run (input text and modules already loaded). */
  heapBaseBytes?: number;
  /** heapUsed right after the heap run, result still referenced, no gc. */
  heapAfterBytes?: number;
  /** heapUsed after gc() with the result still referenced, minus the base. */
  retainedBytes?: number;
  /** process.resourceUsage().maxRSS, converted to bytes. */
  maxRssBytes?: number;
  note?: string;
}
