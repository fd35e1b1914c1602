/**
 * The policy: what each alert means for the project (its action), whether it blocks, and the
 * verdict. Separate from detection on purpose: detectors say what a package does; the policy
 * says what this project decided to do about it (socket.yml issueRules and acceptedRisks,
 * the --fail-on flag). docs/policy.md is the user-facing description of these rules.
 *
 * Order of decisions for one alert:
 * 1. the catalogue's default action for its type (the leading tool's default policy);
 * 2. socket.yml `issueRules[type]`: `false` → ignore; `true` → the default action, or `warn`
 *    when the default is ignore (it turns the type on; it never silently makes it blocking);
 * 3. an accepted risk covering the package version and type → `monitor`, never blocking, and
 *    the report shows the reason; an expired one no longer applies and is reported as expired;
 * 4. blocking: `--fail-on` an action (default `error`: alerts whose action is at least that)
 *    or a severity (alerts not ignored and at least that severe), or `none`.
 */
import { alertInfo, type AlertAction } from '../alerts/index.js';
import type { Severity } from '../analyzer/kit.js';
import { acceptanceFor, type Acceptance } from '../config/index.js';
import type { AcceptedRisk } from '../config/schema.js';
import { DepwardenError } from '../errors/index.js';

export type FailOn =
  | { kind: 'action'; action: Exclude<AlertAction, 'ignore'> }
  | { kind: 'severity'; severity: Severity }
  | { kind: 'none' };

const ACTION_RANK: Record<AlertAction, number> = { ignore: 0, monitor: 1, warn: 2, error: 3 };
export const SEVERITY_RANK: Record<Severity, number> = { low: 0, middle: 1, high: 2, critical: 3 };

export const FAIL_ON_VALUES = [
  'error',
  'warn',
  'monitor',
  'critical',
  'high',
  'medium',
  'low',
  'none',
];

export function parseFailOn(value: string | undefined): FailOn {
  const v = (value ?? 'error').toLowerCase();
  if (v === 'error' || v === 'warn' || v === 'monitor') return { kind: 'action', action: v };
  if (v === 'critical' || v === 'high' || v === 'low') return { kind: 'severity', severity: v };
  if (v === 'medium' || v === 'middle') return { kind: 'severity', severity: 'middle' };
  if (v === 'none') return { kind: 'none' };
  throw new DepwardenError(
    'USAGE',
    `--fail-on takes one of ${FAIL_ON_VALUES.join(', ')}, not ${JSON.stringify(value)}`,
    {
      hint: 'An action (error, warn, monitor) blocks on alerts with at least that action; a severity (critical, high, medium, low) blocks on alerts at least that severe.',
    },
  );
}

export function formatFailOn(failOn: FailOn): string {
  if (failOn.kind === 'none') return 'none';
  if (failOn.kind === 'action') return failOn.action;
  return failOn.severity === 'middle' ? 'medium' : failOn.severity;
}

export interface Policy {
  /** socket.yml issueRules (type → enabled); a null-prototype object. */
  issueRules: Readonly<Record<string, boolean>>;
  acceptedRisks: readonly AcceptedRisk[];
  /** The socket.yml path in the snapshot, for "accepted at socket.yml:12". */
  configFile?: string;
  failOn: FailOn;
  today: Date;
}

export interface Decision {
  action: AlertAction;
  actionSource: 'default' | 'issueRules' | 'acceptedRisk';
  acceptance?: Acceptance;
  blocking: boolean;
}

export function decide(
  alert: { type: string; severity: Severity },
  pkg: { name: string; version: string },
  policy: Policy,
): Decision {
  const fallback = alertInfo(alert.type)?.action ?? 'warn';
  let action: AlertAction = fallback;
  let actionSource: Decision['actionSource'] = 'default';
  const rule = Object.hasOwn(policy.issueRules, alert.type)
    ? policy.issueRules[alert.type]
    : undefined;
  if (rule === false) {
    action = 'ignore';
    actionSource = 'issueRules';
  } else if (rule === true) {
    action = fallback === 'ignore' ? 'warn' : fallback;
    actionSource = 'issueRules';
  }
  const acceptance =
    pkg.version === ''
      ? undefined
      : acceptanceFor(policy.acceptedRisks, pkg.name, pkg.version, alert.type, policy.today);
  if (acceptance !== undefined && !acceptance.expired) {
    return { action: 'monitor', actionSource: 'acceptedRisk', acceptance, blocking: false };
  }
  const decision: Decision = {
    action,
    actionSource,
    blocking: blocks(action, alert.severity, policy.failOn),
  };
  if (acceptance !== undefined) decision.acceptance = acceptance;
  return decision;
}

function blocks(action: AlertAction, severity: Severity, failOn: FailOn): boolean {
  switch (failOn.kind) {
    case 'none':
      return false;
    case 'action':
      return ACTION_RANK[action] >= ACTION_RANK[failOn.action];
    case 'severity':
      return action !== 'ignore' && SEVERITY_RANK[severity] >= SEVERITY_RANK[failOn.severity];
  }
}

export const ACTIONS: readonly AlertAction[] = ['error', 'warn', 'monitor', 'ignore'];

export function compareActions(a: AlertAction, b: AlertAction): number {
  return ACTION_RANK[b] - ACTION_RANK[a];
}
