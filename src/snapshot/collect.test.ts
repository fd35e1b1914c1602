// The collector on real trees in a temp folder: what it reads, what it refuses, what it
// reports as skipped, and its limits. Trees are built per test by `tree()`.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

import { DepwardenError } from '../errors/index.js';
import { collectSnapshot, computeSnapshotId, type Snapshot } from './index.js';

const temps: string[] = [];
after(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

type Spec = Record<string, string | { link: string } | 'dir'>;

/** Makes a fresh temp folder holding `spec` (path → content, {link: target} or 'dir'). */
function tree(spec: Spec): string {
  const root = mkdtempSync(join(tmpdir(), 'depwarden-collect-'));
  temps.push(root);
  for (const [path, value] of Object.entries(spec)) {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    if (value === 'dir') mkdirSync(abs, { recursive: true });
    else if (typeof value === 'string') writeFileSync(abs, value);
    else symlinkSync(value.link, abs);
  }
  return root;
}

const paths = (s: Snapshot) => s.files.map((f) => f.path);

async function rejects(
  promise: Promise<unknown>,
  code: string,
  file: string,
  message?: RegExp,
): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof DepwardenError, String(err));
    assert.equal(err.code, code);
    assert.equal(err.file, file);
    if (message !== undefined) assert.match(err.message, message);
    assert.ok(err.hint !== undefined && err.hint.length > 0);
    return true;
  });
}

const isRoot = process.getuid?.() === 0;

void test('collects exactly the six names at any depth, and nothing else', async () => {
  const root = tree({
    'package.json': '{"name":"root"}',
    'package-lock.json': '{}',
    'yarn.lock': '# yarn',
    'pnpm-lock.yaml': 'lockfileVersion: 9',
    'socket.yml': 'version: 2\n',
    'packages/a/package.json': '{"name":"a"}',
    'packages/a/deep/er/socket.yaml': 'nested: not parsed\n',
    // decoys
    '.npmrc': '//registry.npm.example/:_authToken=secret',
    'index.js': 'secret source',
    'Package.json': 'wrong case',
    'package.json.bak': 'backup',
    'packages/a/PACKAGE-LOCK.JSON': 'wrong case',
    'yarn.lock.d/x': 'no',
    'docs/pnpm-lock.yml': 'wrong extension',
    // a folder named like a lockfile is just a folder
    'other/yarn.lock/package.json': '{"name":"in-a-folder-named-yarn.lock"}',
    // always skipped folders, at any depth
    'node_modules/dep/package.json': '{}',
    'packages/a/node_modules/dep/package.json': '{}',
    '.git/package.json': '{}',
    '.yarn/cache/package.json': '{}',
  });
  const snap = await collectSnapshot(root);
  assert.deepEqual(paths(snap), [
    'other/yarn.lock/package.json',
    'package-lock.json',
    'package.json',
    'packages/a/deep/er/socket.yaml',
    'packages/a/package.json',
    'pnpm-lock.yaml',
    'socket.yml',
    'yarn.lock',
  ]);
  assert.deepEqual(snap.skipped, []);
  assert.deepEqual(snap.problems, []);
  const pkg = snap.files.find((f) => f.path === 'package.json')!;
  assert.equal(pkg.bytes.toString(), '{"name":"root"}');
  assert.equal(pkg.size, 15);
  assert.match(pkg.sha256, /^[0-9a-f]{64}$/);
  assert.equal(
    snap.totalBytes,
    snap.files.reduce((n, f) => n + f.size, 0),
  );
  assert.equal(snap.id, computeSnapshotId(snap.files));
  assert.equal(snap.config?.version, 2);
});

