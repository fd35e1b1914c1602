/**
 * Reading the package.json license field: SPDX parsing, correction of common misspellings,
 * the npm special values (`UNLICENSED`, `SEE LICENSE IN <file>`), the legacy shapes
 * (`license: {type}`, `licenses: [{type, url}]`), and canonical printing of a parsed tree.
 *
 * Correction is done operand by operand rather than on the whole string: spdx-correct given
 * a compound string keeps one license and silently drops the rest (`MIT AND BSD` becomes
 * `BSD-2-Clause`). Its answers are also sanity-checked, because its edit-distance guess can
 * land on an unrelated license (`EUPL` → `UPL-1.0`).
 */
import parseSpdx from 'spdx-expression-parse';
import spdxCorrect from 'spdx-correct';

import { sanitize } from '../../util/text.js';
import {
  exceptionIdIgnoringCase,
  isLicenseRef,
  isSpdxExceptionId,
  isSpdxLicenseId,
  licenseIdIgnoringCase,
} from './spdx.js';
import type { LicenseLeaf, LicenseNode } from './types.js';

/**
 * Longest manifest string we try to parse. Real expressions are a few dozen characters; the
 * parser re-slices the remaining input at every token, so a hostile megabyte string would
 * cost quadratic time.
 */
export const MAX_EXPRESSION_LENGTH = 1024;
/** Legacy `licenses` arrays longer than this are read up to this many entries. */
export const MAX_LEGACY_ENTRIES = 16;

export type ManifestReading =
  | { kind: 'missing' }
  | {
      kind: 'spdx';
      declared: string;
      legacy: boolean;
      expression: string;
      tree: LicenseNode;
      corrected?: { from: string; to: string };
    }
  | { kind: 'unlicensed'; declared: string; legacy: boolean }
  | { kind: 'proprietary'; declared: string; legacy: boolean }
  | { kind: 'seeFile'; declared: string; legacy: boolean; file: string }
  | { kind: 'invalid'; declared: string; legacy: boolean; reason: string };

/** Parses a valid SPDX expression, or returns undefined. Bounded by MAX_EXPRESSION_LENGTH. */
export function parseExpression(text: string): LicenseNode | undefined {
  if (text.length === 0 || text.length > MAX_EXPRESSION_LENGTH) return undefined;
  try {
    return fromLibraryTree(parseSpdx(text));
  } catch {
    return undefined;
  }
}

/** Copies the library's tree into ours, dropping anything unexpected. */
function fromLibraryTree(info: parseSpdx.Info): LicenseNode {
  if ('conjunction' in info) {
    return {
      conjunction: info.conjunction,
      left: fromLibraryTree(info.left),
      right: fromLibraryTree(info.right),
    };
  }
  const leaf: LicenseLeaf = { license: info.license };
  if (info.plus === true) leaf.plus = true;
  if (typeof info.exception === 'string') leaf.exception = info.exception;
  return leaf;
}

/** Canonical text of a tree: single spaces, parentheses only where precedence needs them. */
export function formatExpression(node: LicenseNode): string {
  if (!('conjunction' in node)) {
    const id = node.plus === true ? `${node.license}+` : node.license;
    return node.exception === undefined ? id : `${id} WITH ${node.exception}`;
  }
  const side = (child: LicenseNode): string =>
    node.conjunction === 'and' && 'conjunction' in child && child.conjunction === 'or'
      ? `(${formatExpression(child)})`
      : formatExpression(child);
  return `${side(node.left)} ${node.conjunction.toUpperCase()} ${side(node.right)}`;
}

export function leavesOf(node: LicenseNode, out: LicenseLeaf[] = []): LicenseLeaf[] {
  if ('conjunction' in node) {
    leavesOf(node.left, out);
    leavesOf(node.right, out);
  } else {
    out.push(node);
  }
  return out;
}

const UNLICENSED = /^UNLICEN[CS]ED$/i;
const SEE_LICENSE_IN = /^SEE\s+LICEN[CS]E\s+IN\s+(.+)$/i;
/**
 * Strings that declare a closed license rather than misspell an open one. Checked before
 * correction, which could otherwise "fix" them into something permissive. The Commons
 * Clause is a rider that removes the right to sell, so any mention of it makes the whole
 * declaration non-permissive.
 */
const PROPRIETARY =
  /^(commercial|proprietary|private|closed[- ]?source|all rights reserved|confidential)( licen[cs]e)?$|commons[- ]clause|\bnon[- ]?commercial\b/i;

