/**
 * criticalCVE: a known vulnerability of critical (CVSS 9.0 or more, or labelled CRITICAL) affects this exact version, per the local OSV
 * database (`depwarden db update`) matched as the OSV schema evaluates ranges. One alert per
 * advisory, with its ids, aliases, summary, CVSS score and vector, and the first fixed version.
 */
import { defineDetector, reportFindings } from '../../analyzer/kit.js';
import { advisoryAlertsOf } from '../../intel/advisory-view.js';

export const detector = defineDetector({
  meta: {
    id: 'criticalCVE',
    version: 1,
    category: 'vulnerability',
    severity: 'critical',
    title: 'Critical CVE',
    description: 'A known vulnerability of critical severity affects this version.',
  },
  registry(view, report) {
    reportFindings(report, advisoryAlertsOf(view), 'criticalCVE');
  },
});
