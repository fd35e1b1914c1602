/**
 * `npm run bench:scan`: depwarden scan against `npm ci` on the same real lockfile and the same
 * registry (npm's configuration), cold (empty cache) and warm (everything cached).
 *
 * Targets (issue 5): the cold scan takes no longer than `npm ci --ignore-scripts --no-audit`
 * of the same lockfile; a warm scan of 2,000 packages under 3 s; peak RSS under 1.5 GiB.
 *
 * The lockfile is the largest package-lock.json of ../shared/corpus/lockfiles (npm ci needs
 * one); `--case NAME` picks another corpus case (then npm ci is skipped unless it is an npm
 * lockfile). The built CLI (dist/) is measured, as users run it; the wall time and peak RSS
 * of each process come from /usr/bin/time. Flags: --case, --skip-npm, --keep (keep the temp
 * folder), --no-history (pass through), --node PATH (run the scan with another Node binary, e.g.
 * a newer one from the registry's `node` package: raw AST transfer needs Node 22+).
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

const scanArgs = (output: string) => [
  bin,
  'scan',
  project,
  '--cache-dir',
  join(work, 'cache'),
  '--data-dir',
  dataDir,
  '--format',
  'json',
  '--output',
  output,
  '--quiet',
  ...(flag('no-history') ? ['--no-history'] : []),
];

console.log(
  `bench:scan — ${caseName}; ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, scan on Node ${nodeVersion}`,
);
const cold = timed(node, scanArgs(join(work, 'cold.json')), work);
const report = JSON.parse(readFileSync(join(work, 'cold.json'), 'utf8')) as {
  summary: { packages: number; analysed: number; cached: number; failed: number; alerts: number };
  failures: unknown[];
};
const warmRuns: Timed[] = [];
for (let i = 0; i < 3; i++) warmRuns.push(timed(node, scanArgs(join(work, 'warm.json')), work));
const warm = warmRuns.sort((a, b) => a.seconds - b.seconds)[1]!;
const warmReport = JSON.parse(readFileSync(join(work, 'warm.json'), 'utf8')) as typeof report;

let npm: Timed | undefined;
if (!flag('skip-npm') && existsSync(join(project, 'package-lock.json'))) {
  const npmDir = join(work, 'npm');
  copyProject(caseDir, npmDir);
  npm = timed(
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
      join(work, 'npm-cache'),
      '--loglevel',
      'error',
    ],
    npmDir,
  );
}

const per2000 = (warm.seconds * 2000) / Math.max(1, report.summary.packages);
console.log(
  `packages ${report.summary.packages} (failed ${report.summary.failed}), alerts ${report.summary.alerts}`,
);
console.log(
  `cold scan:  ${cold.seconds.toFixed(1)} s (CPU ${cold.cpuSeconds.toFixed(1)} s), peak RSS ${cold.maxRssMiB} MiB (exit ${cold.code})`,
);
console.log(
  `warm scan:  ${warm.seconds.toFixed(2)} s median of 3 (${warmReport.summary.cached} cached), peak RSS ${warm.maxRssMiB} MiB; scaled to 2,000 packages: ${per2000.toFixed(2)} s`,
);
if (npm !== undefined)
  console.log(
    `npm ci:     ${npm.seconds.toFixed(1)} s (CPU ${npm.cpuSeconds.toFixed(1)} s), peak RSS ${npm.maxRssMiB} MiB (exit ${npm.code})`,
  );
console.log('targets:');
if (npm !== undefined)
  console.log(
    `  cold ≤ npm ci:            ${cold.seconds <= npm.seconds ? 'met' : 'MISSED'} (${cold.seconds.toFixed(1)} s vs ${npm.seconds.toFixed(1)} s)`,
  );
console.log(`  warm 2,000 pkgs < 3 s:     ${per2000 < 3 ? 'met' : 'MISSED'}`);
console.log(
  `  peak RSS < 1.5 GiB:        ${Math.max(cold.maxRssMiB, warm.maxRssMiB) < 1536 ? 'met' : 'MISSED'}`,
);
if (flag('keep')) console.log(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
