/**
 * analyzeLicense: from a package's license field and its files to one LicenseResult with
 * findings; licenseChange: whether the license moved between two versions.
 *
 * The manifest field is the declaration and wins when it is usable. The root-level license
 * files are read either way: they answer for a missing or unusable field, and a file whose
 * license is more restrictive than the declared one (a GPL COPYING beside `"license": "MIT"`)
 * is reported too, since the package really ships under that text.
 */
import type { Evidence, Severity } from '../../analyzer/kit.js';
import { sanitize } from '../../util/text.js';
import { CLASS_RANK, effectiveLicense, type EffectiveLicense, type LeafClass } from './classify.js';
import { formatExpression, leavesOf, parseExpression, readManifestLicense } from './expression.js';
import {
  isDeprecatedExceptionId,
  isDeprecatedLicenseId,
  normalizeLeaf,
  replacementOf,
  versionStem,
} from './spdx.js';
import { identifyLicenseText, identifyReadme, type TextIdentification } from './text.js';
import type {
  LicenseAlertType,
  LicenseClass,
  LicenseDetection,
  LicenseFinding,
  LicenseInput,
  LicenseInputFile,
  LicenseLeaf,
  LicenseNode,
  LicenseResult,
} from './types.js';

/** At most this many root-level license files are read (LICENSE, LICENSE-MIT, COPYING…). */
export const MAX_LICENSE_FILES = 4;
/** File lists longer than this are only scanned up to here for license and README names. */
export const MAX_FILES_SCANNED = 100_000;

const LICENSE_FILE_NAME = /(^|[-_.])(un)?licen[cs]e([-_.]|$)|^copying([-_.]|$)/i;
const README_NAME = /^readme(\.(md|markdown|txt|rst))?$/i;

/** Preferred first: the names npm itself and most tools look for. */
function licenseFileRank(name: string): number {
  const order = [/^licen[cs]e$/i, /^licen[cs]e\.(md|txt)$/i, /^copying$/i, /^copying\.(md|txt)$/i];
  const i = order.findIndex((re) => re.test(name));
  return i === -1 ? order.length : i;
}

function cleanPath(path: string): string {
  return path.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}

function validFiles(files: unknown): LicenseInputFile[] {
  if (!Array.isArray(files)) return [];
  const out: LicenseInputFile[] = [];
  for (const file of files.slice(0, MAX_FILES_SCANNED) as unknown[]) {
    if (typeof file !== 'object' || file === null) continue;
    const { path, text } = file as { path?: unknown; text?: unknown };
    if (typeof path !== 'string' || path === '' || path.length > 4096) continue;
    out.push(
      typeof text === 'string' ? { path: cleanPath(path), text } : { path: cleanPath(path) },
    );
  }
  return out;
}

const SEVERITY_OF_CLASS: Readonly<Record<LicenseClass, Severity>> = {
  permissive: 'low',
  weakCopyleft: 'low',
  strongCopyleft: 'middle',
  networkCopyleft: 'middle',
  unknown: 'low',
  nonpermissive: 'middle',
};

const CONFIDENCE_OF_METHOD: Readonly<Record<LicenseDetection['method'], number>> = {
  'spdx-tag': 0.95,
  text: 0.9,
  notice: 0.8,
  title: 0.7,
  mention: 0.6,
  proprietary: 0.6,
  none: 0.5,
};

function finding(
  type: LicenseAlertType,
  severity: Severity,
  message: string,
  props: Record<string, unknown>,
  evidence: Evidence[],
  confidence = 1,
): LicenseFinding {
  return { type, category: 'license', severity, confidence, message, evidence, props };
}

interface Source {
  source: LicenseResult['source'];
  evidence: Evidence[];
  confidence: number;
}

const MANIFEST: Source = {
  source: 'manifest',
  evidence: [{ file: 'package.json' }],
  confidence: 1,
};

function fromDetection(path: string, found: TextIdentification, kind: 'file' | 'readme'): Source {
  return {
    source: kind,
    evidence: [found.line === undefined ? { file: path } : { file: path, line: found.line }],
    confidence: CONFIDENCE_OF_METHOD[found.method],
  };
}

/**
 * Analyses one package version's license. Never throws on hostile input: a value of the wrong
 * type is an unidentified license, files without a string path are skipped.
 */
