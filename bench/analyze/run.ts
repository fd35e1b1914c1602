/**
 * `npm run bench:analyze`: the analyzer on the latest versions of the N most-downloaded
 * packages (../shared/data/npm-popular.tsv), with the floors measured in the same run.
 *
 *   1. fetch   packuments and tarballs through the registry client, into a cache
 *              (bench/analyze/cache by default), once: later runs read the cache
 *   2. floors  gunzip + untar only (readTarball); parse only (oxc parseSync on every JS/TS
 *              file, the parser the engine uses), single-threaded
 *   3. engine  analyzePackage with every detector, single-threaded (comparable with the
 *              floors), then on the worker pool (what `depwarden analyze` does)
 *
 * Prints MB of JavaScript per second for each, per-stage times, peak RSS, how many packages
 * got each alert type, and every package with a critical or high supply-chain alert, with
 * the verdicts against the targets. Writes bench/analyze/results.json.
 *
 * Flags: --top N (default 1000), --cache-dir DIR, --offline (cache only), --fetch-only (fill the
 * cache and stop), --no-pool (skip the worker-pool run).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseSync } from 'oxc-parser';
import { analyzePackage, readTarball, type PackageAnalysis } from '../../src/analyzer/index.js';
import { AnalysisPool } from '../../src/analyzer/pool.js';
import { classify } from '../../src/analyzer/text.js';
import { DETECTORS } from '../../src/detectors/index.js';
import { DiskCache, RegistryClient, loadRegistryConfig } from '../../src/registry/index.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const value = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : (args[i + 1] ?? fallback);
};
const TOP = Number(value('top', '1000'));
const CACHE_DIR = value('cache-dir', join(HERE, 'cache'));
const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

interface Sample {
  name: string;
  version: string;
  integrity: string;
  bytes: Buffer;
}

async function fetchAll(): Promise<{ samples: Sample[]; failed: string[]; seconds: number }> {
  const tsv = readFileSync(join(HERE, '../../../shared/data/npm-popular.tsv'), 'utf8');
  const names = tsv
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t')[0] ?? '')
    .filter((n) => n !== '')
    .slice(0, TOP);
  const config = await loadRegistryConfig({ env: process.env });
  const client = new RegistryClient({
    config,
    cache: new DiskCache(CACHE_DIR),
    offline: flag('offline'),
    concurrency: 16,
    packumentTtlMs: 7 * 24 * 3600 * 1000, // a benchmark wants the same versions run after run
  });
  const started = performance.now();
  const samples: (Sample | undefined)[] = new Array<Sample | undefined>(names.length);
  const failed: string[] = [];
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < names.length) {
        const i = next++;
        const name = names[i] as string;
        try {
          const packument = await client.packument(name);
          const version = packument.distTags.latest;
          if (version === undefined) throw new Error('no latest tag');
          const v = packument.versions.get(version);
          const got = await client.tarball({
            name,
            version,
            integrity: v?.integrity,
            resolved: v?.tarball,
          });
          if (!got.ok) throw new Error(`integrity mismatch (${got.actual})`);
          samples[i] = { name, version, integrity: got.integrity, bytes: got.bytes };
        } catch (err) {
          failed.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
        }
        if (++done % 100 === 0) log(`fetched ${done}/${names.length}`);
      }
    }),
  );
  await client.close();
  return {
    samples: samples.filter((s): s is Sample => s !== undefined),
    failed,
    seconds: (performance.now() - started) / 1000,
  };
}

async function time<T>(fn: () => T | Promise<T>): Promise<{ value: T; ms: number }> {
  const t = performance.now();
  const v = await fn();
  return { value: v, ms: performance.now() - t };
}

/** What each phase child reports back (its last stdout line, as JSON). */
interface PhaseResult {
  ms: number;
  rssMb: number;
  jsFiles?: number;
  jsBytes?: number;
  untarMs?: number;
  byType?: Record<string, number>;
  flagged?: { pkg: string; alerts: string[] }[];
  malware?: number;
  otherCritical?: number;
  packages?: number;
  perPackageMs?: number;
}

/** The options the engine parses with (src/analyzer/js/facts.ts). */
const PARSE_OPTIONS = { sourceType: 'unambiguous' } as Parameters<typeof parseSync>[2];

