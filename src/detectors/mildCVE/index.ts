/**
 * mildCVE: a known vulnerability of low (CVSS under 4.0, or labelled LOW) affects this exact version, per the local OSV
 * database (`depwarden db update`) matched as the OSV schema evaluates ranges. One alert per
 * advisory, with its ids, aliases, summary, CVSS score and vector, and the first fixed version.
 */
import { defineDetector, reportFindings } from '../../analyzer/kit.js';
import { advisoryAlertsOf } from '../../intel/advisory-view.js';

export const detector = defineDetector({
  meta: {
    id: 'mildCVE',
    version: 1,
    category: 'vulnerability',
    severity: 'low',
    title: 'Low CVE',
    description: 'A known vulnerability of low severity affects this version.',
  },
  registry(view, report) {
    reportFindings(report, advisoryAlertsOf(view), 'mildCVE');
  },
});
