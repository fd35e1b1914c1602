/**
 * A fast reader for the machine-written YAML of lockfiles (pnpm-lock.yaml, yarn berry yarn.lock),
 * with the `yaml` package as the fallback for everything else.
 *
 * Why: the `yaml` package is a complete, correct YAML 1.2 implementation, and it pays for that
 * generality: a 2.8 MB pnpm lockfile takes it about two seconds with unique-key checks. Package
 * managers write a small, regular subset, which one pass over line offsets reads in a few
 * milliseconds per megabyte:
 *
 *   - block mappings and block sequences (any consistent indentation, sequences indented or
 *     "compact" at the parent key's column), `- key: value` maps inside sequences;
 *   - plain, 'single-quoted' and "double-quoted" scalars on one line (all escapes);
 *   - flow mappings and sequences on one line: `{integrity: sha512-..., tarball: ...}`, `[os, cpu]`;
 *   - literal block scalars `|` and `|-` (pnpm writes long `deprecated:` messages that way);
 *   - comments, CRLF line ends, and several documents separated by `---` (pnpm 11).
 *
 * Anything else (anchors and aliases, tags, folded `>` or `|+` scalars, multi-line plain, quoted
 * or flow scalars, tabs in indentation, `? ` complex keys, directives, `...`) makes the fast
 * reader stop with "unsupported"; `readYaml` then re-reads the text with the `yaml` package (failsafe
 * schema, so both paths return strings for every scalar) and turns its errors into problems.
 * The corpus tests check that both paths return deep-equal data on every pnpm and berry lockfile.
 *
 * Output: mappings are Maps (a `__proto__` key is just a key; Maps also build about four times
 * faster than null-prototype objects, which V8 keeps in dictionary mode), sequences are
 * arrays, scalars are strings (empty values are ''). Duplicate keys: the last one wins, as in pnpm,
 * and each duplicate is reported. The 1-based line of each key is kept for mappings up to
 * `keyLineDepth` levels deep (0 = the document's root mapping), for problems and evidence.
 * Nesting deeper than `maxDepth` (64) is rejected outright: no lockfile needs it, and it is the
 * shape of a stack-exhaustion attack.
 */
