/**
 * A one-pass reader for pnpm 9.0 lockfiles as pnpm writes them (plus one re-read of each
 * snapshot's dependency fields, see "Memory" below), straight from lines to the few values the
 * parser reads, without the generic YAML tree (which for a large lockfile is more than
 * twice the file's size in memory and most of the parse time).
 *
 * pnpm writes a very regular layout, and this reader accepts only that layout:
 *
 *   lockfileVersion: '9.0'            # must be the first line
 *   <top-level key>: ...              # any other section (settings, catalogs, ...): validated, skipped
 *   importers:
 *     <path>: {} | (nothing) | fields at 4, e.g.
 *       dependencies:                 # also devDependencies, optionalDependencies
 *         <name>:
 *           specifier: <scalar>
 *           version: <scalar>
 *   packages: / snapshots:
 *     <key>: {} | (nothing) | fields at 4, e.g.
 *       resolution: {integrity: ..., tarball: ...}   # or a block mapping at 6
 *       name: / version: <scalar>
 *       dependencies: / optionalDependencies: / peerDependencies:   # {name: scalar} at 6 (or flow)
 *       peerDependenciesMeta:
 *         <name>:
 *           optional: true
 *
 * Scalars are plain or 'single-quoted' on one line; indentation is exact; blank lines may appear
 * anywhere. The accepted text is a strict subset of what the generic reader (fast-yaml.ts) reads
 * without any problem, and is read to the same values. Anything else (comments, double quotes,
 * escapes, tabs, CR line ends, duplicate keys, block scalars, several documents, odd spacing)
 * makes `readPnpm9Layout` return undefined, and the caller reads the file the generic way; so
 * every file with problems gets exactly the generic path's problems. The parser applies the same
 * rule to its own problems (see parse.ts).
 *
 * Memory: everything this reader returns lives until the parser is done, so it returns little.
 * Snapshots (the bulk of the file) are kept as their keys, lines and the offsets of their
 * dependency fields; those fields are only skipped here, and read (and checked) once, when the
 * parser makes the package's edges (`readPairsAt`). Lists that are checked and dropped reuse one
 * scratch list, and field names are matched in place instead of being cut out of the text.
 */

/** What the parser needs of one entry of `packages:`. Flat lists alternate name, value. */
export interface LayoutEntry {
  /** 1-based line of the entry's key. */
  line: number;
  /** The entry had no value at all (`key:` alone): YAML's empty scalar, not a mapping. */
  empty: boolean;
  name: string | undefined;
  version: string | undefined;
  hasResolution: boolean;
  integrity: string | undefined;
  tarball: string | undefined;
  type: string | undefined;
  directory: string | undefined;
  repo: string | undefined;
  commit: string | undefined;
  /**
   * Offsets of the lines of the entry's `dependencies:` and `optionalDependencies:` (for
   * `Pnpm9Layout.readPairsAt`), or -1 when the entry has no such field or it is empty. Only
   * offsets are kept: the pairs are read again when the edges are made, so that no per-entry
   * lists live through the whole parse.
   */
  depsAt: number;
  optionalAt: number;
  peerDependencies: string[] | undefined;
  /** Names whose peerDependenciesMeta says `optional: true`. */
  optionalPeers: string[] | undefined;
  /** Set by the parser when a snapshot is based on this entry. */
  used: boolean;
}

/**
 * The entries of `snapshots:`, as parallel lists (one small record per entry would be most of
 * what this reader keeps). `depsAt`/`optionalAt` as in LayoutEntry, and `depsAt` is EMPTY_ENTRY
 * for an entry that had no value at all. Duplicate keys are not checked here: every snapshot
 * becomes a package, and the parser checks its keys (see parse.ts).
 */
export interface LayoutSnapshots {
  keys: string[];
  lines: number[];
  depsAt: number[];
  optionalAt: number[];
}

/** `LayoutSnapshots.depsAt` of an entry that had no value (`key:` alone). */
export const EMPTY_ENTRY = -2;

/**
 * A list reused across entries: `items[0, n)` are in use, later slots hold stale values.
 * (Emptying an array with `length = 0` gives up its storage, so each reuse would grow a new one.)
 */
