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
 * Flags: --top N (default 1000), --cache-dir DIR, --offline, --no-pool, --markdown.
 */
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

function time<T>(fn: () => T): { value: T; ms: number } {
  const t = performance.now();
  const v = fn();
  return { value: v, ms: performance.now() - t };
}

async function main(): Promise<void> {
  log(`fetching the top ${TOP} packages into ${CACHE_DIR}${flag('offline') ? ' (offline)' : ''}`);
  const fetched = await fetchAll();
  const { samples } = fetched;
  log(
    `${samples.length} tarballs (${fetched.failed.length} failed) in ${fetched.seconds.toFixed(1)} s`,
  );
  const compressed = samples.reduce((s, x) => s + x.bytes.length, 0);

  // Floor 1: gunzip + untar.
  let jsBytes = 0;
  let jsFiles = 0;
  const jsSources: { path: string; text: string }[] = [];
  const untar = time(() => {
    for (const s of samples) readTarball(s.bytes);
  });
  for (const s of samples) {
    for (const f of readTarball(s.bytes).files) {
      if (f.bytes === undefined || f.size > 8 * 1024 * 1024) continue;
      const kind = classify(f.path, f.bytes);
      if (kind !== 'js' && kind !== 'ts') continue;
      jsBytes += f.size;
      jsFiles++;
      jsSources.push({ path: f.path, text: new TextDecoder().decode(f.bytes) });
    }
  }
  const mb = jsBytes / 1e6;
  log(`${jsFiles} JS/TS files, ${mb.toFixed(1)} MB`);

  // Floor 2: parse only, the engine's parser on the same files.
  const parse = time(() => {
    for (const src of jsSources) {
      try {
        parseSync(/\.(c|m)?tsx?$/.test(src.path) ? src.path : 'file.js', src.text, {
          sourceType: 'unambiguous',
        } as Parameters<typeof parseSync>[2]);
      } catch {
        // counted as parsed: the engine falls back too
      }
    }
  });
  jsSources.length = 0;

  // The engine, single-threaded (comparable with the floors).
  const results: PackageAnalysis[] = [];
  const engine = time(() => {
    for (const s of samples)
      results.push(
        analyzePackage(
          { name: s.name, version: s.version, integrity: s.integrity, tarball: s.bytes },
          { detectors: DETECTORS },
        ),
      );
  });

  // The engine on the worker pool, as `depwarden analyze` runs it.
  let poolMs: number | undefined;
  if (!flag('no-pool')) {
    const pool = new AnalysisPool(availableParallelism());
    const t = performance.now();
    await Promise.all(
      samples.map((s) =>
        pool.analyze({
          name: s.name,
          version: s.version,
          integrity: s.integrity,
          tarball: Buffer.from(s.bytes),
        }),
      ),
    );
    poolMs = performance.now() - t;
    await pool.close();
  }
  const rssMb = process.resourceUsage().maxRSS / 1024;

  // Alerts.
  const byType = new Map<string, number>();
  const flagged: { pkg: string; alerts: string[] }[] = [];
  let malware = 0;
  let otherCritical = 0;
  for (const r of results) {
    const types = new Set(r.alerts.map((a) => a.type));
    for (const t of types) byType.set(t, (byType.get(t) ?? 0) + 1);
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
  const mbps = (ms: number) => (mb / (ms / 1000)).toFixed(2);
  const stageAvg = (key: 'durationMs') =>
    results.reduce((s, r) => s + r[key], 0) / Math.max(1, results.length);
  const ratio = parse.ms / engine.ms;
  const lines = [
    `machine: ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${new Date().toISOString().slice(0, 10)}`,
    `packages: ${samples.length} of top ${TOP} (${fetched.failed.length} could not be fetched); ${(compressed / 1e6).toFixed(1)} MB compressed; ${jsFiles} JS/TS files, ${mb.toFixed(1)} MB of JS/TS`,
    '',
    '| stage | time s | MB JS/s |',
    '| --- | ---: | ---: |',
    `| floor: gunzip + untar only | ${(untar.ms / 1000).toFixed(2)} | ${mbps(untar.ms)} |`,
    `| floor: parse only (oxc-parser) | ${(parse.ms / 1000).toFixed(2)} | ${mbps(parse.ms)} |`,
    `| engine, 1 thread (untar + classify + parse + facts + detectors + correlation) | ${(engine.ms / 1000).toFixed(2)} | ${mbps(engine.ms)} |`,
    ...(poolMs === undefined
      ? []
      : [
          `| engine, worker pool (${availableParallelism()} threads) | ${(poolMs / 1000).toFixed(2)} | ${mbps(poolMs)} |`,
        ]),
    '',
    `mean per package (engine): ${stageAvg('durationMs').toFixed(1)} ms; peak RSS ${rssMb.toFixed(0)} MB`,
    '',
    `${ratio >= 0.75 ? 'PASS' : 'FAIL'}  throughput: engine at ${(ratio * 100).toFixed(0)}% of the parse-only floor (target >= 75%)`,
    `${rssMb < 1024 ? 'PASS' : 'FAIL'}  peak RSS ${rssMb.toFixed(0)} MB (target < 1024)`,
    `${malware === 0 ? 'PASS' : 'FAIL'}  malware alerts: ${malware} (target 0)`,
    `${otherCritical / Math.max(1, results.length) < 0.01 ? 'PASS' : 'FAIL'}  other critical supply-chain alerts: ${otherCritical} packages (target < 1%)`,
    '',
    'packages per alert type:',
    ...[...byType].sort((a, b) => b[1] - a[1]).map(([t, n]) => `  ${t.padEnd(28)} ${n}`),
    '',
    `packages with a critical or high supply-chain alert: ${flagged.length}`,
    ...flagged.flatMap((f) => [`  ${f.pkg}`, ...f.alerts.map((a) => `      ${a}`)]),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  writeFileSync(
    join(HERE, 'results.json'),
    JSON.stringify(
      {
        top: TOP,
        samples: samples.length,
        failed: fetched.failed,
        jsFiles,
        jsBytes,
        untarMs: untar.ms,
        parseMs: parse.ms,
        engineMs: engine.ms,
        poolMs,
        rssMb,
        byType: Object.fromEntries(byType),
        flagged,
        malware,
        otherCritical,
      },
      null,
      2,
    ),
  );
}

await main();
