/**
 * `npm run bench:scan`: depwarden scan against `npm ci` on the same real lockfile and the same
 * registry (npm's configuration), cold (empty cache) and warm (everything cached).
 *
 * Targets (issue 5): the cold scan takes no longer than `npm ci --ignore-scripts --no-audit`
 * of the same lockfile; a warm scan of 2,000 packages under 3 s; peak RSS under 1.5 GiB.
 *
 * The lockfile is the largest package-lock.json of ../shared/corpus/lockfiles (npm ci needs
 * one); `--case NAME` picks another corpus case (then npm ci is skipped unless it is an npm
 * lockfile). The built CLI (dist/) is measured, as users run it; the wall time, CPU time and
 * peak RSS of each process come from /usr/bin/time. Cold scans and npm ci runs are interleaved
 * over --rounds rounds (default 3) and compared by their medians. Flags: --case, --rounds,
 * --skip-npm, --keep (keep the temp folder), --no-history (pass through), --node PATH (run
 * the scan with another Node binary, e.g. a newer one from the registry's `node` package: raw
 * AST transfer needs Node 22+).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { CORPUS, OSV_ZIP, ROOT, copyProject, largestNpmCase } from './corpus.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const value = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

interface Timed {
  seconds: number;
  /** CPU seconds, user + system, of the process and its threads. */
  cpuSeconds: number;
  maxRssMiB: number;
  code: number;
}

function timed(cmd: string, cmdArgs: string[], cwd: string): Timed {
  // Each run starts with no dirty pages of the one before still being written back.
  spawnSync('sync');
  const out = join(tmpdir(), `dw-bench-time-${process.pid}`);
  const res = spawnSync('/usr/bin/time', ['-o', out, '-f', '%e %M %U %S', cmd, ...cmdArgs], {
    cwd,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, CI: '1' },
  });
  const [seconds, kb, user, sys] = readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .pop()!
    .split(' ')
    .map(Number);
  rmSync(out, { force: true });
  return {
    seconds: seconds!,
    cpuSeconds: user! + sys!,
    maxRssMiB: Math.round(kb! / 1024),
    code: res.status ?? -1,
  };
}

const node = value('node') ?? process.execPath;
const nodeVersion = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
const caseName = value('case') ?? largestNpmCase();
const caseDir = join(CORPUS, caseName);
const work = mkdtempSync(join(tmpdir(), 'dw-bench-scan-'));
const project = join(work, 'project');
copyProject(caseDir, project);
if (!existsSync(join(ROOT, 'dist', 'cli', 'bin.js')) || flag('build'))
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
const bin = join(ROOT, 'dist', 'cli', 'bin.js');
const dataDir = join(work, 'data');
execFileSync(node, [bin, 'db', 'update', '--from', OSV_ZIP, '--data-dir', dataDir, '--json'], {
  stdio: 'ignore',
});

const scanArgs = (output: string, cache: string) => [
  bin,
  'scan',
  project,
  '--cache-dir',
  cache,
  '--data-dir',
  dataDir,
  '--format',
  'json',
  '--output',
  output,
  '--quiet',
  ...(flag('no-history') ? ['--no-history'] : []),
];

const withNpm = !flag('skip-npm') && existsSync(join(project, 'package-lock.json'));
/** npm ci into a fresh folder with an empty npm cache, as the cold scan has an empty cache. */
function npmCi(round: number): Timed {
  const npmDir = join(work, `npm-${round}`);
  copyProject(caseDir, npmDir);
  const result = timed(
    'npm',
    [
      'ci',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      // The corpus lockfile's resolved URLs name the placeholder host, as depwarden re-bases
      // them on the configured registry, npm must too: it fetches from the same registry.
      '--replace-registry-host=always',
      '--cache',
      join(work, `npm-cache-${round}`),
      '--loglevel',
      'error',
    ],
    npmDir,
  );
  return result;
}