/**
 * Reads the manifest value the way npm documents it: a string (SPDX expression or one of the
 * special values), a legacy `{type, url}` object (its `type`), or a legacy array of those,
 * which npm's documentation converts into an OR of the entries (dual licensing).
 */
export function readManifestLicense(value: unknown): ManifestReading {
  if (value === undefined || value === null) return { kind: 'missing' };
  if (typeof value === 'string') return readLicenseString(value, false);
  if (Array.isArray(value)) return readLegacyArray(value);
  if (typeof value === 'object') {
    const type = (value as Record<string, unknown>).type;
    if (typeof type === 'string') return readLicenseString(type, true);
    return {
      kind: 'invalid',
      declared: describeValue(value),
      legacy: true,
      reason: 'license object has no string "type"',
    };
  }
  return {
    kind: 'invalid',
    declared: describeValue(value),
    legacy: false,
    reason: `license is a ${typeof value}, not a string`,
  };
}

function describeValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return sanitize(text, 200);
}

function readLegacyArray(entries: readonly unknown[]): ManifestReading {
  const declared = describeValue(entries.slice(0, MAX_LEGACY_ENTRIES));
  const parts: ManifestReading[] = [];
  for (const entry of entries.slice(0, MAX_LEGACY_ENTRIES)) {
    if (typeof entry === 'string') parts.push(readLicenseString(entry, true));
    else if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
      const type = (entry as Record<string, unknown>).type;
      if (typeof type === 'string') parts.push(readLicenseString(type, true));
    }
  }
  const usable = parts.filter((p) => p.kind === 'spdx');
  if (usable.length > 0) {
    // Each entry is an alternative the user may choose; unusable ones are left out of the
    // OR, which can only make the expression less permissive, never more.
    let tree = usable[0]!.tree;
    for (const part of usable.slice(1)) tree = { conjunction: 'or', left: tree, right: part.tree };
    const expression = formatExpression(tree);
    const corrected = usable.some((p) => p.corrected !== undefined)
      ? { from: declared, to: expression }
      : undefined;
    return {
      kind: 'spdx',
      declared,
      legacy: true,
      expression,
      tree,
      ...(corrected === undefined ? {} : { corrected }),
    };
  }
  const first = parts.find((p) => p.kind !== 'missing');
  if (first !== undefined) return { ...first, declared, legacy: true } as ManifestReading;
  return { kind: 'invalid', declared, legacy: true, reason: 'licenses array has no usable entry' };
}

function readLicenseString(raw: string, legacy: boolean): ManifestReading {
  const text = raw.trim();
  const declared = sanitize(text, 200);
  if (text === '') return { kind: 'missing' };
  if (text.length > MAX_EXPRESSION_LENGTH) {
    return { kind: 'invalid', declared, legacy, reason: 'license string is too long' };
  }
  if (UNLICENSED.test(text)) return { kind: 'unlicensed', declared, legacy };
  const see = SEE_LICENSE_IN.exec(text);
  if (see !== null) return { kind: 'seeFile', declared, legacy, file: see[1]!.trim() };
  const tree = parseExpression(text);
  if (tree !== undefined) {
    return { kind: 'spdx', declared, legacy, expression: formatExpression(tree), tree };
  }
  if (PROPRIETARY.test(text)) return { kind: 'proprietary', declared, legacy };
  const fixed = correctExpression(text);
  if (fixed === undefined) {
    return { kind: 'invalid', declared, legacy, reason: 'not a valid SPDX expression' };
  }
  const expression = formatExpression(fixed);
  return {
    kind: 'spdx',
    declared,
    legacy,
    expression,
    tree: fixed,
    corrected: { from: declared, to: expression },
  };
}

/**
 * Operators need a space, a parenthesis or an end on both sides, so `-or-` inside
 * `GPL-2.0-or-later` is not one, and "or later"/"or any later version" stays inside its
 * operand ("GPL v2 or later").
 */
const OPERATOR = /(?<=^|[\s()])(?:and|with|or(?!\s+(?:any\s+)?(?:later|newer)\b))(?=$|[\s()])/i;
/** An operator or a parenthesis, captured so that String.split keeps it. */
const TOKEN = new RegExp(`(\\(|\\)|${OPERATOR.source})`, 'i');

/**
 * Corrects a string that is not valid SPDX into a valid expression, or undefined. Operators
 * and parentheses are kept; each operand between them is corrected on its own.
 */
