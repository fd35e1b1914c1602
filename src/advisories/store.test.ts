/**
 * Import and store: the corpus export imports completely; archives that break a limit or
 * are not archives are refused without touching the previous database; a process killed
 * while writing leaves the previous database intact; a damaged file is reported, not used.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, test } from 'node:test';
import { isDepwardenError } from '../errors/index.js';
import { staleness } from './freshness.js';
import { DB_FILE, DB_FOLDER, importOsvZip, openAdvisoryDb, readAdvisoryDbInfo } from './store.js';
import { corpusRecords, makeZip, OSV_CORPUS_ZIP, OSV_RECORDS_DIR } from './testing.js';
import type { AdvisoryDbInfo } from './types.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'depwarden-adv-store-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const dbPath = (): string => join(dir, DB_FOLDER, DB_FILE);

function record(id: string, name: string, modified = '2024-01-01T00:00:00Z', summary = id): string {
  return JSON.stringify({
    id,
    modified,
    summary,
    affected: [
      {
        package: { ecosystem: 'npm', name },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }],
      },
    ],
  });
}

async function rejects(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isDepwardenError(err), String(err));
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

test('corpus_export_imports_completely', async () => {
  const records = corpusRecords();
  const live = [...records.values()].filter((r) => typeof r.withdrawn !== 'string');
  const newest = live
    .map((r) => r.modified as string)
    .sort()
    .at(-1);
  const now = new Date('2026-08-01T00:00:00Z');
  const result = await importOsvZip(OSV_CORPUS_ZIP, { dataDir: dir, now });
  assert.equal(result.stats.entries, records.size);
  assert.equal(result.stats.withdrawn, records.size - live.length);
  assert.equal(result.stats.malformed, 0);
  assert.equal(result.info.records, live.length);
  assert.equal(result.info.newestModified, newest);
  assert.equal(result.info.importedAt, now.toISOString());
  assert.equal(result.info.source, OSV_CORPUS_ZIP);
  assert.equal(result.dbBytes, statSync(dbPath()).size);
  // The README's count: 6 GHSA malware advisories + 46 MAL records, 4 of them withdrawn.
  assert.equal(result.stats.malicious, 6 + 46 - 4);
  // Only the unreadable bound of GHSA-h755-8qp9-cq85 ("7.2.4, 6.11.4").
  assert.equal(result.stats.uncertain, 1);
  const db = await openAdvisoryDb(dir);
  assert.equal(db.status, 'ok');
  assert.deepEqual(db.info(), result.info);
  assert.deepEqual(await readAdvisoryDbInfo(dir), result.info);
  assert.equal(db.packageCount, result.info.packages);
  const allNames = new Set(
    live.flatMap((r) =>
      (r.affected as { package: { ecosystem: string; name: string } }[])
        .filter((a) => a.package.ecosystem === 'npm')
        .map((a) => a.package.name),
    ),
  );
  assert.equal(result.info.packages, allNames.size);
});

test('loose_records_and_the_zip_build_the_same_database', async () => {
  const { readdirSync } = await import('node:fs');
  const entries = readdirSync(OSV_RECORDS_DIR).map((name) => ({
    name,
    data: readFileSync(join(OSV_RECORDS_DIR, name)),
  }));
  const other = await mkdtemp(join(tmpdir(), 'depwarden-adv-store-'));
  try {
    await importOsvZip(OSV_CORPUS_ZIP, { dataDir: dir });
    await importOsvZip(makeZip(entries), { dataDir: other });
    const body = (path: string): string =>
      readFileSync(path, 'utf8').split('\n').slice(1).join('\n');
    assert.equal(body(join(other, DB_FOLDER, DB_FILE)), body(dbPath()));
  } finally {
    await rm(other, { recursive: true, force: true });
  }
});

test('source_is_recorded_without_credentials_or_query', async () => {
  const result = await importOsvZip(await readFile(OSV_CORPUS_ZIP), {
    dataDir: dir,
    source: 'https://user:s3cret@mirror.example/npm/all.zip?X-Goog-Signature=abc#x',
  });
  assert.equal(result.info.source, 'https://mirror.example/npm/all.zip');
});

test('malformed_oversized_ignored_and_duplicate_entries_are_counted', async () => {
  const zip = makeZip([
    { name: 'GOOD-1.json', data: record('GOOD-1', 'a') },
    { name: 'DUP-1.json', data: record('DUP-1', 'b', '2024-01-01T00:00:00Z', 'old') },
    { name: 'again/DUP-1.json', data: record('DUP-1', 'b', '2024-06-01T00:00:00Z', 'new') },
    { name: 'NOTJSON-1.json', data: '{"id": ' },
    { name: 'BAD-1.json', data: JSON.stringify({ id: 'BAD-1', modified: 'never', affected: [] }) },
    {
      name: 'BIG-1.json',
      data: record('BIG-1', 'c').replace('"summary":"BIG-1"', `"summary":"${'x'.repeat(2000)}"`),
    },
    { name: 'README.md', data: 'hello' },
    { name: 'folder/', data: '', method: 0 },
  ]);
  const result = await importOsvZip(zip, { dataDir: dir, limits: { maxEntryBytes: 1000 } });
  assert.deepEqual(
    {
      records: result.stats.records,
      malformed: result.stats.malformed,
      oversized: result.stats.oversized,
      ignored: result.stats.ignoredEntries,
      duplicates: result.stats.duplicates,
    },
    { records: 2, malformed: 2, oversized: 1, ignored: 2, duplicates: 1 },
  );
  assert.deepEqual(result.problems.map((p) => p.entry).sort(), [
    'BAD-1.json',
    'BIG-1.json',
    'NOTJSON-1.json',
  ]);
  const db = await openAdvisoryDb(dir);
  assert.equal(db.match('b', '1.0.0')[0]?.summary, 'new');
  assert.deepEqual(db.match('c', '1.0.0'), []);
});

test('oversized_real_record_is_skipped_and_counted', async () => {
  // The nx record (MAL-2025-41443) is the corpus's only file over 20,000 bytes.
  const big = [...corpusRecords().keys()].filter(
    (id) => statSync(join(OSV_RECORDS_DIR, `${id}.json`)).size > 20_000,
  );
  assert.deepEqual(big, ['MAL-2025-41443']);
  const result = await importOsvZip(OSV_CORPUS_ZIP, {
    dataDir: dir,
    limits: { maxEntryBytes: 20_000 },
  });
  assert.equal(result.stats.oversized, 1);
  const db = await openAdvisoryDb(dir);
  assert.ok(!db.advisoriesFor('nx').some((a) => a.id === 'MAL-2025-41443'));
});

async function withPreviousDb(check: () => Promise<void>): Promise<void> {
  await importOsvZip(OSV_CORPUS_ZIP, { dataDir: dir });
  const before = await readFile(dbPath());
  await check();
  assert.ok((await readFile(dbPath())).equals(before), 'the previous database is unchanged');
  const leftovers = (await readdir(join(dir, DB_FOLDER))).filter((n) => n !== DB_FILE);
  assert.deepEqual(leftovers, [], 'no temporary file is left');
  assert.equal((await openAdvisoryDb(dir)).status, 'ok');
}

test('zip_bomb_is_refused_before_inflating', async () => {
  // 4 MiB of spaces deflates to a few KiB: far above a 200:1 ratio.
  const bomb = makeZip([{ name: 'BOMB-1.json', data: Buffer.alloc(4 * 1024 * 1024, 0x20) }]);
  assert.ok(bomb.length < 64 * 1024);
  await withPreviousDb(() =>
    rejects(importOsvZip(bomb, { dataDir: dir }), 'ADVISORY_SOURCE_INVALID', /zip bomb/),
  );
});

test('entry_that_inflates_past_its_declared_size_is_refused', async () => {
  const liar = makeZip([{ name: 'LIAR-1.json', data: record('LIAR-1', 'a'), declaredSize: 10 }]);
  await withPreviousDb(() =>
    rejects(importOsvZip(liar, { dataDir: dir }), 'ADVISORY_SOURCE_INVALID', /LIAR-1\.json/),
  );
});

test('archive_limits_and_non_archives_are_refused', async () => {
  await withPreviousDb(async () => {
    await rejects(
      importOsvZip(OSV_CORPUS_ZIP, { dataDir: dir, limits: { maxEntries: 10 } }),
      'ADVISORY_SOURCE_INVALID',
      /131 entries, more than 10/,
    );
    await rejects(
      importOsvZip(OSV_CORPUS_ZIP, { dataDir: dir, limits: { maxTotalBytes: 100_000 } }),
      'ADVISORY_SOURCE_INVALID',
      /more than 100000 bytes/,
    );
    await rejects(
      importOsvZip(OSV_CORPUS_ZIP, { dataDir: dir, limits: { maxZipBytes: 1000 } }),
      'USAGE',
      /more than the 1000/,
    );
    await rejects(
      importOsvZip(Buffer.from('this is not a zip file at all, just text'), { dataDir: dir }),
      'ADVISORY_SOURCE_INVALID',
      /not a readable zip/,
    );
    await rejects(
      importOsvZip(makeZip([{ name: 'ENC-1.json', data: record('ENC-1', 'a'), encrypted: true }]), {
        dataDir: dir,
      }),
      'ADVISORY_SOURCE_INVALID',
      /encrypted/,
    );
    await rejects(
      importOsvZip(makeZip([{ name: 'x/../../evil.json', data: record('EVIL-1', 'a') }]), {
        dataDir: dir,
      }),
      'ADVISORY_SOURCE_INVALID',
      /refused/,
    );
    await rejects(importOsvZip(join(dir, 'missing.zip'), { dataDir: dir }), 'USAGE', /ENOENT/);
  });
});

test('an_export_without_npm_advisories_does_not_replace_the_database', async () => {
  const pypi = makeZip([
    {
      name: 'PYSEC-1.json',
      data: JSON.stringify({
        id: 'PYSEC-1',
        modified: '2024-01-01T00:00:00Z',
        affected: [{ package: { ecosystem: 'PyPI', name: 'django' }, versions: ['1.0'] }],
      }),
    },
  ]);
  await withPreviousDb(() =>
    rejects(
      importOsvZip(pypi, { dataDir: dir }),
      'ADVISORY_SOURCE_INVALID',
      /no usable npm advisory/,
    ),
  );
});

test('an_open_database_keeps_working_while_a_new_one_replaces_it', async () => {
  await importOsvZip(
    makeZip([
      { name: 'OLD-1.json', data: record('OLD-1', 'a') },
      { name: 'OLD-2.json', data: record('OLD-2', 'c') },
    ]),
    { dataDir: dir },
  );
  const old = await openAdvisoryDb(dir);
  await importOsvZip(makeZip([{ name: 'NEW-1.json', data: record('NEW-1', 'b') }]), {
    dataDir: dir,
  });
  // 'a' was never read before the replacement: it is read from the old, still open file.
  assert.deepEqual(
    old.match('a', '1.0.0').map((a) => a.id),
    ['OLD-1'],
  );
  const fresh = await openAdvisoryDb(dir);
  assert.deepEqual(fresh.match('a', '1.0.0'), []);
  assert.deepEqual(
    fresh.match('b', '1.0.0').map((a) => a.id),
    ['NEW-1'],
  );
  fresh.close();
  // After close, what was read stays answerable; reading more is a programming error.
  old.close();
  assert.deepEqual(
    old.match('a', '1.0.0').map((a) => a.id),
    ['OLD-1'],
  );
  assert.throws(() => old.match('c', '1.0.0'), /closed/);
  assert.deepEqual(old.match('not-in-the-index', '1.0.0'), []);
});

const STORE_MODULE = fileURLToPath(new URL('./store.ts', import.meta.url));

/** Runs `code` (an ES module body with `store` imported) in a child process. */
function child(code: string): ReturnType<typeof spawn> {
  const body = `import * as store from ${JSON.stringify(STORE_MODULE)};\n${code}`;
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', body], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

test('a_process_killed_while_writing_leaves_the_previous_database_intact', async () => {
  await importOsvZip(OSV_CORPUS_ZIP, { dataDir: dir });
  const before = await readFile(dbPath());
  const folder = join(dir, DB_FOLDER);
  // 256 MiB written 1 MiB at a time: long enough to be caught in the middle.
  const writer = child(
    `const chunk = Buffer.alloc(1024 * 1024, 120); await store.writeAtomic(${JSON.stringify(folder)}, ${JSON.stringify(DB_FILE)}, Array.from({ length: 256 }, () => chunk));`,
  );
  const exited = new Promise((resolve) => writer.on('exit', resolve));
  let temp: string | undefined;
  for (let i = 0; i < 400 && temp === undefined; i++) {
    await sleep(10);
    temp = (await readdir(folder)).find((n) => n.endsWith('.tmp'));
  }
  assert.ok(temp !== undefined, 'the writer started a temporary file');
  writer.kill('SIGKILL');
  await exited;
  assert.ok((await readFile(dbPath())).equals(before), 'the database file is the previous one');
  assert.equal((await openAdvisoryDb(dir)).status, 'ok');
  // The leftover is removed by the next import once it is old enough to be a leftover.
  await utimes(
    join(folder, temp),
    new Date(Date.now() - 2 * 3600_000),
    new Date(Date.now() - 2 * 3600_000),
  );
  await importOsvZip(OSV_CORPUS_ZIP, { dataDir: dir });
  assert.deepEqual(await readdir(folder), [DB_FILE]);
});

test('imports_killed_at_random_moments_leave_the_old_or_the_new_database', async () => {
  // A synthetic export big enough to take a moment (2,000 records, ~0.5 MB database).
  const entries = Array.from({ length: 2000 }, (_, i) => ({
    name: `MAL-2099-${i}.json`,
    data: record(`MAL-2099-${i}`, `pkg-${i}`),
  }));
  const zipPath = join(dir, 'big.zip');
  await writeFile(zipPath, makeZip(entries));
  const run = async (killAfterMs: number): Promise<number | undefined> => {
    const importer = child(
      `await store.importOsvZip(${JSON.stringify(zipPath)}, { dataDir: ${JSON.stringify(dir)} });`,
    );
    const exited = new Promise<void>((resolve) => importer.on('exit', () => resolve()));
    const started = Date.now();
    const timer = new AbortController();
    await Promise.race([
      sleep(killAfterMs, undefined, { signal: timer.signal }).catch(() => undefined),
      exited,
    ]);
    timer.abort();
    importer.kill('SIGKILL');
    await exited;
    const db = await openAdvisoryDb(dir);
    assert.equal(db.status, 'ok', `killed after ${killAfterMs} ms: ${db.problem ?? ''}`);
    const records = db.info()!.records;
    assert.ok(
      records === 1 || records === 2000,
      `killed after ${killAfterMs} ms: ${records} records`,
    );
    return Date.now() - started;
  };
  // How long a whole import takes here (process start included), to aim the kills at its end.
  await importOsvZip(makeZip([{ name: 'OLD-1.json', data: record('OLD-1', 'a') }]), {
    dataDir: dir,
  });
  const whole = (await run(60_000))!;
  assert.equal((await openAdvisoryDb(dir)).info()!.records, 2000);
  for (const fraction of [0.5, 0.8, 0.9, 0.97]) {
    await importOsvZip(makeZip([{ name: 'OLD-1.json', data: record('OLD-1', 'a') }]), {
      dataDir: dir,
    });
    await run(Math.round(whole * fraction));
  }
});

test('a_damaged_database_is_reported_and_matches_nothing', async () => {
  assert.equal((await openAdvisoryDb(dir)).status, 'missing');
  assert.equal(await readAdvisoryDbInfo(dir), undefined);
  await importOsvZip(OSV_CORPUS_ZIP, { dataDir: dir });
  await truncate(dbPath(), statSync(dbPath()).size - 10);
  const truncated = await openAdvisoryDb(dir);
  assert.equal(truncated.status, 'invalid');
  assert.match(truncated.problem ?? '', /truncated/);
  assert.equal(truncated.info(), undefined);
  assert.deepEqual(truncated.match('lodash', '4.17.20'), []);
  assert.equal(staleness(truncated.info()), 'missing');
  await writeFile(dbPath(), '{"format":"something-else"}\n{}\n');
  assert.match((await openAdvisoryDb(dir)).problem ?? '', /not a depwarden advisory database/);
  await writeFile(dbPath(), '{"format":"depwarden-advisories","formatVersion":99}\n');
  assert.match((await openAdvisoryDb(dir)).problem ?? '', /format version 99/);
});

test('a_damaged_package_line_loses_that_package_only', async () => {
  await importOsvZip(
    makeZip([
      { name: 'A-1.json', data: record('A-1', 'a') },
      { name: 'B-1.json', data: record('B-1', 'b') },
    ]),
    { dataDir: dir },
  );
  const text = readFileSync(dbPath(), 'utf8');
  // Same length, so the index still fits: break package a's JSON.
  await writeFile(dbPath(), text.replace('[{"id":"A-1"', '[{"id":"A-1"'.replace('[', '!')));
  const db = await openAdvisoryDb(dir);
  assert.equal(db.status, 'ok');
  assert.deepEqual(db.match('a', '1.0.0'), []);
  assert.deepEqual(
    db.match('b', '1.0.0').map((a) => a.id),
    ['B-1'],
  );
  db.close();
});

test('a_damaged_bound_loses_that_advisory_only', async () => {
  const bounded = (id: string): string =>
    JSON.stringify({
      id,
      modified: '2024-01-01T00:00:00Z',
      affected: [
        {
          package: { ecosystem: 'npm', name: 'a' },
          ranges: [
            {
              type: 'SEMVER',
              events: [{ introduced: '0' }, { fixed: `${id === 'A-1' ? 7 : 8}.0.0` }],
            },
          ],
        },
      ],
    });
  await importOsvZip(
    makeZip([
      { name: 'A-1.json', data: bounded('A-1') },
      { name: 'A-2.json', data: bounded('A-2') },
    ]),
    { dataDir: dir },
  );
  const text = readFileSync(dbPath(), 'utf8');
  assert.ok(text.includes('"fixed":"7.0.0"'));
  // Same length: the JSON still parses, but the bound is no version.
  await writeFile(dbPath(), text.replace('"fixed":"7.0.0"', '"fixed":"x.0.0"'));
  const db = await openAdvisoryDb(dir);
  assert.deepEqual(
    db.match('a', '1.0.0').map((a) => a.id),
    ['A-2'],
  );
  db.close();
});

test('staleness', () => {
  const info = (importedAt: string, newestModified?: string): AdvisoryDbInfo => ({
    source: 'x',
    importedAt,
    records: 1,
    packages: 1,
    newestModified,
  });
  const now = new Date('2026-03-10T00:00:00Z');
  assert.equal(staleness(undefined, now), 'missing');
  assert.equal(staleness(info('2026-03-09T00:00:00Z', '2026-03-08T12:00:00Z'), now), 'fresh');
  assert.equal(staleness(info('2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z'), now), 'stale');
  // Imported yesterday, but from an export whose newest record is a month old.
  assert.equal(staleness(info('2026-03-09T00:00:00Z', '2026-02-08T00:00:00Z'), now), 'stale');
  assert.equal(staleness(info('2026-03-03T01:00:00Z'), now), 'fresh');
  assert.equal(staleness(info('2026-03-02T23:00:00Z'), now), 'stale');
  assert.equal(staleness(info('not a date'), now), 'stale');
  assert.ok(existsSync(OSV_CORPUS_ZIP));
});