import { LineCounter, parseAllDocuments, isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import { problem, type Problem } from '../../errors/index.js';
import { lineColumnAt, sanitize } from '../../util/text.js';

export type YamlValue = string | YamlValue[] | YamlMap;
/** A YAML mapping, in document order. A Map, so any key (even `__proto__`) is plain data. */
export type YamlMap = Map<string, YamlValue>;

export interface YamlReadOptions {
  /** Snapshot-relative path of the file, for problems. */
  file?: string;
  /** Keys of mappings up to this depth (root mapping = 0) get their line recorded. Default 2. */
  keyLineDepth?: number;
  /** Deepest nesting accepted (root = 0). Default 64. */
  maxDepth?: number;
  /**
   * Keys whose values the caller never reads, by the depth of the mapping that holds them
   * (`dropValues[2]` for keys of mappings at depth 2). Such a value is still read, so the
   * problems are the same, but kept as '': a tree that is not held is cheaper (less to collect).
   */
  dropValues?: readonly (ReadonlySet<string> | undefined)[];
}

/** The 1-based line of each key of the mappings within `keyLineDepth`. */
export class KeyLines {
  private readonly byMap = new Map<YamlMap, Map<string, number>>();

  /** Line of `key` in `map`, when recorded. */
  get(map: YamlMap, key: string): number | undefined {
    return this.byMap.get(map)?.get(key);
  }

  /** @internal Used by the readers to register a mapping's line table. */
  table(map: YamlMap): Map<string, number> {
    const lines = new Map<string, number>();
    this.byMap.set(map, lines);
    return lines;
  }
}

export interface DuplicateYamlKey {
  key: string;
  line: number;
}

export type FastYamlResult =
  | { kind: 'ok'; documents: YamlValue[]; lines: KeyLines; duplicates: DuplicateYamlKey[] }
  | { kind: 'unsupported'; reason: string; line: number }
  | { kind: 'too-deep'; line: number };

export interface YamlReadResult {
  /** Every document in the stream, in order; '' for an empty document. */
  documents: YamlValue[];
  lines: KeyLines;
  problems: Problem[];
  /** True when the `yaml` package had to read the file (for tests and benchmarks). */
  usedFallback: boolean;
}

const DEFAULT_KEY_LINE_DEPTH = 2;
const DEFAULT_MAX_DEPTH = 64;
/** YAML caps implicit keys at 1024 characters; the `yaml` package reports longer ones. */
const MAX_IMPLICIT_KEY = 1024;

/** Reads `text` with the fast reader, falling back to the `yaml` package when it must. */
export function readYaml(text: string, options: YamlReadOptions = {}): YamlReadResult {
  const fast = parseFastYaml(text, options);
  if (fast.kind === 'ok') {
    return {
      documents: fast.documents,
      lines: fast.lines,
      problems: fast.duplicates.map((d) => duplicateProblem(d.key, d.line, options.file)),
      usedFallback: false,
    };
  }
  if (fast.kind === 'too-deep') {
    return {
      documents: [],
      lines: new KeyLines(),
      problems: [tooDeepProblem(fast.line, options)],
      usedFallback: false,
    };
  }
  return readWithYamlPackage(text, options);
}

/** Reads the supported subset, or says why it cannot. Never throws on bad input. */
export function parseFastYaml(text: string, options: YamlReadOptions = {}): FastYamlResult {
  const reader = new FastReader(
    text,
    options.keyLineDepth ?? DEFAULT_KEY_LINE_DEPTH,
    options.maxDepth ?? DEFAULT_MAX_DEPTH,
    options.dropValues ?? [],
  );
  try {
    const documents = reader.readStream();
    return { kind: 'ok', documents, lines: reader.lines, duplicates: reader.duplicates };
  } catch (err) {
    if (err instanceof Unsupported)
      return { kind: 'unsupported', reason: err.message, line: err.line };
    if (err instanceof TooDeep) return { kind: 'too-deep', line: err.line };
    throw err;
  }
}

/** Control flow inside the fast reader only; never escapes parseFastYaml. */
class Unsupported extends Error {
  constructor(
    reason: string,
    readonly line: number,
  ) {
    super(reason);
  }
}

class TooDeep extends Error {
  constructor(readonly line: number) {
    super('too deep');
  }
}

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;
const SQUOTE = 0x27;
const DQUOTE = 0x22;
const COMMA = 0x2c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const BACKSLASH = 0x5c;

/** Characters that cannot start a plain scalar (`-`, `?`, `:` can, when not followed by a space). */
function isIndicator(c: number): boolean {
  switch (c) {
    case COMMA:
    case LBRACKET:
    case RBRACKET:
    case LBRACE:
    case RBRACE:
    case HASH:
    case 0x26: // &
    case 0x2a: // *
    case 0x21: // !
    case 0x7c: // |
    case 0x3e: // >
    case SQUOTE:
    case DQUOTE:
    case 0x25: // %
    case 0x40: // @
    case 0x60: // `
      return true;
    default:
      return false;
  }
}

function isFlowIndicator(c: number): boolean {
  return c === COMMA || c === LBRACKET || c === RBRACKET || c === LBRACE || c === RBRACE;
}

/**
 * The line-walking reader. The cursor is always on one line: `pos` is the next character to
 * read, `end` the end of the line's content (before `\r\n`), `col` the column of the first
 * content character (the line's indentation once `skipToContent` ran).
 */
class FastReader {
  readonly lines = new KeyLines();
  readonly duplicates: DuplicateYamlKey[] = [];
  private readonly len: number;
  private lineStart = 0;
  private lineEnd = 0;
  private end = 0;
  private pos = 0;
  private col = 0;
  private line = 1;
  private eof = false;

  constructor(
    private readonly text: string,
    private readonly keyLineDepth: number,
    private readonly maxDepth: number,
    private readonly dropValues: readonly (ReadonlySet<string> | undefined)[],
  ) {
    this.len = text.length;
    this.load(text.charCodeAt(0) === 0xfeff ? 1 : 0);
  }

  readStream(): YamlValue[] {
    const docs: YamlValue[] = [];
    this.skipToContent();
    while (!this.eof) {
      let explicit = false;
      if (this.atMarker(DASH)) {
        explicit = true;
        this.pos += 3;
        this.expectLineEnd();
        this.skipToContent();
      } else if (this.atMarker(0x2e)) {
        throw this.unsupported('document end marker');
      } else if (this.text.charCodeAt(this.pos) === 0x25 && this.col === 0) {
        throw this.unsupported('directive');
      }
      if (this.eof || this.atMarker(DASH)) {
        if (explicit) docs.push('');
        continue;
      }
      docs.push(this.readNode(this.col, 0, -1));
      if (!this.eof && !this.atMarker(DASH)) throw this.unsupported('content after the root node');
    }
    return docs;
  }

  // ---- lines ---------------------------------------------------------------------------------

  private load(start: number): void {
    this.lineStart = start;
    let nl = this.text.indexOf('\n', start);
    if (nl === -1) nl = this.len;
    this.lineEnd = nl;
    this.end = nl > start && this.text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
    let p = start;
    while (p < this.end && this.text.charCodeAt(p) === SPACE) p++;
    this.pos = p;
    this.col = p - start;
  }

  private nextLine(): void {
    if (this.lineEnd >= this.len) {
      this.eof = true;
      this.pos = this.end = this.lineStart = this.lineEnd = this.len;
      this.col = -1;
      return;
    }
    this.line++;
    this.load(this.lineEnd + 1);
  }

  /** Moves to the next line with content (skipping blank and comment lines). */
  private skipToContent(): void {
    while (!this.eof) {
      const c = this.text.charCodeAt(this.pos);
      if (this.pos >= this.end || c === HASH) {
        this.nextLine();
        continue;
      }
      if (c === TAB) {
        let p = this.pos;
        while (
          p < this.end &&
          (this.text.charCodeAt(p) === TAB || this.text.charCodeAt(p) === SPACE)
        )
          p++;
        if (p >= this.end || this.text.charCodeAt(p) === HASH) {
          this.nextLine();
          continue;
        }
        throw this.unsupported('tab in indentation');
      }
      if (c === CR) throw this.unsupported('bare carriage return');
      return;
    }
  }

  /** After a value: only spaces and a comment may remain on the line; then go to the next content. */
  private expectLineEnd(): void {
    let p = this.pos;
    while (p < this.end) {
      const c = this.text.charCodeAt(p);
      if (c === SPACE || c === TAB) p++;
      else if (c === HASH && p > this.pos) break;
      else throw this.unsupported('unexpected text after a value');
    }
    this.nextLine();
    this.skipToContent();
  }

  private isBlank(p: number): boolean {
    const c = this.text.charCodeAt(p);
    return c === SPACE || c === TAB;
  }

  private atMarker(dot: number): boolean {
    if (this.pos !== this.lineStart || this.end - this.pos < 3) return false;
    const t = this.text;
    const p = this.pos;
    if (t.charCodeAt(p) !== dot || t.charCodeAt(p + 1) !== dot || t.charCodeAt(p + 2) !== dot)
      return false;
    return p + 3 === this.end || this.isBlank(p + 3);
  }

  private unsupported(reason: string): Unsupported {
    return new Unsupported(reason, this.line);
  }

  // ---- block structure -----------------------------------------------------------------------

  /** A node starting at the cursor (column `indent`); `parentIndent` bounds its continuation. */
  private readNode(indent: number, depth: number, parentIndent: number): YamlValue {
    if (depth > this.maxDepth) throw new TooDeep(this.line);
    const c = this.text.charCodeAt(this.pos);
    if (c === DASH && this.isSeqItem()) return this.readSeq(indent, depth, false);
    if (c === LBRACE || c === LBRACKET) return this.readInlineThenEnd(depth);
    if (this.keyEnd() !== -1) return this.readMap(indent, depth);
    const value = this.readInlineThenEnd(depth);
    if (!this.eof && this.col > parentIndent && !this.atMarker(DASH)) {
      throw this.unsupported('multi-line scalar');
    }
    return value;
  }

  private isSeqItem(): boolean {
    const next = this.pos + 1;
    return next >= this.end || this.isBlank(next);
  }

  private readMap(indent: number, depth: number): YamlMap {
    const map: YamlMap = new Map();
    const lines = depth <= this.keyLineDepth ? this.lines.table(map) : undefined;
    const drop = this.dropValues[depth];
    for (;;) {
      const key = this.readKey();
      const keyLine = this.line;
      // One hash lookup per key: a duplicate shows as a set that did not grow the map. Its report
      // goes before those of its value's own duplicates, as the value is read after the key.
      const size = map.size;
      const duplicateAt = this.duplicates.length;
      const value = this.readMapValue(indent, depth + 1);
      map.set(key, drop !== undefined && drop.has(key) ? '' : value);
      if (map.size === size) this.duplicates.splice(duplicateAt, 0, { key, line: keyLine });
      lines?.set(key, keyLine);
      if (this.eof || this.atMarker(DASH) || this.col < indent) return map;
      if (this.col > indent) throw this.unsupported('bad indentation');
      if (this.text.charCodeAt(this.pos) === DASH && this.isSeqItem()) {
        throw this.unsupported('sequence item among mapping keys');
      }
    }
  }

  private readSeq(indent: number, depth: number, compact: boolean): YamlValue[] {
    const seq: YamlValue[] = [];
    for (;;) {
      // The cursor is on `-` at column `indent`.
      this.pos++;
      while (this.pos < this.end && this.text.charCodeAt(this.pos) === SPACE) this.pos++;
      if (this.pos >= this.end || this.text.charCodeAt(this.pos) === HASH) {
        this.nextLine();
        this.skipToContent();
        if (!this.eof && this.col > indent && !this.atMarker(DASH)) {
          seq.push(this.readNode(this.col, depth + 1, indent));
        } else seq.push('');
      } else {
        if (this.text.charCodeAt(this.pos) === TAB)
          throw this.unsupported('tab after a sequence dash');
        this.col = this.pos - this.lineStart;
        seq.push(this.readNode(this.col, depth + 1, indent));
      }
      if (this.eof || this.atMarker(DASH) || this.col < indent) return seq;
      if (this.col > indent) throw this.unsupported('bad indentation');
      if (!(this.text.charCodeAt(this.pos) === DASH && this.isSeqItem())) {
        if (compact) return seq;
        throw this.unsupported('mapping key among sequence items');
      }
    }
  }

  /**
   * Where the key at the cursor ends (the offset of its `:`), or -1 when the line is not a
   * `key: value` line. Only looks, never moves the cursor.
   */
  private keyEnd(): number {
    const t = this.text;
    const c = t.charCodeAt(this.pos);
    if (c === SQUOTE || c === DQUOTE) {
      const close = this.quotedEnd(this.pos);
      if (close === -1) return -1;
      let p = close;
      while (p < this.end && t.charCodeAt(p) === SPACE) p++;
      return t.charCodeAt(p) === COLON && (p + 1 >= this.end || this.isBlank(p + 1)) ? p : -1;
    }
    let from = this.pos;
    for (;;) {
      const colon = t.indexOf(':', from);
      if (colon === -1 || colon >= this.end) return -1;
      if (colon + 1 >= this.end || this.isBlank(colon + 1)) {
        for (let h = this.pos + 1; h < colon; h++) {
          if (t.charCodeAt(h) === HASH && this.isBlank(h - 1)) return -1;
        }
        return colon;
      }
      from = colon + 1;
    }
  }

  /** Reads `key:` at the cursor and leaves the cursor after the colon. */
  private readKey(): string {
    const t = this.text;
    const colon = this.keyEnd();
    if (colon === -1) throw this.unsupported('expected a mapping key');
    const c = t.charCodeAt(this.pos);
    let key: string;
    if (c === SQUOTE || c === DQUOTE) key = this.readQuoted();
    else {
      if (c === 0x3f || isIndicator(c) || (c === COLON && this.isBlank(this.pos + 1))) {
        throw this.unsupported('complex or indicator key');
      }
      let e = colon;
      while (e > this.pos && this.isBlank(e - 1)) e--;
      if (c === DASH && this.isBlank(this.pos + 1)) throw this.unsupported('dash key');
      key = t.slice(this.pos, e);
    }
    if (colon - this.pos > MAX_IMPLICIT_KEY)
      throw this.unsupported('key longer than 1024 characters');
    this.pos = colon + 1;
    return key;
  }

  /** The value after `key:`; leaves the cursor on the next content line. */
  private readMapValue(keyIndent: number, depth: number): YamlValue {
    if (depth > this.maxDepth) throw new TooDeep(this.line);
    const t = this.text;
    while (this.pos < this.end && this.isBlank(this.pos)) this.pos++;
    if (this.pos >= this.end || t.charCodeAt(this.pos) === HASH) {
      this.nextLine();
      this.skipToContent();
      if (this.eof || this.atMarker(DASH)) return '';
      if (this.col > keyIndent) return this.readNode(this.col, depth, keyIndent);
      if (this.col === keyIndent && t.charCodeAt(this.pos) === DASH && this.isSeqItem()) {
        return this.readSeq(keyIndent, depth, true);
      }
      return '';
    }
    const c = t.charCodeAt(this.pos);
    const value = c === 0x7c ? this.readLiteral(keyIndent) : this.readInlineThenEnd(depth);
    if (!this.eof && this.col > keyIndent && !this.atMarker(DASH)) {
      throw this.unsupported('multi-line value');
    }
    return value;
  }

  // ---- one-line values -----------------------------------------------------------------------

  /** A scalar or flow collection that must end on this line; then moves to the next content. */
  private readInlineThenEnd(depth: number): YamlValue {
    const value = this.readInline(depth, false);
    this.expectLineEnd();
    return value;
  }

  private readInline(depth: number, inFlow: boolean): YamlValue {
    if (depth > this.maxDepth) throw new TooDeep(this.line);
    const c = this.text.charCodeAt(this.pos);
    if (c === LBRACE) return this.readFlowMap(depth);
    if (c === LBRACKET) return this.readFlowSeq(depth);
    if (c === SQUOTE || c === DQUOTE) return this.readQuoted();
    return inFlow ? this.readFlowPlain() : this.readBlockPlain();
  }

  private checkPlainStart(): void {
    const c = this.text.charCodeAt(this.pos);
    if (isIndicator(c)) throw this.unsupported('indicator at the start of a scalar');
    if (
      (c === DASH || c === 0x3f || c === COLON) &&
      (this.pos + 1 >= this.end || this.isBlank(this.pos + 1))
    ) {
      throw this.unsupported('indicator at the start of a scalar');
    }
    if (c === TAB) throw this.unsupported('tab');
  }

  /** A plain scalar in block context: up to a ` #` comment or the end of the line. */
  private readBlockPlain(): string {
    this.checkPlainStart();
    const t = this.text;
    let p = this.pos;
    for (; p < this.end; p++) {
      const c = t.charCodeAt(p);
      if (c === HASH && this.isBlank(p - 1)) break;
      if (c === COLON && (p + 1 === this.end || this.isBlank(p + 1))) {
        throw this.unsupported('mapping on the same line as its key');
      }
    }
    let e = p;
    while (e > this.pos && this.isBlank(e - 1)) e--;
    const value = t.slice(this.pos, e);
    this.pos = e;
    return value;
  }

  /** A plain scalar inside `{}`/`[]`: stops at `,`, brackets, `: ` and ` #`. */
  private readFlowPlain(): string {
    this.checkPlainStart();
    const t = this.text;
    let p = this.pos;
    while (p < this.end) {
      const c = t.charCodeAt(p);
      if (isFlowIndicator(c)) break;
      if (c === COLON) {
        const n = t.charCodeAt(p + 1);
        if (p + 1 >= this.end || n === SPACE || n === TAB || isFlowIndicator(n)) break;
      }
      if (c === HASH && this.isBlank(p - 1))
        throw this.unsupported('comment inside a flow collection');
      p++;
    }
    let e = p;
    while (e > this.pos && this.isBlank(e - 1)) e--;
    if (e === this.pos) throw this.unsupported('empty flow entry');
    const value = t.slice(this.pos, e);
    this.pos = p;
    return value;
  }

  private skipFlowSpace(): void {
    while (this.pos < this.end && this.isBlank(this.pos)) this.pos++;
    if (this.pos >= this.end) throw this.unsupported('flow collection spans lines');
  }

  private readFlowMap(depth: number): YamlMap {
    const t = this.text;
    const map: YamlMap = new Map();
    const lines = depth <= this.keyLineDepth ? this.lines.table(map) : undefined;
    const drop = this.dropValues[depth];
    this.pos++;
    this.skipFlowSpace();
    if (t.charCodeAt(this.pos) === RBRACE) {
      this.pos++;
      return map;
    }
    for (;;) {
      const c = t.charCodeAt(this.pos);
      const key = c === SQUOTE || c === DQUOTE ? this.readQuoted() : this.readFlowPlain();
      this.skipFlowSpace();
      if (t.charCodeAt(this.pos) !== COLON)
        throw this.unsupported('flow mapping entry without a value');
      this.pos++;
      this.skipFlowSpace();
      const next = t.charCodeAt(this.pos);
      if (next === COMMA || next === RBRACE) throw this.unsupported('empty flow value');
      if (map.has(key)) this.duplicates.push({ key, line: this.line });
      const value = this.readInline(depth + 1, true);
      map.set(key, drop !== undefined && drop.has(key) ? '' : value);
      lines?.set(key, this.line);
      this.skipFlowSpace();
      const sep = t.charCodeAt(this.pos);
      this.pos++;
      if (sep === RBRACE) return map;
      if (sep !== COMMA) throw this.unsupported('expected , or } in a flow mapping');
      this.skipFlowSpace();
      if (t.charCodeAt(this.pos) === RBRACE) {
        this.pos++;
        return map;
      }
    }
  }

  private readFlowSeq(depth: number): YamlValue[] {
    const t = this.text;
    const seq: YamlValue[] = [];
    this.pos++;
    this.skipFlowSpace();
    if (t.charCodeAt(this.pos) === RBRACKET) {
      this.pos++;
      return seq;
    }
    for (;;) {
      seq.push(this.readInline(depth + 1, true));
      this.skipFlowSpace();
      const sep = t.charCodeAt(this.pos);
      this.pos++;
      if (sep === RBRACKET) return seq;
      if (sep !== COMMA) throw this.unsupported('expected , or ] in a flow sequence');
      this.skipFlowSpace();
      if (t.charCodeAt(this.pos) === RBRACKET) {
        this.pos++;
        return seq;
      }
    }
  }

  /** Offset just past the closing quote of the quoted scalar at `start`, or -1 if not on this line. */
  private quotedEnd(start: number): number {
    const t = this.text;
    const q = t.charCodeAt(start);
    let p = start + 1;
    while (p < this.end) {
      const c = t.charCodeAt(p);
      if (q === SQUOTE && c === SQUOTE) {
        if (t.charCodeAt(p + 1) === SQUOTE && p + 1 < this.end) p += 2;
        else return p + 1;
      } else if (q === DQUOTE && c === BACKSLASH) p += 2;
      else if (q === DQUOTE && c === DQUOTE) return p + 1;
      else p++;
    }
    return -1;
  }

  private readQuoted(): string {
    const t = this.text;
    const start = this.pos;
    const close = this.quotedEnd(start);
    if (close === -1) throw this.unsupported('quoted scalar spans lines');
    this.pos = close;
    const body = t.slice(start + 1, close - 1);
    if (t.charCodeAt(start) === SQUOTE)
      return body.includes("''") ? body.replaceAll("''", "'") : body;
    return body.includes('\\') ? this.unescape(body) : body;
  }

  private unescape(body: string): string {
    let out = '';
    let i = 0;
    for (let b = body.indexOf('\\'); b !== -1; b = body.indexOf('\\', i)) {
      out += body.slice(i, b);
      const e = body[b + 1];
      i = b + 2;
      switch (e) {
        case '0':
          out += '\0';
          break;
        case 'a':
          out += '\x07';
          break;
        case 'b':
          out += '\b';
          break;
        case 't':
        case '\t':
          out += '\t';
          break;
        case 'n':
          out += '\n';
          break;
        case 'v':
          out += '\v';
          break;
        case 'f':
          out += '\f';
          break;
        case 'r':
          out += '\r';
          break;
        case 'e':
          out += '\x1b';
          break;
        case ' ':
          out += ' ';
          break;
        case '"':
          out += '"';
          break;
        case '/':
          out += '/';
          break;
        case '\\':
          out += '\\';
          break;
        case 'N':
          out += '\x85';
          break;
        case '_':
          out += '\xa0';
          break;
        case 'L':
          out += '\u2028';
          break;
        case 'P':
          out += '\u2029';
          break;
        case 'x':
          out += this.hexChar(body, i, 2);
          i += 2;
          break;
        case 'u':
          out += this.hexChar(body, i, 4);
          i += 4;
          break;
        case 'U':
          out += this.hexChar(body, i, 8);
          i += 8;
          break;
        default:
          throw this.unsupported('unknown escape');
      }
    }
    return out + body.slice(i);
  }

  private hexChar(body: string, at: number, digits: number): string {
    const hex = body.slice(at, at + digits);
    if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) throw this.unsupported('bad escape');
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) throw this.unsupported('bad escape');
    return String.fromCodePoint(code);
  }

  /**
   * A literal block scalar `|` or `|-` after `key:`. Content lines are those indented more than
   * the key; the first one fixes the indentation. Keep chomping (`|+`), explicit indentation
   * indicators and whitespace-only lines deeper than the content are left to the fallback.
   */
  private readLiteral(keyIndent: number): string {
    const t = this.text;
    this.pos++;
    const chomp = t.charCodeAt(this.pos);
    const strip = chomp === DASH;
    if (chomp === 0x2b || (chomp >= 0x30 && chomp <= 0x39))
      throw this.unsupported('block scalar indicator');
    if (strip) this.pos++;
    let p = this.pos;
    while (p < this.end && this.isBlank(p)) p++;
    if (p < this.end && !(t.charCodeAt(p) === HASH && p > this.pos)) {
      throw this.unsupported('text after a block scalar header');
    }
    const parts: string[] = [];
    let contentIndent = -1;
    let leadingBlankIndent = 0;
    let pendingEmpty = 0;
    for (;;) {
      this.nextLine();
      if (this.eof) break;
      const indent = this.col;
      if (this.pos >= this.end) {
        // Whitespace-only lines: empty lines of the scalar, unless deeper than its content.
        if (contentIndent !== -1 && indent > contentIndent) {
          throw this.unsupported('whitespace-only line in a block scalar');
        }
        if (contentIndent === -1) leadingBlankIndent = Math.max(leadingBlankIndent, indent);
        pendingEmpty++;
        continue;
      }
      if (contentIndent === -1) {
        if (indent <= keyIndent) break;
        if (leadingBlankIndent > indent)
          throw this.unsupported('leading blank line in a block scalar');
        contentIndent = indent;
      } else if (indent < contentIndent) break;
      for (; pendingEmpty > 0; pendingEmpty--) parts.push('');
      parts.push(t.slice(this.lineStart + contentIndent, this.end));
    }
    this.skipToContent();
    if (parts.length === 0) return '';
    const body = parts.join('\n');
    return strip ? body : `${body}\n`;
  }
}