void test('the same tree gives the same id from any cwd, relative or absolute', async () => {
  const spec: Spec = { 'package.json': '{}', 'a/b/yarn.lock': 'x', 'socket.yml': 'version: 2\n' };
  const one = tree(spec);
  const two = tree(spec);
  const cwd = process.cwd();
  try {
    const a = await collectSnapshot(one);
    process.chdir(tmpdir());
    const b = await collectSnapshot(relative(tmpdir(), two));
    process.chdir(join(two, 'a'));
    const c = await collectSnapshot('..');
    assert.equal(a.id, b.id);
    assert.equal(a.id, c.id);
  } finally {
    process.chdir(cwd);
  }
});

void test('a changed byte in any file changes the id', async () => {
  const a = await collectSnapshot(tree({ 'package.json': '{}\n', 'x/yarn.lock': 'abc' }));
  const b = await collectSnapshot(tree({ 'package.json': '{}\n', 'x/yarn.lock': 'abd' }));
  assert.notEqual(a.id, b.id);
});

void test('an empty tree is an empty snapshot (the caller decides whether that is an error)', async () => {
  const snap = await collectSnapshot(tree({ 'src/index.js': 'x' }));
  assert.deepEqual(snap.files, []);
  assert.equal(snap.id, computeSnapshotId([]));
  assert.equal(snap.config, undefined);
});

void test('folders are ordered by UTF-8 bytes', async () => {
  const snap = await collectSnapshot(
    tree({ '\u{1F600}/package.json': '1', '\uFB01/package.json': '2' }),
  );
  assert.deepEqual(paths(snap), ['\uFB01/package.json', '\u{1F600}/package.json']);
});

void test('projectIgnorePaths (gitignore syntax, with negation) prunes the walk', async () => {
  const root = tree({
    'socket.yml': [
      'version: 2',
      'projectIgnorePaths:',
      '  - "packages/*"',
      '  - "!packages/keep"',
      '  - "**/fixtures/"',
      '  - "*.lock"',
      '  - "!/yarn.lock"',
      '  - "socket.yml"', // the root config is always part of the snapshot
      '',
    ].join('\n'),
    'package.json': '{}',
    'yarn.lock': 'root lock kept by negation',
    'packages/keep/package.json': '{}',
    'packages/drop/package.json': '{}',
    'packages/drop/sub/package.json': '{}',
    'packages/stray.txt': 'not a snapshot name',
    'packages/keep/yarn.lock': 'ignored by *.lock',
    'tools/fixtures/package.json': '{}',
  });
  const snap = await collectSnapshot(root);
  assert.deepEqual(paths(snap), [
    'package.json',
    'packages/keep/package.json',
    'socket.yml',
    'yarn.lock',
  ]);
  assert.deepEqual(snap.skipped, [
    {
      path: 'packages/drop',
      reason: 'ignored-by-config',
      detail: 'projectIgnorePaths: packages/*',
    },
    {
      path: 'packages/keep/yarn.lock',
      reason: 'ignored-by-config',
      detail: 'projectIgnorePaths: *.lock',
    },
    {
      path: 'tools/fixtures',
      reason: 'ignored-by-config',
      detail: 'projectIgnorePaths: **/fixtures/',
    },
  ]);
  assert.deepEqual(snap.config?.projectIgnorePaths.length, 6);
});

void test('socket.yml wins over socket.yaml, with a warning; both are snapshot files', async () => {
  const snap = await collectSnapshot(
    tree({
      'socket.yml': 'version: 2\nprojectIgnorePaths: ["a"]\n',
      'socket.yaml': 'version: 2\nprojectIgnorePaths: ["b"]\n',
      'a/package.json': '{}',
      'b/package.json': '{}',
    }),
  );
  assert.deepEqual(paths(snap), ['b/package.json', 'socket.yaml', 'socket.yml']);
  assert.deepEqual(snap.config?.projectIgnorePaths, ['a']);
  assert.deepEqual(
    snap.problems.map((p) => [p.code, p.severity, p.file]),
    [['config-both-files', 'warning', 'socket.yaml']],
  );
});

