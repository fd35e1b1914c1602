/**
 * Runs the registry detectors (the `registry` hook) on one analysed version: after the engine,
 * on the main thread, with the packument and the engine's view of this version and of the one
 * before it. Pure: the caller fetches what the view holds.
 */
import {
  alertFilesOf,
  mergeAlerts,
  reporterFor,
  type DetectorFailure,
} from '../analyzer/engine.js';
import type { PackageAnalysis } from '../analyzer/engine.js';
import type { Alert, Detector, RegistryView, VersionView } from './types.js';

export function versionView(version: string, analysis: PackageAnalysis): VersionView {
  return {
    version,
    manifest: analysis.manifest,
    alerts: analysis.alerts,
    inventory: analysis.inventory ?? [],
    notices: analysis.notices ?? [],
    // Results cached before alertFiles existed: their evidence is the best record there is.
    alertFiles: analysis.alertFiles ?? alertFilesOf(analysis.alerts),
  };
}

export function runRegistryDetectors(
  view: RegistryView,
  detectors: readonly Detector[],
): { alerts: Alert[]; failures: DetectorFailure[] } {
  const alerts: Alert[] = [];
  const failures: DetectorFailure[] = [];
  for (const d of detectors) {
    if (d.registry === undefined) continue;
    try {
      d.registry(view, reporterFor(d, alerts));
    } catch (err) {
      failures.push({
        detector: d.meta.id,
        file: 'package.json',
        message: err instanceof Error ? err.message : String(err),
      });
    }
  }
  return { alerts: mergeAlerts(alerts), failures };
}

/** The engine's result with the registry detectors' alerts folded in. */
export function withRegistryAlerts(
  analysis: PackageAnalysis,
  extra: { alerts: Alert[]; failures: DetectorFailure[] },
): PackageAnalysis {
  return {
    ...analysis,
    alerts: mergeAlerts([...analysis.alerts, ...extra.alerts]),
    failures: [...analysis.failures, ...extra.failures],
  };
}
