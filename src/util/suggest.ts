/**
 * "Did you mean …?" for misspelt flags, commands, socket.yml keys and alert types.
 *
 * Distance is Damerau-Levenshtein in its optimal-string-alignment form (insert, delete,
 * substitute, swap two neighbours; no substring edited twice), the usual choice for typos:
 * `instalScripts`, `installSrcipts` and `InstallScripts` are all one step from the real name.
 * Comparison is case-insensitive because a wrong case is the commonest slip, yet the names
 * are case-sensitive, so a case-only difference is still worth a suggestion.
 *
 * Inputs come from hostile files, so the work is bounded: a candidate whose length differs
 * by more than the threshold is skipped without computing anything (the distance is at least
 * the length difference), and the row computation stops as soon as a row's minimum exceeds
 * the threshold. A megabyte-long key therefore costs nothing.
 */

/** Largest distance that still earns a suggestion for an input of this length. */
export function suggestionThreshold(input: string): number {
  return Math.max(2, Math.floor(input.length / 4));
}

/**
 * The candidate closest to `input` (case-insensitively), when within the threshold. Ties go
 * to the candidate that sorts first, so the answer does not depend on the candidates' order.
 */
export function closestMatch(input: string, candidates: Iterable<string>): string | undefined {
  const max = suggestionThreshold(input);
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = boundedDistance(needle, candidate.toLowerCase(), Math.min(max, bestDistance));
    if (d === undefined) continue;
    if (d < bestDistance || (d === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Optimal-string-alignment distance between `a` and `b`, or undefined when it exceeds
 * `max`. Three rolling rows: O(|a|·|b|) time, O(|b|) memory.
 */
export function boundedDistance(a: string, b: string, max: number): number | undefined {
  if (Math.abs(a.length - b.length) > max) return undefined;
  if (a === b) return 0;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const cb = b.charCodeAt(j - 1);
      const cost = ca === cb ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        v = Math.min(v, prev2[j - 2]! + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return undefined;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  const d = prev[n]!;
  return d <= max ? d : undefined;
}
