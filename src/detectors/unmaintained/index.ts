/**
 * unmaintained: no version of the package was published for `unmaintainedYears` (default 5).
 * Read from the packument's `time`; a registry that omits it says nothing.
 */
import { defineDetector } from '../../analyzer/kit.js';
import { lastPublish } from '../../intel/times.js';

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

export const detector = defineDetector({
  meta: {
    id: 'unmaintained',
    version: 1,
    category: 'maintenance',
    severity: 'low',
    title: 'Unmaintained',
    description: 'No release of the package for several years (default 5).',
  },
  registry(view, report) {
    const last = lastPublish(view.packument);
    if (last === undefined) return;
    const years = (view.now.getTime() - last.getTime()) / YEAR_MS;
    if (years < view.options.unmaintainedYears) return;
    report({
      message: `no release for ${Math.floor(years)} years (last: ${last.toISOString().slice(0, 10)})`,
      evidence: [{ file: 'package.json' }],
      props: { lastPublish: last.toISOString() },
    });
  },
});