void test('config problems are returned with the snapshot; invalid YAML means default config', async () => {
  const snap = await collectSnapshot(
    tree({ 'socket.yaml': 'version: 2\nprojectIgnorePaths: [a\n', 'a/package.json': '{}' }),
  );
  assert.deepEqual(paths(snap), ['a/package.json', 'socket.yaml']);
  assert.deepEqual(snap.config?.projectIgnorePaths, []);
  assert.ok(
    snap.problems.some(
      (p) => p.code === 'config-invalid-yaml' && p.severity === 'error' && p.file === 'socket.yaml',
    ),
  );
});

void test('symlinks are reported, never followed, wherever they point', async () => {
  const outside = tree({
    'package.json': '{"name":"outside-secret"}',
    'pkg/package.json': '{"name":"outside"}',
  });
  const root = tree({
    'package.json': '{}',
    'inner/package.json': '{"name":"inner"}',
    'linked-file/package.json': { link: join(outside, 'package.json') },
    'linked-dir': { link: join(outside, 'pkg') },
    'inside-dir': { link: 'inner' },
    'inside-file/yarn.lock': { link: '../package.json' },
    loop: { link: 'loop' },
    'dangling/pnpm-lock.yaml': { link: 'nowhere' },
    'irrelevant.js': { link: join(outside, 'package.json') }, // not a snapshot name, not a folder
    'self-loop-dir': { link: '.' },
  });
  const snap = await collectSnapshot(root);
  assert.deepEqual(paths(snap), ['inner/package.json', 'package.json']);
  assert.deepEqual(snap.skipped, [
    { path: 'dangling/pnpm-lock.yaml', reason: 'symlink', detail: 'target missing' },
    { path: 'inside-dir', reason: 'symlink' },
    { path: 'inside-file/yarn.lock', reason: 'symlink' },
    { path: 'linked-dir', reason: 'symlink', detail: 'points outside the root' },
    { path: 'linked-file/package.json', reason: 'symlink', detail: 'points outside the root' },
    { path: 'loop', reason: 'symlink', detail: 'symlink loop' },
    { path: 'self-loop-dir', reason: 'symlink' },
  ]);
  assert.ok(!snap.files.some((f) => f.bytes.toString().includes('outside')));
});

void test(
  'a FIFO named package.json is refused without being opened (no hang)',
  { timeout: 10_000 },
  async () => {
    const root = tree({ 'package.json': '{}', 'sub/.keep': '' });
    execFileSync('mkfifo', [join(root, 'sub', 'package.json')]);
    await rejects(collectSnapshot(root), 'SNAPSHOT_SPECIAL_FILE', 'sub/package.json', /FIFO/);
  },
);

void test(
  'a FIFO with another name is ignored (never looked at)',
  { timeout: 10_000 },
  async () => {
    const root = tree({ 'package.json': '{}' });
    execFileSync('mkfifo', [join(root, 'pipe')]);
    assert.deepEqual(paths(await collectSnapshot(root)), ['package.json']);
  },
);

void test('size limits name the file, its size and the limit', async () => {
  const root = tree({
    'package.json': '{}',
    'a/package.json': 'x'.repeat(101),
    'b/yarn.lock': 'y'.repeat(300),
  });
  await rejects(
    collectSnapshot(root, { limits: { maxManifestBytes: 100 } }),
    'SNAPSHOT_FILE_TOO_LARGE',
    'a/package.json',
    /a\/package\.json is 101 bytes, over the maxManifestBytes limit of 100 bytes/,
  );
  await rejects(
    collectSnapshot(root, { limits: { maxLockfileBytes: 299 } }),
    'SNAPSHOT_FILE_TOO_LARGE',
    'b/yarn.lock',
    /300 bytes/,
  );
  await rejects(
    collectSnapshot(tree({ 'socket.yml': '#'.repeat(2000) }), { limits: { maxConfigBytes: 1000 } }),
    'SNAPSHOT_FILE_TOO_LARGE',
    'socket.yml',
  );
  await rejects(
    collectSnapshot(root, { limits: { maxTotalBytes: 400 } }),
    'SNAPSHOT_TOO_LARGE',
    'b/yarn.lock',
    /401 bytes/,
  );
  // exactly at the limit is fine
  const ok = await collectSnapshot(root, {
    limits: { maxManifestBytes: 101, maxLockfileBytes: 300, maxTotalBytes: 403 },
  });
  assert.equal(ok.totalBytes, 403);
});

