/**
 * `npm run bench:intel` (history part): what the registry checks cost on the N most-downloaded
 * packages (default 1000) of ../shared/data/npm-popular.tsv.
 *
 *   1. packuments  full packuments fetched (once, into the cache), then the registry detectors
 *                  timed per package (metadata analysis, without the history comparison)
 *   2. history     for each package: the engine on the latest version (the cold scan's
 *                  analysis), then on the version before it with the unchanged files reused,
 *                  as `depwarden analyze` does; the target: the previous version adds at most
 *                  60% to the cold scan's analysis time. Downloads are reported apart (they
 *                  depend on the network, and a re-scan finds everything in the cache).
 *
 * Single-threaded, in process, tarballs read from the cache (the first run downloads them).
 * Flags: --top N, --cache-dir DIR (default bench/analyze/cache, shared with bench:analyze),
 * --offline.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  analyzePackage,
  DEFAULT_INTEL_OPTIONS,
  type PackageAnalysis,
} from '../../src/analyzer/index.js';
import { DETECTORS } from '../../src/detectors/index.js';
import {
  previousVersion,
  previousVersionView,
  reusableFiles,
  runRegistryDetectors,
  versionView,
} from '../../src/intel/index.js';
import {
  DiskCache,
  RegistryClient,
  loadRegistryConfig,
  type Packument,
} from '../../src/registry/index.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const value = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : (args[i + 1] ?? fallback);
};
const TOP = Number(value('top', '1000'));
const CACHE_DIR = value('cache-dir', join(HERE, '../analyze/cache'));
const log = (s: string) => process.stderr.write(`bench:intel: ${s}\n`);

const names = readFileSync(join(HERE, '../../../shared/data/npm-popular.tsv'), 'utf8')
  .split('\n')
  .slice(1)
  .map((l) => l.split('\t')[0] ?? '')
  .filter((n) => n !== '')
  .slice(0, TOP);
const client = new RegistryClient({
  config: await loadRegistryConfig({ env: process.env }),
  cache: new DiskCache(CACHE_DIR),
  offline: args.includes('--offline'),
  concurrency: 16,
  packumentTtlMs: 7 * 24 * 3600 * 1000,
});

// 1. Full packuments.
const packuments = new Map<string, Packument>();
let fetchMs: number;
{
  const t = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < names.length) {
        const name = names[next++] as string;
        try {
          packuments.set(name, await client.packument(name, true));
        } catch (err) {
          log(`${name}: ${err instanceof Error ? err.message : String(err)}`);
        }
        if (packuments.size % 200 === 0) log(`packuments ${packuments.size}/${names.length}`);
      }
    }),
  );
  fetchMs = performance.now() - t;
}

// 2. Tarballs of the latest and the previous version (downloads once).
interface Pair {
  name: string;
  version: string;
  before: string | undefined;
  current: Uint8Array;
  previous: Uint8Array | undefined;
}
const pairs: Pair[] = [];
let downloadMs: number;
{
  const t = performance.now();
  const get = async (p: Packument, version: string) => {
    const v = p.versions.get(version);
    const got = await client.tarball({
      name: p.name,
      version,
      integrity: v?.integrity ?? v?.shasum,
      resolved: v?.tarball,
    });
    return got.ok ? got.bytes : undefined;
  };
  let next = 0;
  const list = [...packuments.values()];
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < list.length) {
        const p = list[next++] as Packument;
        const version = p.distTags.latest;
        if (version === undefined) continue;
        try {
          const current = await get(p, version);
          const before = previousVersion(p, version);
          const previous = before === undefined ? undefined : await get(p, before);
          if (current !== undefined)
            pairs.push({ name: p.name, version, before, current, previous });
        } catch (err) {
          log(`${p.name}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }),
  );
  downloadMs = performance.now() - t;
}
await client.close();
pairs.sort((a, b) => (a.name < b.name ? -1 : 1));

// 3. Timed: engine on the latest, registry detectors, engine on the previous with reuse.
const now = new Date();
let currentMs = 0;
let previousMs = 0;
let previousFullMs = 0;
let metadataMs = 0;
let reusedFiles = 0;
let codeFiles = 0;
let withPrevious = 0;
const alertsByType = new Map<string, number>();
/** Every supply-chain alert of the history and publisher checks, to be read and explained. */
const listed: string[] = [];
const LISTED = new Set([
  'permissionCreep',
  'provenanceDropped',
  'unstableOwnership',
  'didYouMean',
  'manifestConfusion',
]);
for (const pair of pairs) {
  let t = performance.now();
  const current = await analyzePackage(
    { name: pair.name, version: pair.version, tarball: pair.current, history: true },
    { detectors: DETECTORS },
  );
  currentMs += performance.now() - t;
  const packument = packuments.get(pair.name) as Packument;
  let previous;
  if (pair.previous !== undefined && pair.before !== undefined) {
    withPrevious++;
    t = performance.now();
    const prev: PackageAnalysis = await analyzePackage(
      {
        name: pair.name,
        version: pair.before,
        tarball: pair.previous,
        reuse: reusableFiles(current),
      },
      { detectors: DETECTORS },
    );
    previousMs += performance.now() - t;
    reusedFiles += prev.reused?.length ?? 0;
    codeFiles += prev.inventory?.filter((f) => f.hash !== undefined).length ?? 0;
    previous = previousVersionView(pair.before, prev, current);
    // For comparison: the previous version analysed from scratch.
    t = performance.now();
    await analyzePackage(
      { name: pair.name, version: pair.before, tarball: pair.previous },
      { detectors: DETECTORS },
    );
    previousFullMs += performance.now() - t;
  }
  t = performance.now();
  const extra = runRegistryDetectors(
    {
      name: pair.name,
      version: pair.version,
      packument,
      entry: packument.versions.get(pair.version),
      current: versionView(pair.version, current),
      ...(previous === undefined ? {} : { previous }),
      now,
      options: DEFAULT_INTEL_OPTIONS,
    },
    DETECTORS,
  );
  metadataMs += performance.now() - t;
  for (const type of new Set(extra.alerts.map((a) => a.type)))
    alertsByType.set(type, (alertsByType.get(type) ?? 0) + 1);
  for (const a of extra.alerts)
    if (LISTED.has(a.type))
      listed.push(
        `  ${pair.name}@${pair.version}: ${a.severity} ${a.type}: ${a.message.slice(0, 140)}`,
      );
}