export interface StringList {
  items: string[];
  n: number;
}

export interface LayoutImporter {
  key: string;
  empty: boolean;
  /** Per section (dependencies, devDependencies, optionalDependencies): name, specifier, version triples. */
  sections: [string[] | undefined, string[] | undefined, string[] | undefined];
}

export interface Pnpm9Layout {
  importers: LayoutImporter[];
  packages: Map<string, LayoutEntry> | undefined;
  snapshots: LayoutSnapshots | undefined;
  /**
   * The name, value pairs of the `dependencies:`-like field whose line starts at `at` (a
   * `depsAt`/`optionalAt` offset), into `out` (emptied first). The first pass only skipped the
   * values of snapshots' dependency fields, so this is where they are checked: false when one is
   * outside the layout (the caller then reads the file the generic way).
   */
  readPairsAt(at: number, out: StringList): boolean;
}

const VERSION_LINE = "lockfileVersion: '9.0'";
const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;
const QUESTION = 0x3f;
const SQUOTE = 0x27;
const COMMA = 0x2c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
/** YAML caps implicit keys at 1024 characters. */
const MAX_KEY = 1024;
/** Nesting of skipped values; pnpm's deepest is about 4. */
const MAX_SKIP_DEPTH = 16;
const IMPORTER_SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies'];
/** The usual fields of an entry, most frequent first. */
const FIELD_NAMES: readonly string[] = [
  'resolution',
  'dependencies',
  'engines',
  'transitivePeerDependencies',
  'optionalDependencies',
  'peerDependencies',
  'peerDependenciesMeta',
  'name',
  'version',
  'hasBin',
  'os',
  'cpu',
  'libc',
  'deprecated',
  'requiresBuild',
  'bundledDependencies',
  'optional',
  'dev',
  'id',
];
/** The same as bits, for the duplicate check (other fields are kept in a list). */
const FIELD_BITS = new Map<string, number>(FIELD_NAMES.map((field, i) => [field, 1 << i]));

/** Control flow only: the text left the layout. Never escapes readPnpm9Layout. */
class OutsideLayout extends Error {}
const OUTSIDE = new OutsideLayout('outside the pnpm 9.0 layout');

/** Characters that cannot start a plain scalar. */
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
    case 0x22: // "
    case 0x25: // %
    case 0x40: // @
    case 0x60: // `
    case SPACE:
    case TAB:
      return true;
    default:
      return false;
  }
}

/** The ASCII characters a plain scalar inside a flow collection may end or fail at. */
const FLOW_STOP = new Uint8Array(0x80);
for (const c of [COMMA, LBRACKET, RBRACKET, LBRACE, RBRACE, COLON, TAB, HASH]) FLOW_STOP[c] = 1;

function isFlowIndicator(c: number): boolean {
  return c === COMMA || c === LBRACKET || c === RBRACKET || c === LBRACE || c === RBRACE;
}

/** Whether ` #` occurs in the text (found by its `#`, which a single-character search finds fast). */
function hasSpaceHash(text: string): boolean {
  for (let i = text.indexOf('#'); i !== -1; i = text.indexOf('#', i + 1)) {
    if (text.charCodeAt(i - 1) === SPACE) return true;
  }
  return false;
}

function hasName(list: readonly string[], name: string, step: number): boolean {
  for (let i = 0; i < list.length; i += step) if (list[i] === name) return true;
  return false;
}

/** The pnpm 9.0 lockfile's values, or undefined when the text is not in the layout above. */
export function readPnpm9Layout(text: string): Pnpm9Layout | undefined {
  // CR anywhere (CRLF files, a bare CR inside a scalar) is left to the generic reader.
  if (!text.startsWith(VERSION_LINE) || text.includes('\r')) return undefined;
  try {
    const reader = new LayoutReader(text);
    const layout = reader.read();
    return { ...layout, readPairsAt: (at, out) => reader.readPairsAt(at, out) };
  } catch (err) {
    if (err instanceof OutsideLayout) return undefined;
    throw err;
  }
}

