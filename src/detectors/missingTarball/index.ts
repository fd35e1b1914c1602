/**
 * missingTarball: the registry lists the version but serves no tarball for it (404).
 */
import { defineDetector } from '../../analyzer/kit.js';

export const detector = defineDetector({
  meta: {
    id: 'missingTarball',
    version: 1,
    category: 'maintenance',
    severity: 'low',
    title: 'Missing package tarball',
    description: 'The registry has metadata for the version but no tarball.',
  },
  registry(view, report) {
    if (view.tarballMissing !== true) return;
    report({
      message: `the registry lists ${view.name}@${view.version} but has no tarball for it`,
      evidence: [{ file: 'package.json' }],
    });
  },
});
