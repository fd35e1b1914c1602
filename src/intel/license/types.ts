/**
 * The data model of license analysis: what analyzeLicense returns and what every finding
 * looks like. Kept apart from the logic so that the policy, change and rendering code can
 * depend on the shapes without pulling in the SPDX tables.
 *
 * A finding is shaped like an analyzer Alert (type, category, severity, confidence, message,
 * evidence, props) so the caller can pass it on unchanged.
 */
import type { Evidence, Severity } from '../../analyzer/kit.js';

export type { Evidence, Severity };

/** The alert slugs this module raises: the leading tool's license types plus our policy one. */
export const LICENSE_ALERT_TYPES = [
  'noLicenseFound',
  'unidentifiedLicense',
  'nonpermissiveLicense',
  'copyleftLicense',
  'explicitlyUnlicensedItem',
  'deprecatedLicense',
  'licenseChange',
  'licenseException',
  'licensePolicyViolation',
] as const;

export type LicenseAlertType = (typeof LICENSE_ALERT_TYPES)[number];

export interface LicenseFinding {
  type: LicenseAlertType;
  category: 'license';
  severity: Severity;
  /** 0..1: lower when the license was inferred from a README mention or a title line. */
  confidence: number;
  message: string;
  /** Where it was seen: `package.json` for the manifest field, else the file and line. */
  evidence: Evidence[];
  props: Record<string, unknown>;
}

/**
 * A parsed SPDX expression, in the shape spdx-expression-parse produces: a leaf names one
 * license (`plus` for the `+` suffix, `exception` for `WITH`), an inner node joins two.
 */
export type LicenseNode = LicenseLeaf | LicenseConjunction;

export interface LicenseLeaf {
  license: string;
  plus?: true;
  exception?: string;
}

export interface LicenseConjunction {
  conjunction: 'and' | 'or';
  left: LicenseNode;
  right: LicenseNode;
}

/**
 * How restrictive a license is, from the user's side, in increasing order. `unknown` is a
 * valid id that is in none of our tables (or a LicenseRef): not known to be permissive.
 */
export type LicenseClass =
  | 'permissive'
  | 'weakCopyleft'
  | 'strongCopyleft'
  | 'networkCopyleft'
  | 'unknown'
  | 'nonpermissive';

/**
 * What kind of answer the analysis reached:
 * - `spdx`: a valid SPDX expression (possibly after correction or from a file's text);
 * - `unlicensed`: `UNLICENSED`, the npm convention for "no permission granted";
 * - `proprietary`: a commercial/proprietary marker ("Commercial", an EULA-like file);
 * - `unidentified`: license information exists but matches nothing we know;
 * - `none`: no license information anywhere.
 */
export type LicenseStatus = 'spdx' | 'unlicensed' | 'proprietary' | 'unidentified' | 'none';

/** One root-level license file (or README section) and what it was identified as. */
export interface LicenseDetection {
  path: string;
  /** SPDX expression the text was identified as; undefined when unidentified. */
  expression?: string;
  /**
   * How: `spdx-tag` (an `SPDX-License-Identifier:` line), `text` (the license's own clauses),
   * `notice` (the short "licensed under … version N" notice), `title` (a file holding only a
   * license name), `mention` (a README license section naming one license), `proprietary`
   * (an all-rights-reserved / commercial text), or `none`.
   */
  method: 'spdx-tag' | 'text' | 'notice' | 'title' | 'mention' | 'proprietary' | 'none';
  /** 1-based line of the first matching clause, when known. */
  line?: number;
  /** True when the text was cut at the read limit or was not provided at all. */
  partial?: boolean;
}

export interface LicenseResult {
  status: LicenseStatus;
  /** Where the effective license came from. */
  source: 'manifest' | 'file' | 'readme' | 'none';
  /** The manifest value as a string (sanitised and cut), for messages; undefined if absent. */
  declared?: string;
  /** True when the manifest used the legacy `licenses` array or a `{type}` object. */
  legacyField?: boolean;
  /** The effective SPDX expression, canonically spaced; undefined unless status is `spdx`. */
  expression?: string;
  /** Set when the declared string was not valid SPDX and was corrected into `expression`. */
  corrected?: { from: string; to: string };
  tree?: LicenseNode;
  /** Every license id in the expression, sorted, as written (deprecated ids kept). */
  licenses: string[];
  /** Every exception id in the expression, sorted. */
  exceptions: string[];
  /**
   * The class that applies: OR alternatives judged by the most permissive, AND by the most
   * restrictive; for a non-`spdx` status, `unknown` (unidentified, none) or `nonpermissive`
   * (unlicensed, proprietary).
   */
  effectiveClass: LicenseClass;
  /** The licenses in force after choosing the most permissive OR alternatives. */
  effectiveLicenses: string[];
  /** Root-level license files and the README section that were examined. */
  detections: LicenseDetection[];
  findings: LicenseFinding[];
}

export interface LicenseInputFile {
  /** POSIX path relative to the package root. */
  path: string;
  /** The file's text when small enough to have been read; only the first 64 KiB is used. */
  text?: string;
}

export interface LicenseInput {
  /** package.json `license` (string or legacy `{type}`), or the legacy `licenses` array. */
  manifestLicense: unknown;
  files: readonly LicenseInputFile[];
}

export interface LicensePolicy {
  allow?: string[];
  deny?: string[];
}

export interface LicensePolicyProblem {
  path: string;
  message: string;
}
