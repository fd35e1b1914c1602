/**
 * Identifying a license from the text of a LICENSE / COPYING file or a README's license
 * section, without shipping any license text.
 *
 * The text is normalised (lower case, punctuation and markup dropped, whitespace collapsed,
 * dots kept only inside version numbers), which makes matching indifferent to line wrapping,
 * Markdown, comment leaders and quote styles. Each license is then recognised by a few short
 * phrases of its own wording, chosen where licenses differ: the dated title lines of the GNU
 * licenses, the grant sentence of MIT and ISC, the clause list of the BSD family. Phrases are
 * fragments we picked and wrote down, never whole license texts.
 *
 * Order matters: restrictive riders first (a Commons Clause file also holds the Apache
 * text), then the licenses whose text contains another's phrase (BSD-4 contains BSD-3's).
 */
import { parseExpression, correctExpression, formatExpression } from './expression.js';
import { licenseIdIgnoringCase } from './spdx.js';
import type { LicenseDetection, LicenseNode } from './types.js';

/** Only the start of a license file is read; every license we recognise is shorter. */
export const MAX_LICENSE_TEXT = 64 * 1024;
/** A README license section is read up to this many characters. */
export const MAX_README_SECTION = 4096;

export interface NormalizedText {
  text: string;
  /** 1-based line in the original text of an offset in `text`. */
  lineAt(offset: number): number;
}

export function normalizeLicenseText(raw: string): NormalizedText {
  const lines = raw.slice(0, MAX_LICENSE_TEXT).split(/\r\n|\r|\n/);
  const starts: number[] = [];
  const lineNumbers: number[] = [];
  let text = '';
  for (let i = 0; i < lines.length; i++) {
    const fragment = normalizeFragment(lines[i]!);
    if (fragment === '') continue;
    if (text !== '') text += ' ';
    starts.push(text.length);
    lineNumbers.push(i + 1);
    text += fragment;
  }
  return {
    text,
    lineAt(offset: number): number {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= offset) lo = mid;
        else hi = mid - 1;
      }
      return lineNumbers[lo] ?? 1;
    },
  };
}

