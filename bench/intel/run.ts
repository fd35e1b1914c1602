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

const parts = ['history.ts', 'typosquat.ts', 'advisories.ts'];
let failed = 0;
for (const part of parts) {
  const path = fileURLToPath(new URL(part, import.meta.url));
  if (!existsSync(path)) continue;
  process.stdout.write(`\n## ${part}\n\n`);
  const r = spawnSync(process.execPath, [...process.execArgv, path, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  if (r.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
