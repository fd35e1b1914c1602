/**
 * One benchmark subject on one lockfile, in a process of its own (fresh heap, honest cold start).
 *
 * The parent (run.ts) starts `node --expose-gc worker.js '<WorkerArgs as JSON>'` from a
 * transpiled copy, so no TypeScript loader sits in the child's module loading. Each child
 * loads the subject (imports the module, reads the lockfile and package.json texts) and runs
 * it once; then, by mode:
 * - `time`: prints FIRST_MARK right after the first run (the parent's clock from spawn to that
 *   line is the "cold" time: process start, module load, file read, first call), warms up
 *   (a few runs, bounded in time), then times runs until `runs` are done or `budgetMs` is
 *   spent (at least MIN_RUNS);
 * - `heap` (started with a 1 MB young generation, see run.ts): warms up, then gc(), reads
 *   heapUsed, switches V8's GC trace on, runs once, reads heapUsed with the result still
 *   referenced, switches the trace off, gc() again for the retained size. The parent reads the
 *   trace lines (each gives the heap size just before a collection) and takes the largest of
 *   those and the final heapUsed, minus the base: the peak heap of one parse, input excluded.
 * Both end with RESULT_MARK and a WorkerResult; a subject that throws yields
 * `{ ok: false, error }`, which the parent puts in the row.
 *
 * Peers are required from their own folders under bench/peers and typed here by the little of
 * their API that is used; only the `yaml` floor, our own runtime dependency, comes from the
 * repository's node_modules.
 */
import { readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import type * as Ours from './ours.js';
import {
  FIRST_MARK,
  RESULT_MARK,
  type BenchFile,
  type SubjectId,
  type WorkerArgs,
  type WorkerResult,
} from './plan.js';

const MIN_RUNS = 3;
/** Warm-up stops after this long even if fewer than `warmup` runs were made. */
const WARMUP_BUDGET_MS = 3000;

interface Runner {
  run: () => unknown;
  count: (result: unknown) => number;
  note?: string;
}

interface Inputs {
  args: WorkerArgs;
  text: string;
  /** Root package.json text. */
  rootManifest: string;
  /** Every package.json text of the case (root first). */
  allManifests: string[];
}

// ---------- peer APIs (only what is called) ----------

interface DepGraphLike {
  getPkgs(): { name: string; version?: string }[];
  rootPkg: { name: string; version?: string };
}

interface SnykOptions {
  includeDevDeps: boolean;
  includeOptionalDeps: boolean;
  includePeerDeps?: boolean;
  strictOutOfSync: boolean;
  pruneCycles?: boolean;
  pruneLevel?: string;
  pruneWithinTopLevelDeps?: boolean;
}

interface SnykModule {
  parseNpmLockV2Project(pkgJson: string, lock: string, o: SnykOptions): Promise<DepGraphLike>;
  buildDepTree(
    pkgJson: string,
    lock: string,
    includeDev: boolean,
    type: string,
    strict: boolean,
  ): Promise<PkgTreeLike>;
  parseYarnLockV1Project(pkgJson: string, lock: string, o: SnykOptions): Promise<DepGraphLike>;
  parseYarnLockV1WorkspaceProject(
    lock: string,
    pkgJsons: string[],
    o: SnykOptions,
  ): Promise<DepGraphLike[]>;
  parseYarnLockV2Project(pkgJson: string, lock: string, o: SnykOptions): Promise<DepGraphLike>;
  parsePnpmProject(pkgJson: string, lock: string, o: SnykOptions): Promise<DepGraphLike>;
  parsePnpmWorkspace(
    root: string,
    dir: string,
    o: SnykOptions,
  ): Promise<{ depGraph: DepGraphLike }[]>;
  extractPkgsFromYarnLockV1(lock: string): Record<string, unknown>;
  extractPkgsFromYarnLockV2(lock: string): Record<string, unknown>;
  getPnpmLockfileParser(lock: string): { extractPackages(): Record<string, unknown> };
}

interface PkgTreeLike {
  name?: string;
  version?: string;
  dependencies?: Record<string, PkgTreeLike>;
}

type ArboristCtor = new (opts: { path: string }) => {
  loadVirtual(): Promise<{ inventory: Map<string, unknown> }>;
};

interface PnpmReader {
  readWantedLockfile(
    dir: string,
    opts: { ignoreIncompatible: boolean },
  ): Promise<{ packages?: object } | null>;
}

// Snyk's CLI defaults with dev dependencies included (`snyk test --dev`).
const SNYK_OPTIONS: SnykOptions = {
  includeDevDeps: true,
  includeOptionalDeps: true,
  includePeerDeps: false,
  strictOutOfSync: false,
  pruneCycles: true,
  pruneLevel: 'cycles',
  pruneWithinTopLevelDeps: true,
};

// ---------- counting ----------

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Entries of a map-shaped result; values shared by several keys (yarn descriptors) count once. */
function countDistinctValues(map: unknown, skipKeys: readonly string[] = []): number {
  if (!isObject(map)) return 0;
  const seen = new Set<unknown>();
  let primitives = 0;
  for (const [key, value] of Object.entries(map)) {
    if (skipKeys.includes(key)) continue;
    if (isObject(value)) seen.add(value);
    else primitives++;
  }
  return seen.size + primitives;
}

/** npm lockfile entries: `packages` minus the root (v2/v3), or the nested `dependencies` tree (v1). */
function countNpmEntries(lock: unknown): number {
  if (!isObject(lock)) return 0;
  if (isObject(lock.packages)) return Object.keys(lock.packages).filter((k) => k !== '').length;
  let count = 0;
  const walk = (deps: unknown, depth: number): void => {
    if (!isObject(deps) || depth > 1000) return;
    for (const entry of Object.values(deps)) {
      count++;
      if (isObject(entry)) walk(entry.dependencies, depth + 1);
    }
  };
  walk(lock.dependencies, 0);
  return count;
}

function countYamlEntries(doc: unknown, family: BenchFile['family']): number {
  if (!isObject(doc)) return 0;
  return family === 'pnpm'
    ? countDistinctValues(doc.packages)
    : countDistinctValues(doc, ['__metadata']);
}

/** Distinct name@version over dep graphs, their roots excluded. */
function countGraphPkgs(graphs: readonly DepGraphLike[]): number {
  const roots = new Set(graphs.map((g) => `${g.rootPkg.name}@${g.rootPkg.version ?? ''}`));
  const ids = new Set<string>();
  for (const graph of graphs) {
    for (const pkg of graph.getPkgs()) {
      const id = `${pkg.name}@${pkg.version ?? ''}`;
      if (!roots.has(id)) ids.add(id);
    }
  }
  return ids.size;
}

/** Distinct name@version in a legacy Snyk PkgTree (subtrees may repeat; each node object is walked once). */
function countTreePkgs(tree: PkgTreeLike): number {
  const ids = new Set<string>();
  const seen = new Set<PkgTreeLike>();
  const stack: PkgTreeLike[] = Object.values(tree.dependencies ?? {});
  while (stack.length > 0) {
    const node = stack.pop() as PkgTreeLike;
    if (seen.has(node)) continue;
    seen.add(node);
    ids.add(`${node.name ?? ''}@${node.version ?? ''}`);
    stack.push(...Object.values(node.dependencies ?? {}));
  }
  return ids.size;
}

// ---------- subjects ----------

function peerRequire(inputs: Inputs, group: string): NodeJS.Require {
  return createRequire(join(inputs.args.peersDir, group, 'package.json'));
}

function snyk(inputs: Inputs): SnykModule {
  return peerRequire(inputs, 'snyk')('snyk-nodejs-lockfile-parser') as SnykModule;
}

function snykGraph(inputs: Inputs): Runner {
  const lib = snyk(inputs);
  const { file, copyDir } = inputs.args;
  const { text, rootManifest } = inputs;
  const one = (g: unknown): number => countGraphPkgs([g as DepGraphLike]);
  switch (file.family) {
    case 'npm':
      if (file.version === '1') {
        return {
          run: () => lib.buildDepTree(rootManifest, text, true, 'npm', false),
          count: (t) => countTreePkgs(t as PkgTreeLike),
        };
      }
      return { run: () => lib.parseNpmLockV2Project(rootManifest, text, SNYK_OPTIONS), count: one };
    case 'yarn-v1':
      if (file.workspaces) {
        return {
          run: () => lib.parseYarnLockV1WorkspaceProject(text, inputs.allManifests, SNYK_OPTIONS),
          count: (gs) => countGraphPkgs(gs as DepGraphLike[]),
        };
      }
      return {
        run: () => lib.parseYarnLockV1Project(rootManifest, text, SNYK_OPTIONS),
        count: one,
      };
    case 'yarn-berry':
      // Snyk builds one workspace per call, re-parsing the lockfile each time; the root's graph
      // is the cheapest honest stand-in (a lower bound of its cost on a workspace lockfile).
      return {
        run: () => lib.parseYarnLockV2Project(rootManifest, text, SNYK_OPTIONS),
        count: one,
        note: file.workspaces ? 'root workspace only' : undefined,
      };
    case 'pnpm':
      if (file.workspaces) {
        return {
          run: () => lib.parsePnpmWorkspace(copyDir, copyDir, SNYK_OPTIONS),
          count: (ps) =>
            countGraphPkgs((ps as { depGraph: DepGraphLike }[]).map((p) => p.depGraph)),
          note: 'reads dir',
        };
      }
      return { run: () => lib.parsePnpmProject(rootManifest, text, SNYK_OPTIONS), count: one };
  }
}

function snykFlat(inputs: Inputs): Runner {
  const { file } = inputs.args;
  const { text } = inputs;
  const count = (r: unknown): number => countDistinctValues(r, ['']);
  switch (file.family) {
    case 'npm': {
      // Not re-exported from the package root; the package has no `exports` map, so the
      // deep path is a public one.
      const mod = peerRequire(
        inputs,
        'snyk',
      )('snyk-nodejs-lockfile-parser/dist/dep-graph-builders/npm-lock-v2') as {
        extractPkgsFromNpmLockV2(lock: string): Record<string, unknown>;
      };
      return { run: () => mod.extractPkgsFromNpmLockV2(text), count };
    }
    case 'yarn-v1': {
      const lib = snyk(inputs);
      return { run: () => lib.extractPkgsFromYarnLockV1(text), count };
    }
    case 'yarn-berry': {
      const lib = snyk(inputs);
      return { run: () => lib.extractPkgsFromYarnLockV2(text), count };
    }
    case 'pnpm': {
      const lib = snyk(inputs);
      return { run: () => lib.getPnpmLockfileParser(text).extractPackages(), count };
    }
  }
}

function pnpmReader(inputs: Inputs, group: string, name: string): Runner {
  const lib = peerRequire(inputs, group)(name) as PnpmReader;
  const dir = inputs.args.copyDir;
  return {
    run: () => lib.readWantedLockfile(dir, { ignoreIncompatible: false }),
    count: (lockfile) => countDistinctValues((lockfile as { packages?: object } | null)?.packages),
    note: 'reads dir',
  };
}

async function loadSubject(id: SubjectId, inputs: Inputs): Promise<Runner> {
  const { file } = inputs.args;
  const { text } = inputs;
  switch (id) {
    case 'json-parse':
      return { run: () => JSON.parse(text) as unknown, count: countNpmEntries };
    case 'yaml': {
      const YAML = await import('yaml');
      return {
        run: () => YAML.parse(text) as unknown,
        count: (doc) => countYamlEntries(doc, file.family),
      };
    }
    case 'js-yaml': {
      const jsYaml = peerRequire(inputs, 'yarnpkg')('js-yaml') as { load(text: string): unknown };
      return { run: () => jsYaml.load(text), count: (doc) => countYamlEntries(doc, file.family) };
    }
    case 'arborist': {
      const Arborist = peerRequire(inputs, 'arborist')('@npmcli/arborist') as ArboristCtor;
      const path = inputs.args.copyDir;
      return {
        run: () => new Arborist({ path }).loadVirtual(),
        count: (tree) => (tree as { inventory: Map<string, unknown> }).inventory.size - 1,
        note: 'reads dir',
      };
    }
    case 'snyk-graph':
      return snykGraph(inputs);
    case 'snyk-flat':
      return snykFlat(inputs);
    case 'yarnpkg-lockfile': {
      const lib = peerRequire(inputs, 'yarnpkg')('@yarnpkg/lockfile') as {
        parse(text: string): { object: unknown };
      };
      return {
        run: () => lib.parse(text),
        count: (r) => countDistinctValues((r as { object: unknown }).object),
      };
    }
    case 'yarnpkg-parsers': {
      const lib = peerRequire(inputs, 'yarnpkg')('@yarnpkg/parsers') as {
        parseSyml(text: string): unknown;
      };
      return {
        run: () => lib.parseSyml(text),
        count: (r) => countDistinctValues(r, ['__metadata']),
      };
    }
    case 'pnpm-lockfile-file':
      return pnpmReader(inputs, 'pnpm-lockfile-file', '@pnpm/lockfile-file');
    case 'pnpm-lockfile-fs':
      return pnpmReader(inputs, 'pnpm-lockfile-fs', '@pnpm/lockfile.fs');
    case 'ours-graph':
    case 'ours-parse': {
      const ours = (await import(inputs.args.oursModule)) as typeof Ours;
      const manifests = ours.loadManifests(inputs.args.caseDir);
      const name = basename(inputs.args.lockfilePath);
      return id === 'ours-graph'
        ? ours.oursGraph(name, text, manifests)
        : ours.oursParseOnly(name, text, manifests);
    }
  }
}

// ---------- measurement ----------

function readInputs(args: WorkerArgs): Inputs {
  const text = readFileSync(args.lockfilePath, 'utf8').replace(/^\uFEFF/, '');
  const rootManifest = readFileSync(join(args.caseDir, 'package.json'), 'utf8');
  const allManifests = [rootManifest];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name === 'node_modules') continue;
      const full = join(dir, name);
      if (statSync(full).isDirectory()) {
        walk(full);
        const manifest = join(full, 'package.json');
        try {
          if (statSync(manifest).isFile()) allManifests.push(readFileSync(manifest, 'utf8'));
        } catch {
          // a folder without package.json
        }
      }
    }
  };
  walk(args.caseDir);
  return { args, text, rootManifest, allManifests };
}

