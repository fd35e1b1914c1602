/**
 * The project's license policy: `allow` and `deny` lists of SPDX ids (our own socket.yml key),
 * their validation, and how an expression is judged against them.
 *
 * Judging follows what a user of the package may do. Under OR the user picks an alternative,
 * under AND they take every side, and under an "or later" grant (`GPL-2.0-or-later`,
 * `Apache-2.0+`) they may pick that version or any later one. So:
 * - with `allow`, an expression passes when some choice uses allowed ids only;
 * - with `deny`, it fails when every choice uses at least one denied id.
 * The `-only` / `-or-later` suffix of a policy id is not significant: `GPL-3.0-only` and
 * `GPL-3.0-or-later` in a list both stand for "GPL version 3".
 */
import type { Evidence } from '../../analyzer/kit.js';
import { closestMatch } from '../../util/suggest.js';
import { sanitize } from '../../util/text.js';
import { correctLicense } from './expression.js';
import {
  isLicenseRef,
  isSpdxLicenseId,
  laterStems,
  licenseIdIgnoringCase,
  normalizeLeaf,
  versionStem,
} from './spdx.js';
import type {
  LicenseFinding,
  LicenseLeaf,
  LicenseNode,
  LicensePolicy,
  LicensePolicyProblem,
  LicenseResult,
} from './types.js';

/** Longest list accepted; policies are hand-written and a few dozen ids long. */
export const MAX_POLICY_IDS = 1000;
const POLICY_KEYS = ['allow', 'deny'] as const;

/**
 * Validates a policy value from configuration. Invalid entries are reported and left out;
 * the returned policy holds only valid ids, without duplicates. `basePath` prefixes the
 * reported paths (`licensePolicy.allow[2]`).
 */
export function parseLicensePolicy(
  value: unknown,
  basePath = 'licensePolicy',
): { policy: LicensePolicy; problems: LicensePolicyProblem[] } {
  const problems: LicensePolicyProblem[] = [];
  const policy: LicensePolicy = {};
  if (value === undefined || value === null) return { policy, problems };
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push({
      path: basePath,
      message: 'must be a mapping with an "allow" and/or a "deny" list of SPDX license ids',
    });
    return { policy, problems };
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if ((POLICY_KEYS as readonly string[]).includes(key)) continue;
    const near = closestMatch(key, POLICY_KEYS);
    problems.push({
      path: `${basePath}.${sanitize(key, 60)}`,
      message: `unknown key${near === undefined ? '' : `; did you mean "${near}"?`} (expected "allow" or "deny")`,
    });
  }
  for (const key of POLICY_KEYS) {
    if (!Object.hasOwn(record, key)) continue;
    const ids = readIdList(record[key], `${basePath}.${key}`, problems);
    if (ids === undefined) continue;
    if (key === 'allow' && ids.length === 0 && Array.isArray(record[key])) {
      problems.push({
        path: `${basePath}.allow`,
        message:
          'is empty, so every license would be a violation; remove the key to allow any license',
      });
    }
    policy[key] = ids;
  }
  if (policy.allow !== undefined && policy.deny !== undefined) {
    const allowed = new Set(policy.allow);
    policy.deny.forEach((id, i) => {
      if (allowed.has(id)) {
        problems.push({
          path: `${basePath}.deny[${i}]`,
          message: `"${id}" is both allowed and denied; deny wins`,
        });
      }
    });
  }
  return { policy, problems };
}

function readIdList(
  value: unknown,
  path: string,
  problems: LicensePolicyProblem[],
): string[] | undefined {
  if (!Array.isArray(value)) {
    problems.push({ path, message: 'must be a list of SPDX license ids' });
    return undefined;
  }
  if (value.length > MAX_POLICY_IDS) {
    problems.push({
      path,
      message: `has more than ${MAX_POLICY_IDS} entries; the rest are ignored`,
    });
  }
  const ids: string[] = [];
  value.slice(0, MAX_POLICY_IDS).forEach((entry: unknown, i) => {
    const at = `${path}[${i}]`;
    if (typeof entry !== 'string' || entry.trim() === '') {
      problems.push({ path: at, message: 'must be a non-empty string (an SPDX license id)' });
      return;
    }
    const id = entry.trim();
    if (isSpdxLicenseId(id) || isLicenseRef(id)) {
      if (!ids.includes(id)) ids.push(id);
      return;
    }
    problems.push({ path: at, message: invalidIdMessage(id) });
  });
  return ids;
}