export function analyzeLicense(input: LicenseInput): LicenseResult {
  const files = validFiles((input as { files?: unknown } | null)?.files);
  const reading = readManifestLicense(
    (input as { manifestLicense?: unknown } | null)?.manifestLicense,
  );
  const result: LicenseResult = {
    status: 'none',
    source: 'none',
    licenses: [],
    exceptions: [],
    effectiveClass: 'unknown',
    effectiveLicenses: [],
    detections: [],
    findings: [],
  };
  if (reading.kind !== 'missing') {
    result.declared = reading.declared;
    if (reading.legacy) result.legacyField = true;
  }

  const licenseFiles = pickLicenseFiles(files);
  const identified = licenseFiles.map((file) => {
    const found =
      file.text === undefined
        ? ({ method: 'none' } as TextIdentification)
        : identifyLicenseText(file.text);
    const detection: LicenseDetection = { path: file.path, method: found.method };
    if (found.expression !== undefined) detection.expression = found.expression;
    if (found.line !== undefined) detection.line = found.line;
    if (file.text === undefined || file.text.length > 64 * 1024) detection.partial = true;
    result.detections.push(detection);
    return { file, found };
  });

  switch (reading.kind) {
    case 'spdx': {
      setExpression(result, reading.tree, MANIFEST);
      if (reading.corrected !== undefined) result.corrected = reading.corrected;
      reportFileMismatches(result, identified);
      break;
    }
    case 'unlicensed':
      result.status = 'unlicensed';
      result.source = 'manifest';
      result.effectiveClass = 'nonpermissive';
      result.findings.push(
        finding(
          'explicitlyUnlicensedItem',
          'high',
          `package.json declares "${reading.declared}": no permission to use, copy or distribute is granted`,
          { location: 'package.json', declared: reading.declared },
          MANIFEST.evidence,
        ),
      );
      break;
    case 'proprietary':
      setProprietary(
        result,
        reading.declared,
        MANIFEST,
        `package.json declares "${reading.declared}"`,
      );
      break;
    case 'seeFile':
      readReferencedFile(result, reading.file, files);
      break;
    case 'invalid':
    case 'missing': {
      if (reading.kind === 'invalid') {
        result.findings.push(
          finding(
            'unidentifiedLicense',
            'low',
            `package.json license "${reading.declared}" is not an SPDX expression and could not be corrected (${reading.reason})`,
            { location: 'package.json', declared: reading.declared, reason: reading.reason },
            MANIFEST.evidence,
          ),
        );
        result.status = 'unidentified';
        result.source = 'manifest';
      }
      const fromFiles = fromLicenseFiles(result, identified);
      if (!fromFiles && reading.kind === 'missing') fromReadme(result, files);
      break;
    }
  }
  return result;
}

function pickLicenseFiles(files: readonly LicenseInputFile[]): LicenseInputFile[] {
  return files
    .filter((f) => !f.path.includes('/') && LICENSE_FILE_NAME.test(f.path))
    .sort((a, b) => licenseFileRank(a.path) - licenseFileRank(b.path) || (a.path < b.path ? -1 : 1))
    .slice(0, MAX_LICENSE_FILES);
}

/** Fills the result from a valid expression and derives the per-license findings. */
function setExpression(result: LicenseResult, tree: LicenseNode, from: Source): void {
  result.status = 'spdx';
  result.source = from.source;
  result.tree = tree;
  result.expression = formatExpression(tree);
  const leaves = leavesOf(tree);
  result.licenses = [...new Set(leaves.map((l) => l.license))].sort();
  result.exceptions = [
    ...new Set(leaves.flatMap((l) => (l.exception === undefined ? [] : [l.exception]))),
  ].sort();
  const effective = effectiveLicense(tree);
  result.effectiveClass = effective.class;
  result.effectiveLicenses = [
    ...new Set(effective.leaves.map(({ leaf }) => normalizeLeaf(leaf).license)),
  ].sort();

  const reportedDeprecated = new Set<string>();
  for (const leaf of leaves) {
    if (isDeprecatedLicenseId(leaf.license) && !reportedDeprecated.has(leaf.license)) {
      reportedDeprecated.add(leaf.license);
      const replacement = replacementOf(leaf);
      const instead = replacement === undefined ? undefined : formatExpression(replacement);
      result.findings.push(
        finding(
          'deprecatedLicense',
          'low',
          `${leaf.license}${leaf.plus === true ? '+' : ''} is a deprecated SPDX id` +
            (instead === undefined ? '' : `; use ${instead}`),
          { licenseId: leaf.license, ...(instead === undefined ? {} : { replacement: instead }) },
          from.evidence,
          from.confidence,
        ),
      );
    }
  }
  for (const exception of result.exceptions) {
    const deprecated = isDeprecatedExceptionId(exception);
    result.findings.push(
      finding(
        'licenseException',
        'low',
        `license exception ${exception}${deprecated ? ' (a deprecated SPDX exception id)' : ''}`,
        { exceptionId: exception, deprecated },
        from.evidence,
        from.confidence,
      ),
    );
  }
  reportClasses(result, effective, from, undefined);
}

