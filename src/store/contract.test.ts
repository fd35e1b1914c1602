/**
 * One contract for every BlobStore, run against the filesystem store (a temp dir) and the
 * S3 store (the real AWS SDK against s3rver, a local S3-compatible server this file starts
 * on 127.0.0.1). If s3rver cannot start, the S3 suite fails: it needs no network.
 * Backend-specific tests (crash safety, symlinks, conditional-write mapping) follow.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, test } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import {
  FsBlobStore,
  S3BlobStore,
  isStoreError,
  openStore,
  type BlobStore,
  type StoreErrorCode,
} from './index.js';

interface StoreHarness {
  /** A store on the shared backing location (every call sees the same objects). */
  open(options?: { maxObjectBytes?: number }): Promise<BlobStore>;
  /** A fingerprint of the backend that any storage call changes (files, request count). */
  fingerprint(): Promise<unknown>;
  teardown(): Promise<void>;
}

const BAD_KEYS: unknown[] = [
  '',
  'a'.repeat(63),
  'a'.repeat(65),
  'A'.repeat(64),
  'g'.repeat(64),
  `${'a'.repeat(64)}.`,
  `${'a'.repeat(64)}.REPORT`,
  `${'a'.repeat(64)}.report.x`,
  `${'a'.repeat(64)}.${'a'.repeat(17)}`,
  `${'a'.repeat(64)}.rep0rt`,
  `${'a'.repeat(64)}/x`,
  `${'a'.repeat(64)}\n`,
  `${'a'.repeat(64)}\0`,
  `../${'a'.repeat(64)}`,
  `/${'a'.repeat(64)}`,
  `ab/${'a'.repeat(61)}`,
  ` ${'a'.repeat(64)}`,
  42,
  null,
  undefined,
  { toString: () => 'a'.repeat(64) },
];

function newKey(suffix = ''): string {
  return randomBytes(32).toString('hex') + suffix;
}

