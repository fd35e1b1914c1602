/**
 * missingAuthor: the npm account that published this version no longer exists on the
 * registry. A deleted account cannot fix or deprecate what it published, and its name can be
 * registered again by someone else. Asked of the registry's user documents
 * (`/-/user/org.couchdb.user:<name>`, a 404 means gone); a registry or mirror that does not
 * serve them, or a version without `_npmUser`, gives no alert.
 */
import { defineDetector } from '../../analyzer/kit.js';

export const detector = defineDetector({
  meta: {
    id: 'missingAuthor',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'middle',
    title: 'Non-existent author',
    description: 'The npm account that published this version no longer exists.',
  },
  registry(view, report) {
    const publisher = view.entry?.publisher;
    if (publisher === undefined || view.publisherExists !== false) return;
    report({
      message: `published by ${publisher}, an npm account that no longer exists`,
      evidence: [{ file: 'package.json' }],
      props: { author: publisher },
    });
  },
});
