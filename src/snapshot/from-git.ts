/**
 * A snapshot of a git commit, read without a checkout: `git ls-tree` lists the commit's files,
 * only the six snapshot names are kept (outside node_modules, .git and .yarn, and outside the
 * commit's own socket.yml projectIgnorePaths), and `git cat-file` reads exactly those blobs.
 * Nothing is written, not even to the repository (no checkout, no worktree, no index).
 *
 * The snapshot has the id a checkout of that commit would have, because it goes through
 * snapshotFromFiles with the same limits. Symlinks are skipped, as the collector skips links
 * that point outside the tree (a commit cannot tell where a link points on disk).
 */
import { execFile, spawn } from 'node:child_process';
import { DepwardenError, type Problem } from '../errors/index.js';
import { projectIgnorer } from './ignore.js';
import { snapshotFromFiles } from './from-files.js';
import {
  ALWAYS_SKIPPED_FOLDERS,
  isSnapshotFileName,
  resolveLimits,
  sizeLimitFor,
  type SnapshotFileName,
  type SnapshotLimits,
} from './limits.js';
import { readRootConfig } from './root-config.js';
import type { Snapshot } from './types.js';

function git(repo: string, args: string[], maxBuffer = 64 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['-C', repo, ...args],
      { encoding: 'buffer', maxBuffer, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } },
      (err, stdout, stderr) => {
        if (err === null) return resolve(stdout);
        const code = (err as NodeJS.ErrnoException).code;
        const why =
          code === 'ENOENT'
            ? 'git is not installed'
            : stderr.toString('utf8').trim().split('\n')[0] || err.message;
        reject(new DepwardenError('GIT_FAILED', `git ${args[0]} failed in ${repo}: ${why}`));
      },
    );
  });
}

/** The blobs, in order, through one `git cat-file --batch` process. */
function readBlobs(repo: string, ids: readonly string[]): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-C', repo, 'cat-file', '--batch'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (err) =>
      reject(new DepwardenError('GIT_FAILED', `git cat-file failed: ${err.message}`)),
    );
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new DepwardenError('GIT_FAILED', `git cat-file exited with ${code}`));
        return;
      }
      const all = Buffer.concat(chunks);
      const out: Buffer[] = [];
      let at = 0;
      for (let i = 0; i < ids.length; i++) {
        const eol = all.indexOf(10, at);
        const header = all.subarray(at, eol).toString('latin1').split(' ');
        const size = Number(header[2]);
        if (header[1] !== 'blob' || !Number.isSafeInteger(size)) {
          reject(new DepwardenError('GIT_FAILED', `git cat-file: unexpected answer for ${ids[i]}`));
          return;
        }
        out.push(all.subarray(eol + 1, eol + 1 + size));
        at = eol + 1 + size + 1;
      }
      resolve(out);
    });
    child.stdin.end(ids.map((id) => `${id}\n`).join(''));
  });
}

export async function snapshotFromGit(
  repo: string,
  ref: string,
  options: { limits?: Partial<SnapshotLimits> } = {},
): Promise<Snapshot & { commit: string }> {
  if (ref.startsWith('-') || ref.includes('\0'))
    throw new DepwardenError('GIT_FAILED', `${JSON.stringify(ref)} is not a git ref`);
  const commit = (
    await git(repo, [
      'rev-parse',
      '--verify',
      '--quiet',
      '--end-of-options',
      `${ref}^{commit}`,
    ]).catch(() => {
      throw new DepwardenError('GIT_FAILED', `${JSON.stringify(ref)} is not a commit in ${repo}`);
    })
  )
    .toString('utf8')
    .trim();
  const limits = resolveLimits(options.limits);
  const listing = await git(repo, ['ls-tree', '-r', '-z', '--long', '--full-tree', commit]);
  const entries: { path: string; id: string; size: number }[] = [];
  for (const line of listing.toString('utf8').split('\0')) {
    if (line === '') continue;
    const tab = line.indexOf('\t');
    const [mode, type, id, size] = line.slice(0, tab).split(/\s+/);
    const path = line.slice(tab + 1);
    if (type !== 'blob' || mode === '120000' || id === undefined) continue;
    const segments = path.split('/');
    const name = segments[segments.length - 1] ?? '';
    if (!isSnapshotFileName(name)) continue;
    if (segments.slice(0, -1).some((s) => ALWAYS_SKIPPED_FOLDERS.has(s))) continue;
    if (segments.length - 1 > limits.maxDepth) continue;
    const bytes = Number(size);
    const { limit } = sizeLimitFor(name as SnapshotFileName, limits);
    if (bytes > limit)
      throw new DepwardenError(
        'SNAPSHOT_FILE_TOO_LARGE',
        `${path} at ${ref} is ${bytes} bytes, over the limit of ${limit}`,
        { file: path },
      );
    entries.push({ path, id, size: bytes });
  }
  if (entries.length > limits.maxFiles)
    throw new DepwardenError(
      'SNAPSHOT_TOO_MANY_FILES',
      `${ref} has ${entries.length} snapshot files, over the limit of ${limits.maxFiles}`,
    );
  const blobs = await readBlobs(
    repo,
    entries.map((e) => e.id),
  );
  let files = entries.map((e, i) => ({ path: e.path, bytes: blobs[i] as Buffer }));
  // The commit's own projectIgnorePaths, as the collector applies a checkout's.
  const { config } = readRootConfig(files);
  const problems: Problem[] = [];
  if (config !== undefined && config.projectIgnorePaths.length > 0) {
    const ig = projectIgnorer(config.projectIgnorePaths, files, problems);
    files = files.filter((f) => {
      const parts = f.path.split('/');
      for (let i = 1; i < parts.length; i++)
        if (ig.ignores(`${parts.slice(0, i).join('/')}/`)) return false;
      return !ig.ignores(f.path);
    });
  }
  const snapshot = snapshotFromFiles(files, { limits });
  return { ...snapshot, problems: [...snapshot.problems, ...problems], commit };
}
