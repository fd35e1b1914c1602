/**
 * Strict JSON reading for hostile files.
 *
 * `JSON.parse` is the fastest correct parser there is, so it does the parsing. What it does
 * not do, this module adds: a 1-based line and column for syntax errors (from the offset V8
 * reports, or a truncation at end of input), a depth bound, and detection of duplicate keys,
 * which JSON.parse silently resolves last-wins and which in a lockfile means two conflicting
 * entries. `__proto__` keys are harmless here (JSON.parse makes them own data properties);
 * callers that copy keys into objects must use Maps or null-prototype objects.
 */
import { lineColumnAt } from './text.js';

export interface JsonSyntaxError {
  message: string;
  line: number;
  column: number;
}

export type JsonResult = { ok: true; value: unknown } | { ok: false; error: JsonSyntaxError };

export function parseJson(text: string): JsonResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const offset = errorOffset(message, text);
    const { line, column } = lineColumnAt(text, offset);
    return { ok: false, error: { message: cleanMessage(message), line, column } };
  }
}

/** V8 says "at position N" (Node 20+) or "Unexpected end of JSON input". */
function errorOffset(message: string, text: string): number {
  const m = /position (\d+)/.exec(message);
  if (m?.[1] !== undefined) return Number(m[1]);
  // Node 20's V8 omits the position when the very first token is wrong ("is not valid JSON").
  if (message.includes('is not valid JSON')) return text.search(/\S|$/);
  return text.length;
}

function cleanMessage(message: string): string {
  // Drop V8's echo of the input ("... is not valid JSON"), which may be long or hostile.
  const m = /^(Unexpected [^"]*?|Expected [^"]*?|Bad [^"]*?)(?: in JSON)? at position \d+/.exec(
    message,
  );
  if (m?.[1] !== undefined) return m[1].trim();
  if (message.includes('end of JSON input'))
    return 'the file ends in the middle of a value (truncated?)';
  const short = message.split('\n')[0] ?? message;
  return short.length > 120 ? `${short.slice(0, 119)}…` : short;
}

export interface DuplicateKey {
  key: string;
  line: number;
  column: number;
}

/**
 * Finds duplicate keys within one object, and measures nesting depth, in one linear scan of
 * already-valid JSON. Strings are skipped with indexOf, so the scan costs a small fraction of
 * JSON.parse. Reports at most `limit` duplicates.
 *
 * Callers that hold JSON.parse's result for `text` pass it as `parsed`: most files have no
 * duplicate, which a count proves far faster than the locating scan (see provenUnique), and
 * the scan then runs only to locate the duplicates the count says exist.
 */
export function scanJsonStructure(
  text: string,
  limit = 20,
  parsed?: unknown,
): { duplicates: DuplicateKey[]; maxDepth: number } {
  if (parsed !== undefined) {
    const maxDepth = provenUnique(text, parsed);
    if (maxDepth !== undefined) return { duplicates: [], maxDepth };
  }
  return locateDuplicates(text, limit);
}

/**
 * The nesting depth of `value`, when a count proves `text` (which JSON.parse read as `value`)
 * has no duplicate key; otherwise undefined.
 *
 * Every key in the text ends with an unescaped `"` followed by `:`, or by whitespace and `:`.
 * When no `:` anywhere follows whitespace, counting the unescaped `":` pairs counts every key
 * once, plus any string value that starts with `:` (its opening quote). JSON.parse keeps one
 * key of each duplicate set and drops the subtree a duplicate overwrote, so the parsed tree
 * holds as many keys as that count only when nothing was dropped and nothing overcounted.
 * Any doubt (a `:` after whitespace, a tree deeper than the walk goes) returns undefined and
 * the caller runs the full scan; with no duplicate, the tree's depth is the text's depth.
 */
function provenUnique(text: string, value: unknown): number | undefined {
  const keysInText = countKeyColons(text);
  if (keysInText === -1 || !inheritsNoKeys()) return undefined;
  const tally = { keys: 0, maxDepth: 0 };
  if (typeof value === 'object' && value !== null && !countTree(value, 1, tally)) return undefined;
  return tally.keys === keysInText ? tally.maxDepth : undefined;
}

/**
 * The unescaped `":` pairs in `text`, or -1 when a `:` follows whitespace. A function of its
 * own with no call after its loop: V8 compiles the loop on stack replacement at every parse,
 * and code after such a loop, in the same function, would lack type feedback there and throw
 * the compiled loop away again each time.
 */
function countKeyColons(text: string): number {
  let keys = 0;
  for (let i = text.indexOf(':'); i !== -1; i = text.indexOf(':', i + 1)) {
    const before = text.charCodeAt(i - 1);
    if (before === 0x22 /* " */) {
      if (text.charCodeAt(i - 2) !== 0x5c /* \ */ || !isEscaped(text, i - 1)) keys++;
    } else if (before === 0x20 || before === 0x0a || before === 0x0d || before === 0x09) return -1;
  }
  return keys;
}

/** Deepest tree the count walks (recursively); deeper files take the full scan. */
const MAX_COUNTED_DEPTH = 1000;

/**
 * Adds up the keys of every object in `value` and its depth; false past the bound. A for-in
 * loop reads the keys and values without allocating (Object.keys or Object.values would build
 * an array per object, several thousand per lockfile). for-in also visits inherited enumerable
 * keys, which JSON.parse's objects have only if something added them to Object.prototype:
 * provenUnique checks that first, since an inflated count could hide a duplicate.
 */
function countTree(
  value: object,
  depth: number,
  tally: { keys: number; maxDepth: number },
): boolean {
  if (depth > MAX_COUNTED_DEPTH) return false;
  if (depth > tally.maxDepth) tally.maxDepth = depth;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'object' && item !== null && !countTree(item, depth + 1, tally))
        return false;
    }
    return true;
  }
  const record = value as Record<string, unknown>;
  let keys = 0;
  for (const key in record) {
    keys++;
    const item = record[key];
    if (typeof item === 'object' && item !== null && !countTree(item, depth + 1, tally))
      return false;
  }
  tally.keys += keys;
  return true;
}

