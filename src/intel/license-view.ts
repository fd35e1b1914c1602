/**
 * The license of a package version, computed once per view and shared by the license
 * detectors (one alert type each, one analysis for all of them): from the manifest's
 * `license` field and the root-level LICENSE, COPYING and README texts.
 */
import type { PackageView } from '../analyzer/kit.js';
import { analyzeLicense, manifestLicenseField, type LicenseResult } from './license/index.js';
import type { VersionView } from './types.js';

const byView = new WeakMap<object, LicenseResult>();

function compute(
  manifest: Record<string, unknown> | undefined,
  paths: readonly string[],
  notices: readonly { path: string; text: string }[],
): LicenseResult {
  const texts = new Map(notices.map((n) => [n.path, n.text]));
  return analyzeLicense({
    manifestLicense: manifest === undefined ? undefined : manifestLicenseField(manifest),
    files: paths.map((path) => {
      const text = texts.get(path);
      return text === undefined ? { path } : { path, text };
    }),
  });
}

export function licenseOfPackage(view: PackageView): LicenseResult {
  let result = byView.get(view);
  if (result === undefined) {
    result = compute(
      view.manifest,
      view.files.map((f) => f.path),
      view.notices,
    );
    byView.set(view, result);
  }
  return result;
}

export function licenseOfVersion(view: VersionView): LicenseResult {
  let result = byView.get(view);
  if (result === undefined) {
    result = compute(
      view.manifest,
      view.inventory.map((f) => f.path),
      view.notices,
    );
    byView.set(view, result);
  }
  return result;
}
