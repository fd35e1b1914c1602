/**
 * majorRefactor: most of the package's code is new or changed since the version before it, or
 * it grew several times over, in a release that does not announce it with a major version.
 * Rewrites belong in major releases; a patch release whose code is mostly new is either a
 * careless release or a replaced package. Compared by file hashes of JS/TS files.
 */
import semver from 'semver';
import { defineDetector } from '../../analyzer/kit.js';
import { codeChange } from '../../intel/history.js';

/** Share of the new version's code that is new or changed. */
const CHANGED_SHARE = 0.5;
/** Growth factor of the code, and the least growth in bytes that counts. */
const GROWTH = 4;
const MIN_BYTES = 2048;

export const detector = defineDetector({
  meta: {
    id: 'majorRefactor',
    version: 1,
    category: 'maintenance',
    severity: 'low',
    title: 'Major refactor',
    description:
      'Most of the code changed, or it grew several times over, without a major version.',
  },
  registry(view, report) {
    const previous = view.previous;
    if (previous === undefined) return;
    const a = semver.parse(previous.version);
    const b = semver.parse(view.version);
    if (a === null || b === null || b.major !== a.major || (a.major === 0 && b.minor !== a.minor))
      return; // a major (or 0.x minor) release may rewrite everything
    const change = codeChange(previous, view.current);
    if (change.changedBytes < MIN_BYTES) return;
    const share = change.changedBytes / Math.max(1, change.afterBytes);
    const grew = change.afterBytes >= GROWTH * Math.max(1, change.beforeBytes);
    if (share < CHANGED_SHARE && !grew) return;
    report({
      message: `${Math.round(share * 100)}% of the code is new or changed since ${previous.version} (${change.beforeBytes} → ${change.afterBytes} bytes)`,
      evidence: change.changedFiles.slice(0, 5).map((file) => ({ file })),
      props: {
        prevVersion: previous.version,
        prevSize: change.beforeBytes,
        curSize: change.afterBytes,
        changedPercent: Math.round(share * 100),
      },
    });
  },
});
