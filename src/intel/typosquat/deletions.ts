/**
 * Deletion-neighbourhood index ("SymSpell"): finds the stored strings within a small edit
 * distance of a query without comparing the query to each of them.
 *
 * Two strings within optimal-string-alignment distance d share a member of their
 * neighbourhoods of depth d (every string made by deleting up to d characters, the string
 * itself included): a substitution is one deletion on each side, an insertion one deletion
 * on the longer side, a swap of neighbours one deletion on each side. So each stored string
 * is filed under its neighbourhood, and a query looks up its own.
 *
 * Stored as strings in a Map, the neighbourhood of the popular names took over a second to
 * build; here each member is only a 32-bit polynomial hash, computed in O(1) from prefix
 * hashes without building the string, and the table is two typed arrays in bucket order
 * (compressed sparse rows). A hash collision can
 * only add a candidate, never lose one, and every candidate is verified by a bounded distance
 * computation afterwards, so collisions cost time, not correctness.
 */

/** Longest string expanded (npm names stop at 214 characters). */
const MAX_LENGTH = 256;
/** Longest word expanded at depth 2 (C(64, 2) = 2016 hashes): no real name has longer. */
const MAX_DEEP_WORD = 64;
/** The multiplier must be odd: the hash is a polynomial mod 2^32, which the O(1) deletion formula needs. */
const BASE = 0x9e3779b1;
const POWERS = new Uint32Array(MAX_LENGTH + 1);
POWERS[0] = 1;
for (let i = 1; i <= MAX_LENGTH; i++) POWERS[i] = Math.imul(POWERS[i - 1]!, BASE) >>> 0;
const prefix = new Uint32Array(MAX_LENGTH + 1);
let hashBuffer = new Uint32Array(1024);

/** Hash of s[a..b) from the prefix hashes in `prefix`. */
function slice(a: number, b: number): number {
  return (prefix[b]! - Math.imul(prefix[a]!, POWERS[b - a]!)) >>> 0;
}

function isSeparator(code: number): boolean {
  return code === 45 /* - */ || code === 95 /* _ */ || code === 46; /* . */
}

/**
 * The neighbourhood of `s` as hashes: `s` itself, every one-character deletion, and every
 * two-character deletion inside one word (between separators) at least `deepWord` characters
 * long (0: none). Two edits are only ever accepted inside one long word (see nameEdit in
 * build.ts), so deeper deletions elsewhere would only add work. Returns the shared buffer and
 * the count; the buffer is overwritten by the next call. Strings over 256 characters yield
 * nothing.
 */
export function neighbourhoodHashes(s: string, deepWord: number): [Uint32Array, number] {
  const n = s.length;
  if (n > MAX_LENGTH) return [hashBuffer, 0];
  for (let i = 0; i < n; i++) prefix[i + 1] = (Math.imul(prefix[i]!, BASE) + s.charCodeAt(i)) >>> 0;
  let needed = n + 1;
  if (deepWord > 0) {
    forEachDeepWord(s, deepWord, (start, end) => {
      needed += ((end - start) * (end - start - 1)) / 2;
    });
  }
  if (needed > hashBuffer.length) hashBuffer = new Uint32Array(needed);
  const out = hashBuffer;
  let count = 0;
  out[count++] = prefix[n]!;
  for (let i = 0; i < n; i++) {
    // Deleting either letter of a doubled pair gives the same string.
    if (i > 0 && s.charCodeAt(i) === s.charCodeAt(i - 1)) continue;
    out[count++] = (Math.imul(prefix[i]!, POWERS[n - 1 - i]!) + slice(i + 1, n)) >>> 0;
  }
  if (deepWord > 0) {
    forEachDeepWord(s, deepWord, (start, end) => {
      for (let i = start; i + 1 < end; i++) {
        const head = Math.imul(prefix[i]!, POWERS[n - 2 - i]!);
        for (let j = i + 1; j < end; j++) {
          const middle = Math.imul(slice(i + 1, j), POWERS[n - 1 - j]!);
          out[count++] = (head + middle + slice(j + 1, n)) >>> 0;
        }
      }
    });
  }
  return [out, count];
}

function forEachDeepWord(
  s: string,
  deepWord: number,
  visit: (start: number, end: number) => void,
): void {
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    if (i < s.length && !isSeparator(s.charCodeAt(i))) continue;
    const length = i - start;
    if (length >= deepWord && length <= MAX_DEEP_WORD) visit(start, i);
    start = i + 1;
  }
}

/** Spreads the polynomial hash's weak low bits before they pick a bucket. */
function bucketOf(hash: number, mask: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x45d9f3b);
  h ^= h >>> 16;
  return h & mask;
}

/** Collects (neighbourhood hash, id) pairs, then freezes them into a {@link DeletionIndex}. */
export class DeletionIndexBuilder {
  private hashes = new Uint32Array(1024);
  private ids = new Uint32Array(1024);
  private count = 0;

  /** Files `id` under the neighbourhood of `s` (see {@link neighbourhoodHashes}). */
  add(s: string, id: number, deepWord: number): void {
    const [hashes, n] = neighbourhoodHashes(s, deepWord);
    if (this.count + n > this.hashes.length) {
      const capacity = Math.max(this.hashes.length * 2, this.count + n);
      const hashes = new Uint32Array(capacity);
      hashes.set(this.hashes);
      this.hashes = hashes;
      const ids = new Uint32Array(capacity);
      ids.set(this.ids);
      this.ids = ids;
    }
    for (let k = 0; k < n; k++) {
      this.hashes[this.count] = hashes[k]!;
      this.ids[this.count++] = id;
    }
  }

  build(): DeletionIndex {
    let size = 1;
    while (size < this.count) size *= 2;
    const mask = size - 1;
    const offsets = new Uint32Array(size + 1);
    for (let k = 0; k < this.count; k++) offsets[bucketOf(this.hashes[k]!, mask) + 1]!++;
    for (let b = 0; b < size; b++) offsets[b + 1]! += offsets[b]!;
    const cursor = offsets.slice(0, size);
    const hashes = new Uint32Array(this.count);
    const ids = new Uint32Array(this.count);
    for (let k = 0; k < this.count; k++) {
      const hash = this.hashes[k]!;
      const at = cursor[bucketOf(hash, mask)]!++;
      hashes[at] = hash;
      ids[at] = this.ids[k]!;
    }
    return new DeletionIndex(mask, offsets, hashes, ids);
  }
}

export class DeletionIndex {
  constructor(
    private readonly mask: number,
    private readonly offsets: Uint32Array,
    private readonly hashes: Uint32Array,
    private readonly ids: Uint32Array,
  ) {}

  /** How many (hash, id) pairs are stored. */
  get size(): number {
    return this.hashes.length;
  }

  /**
   * Calls `found` with the id of every stored string whose neighbourhood shares a hash with
   * the neighbourhood of `query` (ids may repeat). `found` must not use this module.
   */
  lookup(query: string, deepWord: number, found: (id: number) => void): void {
    const [hashes, n] = neighbourhoodHashes(query, deepWord);
    for (let q = 0; q < n; q++) {
      const hash = hashes[q]!;
      const b = bucketOf(hash, this.mask);
      const end = this.offsets[b + 1]!;
      for (let k = this.offsets[b]!; k < end; k++) if (this.hashes[k] === hash) found(this.ids[k]!);
    }
  }
}
