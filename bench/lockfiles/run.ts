/**
 * `npm run bench:lockfiles`: depwarden against the established lockfile readers, on the largest
 * corpus lockfile of each format, in one run. See docs/benchmarks.md for the method and what
 * each column means.
 *
 * Usage: node --import tsx bench/lockfiles/run.ts [--only <format|file id>[,...]] [--runs N]
 *        [--quick] [--no-peers] [--markdown]
 *
 * Each (subject, file) runs in a child process of its own (worker.ts), one after another, so
 * every row has a fresh heap and a real cold start and no two measurements share the CPU.
 * Tables go to stdout (plain; with --markdown, markdown at the end and the plain tables on
 * stderr); progress and peer installation notes go to stderr; everything is also written to
 * bench/lockfiles/results.json.
 */
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir, type as osType, release } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildForChildren } from './build.js';
import { ensurePeers } from './peers.js';
import {
  BENCH_FILES,
  FIRST_MARK,
  PEER_GROUPS,
  RESULT_MARK,
  SUBJECTS,
  type BenchFile,
  type PeerGroup,
  type Subject,
  type WorkerArgs,
  type WorkerResult,
} from './plan.js';
import {
  renderMarkdown,
  renderPlain,
  verdictsFor,
  type FileReport,
  type Machine,
  type Row,
} from './report.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CORPUS_DIR = join(REPO_ROOT, '..', 'shared', 'corpus', 'lockfiles');
const PEERS_DIR = join(REPO_ROOT, 'bench', 'peers');
const RESULTS_PATH = join(REPO_ROOT, 'bench', 'lockfiles', 'results.json');

interface Options {
  only: string[];
  runs: number;
  warmup: number;
  budgetMs: number;
  peers: boolean;
  markdown: boolean;
}

const USAGE = `usage: node --import tsx bench/lockfiles/run.ts [options]
  --only <list>   formats (npm, yarn-v1, yarn-berry, pnpm) or file ids (${BENCH_FILES.map((f) => f.id).join(', ')}), comma-separated
  --runs N        timed runs per subject (default 20; fewer when a subject exceeds its time budget)
  --quick         5 timed runs, 2 warm-up runs, 2 s budget per subject
  --no-peers      measure depwarden and the syntax floors only; never install peers
  --markdown      print the tables as markdown (for docs/benchmarks.md)`;

function parseOptions(argv: readonly string[]): Options {
  const options: Options = {
    only: [],
    runs: 20,
    warmup: 5,
    budgetMs: 10_000,
    peers: true,
    markdown: false,
  };
  let runsGiven: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--only') options.only.push(...(argv[++i] ?? '').split(',').filter(Boolean));
    else if (arg === '--runs') runsGiven = Number(argv[++i]);
    else if (arg === '--quick') Object.assign(options, { runs: 5, warmup: 2, budgetMs: 2000 });
    else if (arg === '--no-peers') options.peers = false;
    else if (arg === '--markdown') options.markdown = true;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else {
      process.stderr.write(`unknown argument ${arg}\n${USAGE}\n`);
      process.exit(2);
    }
  }
  if (runsGiven !== undefined) {
    if (!Number.isInteger(runsGiven) || runsGiven < 1) {
      process.stderr.write(`--runs needs a positive integer\n`);
      process.exit(2);
    }
    options.runs = runsGiven;
  }
  return options;
}

function selectFiles(only: readonly string[]): BenchFile[] {
  if (only.length === 0) return [...BENCH_FILES];
  const unknown = only.filter((o) => !BENCH_FILES.some((f) => f.family === o || f.id === o));
  if (unknown.length > 0) {
    process.stderr.write(`--only: unknown ${unknown.join(', ')}\n${USAGE}\n`);
    process.exit(2);
  }
  return BENCH_FILES.filter((f) => only.includes(f.family) || only.includes(f.id));
}

// ---------- one child ----------

interface ChildOutcome {
  result?: WorkerResult;
  coldMs?: number;
  /** Largest pre-GC heap size in the GC trace of the heap run. */
  traceMaxBytes: number;
  failure?: string;
}

// `[pid:0x…]   123 ms: Scavenge 4.2 (5.5) -> 4.0 (5.5) MB, …` (also Mark-Compact, Mark-Compact (reduce), …)
const GC_TRACE = /\d ms: [^0-9]*(\d+(?:\.\d+)?) \(\d+(?:\.\d+)?\) -> /;

/**
 * V8 flags of the heap child: a young generation fixed at 1 MB, so garbage is collected after
 * every MB allocated and the traced peak follows the live data (within about 1 MB) instead of
 * how long V8 let garbage pile up (its young generation grows to 16 MB semi-spaces by default).
 */
