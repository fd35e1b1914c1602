/**
 * Text helpers of the engine: file classification, minification judgement, positions and
 * sanitised snippets.
 *
 * Snippets go into reports that people read in terminals and browsers, and package text is
 * hostile: control characters (terminal escapes), bidi overrides (Trojan Source) and invisible
 * characters are shown as `\u{...}` escapes, and snippets are short.
 */
import type { FileKind, TextFile } from './kit.js';

const JS = /\.(js|cjs|mjs|jsx)$/i;
const TS = /\.(ts|cts|mts|tsx)$/i;

/** By name first, then by content: ELF/Mach-O/PE headers, wasm magic, NUL bytes. */
export function classify(path: string, bytes: Uint8Array | undefined): FileKind {
  const lower = path.toLowerCase();
  if (lower.endsWith('.node')) return 'native';
  if (lower.endsWith('.wasm')) return 'wasm';
  if (bytes !== undefined && bytes.length >= 4) {
    const [a, b, c, d] = bytes;
    if (a === 0x00 && b === 0x61 && c === 0x73 && d === 0x6d) return 'wasm';
    if (a === 0x7f && b === 0x45 && c === 0x4c && d === 0x46) return 'native'; // ELF
    if ((a === 0xcf || a === 0xce) && b === 0xfa && c === 0xed && d === 0xfe) return 'native'; // Mach-O
    if (a === 0xca && b === 0xfe && c === 0xba && d === 0xbe) return 'native'; // Mach-O fat
    if (a === 0x4d && b === 0x5a)
      return lower.endsWith('.exe') || lower.endsWith('.dll') ? 'native' : 'binary'; // MZ
  }
  if (lower.endsWith('.d.ts')) return 'ts';
  if (JS.test(lower)) return looksBinary(bytes) ? 'binary' : 'js';
  if (TS.test(lower)) return looksBinary(bytes) ? 'binary' : 'ts';
  if (lower.endsWith('.json')) return 'json';
  return looksBinary(bytes) ? 'binary' : 'text';
}

/** A NUL byte in the first 8000 bytes (a native search: every file of a package is classified). */
function looksBinary(bytes: Uint8Array | undefined): boolean {
  if (bytes === undefined) return false;
  return (bytes.length > 8000 ? bytes.subarray(0, 8000) : bytes).indexOf(0) !== -1;
}

/**
 * Minified: long lines and little whitespace. Measured on the first 64 kB so a huge bundle
 * costs nothing more than a small one. Lines are counted with indexOf (native); blanks are
 * counted only when the average line length leaves the verdict to them (200 to 500), which
 * is rare, so most files cost one native scan of the sample.
 */
export function isMinified(text: string): boolean {
  const sample = text.length > 65_536 ? text.slice(0, 65_536) : text;
  if (sample.length < 1_000) return false;
  let lines = 1;
  for (let i = sample.indexOf('\n'); i !== -1; i = sample.indexOf('\n', i + 1)) lines++;
  const averageLine = sample.length / lines;
  if (averageLine > 500) return true;
  if (averageLine <= 200) return false;
  let spaces = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0x20 || c === 0x09) spaces++;
  }
  return spaces / sample.length < 0.05;
}

/**
 * Whether a file's text has any character above U+007F. Most package code is pure ASCII, and
 * then no bidi control, zero-width, invisible or look-alike character can be in it: the
 * detectors that look for those ask this first and skip their scans. Memoised per file; the
 * engine records the answer from the bytes (a native check) before any detector runs.
 */
export function hasNonAscii(file: TextFile): boolean {
  let known = nonAscii.get(file);
  if (known === undefined) {
    known = NON_ASCII.test(file.text);
    nonAscii.set(file, known);
  }
  return known;
}

/** Records what the engine knows from the bytes: all ASCII bytes decode to ASCII text. */
export function noteAscii(file: TextFile, ascii: boolean): void {
  nonAscii.set(file, !ascii);
}

const nonAscii = new WeakMap<TextFile, boolean>();
const NON_ASCII = /[^\0-\x7f]/;

export function lineStarts(text: string): Int32Array {
  let count = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  const starts = new Int32Array(count);
  let k = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts[k++] = i + 1;
  return starts;
}

export function positionIn(starts: Int32Array, offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] as number) + 1 };
}

const SNIPPET_MAX = 120;

/** Up to 120 characters from `start` (to `end` if closer), with hostile characters escaped. */
export function sanitizeSnippet(text: string, start: number, end?: number): string {
  const stop = Math.min(text.length, end ?? start + SNIPPET_MAX, start + SNIPPET_MAX);
  let out = '';
  for (const ch of text.slice(Math.max(0, start), stop))
    out += isHostileChar(ch) ? escapeChar(ch) : ch;
  return stop < (end ?? stop) ? `${out}…` : out;
}

/** Control characters (but tab), bidi controls, zero-width and other invisible format characters. */
export function isHostileChar(ch: string): boolean {
  const c = ch.codePointAt(0) as number;
  if (c < 0x20) return c !== 0x09;
  if (c === 0x7f || (c >= 0x80 && c < 0xa0)) return true;
  return (
    INVISIBLE.has(c) ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2066 && c <= 0x2069) ||
    (c >= 0xe0000 && c <= 0xe007f)
  );
}

/** Format and invisible characters (Unicode Cf and look-alike blanks) worth showing escaped. */
export const INVISIBLE = new Set([
  0x00ad, 0x034f, 0x061c, 0x115f, 0x1160, 0x17b4, 0x17b5, 0x180e, 0x200b, 0x200c, 0x200d, 0x200e,
  0x200f, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x206a, 0x206b, 0x206c, 0x206d, 0x206e, 0x206f,
  0x3164, 0xfe00, 0xfe0f, 0xfeff, 0xffa0, 0xfff9, 0xfffa, 0xfffb,
]);

function escapeChar(ch: string): string {
  return `\\u{${(ch.codePointAt(0) as number).toString(16)}}`;
}
