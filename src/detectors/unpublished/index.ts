/**
 * unpublished: the version under analysis is not (or no longer) in the registry's packument:
 * unpublished, or published to another registry than the one configured.
 */
import { defineDetector } from '../../analyzer/kit.js';

export const detector = defineDetector({
  meta: {
    id: 'unpublished',
    version: 1,
    category: 'maintenance',
    severity: 'low',
    title: 'Unpublished package',
    description: 'The version is not in the registry (unpublished, or from another registry).',
  },
  registry(view, report) {
    if (view.entry !== undefined && view.packument.unpublished !== true) return;
    report({
      message:
        view.packument.unpublished === true
          ? `every version of ${view.name} was unpublished`
          : `${view.name}@${view.version} is not in the registry`,
      evidence: [{ file: 'package.json' }],
      props: { version: view.version },
    });
  },
});
