/**
 * unidentifiedLicense: A license field or license file that matches no known SPDX license, even after correcting common misspellings. One of the license checks that share one license
 * analysis per package (src/intel/license, src/intel/license-view.ts); this detector raises
 * that analysis' unidentifiedLicense findings.
 */
import { defineDetector, reportFindings } from '../../analyzer/kit.js';
import { licenseOfPackage } from '../../intel/license-view.js';

export const detector = defineDetector({
  meta: {
    id: 'unidentifiedLicense',
    version: 1,
    category: 'license',
    severity: 'low',
    title: 'Unidentified license',
    description:
      'A license field or license file that matches no known SPDX license, even after correcting common misspellings.',
  },
  package(view, report) {
    reportFindings(report, licenseOfPackage(view).findings, 'unidentifiedLicense');
  },
});
