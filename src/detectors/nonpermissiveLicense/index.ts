/**
 * nonpermissiveLicense: A license not known to be permissive: non-commercial, source-available or proprietary terms (CC-BY-NC, SSPL, BUSL, Elastic, Commons Clause, "Commercial"). One of the license checks that share one license
 * analysis per package (src/intel/license, src/intel/license-view.ts); this detector raises
 * that analysis' nonpermissiveLicense findings.
 */
import { defineDetector, reportFindings } from '../../analyzer/kit.js';
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
    reportFindings(report, licenseOfPackage(view).findings, 'nonpermissiveLicense');
  },
});
