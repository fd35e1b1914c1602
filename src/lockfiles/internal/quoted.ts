/**
 * Scanning shared by the yarn readers (classic and berry): the one-line double-quoted
 * scalars yarn writes, with JSON escapes, and the characters a YAML plain scalar may not
 * start with. Offsets in, offsets out, so the hot loops allocate nothing.
 */

const QUOTE = 34;
const BACKSLASH = 92;
const TAB = 9;

/**
 * Index of the `"` that closes the double-quoted scalar opening at `open`, searching before
 * `end` (the line's end); -1 when the scalar is not closed on the line. A backslash escapes
 * the character after it.
 */
export function closingQuote(text: string, open: number, end: number): number {
  let j = open + 1;
  while (j < end) {
    const c = text.charCodeAt(j);
    if (c === BACKSLASH) {
      j += 2;
      continue;
    }
    if (c === QUOTE) return j;
    j++;
  }
  return -1;
}

/**
 * The value of the scalar between `open` and `close` (the quotes): the text between them, or,
 * when it holds a backslash, its JSON decoding; undefined when the escapes are not JSON's
 * (YAML's `\x41` and the like), which the callers treat as "not ours to read".
 */
export function quotedValue(text: string, open: number, close: number): string | undefined {
  let escaped = false;
  for (let k = open + 1; k < close; k++) {
    if (text.charCodeAt(k) === BACKSLASH) {
      escaped = true;
      break;
    }
  }
  if (!escaped) return text.slice(open + 1, close);
  try {
    const value: unknown = JSON.parse(text.slice(open, close + 1));
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** False for the indicator characters a YAML plain scalar may not start with. */
export function isPlainStart(c: number): boolean {
  switch (c) {
    case 0x2d: // -
    case 0x3f: // ?
    case 0x3a: // :
    case 0x2c: // ,
    case 0x5b: // [
    case 0x5d: // ]
    case 0x7b: // {
    case 0x7d: // }
    case 0x23: // #
    case 0x26: // &
    case 0x2a: // *
    case 0x21: // !
    case 0x7c: // |
    case 0x3e: // >
    case 0x27: // '
    case 0x22: // "
    case 0x25: // %
    case 0x40: // @
    case 0x60: // `
    case TAB:
      return false;
    default:
      return true;
  }
}
