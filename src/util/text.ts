/**
 * Text helpers shared by every parser: BOM removal, offset→line/column, and a sanitiser for
 * echoing hostile input back to a terminal.
 */

/** Removes a leading UTF-8 byte-order mark (real manifests carry one). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** 1-based line and column of a UTF-16 offset. Linear in the offset; call only on the error path. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

/** 1-based line of the first occurrence of `needle`, or undefined. For locating entries lazily. */
export function lineOf(text: string, needle: string, from = 0): number | undefined {
  const at = text.indexOf(needle, from);
  return at === -1 ? undefined : lineColumnAt(text, at).line;
}

// Matching control characters is the point of this pattern.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/**
 * Makes untrusted text safe to print: control, bidi and zero-width characters become `\u{..}`
 * escapes, and the result is cut to `max` characters. Names and paths from lockfiles pass
 * through here before they reach a terminal.
 */
export function sanitize(text: string, max = 200): string {
  const escaped = text.replace(UNSAFE_CHARS, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
  return escaped.length > max ? `${escaped.slice(0, max - 1)}…` : escaped;
}
