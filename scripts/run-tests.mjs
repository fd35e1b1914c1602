#!/usr/bin/env node
// Finds every *.test.ts under src/ and test/ and hands them to Node's own test runner.
// Node 20's `--test` does not expand globs, so the list is built here; the runner, the
// reporter and the exit code are node:test's own. Extra arguments are passed through
// (e.g. `npm test -- --test-name-pattern=snapshot`), and bare paths narrow the file list.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('-'));
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    const st = statSync(full);
    if (st.isDirectory()) walk(full, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, full));
  }
  return out;
}

let files = [...walk(join(root, 'src'), []), ...walk(join(root, 'test'), [])].sort();
if (filters.length > 0) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const reporter = process.env.CI ? ['--test-reporter=spec'] : [];
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', ...reporter, ...passThrough, ...files],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