const HEAP_CHILD_FLAGS = ['--min-semi-space-size=1', '--max-semi-space-size=1'];

function runChild(workerPath: string, args: WorkerArgs, timeoutMs: number): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    const outcome: ChildOutcome = { traceMaxBytes: 0 };
    const start = performance.now();
    const flags = ['--expose-gc', ...(args.mode === 'heap' ? HEAP_CHILD_FLAGS : [])];
    const child = spawn(process.execPath, [...flags, workerPath, JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    let stderr = '';
    const onLine = (line: string): void => {
      if (line.startsWith(FIRST_MARK)) outcome.coldMs ??= performance.now() - start;
      else if (line.startsWith(RESULT_MARK))
        outcome.result = JSON.parse(line.slice(RESULT_MARK.length)) as WorkerResult;
      else {
        const gcLine = GC_TRACE.exec(line);
        if (gcLine?.[1] !== undefined) {
          outcome.traceMaxBytes = Math.max(outcome.traceMaxBytes, Number(gcLine[1]) * 1024 * 1024);
        }
      }
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      let newline: number;
      while ((newline = pending.indexOf('\n')) !== -1) {
        onLine(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    const timer = setTimeout(() => {
      outcome.failure = `timed out after ${Math.round(timeoutMs / 1000)} s`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      outcome.failure ??= error.message;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (pending !== '') onLine(pending);
      if (outcome.result === undefined && outcome.failure === undefined) {
        const lastLine = stderr.trim().split('\n').filter(Boolean).pop() ?? '';
        outcome.failure = `worker exited with ${code ?? signal ?? '?'}${lastLine === '' ? '' : `: ${lastLine.slice(0, 200)}`}`;
      }
      resolve(outcome);
    });
  });
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function rowFrom(
  subject: Subject,
  file: BenchFile,
  bytes: number,
  timed: ChildOutcome,
  heap?: ChildOutcome,
): Row {
  const base = { subject: subject.id, label: subject.label(file), kind: subject.kind };
  const result = timed.result;
  if (result === undefined || !result.ok) {
    return { ...base, status: 'error', message: result?.error ?? timed.failure ?? 'no result' };
  }
  const times = [...(result.timesMs ?? [])].sort((a, b) => a - b);
  const medianMs = median(times);
  const row: Row = {
    ...base,
    status: 'ok',
    note: result.note ?? undefined,
    medianMs,
    minMs: times[0],
    coldMs: timed.coldMs,
    firstMs: result.firstMs,
    loadMs: result.loadMs,
    runs: times.length,
    warmupRuns: result.warmupRuns,
    packages: result.packages,
    packagesPerSecond:
      result.packages !== undefined && medianMs > 0
        ? result.packages / (medianMs / 1000)
        : undefined,
    maxRssBytes: result.maxRssBytes,
    timesMs: result.timesMs,
  };
  const heapResult = heap?.result;
  if (heapResult?.ok === true && heapResult.heapBaseBytes !== undefined) {
    const peak =
      Math.max(heapResult.heapAfterBytes ?? 0, heap?.traceMaxBytes ?? 0) - heapResult.heapBaseBytes;
    row.peakHeapBytes = Math.max(0, peak);
    row.heapRatio = row.peakHeapBytes / bytes;
    // Below about 0.1 MB the difference of two heapUsed readings is noise and can be negative.
    row.retainedBytes = Math.max(0, heapResult.retainedBytes ?? 0);
  } else {
    row.note = [row.note, `heap: ${heapResult?.error ?? heap?.failure ?? 'not measured'}`]
      .filter(Boolean)
      .join('; ');
  }
  return row;
}

// ---------- the run ----------

function machine(): Machine {
  const cpuList = cpus();
  return {
    node: process.version,
    cpu: cpuList[0]?.model.trim() ?? 'unknown CPU',
    cores: cpuList.length,
    os: `${osType()} ${release()}`,
    memoryGB: Math.round(totalmem() / 1024 ** 3),
    loadAverage: Number((loadavg()[0] ?? 0).toFixed(2)),
  };
}

function truthCount(caseDir: string): number | undefined {
  try {
    const expected = JSON.parse(readFileSync(join(caseDir, 'expected.json'), 'utf8')) as {
      counts?: { total?: number };
    };
    return expected.counts?.total;
  } catch {
    return undefined;
  }
}

/** A scratch copy of the case's snapshot files, for peers that read a folder (they must not touch the corpus). */
function copyCase(caseDir: string, target: string): void {
  cpSync(caseDir, target, {
    recursive: true,
    filter: (source) => !['expected.json', 'SOURCE.txt'].includes(basename(source)),
  });
}

async function writeResults(json: string): Promise<void> {
  let text = json;
  try {
    // Formatted as the repository's prettier would, so `prettier --check .` stays quiet.
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(RESULTS_PATH)) ?? {};
    text = await prettier.format(json, { ...config, parser: 'json' });
  } catch {
    // prettier missing: plain JSON is fine
  }
  writeFileSync(RESULTS_PATH, text);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const files = selectFiles(options.only);
  const [load = 0] = loadavg();
  if (load > cpus().length / 2) {
    process.stderr.write(
      `bench: load average ${load.toFixed(1)} on ${cpus().length} cores: timings will be noisy\n`,
    );
  }
  if (!existsSync(CORPUS_DIR)) {
    process.stderr.write(`bench: corpus not found at ${CORPUS_DIR}\n`);
    process.exit(1);
  }

  const neededGroups = PEER_GROUPS.filter((g) =>
    SUBJECTS.some((s) => s.peer === g && files.some((f) => s.appliesTo(f))),
  );
  const peerStates: Map<PeerGroup, true | string> = options.peers
    ? ensurePeers(PEERS_DIR, neededGroups)
    : new Map(neededGroups.map((g) => [g, '--no-peers']));

  const scratch = mkdtempSync(join(tmpdir(), 'depwarden-bench-'));
  const cleanup = (): void => rmSync(scratch, { recursive: true, force: true });
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });

  const reports: FileReport[] = [];
  try {
    const buildDir = join(scratch, 'build');
    buildForChildren(REPO_ROOT, buildDir);
    const workerPath = join(buildDir, 'bench', 'lockfiles', 'worker.js');
    const oursModule = pathToFileURL(join(buildDir, 'bench', 'lockfiles', 'ours.js')).href;
    const timeoutMs = Math.max(120_000, options.budgetMs * 4);

    for (const file of files) {
      const caseDir = join(CORPUS_DIR, file.caseName);
      const lockfilePath = join(caseDir, file.lockfile);
      const bytes = statSync(lockfilePath).size;
      const copyDir = join(scratch, 'cases', file.caseName);
      copyCase(caseDir, copyDir);
      const rows: Row[] = [];
      for (const subject of SUBJECTS.filter((s) => s.appliesTo(file))) {
        const state =
          subject.peer === undefined ? true : (peerStates.get(subject.peer) ?? 'not installed');
        if (state !== true) {
          rows.push({
            subject: subject.id,
            label: subject.label(file),
            kind: subject.kind,
            status: 'skipped',
            message: state,
          });
          continue;
        }
        process.stderr.write(`bench: ${file.id} ${subject.label(file)} ... `);
        const started = performance.now();
        const args: WorkerArgs = {
          subject: subject.id,
          mode: 'time',
          file,
          lockfilePath,
          caseDir,
          copyDir,
          peersDir: PEERS_DIR,
          oursModule,
          runs: options.runs,
          warmup: options.warmup,
          budgetMs: options.budgetMs,
        };
        const timed = await runChild(workerPath, args, timeoutMs);
        const heap =
          timed.result?.ok === true
            ? await runChild(workerPath, { ...args, mode: 'heap' }, timeoutMs)
            : undefined;
        const row = rowFrom(subject, file, bytes, timed, heap);
        rows.push(row);
        process.stderr.write(
          `${((performance.now() - started) / 1000).toFixed(1)} s${row.status === 'ok' ? '' : ` (${row.message})`}\n`,
        );
      }
      const partial = {
        file,
        path: `${file.caseName}/${file.lockfile}`,
        bytes,
        truthPackages: truthCount(caseDir),
        rows,
      };
      const report: FileReport = { ...partial, verdicts: verdictsFor(partial) };
      reports.push(report);
      // With --markdown, stdout carries only the markdown; the plain tables still show on stderr.
      (options.markdown ? process.stderr : process.stdout).write(`${renderPlain(report)}\n`);
    }
  } finally {
    cleanup();
  }

  const date = new Date().toISOString();
  const host = machine(); // after the run: its load average covers the last minute of it
  if (options.markdown) process.stdout.write(renderMarkdown(reports, host, date.slice(0, 10)));
  const settings = { runs: options.runs, warmup: options.warmup, budgetMs: options.budgetMs };
  await writeResults(JSON.stringify({ date, machine: host, settings, files: reports }));
  process.stderr.write(`bench: results written to bench/lockfiles/results.json\n`);
}

await main();
