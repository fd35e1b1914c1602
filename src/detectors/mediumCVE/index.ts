/**
 * mediumCVE: a known vulnerability of medium (CVSS 4.0 to 6.9, or labelled MODERATE) affects this exact version, per the local OSV
 * database (`depwarden db update`) matched as the OSV schema evaluates ranges. One alert per
 * advisory, with its ids, aliases, summary, CVSS score and vector, and the first fixed version.
 */
import { defineDetector, reportFindings } from '../../analyzer/kit.js';
import { advisoryAlertsOf } from '../../intel/advisory-view.js';

export const detector = defineDetector({
  meta: {
    id: 'mediumCVE',
    version: 1,
    category: 'vulnerability',
    severity: 'middle',
    title: 'Medium CVE',
    description: 'A known vulnerability of medium severity affects this version.',
  },
  registry(view, report) {
    reportFindings(report, advisoryAlertsOf(view), 'mediumCVE');
  },
});