/** Results land here so that no run can be optimised away; slot 0 is overwritten each run. */
const sink: unknown[] = [undefined];

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('worker must run with --expose-gc');
  collect();
  collect();
}

function print(line: string): void {
  writeSync(1, `${line}\n`);
}

async function firstRun(runner: Runner): Promise<{ firstMs: number; packages: number }> {
  const start = performance.now();
  const result = await runner.run();
  const firstMs = performance.now() - start;
  print(`${FIRST_MARK}${firstMs}`);
  return { firstMs, packages: runner.count(result) };
}

async function warmUp(runner: Runner, runs: number): Promise<number> {
  let done = 0;
  const start = performance.now();
  while (done < runs && performance.now() - start < WARMUP_BUDGET_MS) {
    sink[0] = await runner.run();
    done++;
  }
  sink[0] = undefined;
  return done;
}

/** One run with V8's GC trace on (the parent reads it); heapUsed around it, the result kept alive. */
async function heapRun(runner: Runner): Promise<{ base: number; after: number; retained: number }> {
  gc();
  const base = process.memoryUsage().heapUsed;
  v8.setFlagsFromString('--trace-gc');
  const result = await runner.run();
  const after = process.memoryUsage().heapUsed;
  v8.setFlagsFromString('--no-trace-gc');
  gc();
  const retained = process.memoryUsage().heapUsed - base;
  sink[0] = result; // read after the gc, so the result was reachable during it
  sink[0] = undefined;
  return { base, after, retained };
}

