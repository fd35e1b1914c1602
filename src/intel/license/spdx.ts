/**
 * The SPDX license and exception lists (spdx-license-ids, spdx-exceptions), looked up
 * exactly and case-insensitively, plus what each deprecated id became.
 *
 * The lists are JSON packages; createRequire loads them the same way on every Node 20+
 * release (JSON import attributes changed syntax within Node 20). They are read once, when
 * this module loads, and are only data.
 */
import { createRequire } from 'node:module';

import type { LicenseLeaf } from './types.js';

const require = createRequire(import.meta.url);

function stringList(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new TypeError(`${name} is not a list of strings`);
  }
  return value as string[];
}

const CURRENT_IDS = stringList(require('spdx-license-ids'), 'spdx-license-ids');
const DEPRECATED_IDS = stringList(
  require('spdx-license-ids/deprecated.json'),
  'spdx-license-ids/deprecated',
);
const CURRENT_EXCEPTIONS = stringList(require('spdx-exceptions'), 'spdx-exceptions');
const DEPRECATED_EXCEPTIONS = stringList(
  require('spdx-exceptions/deprecated.json'),
  'spdx-exceptions/deprecated',
);

const currentIds: ReadonlySet<string> = new Set(CURRENT_IDS);
const deprecatedIds: ReadonlySet<string> = new Set(DEPRECATED_IDS);
const exceptionIds: ReadonlySet<string> = new Set([
  ...CURRENT_EXCEPTIONS,
  ...DEPRECATED_EXCEPTIONS,
]);
const deprecatedExceptionIds: ReadonlySet<string> = new Set(DEPRECATED_EXCEPTIONS);

function lowerMap(ids: Iterable<string>): ReadonlyMap<string, string> {
  const map = new Map<string, string>();
  for (const id of ids) map.set(id.toLowerCase(), id);
  return map;
}

const licenseByLower = lowerMap([...DEPRECATED_IDS, ...CURRENT_IDS]);
const exceptionByLower = lowerMap(exceptionIds);