const pct = (a: number, b: number) => `${Math.round((100 * a) / Math.max(1, b))}%`;
const out = [
  `machine: ${process.platform} ${process.arch}, Node ${process.version}; ${now.toISOString().slice(0, 10)}`,
  `packages: ${pairs.length} of top ${TOP} (${withPrevious} with a previous version)`,
  '',
  '| stage | total s | per package ms |',
  '| --- | ---: | ---: |',
  `| full packuments fetched (or revalidated from the cache) | ${(fetchMs / 1000).toFixed(2)} | ${(fetchMs / Math.max(1, packuments.size)).toFixed(2)} |`,
  `| tarball downloads, latest + previous (0 when cached) | ${(downloadMs / 1000).toFixed(2)} | ${(downloadMs / Math.max(1, pairs.length)).toFixed(2)} |`,
  `| engine, latest version (the cold scan's analysis) | ${(currentMs / 1000).toFixed(2)} | ${(currentMs / Math.max(1, pairs.length)).toFixed(2)} |`,
  `| engine, previous version, unchanged files reused | ${(previousMs / 1000).toFixed(2)} | ${(previousMs / Math.max(1, withPrevious)).toFixed(2)} |`,
  `| engine, previous version from scratch (for comparison) | ${(previousFullMs / 1000).toFixed(2)} | ${(previousFullMs / Math.max(1, withPrevious)).toFixed(2)} |`,
  `| registry detectors (metadata + history checks) | ${(metadataMs / 1000).toFixed(3)} | ${(metadataMs / Math.max(1, pairs.length)).toFixed(3)} |`,
  '',
  `code files of previous versions reused unchanged: ${reusedFiles} of ${codeFiles} (${pct(reusedFiles, codeFiles)})`,
  `${previousMs / currentMs <= 0.6 ? 'PASS' : 'FAIL'}  previous-version analysis adds ${pct(previousMs, currentMs)} to the cold scan's analysis time (target <= 60%; from scratch it would add ${pct(previousFullMs, currentMs)})`,
  '',
  'packages per registry alert type:',
  ...[...alertsByType].sort((a, b) => b[1] - a[1]).map(([type, n]) => `  ${type.padEnd(28)} ${n}`),
  '',
  'supply-chain registry alerts, each:',
  ...listed,
];
process.stdout.write(`${out.join('\n')}\n`);