/**
 * The cursor is one content line: `start` its first character, `end` its end (the `\n`), `indent`
 * its leading spaces, `lineNo` its 1-based number; `indent` is -1 at the end of the text.
 * `colon` and `value` describe the key read last: the offset of its `:`, and where its value
 * starts (-1 when the line ends after the colon).
 */
class LayoutReader {
  private start = 0;
  private end = 0;
  private indent = 0;
  private lineNo = 0;
  private next = 0;
  private value = -1;
  /** The key `scanKey` read last: `text[keyFrom, keyTo)`. */
  private keyFrom = 0;
  private keyTo = 0;
  /** Where the scalar `flowScalar` read last ends. */
  private flowEnd = 0;
  /**
   * No tab and no ` #` anywhere in the text (as in every file pnpm writes): the scalar loops
   * then need not look for them.
   */
  private readonly plain: boolean;
  /** A list reused for values that are checked and then dropped (or copied out at once). */
  private readonly scratch: StringList = { items: [], n: 0 };

  constructor(private readonly text: string) {
    this.plain = !text.includes('\t') && !hasSpaceHash(text);
  }

  read(): Omit<Pnpm9Layout, 'readPairsAt'> {
    const layout: Omit<Pnpm9Layout, 'readPairsAt'> = {
      importers: [],
      packages: undefined,
      snapshots: undefined,
    };
    const seen: string[] = [];
    this.advance();
    let sawImporters = false;
    while (this.at(0)) {
      const key = this.readKey();
      if (seen.includes(key)) throw OUTSIDE;
      seen.push(key);
      if (key === 'lockfileVersion') {
        if (this.lineNo !== 1 || this.readScalar(this.value) !== '9.0') throw OUTSIDE;
        this.advance();
      } else if (key === 'importers') {
        sawImporters = true;
        this.readImporters(layout.importers);
      } else if (key === 'packages') {
        layout.packages = this.readPackages();
      } else if (key === 'snapshots') {
        layout.snapshots = this.readSnapshots();
      } else this.skipValue(0, 0);
    }
    if (this.indent !== -1 || !sawImporters) throw OUTSIDE;
    return layout;
  }

  // ---- lines ---------------------------------------------------------------------------------

  /** Moves to the next line with content; returns its indentation. */
  private advance(): number {
    const t = this.text;
    const len = t.length;
    for (;;) {
      const start = this.next;
      if (start >= len) {
        this.indent = -1;
        this.start = this.end = len;
        return -1;
      }
      let nl = t.indexOf('\n', start);
      if (nl === -1) nl = len;
      this.next = nl + 1;
      this.lineNo++;
      let p = start;
      while (p < nl && t.charCodeAt(p) === SPACE) p++;
      if (p === nl) continue;
      const c = t.charCodeAt(p);
      if (c === HASH || c === TAB || t.charCodeAt(nl - 1) === CR) throw OUTSIDE;
      this.start = p;
      this.end = nl;
      this.indent = p - start;
      return this.indent;
    }
  }

  /** Whether the cursor's line is at `indent` (a call, so that TypeScript does not narrow). */
  private at(indent: number): boolean {
    return this.indent === indent;
  }

  // ---- scalars -------------------------------------------------------------------------------

  /** The key at the line's start; sets `value`. Only `key:` and `key: value` (one space). */
  private readKey(): string {
    this.scanKey();
    return this.text.slice(this.keyFrom, this.keyTo);
  }

