/**
 * Detection guard for scan speed work: scans the benchmark case with a built CLI and diffs the
 * alert sets of two JSON reports, so a faster scan provably finds what the slower one found.
 *
 *   node --import tsx bench/scan/compare-alerts.ts --scan OUT.json [--dist DIR] [--case NAME]
 *     scans the case (default: the largest package-lock.json of the corpus, as bench:scan) with
 *     an empty cache using DIR/cli/bin.js (default dist/, e.g. a copy of dist/ from before a
 *     change) and writes the report to OUT.json. Extra flags after `--` go to `depwarden scan`.
 *   node --import tsx bench/scan/compare-alerts.ts BEFORE.json AFTER.json
 *     compares two reports; exits 1 when the alert sets differ.
 *
 * An alert is identified by its type and package, and for the version-comparing alerts
 * (permissionCreep, majorRefactor, licenseChange) also by its props: what they say about the
 * version before. Counted as a multiset, so a duplicated or lost alert shows too.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CORPUS, OSV_ZIP, ROOT, copyProject, largestNpmCase } from './corpus.js';

/** The alerts whose props describe the comparison with the version before. */
const HISTORY_TYPES = new Set(['permissionCreep', 'majorRefactor', 'licenseChange']);

interface ReportAlert {
  type: string;
  package: string;
  props?: Record<string, unknown>;
}

/** JSON with object keys sorted, so equal props give equal strings. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null)
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

function alertKey(a: ReportAlert): string {
  const base = `${a.type}\t${a.package}`;
  return HISTORY_TYPES.has(a.type) ? `${base}\t${canonical(a.props ?? {})}` : base;
}

function alertCounts(file: string): Map<string, number> {
  const report = JSON.parse(readFileSync(file, 'utf8')) as { alerts?: ReportAlert[] };
  if (!Array.isArray(report.alerts)) throw new Error(`${file}: not a depwarden JSON report`);
  const counts = new Map<string, number>();
  for (const a of report.alerts) counts.set(alertKey(a), (counts.get(alertKey(a)) ?? 0) + 1);
  return counts;
}

function compare(before: string, after: string): boolean {
  const a = alertCounts(before);
  const b = alertCounts(after);
  const lost: string[] = [];
  const gained: string[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const diff = (b.get(key) ?? 0) - (a.get(key) ?? 0);
    for (let i = 0; i < Math.abs(diff); i++) (diff < 0 ? lost : gained).push(key);
  }
  const total = (m: Map<string, number>) => [...m.values()].reduce((s, n) => s + n, 0);
  const history = (m: Map<string, number>) =>
    [...m].filter(([k]) => HISTORY_TYPES.has(k.split('\t')[0]!)).reduce((s, [, n]) => s + n, 0);
  console.log(
    `before: ${total(a)} alerts (${history(a)} version-comparing); after: ${total(b)} (${history(b)})`,
  );
  for (const k of lost.sort()) console.log(`- ${k}`);
  for (const k of gained.sort()) console.log(`+ ${k}`);
  const same = lost.length === 0 && gained.length === 0;
  console.log(
    same ? 'identical alert sets' : `DIFFERENT: ${lost.length} lost, ${gained.length} gained`,
  );
  return same;
}

function scan(out: string, dist: string, caseName: string, extra: string[]): void {
  const bin = join(dist, 'cli', 'bin.js');
  if (!existsSync(bin)) throw new Error(`${bin} does not exist: run npm run build`);
  const work = mkdtempSync(join(tmpdir(), 'dw-compare-alerts-'));
  try {
    const project = join(work, 'project');
    copyProject(join(CORPUS, caseName), project);
    const dataDir = join(work, 'data');
    execFileSync(
      process.execPath,
      [bin, 'db', 'update', '--from', OSV_ZIP, '--data-dir', dataDir, '--json'],
      { stdio: 'ignore' },
    );
    const started = performance.now();
    // Exit 1 means "blocking alerts found": the report is still written.
    try {
      execFileSync(
        process.execPath,
        [
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
          resolve(out),
          '--quiet',
          ...extra,
        ],
        { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CI: '1' } },
      );
    } catch (err) {
      if (!existsSync(out)) throw err;
    }
    console.log(
      `scanned ${caseName} with ${dist} in ${((performance.now() - started) / 1000).toFixed(1)} s → ${out}`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
const dash = args.indexOf('--');
const own = dash === -1 ? args : args.slice(0, dash);
const passThrough = dash === -1 ? [] : args.slice(dash + 1);
const valueOf = (name: string) => {
  const i = own.indexOf(`--${name}`);
  return i >= 0 ? own[i + 1] : undefined;
};
const out = valueOf('scan');
if (out !== undefined) {
  scan(
    out,
    resolve(valueOf('dist') ?? join(ROOT, 'dist')),
    valueOf('case') ?? largestNpmCase(),
    passThrough,
  );
} else if (own.length === 2) {
  process.exitCode = compare(own[0]!, own[1]!) ? 0 : 1;
} else {
  console.error(
    'usage: compare-alerts.ts --scan OUT.json [--dist DIR] [--case NAME] [-- scan flags] | compare-alerts.ts BEFORE.json AFTER.json',
  );
  process.exitCode = 2;
}
