/**
 * unstableOwnership: this version was published by an account that was neither a maintainer
 * of the version before it nor a previous publisher: the shape of an ownership transfer or an
 * account takeover. Needs `_npmUser` for this version and the maintainers of the previous one
 * (full packuments); without them it says nothing.
 */
import { defineDetector } from '../../analyzer/kit.js';
import { earlierVersions } from '../../intel/times.js';
import { previousVersion } from '../../intel/history.js';

export const detector = defineDetector({
  meta: {
    id: 'unstableOwnership',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'high',
    title: 'Unstable ownership',
    description:
      'A new collaborator, not a maintainer of the previous version, published this one.',
  },
  registry(view, report) {
    const publisher = view.entry?.publisher;
    const before = previousVersion(view.packument, view.version);
    const prev = before === undefined ? undefined : view.packument.versions.get(before);
    if (publisher === undefined || prev?.maintainers === undefined || prev.maintainers.length === 0)
      return;
    if (prev.maintainers.includes(publisher)) return;
    if (earlierVersions(view.packument, view.version).some((v) => v.publisher === publisher))
      return;
    report({
      message: `published by ${publisher}, who was not a maintainer of ${before} (${prev.maintainers.slice(0, 5).join(', ')})`,
      evidence: [{ file: 'package.json' }],
      props: { author: publisher, previousMaintainers: prev.maintainers.slice(0, 20) },
    });
  },
});
