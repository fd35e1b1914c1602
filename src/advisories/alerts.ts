/**
 * Advisories → alerts, the way the leading tool names them (reference/socket.md §1.5):
 * a known-malware record becomes one `malware` alert (supply-chain risk, critical, `basis:
 * 'known'`), and each vulnerability becomes `criticalCVE`, `cve`, `mediumCVE` or `mildCVE`
 * after its severity (category `vulnerability`).
 *
 * Severity comes from the record's CVSS vector when it has one, v3 before v4, and from
 * GitHub's label otherwise. v3 first because GitHub's labels follow it: on the real records
 * in shared/corpus/osv every v3 score falls in the band of the record's label, while three
 * of the four records that also carry a v4 vector score LOW in v4 under a MODERATE label.
 */
import type { Alert, Severity } from '../analyzer/kit.js';
import { cvssRating, cvssScore, type CvssRating, type CvssScore } from './cvss.js';
import { describeAffected, firstPatchedVersion } from './match.js';
import type { Advisory, SeverityLabel } from './types.js';

export type CveAlertType = 'criticalCVE' | 'cve' | 'mediumCVE' | 'mildCVE';

export const CVE_ALERT_TYPES: Readonly<Record<Severity, CveAlertType>> = {
  critical: 'criticalCVE',
  high: 'cve',
  middle: 'mediumCVE',
  low: 'mildCVE',
};

const LABEL_SEVERITY: Readonly<Record<SeverityLabel, Severity>> = {
  CRITICAL: 'critical',
  HIGH: 'high',
  MODERATE: 'middle',
  LOW: 'low',
};

/** A 0.0 score ("none") still names a known advisory: the mildest alert, not none. */
const RATING_SEVERITY: Readonly<Record<CvssRating, Severity>> = {
  critical: 'critical',
  high: 'high',
  medium: 'middle',
  low: 'low',
  none: 'low',
};

export interface AdvisorySeverity {
  severity: Severity;
  /** What decided it: a CVSS vector, GitHub's label, or neither (then `middle`). */
  from: 'cvss' | 'label' | 'none';
  cvss?: CvssScore;
}

/** The severity of an advisory: CVSS v3 score, else v4 score, else label, else middle. */
export function advisorySeverity(advisory: Advisory): AdvisorySeverity {
  const cvss = bestCvss(advisory);
  if (cvss !== undefined) {
    return { severity: RATING_SEVERITY[cvssRating(cvss.score)], from: 'cvss', cvss };
  }
  if (advisory.severityLabel !== undefined)
    return { severity: LABEL_SEVERITY[advisory.severityLabel], from: 'label' };
  return { severity: 'middle', from: 'none' };
}

function bestCvss(advisory: Advisory): CvssScore | undefined {
  for (const type of ['CVSS_V3', 'CVSS_V4'] as const) {
    for (const entry of advisory.cvss) {
      if (entry.type !== type) continue;
      const score = cvssScore(entry.vector);
      if (score !== undefined) return score;
    }
  }
  return undefined;
}

/** The page people read about an advisory: GitHub's for GHSA ids, OSV.dev's otherwise. */
export function advisoryUrl(id: string): string {
  return id.startsWith('GHSA-')
    ? `https://github.com/advisories/${id}`
    : `https://osv.dev/vulnerability/${id}`;
}

/**
 * Alerts for the advisories that matched `name@version` (from `db.match`). All malware
 * records of the package make one `malware` alert; vulnerabilities make one alert each,
 * skipping one whose id another already listed as an alias (the same flaw twice).
 */
export function advisoryAlerts(
  advisories: readonly Advisory[],
  name: string,
  version: string,
): Alert[] {
  const alerts: Alert[] = [];
  const malware = advisories.filter((a) => a.malicious);
  if (malware.length > 0) alerts.push(malwareAlert(malware, name, version));
  const seen = new Set<string>();
  const vulnerabilities = advisories
    .filter((a) => !a.malicious)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const advisory of vulnerabilities) {
    if (
      seen.has(advisory.id) ||
      advisory.aliases.some((alias) => seen.has(alias) && alias.startsWith('GHSA-'))
    )
      continue;
    seen.add(advisory.id);
    for (const alias of advisory.aliases) seen.add(alias);
    alerts.push(cveAlert(advisory, name, version));
  }
  return alerts;
}

function cveAlert(advisory: Advisory, name: string, version: string): Alert {
  const { severity, cvss } = advisorySeverity(advisory);
  const fixed = firstPatchedVersion(advisory.ranges, version);
  const props: Record<string, unknown> = {
    id: advisory.id,
    aliases: advisory.aliases,
    summary: advisory.summary,
  };
  if (advisory.id.startsWith('GHSA-')) props.ghsaId = advisory.id;
  const cve = [advisory.id, ...advisory.aliases].find((a) => a.startsWith('CVE-'));
  if (cve !== undefined) props.cveId = cve;
  if (advisory.severityLabel !== undefined) props.severity = advisory.severityLabel;
  if (cvss !== undefined)
    props.cvss = { score: cvss.score, vector: cvss.vector, version: cvss.version };
  if (advisory.cwes.length > 0) props.cwes = advisory.cwes;
  props.vulnerableVersions = describeAffected(advisory.ranges, advisory.versions);
  if (fixed !== undefined) props.firstPatchedVersion = fixed;
  if (advisory.unparsedBounds !== undefined) props.unparsedBounds = advisory.unparsedBounds;
  props.url = advisoryUrl(advisory.id);
  const title = advisory.summary === '' ? advisory.id : `${advisory.summary} (${advisory.id})`;
  return {
    type: CVE_ALERT_TYPES[severity],
    category: 'vulnerability',
    severity,
    // A bound we could not read made the match conservative: less than certain.
    confidence: advisory.unparsedBounds === undefined ? 1 : 0.5,
    message: `${name}@${version}: ${title}; ${fixed === undefined ? 'no fixed version above it' : `fixed in ${fixed}`}`,
    // The advisory names the package version, which package.json declares.
    evidence: [{ file: 'package.json', snippet: `${name}@${version}` }],
    props,
  };
}

function malwareAlert(malware: readonly Advisory[], name: string, version: string): Alert {
  // The MAL record first when there is one: OpenSSF's id is the malware-specific one.
  const sorted = [...malware].sort(
    (a, b) =>
      Number(b.id.startsWith('MAL-')) - Number(a.id.startsWith('MAL-')) || (a.id < b.id ? -1 : 1),
  );
  const primary = sorted[0]!;
  return {
    type: 'malware',
    category: 'supplyChainRisk',
    severity: 'critical',
    confidence: 1,
    message: `${name}@${version} is known malware: ${primary.summary === '' ? primary.id : primary.summary} (${sorted.map((a) => a.id).join(', ')})`,
    evidence: [{ file: 'package.json', snippet: `${name}@${version}` }],
    props: {
      id: primary.id,
      ids: sorted.map((a) => a.id),
      aliases: [...new Set(sorted.flatMap((a) => a.aliases))],
      summary: primary.summary,
      url: advisoryUrl(primary.id),
    },
    basis: 'known',
  };
}
