/**
 * deprecated: the maintainer marked this version deprecated on the registry (`npm deprecate`),
 * usually with a reason: unsupported, superseded, insecure, renamed.
 */
import { defineDetector } from '../../analyzer/kit.js';

export const detector = defineDetector({
  meta: {
    id: 'deprecated',
    version: 1,
    category: 'maintenance',
    severity: 'middle',
    title: 'Deprecated',
    description: 'The maintainer marked this version deprecated on the registry.',
  },
  registry(view, report) {
    const reason = view.entry?.deprecated;
    // npm un-deprecates by setting the message to the empty string.
    if (reason === undefined || reason.trim() === '') return;
    report({
      message: `deprecated: ${reason.slice(0, 300)}`,
      evidence: [{ file: 'package.json' }],
      props: { reason: reason.slice(0, 1000) },
    });
  },
});