function patterned(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

async function rejectsWithCode(promise: Promise<unknown>, code: StoreErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isStoreError(error), `expected a StoreError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

/** The contract: every backend must pass all of it unchanged. */
function blobStoreContract(name: string, setup: () => Promise<StoreHarness>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: BlobStore;
    let setupError: unknown;

    // A setup failure (s3rver not starting) is rethrown by every test, so each one counts
    // as failed: node:test would report a failed hook's tests as merely cancelled.
    before(async () => {
      try {
        harness = await setup();
        store = await harness.open();
      } catch (error) {
        setupError = error ?? new Error('setup failed');
      }
    });
    beforeEach(() => {
      if (setupError !== undefined) throw setupError;
    });
    after(async () => {
      await store?.close();
      await harness?.teardown();
    });

    test('kind and limit are reported', () => {
      assert.equal(store.kind, name);
      assert.equal(store.maxObjectBytes, 64 * 1024 * 1024);
    });

    test('put then get returns the same bytes (binary, empty, large)', async () => {
      const binary = new Uint8Array(256 * 3);
      for (let i = 0; i < binary.length; i++) binary[i] = i % 256;
      const cases = [binary, new Uint8Array(0), randomBytes(3 * 1024 * 1024 + 17)];
      for (const bytes of cases) {
        const key = newKey('.report');
        assert.equal(await store.put(key, bytes), true);
        const read = await store.get(key);
        assert.ok(read instanceof Uint8Array);
        assert.equal(read.byteLength, bytes.byteLength);
        assert.ok(Buffer.from(read).equals(Buffer.from(bytes)));
      }
    });

    test('keys with and without suffix are distinct objects', async () => {
      const base = newKey();
      await store.put(base, patterned(10, 1));
      await store.put(`${base}.snapshot`, patterned(10, 2));
      await store.put(`${base}.job`, patterned(10, 3));
      assert.deepEqual(await store.get(base), patterned(10, 1));
      assert.deepEqual(await store.get(`${base}.snapshot`), patterned(10, 2));
      assert.deepEqual(await store.get(`${base}.job`), patterned(10, 3));
      assert.equal(await store.get(`${base}.report`), undefined);
    });

    test('a missing key reads as undefined', async () => {
      assert.equal(await store.get(newKey()), undefined);
      assert.equal(await store.get(newKey('.report')), undefined);
    });

    test('the stored object does not alias the caller buffer', async () => {
      const key = newKey();
      const bytes = patterned(64, 7);
      await store.put(key, bytes);
      bytes.fill(0);
      assert.deepEqual(await store.get(key), patterned(64, 7));
    });

    test('put without ifAbsent overwrites', async () => {
      const key = newKey('.job');
      assert.equal(await store.put(key, patterned(100, 1)), true);
      assert.equal(await store.put(key, patterned(50, 2)), true);
      assert.deepEqual(await store.get(key), patterned(50, 2));
    });

    test('ifAbsent writes once and never replaces', async () => {
      const key = newKey('.report');
      assert.equal(await store.put(key, patterned(20, 1), { ifAbsent: true }), true);
      assert.equal(await store.put(key, patterned(30, 2), { ifAbsent: true }), false);
      assert.deepEqual(await store.get(key), patterned(20, 1));
      // A plain put still overwrites, and ifAbsent keeps refusing afterwards.
      assert.equal(await store.put(key, patterned(40, 3)), true);
      assert.equal(await store.put(key, patterned(50, 4), { ifAbsent: true }), false);
      assert.deepEqual(await store.get(key), patterned(40, 3));
    });

    test('concurrent ifAbsent puts of one key: exactly one wins, its bytes stay', async () => {
      for (let round = 0; round < 5; round++) {
        const key = newKey('.report');
        const contenders = Array.from({ length: 8 }, (_, i) => patterned(1000 + i, i));
        const results = await Promise.all(
          contenders.map((bytes) => store.put(key, bytes, { ifAbsent: true })),
        );
        assert.equal(results.filter(Boolean).length, 1, `round ${round}: ${results.join()}`);
        const winner = contenders[results.indexOf(true)];
        assert.deepEqual(await store.get(key), winner);
      }
    });

    test('concurrent ifAbsent puts through two stores: exactly one wins', async () => {
      const other = await harness.open();
      try {
        const key = newKey('.snapshot');
        const results = await Promise.all([
          store.put(key, patterned(10, 1), { ifAbsent: true }),
          other.put(key, patterned(10, 1), { ifAbsent: true }),
        ]);
        // Two stores in one process share nothing in memory: on servers that honour
        // If-None-Match this is the server's atomicity; on s3rver it is best-effort (see
        // docs/storage.md), so only "at least one" is a contract there.
        if (name === 'fs') assert.equal(results.filter(Boolean).length, 1);
        else assert.ok(results.filter(Boolean).length >= 1);
        assert.deepEqual(await store.get(key), patterned(10, 1));
      } finally {
        await other.close();
      }
    });

    test('delete removes the object and is idempotent', async () => {
      const key = newKey('.report');
      await store.delete(key); // never existed
      await store.put(key, patterned(10, 1));
      await store.delete(key);
      assert.equal(await store.get(key), undefined);
      await store.delete(key);
      assert.equal(await store.get(key), undefined);
      // After delete, ifAbsent may write again.
      assert.equal(await store.put(key, patterned(10, 2), { ifAbsent: true }), true);
      assert.deepEqual(await store.get(key), patterned(10, 2));
    });

    test('bad keys are rejected with a coded error before any storage call', async () => {
      const before = await harness.fingerprint();
      for (const key of BAD_KEYS) {
        await rejectsWithCode(store.put(key as string, patterned(4, 1)), 'STORE_KEY_INVALID');
        await rejectsWithCode(
          store.put(key as string, patterned(4, 1), { ifAbsent: true }),
          'STORE_KEY_INVALID',
        );
        await rejectsWithCode(store.get(key as string), 'STORE_KEY_INVALID');
        await rejectsWithCode(store.delete(key as string), 'STORE_KEY_INVALID');
      }
      assert.deepEqual(await harness.fingerprint(), before);
    });

    test('the size limit is enforced on put (before any call) and on get', async () => {
      const small = await harness.open({ maxObjectBytes: 1024 });
      try {
        assert.equal(small.maxObjectBytes, 1024);
        const atLimit = newKey();
        assert.equal(await small.put(atLimit, patterned(1024, 1)), true);
        assert.deepEqual(await small.get(atLimit), patterned(1024, 1));

        const before = await harness.fingerprint();
        const over = newKey();
        await rejectsWithCode(small.put(over, patterned(1025, 1)), 'STORE_OBJECT_TOO_LARGE');
        await rejectsWithCode(
          small.put(over, patterned(1025, 1), { ifAbsent: true }),
          'STORE_OBJECT_TOO_LARGE',
        );
        assert.deepEqual(await harness.fingerprint(), before);
        assert.equal(await store.get(over), undefined);

        // Written by a store with a higher limit, refused by the small one.
        const big = newKey('.report');
        await store.put(big, patterned(4096, 2));
        await rejectsWithCode(small.get(big), 'STORE_OBJECT_TOO_LARGE');
        assert.deepEqual(await store.get(big), patterned(4096, 2));
      } finally {
        await small.close();
      }
    });

    test('an out-of-range size limit is a configuration error', async () => {
      for (const maxObjectBytes of [0, -1, 1.5, 2 ** 40, Number.NaN])
        await rejectsWithCode(harness.open({ maxObjectBytes }), 'STORE_CONFIG_INVALID');
    });

    test('a closed store refuses every call', async () => {
      const closing = await harness.open();
      await closing.close();
      await closing.close(); // idempotent
      const key = newKey();
      await assert.rejects(closing.put(key, patterned(1, 1)), /closed/);
      await assert.rejects(closing.get(key), /closed/);
      await assert.rejects(closing.delete(key), /closed/);
    });
  });
}

// ---------------------------------------------------------------------------------------
// Filesystem backend

/** Every entry under `dir` with its type, size and mtime: changes on any write. */
async function treeFingerprint(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(path: string, rel: string): Promise<void> {
    for (const name of (await readdir(path)).sort()) {
      const full = join(path, name);
      const stats = await lstat(full);
      out.push(`${rel}${name} ${stats.isDirectory() ? 'd' : 'f'} ${stats.size} ${stats.mtimeMs}`);
      if (stats.isDirectory()) await walk(full, `${rel}${name}/`);
    }
  }
  await walk(dir, '');
  return out;
}

async function fsHarness(): Promise<StoreHarness & { dir: string }> {
  const root = await mkdtemp(join(tmpdir(), 'depwarden-store-'));
  const dir = join(root, 'data');
  return {
    dir,
    open: (options = {}) => openStore({ kind: 'fs', dir, ...options }),
    fingerprint: () => treeFingerprint(root),
    teardown: () => rm(root, { recursive: true, force: true }),
  };
}

blobStoreContract('fs', fsHarness);

// ---------------------------------------------------------------------------------------
// S3 backend (s3rver)

const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

interface LocalS3 {
  endpoint: string;
  /** Requests the server has received so far. */
  requests(): number;
  stop(): Promise<void>;
}

async function startS3rver(buckets: string[]): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), 'depwarden-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
  });
  const { port } = await server.run();
  let requests = 0;
  server.httpServer?.on('request', () => requests++);
  const endpoint = `http://127.0.0.1:${port}`;
  const admin = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
  });
  try {
    for (const bucket of buckets) await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    admin.destroy();
  }
  return {
    endpoint,
    requests: () => requests,
    stop: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

function s3Config(endpoint: string, bucket: string, prefix = 'depwarden/test/') {
  return {
    kind: 's3' as const,
    bucket,
    prefix,
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
  };
}

blobStoreContract('s3', async () => {
  // No try/skip: a failure to start the local server fails the suite.
  const s3 = await startS3rver(['depwarden-contract']);
  return {
    open: (options = {}) =>
      openStore({ ...s3Config(s3.endpoint, 'depwarden-contract'), ...options }),
    fingerprint: () => Promise.resolve(s3.requests()),
    teardown: () => s3.stop(),
  };
});

// ---------------------------------------------------------------------------------------
// Filesystem specifics

const posixOnly = process.platform === 'win32' ? 'POSIX permissions and symlinks' : false;

describe('FsBlobStore specifics', () => {
  test('lays objects out as objects/<ab>/<key>, files 0600 and folders 0700', async (t) => {
    const h = await fsHarness();
    t.after(() => h.teardown());
    const store = await h.open();
    const key = newKey('.report');
    await store.put(key, patterned(5, 1));
    const path = join(h.dir, 'objects', key.slice(0, 2), key);
    assert.deepEqual(await readFile(path), Buffer.from(patterned(5, 1)));
    if (process.platform !== 'win32') {
      assert.equal((await stat(path)).mode & 0o777, 0o600);
      for (const folder of ['', 'objects', 'tmp', join('objects', key.slice(0, 2))])
        assert.equal((await stat(join(h.dir, folder))).mode & 0o777, 0o700, folder);
    }
    // Writes leave nothing behind in tmp/, whether they win or lose.
    await store.put(key, patterned(5, 2), { ifAbsent: true });
    await store.put(newKey(), patterned(5, 3), { ifAbsent: true });
    assert.deepEqual(await readdir(join(h.dir, 'tmp')), []);
  });

  test('a write that died before its rename leaves no readable object', async (t) => {
    const h = await fsHarness();
    t.after(() => h.teardown());
    let store = await h.open();
    const key = newKey('.report');
    // The state a crash between write and rename leaves: a partial temp file, no object.
    const temp = join(h.dir, 'tmp', `${randomBytes(16).toString('hex')}.tmp`);
    await writeFile(temp, patterned(100, 1).subarray(0, 37));
    assert.equal(await store.get(key), undefined);
    assert.equal(await store.put(key, patterned(100, 1), { ifAbsent: true }), true);
    assert.deepEqual(await store.get(key), patterned(100, 1));
    // The leftover is young, so it survives a reopen with the default age; not with age 0.
    await store.close();
    store = await FsBlobStore.open(h.dir);
    assert.ok((await readdir(join(h.dir, 'tmp'))).includes(temp.split(/[\\/]/).pop()!));
    await store.close();
    store = await FsBlobStore.open(h.dir, { staleTempMs: 0 });
    assert.deepEqual(await readdir(join(h.dir, 'tmp')), []);
    assert.deepEqual(await store.get(key), patterned(100, 1));
  });

  test('a process killed mid-writes leaves each object whole or absent', async (t) => {
    const h = await fsHarness();
    t.after(() => h.teardown());
    const objectBytes = 16 * 1024 * 1024;
    const count = 40;
    const keyOf = (i: number) => createHash('sha256').update(`crash-${i}`).digest('hex');
    // Filled natively, so the child spends its time writing, and the kill lands mid-write.
    const bytesOf = (i: number) => new Uint8Array(objectBytes).fill(i + 1);
    const moduleUrl = new URL('./fs.ts', import.meta.url).href;
    const script = `
      import { FsBlobStore } from ${JSON.stringify(moduleUrl)};
      import { createHash } from 'node:crypto';
      const store = await FsBlobStore.open(${JSON.stringify(h.dir)});
      for (let i = 0; i < ${count}; i++) {
        const bytes = new Uint8Array(${objectBytes}).fill(i + 1);
        const key = createHash('sha256').update('crash-' + i).digest('hex');
        await store.put(key, bytes, { ifAbsent: i % 2 === 0 });
        process.stdout.write('done ' + i + '\\n');
      }`;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
      },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    // After its third object, kill it as soon as a later write has a temp file: mid-write.
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('done 2\n')) resolve();
      });
      child.on('exit', () => reject(new Error(`child exited early: ${output}`)));
    });
    const tmp = join(h.dir, 'tmp');
    const deadline = Date.now() + 20_000;
    while (!(await readdir(tmp)).some((name) => name.endsWith('.tmp')) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 1));
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');

    const store = await FsBlobStore.open(h.dir);
    let whole = 0;
    for (let i = 0; i < count; i++) {
      const read = await store.get(keyOf(i));
      if (read === undefined) continue;
      assert.ok(Buffer.from(read).equals(Buffer.from(bytesOf(i))), `object ${i} is not whole`);
      whole++;
    }
    assert.ok(whole >= 3 && whole < count, `whole objects: ${whole}`);
    // What the killed write left in tmp/ is swept by an open that deems it stale.
    await store.close();
    const swept = await FsBlobStore.open(h.dir, { staleTempMs: 0 });
    assert.deepEqual(await readdir(tmp), []);
    assert.ok(Buffer.from((await swept.get(keyOf(0)))!).equals(Buffer.from(bytesOf(0))));
  });

  test('stale temporary files are swept at open; young and foreign files stay', async (t) => {
    const h = await fsHarness();
    t.after(() => h.teardown());
    await (await h.open()).close();
    const tmp = join(h.dir, 'tmp');
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await writeFile(join(tmp, 'a.tmp'), 'partial');
    await utimes(join(tmp, 'a.tmp'), old, old);
    await writeFile(join(tmp, 'b.tmp'), 'partial');
    await utimes(join(tmp, 'b.tmp'), old, old);
    await writeFile(join(tmp, 'young.tmp'), 'in progress elsewhere');
    await writeFile(join(tmp, 'notes.txt'), 'not ours');
    await utimes(join(tmp, 'notes.txt'), old, old);
    await (await h.open()).close();
    assert.deepEqual((await readdir(tmp)).sort(), ['notes.txt', 'young.tmp']);
  });

  test('symlinks below the data directory are never followed', { skip: posixOnly }, async (t) => {
    const h = await fsHarness();
    t.after(() => h.teardown());
    const store = await h.open();
    const outside = join(h.dir, '..', 'outside');
    await mkdir(outside);
    const key = newKey();
    await writeFile(join(outside, key), 'secret outside the store');

    // A planted object symlink: get refuses it (O_NOFOLLOW), delete drops only the link.
    const shard = join(h.dir, 'objects', key.slice(0, 2));
    await mkdir(shard, { recursive: true });
    await symlink(join(outside, key), join(shard, key));
    await rejectsWithCode(store.get(key), 'STORE_UNAVAILABLE');
    await store.delete(key);
    assert.equal(await readFile(join(outside, key), 'utf8'), 'secret outside the store');

    // A planted shard-folder symlink: get, put and delete all refuse it.
    await rm(shard, { recursive: true });
    await symlink(outside, shard);
    await rejectsWithCode(store.get(key), 'STORE_UNAVAILABLE');
    await rejectsWithCode(store.put(key, patterned(3, 1)), 'STORE_UNAVAILABLE');
    await rejectsWithCode(store.delete(key), 'STORE_UNAVAILABLE');
    assert.equal(await readFile(join(outside, key), 'utf8'), 'secret outside the store');
    assert.deepEqual(await readdir(join(h.dir, 'tmp')), []);

    // A planted objects/ symlink stops the store from opening at all.
    const objects = join(h.dir, 'objects');
    await rm(objects, { recursive: true });
    await symlink(outside, objects);
    await rejectsWithCode(FsBlobStore.open(h.dir), 'STORE_UNAVAILABLE');
  });

  test('invalid directory settings are configuration errors', async () => {
    await rejectsWithCode(FsBlobStore.open(''), 'STORE_CONFIG_INVALID');
    await rejectsWithCode(FsBlobStore.open('/tmp/x\0y'), 'STORE_CONFIG_INVALID');
    await rejectsWithCode(
      FsBlobStore.open(join(tmpdir(), 'unused'), { staleTempMs: -1 }),
      'STORE_CONFIG_INVALID',
    );
    await rejectsWithCode(
      openStore({ kind: 'memory' } as unknown as Parameters<typeof openStore>[0]),
      'STORE_CONFIG_INVALID',
    );
  });
});