// ---- the fallback --------------------------------------------------------------------------

/** Converts at most this many nodes per character of input: bounds alias expansion ("billion laughs"). */
const MAX_NODES_PER_CHAR = 4;

function readWithYamlPackage(text: string, options: YamlReadOptions): YamlReadResult {
  const file = options.file;
  const lineCounter = new LineCounter();
  const problems: Problem[] = [];
  const lines = new KeyLines();
  let docs: ReturnType<typeof parseAllDocuments>;
  // The yaml package reports each problem as an Error object; broken input (a run of 50,000
  // unclosed brackets) makes tens of thousands, and capturing each one's stack trace was
  // 45% of such a parse (seconds for 40 kB). The errors are data here, never thrown to a user:
  // no stack traces while it runs.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    docs = parseAllDocuments(text, {
      uniqueKeys: true,
      schema: 'failsafe',
      lineCounter,
      prettyErrors: false,
    });
  } catch (err) {
    // The yaml package recurses on nesting; our own depth bound normally stops such input first.
    const message = err instanceof Error ? err.message : String(err);
    problems.push(invalidYaml(`the YAML reader failed: ${message}`, 1, 1, file));
    return { documents: [], lines, problems, usedFallback: true };
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  if (!Array.isArray(docs)) docs = [];
  const converter = new Converter(
    lines,
    lineCounter,
    options,
    text.length * MAX_NODES_PER_CHAR + 1000,
  );
  const documents: YamlValue[] = [];
  for (const doc of docs) {
    for (const err of doc.errors) {
      const { line, col } = lineCounter.linePos(err.pos[0]);
      if (err.code === 'DUPLICATE_KEY') continue; // reported by the converter, with the key
      problems.push(invalidYaml(firstLine(err.message), line, col, file));
    }
    for (const w of doc.warnings) {
      const { line, col } = lineCounter.linePos(w.pos[0]);
      problems.push(
        problem('lockfile-yaml-warning', 'warning', sanitize(firstLine(w.message)), {
          file,
          line,
          column: col,
        }),
      );
    }
    documents.push(converter.convertDocument(doc));
  }
  for (const d of converter.duplicates) problems.push(duplicateProblem(d.key, d.line, file));
  if (converter.tooDeepLine !== undefined)
    problems.push(tooDeepProblem(converter.tooDeepLine, options));
  if (converter.overBudget) {
    problems.push(
      problem(
        'lockfile-too-large',
        'error',
        'the YAML expands to too many values (alias expansion?)',
        {
          file,
          hint: 'Regenerate the lockfile with your package manager; it never writes aliases.',
        },
      ),
    );
  }
  return { documents, lines, problems, usedFallback: true };
}