/** A `LicenseRef-…` or `DocumentRef-…:LicenseRef-…` reference, as SPDX spells them. */
const LICENSE_REF = /^(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$/;

export function isLicenseRef(id: string): boolean {
  return id.length <= 200 && LICENSE_REF.test(id);
}

/** A license id on the SPDX list, current or deprecated (exact case). */
export function isSpdxLicenseId(id: string): boolean {
  return currentIds.has(id) || deprecatedIds.has(id);
}

export function isDeprecatedLicenseId(id: string): boolean {
  return deprecatedIds.has(id);
}

export function isSpdxExceptionId(id: string): boolean {
  return exceptionIds.has(id);
}

export function isDeprecatedExceptionId(id: string): boolean {
  return deprecatedExceptionIds.has(id);
}

/** The list's spelling of a license id typed in any case (`mit` → `MIT`). */
export function licenseIdIgnoringCase(id: string): string | undefined {
  return licenseByLower.get(id.toLowerCase());
}

export function exceptionIdIgnoringCase(id: string): string | undefined {
  return exceptionByLower.get(id.toLowerCase());
}

export function allLicenseIds(): readonly string[] {
  return CURRENT_IDS;
}

/**
 * What each deprecated id means in today's list, from the SPDX list's deprecation notes.
 * `plusForm` is used when the deprecated id carried a `+` (GPL-2.0+): the GNU licenses moved
 * the "or later" grant into the id. Ids missing here (Net-SNMP) have no single successor.
 */
const DEPRECATED_REPLACEMENTS: Readonly<Record<string, { only: LicenseLeaf; plusForm?: string }>> =
  {
    'AGPL-1.0': { only: { license: 'AGPL-1.0-only' }, plusForm: 'AGPL-1.0-or-later' },
    'AGPL-3.0': { only: { license: 'AGPL-3.0-only' }, plusForm: 'AGPL-3.0-or-later' },
    'GPL-1.0': { only: { license: 'GPL-1.0-only' }, plusForm: 'GPL-1.0-or-later' },
    'GPL-2.0': { only: { license: 'GPL-2.0-only' }, plusForm: 'GPL-2.0-or-later' },
    'GPL-3.0': { only: { license: 'GPL-3.0-only' }, plusForm: 'GPL-3.0-or-later' },
    'LGPL-2.0': { only: { license: 'LGPL-2.0-only' }, plusForm: 'LGPL-2.0-or-later' },
    'LGPL-2.1': { only: { license: 'LGPL-2.1-only' }, plusForm: 'LGPL-2.1-or-later' },
    'LGPL-3.0': { only: { license: 'LGPL-3.0-only' }, plusForm: 'LGPL-3.0-or-later' },
    'GFDL-1.1': { only: { license: 'GFDL-1.1-only' }, plusForm: 'GFDL-1.1-or-later' },
    'GFDL-1.2': { only: { license: 'GFDL-1.2-only' }, plusForm: 'GFDL-1.2-or-later' },
    'GFDL-1.3': { only: { license: 'GFDL-1.3-only' }, plusForm: 'GFDL-1.3-or-later' },
    'GPL-2.0-with-GCC-exception': {
      only: { license: 'GPL-2.0-or-later', exception: 'GCC-exception-2.0' },
    },
    'GPL-2.0-with-autoconf-exception': {
      only: { license: 'GPL-2.0-only', exception: 'Autoconf-exception-2.0' },
    },
    'GPL-2.0-with-bison-exception': {
      only: { license: 'GPL-2.0-or-later', exception: 'Bison-exception-2.2' },
    },
    'GPL-2.0-with-classpath-exception': {
      only: { license: 'GPL-2.0-only', exception: 'Classpath-exception-2.0' },
    },
    'GPL-2.0-with-font-exception': {
      only: { license: 'GPL-2.0-only', exception: 'Font-exception-2.0' },
    },
    'GPL-3.0-with-GCC-exception': {
      only: { license: 'GPL-3.0-only', exception: 'GCC-exception-3.1' },
    },
    'GPL-3.0-with-autoconf-exception': {
      only: { license: 'GPL-3.0-only', exception: 'Autoconf-exception-3.0' },
    },
    'eCos-2.0': { only: { license: 'GPL-2.0-or-later', exception: 'eCos-exception-2.0' } },
    wxWindows: { only: { license: 'GPL-2.0-or-later', exception: 'WxWindows-exception-3.1' } },
    'BSD-2-Clause-FreeBSD': { only: { license: 'BSD-2-Clause-Views' } },
    'BSD-2-Clause-NetBSD': { only: { license: 'BSD-2-Clause' } },
    Nunit: { only: { license: 'zlib-acknowledgement' } },
    'StandardML-NJ': { only: { license: 'SMLNJ' } },
    'bzip2-1.0.5': { only: { license: 'bzip2-1.0.6' } },
  };

/** The replacement of a deprecated leaf, or undefined when it has none. */
export function replacementOf(leaf: LicenseLeaf): LicenseLeaf | undefined {
  const entry = DEPRECATED_REPLACEMENTS[leaf.license];
  if (entry === undefined || !Object.hasOwn(DEPRECATED_REPLACEMENTS, leaf.license)) {
    return undefined;
  }
  if (leaf.plus === true && entry.plusForm !== undefined) {
    return withException({ license: entry.plusForm }, leaf.exception);
  }
  const replaced: LicenseLeaf = { ...entry.only };
  if (leaf.plus === true) replaced.plus = true;
  return leaf.exception !== undefined && replaced.exception === undefined
    ? withException(replaced, leaf.exception)
    : replaced;
}

function withException(leaf: LicenseLeaf, exception: string | undefined): LicenseLeaf {
  return exception === undefined ? leaf : { ...leaf, exception };
}

/** The deprecated ids that have a replacement, for tests and docs. */
export function deprecatedIdsWithReplacement(): string[] {
  return Object.keys(DEPRECATED_REPLACEMENTS);
}

/** Every deprecated id of the list. */
export function deprecatedLicenseIds(): readonly string[] {
  return DEPRECATED_IDS;
}

/** GNU-style ids, where "or later" is part of the id rather than a `+`. */
const GNU_FAMILY = /^(A?GPL|LGPL|GFDL)-(\d+\.\d+)(-only|-or-later)?$/;

/**
 * A leaf in today's terms: a deprecated id replaced, and a `+` on a GNU id turned into its
 * `-or-later` id. Two spellings of the same license normalise to the same leaf, which is
 * what the change and policy comparisons need.
 */
export function normalizeLeaf(leaf: LicenseLeaf): LicenseLeaf {
  const replaced = replacementOf(leaf) ?? leaf;
  const gnu = GNU_FAMILY.exec(replaced.license);
  if (gnu !== null && replaced.plus === true) {
    return withException({ license: `${gnu[1]}-${gnu[2]}-or-later` }, replaced.exception);
  }
  return replaced;
}

/**
 * The id with its version grant removed (`GPL-2.0-or-later` → `GPL-2.0`), and the version
 * family it belongs to, for "this version or a later one" comparisons.
 */
export function versionStem(id: string): { stem: string; family: string; version?: number[] } {
  const gnu = GNU_FAMILY.exec(id);
  const stem = gnu !== null ? `${gnu[1]}-${gnu[2]}` : id;
  const versioned = /^(.*?)-(\d+(?:\.\d+)*)$/.exec(stem);
  if (versioned === null) return { stem, family: stem };
  return {
    stem,
    family: versioned[1]!,
    version: versioned[2]!.split('.').map((n) => Number(n)),
  };
}

export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The stems a user may choose under an "or later" grant: the id's own version and every
 * later version of the same family on the SPDX list (GPL-2.0-or-later → GPL-2.0, GPL-3.0).
 * Computed once per family and cached; the list is fixed while the process runs.
 */
const familyVersionsCache = new Map<string, { stem: string; version: number[] }[]>();

export function laterStems(id: string): string[] {
  const { stem, family, version } = versionStem(id);
  if (version === undefined) return [stem];
  let members = familyVersionsCache.get(family);
  if (members === undefined) {
    const seen = new Map<string, number[]>();
    for (const candidate of [...CURRENT_IDS, ...DEPRECATED_IDS]) {
      const v = versionStem(candidate);
      if (v.family === family && v.version !== undefined) seen.set(v.stem, v.version);
    }
    members = [...seen].map(([s, v]) => ({ stem: s, version: v }));
    familyVersionsCache.set(family, members);
  }
  const later = members.filter((m) => compareVersions(m.version, version) >= 0).map((m) => m.stem);
  return later.includes(stem) ? later.sort() : [stem, ...later].sort();
}
