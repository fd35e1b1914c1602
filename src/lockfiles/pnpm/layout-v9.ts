/**
 * A one-pass reader for pnpm 9.0 lockfiles as pnpm writes them, straight from lines to the few
 * values the parser reads, without the generic YAML tree (which for a large lockfile is more than
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
 */

/** What the parser needs of one entry of `packages:` or `snapshots:`. Flat lists alternate name, value. */
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
  dependencies: string[] | undefined;
  optionalDependencies: string[] | undefined;
  peerDependencies: string[] | undefined;
  /** Names whose peerDependenciesMeta says `optional: true`. */
  optionalPeers: string[] | undefined;
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
  snapshots: Map<string, LayoutEntry> | undefined;
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

function isFlowIndicator(c: number): boolean {
  return c === COMMA || c === LBRACKET || c === RBRACKET || c === LBRACE || c === RBRACE;
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
    return new LayoutReader(text).read();
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

  constructor(private readonly text: string) {}

  read(): Pnpm9Layout {
    const layout: Pnpm9Layout = { importers: [], packages: undefined, snapshots: undefined };
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
        layout.packages = this.readEntries();
      } else if (key === 'snapshots') {
        layout.snapshots = this.readEntries();
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
    const t = this.text;
    const p = this.start;
    const end = this.end;
    let key: string;
    let colon: number;
    const c = t.charCodeAt(p);
    if (c === SQUOTE) {
      const q = t.indexOf("'", p + 1);
      if (q === -1 || q + 1 >= end || t.charCodeAt(q + 1) !== COLON) throw OUTSIDE;
      key = t.slice(p + 1, q);
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
        } else if (d === TAB || (d === HASH && t.charCodeAt(i - 1) === SPACE)) throw OUTSIDE;
      }
      if (colon === -1 || t.charCodeAt(colon - 1) === SPACE) throw OUTSIDE;
      key = t.slice(p, colon);
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
    return key;
  }

  /** A plain or single-quoted scalar from `from` to the end of the line. */
  private readScalar(from: number): string {
    const t = this.text;
    const end = this.end;
    if (from < 0) throw OUTSIDE;
    const c = t.charCodeAt(from);
    if (c === SQUOTE) {
      if (t.indexOf("'", from + 1) !== end - 1) throw OUTSIDE;
      return t.slice(from + 1, end - 1);
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
      } else if (d === TAB || (d === HASH && t.charCodeAt(i - 1) === SPACE)) throw OUTSIDE;
    }
    if (t.charCodeAt(end - 1) === SPACE) throw OUTSIDE;
    return t.slice(from, end);
  }

  /**
   * A one-line flow collection at `from` (`{a: b, c: d}` into `out` as name, value pairs, or
   * `[a, b]` with `out` undefined): items separated by `, `, no spaces elsewhere.
   */
  private readFlow(from: number, out: string[] | undefined): void {
    const t = this.text;
    const end = this.end;
    const isMap = t.charCodeAt(from) === LBRACE;
    const close = isMap ? RBRACE : RBRACKET;
    let p = from + 1;
    if (t.charCodeAt(p) === close) {
      if (p + 1 !== end) throw OUTSIDE;
      return;
    }
    const keys: string[] = [];
    for (;;) {
      if (isMap) {
        const [key, after] = this.flowScalar(p, true);
        if (t.charCodeAt(after) !== COLON || t.charCodeAt(after + 1) !== SPACE) throw OUTSIDE;
        if (keys.includes(key)) throw OUTSIDE;
        keys.push(key);
        out?.push(key);
        p = after + 2;
      }
      const [value, after] = this.flowScalar(p, false);
      out?.push(value);
      const c = t.charCodeAt(after);
      if (c === close) {
        if (after + 1 !== end) throw OUTSIDE;
        return;
      }
      if (c !== COMMA || t.charCodeAt(after + 1) !== SPACE) throw OUTSIDE;
      p = after + 2;
    }
  }

  /** A scalar inside a flow collection, and the offset after it. */
  private flowScalar(from: number, isKey: boolean): [string, number] {
    const t = this.text;
    const end = this.end;
    const c = t.charCodeAt(from);
    if (from >= end) throw OUTSIDE;
    if (c === SQUOTE) {
      const q = t.indexOf("'", from + 1);
      if (q === -1 || q + 1 >= end || t.charCodeAt(q + 1) === SQUOTE) throw OUTSIDE;
      return [t.slice(from + 1, q), q + 1];
    }
    if (isIndicator(c)) throw OUTSIDE;
    if (c === DASH || c === QUESTION || c === COLON) {
      const n = t.charCodeAt(from + 1);
      if (from + 1 >= end || n === SPACE || isFlowIndicator(n)) throw OUTSIDE;
    }
    let p = from + 1;
    for (; p < end; p++) {
      const d = t.charCodeAt(p);
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
    return [t.slice(from, p), p];
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
      else this.readScalar(v);
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
      else this.readScalar(p + 2);
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
        const pairs: string[] = [];
        this.readFlow(this.value, pairs);
        if (pairs.length !== 0) throw OUTSIDE;
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
      const pairs: string[] = [];
      this.readFlow(this.value, pairs);
      if (pairs.length !== 0) throw OUTSIDE;
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

  private readEntries(): Map<string, LayoutEntry> {
    const entries = new Map<string, LayoutEntry>();
    if (this.value !== -1) throw OUTSIDE;
    this.advance();
    if (this.indent !== 2) throw OUTSIDE;
    while (this.at(2)) {
      const key = this.readKey();
      if (entries.has(key)) throw OUTSIDE;
      const entry: LayoutEntry = {
        line: this.lineNo,
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
        dependencies: undefined,
        optionalDependencies: undefined,
        peerDependencies: undefined,
        optionalPeers: undefined,
      };
      entries.set(key, entry);
      if (this.value !== -1) {
        if (this.text.charCodeAt(this.value) !== LBRACE) throw OUTSIDE;
        const pairs: string[] = [];
        this.readFlow(this.value, pairs);
        if (pairs.length !== 0) throw OUTSIDE;
        this.advance();
        continue;
      }
      if (this.advance() !== 4) {
        entry.empty = true;
        continue;
      }
      this.readFields(entry);
    }
    if (this.indent > 0) throw OUTSIDE;
    return entries;
  }

  private readFields(entry: LayoutEntry): void {
    const fields: string[] = [];
    while (this.at(4)) {
      const field = this.readKey();
      if (fields.includes(field)) throw OUTSIDE;
      fields.push(field);
      switch (field) {
        case 'resolution':
          this.readResolution(entry);
          break;
        case 'name':
          entry.name = this.readScalar(this.value);
          this.advance();
          break;
        case 'version':
          entry.version = this.readScalar(this.value);
          this.advance();
          break;
        case 'dependencies':
          entry.dependencies = this.readScalarMap(4);
          break;
        case 'optionalDependencies':
          entry.optionalDependencies = this.readScalarMap(4);
          break;
        case 'peerDependencies':
          entry.peerDependencies = this.readScalarMap(4);
          break;
        case 'peerDependenciesMeta':
          entry.optionalPeers = this.readPeersMeta();
          break;
        default:
          this.skipValue(4, 1);
      }
    }
    if (this.indent > 2) throw OUTSIDE;
  }

  /**
   * A mapping of scalars after the key just read at `keyIndent`: a flow mapping, or a block one at
   * `keyIndent + 2`; undefined for an empty value. Leaves the cursor after it.
   */
  private readScalarMap(keyIndent: number): string[] | undefined {
    const pairs: string[] = [];
    if (this.value !== -1) {
      if (this.text.charCodeAt(this.value) !== LBRACE) throw OUTSIDE;
      this.readFlow(this.value, pairs);
      this.advance();
      return pairs;
    }
    this.advance();
    const inner = keyIndent + 2;
    if (this.indent !== inner) {
      if (this.indent > keyIndent) throw OUTSIDE;
      return undefined;
    }
    while (this.at(inner)) {
      const name = this.readKey();
      if (hasName(pairs, name, 2)) throw OUTSIDE;
      pairs.push(name, this.readScalar(this.value));
      this.advance();
    }
    if (this.indent > keyIndent) throw OUTSIDE;
    return pairs;
  }

  private readResolution(entry: LayoutEntry): void {
    const pairs = this.readScalarMap(4);
    if (pairs === undefined) throw OUTSIDE;
    entry.hasResolution = true;
    for (let i = 0; i < pairs.length; i += 2) {
      const value = pairs[i + 1];
      switch (pairs[i]) {
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
    while (this.at(6)) {
      const name = this.readKey();
      if (names.includes(name)) throw OUTSIDE;
      names.push(name);
      const fields = this.readScalarMap(6);
      if (fields === undefined) continue;
      for (let i = 0; i < fields.length; i += 2) {
        if (fields[i] === 'optional' && fields[i + 1] === 'true') optional.push(name);
      }
    }
    if (this.indent > 4) throw OUTSIDE;
    return optional;
  }
}
