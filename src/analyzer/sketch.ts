/**
 * A bottom-k sketch of a code file's statements: the k smallest distinct 32-bit hashes of its
 * chunks (text between newlines, `;`, `{` and `}`, whitespace ignored). Two sketches estimate
 * how much of a file's code two versions share, so a rebuilt bundle with three changed
 * functions reads as a small change rather than a new file, which whole-file hashes cannot
 * tell. Kept in the inventory, compared in src/intel/history.ts.
 */
export const SKETCH_SIZE = 24;
/** Chunks shorter than this (`}`, `else`, `return;`) say nothing about the code. */
const MIN_CHUNK = 8;

export function sketch(text: string, k = SKETCH_SIZE): number[] {
  const smallest: number[] = [];
  let hash = 0x811c9dc5;
  let length = 0;
  const flush = () => {
    if (length >= MIN_CHUNK) insert(smallest, hash >>> 0, k);
    hash = 0x811c9dc5;
    length = 0;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x3b || c === 0x7b || c === 0x7d) flush();
    else if (c !== 0x20 && c !== 0x09 && c !== 0x0d) {
      hash = Math.imul(hash ^ c, 0x01000193);
      length++;
    }
  }
  flush();
  return smallest;
}

/** Keeps `list` sorted, distinct, at most k long. */
function insert(list: number[], value: number, k: number): void {
  if (list.length === k && value >= (list[k - 1] as number)) return;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  if (list[lo] === value) return;
  list.splice(lo, 0, value);
  if (list.length > k) list.pop();
}

/**
 * Estimated Jaccard similarity of the two files' chunk sets: among the k smallest hashes of
 * the union, the share present in both.
 */
export function similarity(a: readonly number[], b: readonly number[], k = SKETCH_SIZE): number {
  if (a.length === 0 && b.length === 0) return 1;
  const inA = new Set(a);
  const inB = new Set(b);
  const union = [...new Set([...a, ...b])].sort((x, y) => x - y).slice(0, k);
  let both = 0;
  for (const h of union) if (inA.has(h) && inB.has(h)) both++;
  return both / union.length;
}
