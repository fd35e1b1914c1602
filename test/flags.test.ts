// Our dev/optional flags come from one walk for every format. Where a package manager
// writes its own computed flags into the lockfile (npm v2/v3 `dev`/`optional`/`devOptional`,
// pnpm 5.x/6.0 `dev`/`optional`), they are an independent ground truth: for every registry
// package, ours must agree with them exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { collectSnapshot } from '../src/snapshot/index.js';
import { buildGraph } from '../src/graph/index.js';
import { CORPUS_DIR, corpusCaseNames } from './helpers/corpus.js';

type Flags = { dev: boolean; optional: boolean };

function merge(into: Map<string, Flags>, id: string, dev: boolean, optional: boolean): void {
  const f = into.get(id) ?? { dev: true, optional: true };
  f.dev &&= dev;
  f.optional &&= optional;
  into.set(id, f);
}

/** npm: a package is dev (optional) when every install location says so; devOptional is neither. */
function npmStated(text: string): Map<string, Flags> {
  const lock = JSON.parse(text) as { packages?: Record<string, Record<string, unknown>> };
  const out = new Map<string, Flags>();
  for (const [key, entry] of Object.entries(lock.packages ?? {})) {
    if (!key.includes('node_modules/') || entry.link === true) continue;
    const name =
      typeof entry.name === 'string'
        ? entry.name
        : key.slice(key.lastIndexOf('node_modules/') + 13);
    const devOptional = entry.devOptional === true;
    merge(
      out,
      `${name}@${String(entry.version)}`,
      entry.dev === true && !devOptional,
      entry.optional === true && !devOptional,
    );
  }
  return out;
}

/** pnpm 5.x/6.0: `dev: true|false` and `optional: true` per depPath; a missing `dev` is both. */
function pnpmStated(text: string): Map<string, Flags> {
  const lock = parse(text) as { packages?: Record<string, Record<string, unknown>> };
  const out = new Map<string, Flags>();
  for (const [key, entry] of Object.entries(lock.packages ?? {})) {
    const m = /^\/((?:@[^/]+\/)?[^/@]+)[/@]([^_(]+)/.exec(key);
    if (m === null) continue;
    merge(out, `${m[1]}@${m[2]}`, entry.dev === true, entry.optional === true);
  }
  return out;
}

const cases = corpusCaseNames().filter((n) => /^npm-v[23]-|^pnpm-[56]\./.test(n));

test('cases_with_stated_flags_exist', () => assert.ok(cases.length >= 7));

for (const name of cases) {
  test(`flags_agree_with_the_package_manager_${name.replace(/[^a-zA-Z0-9]/g, '_')}`, async () => {
    const isNpm = name.startsWith('npm');
    const text = readFileSync(
      join(CORPUS_DIR, name, isNpm ? 'package-lock.json' : 'pnpm-lock.yaml'),
      'utf8',
    );
    const stated = isNpm ? npmStated(text) : pnpmStated(text);
    const graph = buildGraph((await collectSnapshot(join(CORPUS_DIR, name))).files);
    const ours = new Map(
      graph.packages
        .filter((p) => p.source === 'registry')
        .map((p) => [`${p.name}@${p.version}`, p]),
    );
    const disagreements: string[] = [];
    for (const [id, flags] of stated) {
      const p = ours.get(id);
      if (p === undefined) disagreements.push(`${id} missing`);
      else if (p.dev !== flags.dev || p.optional !== flags.optional) {
        disagreements.push(
          `${id}: ours dev=${p.dev} optional=${p.optional}, stated dev=${flags.dev} optional=${flags.optional}`,
        );
      }
    }
    assert.deepEqual(disagreements.slice(0, 10), []);
    // The flags must come from our walk, not from the fallback to the lockfile's own flags.
    assert.deepEqual(
      graph.problems.filter((p) => p.code === 'lockfile-unreachable-entries'),
      [],
    );
    assert.ok(stated.size > 0);
  });
}
