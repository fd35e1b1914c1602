// The "never modify source code" promise, proved: collect a snapshot of a read-only tree and
// show that nothing in it changed (bytes, mtimes of files and folders, no new entries). When
// the tests run as root, permissions do not stop root, so the tree is also handed to `nobody`
// and the collector runs again in a child process as that user, where a write would fail.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { collectSnapshot } from '../src/snapshot/index.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

const base = mkdtempSync(join(tmpdir(), 'depwarden-readonly-'));
const root = join(base, 'project');

after(() => {
  // Give write permission back so the temp folders can be deleted.
  execFileSync('chmod', ['-R', 'u+w', base]);
  if (isRoot) execFileSync('chown', ['-R', `${process.getuid!()}:${process.getgid!()}`, base]);
  rmSync(base, { recursive: true, force: true });
});

const TREE: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*'] }),
  'package-lock.json': JSON.stringify({ name: 'mono', lockfileVersion: 3, packages: {} }),
  'socket.yml':
    'version: 2\nprojectIgnorePaths:\n  - examples/\nissueRules:\n  installScripts: false\n',
  'packages/a/package.json': JSON.stringify({ name: 'a', dependencies: { b: '*' } }),
  'packages/b/package.json': JSON.stringify({ name: 'b' }),
  'packages/b/nested/app/package.json': JSON.stringify({ name: 'app' }),
  'packages/b/nested/app/pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
  'tools/yarn.lock': '# yarn lockfile v1\n',
  'examples/demo/package.json': '{"name":"ignored"}',
  'src/index.js': 'console.log("source code, never read")\n',
  '.npmrc': '//registry.npm.example/:_authToken=never-read\n',
  'Package.json': 'decoy',
  'node_modules/dep/package.json': '{"name":"dep"}',
  '.git/HEAD': 'ref: refs/heads/main\n',
};
const EXPECTED_FILES = [
  'package-lock.json',
  'package.json',
  'packages/a/package.json',
  'packages/b/nested/app/package.json',
  'packages/b/nested/app/pnpm-lock.yaml',
  'packages/b/package.json',
  'socket.yml',
  'tools/yarn.lock',
];

for (const [path, content] of Object.entries(TREE)) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}
writeFileSync(join(base, 'outside.json'), '{}');
symlinkSync(join(base, 'outside.json'), join(root, 'packages', 'a', 'package-lock.json'));

interface EntryState {
  kind: 'file' | 'dir' | 'link';
  mtimeNs: bigint;
  mode: number;
  bytes?: string;
}

/** Every entry under `dir` (links not followed) with its mtime, mode and, for files, bytes. */
function record(
  dir: string,
  rel = '',
  out = new Map<string, EntryState>(),
): Map<string, EntryState> {
  for (const name of readdirSync(dir).sort()) {
    const abs = join(dir, name);
    const path = rel === '' ? name : `${rel}/${name}`;
    const st = lstatSync(abs, { bigint: true });
    const common = { mtimeNs: st.mtimeNs, mode: Number(st.mode) };
    if (st.isSymbolicLink()) out.set(path, { kind: 'link', ...common });
    else if (st.isDirectory()) {
      out.set(path, { kind: 'dir', ...common });
      record(abs, path, out);
    } else out.set(path, { kind: 'file', ...common, bytes: readFileSync(abs).toString('base64') });
  }
  return out;
}

function rootState(): EntryState {
  const st = lstatSync(root, { bigint: true });
  return { kind: 'dir', mtimeNs: st.mtimeNs, mode: Number(st.mode) };
}

void test('collecting a read-only tree changes nothing in it', async () => {
  execFileSync('chmod', ['-R', 'a-w', root]);
  const before = record(root);
  const beforeRoot = rootState();
  const snap = await collectSnapshot(root);
  assert.deepEqual(
    snap.files.map((f) => f.path),
    EXPECTED_FILES,
  );
  assert.deepEqual(
    snap.skipped.map((s) => `${s.path} ${s.reason}`),
    ['examples ignored-by-config', 'packages/a/package-lock.json symlink'],
  );
  assert.deepEqual(record(root), before);
  assert.deepEqual(rootState(), beforeRoot);
});

void test('as an unprivileged owner (nobody), in process and in a child process running as nobody', async (t) => {
  if (!isRoot) {
    t.skip('not running as root: the tree already belongs to an ordinary user (the test above)');
    return;
  }
  execFileSync('chown', ['-R', '-h', `${NOBODY}:${NOBODY}`, base]);
  const before = record(root);
  const beforeRoot = rootState();
  const inProcess = await collectSnapshot(root);
  assert.deepEqual(
    inProcess.files.map((f) => f.path),
    EXPECTED_FILES,
  );
  assert.deepEqual(record(root), before);

  const script = `import('./src/snapshot/index.ts').then(async (m) => {
    const s = await m.collectSnapshot(process.env.DEPWARDEN_ROOT);
    process.stdout.write(JSON.stringify({ id: s.id, files: s.files.map((f) => f.path) }));
  })`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: repoRoot,
    uid: NOBODY,
    gid: NOBODY,
    env: { ...process.env, DEPWARDEN_ROOT: root, HOME: base },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (child.status !== 0 && /EACCES|ERR_MODULE_NOT_FOUND/.test(child.stderr)) {
    t.skip(`the repository is not readable by uid ${NOBODY}: ${child.stderr.split('\n')[0]}`);
    return;
  }
  assert.equal(child.status, 0, child.stderr);
  const result = JSON.parse(child.stdout) as { id: string; files: string[] };
  assert.deepEqual(result, { id: inProcess.id, files: EXPECTED_FILES });
  assert.deepEqual(record(root), before);
  assert.deepEqual(rootState(), beforeRoot);
});
