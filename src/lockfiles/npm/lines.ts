/**
 * Line numbers of lockfile entries, found without a second parser.
 *
 * npm writes lockfiles with JSON.stringify and the indentation of the project's package.json
 * (two spaces almost always, sometimes tabs), one key per line, in the same order JSON.parse
 * gives back. So an entry key at nesting depth d is a line `<indent×d>"<key>": {`, and entries
 * asked for in document order are found by walking forward over line starts, counting lines:
 * one pass over the file, whatever its size, building one slice per entry (to compare its key).
 *
 * A key out of order (JSON.parse lists integer-like keys first; duplicate keys) or written
 * with escapes costs a search from the start; a file not written by npm (minified,
 * hand-indented) would make every search miss, so after a few misses the locator gives up and
 * lines stay undefined.
 */
import { lineColumnAt } from '../../util/text.js';

/** Slow-path searches tolerated before giving up: each costs a scan of the file. */
const MAX_MISSES = 16;

export class EntryLines {
  private readonly text: string;
  private readonly indent: string | undefined;
  /** Offset just past the last key found in order, and that key's line. */
  private cursor = 0;
  private cursorLine = 1;
  private misses = 0;

  constructor(text: string) {
    this.text = text;
    this.indent = detectIndent(text);
  }

  /** 1-based line of the object-valued `key` written `depth` levels deep (1 = top level). */
  find(key: string, depth: number): number | undefined {
    if (this.indent === undefined || this.misses > MAX_MISSES) return undefined;
    return this.nextKeyLine(key, this.indent.length * depth) ?? this.search(key, depth);
  }

  /**
   * The fast path: walk forward line by line to the next key at this depth, counting lines as
   * it goes, and check it is `key` (npm writes keys unescaped unless they hold `"` or `\`).
   */
  private nextKeyLine(key: string, width: number): number | undefined {
    const { text } = this;
    let line = this.cursorLine;
    for (let nl = text.indexOf('\n', this.cursor); nl !== -1; nl = text.indexOf('\n', nl + 1)) {
      line++;
      const quote = nl + 1 + width;
      if (text.charCodeAt(quote) !== 0x22 /* " */) continue;
      const before = text.charCodeAt(quote - 1);
      if (before !== 0x20 && before !== 0x09 && before !== 0x0a) continue;
      // Entries are objects; `"name": "^1.0.0"` at this depth is a v1 `requires` line.
      const close = text.indexOf('"', quote + 1);
      if (text.charCodeAt(close + 3) !== 0x7b /* { */) continue;
      // An entry at this depth: ours, or the walk is out of step with the keys asked for. A
      // slice compared with === is a flat memory compare, several times faster than a
      // charCodeAt loop (or startsWith, which V8 runs slowly on a large receiver).
      const end = quote + 1 + key.length;
      if (end !== close || text.slice(quote + 1, end) !== key) return undefined;
      this.cursor = end;
      this.cursorLine = line;
      return line;
    }
    return undefined;
  }

  /** Line of `key` at `depth` whatever its value (for reporting a malformed entry); a full search. */
  findAny(key: string, depth: number): number | undefined {
    if (this.indent === undefined) return undefined;
    const at = this.text.indexOf(`\n${this.indent.repeat(depth)}${JSON.stringify(key)}:`);
    return at === -1 ? undefined : lineColumnAt(this.text, at + 1).line;
  }

  /** The slow path, for keys out of order or escaped: search the whole text for the key line. */
  private search(key: string, depth: number): number | undefined {
    this.misses++;
    const needle = `\n${(this.indent ?? '').repeat(depth)}${JSON.stringify(key)}: {`;
    const at = this.text.indexOf(needle);
    return at === -1 ? undefined : lineColumnAt(this.text, at + 1).line;
  }
}

/** The whitespace before the first key on the second line, or undefined for one-line JSON. */
function detectIndent(text: string): string | undefined {
  const nl = text.indexOf('\n');
  if (nl === -1) return undefined;
  let end = nl + 1;
  while (end < text.length && (text.charCodeAt(end) === 0x20 || text.charCodeAt(end) === 0x09))
    end++;
  if (end === nl + 1 || text.charCodeAt(end) !== 0x22 /* " */) return undefined;
  return text.slice(nl + 1, end);
}