/** copyleftLicense / nonpermissiveLicense for each distinct license in force. */
function reportClasses(
  result: LicenseResult,
  effective: EffectiveLicense,
  from: Source,
  declared: string | undefined,
): void {
  const seen = new Set<string>();
  for (const { judged } of effective.leaves) {
    if (seen.has(judged.licenseId) || judged.class === 'permissive') continue;
    seen.add(judged.licenseId);
    const props: Record<string, unknown> = { licenseId: judged.licenseId };
    if (from.source !== 'manifest') props.source = from.source;
    if (declared !== undefined) props.declared = declared;
    const suffix = declared === undefined ? '' : ` (package.json declares ${declared})`;
    if (judged.class === 'unknown' || judged.class === 'nonpermissive') {
      props.known = judged.known;
      result.findings.push(
        finding(
          'nonpermissiveLicense',
          SEVERITY_OF_CLASS[judged.class],
          (judged.known
            ? `${judged.licenseId} is not a permissive license: it restricts use (commercial use, derivatives or hosting)`
            : `${judged.licenseId} is not known to be permissive`) + suffix,
          props,
          from.evidence,
          from.confidence,
        ),
      );
      continue;
    }
    Object.assign(props, copyleftProps(judged));
    result.findings.push(
      finding(
        'copyleftLicense',
        SEVERITY_OF_CLASS[judged.class],
        copyleftMessage(judged) + suffix,
        props,
        from.evidence,
        from.confidence,
      ),
    );
  }
}

function copyleftProps(judged: LeafClass): Record<string, unknown> {
  return {
    strength: judged.strength,
    network: judged.network === true,
    ...(judged.weakenedBy === undefined ? {} : { exceptionId: judged.weakenedBy }),
  };
}

function copyleftMessage(judged: LeafClass): string {
  if (judged.weakenedBy !== undefined) {
    return `${judged.licenseId} WITH ${judged.weakenedBy} is copyleft; the exception limits it to the licensed code itself`;
  }
  if (judged.strength === 'weak') {
    return `${judged.licenseId} is a weak copyleft license: changes to the licensed files must be shared under the same license`;
  }
  if (judged.network === true) {
    return `${judged.licenseId} is a network copyleft license: offering the software over a network obliges you to publish the source of the whole work`;
  }
  return `${judged.licenseId} is a strong copyleft license: a work that includes it must be distributed under the same license`;
}

function setProprietary(result: LicenseResult, name: string, from: Source, what: string): void {
  result.status = 'proprietary';
  result.source = from.source;
  result.effectiveClass = 'nonpermissive';
  result.findings.push(
    finding(
      'nonpermissiveLicense',
      'middle',
      `${what}: a proprietary or commercial license, not an open source one`,
      {
        licenseId: name,
        known: true,
        ...(from.source === 'manifest' ? {} : { source: from.source }),
      },
      from.evidence,
      from.confidence,
    ),
  );
}

