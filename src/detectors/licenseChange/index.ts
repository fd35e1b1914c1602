/**
 * licenseChange: the license in effect changed since the version before it (semver order),
 * judged on the license field and the root license files of both versions. A respelling of the
 * same license is not a change; a move to a more restrictive license (permissive to copyleft,
 * non-permissive or unlicensed) is more severe.
 */
import { defineDetector } from '../../analyzer/kit.js';
import { licenseChange } from '../../intel/license/index.js';
import { licenseOfVersion } from '../../intel/license-view.js';

export const detector = defineDetector({
  meta: {
    id: 'licenseChange',
    version: 1,
    category: 'license',
    severity: 'low',
    title: 'License change',
    description: 'The license changed since the previous version.',
  },
  registry(view, report) {
    if (view.previous === undefined) return;
    const f = licenseChange(licenseOfVersion(view.previous), licenseOfVersion(view.current));
    if (f === undefined) return;
    report({
      message: f.message,
      severity: f.severity,
      confidence: f.confidence,
      evidence: f.evidence,
      props: { prevVersion: view.previous.version, ...f.props },
    });
  },
});