  /**
   * `readKey` without the string: the key is `text[keyFrom, keyTo)`. For the fields of an
   * entry, which are matched against the known names instead of being cut out one by one.
   */
  private scanKey(): void {
    const t = this.text;
    const p = this.start;
    const end = this.end;
    let colon: number;
    const c = t.charCodeAt(p);
    if (c === SQUOTE) {
      const q = t.indexOf("'", p + 1);
      if (q === -1 || q + 1 >= end || t.charCodeAt(q + 1) !== COLON) throw OUTSIDE;
      this.keyFrom = p + 1;
      this.keyTo = q;
      colon = q + 1;
    } else {
      if (isIndicator(c) || c === DASH || c === QUESTION || c === COLON) throw OUTSIDE;
      colon = -1;
      for (let i = p + 1; i < end; i++) {
        const d = t.charCodeAt(i);
        if (d === COLON) {
          if (i + 1 === end || t.charCodeAt(i + 1) === SPACE) {
            colon = i;
            break;
          }
        } else if (!this.plain && (d === TAB || (d === HASH && t.charCodeAt(i - 1) === SPACE)))
          throw OUTSIDE;
      }
      if (colon === -1 || t.charCodeAt(colon - 1) === SPACE) throw OUTSIDE;
      this.keyFrom = p;
      this.keyTo = colon;
    }
    if (colon - p > MAX_KEY) throw OUTSIDE;
    if (colon + 1 === end) this.value = -1;
    else {
      const v = colon + 2;
      if (t.charCodeAt(colon + 1) !== SPACE || v >= end) throw OUTSIDE;
      const d = t.charCodeAt(v);
      if (d === SPACE || d === HASH) throw OUTSIDE;
      this.value = v;
    }
  }

  /** A plain or single-quoted scalar from `from` to the end of the line ('' when not `keep`). */
  private readScalar(from: number, keep = true): string {
    const t = this.text;
    const end = this.end;
    if (from < 0) throw OUTSIDE;
    const c = t.charCodeAt(from);
    if (c === SQUOTE) {
      if (t.indexOf("'", from + 1) !== end - 1) throw OUTSIDE;
      return keep ? t.slice(from + 1, end - 1) : '';
    }
    if (isIndicator(c)) throw OUTSIDE;
    if (
      (c === DASH || c === QUESTION || c === COLON) &&
      (from + 1 === end || t.charCodeAt(from + 1) === SPACE)
    )
      throw OUTSIDE;
    for (let i = from + 1; i < end; i++) {
      const d = t.charCodeAt(i);
      if (d === COLON) {
        if (i + 1 === end || t.charCodeAt(i + 1) === SPACE) throw OUTSIDE;
      } else if (!this.plain && (d === TAB || (d === HASH && t.charCodeAt(i - 1) === SPACE)))
        throw OUTSIDE;
    }
    if (t.charCodeAt(end - 1) === SPACE) throw OUTSIDE;
    return keep ? t.slice(from, end) : '';
  }

  /**
   * A one-line flow collection at `from` (`{a: b, c: d}` into `out` as name, value pairs, or
   * `[a, b]` with `out` undefined): items separated by `, `, no spaces elsewhere.
   */
  private readFlow(from: number, out: StringList | undefined): void {
    const t = this.text;
    const end = this.end;
    const isMap = t.charCodeAt(from) === LBRACE;
    const close = isMap ? RBRACE : RBRACKET;
    let p = from + 1;
    if (t.charCodeAt(p) === close) {
      if (p + 1 !== end) throw OUTSIDE;
      return;
    }
    // For the duplicate check: the first key, and a list only from the second on.
    let firstKey: string | undefined;
    let keys: string[] | undefined;
    for (;;) {
      if (isMap) {
        const key = this.flowScalar(p, true, true);
        const after = this.flowEnd;
        if (t.charCodeAt(after) !== COLON || t.charCodeAt(after + 1) !== SPACE) throw OUTSIDE;
        if (firstKey === undefined) firstKey = key;
        else {
          if (key === firstKey || keys?.includes(key) === true) throw OUTSIDE;
          (keys ??= []).push(key);
        }
        if (out !== undefined) out.items[out.n++] = key;
        p = after + 2;
      }
      const value = this.flowScalar(p, false, out !== undefined);
      const after = this.flowEnd;
      if (out !== undefined) out.items[out.n++] = value;
      const c = t.charCodeAt(after);
      if (c === close) {
        if (after + 1 !== end) throw OUTSIDE;
        return;
      }
      if (c !== COMMA || t.charCodeAt(after + 1) !== SPACE) throw OUTSIDE;
      p = after + 2;
    }
  }

