/**
 * `db update`: from a file, a file: URL and a local HTTP server serving the corpus export;
 * a failed or oversized download leaves the previous database and no temporary file.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { isDepwardenError } from '../errors/index.js';
import { DB_FILE, DB_FOLDER, openAdvisoryDb } from './store.js';
import { OSV_CORPUS_ZIP, startServer, type LocalServer } from './testing.js';
import { updateDatabase } from './update.js';

let dir: string;
let server: LocalServer;
const zip = readFileSync(OSV_CORPUS_ZIP);

before(async () => {
  server = await startServer((req, _body, res) => {
    if (req.url?.split('?')[0] === '/npm/all.zip')
      return void res.writeHead(200, { 'content-type': 'application/zip' }).end(zip);
    if (req.url === '/stalls/all.zip') {
      // Sends the first bytes, then goes silent.
      res.writeHead(200).write(zip.subarray(0, 1000));
      return;
    }
    res.writeHead(404).end();
  });
});

after(() => server.close());

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'depwarden-adv-update-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejectsWith(
  promise: Promise<unknown>,
  code: string,
  message: RegExp,
): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isDepwardenError(err), String(err));
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

test('update_from_a_url_downloads_and_imports', async () => {
  const result = await updateDatabase({
    from: `${server.url}/npm/all.zip?token=abc`,
    dataDir: dir,
    fetch,
  });
  assert.equal(result.downloadedBytes, zip.length);
  assert.equal(result.info.source, `${server.url}/npm/all.zip`);
  assert.equal(result.stats.entries, 131);
  const db = await openAdvisoryDb(dir);
  assert.equal(db.info()?.records, result.info.records);
  assert.deepEqual(await readdir(join(dir, DB_FOLDER)), [DB_FILE]);
});

test('update_from_a_file_and_a_file_url', async () => {
  assert.equal(
    (await updateDatabase({ from: OSV_CORPUS_ZIP, dataDir: dir })).info.source,
    OSV_CORPUS_ZIP,
  );
  const url = pathToFileURL(OSV_CORPUS_ZIP).href;
  assert.equal((await updateDatabase({ from: url, dataDir: dir })).info.source, url);
});

test('failed_downloads_leave_the_previous_database', async () => {
  await updateDatabase({ from: OSV_CORPUS_ZIP, dataDir: dir });
  const before = await readFile(join(dir, DB_FOLDER, DB_FILE));
  await rejectsWith(
    updateDatabase({ from: `${server.url}/missing/all.zip`, dataDir: dir, fetch }),
    'REGISTRY_BAD_RESPONSE',
    /HTTP 404/,
  );
  await rejectsWith(
    updateDatabase({
      from: `${server.url}/npm/all.zip`,
      dataDir: dir,
      fetch,
      limits: { maxZipBytes: 10_000 },
    }),
    'REGISTRY_BAD_RESPONSE',
    /larger than 10000 bytes/,
  );
  await rejectsWith(
    updateDatabase({ from: `${server.url}/stalls/all.zip`, dataDir: dir, fetch, idleMs: 300 }),
    'REGISTRY_UNREACHABLE',
    /no data for 300 ms/,
  );
  await rejectsWith(
    updateDatabase({ from: 'http://127.0.0.1:1/all.zip', dataDir: dir, fetch }),
    'REGISTRY_UNREACHABLE',
    /advisory export/,
  );
  await rejectsWith(
    updateDatabase({ from: 'ftp://mirror.example/all.zip', dataDir: dir }),
    'USAGE',
    /"ftp" URLs/,
  );
  assert.ok((await readFile(join(dir, DB_FOLDER, DB_FILE))).equals(before));
  assert.deepEqual(await readdir(join(dir, DB_FOLDER)), [DB_FILE]);
});
