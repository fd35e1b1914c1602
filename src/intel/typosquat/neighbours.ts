/**
 * Real, unrelated (or officially related) packages whose names are one typo-squat technique
 * apart. A listed pair never fires, in either direction, whatever the download counts say.
 *
 * Why a pair is needed at all when both names are on the popular list (which already
 * suppresses them): the list is refreshed, its cut moves, and the less downloaded name of a
 * pair can drop off it. The audit in popular.test.ts checks every listed name against the
 * others as if it were unknown, keeping only the download-ratio rule; the pairs it finds
 * where one name has less than 5 % of the other's downloads (close enough to the 1 % rule to
 * flip) are recorded here, with the pairs reviewers know about. popular.test.ts also checks
 * that every pair here still matches without the allowlist, so the list cannot rot.
 *
 * Names are lower-case. A pair is removed when its reason stops being true.
 */

export interface NeighbourPair {
  readonly a: string;
  readonly b: string;
  readonly why: string;
}

const SAME_PROJECT = 'the same project under an older or newer name';
const BOTH_POPULAR = 'both on the popular list, by different authors (audit)';

export const LEGITIMATE_NEIGHBOURS: readonly NeighbourPair[] = [
  // Known to reviewers.
  {
    a: 'color',
    b: 'colors',
    why: 'Qix-/color (conversion) and Marak/colors.js (terminal styling)',
  },
  {
    a: 'chalk',
    b: 'chalks',
    why: 'chalks is a set of p5js tools (rubenafo/chalks), not a chalk copy',
  },
  { a: 'node-uuid', b: 'uuid', why: SAME_PROJECT },
  { a: 'node-sass', b: 'sass', why: 'LibSass bindings and Dart Sass, both from the Sass project' },
  {
    a: 'debug',
    b: 'debug-js',
    why: 'debug-js is a JavaScript debugger (oceanhouse21/debug-js), not a copy of debug',
  },
  // Found by the audit (5 % band).
  { a: 'global', b: 'globals', why: BOTH_POPULAR },
  { a: 'urijs', b: 'uri-js', why: BOTH_POPULAR },
  { a: 'callsite', b: 'callsites', why: BOTH_POPULAR },
  { a: 'dom-serialize', b: 'dom-serializer', why: BOTH_POPULAR },
  { a: 'acorn-node', b: 'acorn', why: BOTH_POPULAR },
  { a: 'binaryextensions', b: 'binary-extensions', why: BOTH_POPULAR },
  { a: 'flatten', b: 'flatted', why: BOTH_POPULAR },
  { a: 'jsdoc', b: 'jsdom', why: BOTH_POPULAR },
  { a: 'yamljs', b: 'yaml', why: BOTH_POPULAR },
  { a: 'parseuri', b: 'parseurl', why: BOTH_POPULAR },
  { a: 'charset', b: 'chardet', why: BOTH_POPULAR },
  { a: 'mem-fs', b: 'memfs', why: BOTH_POPULAR },
  { a: 'node-object-hash', b: 'object-hash', why: BOTH_POPULAR },
  { a: 'is-window', b: 'is-windows', why: BOTH_POPULAR },
  { a: 'jschardet', b: 'chardet', why: BOTH_POPULAR },
  { a: 'ansi-color', b: 'ansi-colors', why: BOTH_POPULAR },
  { a: 'diff3', b: 'diff', why: BOTH_POPULAR },
  { a: 'node-jose', b: 'jose', why: BOTH_POPULAR },
  { a: 'path2', b: 'pathe', why: BOTH_POPULAR },
  { a: 'prompt', b: 'prompts', why: BOTH_POPULAR },
  { a: 'emitter-component', b: 'component-emitter', why: BOTH_POPULAR },
  { a: 'hast-util-to-mdast', b: 'mdast-util-to-hast', why: BOTH_POPULAR },
  { a: 'node.extend', b: 'extend', why: BOTH_POPULAR },
  { a: 'pegjs', b: 'pngjs', why: BOTH_POPULAR },
  { a: 'json-schema-to-zod', b: 'zod-to-json-schema', why: BOTH_POPULAR },
  { a: 'slash', b: 'slashes', why: BOTH_POPULAR },
  { a: 'ansi-wrap', b: 'wrap-ansi', why: BOTH_POPULAR },
  { a: 'piccolore', b: 'picocolors', why: BOTH_POPULAR },
];

/**
 * Scopes whose owners published `<scope>-<name>` unscoped before moving to `@<scope>/<name>`
 * (Babel 6 → 7, Jest, Rollup's plugins). Such an unscoped name is the old release line, and a
 * squatter cannot take it: it exists.
 */
const LEGACY_UNSCOPED_FAMILIES: ReadonlySet<string> = new Set(['babel', 'jest', 'rollup']);

const PAIR_SEPARATOR = '\u0000';
const known = new Set<string>();
for (const { a, b } of LEGITIMATE_NEIGHBOURS) {
  known.add(a + PAIR_SEPARATOR + b);
  known.add(b + PAIR_SEPARATOR + a);
}

/** Whether two (lower-case) names are a known pair of legitimate neighbours. */
export function isKnownNeighbour(a: string, b: string): boolean {
  return known.has(a + PAIR_SEPARATOR + b);
}

/** Whether unscoped `name` is the pre-scope form of a package in `scope` (`babel-core`). */
export function isLegacyUnscopedName(name: string, scope: string): boolean {
  return LEGACY_UNSCOPED_FAMILIES.has(scope) && name.startsWith(`${scope}-`);
}
