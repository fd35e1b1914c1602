/**
 * Writes src/alerts/catalogue.ts: one entry per known alert type, from two sources.
 *
 *   - Types a depwarden detector raises: its own metadata (title, category, severity,
 *     description), which is what users see, and its docs page.
 *   - The rest of the leading tool's catalogue (../shared/reference/socket.md §1.5), so a
 *     socket.yml naming any of them gets a title and a category: its title, category,
 *     severity ("medium" is our "middle"; unknown ones "low") and meaning.
 *
 * Default actions follow the leading tool's current default policy (§1.3, the "Default action"
 * column) except where DEPWARDEN_ACTIONS below says otherwise, with the reason. Suggestions
 * come from SUGGESTIONS, else from the category. Run after adding a detector:
 *   node --import tsx scripts/generate-alert-catalogue.ts
 * The catalogue test fails when the file and the detectors disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEPWARDEN_ALERT_TYPES, KNOWN_ALERT_TYPES } from '../src/alerts/types.js';
import { DETECTORS } from '../src/detectors/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
type Action = 'error' | 'warn' | 'monitor' | 'ignore';

/** Our own types and our departures from the leading tool's defaults, each with its reason. */
const DEPWARDEN_ACTIONS: Record<string, { action: Action; why: string }> = {
  tarballIntegrityMismatch: {
    action: 'error',
    why: 'the bytes are not what was published: nothing about the package can be trusted',
  },
  analysisIncomplete: {
    action: 'warn',
    why: 'part of the package was not analysed; silence about it would be a false all-clear',
  },
  tarballAnomaly: {
    action: 'monitor',
    why: 'odd archive entries are worth recording; the dangerous ones also raise other alerts',
  },
  permissionCreep: {
    action: 'warn',
    why: 'new capabilities in a release are how compromises look; a developer should see them',
  },
  provenanceDropped: {
    action: 'warn',
    why: 'a release without the provenance its predecessors had is a compromise tell',
  },
  licensePolicyViolation: {
    action: 'error',
    why: "the project's own policy says so: a violation blocks when the policy is configured",
  },
};

/** Shown as "what to do" with the alert; category defaults below cover the rest. */
const SUGGESTIONS: Record<string, string> = {
  malware:
    'Remove the package now, and rotate every credential the machines that installed it could read.',
  didYouMean:
    'Check that this is the package you meant: the popular one it resembles is in alternatePackage.',
  installScripts:
    'Review what the scripts run; install with --ignore-scripts if the package works without them.',
  tarballIntegrityMismatch:
    'Do not install it: fetch it again from the registry and report the mismatch if it stays.',
  deprecated: 'Upgrade to a supported version, or to the replacement the message names.',
  unpublished: 'Pin a version that is still published, or check which registry serves it.',
  criticalCVE: 'Upgrade to the first patched version (firstPatchedVersion) now.',
  cve: 'Upgrade to the first patched version (firstPatchedVersion).',
  mediumCVE: 'Upgrade to the first patched version when you can.',
  mildCVE: 'Upgrade to the first patched version when convenient.',
  gitDependency: 'Depend on a published registry version instead of a git repository.',
  gitHubDependency: 'Depend on a published registry version instead of a GitHub repository.',
  httpDependency: 'Depend on a published registry version instead of a tarball URL.',
  permissionCreep:
    'Compare this version with the one before it (props list what was added and where) before upgrading.',
  provenanceDropped:
    'Check with the maintainers that this release is theirs before upgrading; stay on the previous version meanwhile.',
  licensePolicyViolation:
    'Replace the package, or change the license policy in socket.yml if the license is acceptable.',
};

const BY_CATEGORY: Record<string, string> = {
  supplyChainRisk:
    'Review the evidence; if the package should not need this, look for an alternative, or accept the risk in socket.yml with a reason.',
  quality: 'Prefer a maintained, documented alternative, or accept the package as it is.',
  maintenance: 'Check for a maintained version or a replacement.',
  vulnerability: 'Upgrade to a version without the vulnerability.',
  license: 'Check the license against your policy; replace the package or record the decision.',
  other: 'Review the evidence.',
};

interface Row {
  title: string;
  category: string;
  severity: string;
  action: Action;
  meaning: string;
}

function socketRows(): Map<string, Row> {
  const text = readFileSync(`${ROOT}/../shared/reference/socket.md`, 'utf8');
  const section = text.slice(text.indexOf('### 1.5 Catalogue'), text.indexOf('### 1.6'));
  const rows = new Map<string, Row>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const type = /^`(\w+)`$/.exec(cells[2] ?? '')?.[1];
    if (type === undefined) continue;
    const severity = /^(critical|high|medium|low)/.exec(cells[5] ?? '')?.[1] ?? 'low';
    rows.set(type, {
      title: cells[3] === '(no CLI title)' || cells[3] === '' ? type : (cells[3] as string),
      category: /^(\w+)/.exec(cells[4] ?? '')?.[1] ?? 'other',
      severity: severity === 'medium' ? 'middle' : severity,
      action: (/^(error|warn|monitor|ignore)/.exec(cells[6] ?? '')?.[1] ?? 'ignore') as Action,
      meaning: cells[9] ?? '',
    });
  }
  return rows;
}

const rows = socketRows();
const detectors = new Map(DETECTORS.map((d) => [d.meta.id, d.meta]));
const entries = KNOWN_ALERT_TYPES.map((type) => {
  const meta = detectors.get(type);
  const row = rows.get(type);
  const own = DEPWARDEN_ACTIONS[type];
  const category = meta?.category ?? row?.category ?? 'other';
  return {
    type,
    title: meta?.title ?? row?.title ?? type,
    category,
    severity: meta?.severity ?? row?.severity ?? 'low',
    action: own?.action ?? row?.action ?? 'ignore',
    ...(own === undefined ? {} : { actionReason: own.why }),
    description: meta?.description ?? row?.meaning ?? '',
    suggestion: SUGGESTIONS[type] ?? BY_CATEGORY[category] ?? BY_CATEGORY.other,
    detected: meta !== undefined || DEPWARDEN_ALERT_TYPES.includes(type),
  };
});

const out = `/**
 * The alert catalogue: every alert type depwarden knows, with what users see (title,
 * category, severity, description, what to do) and its default policy action.
 * GENERATED by scripts/generate-alert-catalogue.ts from the detectors' metadata and the
 * leading tool's catalogue (../shared/reference/socket.md §1.5); do not edit by hand.
 * \`detected\` says whether depwarden raises the type today; the others are known so that a
 * socket.yml naming them is understood.
 */
import type { Category, Severity } from '../analyzer/kit.js';

export type AlertAction = 'error' | 'warn' | 'monitor' | 'ignore';

export interface AlertTypeInfo {
  type: string;
  title: string;
  category: Category;
  severity: Severity;
  /** The default policy action (socket.yml issueRules and accepted risks override it). */
  action: AlertAction;
  /** Why the default differs from the leading tool's, or why we chose it for our own type. */
  actionReason?: string;
  description: string;
  suggestion: string;
  /** Whether a depwarden detector or stage raises it. */
  detected: boolean;
}

export const ALERT_CATALOGUE: readonly AlertTypeInfo[] = ${JSON.stringify(entries, null, 2)};
`;
writeFileSync(`${ROOT}/src/alerts/catalogue.ts`, out);
process.stdout.write(`wrote ${entries.length} alert types\n`);
