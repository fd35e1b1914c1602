/**
 * deprecatedLicense: The license uses a deprecated SPDX id (`GPL-2.0` instead of `GPL-2.0-only`, `GPL-2.0+`, `LGPL-2.1`, …). One of the license checks that share one license
 * analysis per package (src/intel/license, src/intel/license-view.ts); this detector raises
 * that analysis' deprecatedLicense findings.
 */
import { defineDetector, reportFindings } from '../../analyzer/kit.js';
import { licenseOfPackage } from '../../intel/license-view.js';

export const detector = defineDetector({
  meta: {
    id: 'deprecatedLicense',
    version: 1,
    category: 'license',
    severity: 'low',
    title: 'Deprecated license',
    description:
      'The license uses a deprecated SPDX id (`GPL-2.0` instead of `GPL-2.0-only`, `GPL-2.0+`, `LGPL-2.1`, \u2026).',
  },
  package(view, report) {
    reportFindings(report, licenseOfPackage(view).findings, 'deprecatedLicense');
  },
});