class Converter {
  readonly duplicates: DuplicateYamlKey[] = [];
  tooDeepLine: number | undefined;
  overBudget = false;
  private readonly keyLineDepth: number;
  private readonly maxDepth: number;
  private readonly dropValues: readonly (ReadonlySet<string> | undefined)[];
  private doc: Document | undefined;

  constructor(
    private readonly lines: KeyLines,
    private readonly lineCounter: LineCounter,
    options: YamlReadOptions,
    private budget: number,
  ) {
    this.keyLineDepth = options.keyLineDepth ?? DEFAULT_KEY_LINE_DEPTH;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.dropValues = options.dropValues ?? [];
  }

  convertDocument(doc: Document): YamlValue {
    this.doc = doc;
    return this.convert(doc.contents, 0);
  }

  private lineAt(node: unknown): number {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range === undefined ? 1 : this.lineCounter.linePos(range[0]).line;
  }

  private convert(node: unknown, depth: number): YamlValue {
    if (--this.budget < 0) {
      this.overBudget = true;
      return '';
    }
    if (depth > this.maxDepth) {
      this.tooDeepLine ??= this.lineAt(node);
      return '';
    }
    if (node === null || node === undefined) return '';
    if (isAlias(node)) {
      const target = this.doc === undefined ? undefined : node.resolve(this.doc);
      return this.convert(target, depth + 1);
    }
    if (isScalar(node))
      return node.value === null || node.value === undefined ? '' : String(node.value);
    if (isSeq(node)) return node.items.map((item) => this.convert(item, depth + 1));
    if (isMap(node)) {
      const map: YamlMap = new Map();
      const table = depth <= this.keyLineDepth ? this.lines.table(map) : undefined;
      const drop = this.dropValues[depth];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as YamlNode | null;
        const key = isScalar(keyNode)
          ? String(keyNode.value ?? '')
          : JSON.stringify(this.convert(keyNode, depth + 1));
        const line = this.lineAt(keyNode);
        if (map.has(key)) this.duplicates.push({ key, line });
        const value = this.convert(pair.value, depth + 1);
        map.set(key, drop !== undefined && drop.has(key) ? '' : value);
        table?.set(key, line);
      }
      return map;
    }
    return '';
  }
}