async function timedRuns(runner: Runner, runs: number, budgetMs: number): Promise<number[]> {
  const timesMs: number[] = [];
  const start = performance.now();
  while (
    timesMs.length < MIN_RUNS ||
    (timesMs.length < runs && performance.now() - start < budgetMs)
  ) {
    const runStart = performance.now();
    sink[0] = await runner.run();
    timesMs.push(performance.now() - runStart);
  }
  sink[0] = undefined;
  return timesMs;
}

async function measure(args: WorkerArgs): Promise<WorkerResult> {
  const loadStart = performance.now();
  const inputs = readInputs(args);
  const runner = await loadSubject(args.subject, inputs);
  const loadMs = performance.now() - loadStart;
  const { firstMs, packages } = await firstRun(runner);
  if (args.mode === 'heap') {
    // Warm up as the timing process does, so that the JIT has mostly settled: code it
    // compiles during the measured run is heap too, and noise here.
    await warmUp(runner, args.warmup);
    const heap = await heapRun(runner);
    return {
      ok: true,
      packages,
      heapBaseBytes: heap.base,
      heapAfterBytes: heap.after,
      retainedBytes: heap.retained,
    };
  }
  const warmupRuns = await warmUp(runner, args.warmup);
  const timesMs = await timedRuns(runner, args.runs, args.budgetMs);
  return {
    ok: true,
    loadMs,
    firstMs,
    timesMs,
    warmupRuns,
    packages,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    note: runner.note,
  };
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;
  const result = await measure(args).catch((error: unknown): WorkerResult => {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: message.split('\n')[0]?.slice(0, 200) ?? 'unknown error' };
  });
  print(`${RESULT_MARK}${JSON.stringify(result)}`);
}

await main();
