/**
 * Accepted risks (socket.yml `acceptedRisks`, our own key): which alerts the team has decided
 * to live with, for which versions, why, and until when. The policy step asks
 * `acceptanceFor` per alert; an expired entry no longer silences anything, and the report
 * says it expired (so it is renewed or the risk is fixed, not forgotten).
 */
import semver from 'semver';
import type { AcceptedRisk } from './schema.js';

export interface Acceptance {
  risk: AcceptedRisk;
  /** True when `expires` is before today: the alert applies again. */
  expired: boolean;
}

/** The entry that covers this alert of name@version: a current one first, else an expired one. */
export function acceptanceFor(
  risks: readonly AcceptedRisk[] | undefined,
  name: string,
  version: string,
  alertType: string,
  today: Date,
): Acceptance | undefined {
  const day = today.toISOString().slice(0, 10);
  let expired: AcceptedRisk | undefined;
  for (const risk of risks ?? []) {
    if (risk.name !== name || !risk.alerts.includes(alertType)) continue;
    if (!semver.satisfies(version, risk.range, { includePrerelease: true })) continue;
    if (risk.expires >= day) return { risk, expired: false };
    expired ??= risk;
  }
  return expired === undefined ? undefined : { risk: expired, expired: true };
}