// ---------------------------------------------------------------------------------------
// S3 specifics

describe('S3BlobStore specifics', () => {
  let s3: LocalS3;
  let setupError: unknown;
  before(async () => {
    try {
      s3 = await startS3rver(['depwarden-specifics']);
    } catch (error) {
      setupError = error ?? new Error('setup failed');
    }
  });
  beforeEach(() => {
    if (setupError !== undefined) throw setupError;
  });
  after(() => s3?.stop());

  test('objects live under the prefix in the bucket', async (t) => {
    const store = new S3BlobStore(s3Config(s3.endpoint, 'depwarden-specifics', 'reports/v1/'));
    t.after(() => store.close());
    const key = newKey('.report');
    await store.put(key, patterned(9, 4));
    const raw = await store.client.send(
      new GetObjectCommand({ Bucket: 'depwarden-specifics', Key: `reports/v1/${key}` }),
    );
    assert.deepEqual(new Uint8Array(await raw.Body!.transformToByteArray()), patterned(9, 4));
    const unprefixed = new S3BlobStore(s3Config(s3.endpoint, 'depwarden-specifics', ''));
    t.after(() => unprefixed.close());
    assert.equal(await unprefixed.get(key), undefined);
  });

  test('a missing bucket is an error, not a missing object', async (t) => {
    const store = new S3BlobStore(s3Config(s3.endpoint, 'no-such-bucket'));
    t.after(() => store.close());
    await rejectsWithCode(store.get(newKey()), 'STORE_UNAVAILABLE');
    await rejectsWithCode(store.put(newKey(), patterned(3, 1)), 'STORE_UNAVAILABLE');
  });

  test('an unreachable endpoint is a coded error', async (t) => {
    // A port that was just free: connection refused, no network involved.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const store = new S3BlobStore({
      ...s3Config(`http://127.0.0.1:${port}`, 'depwarden-specifics'),
      maxAttempts: 1,
    });
    t.after(() => store.close());
    await rejectsWithCode(store.get(newKey()), 'STORE_UNAVAILABLE');
  });

  test('ifAbsent sends If-None-Match: * and maps 412 to "not written"', async (t) => {
    // A stand-in for servers that honour conditional writes (AWS, MinIO): HEAD says absent
    // (another writer wins the race in between), the conditional PUT is refused.
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        if (request.method === 'HEAD') {
          response.writeHead(404).end();
          return;
        }
        seen.push(request.headers);
        if (request.headers['if-none-match'] === '*') {
          response.writeHead(412, { 'content-type': 'application/xml' });
          response.end(
            '<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code>' +
              '<Message>At least one of the pre-conditions you specified did not hold</Message>' +
              '<Condition>If-None-Match</Condition></Error>',
          );
          return;
        }
        response.writeHead(200, { etag: '"0"' }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    const store = new S3BlobStore({
      ...s3Config(`http://127.0.0.1:${port}`, 'depwarden-specifics'),
      maxAttempts: 1,
    });
    t.after(() => store.close());
    assert.equal(await store.put(newKey(), patterned(3, 1), { ifAbsent: true }), false);
    assert.equal(seen[0]?.['if-none-match'], '*');
    assert.equal(await store.put(newKey(), patterned(3, 1)), true);
    assert.equal(seen[1]?.['if-none-match'], undefined);
  });

  test('invalid S3 settings are configuration errors, before any request', () => {
    const base = s3Config(s3.endpoint, 'depwarden-specifics');
    const before = s3.requests();
    const bad: Partial<ReturnType<typeof s3Config>>[] = [
      { bucket: 'A' },
      { bucket: 'ab' },
      { bucket: 'has_underscore' },
      { bucket: 'a..b' },
      { prefix: '/abs/' },
      { prefix: 'no-slash' },
      { prefix: '../up/' },
      { prefix: 'a/./b/' },
      { prefix: 'sp ace/' },
      { region: 'EU WEST' },
      { endpoint: 'ftp://127.0.0.1' },
      { endpoint: 'not a url' },
      { endpoint: 'http://user:pass@127.0.0.1' },
      { credentials: { accessKeyId: '', secretAccessKey: 'x' } },
    ];
    for (const override of bad)
      assert.throws(
        () => new S3BlobStore({ ...base, ...override }),
        (error: unknown) => isStoreError(error) && error.code === 'STORE_CONFIG_INVALID',
        JSON.stringify(override),
      );
    assert.throws(
      () => new S3BlobStore({ ...base, requestTimeoutMs: 0 }),
      (error: unknown) => isStoreError(error) && error.code === 'STORE_CONFIG_INVALID',
    );
    assert.equal(s3.requests(), before);
  });
});
