/**
 * copyleftLicense: A copyleft license (GPL, LGPL, AGPL, MPL, EPL, EUPL, CC-BY-SA, …), with props saying whether it is weak, strong or network copyleft. One of the license checks that share one license
 * analysis per package (src/intel/license, src/intel/license-view.ts); this detector raises
 * that analysis' copyleftLicense findings.
 */
import { defineDetector, reportFindings } from '../../analyzer/kit.js';
import { licenseOfPackage } from '../../intel/license-view.js';

export const detector = defineDetector({
  meta: {
    id: 'copyleftLicense',
    version: 1,
    category: 'license',
    severity: 'low',
    title: 'Copyleft license',
    description:
      'A copyleft license (GPL, LGPL, AGPL, MPL, EPL, EUPL, CC-BY-SA, \u2026), with props saying whether it is weak, strong or network copyleft.',
  },
  package(view, report) {
    reportFindings(report, licenseOfPackage(view).findings, 'copyleftLicense');
  },
});