export function correctExpression(text: string): LicenseNode | undefined {
  if (text.length > MAX_EXPRESSION_LENGTH) return undefined;
  // Without operators the whole string is one name, parentheses included: "The MIT License
  // (MIT)", "Apache License, Version 2.0".
  if (!OPERATOR.test(text)) {
    const whole = correctLicense(text);
    return whole === undefined ? undefined : parseExpression(whole);
  }
  const pieces = text.split(TOKEN).filter((p) => p.trim() !== '');
  if (pieces.length > 64) return undefined;
  const out: string[] = [];
  let afterWith = false;
  for (const piece of pieces) {
    const trimmed = piece.trim();
    const upper = trimmed.toUpperCase();
    if (trimmed === '(' || trimmed === ')') {
      out.push(trimmed);
    } else if (upper === 'AND' || upper === 'OR' || upper === 'WITH') {
      out.push(upper);
      afterWith = upper === 'WITH';
      continue;
    } else {
      const fixed = afterWith ? correctException(trimmed) : correctLicense(trimmed);
      if (fixed === undefined) return undefined;
      out.push(fixed);
    }
    afterWith = false;
  }
  return parseExpression(out.join(' '));
}

function correctException(text: string): string | undefined {
  if (isSpdxExceptionId(text)) return text;
  return exceptionIdIgnoringCase(text);
}

/** Corrects one operand (no operators inside) to an id, an `id+` or a slash-joined OR. */
export function correctLicense(text: string): string | undefined {
  // "or later" is written as `+` before guessing: spdx-correct reads "GPL v2 or any later
  // version" as GPL-3.0-or-later.
  const operand = text.trim().replace(/\s+or\s+(?:any\s+)?(?:later|newer)(?:\s+version)?$/i, '+');
  if (operand === '' || operand.length > 200) return undefined;
  if (isSpdxLicenseId(operand) || isLicenseRef(operand)) return operand;
  const plus = /^(.*?)\s*\+$/.exec(operand);
  if (plus !== null && plus[1] !== '') {
    const base = exactIgnoringCase(plus[1]!);
    if (base !== undefined) return `${base}+`;
  }
  const exact = exactIgnoringCase(operand);
  if (exact !== undefined) return exact;
  // "MIT/Apache-2.0" names two licenses; "MIT/X11" names one (the MIT license as X11 used
  // it), which spdx-correct already reads as MIT.
  const slashed = operand.split('/').map((s) => s.trim());
  if (slashed.length > 1 && operand.toUpperCase() !== 'MIT/X11') {
    const ids = slashed.map(exactIgnoringCase);
    if (ids.every((id) => id !== undefined)) return `(${ids.join(' OR ')})`;
  }
  let guess: string | null;
  try {
    guess = spdxCorrect(operand, { upgrade: true });
  } catch {
    return undefined;
  }
  if (guess === null || !isPlausibleCorrection(operand, guess)) return undefined;
  // It sometimes drops a trailing `+` ("GPL-2+" → GPL-2.0-only); put the grant back.
  if (operand.endsWith('+') && !/-or-later$|\+$/.test(guess)) {
    guess = guess.endsWith('-only') ? guess.replace(/-only$/, '-or-later') : `${guess}+`;
  }
  const tree = parseExpression(guess);
  return tree !== undefined && !('conjunction' in tree) ? guess : undefined;
}

/** An id typed in the wrong case, or wrapped in "The … License". */
function exactIgnoringCase(text: string): string | undefined {
  const direct = licenseIdIgnoringCase(text);
  if (direct !== undefined) return direct;
  const bare = text
    .replace(/^["'(]+|["')]+$/g, '')
    .replace(/^the\s+/i, '')
    .replace(/\s+licen[cs]e$/i, '')
    .trim();
  return bare === text ? undefined : licenseIdIgnoringCase(bare);
}

/**
 * Accepts spdx-correct's guess only when the guessed license's family name appears in the
 * input, as a word or as the initials of its words: "GNU GPL v3" → GPL, "Eclipse Public
 * License" → EPL, but not "EUPL" → UPL.
 */
function isPlausibleCorrection(input: string, guess: string): boolean {
  const family = /^[A-Za-z]+/.exec(guess)?.[0]?.toLowerCase();
  if (family === undefined) return true;
  const words = input
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  // A prefix match, so "GPLv3", "Apache2" and "CC0" name their families.
  if (words.some((w) => w.startsWith(family))) return true;
  const initials = words
    .filter((w) => /^[a-z]/.test(w))
    .map((w) => w[0])
    .join('');
  return initials.includes(family);
}
