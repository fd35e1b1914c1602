/**
 * explicitlyUnlicensedItem: The package is explicitly marked `UNLICENSED`: no rights are granted to use it. One of the license checks that share one license
 * analysis per package (src/intel/license, src/intel/license-view.ts); this detector raises
 * that analysis' explicitlyUnlicensedItem findings.
 */
import { defineDetector } from '../../analyzer/kit.js';
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
    for (const f of licenseOfPackage(view).findings)
      if (f.type === 'explicitlyUnlicensedItem')
        report({
          message: f.message,
          severity: f.severity,
          confidence: f.confidence,
          evidence: f.evidence,
          props: f.props,
        });
  },
});