  /**
   * A scalar inside a flow collection ('' when not `keep`); sets `flowEnd` to the offset after
   * it.
   */
  private flowScalar(from: number, isKey: boolean, keep: boolean): string {
    const t = this.text;
    const end = this.end;
    const c = t.charCodeAt(from);
    if (from >= end) throw OUTSIDE;
    if (c === SQUOTE) {
      const q = t.indexOf("'", from + 1);
      if (q === -1 || q + 1 >= end || t.charCodeAt(q + 1) === SQUOTE) throw OUTSIDE;
      this.flowEnd = q + 1;
      return keep ? t.slice(from + 1, q) : '';
    }
    if (isIndicator(c)) throw OUTSIDE;
    if (c === DASH || c === QUESTION || c === COLON) {
      const n = t.charCodeAt(from + 1);
      if (from + 1 >= end || n === SPACE || isFlowIndicator(n)) throw OUTSIDE;
    }
    let p = from + 1;
    for (; p < end; p++) {
      const d = t.charCodeAt(p);
      // Most characters (all of an integrity's) are none of those looked at below.
      if (d >= 0x80 || FLOW_STOP[d] === 0) continue;
      if (isFlowIndicator(d)) break;
      if (d === COLON) {
        const n = t.charCodeAt(p + 1);
        if (p + 1 >= end || n === SPACE || isFlowIndicator(n)) {
          if (isKey) break;
          throw OUTSIDE;
        }
      } else if (d === TAB || (d === HASH && t.charCodeAt(p - 1) === SPACE)) throw OUTSIDE;
    }
    if (p >= end || t.charCodeAt(p - 1) === SPACE) throw OUTSIDE;
    this.flowEnd = p;
    return keep ? t.slice(from, p) : '';
  }

  // ---- structure -----------------------------------------------------------------------------

  /**
   * Skips the value of the key just read at `keyIndent`, checking that it is in the accepted
   * subset; leaves the cursor on the next line at `keyIndent` or less.
   */
  private skipValue(keyIndent: number, depth: number): void {
    if (depth > MAX_SKIP_DEPTH) throw OUTSIDE;
    const v = this.value;
    if (v !== -1) {
      const c = this.text.charCodeAt(v);
      if (c === LBRACE || c === LBRACKET) this.readFlow(v, undefined);
      else if (c === 0x7c /* | */) this.skipLiteral(v, keyIndent);
      else this.readScalar(v, false);
      this.advance();
    } else {
      this.advance();
      const indent = this.indent;
      if (indent > keyIndent) {
        if (this.text.charCodeAt(this.start) === DASH) this.skipSeq(indent);
        else {
          const keys: string[] = [];
          while (this.at(indent)) {
            const key = this.readKey();
            if (keys.includes(key)) throw OUTSIDE;
            keys.push(key);
            this.skipValue(indent, depth + 1);
          }
        }
      } else if (indent === keyIndent && this.text.charCodeAt(this.start) === DASH) throw OUTSIDE;
    }
    if (this.indent > keyIndent) throw OUTSIDE;
  }

  /**
   * A literal block scalar (`|` or `|-`, as pnpm writes long `deprecated:` messages) whose
   * header is at `header`: its lines are consumed, up to the line that ends it.
   */
  private skipLiteral(header: number, keyIndent: number): void {
    const t = this.text;
    const len = t.length;
    const after = t.charCodeAt(header + 1) === DASH ? header + 2 : header + 1;
    if (after !== this.end) throw OUTSIDE;
    let contentIndent = -1;
    for (;;) {
      const start = this.next;
      if (start >= len) break;
      let nl = t.indexOf('\n', start);
      if (nl === -1) nl = len;
      let p = start;
      while (p < nl && t.charCodeAt(p) === SPACE) p++;
      const indent = p - start;
      if (p === nl) {
        // Blank lines: inside or after the scalar, never before its first line or deeper.
        if (contentIndent === -1 || indent > contentIndent) throw OUTSIDE;
      } else if (contentIndent === -1) {
        if (indent <= keyIndent) throw OUTSIDE;
        contentIndent = indent;
      } else if (indent < contentIndent) break;
      this.next = nl + 1;
      this.lineNo++;
    }
    if (contentIndent === -1) throw OUTSIDE;
  }