/** True when plain objects inherit no enumerable key (nothing was added to Object.prototype). */
function inheritsNoKeys(): boolean {
  let count = 0;
  for (const key in EMPTY) if (typeof key === 'string') count++;
  return count === 0;
}

const EMPTY = {};

/** The locating scan: every duplicate key with its line and column, and the nesting depth. */
function locateDuplicates(
  text: string,
  limit: number,
): { duplicates: DuplicateKey[]; maxDepth: number } {
  const duplicates: DuplicateKey[] = [];
  // Open containers: for an object, the index in `keyOffsets` where its keys begin; for an
  // array, -1. Keys are kept as [start, end) offsets into the text (no string per key), and
  // compared in place; an object with many keys, or an escaped key, moves to a Set of
  // decoded strings. Lockfile entries have a handful of keys, so most never need the Set.
  const frames: number[] = [];
  const sets: (Set<string> | undefined)[] = [];
  const keyOffsets: number[] = [];
  let maxDepth = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i + 1;
      let end = text.indexOf('"', start);
      while (end !== -1 && isEscaped(text, end)) end = text.indexOf('"', end + 1);
      if (end === -1) break;
      i = end + 1;
      const depth = frames.length;
      if (depth === 0 || frames[depth - 1] === -1) continue; // not inside an object
      // A string is a key when the next non-space character is ':'.
      let j = i;
      while (j < n && isSpace(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) !== 0x3a /* : */) continue;
      const first = frames[depth - 1] as number;
      let set = sets[depth - 1];
      const escaped = hasBackslash(text, start, end);
      if (set === undefined && (escaped || keyOffsets.length - first >= 2 * SMALL_OBJECT_KEYS)) {
        set = new Set<string>();
        for (let k = first; k < keyOffsets.length; k += 2) {
          set.add(decodeKey(text.slice(keyOffsets[k] as number, keyOffsets[k + 1] as number)));
        }
        sets[depth - 1] = set;
      }
      if (set !== undefined) {
        const key = decodeKey(text.slice(start, end));
        if (set.has(key)) pushDup(duplicates, limit, text, start - 1, key);
        else set.add(key);
        continue;
      }
      let duplicate = false;
      for (let k = first; k < keyOffsets.length; k += 2) {
        if (sameSpan(text, keyOffsets[k] as number, keyOffsets[k + 1] as number, start, end)) {
          duplicate = true;
          break;
        }
      }
      if (duplicate) pushDup(duplicates, limit, text, start - 1, text.slice(start, end));
      else keyOffsets.push(start, end);
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      frames.push(c === 0x7b ? keyOffsets.length : -1);
      sets.push(undefined);
      if (frames.length > maxDepth) maxDepth = frames.length;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      const first = frames.pop();
      sets.pop();
      if (first !== undefined && first >= 0) keyOffsets.length = first;
    }
    i++;
  }
  return { duplicates, maxDepth };
}

/** Keys compared in place up to this many per object; beyond it a Set is cheaper. */
const SMALL_OBJECT_KEYS = 16;

function hasBackslash(text: string, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (text.charCodeAt(k) === 0x5c) return true;
  return false;
}

function sameSpan(text: string, a: number, aEnd: number, b: number, bEnd: number): boolean {
  if (aEnd - a !== bEnd - b) return false;
  for (; a < aEnd; a++, b++) if (text.charCodeAt(a) !== text.charCodeAt(b)) return false;
  return true;
}

function pushDup(out: DuplicateKey[], limit: number, text: string, at: number, key: string): void {
  if (out.length >= limit) return;
  const { line, column } = lineColumnAt(text, at);
  out.push({ key, line, column });
}

function isEscaped(text: string, quoteAt: number): boolean {
  let backslashes = 0;
  for (let k = quoteAt - 1; k >= 0 && text.charCodeAt(k) === 0x5c; k--) backslashes++;
  return backslashes % 2 === 1;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function decodeKey(raw: string): string {
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/** Narrowing helpers for reading untyped JSON without trusting it. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Own enumerable string entries of a JSON object, safe against inherited keys. */
export function ownEntries(value: unknown): [string, unknown][] {
  return isRecord(value) ? Object.entries(value) : [];
}