const median = (xs: readonly number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

// The machine's speed drifts between minutes (shared hosts), so one cold scan against one npm
// ci some minutes later can go either way by 30%. Rounds interleave the two, alternating which
// goes first, and the verdict compares medians. The last round's cache is the warm scans'.
// Every timed run starts after sync(1), with the writes of the runs before it on disk.
const rounds = Number(value('rounds') ?? 3);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a whole number');
console.log(
  `bench:scan — ${caseName}; ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, scan on Node ${nodeVersion}; ${rounds} rounds`,
);
const colds: Timed[] = [];
const npms: Timed[] = [];
// Nothing is deleted between rounds (deleting 20,000 files keeps the disk busy into the next
// run); every round has its own folders, removed at the end.
let cache = '';
for (let round = 1; round <= rounds; round++) {
  cache = join(work, `cache-${round}`);
  const scanFirst = round % 2 === 1;
  if (withNpm && !scanFirst) npms.push(npmCi(round));
  colds.push(timed(node, scanArgs(join(work, 'cold.json'), cache), work));
  if (withNpm && scanFirst) npms.push(npmCi(round));
  const pair = colds.at(-1)!;
  const other = withNpm ? npms.at(-1) : undefined;
  console.log(
    `round ${round}: cold scan ${pair.seconds.toFixed(1)} s (CPU ${pair.cpuSeconds.toFixed(1)} s, ${pair.maxRssMiB} MiB, exit ${pair.code})` +
      (other === undefined
        ? ''
        : `; npm ci ${other.seconds.toFixed(1)} s (CPU ${other.cpuSeconds.toFixed(1)} s, exit ${other.code})`),
  );
}
const report = JSON.parse(readFileSync(join(work, 'cold.json'), 'utf8')) as {
  summary: { packages: number; analysed: number; cached: number; failed: number; alerts: number };
  failures: unknown[];
};
const warmRuns: Timed[] = [];
for (let i = 0; i < 3; i++)
  warmRuns.push(timed(node, scanArgs(join(work, 'warm.json'), cache), work));
const warm = warmRuns.sort((a, b) => a.seconds - b.seconds)[1]!;
const warmReport = JSON.parse(readFileSync(join(work, 'warm.json'), 'utf8')) as typeof report;

const coldSeconds = median(colds.map((c) => c.seconds));
const npmSeconds = withNpm ? median(npms.map((n) => n.seconds)) : undefined;
const peakRss = Math.max(...colds.map((c) => c.maxRssMiB), warm.maxRssMiB);
const per2000 = (warm.seconds * 2000) / Math.max(1, report.summary.packages);
console.log(
  `packages ${report.summary.packages} (failed ${report.summary.failed}), alerts ${report.summary.alerts}`,
);
console.log(
  `cold scan:  ${coldSeconds.toFixed(1)} s median of ${rounds} (CPU ${median(colds.map((c) => c.cpuSeconds)).toFixed(1)} s), peak RSS ${Math.max(...colds.map((c) => c.maxRssMiB))} MiB`,
);
console.log(
  `warm scan:  ${warm.seconds.toFixed(2)} s median of 3 (${warmReport.summary.cached} cached), peak RSS ${warm.maxRssMiB} MiB; scaled to 2,000 packages: ${per2000.toFixed(2)} s`,
);
if (npmSeconds !== undefined)
  console.log(
    `npm ci:     ${npmSeconds.toFixed(1)} s median of ${rounds} (CPU ${median(npms.map((n) => n.cpuSeconds)).toFixed(1)} s), peak RSS ${Math.max(...npms.map((n) => n.maxRssMiB))} MiB`,
  );
console.log('targets:');
if (npmSeconds !== undefined) {
  const wins = colds.filter((c, i) => c.seconds <= npms[i]!.seconds).length;
  console.log(
    `  cold ≤ npm ci (medians):   ${coldSeconds <= npmSeconds ? 'met' : 'MISSED'} (${coldSeconds.toFixed(1)} s vs ${npmSeconds.toFixed(1)} s; the scan was faster in ${wins} of ${rounds} rounds)`,
  );
}
console.log(`  warm 2,000 pkgs < 3 s:     ${per2000 < 3 ? 'met' : 'MISSED'}`);
console.log(`  peak RSS < 1.5 GiB:        ${peakRss < 1536 ? 'met' : 'MISSED'}`);
if (flag('keep')) console.log(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
