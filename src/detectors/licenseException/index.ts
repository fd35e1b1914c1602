/**
 * licenseException: The license expression carries a `WITH` exception (Classpath, LLVM, GCC runtime, …). One of the license checks that share one license
 * analysis per package (src/intel/license, src/intel/license-view.ts); this detector raises
 * that analysis' licenseException findings.
 */
import { defineDetector, reportFindings } from '../../analyzer/kit.js';
import { licenseOfPackage } from '../../intel/license-view.js';

export const detector = defineDetector({
  meta: {
    id: 'licenseException',
    version: 1,
    category: 'license',
    severity: 'low',
    title: 'License exception',
    description:
      'The license expression carries a `WITH` exception (Classpath, LLVM, GCC runtime, \u2026).',
  },
  package(view, report) {
    reportFindings(report, licenseOfPackage(view).findings, 'licenseException');
  },
});