void test('the file-count, depth and directory-entry limits name where they were hit', async () => {
  const root = tree({ 'a/package.json': '{}', 'b/package.json': '{}', 'c/package.json': '{}' });
  await rejects(
    collectSnapshot(root, { limits: { maxFiles: 2 } }),
    'SNAPSHOT_TOO_MANY_FILES',
    'c/package.json',
  );
  const deep = tree({ '1/2/3/4/package.json': '{}' });
  assert.deepEqual(paths(await collectSnapshot(deep, { limits: { maxDepth: 4 } })), [
    '1/2/3/4/package.json',
  ]);
  await rejects(
    collectSnapshot(deep, { limits: { maxDepth: 3 } }),
    'SNAPSHOT_TOO_DEEP',
    '1/2/3/4',
    /4 folder levels deep/,
  );
  // One crowded folder, so the folder named does not depend on the order folders are listed in.
  const crowded = tree({
    'a/package.json': '{}',
    'a/b/x1.txt': '',
    'a/b/x2.txt': '',
    'a/b/x3.txt': '',
    'a/b/x4.txt': '',
  });
  await rejects(
    collectSnapshot(crowded, { limits: { maxDirEntries: 4 } }),
    'SNAPSHOT_TOO_MANY_FILES',
    'a/b',
  );
});

void test('the walk is iterative: a very deep tree needs no recursion', async () => {
  const segments = Array.from({ length: 300 }, () => 'd');
  const root = tree({ [`${segments.join('/')}/package.json`]: '{}' });
  const snap = await collectSnapshot(root, { limits: { maxDepth: 300 } });
  assert.equal(snap.files.length, 1);
});

void test('an unreadable file is SNAPSHOT_UNREADABLE', async (t) => {
  if (isRoot) {
    t.skip('running as root: chmod 000 does not stop root from reading');
    return;
  }
  const root = tree({ 'a/package.json': '{}' });
  chmodSync(join(root, 'a', 'package.json'), 0o000);
  try {
    await rejects(collectSnapshot(root), 'SNAPSHOT_UNREADABLE', 'a/package.json', /EACCES/);
  } finally {
    chmodSync(join(root, 'a', 'package.json'), 0o644);
  }
});

void test('a missing root and a file root are refused', async () => {
  const root = tree({ 'package.json': '{}' });
  await rejects(collectSnapshot(join(root, 'nope')), 'PROJECT_NOT_FOUND', join(root, 'nope'));
  await rejects(
    collectSnapshot(join(root, 'package.json')),
    'PROJECT_NOT_DIRECTORY',
    join(root, 'package.json'),
  );
});

void test('a folder whose name is not UTF-8 is an error problem, not a mangled path', async (t) => {
  if (process.platform !== 'linux') {
    t.skip('only Linux filesystems allow such names');
    return;
  }
  const root = tree({ 'package.json': '{}' });
  mkdirSync(Buffer.concat([Buffer.from(`${root}/`), Buffer.from([0x66, 0xff])]));
  const snap = await collectSnapshot(root);
  assert.deepEqual(paths(snap), ['package.json']);
  assert.deepEqual(
    snap.problems.map((p) => [p.code, p.severity, p.file]),
    [['snapshot-name-not-utf8', 'error', '.']],
  );
});

void test('progress is reported per folder', async () => {
  const calls: [number, number][] = [];
  await collectSnapshot(tree({ 'package.json': '{}', 'a/package.json': '{}' }), {
    onProgress: (dirs, files) => calls.push([dirs, files]),
  });
  assert.deepEqual(calls, [
    [1, 1],
    [2, 2],
  ]);
});