  /** A block sequence of scalars at `indent`. */
  private skipSeq(indent: number): void {
    const t = this.text;
    while (this.at(indent)) {
      const p = this.start;
      if (t.charCodeAt(p) !== DASH || t.charCodeAt(p + 1) !== SPACE) throw OUTSIDE;
      const c = t.charCodeAt(p + 2);
      if (c === LBRACE || c === LBRACKET) this.readFlow(p + 2, undefined);
      else this.readScalar(p + 2, false);
      this.advance();
    }
  }

  private readImporters(out: LayoutImporter[]): void {
    if (this.value !== -1) throw OUTSIDE;
    this.advance();
    if (this.indent !== 2) throw OUTSIDE;
    while (this.at(2)) {
      const key = this.readKey();
      for (const other of out) if (other.key === key) throw OUTSIDE;
      const imp: LayoutImporter = {
        key,
        empty: false,
        sections: [undefined, undefined, undefined],
      };
      out.push(imp);
      if (this.value !== -1) {
        if (this.text.charCodeAt(this.value) !== LBRACE) throw OUTSIDE;
        this.scratch.n = 0;
        this.readFlow(this.value, this.scratch);
        if (this.scratch.n !== 0) throw OUTSIDE;
        this.advance();
        continue;
      }
      if (this.advance() !== 4) {
        imp.empty = true;
        continue;
      }
      const fields: string[] = [];
      while (this.at(4)) {
        const field = this.readKey();
        if (fields.includes(field)) throw OUTSIDE;
        fields.push(field);
        const section = IMPORTER_SECTIONS.indexOf(field);
        if (section === -1) this.skipValue(4, 1);
        else imp.sections[section] = this.readImporterDeps();
      }
    }
    if (this.indent > 0) throw OUTSIDE;
  }

  /** `name:` at 6 with `specifier:` and `version:` at 8, as name, specifier, version triples. */
  private readImporterDeps(): string[] | undefined {
    if (this.value !== -1) {
      if (this.text.charCodeAt(this.value) !== LBRACE) throw OUTSIDE;
      this.scratch.n = 0;
      this.readFlow(this.value, this.scratch);
      if (this.scratch.n !== 0) throw OUTSIDE;
      this.advance();
      return [];
    }
    this.advance();
    if (this.indent !== 6) return undefined;
    const deps: string[] = [];
    while (this.at(6)) {
      const name = this.readKey();
      if (this.value !== -1 || hasName(deps, name, 3)) throw OUTSIDE;
      let indent = this.advance();
      let specifier: string | undefined;
      let version: string | undefined;
      const fields: string[] = [];
      while (indent === 8) {
        const field = this.readKey();
        if (fields.includes(field)) throw OUTSIDE;
        fields.push(field);
        if (field === 'specifier') specifier = this.readScalar(this.value);
        else if (field === 'version') version = this.readScalar(this.value);
        if (field === 'specifier' || field === 'version') this.advance();
        else this.skipValue(8, 3);
        indent = this.indent;
      }
      if (version === undefined || this.indent > 6) throw OUTSIDE;
      deps.push(name, specifier ?? '', version);
    }
    if (this.indent > 4) throw OUTSIDE;
    return deps;
  }

  /** See Pnpm9Layout.readPairsAt. */
  readPairsAt(at: number, out: StringList): boolean {
    out.n = 0;
    try {
      this.next = at;
      this.advance();
      this.readKey();
      this.readScalarMap(4, out);
      return true;
    } catch (err) {
      if (err instanceof OutsideLayout) return false;
      throw err;
    }
  }

  private newEntry(line: number): LayoutEntry {
    return {
      line,
      empty: false,
      name: undefined,
      version: undefined,
      hasResolution: false,
      integrity: undefined,
      tarball: undefined,
      type: undefined,
      directory: undefined,
      repo: undefined,
      commit: undefined,
      depsAt: -1,
      optionalAt: -1,
      peerDependencies: undefined,
      optionalPeers: undefined,
      used: false,
    };
  }

