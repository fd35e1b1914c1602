/**
 * newAuthor: the account that published this version never published an earlier version of
 * the package. Ordinary when a team grows; also the first sign of a takeover. Publishers come
 * from `_npmUser`; when the registry omits it for this version or for every earlier one, the
 * check says nothing.
 */
import { defineDetector } from '../../analyzer/kit.js';
import { earlierVersions } from '../../intel/times.js';

export const detector = defineDetector({
  meta: {
    id: 'newAuthor',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'low',
    title: 'New author',
    description:
      'The version was published by an account that never published this package before.',
  },
  registry(view, report) {
    const publisher = view.entry?.publisher;
    if (publisher === undefined) return;
    const earlier = earlierVersions(view.packument, view.version).filter(
      (v) => v.publisher !== undefined,
    );
    if (earlier.length === 0 || earlier.some((v) => v.publisher === publisher)) return;
    const prev = earlier[earlier.length - 1]!;
    report({
      message: `published by ${publisher}, who never published ${view.name} before (previous: ${prev.publisher} for ${prev.version})`,
      evidence: [{ file: 'package.json' }],
      props: { newAuthor: publisher, prevAuthor: prev.publisher },
    });
  },
});