/** Floors: gunzip + untar, then parse with the engine's parser, the AST materialised. */
async function floorsPhase(samples: Sample[]): Promise<PhaseResult> {
  let jsBytes = 0;
  let jsFiles = 0;
  const sources: { path: string; text: string }[] = [];
  const untar = await time(async () => {
    for (const s of samples) await readTarball(s.bytes);
  });
  for (const s of samples) {
    for (const f of (await readTarball(s.bytes)).files) {
      if (f.bytes === undefined || f.size > 8 * 1024 * 1024) continue;
      const kind = classify(f.path, f.bytes);
      if (kind !== 'js' && kind !== 'ts') continue;
      jsBytes += f.size;
      jsFiles++;
      sources.push({ path: f.path, text: new TextDecoder().decode(f.bytes) });
    }
  }
  // The AST is what the parser produces for JavaScript: `program` is materialised (oxc hands
  // it over as JSON), as the engine must. Files it rejects count as parsed.
  const parse = await time(() => {
    for (const src of sources) {
      try {
        void parseSync(
          /\.(c|m)?tsx?$/.test(src.path) ? src.path : 'file.js',
          src.text,
          PARSE_OPTIONS,
        ).program;
      } catch {
        // the engine falls back too
      }
    }
  });
  return {
    ms: parse.ms,
    untarMs: untar.ms,
    jsFiles,
    jsBytes,
    rssMb: process.resourceUsage().maxRSS / 1024,
  };
}

function summarise(
  results: PackageAnalysis[],
): Pick<PhaseResult, 'byType' | 'flagged' | 'malware' | 'otherCritical'> {
  const byType: Record<string, number> = {};
  const flagged: { pkg: string; alerts: string[] }[] = [];
  let malware = 0;
  let otherCritical = 0;
  for (const r of results) {
    const types = new Set(r.alerts.map((a) => a.type));
    for (const t of types) byType[t] = (byType[t] ?? 0) + 1;
    const serious = r.alerts.filter(
      (a) =>
        a.category === 'supplyChainRisk' && (a.severity === 'critical' || a.severity === 'high'),
    );
    if (serious.length > 0)
      flagged.push({
        pkg: `${r.package.name}@${r.package.version}`,
        alerts: serious.map((a) => `${a.severity} ${a.type}: ${a.message}`.slice(0, 160)),
      });
    if (types.has('malware')) malware++;
    else if (r.alerts.some((a) => a.category === 'supplyChainRisk' && a.severity === 'critical'))
      otherCritical++;
  }
  return { byType, flagged, malware, otherCritical };
}

/** The engine on one thread, comparable with the floors. */
async function enginePhase(samples: Sample[]): Promise<PhaseResult> {
  const results: PackageAnalysis[] = [];
  const run = await time(async () => {
    for (const s of samples)
      results.push(
        await analyzePackage(
          { name: s.name, version: s.version, integrity: s.integrity, tarball: s.bytes },
          { detectors: DETECTORS },
        ),
      );
  });
  return {
    ms: run.ms,
    rssMb: process.resourceUsage().maxRSS / 1024,
    packages: results.length,
    perPackageMs: run.ms / Math.max(1, results.length),
    ...summarise(results),
  };
}

/** The engine on the worker pool, as `depwarden analyze` runs it (2 × workers in flight). */
async function poolPhase(samples: Sample[]): Promise<PhaseResult> {
  const pool = new AnalysisPool({ size: availableParallelism() });
  const results: PackageAnalysis[] = [];
  const t = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: pool.size * 2 }, async () => {
      while (next < samples.length) {
        const s = samples[next++] as Sample;
        results.push(
          await pool.analyze({
            name: s.name,
            version: s.version,
            integrity: s.integrity,
            tarball: s.bytes,
          }),
        );
      }
    }),
  );
  const ms = performance.now() - t;
  await pool.close();
  return {
    ms,
    rssMb: process.resourceUsage().maxRSS / 1024,
    packages: results.length,
    ...summarise(results),
  };
}

/** Runs one phase in a fresh process, so each gets its own heap and its own peak RSS. */
function child(phase: string): PhaseResult {
  log(`phase ${phase}…`);
  const r = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      '--phase',
      phase,
      '--top',
      String(TOP),
      '--cache-dir',
      CACHE_DIR,
      '--offline',
    ],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  if (r.status !== 0 || !last.startsWith('{'))
    throw new Error(`phase ${phase} failed (exit ${r.status})`);
  return JSON.parse(last) as PhaseResult;
}

