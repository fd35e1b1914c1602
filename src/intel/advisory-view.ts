/**
 * The advisory alerts of one analysed version, computed once per view from the advisories the
 * local database matched (src/advisories) and shared by the detectors that raise them: the four
 * CVE types by severity, and `malware` with `basis: "known"` for malicious-package records.
 */
import { advisoryAlerts } from '../advisories/index.js';
import type { Alert, RegistryView } from './types.js';

const byView = new WeakMap<RegistryView, Alert[]>();

export function advisoryAlertsOf(view: RegistryView): Alert[] {
  let alerts = byView.get(view);
  if (alerts === undefined) {
    alerts =
      view.advisories === undefined || view.advisories.length === 0
        ? []
        : advisoryAlerts(view.advisories, view.name, view.version);
    byView.set(view, alerts);
  }
  return alerts;
}
