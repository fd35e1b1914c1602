/**
 * noLicenseFound: No license information: no license field, no license file, no license section in the README. One of the license checks that share one license
 * analysis per package (src/intel/license, src/intel/license-view.ts); this detector raises
 * that analysis' noLicenseFound findings.
 */
import { defineDetector, reportFindings } from '../../analyzer/kit.js';
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
    reportFindings(report, licenseOfPackage(view).findings, 'noLicenseFound');
  },
});