/** `SEE LICENSE IN <file>`: the named file's text decides. */
function readReferencedFile(
  result: LicenseResult,
  target: string,
  files: readonly LicenseInputFile[],
): void {
  const wanted = cleanPath(target);
  const file =
    files.find((f) => f.path === wanted) ??
    files.find((f) => f.path.toLowerCase() === wanted.toLowerCase());
  const shown = sanitize(wanted, 200);
  if (file === undefined || file.text === undefined) {
    result.status = 'unidentified';
    result.source = 'manifest';
    const reason = file === undefined ? 'missing' : 'unread';
    result.findings.push(
      finding(
        'unidentifiedLicense',
        'low',
        file === undefined
          ? `package.json refers to the license in ${shown}, but the package has no such file`
          : `package.json refers to the license in ${shown}, which was too large to read`,
        { location: 'package.json', file: shown, reason },
        MANIFEST.evidence,
      ),
    );
    return;
  }
  const found = identifyLicenseText(file.text);
  if (!result.detections.some((d) => d.path === file.path)) {
    const detection: LicenseDetection = { path: file.path, method: found.method };
    if (found.expression !== undefined) detection.expression = found.expression;
    if (found.line !== undefined) detection.line = found.line;
    result.detections.push(detection);
  }
  applyFileIdentification(result, file.path, found);
}

/** Sets the result from one identified file; returns whether it named a license. */
function applyFileIdentification(
  result: LicenseResult,
  path: string,
  found: TextIdentification,
): boolean {
  const from = fromDetection(path, found, 'file');
  if (found.tree !== undefined) {
    setExpression(result, found.tree, from);
    return true;
  }
  if (found.method === 'proprietary') {
    setProprietary(
      result,
      found.name ?? 'proprietary',
      from,
      `${sanitize(path, 200)} holds ${found.name === undefined ? 'a proprietary license text' : `the ${found.name}`}`,
    );
    return true;
  }
  result.status = 'unidentified';
  result.source = 'file';
  result.findings.push(
    finding(
      'unidentifiedLicense',
      'low',
      `${sanitize(path, 200)} matches no known license text`,
      { location: path },
      from.evidence,
      0.5,
    ),
  );
  return false;
}

/**
 * No usable field: the root license files decide. Several identified files are combined with
 * AND (the package ships under all of them), except that a GPL text beside an LGPL text is
 * part of the LGPL (LGPL-3.0 is written as additions to the GPL), not a second license.
 */
function fromLicenseFiles(
  result: LicenseResult,
  identified: { file: LicenseInputFile; found: TextIdentification }[],
): boolean {
  if (identified.length === 0) return false;
  const named = identified.filter(({ found }) => found.tree !== undefined);
  if (named.length === 0) {
    const proprietary = identified.find(({ found }) => found.method === 'proprietary');
    const pick = proprietary ?? identified[0]!;
    applyFileIdentification(result, pick.file.path, pick.found);
    return true;
  }
  const hasLgpl = named.some(({ found }) => /^LGPL-/.test(found.expression ?? ''));
  const kept = named.filter(({ found }) => !(hasLgpl && /^GPL-/.test(found.expression ?? '')));
  let tree = kept[0]!.found.tree!;
  const seen = new Set([kept[0]!.found.expression]);
  for (const { found } of kept.slice(1)) {
    if (seen.has(found.expression)) continue;
    seen.add(found.expression);
    tree = { conjunction: 'and', left: tree, right: found.tree! };
  }
  const first = kept[0]!;
  const from = fromDetection(first.file.path, first.found, 'file');
  from.evidence = kept.map(({ file, found }) =>
    found.line === undefined ? { file: file.path } : { file: file.path, line: found.line },
  );
  setExpression(result, tree, from);
  return true;
}

function fromReadme(result: LicenseResult, files: readonly LicenseInputFile[]): void {
  const readme = files
    .filter((f) => !f.path.includes('/') && README_NAME.test(f.path) && f.text !== undefined)
    .sort(
      (a, b) =>
        (a.path.toLowerCase().endsWith('.md') ? -1 : 0) -
        (b.path.toLowerCase().endsWith('.md') ? -1 : 0),
    )[0];
  const found = readme?.text === undefined ? undefined : identifyReadme(readme.text);
  if (readme !== undefined && found?.tree !== undefined) {
    const detection: LicenseDetection = { path: readme.path, method: found.method };
    if (found.expression !== undefined) detection.expression = found.expression;
    if (found.line !== undefined) detection.line = found.line;
    result.detections.push(detection);
    setExpression(result, found.tree, fromDetection(readme.path, found, 'readme'));
    return;
  }
  result.status = 'none';
  result.source = 'none';
  result.findings.push(
    finding(
      'noLicenseFound',
      'low',
      'no license: package.json has no license field and the package has no license file or README license section',
      {},
      [{ file: 'package.json' }],
    ),
  );
}