function invalidIdMessage(id: string): string {
  const shown = sanitize(id, 80);
  if (/\s(AND|OR|WITH)\s/i.test(id) || id.includes('(')) {
    return `"${shown}" is an expression; list each license id on its own`;
  }
  const suggestion = suggestId(id);
  return suggestion === undefined
    ? `"${shown}" is not an SPDX license id (see the SPDX license list) or a LicenseRef-…`
    : `"${shown}" is not an SPDX license id; did you mean "${suggestion}"?`;
}

/** A valid id close to a misspelt one: wrong case, "or later" written as `+`, a common name. */
function suggestId(id: string): string | undefined {
  const sameIgnoringCase = licenseIdIgnoringCase(id);
  if (sameIgnoringCase !== undefined) return sameIgnoringCase;
  const plus = /^(.*)\+$/.exec(id);
  if (plus !== null) {
    const base = licenseIdIgnoringCase(plus[1]!);
    if (base !== undefined) {
      const later = normalizeLeaf({ license: base, plus: true });
      if (later.plus !== true) return later.license;
    }
  }
  const corrected = correctLicense(id);
  if (corrected !== undefined && isSpdxLicenseId(corrected)) return corrected;
  return undefined;
}

/** The version stems a leaf lets the user choose from. */
function choices(leaf: LicenseLeaf): string[] {
  const normal = normalizeLeaf(leaf);
  const orLater = normal.plus === true || normal.license.endsWith('-or-later');
  return orLater ? laterStems(normal.license) : [versionStem(normal.license).stem];
}

function stems(ids: readonly string[] | undefined): Set<string> {
  return new Set((ids ?? []).map((id) => versionStem(normalizeLeaf({ license: id }).license).stem));
}

/** Ids that are not allowed in the best choice (fewest such ids; the left one on a tie). */
function notAllowedIn(node: LicenseNode, allowed: ReadonlySet<string>): string[] {
  if (!('conjunction' in node)) {
    return choices(node).some((s) => allowed.has(s)) ? [] : [normalizeLeaf(node).license];
  }
  const left = notAllowedIn(node.left, allowed);
  const right = notAllowedIn(node.right, allowed);
  if (node.conjunction === 'or') return right.length < left.length ? right : left;
  return [...new Set([...left, ...right])];
}

/** Denied ids that every choice runs into; empty when some choice avoids them all. */
function deniedIn(node: LicenseNode, denied: ReadonlySet<string>): string[] {
  if (!('conjunction' in node)) {
    return choices(node).every((s) => denied.has(s)) ? [normalizeLeaf(node).license] : [];
  }
  const left = deniedIn(node.left, denied);
  const right = deniedIn(node.right, denied);
  if (node.conjunction === 'or' && (left.length === 0 || right.length === 0)) return [];
  return [...new Set([...left, ...right])];
}

/**
 * The licensePolicyViolation finding for one result, if any. A package without an
 * identified license fails an `allow` list (nothing shows it is allowed) and passes a
 * `deny` list (nothing shows it is denied).
 */
export function evaluateLicensePolicy(
  result: LicenseResult,
  policy: LicensePolicy,
): LicenseFinding[] {
  const hasAllow = policy.allow !== undefined;
  const hasDeny = policy.deny !== undefined && policy.deny.length > 0;
  if (!hasAllow && !hasDeny) return [];
  const evidence: Evidence[] =
    result.source === 'file' || result.source === 'readme'
      ? result.detections
          .filter((d) => d.expression !== undefined)
          .map((d) => (d.line === undefined ? { file: d.path } : { file: d.path, line: d.line }))
      : [{ file: 'package.json' }];
  if (result.status !== 'spdx' || result.tree === undefined) {
    if (!hasAllow) return [];
    return [
      {
        type: 'licensePolicyViolation',
        category: 'license',
        severity: 'high',
        confidence: 1,
        message: `the license policy allows only listed licenses, and this package has ${result.status === 'none' ? 'no license' : `a license that is ${result.status}`}`,
        evidence,
        props: { expression: null, status: result.status, denied: [], notAllowed: [] },
      },
    ];
  }
  const notAllowed = hasAllow ? notAllowedIn(result.tree, stems(policy.allow)) : [];
  const denied = hasDeny ? deniedIn(result.tree, stems(policy.deny)) : [];
  if (notAllowed.length === 0 && denied.length === 0) return [];
  const expression = result.expression ?? '';
  const reasons: string[] = [];
  if (denied.length > 0) reasons.push(`it uses denied ${denied.join(', ')}`);
  if (notAllowed.length > 0) reasons.push(`${notAllowed.join(', ')} not in the allowed list`);
  return [
    {
      type: 'licensePolicyViolation',
      category: 'license',
      severity: 'high',
      confidence: 1,
      message: `license ${expression} violates the license policy: ${reasons.join('; ')}`,
      evidence,
      props: { expression, denied, notAllowed },
    },
  ];
}