async function main(): Promise<void> {
  const phase = value('phase', '');
  if (phase !== '') {
    const { samples } = await fetchAll();
    const result =
      phase === 'floors'
        ? await floorsPhase(samples)
        : phase === 'engine'
          ? await enginePhase(samples)
          : await poolPhase(samples);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  log(`fetching the top ${TOP} packages into ${CACHE_DIR}${flag('offline') ? ' (offline)' : ''}`);
  const fetched = await fetchAll();
  const { samples } = fetched;
  log(
    `${samples.length} tarballs (${fetched.failed.length} failed) in ${fetched.seconds.toFixed(1)} s`,
  );
  if (flag('fetch-only')) return;
  const compressed = samples.reduce((s, x) => s + x.bytes.length, 0);
  samples.length = 0;

  const floors = child('floors');
  const engine = child('engine');
  const pool = flag('no-pool') ? undefined : child('pool');
  const mb = (floors.jsBytes ?? 0) / 1e6;
  const mbps = (ms: number) => (mb / (ms / 1000)).toFixed(2);
  const ratio = floors.ms / engine.ms;
  const verdictRss = pool?.rssMb ?? engine.rssMb;
  const alerts = pool ?? engine;
  const packages = engine.packages ?? 0;
  const lines = [
    `machine: ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${new Date().toISOString().slice(0, 10)}`,
    `packages: ${packages} of top ${TOP} (${fetched.failed.length} could not be fetched); ${(compressed / 1e6).toFixed(1)} MB compressed; ${floors.jsFiles} JS/TS files, ${mb.toFixed(1)} MB of JS/TS`,
    '',
    '| stage | time s | MB JS/s | peak RSS MB |',
    '| --- | ---: | ---: | ---: |',
    `| floor: gunzip + untar only | ${((floors.untarMs ?? 0) / 1000).toFixed(2)} | ${mbps(floors.untarMs ?? 0)} | |`,
    `| floor: parse only (oxc-parser, AST materialised) | ${(floors.ms / 1000).toFixed(2)} | ${mbps(floors.ms)} | ${floors.rssMb.toFixed(0)} |`,
    `| engine, 1 thread (untar + classify + parse + facts + detectors + correlation) | ${(engine.ms / 1000).toFixed(2)} | ${mbps(engine.ms)} | ${engine.rssMb.toFixed(0)} |`,
    ...(pool === undefined
      ? []
      : [
          `| engine, worker pool (${availableParallelism()} threads) | ${(pool.ms / 1000).toFixed(2)} | ${mbps(pool.ms)} | ${pool.rssMb.toFixed(0)} |`,
        ]),
    '',
    `mean per package (engine, 1 thread): ${(engine.perPackageMs ?? 0).toFixed(1)} ms`,
    '',
    `${ratio >= 0.75 ? 'PASS' : 'FAIL'}  throughput: engine at ${(ratio * 100).toFixed(0)}% of the parse-only floor, both on one thread (target >= 75%)`,
    `${verdictRss < 1024 ? 'PASS' : 'FAIL'}  peak RSS ${verdictRss.toFixed(0)} MB${pool === undefined ? ' (1 thread)' : ' (worker pool)'} (target < 1024)`,
    `${alerts.malware === 0 ? 'PASS' : 'FAIL'}  malware alerts: ${alerts.malware} (target 0)`,
    `${(alerts.otherCritical ?? 0) / Math.max(1, packages) < 0.01 ? 'PASS' : 'FAIL'}  other critical supply-chain alerts: ${alerts.otherCritical} packages (target < 1%)`,
    '',
    'packages per alert type:',
    ...Object.entries(alerts.byType ?? {})
      .sort((a, b) => b[1] - a[1])
      .map(([t, n]) => `  ${t.padEnd(28)} ${n}`),
    '',
    `packages with a critical or high supply-chain alert: ${alerts.flagged?.length ?? 0}`,
    ...(alerts.flagged ?? []).flatMap((f) => [`  ${f.pkg}`, ...f.alerts.map((a) => `      ${a}`)]),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  writeFileSync(
    join(HERE, 'results.json'),
    JSON.stringify({ top: TOP, failed: fetched.failed, floors, engine, pool }, null, 2),
  );
}

await main();