/**
 * A declared license that is valid, next to a root license file that names a more
 * restrictive license the declaration does not mention.
 */
function reportFileMismatches(
  result: LicenseResult,
  identified: { file: LicenseInputFile; found: TextIdentification }[],
): void {
  const declaredIds = new Set(
    result.tree === undefined
      ? []
      : leavesOf(result.tree).map((l) => versionStem(normalizeLeaf(l).license).stem),
  );
  for (const { file, found } of identified) {
    if (found.tree === undefined) continue;
    const effective = effectiveLicense(found.tree);
    if (CLASS_RANK[effective.class] <= CLASS_RANK[result.effectiveClass]) continue;
    const extra = effective.leaves.filter(
      ({ judged }) => !declaredIds.has(versionStem(judged.licenseId).stem),
    );
    if (extra.length === 0) continue;
    const from = fromDetection(file.path, found, 'file');
    reportClasses(result, { class: effective.class, leaves: extra }, from, result.expression);
  }
}

/** Canonical text of an expression for comparison: today's ids, sorted operands. */
function canonical(node: LicenseNode, ignoreVersionGrant: boolean): string {
  if (!('conjunction' in node)) {
    const leaf: LicenseLeaf = normalizeLeaf(node);
    const id = ignoreVersionGrant ? versionStem(leaf.license).stem : leaf.license;
    const plus = leaf.plus === true && !ignoreVersionGrant ? '+' : '';
    return leaf.exception === undefined ? `${id}${plus}` : `${id}${plus} WITH ${leaf.exception}`;
  }
  const operands: string[] = [];
  const collect = (n: LicenseNode): void => {
    if ('conjunction' in n && n.conjunction === node.conjunction) {
      collect(n.left);
      collect(n.right);
    } else {
      const text = canonical(n, ignoreVersionGrant);
      operands.push('conjunction' in n ? `(${text})` : text);
    }
  };
  collect(node);
  return [...new Set(operands)].sort().join(` ${node.conjunction.toUpperCase()} `);
}

function licenseKey(result: LicenseResult, ignoreVersionGrant: boolean): string {
  if (result.status !== 'spdx') return `status:${result.status}`;
  const tree =
    result.tree ??
    (result.expression === undefined ? undefined : parseExpression(result.expression));
  return tree === undefined ? 'status:unidentified' : canonical(tree, ignoreVersionGrant);
}

function describe(result: LicenseResult): string {
  switch (result.status) {
    case 'spdx':
      return result.expression ?? 'unknown';
    case 'none':
      return 'no license';
    case 'unlicensed':
      return 'UNLICENSED';
    case 'proprietary':
    case 'unidentified':
      return `${result.status} (${result.declared ?? 'license file'})`;
  }
}

/**
 * The licenseChange finding between two versions, or undefined when the license in effect is
 * the same. Spelling does not count: deprecated and current ids of one license compare equal,
 * and when either side had to be corrected the "-only"/"-or-later" grant is ignored too, since
 * a correction guesses it.
 */
export function licenseChange(
  previous: LicenseResult,
  current: LicenseResult,
): LicenseFinding | undefined {
  const loose = previous.corrected !== undefined || current.corrected !== undefined;
  if (licenseKey(previous, loose) === licenseKey(current, loose)) return undefined;
  const before = previous.effectiveClass;
  const after = current.effectiveClass;
  const stricter = CLASS_RANK[after] > CLASS_RANK[before];
  const severe =
    stricter &&
    CLASS_RANK[before] <= CLASS_RANK.weakCopyleft &&
    (after === 'strongCopyleft' || after === 'networkCopyleft' || after === 'nonpermissive');
  const severity: Severity = severe ? 'high' : stricter ? 'middle' : 'low';
  const direction = stricter
    ? 'moreRestrictive'
    : CLASS_RANK[after] < CLASS_RANK[before]
      ? 'lessRestrictive'
      : 'sameClass';
  return finding(
    'licenseChange',
    severity,
    `license changed from ${describe(previous)} to ${describe(current)}` +
      (stricter ? ` (${before} → ${after}: more restrictive)` : ''),
    {
      prevLicenseId: previous.expression ?? previous.status,
      newLicenseId: current.expression ?? current.status,
      prevClass: before,
      newClass: after,
      direction,
    },
    [{ file: 'package.json' }],
  );
}
