/**
 * Checks that the explicit registries and their documentation agree, so nothing is added
 * half-way (habit 2 of ../shared/reference/codebase-models.md). Fails CI when:
 * - an error code in src/errors/codes.ts is missing from docs/errors.md, or the reverse;
 * - a folder under src/lockfiles/ (but `internal`) is not a registered parser, lacks a test
 *   file or fixtures in testdata/, or is not described in docs/lockfiles.md;
 * - a problem code in src/errors/problem-codes.ts is not documented in docs/problems.md (or
 *   the reverse), or is used nowhere in src/;
 * - a CLI command or flag is not documented in docs/cli.md.
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES } from '../src/errors/codes.js';
import { PROBLEM_CODES } from '../src/errors/problem-codes.js';
import { LOCKFILE_PARSERS, packageJsonParser } from '../src/lockfiles/index.js';
import { COMMANDS } from '../src/cli/main.js';
import { DETECTORS } from '../src/detectors/index.js';
import { isKnownAlertType } from '../src/alerts/index.js';

/**
 * Alert types raised by the engine, the registry client or the project-level policy rather
 * than by a detector, with pages of their own.
 */
const OTHER_ALERT_PAGES = new Set([
  'analysisIncomplete',
  'licensePolicyViolation',
  'tarballAnomaly',
  'tarballIntegrityMismatch',
]);

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const failures: string[] = [];
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== 'testdata' && name !== 'node_modules') walk(full, out);
    } else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

// Error codes <-> docs/errors.md
const errorsDoc = read('docs/errors.md');
const documentedErrors = new Set([...errorsDoc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]));
const allSources = walk(join(ROOT, 'src'))
  .filter((f) => !f.endsWith('codes.ts'))
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');
for (const code of Object.keys(ERROR_CODES)) {
  if (!documentedErrors.has(code))
    failures.push(`error code ${code} is not documented in docs/errors.md`);
  if (!allSources.includes(`'${code}'`))
    failures.push(`error code ${code} is defined but no code in src/ uses it`);
}
for (const code of documentedErrors) {
  if (!(code! in ERROR_CODES))
    failures.push(`docs/errors.md documents ${code}, which src/errors/codes.ts does not define`);
}

// Lockfile parser folders <-> registry <-> docs/lockfiles.md
const lockfilesDoc = read('docs/lockfiles.md');
const registered = new Map([...LOCKFILE_PARSERS, packageJsonParser].map((p) => [p.id, p]));
const lockDir = join(ROOT, 'src/lockfiles');
for (const name of readdirSync(lockDir)) {
  const dir = join(lockDir, name);
  if (!statSync(dir).isDirectory() || name === 'internal') continue;
  const id = `lockfile/${name}`;
  if (!registered.has(id))
    failures.push(`src/lockfiles/${name} is not a registered parser (expected id ${id})`);
  const files = readdirSync(dir);
  if (!files.includes('index.ts')) failures.push(`src/lockfiles/${name} has no index.ts`);
  if (!files.some((f) => f.endsWith('.test.ts')))
    failures.push(`src/lockfiles/${name} has no test file`);
  const testdata = join(dir, 'testdata');
  if (!existsSync(testdata) || readdirSync(testdata).length === 0)
    failures.push(`src/lockfiles/${name}/testdata has no fixtures`);
  if (!lockfilesDoc.includes(`\`${id}\``))
    failures.push(`docs/lockfiles.md does not describe ${id}`);
}
for (const id of registered.keys()) {
  if (!existsSync(join(lockDir, id.replace('lockfile/', ''))))
    failures.push(`parser ${id} has no folder under src/lockfiles`);
}

// Problem codes: registry <-> docs/problems.md, and every registered code used in src/.
// (problem() only accepts registered codes, so the type checker covers the other direction.)
const problemsDoc = read('docs/problems.md');
const documentedProblems = new Set(
  [...problemsDoc.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]),
);
for (const code of Object.keys(PROBLEM_CODES)) {
  if (!documentedProblems.has(code))
    failures.push(`problem code ${code} is not documented in docs/problems.md`);
  if (!allSources.includes(`'${code}'`))
    failures.push(`problem code ${code} is registered but no code in src/ uses it`);
}
for (const code of documentedProblems) {
  if (!(code! in PROBLEM_CODES))
    failures.push(
      `docs/problems.md documents ${code}, which src/errors/problem-codes.ts does not define`,
    );
}

// CLI commands and flags <-> docs/cli.md
const cliDoc = read('docs/cli.md');
for (const c of COMMANDS) {
  if (!cliDoc.includes(`### \`depwarden ${c.name}`))
    failures.push(`docs/cli.md has no section for "depwarden ${c.name}"`);
  for (const o of c.options)
    if (!cliDoc.includes(`--${o.name}`))
      failures.push(`docs/cli.md does not mention --${o.name} (${c.name})`);
}

// Detectors: registry <-> folders <-> fixtures <-> docs/alerts/<id>.md <-> known alert types.
const detectorDir = join(ROOT, 'src/detectors');
const detectorIds = new Set(DETECTORS.map((d) => d.meta.id));
const sortedIds = DETECTORS.map((d) => d.meta.id);
if (sortedIds.join() !== [...sortedIds].sort().join())
  failures.push('src/detectors/index.ts must list detectors sorted by id');
if (detectorIds.size !== sortedIds.length)
  failures.push('src/detectors/index.ts lists a detector twice');
const alertsIndex = read('docs/alerts/README.md');
for (const d of DETECTORS) {
  const id = d.meta.id;
  const dir = join(detectorDir, id);
  if (!existsSync(join(dir, 'index.ts')))
    failures.push(`detector ${id} has no src/detectors/${id}/index.ts`);
  for (const polarity of ['positive', 'negative']) {
    const fixtures = join(dir, 'testdata', polarity);
    if (!existsSync(fixtures) || readdirSync(fixtures).length === 0)
      failures.push(
        `detector ${id} has no ${polarity} fixtures in src/detectors/${id}/testdata/${polarity}`,
      );
  }
  if (!existsSync(join(ROOT, 'docs/alerts', `${id}.md`)))
    failures.push(`detector ${id} has no docs/alerts/${id}.md`);
  if (!alertsIndex.includes(`${id}.md`)) failures.push(`docs/alerts/README.md does not list ${id}`);
  if (!isKnownAlertType(id))
    failures.push(`detector ${id} raises an alert type src/alerts/types.ts does not know`);
  if (!Number.isInteger(d.meta.version) || d.meta.version < 1)
    failures.push(`detector ${id} needs a version >= 1`);
}
for (const name of readdirSync(detectorDir)) {
  if (statSync(join(detectorDir, name)).isDirectory() && !detectorIds.has(name))
    failures.push(`src/detectors/${name} is not registered in src/detectors/index.ts`);
}
for (const page of readdirSync(join(ROOT, 'docs/alerts'))) {
  const id = page.replace(/\.md$/, '');
  if (page !== 'README.md' && !detectorIds.has(id) && !OTHER_ALERT_PAGES.has(id))
    failures.push(`docs/alerts/${page} documents no registered detector`);
}

if (failures.length > 0) {
  console.error(
    `check-registries: ${failures.length} problem(s):\n${failures.map((f) => `  - ${f}`).join('\n')}`,
  );
  process.exit(1);
}
console.log(
  `check-registries: ok (${Object.keys(ERROR_CODES).length} error codes, ${registered.size} parsers, ${Object.keys(PROBLEM_CODES).length} problem codes, ${COMMANDS.length} commands, ${DETECTORS.length} detectors)`,
);
