/**
 * provenanceDropped (our own slug): the version before this one was published with an npm
 * provenance attestation and this one was not. Projects that publish from CI with provenance
 * do so every time; a version without it was most likely published from somewhere else, by
 * hand, with a stolen token: the pattern of the 2025 npm account compromises. Needs a full
 * packument (attestations are not in abbreviated ones); otherwise it says nothing.
 */
import { defineDetector } from '../../analyzer/kit.js';
import { previousVersion } from '../../intel/history.js';

export const detector = defineDetector({
  meta: {
    id: 'provenanceDropped',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'high',
    title: 'Provenance dropped',
    description: 'The previous version had a provenance attestation and this one has none.',
  },
  registry(view, report) {
    if (view.entry?.provenance !== false) return;
    const before = previousVersion(view.packument, view.version);
    const prev = before === undefined ? undefined : view.packument.versions.get(before);
    if (prev?.provenance !== true) return;
    report({
      message: `${before} was published with a provenance attestation; ${view.version} has none`,
      evidence: [{ file: 'package.json' }],
      props: { prevVersion: before },
    });
  },
});