// ---- problems ------------------------------------------------------------------------------

function firstLine(message: string): string {
  const nl = message.indexOf('\n');
  return nl === -1 ? message : message.slice(0, nl);
}

function invalidYaml(
  message: string,
  line: number,
  column: number,
  file: string | undefined,
): Problem {
  return problem('lockfile-invalid-yaml', 'error', `invalid YAML: ${sanitize(message)}`, {
    file,
    line,
    column,
    hint: 'Regenerate the lockfile with your package manager, or fix the line shown.',
  });
}

function duplicateProblem(key: string, line: number, file: string | undefined): Problem {
  return problem(
    'lockfile-duplicate-key',
    'warning',
    `duplicate key "${sanitize(key)}"; the last one is used`,
    {
      file,
      line,
      hint: 'Regenerate the lockfile; two entries under one key usually come from a bad merge.',
    },
  );
}

function tooDeepProblem(line: number, options: YamlReadOptions): Problem {
  const limit = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  return problem('lockfile-too-deep', 'error', `the YAML nests deeper than ${limit} levels`, {
    file: options.file,
    line,
    hint: 'No lockfile nests this deep; the file is not a lockfile, or was tampered with.',
  });
}

/** 1-based line of a character offset; for callers that hold offsets. */
export function yamlLineAt(text: string, offset: number): number {
  return lineColumnAt(text, offset).line;
}
