/**
 * Renderers for `depwarden snapshot`: exactly what would leave the machine (each file's
 * path, size and SHA-256, the total and the snapshot id), plus what was skipped and why.
 * Pure: the snapshot's metadata in, a string out. File contents are never printed.
 */
import type { Problem } from '../errors/index.js';
import { formatSize } from '../util/size.js';
import { sanitize } from '../util/text.js';
import { renderProblems } from './problems.js';

export interface SnapshotView {
  id: string;
  files: readonly { path: string; size: number; sha256: string }[];
  skipped: readonly { path: string; reason: string; detail?: string }[];
  totalBytes: number;
  problems: readonly Problem[];
}

export function snapshotToJson(s: SnapshotView): object {
  return {
    snapshotId: s.id,
    files: s.files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 })),
    totalFiles: s.files.length,
    totalBytes: s.totalBytes,
    skipped: s.skipped.map((k) => ({
      path: k.path,
      reason: k.reason,
      ...(k.detail === undefined ? {} : { detail: k.detail }),
    })),
    problems: s.problems,
  };
}

export function renderSnapshotJson(s: SnapshotView): string {
  return `${JSON.stringify(snapshotToJson(s), null, 2)}\n`;
}

export function renderSnapshotText(s: SnapshotView): string {
  const lines = ['These files, and nothing else, make the dependency snapshot:', ''];
  const width = Math.max(4, ...s.files.map((f) => String(f.size).length));
  for (const f of s.files)
    lines.push(`  ${f.sha256}  ${String(f.size).padStart(width)}  ${sanitize(f.path)}`);
  if (s.files.length === 0) lines.push('  (none)');
  lines.push(
    '',
    `${s.files.length} file${s.files.length === 1 ? '' : 's'}, ${s.totalBytes} bytes (${formatSize(s.totalBytes)})`,
  );
  lines.push(`snapshot id ${s.id}`);
  if (s.skipped.length > 0) {
    lines.push('', 'Skipped:');
    for (const k of s.skipped)
      lines.push(
        `  ${sanitize(k.path)}  (${k.reason}${k.detail === undefined ? '' : `: ${k.detail}`})`,
      );
  }
  if (s.problems.length > 0) lines.push('', ...renderProblems(s.problems));
  return `${lines.join('\n')}\n`;
}
