/**
 * cve: a known vulnerability of high (CVSS 7.0 to 8.9, or labelled HIGH) affects this exact version, per the local OSV
 * database (`depwarden db update`) matched as the OSV schema evaluates ranges. One alert per
 * advisory, with its ids, aliases, summary, CVSS score and vector, and the first fixed version.
 */
import { defineDetector, reportFindings } from '../../analyzer/kit.js';
import { advisoryAlertsOf } from '../../intel/advisory-view.js';

export const detector = defineDetector({
  meta: {
    id: 'cve',
    version: 1,
    category: 'vulnerability',
    severity: 'high',
    title: 'High CVE',
    description: 'A known vulnerability of high severity affects this version.',
  },
  registry(view, report) {
    reportFindings(report, advisoryAlertsOf(view), 'cve');
  },
});