function normalizeFragment(line: string): string {
  return line
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, ' ')
    .replace(/(?<!\d)\.|\.(?!\d)/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

interface TextRule {
  /** SPDX expression this text means; undefined for a non-SPDX restrictive rider. */
  expression?: string;
  method: 'text' | 'notice' | 'proprietary';
  /** Alternatives: the rule matches when every phrase of one alternative is present. */
  anyOf: readonly (readonly string[])[];
  /** Phrases that must all be absent. */
  none?: readonly string[];
  /** For proprietary riders: the name shown in messages. */
  name?: string;
}

const MIT_GRANT = 'permission is hereby granted free of charge to any person obtaining a copy';
const MIT_CONDITION =
  'the above copyright notice and this permission notice shall be included in all copies';
const ISC_GRANT = 'distribute this software for any purpose with or without fee is hereby granted';
const ISC_CONDITION =
  'provided that the above copyright notice and this permission notice appear in all copies';
const BSD_GRANT =
  'redistribution and use in source and binary forms with or without modification are permitted';
const BSD_RETAIN = 'redistributions of source code must retain the above copyright notice';
const BSD_ENDORSE = 'endorse or promote products derived from this software';
const BSD_ADVERTISING = 'all advertising materials mentioning features or use of this software';

/** First match wins; see the module comment for why the order is what it is. */
const TEXT_RULES: readonly TextRule[] = [
  {
    method: 'proprietary',
    name: 'Commons Clause',
    anyOf: [['commons clause license condition']],
  },
  { expression: 'SSPL-1.0', method: 'text', anyOf: [['server side public license version 1']] },
  { expression: 'BUSL-1.1', method: 'text', anyOf: [['business source license 1.1']] },
  { expression: 'Elastic-2.0', method: 'text', anyOf: [['elastic license 2.0']] },
  {
    expression: 'PolyForm-Noncommercial-1.0.0',
    method: 'text',
    anyOf: [['polyform noncommercial license 1.0.0']],
  },
  {
    expression: 'AGPL-3.0-only',
    method: 'text',
    anyOf: [
      ['gnu affero general public license version 3 19 november 2007'],
      ['the gnu affero general public license is a free copyleft license for software'],
    ],
  },
  {
    expression: 'LGPL-3.0-only',
    method: 'text',
    anyOf: [
      ['gnu lesser general public license version 3 29 june 2007'],
      ['this version of the gnu lesser general public license incorporates the terms'],
    ],
  },
  {
    expression: 'LGPL-2.1-only',
    method: 'text',
    anyOf: [
      ['gnu lesser general public license version 2.1 february 1999'],
      ['the lesser general public license applies to some specially designated software'],
    ],
  },
  {
    expression: 'GPL-3.0-only',
    method: 'text',
    anyOf: [
      ['gnu general public license version 3 29 june 2007'],
      ['the gnu general public license is a free copyleft license for software'],
    ],
  },
  {
    expression: 'GPL-2.0-only',
    method: 'text',
    anyOf: [
      ['gnu general public license version 2 june 1991'],
      [
        'the gnu general public license is intended to guarantee your freedom to share and change free software',
      ],
    ],
  },
  {
    expression: 'MPL-2.0',
    method: 'text',
    anyOf: [['mozilla public license version 2.0', 'covered software']],
  },
  {
    expression: 'Apache-2.0',
    method: 'text',
    anyOf: [
      ['apache license version 2.0 january 2004'],
      ['terms and conditions for use reproduction and distribution', 'grant of patent license'],
    ],
  },
  {
    expression: 'BSD-4-Clause',
    method: 'text',
    anyOf: [[BSD_GRANT, BSD_ADVERTISING]],
  },
  {
    expression: 'BSD-3-Clause',
    method: 'text',
    anyOf: [[BSD_GRANT, BSD_ENDORSE]],
  },
  { expression: 'BSD-2-Clause', method: 'text', anyOf: [[BSD_GRANT, BSD_RETAIN]] },
  { expression: 'MIT', method: 'text', anyOf: [[MIT_GRANT, MIT_CONDITION]] },
  {
    expression: 'MIT-0',
    method: 'text',
    anyOf: [[MIT_GRANT, 'to do so']],
    none: ['above copyright notice and this permission notice shall be included'],
  },
  { expression: 'ISC', method: 'text', anyOf: [[ISC_GRANT, ISC_CONDITION]] },
  {
    expression: '0BSD',
    method: 'text',
    anyOf: [[ISC_GRANT]],
    none: ['provided that the above copyright notice'],
  },
  {
    expression: 'Unlicense',
    method: 'text',
    anyOf: [['this is free and unencumbered software released into the public domain']],
  },
  {
    expression: 'CC0-1.0',
    method: 'text',
    anyOf: [
      ['cc0 1.0 universal'],
      ['statement of purpose', 'the laws of most jurisdictions throughout the world'],
    ],
  },
  {
    expression: 'CC0-1.0',
    method: 'notice',
    anyOf: [
      [
        'to the extent possible under law',
        'waived all copyright and related or neighboring rights',
      ],
    ],
  },
  {
    expression: 'Apache-2.0',
    method: 'notice',
    anyOf: [['licensed under the apache license version 2.0']],
  },
  {
    expression: 'MPL-2.0',
    method: 'notice',
    anyOf: [['subject to the terms of the mozilla public license v 2.0']],
  },
];

/**
 * The short notice the GNU licenses ask for at the top of each file ("…under the terms of the
 * GNU General Public License as published by the Free Software Foundation, either version 3
 * of the License, or (at your option) any later version"). The full texts end with the same
 * notice as a how-to, which is why the TEXT_RULES above run first.
 */
const GNU_NOTICE =
  /gnu (affero |lesser |library )?general public license as published by the free software foundation (?:either )?version (\d(?:\.\d)?)(?: of the license)?( or at your option any later version)?/;

const GNU_IDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  '': { '1': 'GPL-1.0', '2': 'GPL-2.0', '3': 'GPL-3.0' },
  'affero ': { '3': 'AGPL-3.0' },
  'lesser ': { '2.1': 'LGPL-2.1', '3': 'LGPL-3.0' },
  'library ': { '2': 'LGPL-2.0' },
};

/**
 * Markers of a closed license in text that matched no rule: an EULA, "all rights reserved"
 * without a grant, a commercial license offer.
 */
const PROPRIETARY_MARKERS =
  /\b(all rights reserved|proprietary|confidential|commercial license|end user license agreement|may not be (copied|distributed|reproduced|redistributed))\b/;

const SPDX_TAG = /SPDX-License-Identifier:[ \t]*([^\r\n]{1,200})/;