  /**
   * The value of an entry key just read: true when it has fields at 4 (the cursor is then on
   * the first), false for `{}` or no value (`empty`); the cursor is then on the next line.
   */
  private enterEntry(): boolean {
    if (this.value !== -1) {
      if (this.text.charCodeAt(this.value) !== LBRACE) throw OUTSIDE;
      this.scratch.n = 0;
      this.readFlow(this.value, this.scratch);
      if (this.scratch.n !== 0) throw OUTSIDE;
      this.advance();
      return false;
    }
    return this.advance() === 4;
  }

  private readPackages(): Map<string, LayoutEntry> {
    const entries = new Map<string, LayoutEntry>();
    if (this.value !== -1) throw OUTSIDE;
    this.advance();
    if (this.indent !== 2) throw OUTSIDE;
    while (this.at(2)) {
      const key = this.readKey();
      if (entries.has(key)) throw OUTSIDE;
      const entry = this.newEntry(this.lineNo);
      entries.set(key, entry);
      const inline = this.value !== -1;
      if (this.enterEntry()) this.readFields(entry, false);
      else if (!inline) entry.empty = true;
    }
    if (this.indent > 0) throw OUTSIDE;
    return entries;
  }

  private readSnapshots(): LayoutSnapshots {
    const snapshots: LayoutSnapshots = { keys: [], lines: [], depsAt: [], optionalAt: [] };
    // One entry record for all snapshots: only its dependency offsets are kept.
    const entry = this.newEntry(0);
    if (this.value !== -1) throw OUTSIDE;
    this.advance();
    if (this.indent !== 2) throw OUTSIDE;
    while (this.at(2)) {
      snapshots.keys.push(this.readKey());
      snapshots.lines.push(this.lineNo);
      const inline = this.value !== -1;
      entry.depsAt = entry.optionalAt = -1;
      if (this.enterEntry()) this.readFields(entry, true);
      else if (!inline) entry.depsAt = EMPTY_ENTRY;
      snapshots.depsAt.push(entry.depsAt);
      snapshots.optionalAt.push(entry.optionalAt);
    }
    if (this.indent > 0) throw OUTSIDE;
    return snapshots;
  }

  /**
   * The fields of an entry at 4. `snapshot`: only the dependency fields are kept, and their
   * values are skipped here and checked when `readPairsAt` reads them (each snapshot's are read
   * exactly once); a packages entry's are read (and so checked) now, since most are never read
   * again.
   */
  private readFields(entry: LayoutEntry, snapshot: boolean): void {
    let seen = 0;
    let others: string[] | undefined;
    while (this.at(4)) {
      const lineStart = this.start - 4;
      this.scanKey();
      const field = this.fieldName();
      const bit = FIELD_BITS.get(field) ?? 0;
      if (bit !== 0) {
        if ((seen & bit) !== 0) throw OUTSIDE;
        seen |= bit;
      } else {
        others ??= [];
        if (others.includes(field)) throw OUTSIDE;
        others.push(field);
      }
      switch (field) {
        case 'resolution':
          this.readResolution(snapshot ? undefined : entry);
          break;
        case 'name':
          if (snapshot) this.readScalar(this.value, false);
          else entry.name = this.readScalar(this.value);
          this.advance();
          break;
        case 'version':
          if (snapshot) this.readScalar(this.value, false);
          else entry.version = this.readScalar(this.value);
          this.advance();
          break;
        case 'dependencies':
          entry.depsAt = this.deferPairs(lineStart, snapshot);
          break;
        case 'optionalDependencies':
          entry.optionalAt = this.deferPairs(lineStart, snapshot);
          break;
        case 'peerDependencies': {
          const pairs: StringList = { items: [], n: 0 };
          const present = this.readScalarMap(4, pairs);
          if (!snapshot && present) entry.peerDependencies = pairs.items;
          break;
        }
        case 'peerDependenciesMeta': {
          const optional = this.readPeersMeta();
          if (!snapshot) entry.optionalPeers = optional;
          break;
        }
        default:
          this.skipValue(4, 1);
      }
    }
    if (this.indent > 2) throw OUTSIDE;
  }

