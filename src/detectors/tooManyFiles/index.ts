/**
 * tooManyFiles: the package ships an unusually large number of files. Usually an accident
 * (test fixtures, a vendored node_modules, build caches published by a missing `files` list)
 * that slows every install; occasionally a way to bury one file among thousands.
 *
 * Threshold: more than TOO_MANY_FILES (1,000) entries. Large but legitimate packages (icon sets,
 * per-function libraries like lodash or date-fns, typescript's lib files) cross it too, which is
 * why the alert is a low-severity quality note, not a risk. The count is the tarball's own file
 * list, itself bounded by the tarball reader's entry limit.
 */
import { defineDetector } from '../../analyzer/kit.js';

export const TOO_MANY_FILES = 1000;

/** Folders whose presence usually explains the count; reported to help the reader. */
const NOISE = /^(node_modules|\.git|\.cache|coverage|test|tests|__tests__|fixtures|\.nyc_output)\//;

export const detector = defineDetector({
  meta: {
    id: 'tooManyFiles',
    version: 1,
    category: 'quality',
    severity: 'low',
    title: 'Too many files',
    description: `The package ships more than ${TOO_MANY_FILES} files.`,
  },
  package(pkg, report) {
    const count = pkg.files.length;
    if (count <= TOO_MANY_FILES) return;
    const noise = new Map<string, number>();
    for (const f of pkg.files) {
      const m = NOISE.exec(f.path);
      if (m !== null) noise.set(m[1] as string, (noise.get(m[1] as string) ?? 0) + 1);
    }
    const folders = [...noise.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k}/ (${n})`);
    report({
      message: `ships ${count} files (threshold ${TOO_MANY_FILES})${folders.length > 0 ? `, including ${folders.join(', ')}` : ''}`,
      evidence: [{ file: 'package.json' }],
      props: {
        fileCount: count,
        threshold: TOO_MANY_FILES,
        ...(folders.length > 0 ? { folders } : {}),
      },
    });
  },
});
