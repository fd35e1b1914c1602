/**
 * License analysis: what a package's license field and license files say, how restrictive
 * that is, whether it changed since the previous version, and whether it meets the
 * project's license policy. Pure functions over data the caller already has (the manifest
 * value and the package's files); no I/O. See docs/licenses.md.
 */
export { analyzeLicense, licenseChange, MAX_FILES_SCANNED, MAX_LICENSE_FILES } from './analyze.js';
export { CLASS_RANK, classifyLeaf, effectiveLicense } from './classify.js';
export { formatExpression, parseExpression, readManifestLicense } from './expression.js';
export { evaluateLicensePolicy, parseLicensePolicy, MAX_POLICY_IDS } from './policy.js';
export { MAX_LICENSE_TEXT, identifyLicenseText } from './text.js';
export {
  LICENSE_ALERT_TYPES,
  type LicenseAlertType,
  type LicenseClass,
  type LicenseDetection,
  type LicenseFinding,
  type LicenseInput,
  type LicenseInputFile,
  type LicenseLeaf,
  type LicenseNode,
  type LicensePolicy,
  type LicensePolicyProblem,
  type LicenseResult,
  type LicenseStatus,
} from './types.js';

/**
 * The value npm reads for a manifest's license: `license`, the misspelling `licence` that
 * npm's normaliser also accepts, else the legacy `licenses` array.
 */
export function manifestLicenseField(manifest: Readonly<Record<string, unknown>>): unknown {
  for (const key of ['license', 'licence', 'licenses']) {
    if (Object.hasOwn(manifest, key) && manifest[key] !== undefined && manifest[key] !== null) {
      return manifest[key];
    }
  }
  return undefined;
}