  /** The key just scanned: one of FIELD_NAMES (no new string), or else cut from the text. */
  private fieldName(): string {
    const from = this.keyFrom;
    const length = this.keyTo - from;
    for (const name of FIELD_NAMES) {
      if (name.length === length && this.text.startsWith(name, from)) return name;
    }
    return this.text.slice(from, this.keyTo);
  }

  /**
   * A dependency field whose line starts at `lineStart`: its offset for `readPairsAt`, or -1
   * when it has no pairs. `skip`: only find its end (lines deeper than 4); else read it.
   */
  private deferPairs(lineStart: number, skip: boolean): number {
    if (skip) {
      if (this.value !== -1) {
        // `{}` (no pairs) or a one-line flow mapping.
        const empty = this.text.startsWith('{}', this.value) && this.value + 2 === this.end;
        this.advance();
        return empty ? -1 : lineStart;
      }
      if (this.advance() <= 4) return -1;
      while (this.indent > 4) this.advance();
      return lineStart;
    }
    const pairs = this.scratch;
    pairs.n = 0;
    this.readScalarMap(4, pairs);
    return pairs.n === 0 ? -1 : lineStart;
  }

  /**
   * A mapping of scalars after the key just read at `keyIndent`, into `pairs` as name, value: a
   * flow mapping, or a block one at `keyIndent + 2`; false for an empty value. Leaves the cursor
   * after it.
   */
  private readScalarMap(keyIndent: number, pairs: StringList): boolean {
    if (this.value !== -1) {
      if (this.text.charCodeAt(this.value) !== LBRACE) throw OUTSIDE;
      this.readFlow(this.value, pairs);
      this.advance();
      return true;
    }
    this.advance();
    const inner = keyIndent + 2;
    if (this.indent !== inner) {
      if (this.indent > keyIndent) throw OUTSIDE;
      return false;
    }
    const first = pairs.n;
    const items = pairs.items;
    // pnpm writes names sorted: a name after the previous one cannot repeat an earlier one,
    // so the list is searched only for a name out of order.
    let last = '';
    while (this.at(inner)) {
      const name = this.readKey();
      if (name <= last) {
        for (let i = first; i < pairs.n; i += 2) if (items[i] === name) throw OUTSIDE;
      }
      last = name;
      items[pairs.n++] = name;
      items[pairs.n++] = this.readScalar(this.value);
      this.advance();
    }
    if (this.indent > keyIndent) throw OUTSIDE;
    return true;
  }

  /** `resolution:`, into `entry` (undefined: checked only). */
  private readResolution(entry: LayoutEntry | undefined): void {
    const pairs = this.scratch;
    pairs.n = 0;
    if (!this.readScalarMap(4, pairs)) throw OUTSIDE;
    if (entry === undefined) return;
    entry.hasResolution = true;
    const items = pairs.items;
    for (let i = 0; i < pairs.n; i += 2) {
      const value = items[i + 1];
      switch (items[i]) {
        case 'integrity':
          entry.integrity = value;
          break;
        case 'tarball':
          entry.tarball = value;
          break;
        case 'type':
          entry.type = value;
          break;
        case 'directory':
          entry.directory = value;
          break;
        case 'repo':
          entry.repo = value;
          break;
        case 'commit':
          entry.commit = value;
          break;
        default:
      }
    }
  }

  /** `name:` at 6 with scalar fields at 8 (or a flow mapping); the names marked `optional: true`. */
  private readPeersMeta(): string[] | undefined {
    if (this.value !== -1) throw OUTSIDE;
    this.advance();
    if (this.indent !== 6) {
      if (this.indent > 4) throw OUTSIDE;
      return undefined;
    }
    const names: string[] = [];
    const optional: string[] = [];
    const fields = this.scratch;
    while (this.at(6)) {
      const name = this.readKey();
      if (names.includes(name)) throw OUTSIDE;
      names.push(name);
      fields.n = 0;
      if (!this.readScalarMap(6, fields)) continue;
      for (let i = 0; i < fields.n; i += 2) {
        if (fields.items[i] === 'optional' && fields.items[i + 1] === 'true') optional.push(name);
      }
    }
    if (this.indent > 4) throw OUTSIDE;
    return optional;
  }
}