export interface TextIdentification {
  expression?: string;
  tree?: LicenseNode;
  method: LicenseDetection['method'];
  line?: number;
  /** For a proprietary rider: its name. */
  name?: string;
}

/** Identifies a license file's text. `none` when it names no license we know. */
export function identifyLicenseText(raw: string): TextIdentification {
  const head = raw.slice(0, MAX_LICENSE_TEXT);
  const tagged = identifySpdxTag(head);
  if (tagged !== undefined) return tagged;
  const normal = normalizeLicenseText(head);
  const byRule = matchRules(normal);
  if (byRule !== undefined) return byRule;
  const notice = matchGnuNotice(normal);
  if (notice !== undefined) return notice;
  const titled = identifyTitle(head, normal);
  if (titled !== undefined) return titled;
  const proprietary = PROPRIETARY_MARKERS.exec(normal.text);
  if (proprietary !== null) {
    return { method: 'proprietary', line: normal.lineAt(proprietary.index) };
  }
  return { method: 'none' };
}

function identifySpdxTag(text: string): TextIdentification | undefined {
  const tag = SPDX_TAG.exec(text);
  if (tag === null) return undefined;
  // Strip a trailing comment closer: `/* SPDX-License-Identifier: MIT */`, `<!-- … -->`.
  const value = tag[1]!.replace(/\s*(\*\/|-->)\s*$/, '').trim();
  const tree = parseExpression(value) ?? correctExpression(value);
  if (tree === undefined) return undefined;
  const line = text.slice(0, tag.index).split('\n').length;
  return { expression: formatExpression(tree), tree, method: 'spdx-tag', line };
}

function matchRules(normal: NormalizedText): TextIdentification | undefined {
  for (const rule of TEXT_RULES) {
    if (rule.none?.some((phrase) => normal.text.includes(phrase)) === true) continue;
    for (const phrases of rule.anyOf) {
      const offsets = phrases.map((phrase) => normal.text.indexOf(phrase));
      if (offsets.some((o) => o === -1)) continue;
      const line = normal.lineAt(Math.min(...offsets));
      if (rule.expression === undefined) {
        return {
          method: rule.method,
          line,
          ...(rule.name === undefined ? {} : { name: rule.name }),
        };
      }
      return {
        expression: rule.expression,
        tree: parseExpression(rule.expression)!,
        method: rule.method,
        line,
      };
    }
  }
  return undefined;
}

function matchGnuNotice(normal: NormalizedText): TextIdentification | undefined {
  const m = GNU_NOTICE.exec(normal.text);
  if (m === null) return undefined;
  const base = GNU_IDS[m[1] ?? '']?.[m[2]!];
  if (base === undefined) return undefined;
  const expression = `${base}${m[3] === undefined ? '-only' : '-or-later'}`;
  const tree = parseExpression(expression);
  if (tree === undefined) return undefined;
  return { expression, tree, method: 'notice', line: normal.lineAt(m.index) };
}

/**
 * A short file that only names its license ("MIT", "ISC License", "# The Unlicense"), often
 * followed by a copyright line. Only an exact id (in any case) counts, never a guess.
 */
