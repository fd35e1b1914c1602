/**
 * nonpermissiveLicense: A license not known to be permissive: non-commercial, source-available or proprietary terms (CC-BY-NC, SSPL, BUSL, Elastic, Commons Clause, "Commercial"). One of the license checks that share one license
 * analysis per package (src/intel/license, src/intel/license-view.ts); this detector raises
 * that analysis' nonpermissiveLicense findings.
 */
import { defineDetector } from '../../analyzer/kit.js';
import { licenseOfPackage } from '../../intel/license-view.js';

export const detector = defineDetector({
  meta: {
    id: 'nonpermissiveLicense',
    version: 1,
    category: 'license',
    severity: 'low',
    title: 'Non-permissive license',
    description:
      'A license not known to be permissive: non-commercial, source-available or proprietary terms (CC-BY-NC, SSPL, BUSL, Elastic, Commons Clause, "Commercial").',
  },
  package(view, report) {
    for (const f of licenseOfPackage(view).findings)
      if (f.type === 'nonpermissiveLicense')
        report({
          message: f.message,
          severity: f.severity,
          confidence: f.confidence,
          evidence: f.evidence,
          props: f.props,
        });
  },
});
