/**
 * noLicenseFound: No license information: no license field, no license file, no license section in the README. One of the license checks that share one license
 * analysis per package (src/intel/license, src/intel/license-view.ts); this detector raises
 * that analysis' noLicenseFound findings.
 */
import { defineDetector } from '../../analyzer/kit.js';
import { licenseOfPackage } from '../../intel/license-view.js';

export const detector = defineDetector({
  meta: {
    id: 'noLicenseFound',
    version: 1,
    category: 'license',
    severity: 'low',
    title: 'No license found',
    description:
      'No license information: no license field, no license file, no license section in the README.',
  },
  package(view, report) {
    for (const f of licenseOfPackage(view).findings)
      if (f.type === 'noLicenseFound')
        report({
          message: f.message,
          severity: f.severity,
          confidence: f.confidence,
          evidence: f.evidence,
          props: f.props,
        });
  },
});
