// snapshotFromFiles: the server-side twin of the collector. Same ids, same limits, and every
// path that the collector could not have produced is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { DepwardenError } from '../errors/index.js';
import { computeSnapshotId, snapshotFromFiles, snapshotPathProblem } from './index.js';

const f = (path: string, content = '{}') => ({ path, bytes: Buffer.from(content) });

void test('builds the same snapshot as the collector would: sorted, hashed, config parsed', () => {
  const snap = snapshotFromFiles([
    f('b/package.json'),
    f('socket.yml', 'version: 2\nprojectIgnorePath: [x]\n'),
    f('a/yarn.lock', '# lock'),
  ]);
  assert.deepEqual(
    snap.files.map((x) => x.path),
    ['a/yarn.lock', 'b/package.json', 'socket.yml'],
  );
  assert.equal(snap.id, computeSnapshotId(snap.files));
  assert.equal(snap.totalBytes, 6 + 2 + 34);
  assert.equal(snap.config?.version, 2);
  assert.deepEqual(
    snap.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.code}`),
    ['socket.yml:2:1 config-unknown-key'],
  );
  assert.deepEqual(snap.skipped, []);
});

void test('the bytes are copied', () => {
  const bytes = Buffer.from('{}');
  const snap = snapshotFromFiles([{ path: 'package.json', bytes }]);
  bytes[0] = 0x20;
  assert.equal(snap.files[0]!.bytes.toString(), '{}');
});

void test('invalid paths are refused', () => {
  const bad: [string, RegExp][] = [
    ['', /empty/],
    ['/package.json', /absolute/],
    ['C:/package.json', /absolute/],
    ['a/../package.json', /".." segment/],
    ['./package.json', /"\." segment/],
    ['a//package.json', /empty segment/],
    ['a/package.json/', /empty segment/],
    ['a\\package.json', /backslash/],
    ['a\0/package.json', /NUL/],
    ['index.js', /file name/],
    ['Package.json', /file name/],
    ['package.json.bak', /file name/],
    ['a/\uD800/package.json', /well-formed/],
  ];
  for (const [path, reason] of bad) {
    assert.match(snapshotPathProblem(path) ?? 'accepted', reason, JSON.stringify(path));
    assert.throws(
      () => snapshotFromFiles([f(path)]),
      (err: unknown) =>
        err instanceof DepwardenError &&
        err.code === 'SNAPSHOT_INVALID_PATH' &&
        reason.test(err.message),
      JSON.stringify(path),
    );
  }
  for (const ok of ['package.json', 'a b/ü/\u{1F600}/pnpm-lock.yaml', '...x/socket.yaml']) {
    assert.equal(snapshotPathProblem(ok), undefined, ok);
  }
});

void test('duplicates are refused', () => {
  assert.throws(
    () => snapshotFromFiles([f('package.json'), f('package.json', '{"a":1}')]),
    (err: unknown) =>
      err instanceof DepwardenError &&
      err.code === 'SNAPSHOT_INVALID_PATH' &&
      /Duplicate/.test(err.message),
  );
});

void test('the collector limits apply', () => {
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return err instanceof DepwardenError ? `${err.code} ${err.file ?? ''}` : String(err);
    }
    return 'no error';
  };
  assert.equal(
    code(() =>
      snapshotFromFiles([f('a/package.json', 'x'.repeat(11))], {
        limits: { maxManifestBytes: 10 },
      }),
    ),
    'SNAPSHOT_FILE_TOO_LARGE a/package.json',
  );
  assert.equal(
    code(() =>
      snapshotFromFiles([f('socket.yml', 'x'.repeat(11))], { limits: { maxConfigBytes: 10 } }),
    ),
    'SNAPSHOT_FILE_TOO_LARGE socket.yml',
  );
  assert.equal(
    code(() =>
      snapshotFromFiles([f('a/package.json'), f('package.json')], { limits: { maxFiles: 1 } }),
    ),
    'SNAPSHOT_TOO_MANY_FILES ',
  );
  assert.equal(
    code(() =>
      snapshotFromFiles([f('a/yarn.lock', 'xx'), f('yarn.lock', 'xx')], {
        limits: { maxTotalBytes: 3 },
      }),
    ),
    'SNAPSHOT_TOO_LARGE yarn.lock',
  );
  assert.equal(
    code(() => snapshotFromFiles([f('a/b/c/package.json')], { limits: { maxDepth: 2 } })),
    'SNAPSHOT_TOO_DEEP a/b/c/package.json',
  );
  assert.equal(
    code(() => snapshotFromFiles([f('a/b/package.json')], { limits: { maxDepth: 2 } })),
    'no error',
  );
});
