/**
 * `npm run bench:intel`: the costs of package intelligence, each part in its own process so
 * each has its own heap and timings:
 *
 *   history.ts      full packuments and the registry detectors on the top N packages; the
 *                   version before each analysed with unchanged files reused (target: adds at
 *                   most 60% to a cold scan's analysis time)
 *   typosquat.ts    the popular-name index: build time, 5,000 lookups (target: < 100 ms)
 *   advisories.ts   OSV import of a full-size export, 5,000 matches (target: < 200 ms)
 *
 * Flags are passed on: --top N (history), --offline (history), --runs N (typosquat).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Each part's flags: the others would be refused by its strict argument parser. */
const flagsOf = (names: readonly string[]): string[] => {
  const args = process.argv.slice(2);
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = (args[i] ?? '').replace(/^--/, '');
    if (!names.includes(name)) continue;
    out.push(args[i] as string);
    const next = args[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      out.push(next);
      i++;
    }
  }
  return out;
};
const parts: [string, string[]][] = [
  ['history.ts', flagsOf(['top', 'offline', 'cache-dir'])],
  ['typosquat.ts', flagsOf(['runs', 'names'])],
  ['advisories.ts', []],
];
let failed = 0;
for (const [part, flags] of parts) {
  const path = fileURLToPath(new URL(part, import.meta.url));
  if (!existsSync(path)) continue;
  process.stdout.write(`\n## ${part}\n\n`);
  const r = spawnSync(process.execPath, [...process.execArgv, path, ...flags], {
    stdio: 'inherit',
  });
  if (r.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