function identifyTitle(raw: string, normal: NormalizedText): TextIdentification | undefined {
  if (normal.text.length > 300) return undefined;
  const lines = raw.split(/\r\n|\r|\n/);
  const index = lines.findIndex((l) => l.trim() !== '');
  if (index === -1) return undefined;
  const title = lines[index]!.replace(/^[\s#=*_>-]+|[\s#=*_]+$/g, '')
    .replace(/^the\s+/i, '')
    .replace(/\s+licen[cs]e$/i, '')
    .trim();
  const id = licenseIdIgnoringCase(title);
  if (id === undefined) return undefined;
  return { expression: id, tree: { license: id }, method: 'title', line: index + 1 };
}

/**
 * Ids often named in README license sections, and names people write for them. Only these are
 * looked for: a README mentions many things, and an id from a long list ("Zed", "Fair",
 * "Glide") would match ordinary words.
 */
const MENTIONED_IDS = [
  '0BSD',
  'AGPL-3.0-only',
  'AGPL-3.0-or-later',
  'AGPL-3.0',
  'Apache-2.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  'CC0-1.0',
  'CC-BY-4.0',
  'GPL-2.0-only',
  'GPL-2.0-or-later',
  'GPL-2.0',
  'GPL-3.0-only',
  'GPL-3.0-or-later',
  'GPL-3.0',
  'ISC',
  'LGPL-2.1-only',
  'LGPL-2.1-or-later',
  'LGPL-3.0-only',
  'LGPL-3.0-or-later',
  'MIT',
  'MIT-0',
  'MPL-2.0',
  'Unlicense',
  'WTFPL',
  'Zlib',
] as const;

/** Each id as a whole token: not inside a longer id (`GPL-3.0` in `LGPL-3.0-only`). */
const MENTIONED_ID_PATTERNS: readonly (readonly [string, RegExp])[] = MENTIONED_IDS.map((id) => [
  id,
  new RegExp(`(?<![A-Za-z0-9.-])${id.replace(/[.+]/g, '\\$&')}(?![A-Za-z0-9-]|\\.\\d)`),
]);

const MENTIONED_NAMES: readonly (readonly [RegExp, string])[] = [
  [/\bmit licen[cs]e\b/, 'MIT'],
  [/\bisc licen[cs]e\b/, 'ISC'],
  [/\bapache (licen[cs]e )?(version |v)?2(\.0)?\b/, 'Apache-2.0'],
  [/\b(bsd 3 clause|3 clause bsd|new bsd)\b/, 'BSD-3-Clause'],
  [/\b(bsd 2 clause|2 clause bsd|simplified bsd)\b/, 'BSD-2-Clause'],
  [/\bmozilla public licen[cs]e (version |v )?2\.0\b/, 'MPL-2.0'],
  [/\bthe unlicen[cs]e\b/, 'Unlicense'],
];

const README_HEADING =
  /^(?:#{1,6}[ \t]*)?(?:the[ \t]+)?(?:licen[cs]es?|copying|copyright and licen[cs]e)\b[^\n]{0,40}$/i;

/**
 * The license section of a README (from a `License`/`Licence` heading to the next heading)
 * and the license it names, when it names exactly one.
 */
export function identifyReadme(raw: string): TextIdentification | undefined {
  const text = raw.slice(0, MAX_LICENSE_TEXT);
  const lines = text.split(/\r\n|\r|\n/);
  let start = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const setext = /^(=+|-+)$/.test(lines[i + 1]?.trim() ?? '');
    if ((line.startsWith('#') || setext) && README_HEADING.test(line)) {
      start = setext ? i + 2 : i + 1;
      break;
    }
  }
  if (start === -1) return undefined;
  const body: string[] = [];
  let size = 0;
  for (let i = start; i < lines.length && size < MAX_README_SECTION; i++) {
    const line = lines[i]!;
    if (/^\s{0,3}#/.test(line) || /^(=+|-+)$/.test(lines[i + 1]?.trim() ?? 'x')) break;
    body.push(line);
    size += line.length + 1;
  }
  const section = body.join('\n').slice(0, MAX_README_SECTION);
  const shift = (found: TextIdentification): TextIdentification =>
    found.line === undefined ? found : { ...found, line: found.line + start };
  const tagged = identifySpdxTag(section);
  if (tagged !== undefined) return shift(tagged);
  const normal = normalizeLicenseText(section);
  const byRule = matchRules(normal) ?? matchGnuNotice(normal);
  if (byRule !== undefined && byRule.method !== 'proprietary') return shift(byRule);
  return mention(section, normal, start);
}

function mention(
  section: string,
  normal: NormalizedText,
  start: number,
): TextIdentification | undefined {
  const found = new Map<string, number>();
  for (const [id, pattern] of MENTIONED_ID_PATTERNS) {
    const m = pattern.exec(section);
    if (m !== null) found.set(id, section.slice(0, m.index).split('\n').length);
  }
  for (const [pattern, id] of MENTIONED_NAMES) {
    const m = pattern.exec(normal.text);
    if (m !== null && !found.has(id)) found.set(id, normal.lineAt(m.index));
  }
  // "GPL-3.0" is found inside "GPL-3.0-only" only when the lookahead fails; drop a bare
  // deprecated id when its -only/-or-later form was also seen.
  for (const id of [...found.keys()]) {
    if ([...found.keys()].some((other) => other !== id && other.startsWith(`${id}-`))) {
      found.delete(id);
    }
  }
  const only = found.size === 1 ? [...found][0] : undefined;
  if (only === undefined) return undefined;
  const [id, line] = only;
  return { expression: id, tree: { license: id }, method: 'mention', line: line + start };
}
