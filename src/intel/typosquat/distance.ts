/**
 * Bounded Damerau-Levenshtein distance (optimal-string-alignment form: insert, delete,
 * substitute, swap two neighbours) and the naming of a one-edit difference.
 *
 * Written here rather than taken from `fastest-levenshtein`: that library computes plain
 * Levenshtein, so a swap (`raect`) costs 2 and would need the looser threshold that lets
 * unrelated names in; it has no bound, so every verification would run the full matrix; and
 * the index only verifies the handful of names its deletion neighbourhood already proved close,
 * so raw speed is not what matters. This version stops as soon as a row's minimum exceeds the
 * bound, keeps three reusable rows (no allocation per call), and skips pairs whose lengths
 * alone rule them out.
 */

/** Longest name compared; npm names stop at 214 characters. */
const MAX_LENGTH = 256;
/** Three reusable rows: two rows back (for swaps), the previous one, the current one. */
const rows = [
  new Int32Array(MAX_LENGTH + 1),
  new Int32Array(MAX_LENGTH + 1),
  new Int32Array(MAX_LENGTH + 1),
] as const;

/**
 * Optimal-string-alignment distance between `a` and `b`, or undefined when it exceeds `max`
 * (or either string is longer than 256 characters).
 */
export function boundedOsaDistance(a: string, b: string, max: number): number | undefined {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return undefined;
  if (a.length > MAX_LENGTH || b.length > MAX_LENGTH) return undefined;
  // Locals, not module bindings, in the hot loop: the engine keeps them in registers.
  let before = rows[0];
  let previous = rows[1];
  let current = rows[2];
  const n = b.length;
  for (let j = 0; j <= n; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const ca = a.charCodeAt(i - 1);
    const caBefore = i > 1 ? a.charCodeAt(i - 2) : -1;
    current[0] = i;
    let rowMin = i;
    let left = i;
    let cbBefore = -1;
    for (let j = 1; j <= n; j++) {
      const cb = b.charCodeAt(j - 1);
      let v = previous[j - 1]! + (ca === cb ? 0 : 1);
      const del = previous[j]! + 1;
      if (del < v) v = del;
      if (left + 1 < v) v = left + 1;
      if (ca === cbBefore && caBefore === cb) {
        const swap = before[j - 2]! + 1;
        if (swap < v) v = swap;
      }
      current[j] = v;
      left = v;
      cbBefore = cb;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return undefined;
    const spare = before;
    before = previous;
    previous = current;
    current = spare;
  }
  const d = previous[n]!;
  return d <= max ? d : undefined;
}

/** What a single edit from `target` to `candidate` did, in the squatter's vocabulary. */
export type SingleEdit =
  | 'transposition'
  | 'doubled-letter'
  | 'dropped-letter'
  | 'plural'
  | 'version-suffix'
  | 'digit-change'
  | 'insertion'
  | 'substitution';

/**
 * Names the one edit that turns `target` into `candidate` (their OSA distance must be 1).
 * `digit-change` (a digit replaced by another: `vue2`/`vue3`, `md4`/`md5`) is kept apart
 * because it is how versioned names legitimately differ, not a typo.
 */
export function classifySingleEdit(candidate: string, target: string): SingleEdit {
  let i = 0;
  while (i < candidate.length && i < target.length && candidate[i] === target[i]) i++;
  if (candidate.length === target.length + 1) {
    const inserted = candidate[i] as string;
    if (candidate[i - 1] === inserted || candidate[i + 1] === inserted) return 'doubled-letter';
    if (i === target.length && inserted === 's') return 'plural';
    if (i === target.length && isDigit(inserted)) return 'version-suffix';
    return 'insertion';
  }
  if (candidate.length + 1 === target.length) {
    if (i === candidate.length && target[i] === 's' && target[i - 1] !== 's') return 'plural';
    return 'dropped-letter';
  }
  if (candidate[i] === target[i + 1] && candidate[i + 1] === target[i]) return 'transposition';
  if (isDigit(candidate[i]) && isDigit(target[i])) return 'digit-change';
  return 'substitution';
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

/**
 * Every string made by deleting up to `depth` characters from `s` (not `s` itself), deduplicated,
 * passed to `visit`. The deletion neighbourhood of the index: two strings within edit distance
 * d share a member of their depth-d neighbourhoods (with `s` itself counted as depth 0).
 */
export function forEachDeletion(s: string, depth: number, visit: (key: string) => void): void {
  const seen = new Set<string>();
  let frontier = [s];
  for (let level = 0; level < depth; level++) {
    const next: string[] = [];
    for (const word of frontier) {
      for (let i = 0; i < word.length; i++) {
        // Deleting either letter of a doubled pair gives the same string: skip the repeat.
        if (i > 0 && word[i] === word[i - 1]) continue;
        const key = word.slice(0, i) + word.slice(i + 1);
        if (seen.has(key)) continue;
        seen.add(key);
        next.push(key);
        visit(key);
      }
    }
    frontier = next;
  }
}
