/**
 * explicitlyUnlicensedItem: The package is explicitly marked `UNLICENSED`: no rights are granted to use it. One of the license checks that share one license
 * analysis per package (src/intel/license, src/intel/license-view.ts); this detector raises
 * that analysis' explicitlyUnlicensedItem findings.
 */
import { defineDetector, reportFindings } from '../../analyzer/kit.js';
import { licenseOfPackage } from '../../intel/license-view.js';

export const detector = defineDetector({
  meta: {
    id: 'explicitlyUnlicensedItem',
    version: 1,
    category: 'license',
    severity: 'high',
    title: 'Explicitly unlicensed item',
    description: 'The package is explicitly marked `UNLICENSED`: no rights are granted to use it.',
  },
  package(view, report) {
    reportFindings(report, licenseOfPackage(view).findings, 'explicitlyUnlicensedItem');
  },
});
