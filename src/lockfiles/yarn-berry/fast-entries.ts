/**
 * Reads a berry `yarn.lock` straight into entries, without the per-line tree of syml.ts.
 *
 * The tree costs an object, a key and a value string for every line, and most lines
 * (`languageName`, `linkType`, `bin`, `conditions`, dependency metadata) are thrown away right
 * after. This reader walks the same lines and accepts exactly the same subset as
 * `readSymlFast` (any line it refuses sends the whole file to the `yaml` fallback, read
 * through the tree as before), but only slices the strings an entry keeps. It must give the
 * same result as `readSymlFast` followed by the tree readers in yarn-berry.ts: the first
 * scalar `resolution`/`version`/`checksum` of an entry, the first map of each dependency
 * field, the first `__metadata`, and problems for malformed entries in file order.
 */
import { closingQuote, isPlainStart, quotedValue } from '../internal/quoted.js';
import type { Interner } from '../internal/yarn-descriptor.js';

/** The fields of one entry that matter to the graph. */
export interface Entry {
  line: number;
  descriptors: string[];
  resolution: string;
  version: string | undefined;
  checksum: string | undefined;
  /**
   * Scalar dependencies as flat pairs (name, range, name, range…) in `pool[depStart,
   * depEnd)`. One pool per file instead of two arrays per entry: thousands fewer objects.
   */
  pool: string[];
  depStart: number;
  depEnd: number;
  /** Scalar peer dependencies, as pairs in `pool[peerStart, peerEnd)`. */
  peerStart: number;
  peerEnd: number;
  /** Names marked `optional: true` in dependenciesMeta (undefined: none). */
  optional: Set<string> | undefined;
  /** Names marked `optional: true` in peerDependenciesMeta (undefined: none). */
  optionalPeers: Set<string> | undefined;
}

/** A malformed entry, reported by the caller in file order. */
export interface InvalidEntry {
  line: number;
  /** The entry's key when it has no resolution; undefined when it is not a map. */
  key: string | undefined;
}

export interface FastRead {
  /** Line of the first `__metadata` key; 0 when absent. */
  metadataLine: number;
  /** Its first scalar `version`, when `__metadata` is a map holding one. */
  metadataVersion: string | undefined;
  entries: Entry[];
  invalid: InvalidEntry[];
}

/** Deepest level accepted, as in `readSymlFast`. */
const MAX_FAST_LEVELS = 8;

const SPACE = 32;
const CR = 13;
const HASH = 35;
const QUOTE = 34;
const COLON = 58;

/** What the lines of one map level mean here. */
const enum Role {
  Ignore,
  Root,
  Metadata,
  Fields,
  Dependencies,
  Peers,
  Meta,
  PeerMeta,
  MetaFlags,
  PeerMetaFlags,
}

// The last scanned line, kept in module state so a line costs no result object.
let keyStart = 0;
let keyEnd = 0;
/** The decoded key when it was quoted with escapes; undefined otherwise. */
let keyDecoded: string | undefined;
/** True when the line is `key:` alone (an empty map that the next lines may fill). */
let isMap = false;
let valueStart = 0;
let valueEnd = 0;
let valueDecoded: string | undefined;
/** Whether the current entry already has its (first scalar) resolution. */
let resolutionSeen = false;
/**
 * Offsets of the next ` #`, `: ` and backslash at or after the last query (-1: none left).
 * Lines are scanned in order, so each is searched for once per file, with the native
 * indexOf, instead of checking every character of every line in JavaScript.
 */
const UNKNOWN = -2;
let nextComment = UNKNOWN;
let nextColonSpace = UNKNOWN;
let nextBackslash = UNKNOWN;

/** Reads the file; undefined as soon as a line leaves the subset `readSymlFast` accepts. */
export function readBerryFast(text: string, strings: Interner): FastRead | undefined {
  const result: FastRead = {
    metadataLine: 0,
    metadataVersion: undefined,
    entries: [],
    invalid: [],
  };
  const roles: Role[] = new Array<Role>(MAX_FAST_LEVELS).fill(Role.Ignore);
  roles[0] = Role.Root;
  let depth = 1;
  /** The previous line opened a map whose lines have this role (undefined: it did not). */
  let opened: Role | undefined;
  let metadataSeen = false;
  let entry: Entry | undefined;
  let entryKey = '';
  let depsSeen = false;
  let peersSeen = false;
  let metaSeen = false;
  let peerMetaSeen = false;
  /** The dependenciesMeta item being read, and whether its `optional` was already decided. */
  let metaName = '';
  let metaDecided = false;
  let lineNo = 0;
  let pos = 0;
  const length = text.length;
  const pool: string[] = [];
  nextComment = nextColonSpace = nextBackslash = UNKNOWN;

  while (pos < length) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = length;
    const start = pos;
    pos = end + 1;
    lineNo++;
    if (end > start && text.charCodeAt(end - 1) === CR) end--;
    let i = start;
    while (i < end && text.charCodeAt(i) === SPACE) i++;
    if (i === end) continue;
    if (text.charCodeAt(i) === HASH) continue;
    const indent = i - start;
    if ((indent & 1) !== 0) return undefined;
    const level = indent >> 1;
    if (opened !== undefined) {
      if (level === depth && depth < MAX_FAST_LEVELS) roles[depth++] = opened;
      opened = undefined;
    }
    if (level >= depth) return undefined;
    depth = level + 1;
    if (!scanLine(text, i, end)) return undefined;

    let childRole = Role.Ignore;
    switch (roles[level]) {
      case Role.Root:
        if (entry !== undefined) finishEntry(result, entry, entryKey);
        entry = undefined;
        if (keyIs(text, '__metadata')) {
          if (!metadataSeen) {
            metadataSeen = true;
            result.metadataLine = lineNo;
            if (isMap) childRole = Role.Metadata;
          }
        } else if (!isMap) {
          result.invalid.push({ line: lineNo, key: undefined });
        } else {
          entryKey = keyText(text);
          entry = {
            line: lineNo,
            descriptors: [],
            resolution: '',
            version: undefined,
            checksum: undefined,
            pool,
            depStart: 0,
            depEnd: 0,
            peerStart: 0,
            peerEnd: 0,
            optional: undefined,
            optionalPeers: undefined,
          };
          resolutionSeen = false;
          depsSeen = peersSeen = metaSeen = peerMetaSeen = false;
          childRole = Role.Fields;
        }
        break;
      case Role.Metadata:
        if (!isMap && result.metadataVersion === undefined && keyIs(text, 'version'))
          result.metadataVersion = valueText(text);
        break;
      case Role.Fields:
        childRole = readField(text, entry as Entry);
        if (isMap) {
          // Only the first map of each dependency field is read; its pairs are contiguous.
          if (childRole === Role.Dependencies) {
            if (depsSeen) childRole = Role.Ignore;
            else (entry as Entry).depStart = (entry as Entry).depEnd = pool.length;
            depsSeen = true;
          } else if (childRole === Role.Peers) {
            if (peersSeen) childRole = Role.Ignore;
            else (entry as Entry).peerStart = (entry as Entry).peerEnd = pool.length;
            peersSeen = true;
          } else if (childRole === Role.Meta) {
            if (metaSeen) childRole = Role.Ignore;
            metaSeen = true;
          } else if (childRole === Role.PeerMeta) {
            if (peerMetaSeen) childRole = Role.Ignore;
            peerMetaSeen = true;
          }
        }
        break;
      case Role.Dependencies:
        if (!isMap) {
          pool.push(strings.intern(keyText(text)), strings.intern(valueText(text)));
          (entry as Entry).depEnd = pool.length;
        }
        break;
      case Role.Peers:
        if (!isMap) {
          pool.push(strings.intern(keyText(text)), strings.intern(valueText(text)));
          (entry as Entry).peerEnd = pool.length;
        }
        break;
      case Role.Meta:
      case Role.PeerMeta:
        if (isMap) {
          metaName = keyText(text);
          metaDecided = false;
          childRole = roles[level] === Role.Meta ? Role.MetaFlags : Role.PeerMetaFlags;
        }
        break;
      case Role.MetaFlags:
      case Role.PeerMetaFlags:
        if (!isMap && !metaDecided && keyIs(text, 'optional')) {
          metaDecided = true;
          if (valueIs(text, 'true')) {
            const e = entry as Entry;
            if (roles[level] === Role.MetaFlags) (e.optional ??= new Set()).add(metaName);
            else (e.optionalPeers ??= new Set()).add(metaName);
          }
        }
        break;
      default:
        break;
    }
    if (isMap) opened = childRole;
  }
  if (entry !== undefined) finishEntry(result, entry, entryKey);
  return result;
}

/** Keeps an entry's scalar fields; the role of the map it opens, if it is one. */
function readField(text: string, entry: Entry): Role {
  const length = keyDecoded !== undefined ? keyDecoded.length : keyEnd - keyStart;
  switch (length) {
    case 7:
      if (!isMap && entry.version === undefined && keyIs(text, 'version'))
        entry.version = valueText(text);
      return Role.Ignore;
    case 8:
      if (!isMap && entry.checksum === undefined && keyIs(text, 'checksum'))
        entry.checksum = valueText(text);
      return Role.Ignore;
    case 10:
      if (!isMap && !resolutionSeen && keyIs(text, 'resolution')) {
        resolutionSeen = true;
        entry.resolution = valueText(text);
      }
      return Role.Ignore;
    case 12:
      return isMap && keyIs(text, 'dependencies') ? Role.Dependencies : Role.Ignore;
    case 16:
      if (!isMap) return Role.Ignore;
      if (keyIs(text, 'dependenciesMeta')) return Role.Meta;
      return keyIs(text, 'peerDependencies') ? Role.Peers : Role.Ignore;
    case 20:
      return isMap && keyIs(text, 'peerDependenciesMeta') ? Role.PeerMeta : Role.Ignore;
    default:
      return Role.Ignore;
  }
}

function finishEntry(result: FastRead, entry: Entry, key: string): void {
  if (entry.resolution === '') {
    result.invalid.push({ line: entry.line, key });
    return;
  }
  entry.descriptors = splitKey(key);
  result.entries.push(entry);
}

/** Descriptors of a key: yarn joins them with `, ` and splits at commas with their spaces only. */
export function splitKey(key: string): string[] {
  let comma = key.indexOf(',');
  if (comma === -1) return [key];
  // As key.split(/ *, */) without the empty parts, minus the regex and its array.
  const out: string[] = [];
  let start = 0;
  for (;;) {
    let end = comma === -1 ? key.length : comma;
    if (comma !== -1) while (end > start && key.charCodeAt(end - 1) === SPACE) end--;
    if (end > start) out.push(key.slice(start, end));
    if (comma === -1) return out;
    start = comma + 1;
    while (start < key.length && key.charCodeAt(start) === SPACE) start++;
    comma = key.indexOf(',', start);
  }
}

function keyIs(text: string, name: string): boolean {
  if (keyDecoded !== undefined) return keyDecoded === name;
  return keyEnd - keyStart === name.length && text.startsWith(name, keyStart);
}

function keyText(text: string): string {
  return keyDecoded ?? text.slice(keyStart, keyEnd);
}

function valueIs(text: string, value: string): boolean {
  if (valueDecoded !== undefined) return valueDecoded === value;
  return valueEnd - valueStart === value.length && text.startsWith(value, valueStart);
}

function valueText(text: string): string {
  return valueDecoded ?? text.slice(valueStart, valueEnd);
}

/**
 * Scans `key: value` or `key:` into the module state; false for anything outside the
 * subset (the same checks as syml.ts `parseLine`).
 */
function scanLine(text: string, i: number, end: number): boolean {
  keyDecoded = undefined;
  valueDecoded = undefined;
  if (text.charCodeAt(i) === QUOTE) {
    if (!scanQuoted(text, i, end)) return false;
    keyStart = quotedStart;
    keyEnd = quotedStop;
    keyDecoded = quotedDecoded;
    i = quotedStop + 1;
    if (text.charCodeAt(i) !== COLON) return false;
  } else {
    if (!isPlainStart(text.charCodeAt(i))) return false;
    let j = i;
    // A plain key ends at the first `:` followed by a space or the end of the line.
    for (;;) {
      j = text.indexOf(':', j);
      if (j === -1 || j >= end) return false;
      if (j + 1 === end || text.charCodeAt(j + 1) === SPACE) break;
      j++;
    }
    if (text.charCodeAt(j - 1) === SPACE || hasComment(text, i, j)) return false;
    keyStart = i;
    keyEnd = j;
    i = j;
  }
  i++; // the colon
  let last = end;
  while (last > i && text.charCodeAt(last - 1) === SPACE) last--;
  if (i === last) {
    isMap = true;
    return true;
  }
  isMap = false;
  if (text.charCodeAt(i) !== SPACE) return false;
  while (i < last && text.charCodeAt(i) === SPACE) i++;
  if (text.charCodeAt(i) === QUOTE) {
    if (!scanQuoted(text, i, last) || quotedStop + 1 !== last) return false;
    valueStart = quotedStart;
    valueEnd = quotedStop;
    valueDecoded = quotedDecoded;
    return true;
  }
  if (!isPlainStart(text.charCodeAt(i))) return false;
  // `: ` inside a plain value is a YAML error, ` #` starts a comment: leave both to `yaml`.
  if (hasColonSpace(text, i, last) || hasComment(text, i, last)) return false;
  valueStart = i;
  valueEnd = last;
  return true;
}

/** True when ` #` occurs in text[from, to); `from` never decreases within a file. */
function hasComment(text: string, from: number, to: number): boolean {
  if (nextComment !== -1 && nextComment < from) nextComment = nextSpaceHash(text, from);
  return nextComment !== -1 && nextComment + 1 < to;
}

/**
 * `text.indexOf(' #', from)`, found by its `#`: a search for one character is far faster than
 * one for two whose first is a space (which a lockfile has on every line), and `#` is rare.
 */
function nextSpaceHash(text: string, from: number): number {
  for (let i = text.indexOf('#', from + 1); i !== -1; i = text.indexOf('#', i + 1)) {
    if (text.charCodeAt(i - 1) === SPACE) return i - 1;
  }
  return -1;
}

/** True when `: ` occurs in text[from, to); `from` never decreases within a file. */
function hasColonSpace(text: string, from: number, to: number): boolean {
  if (nextColonSpace !== -1 && nextColonSpace < from) nextColonSpace = text.indexOf(': ', from);
  return nextColonSpace !== -1 && nextColonSpace + 1 < to;
}

// The last scanned double-quoted scalar: the text between its quotes, and its decoded value
// when it holds escapes.
let quotedStart = 0;
let quotedStop = 0;
let quotedDecoded: string | undefined;

/**
 * A double-quoted scalar on one line, as syml.ts `readQuoted`: without backslashes it is the
 * text between the quotes; with them JSON.parse decodes it, and a failure refuses the line.
 */
function scanQuoted(text: string, i: number, end: number): boolean {
  if (nextBackslash !== -1 && nextBackslash <= i) nextBackslash = text.indexOf('\\', i + 1);
  const close = text.indexOf('"', i + 1);
  if (close !== -1 && (nextBackslash === -1 || nextBackslash > close)) {
    // No escapes: the scalar ends at the next quote, if that is on this line.
    if (close >= end) return false;
    quotedStart = i + 1;
    quotedStop = close;
    quotedDecoded = undefined;
    return true;
  }
  // A backslash before the next quote: find the real close, then decode like JSON.
  const stop = closingQuote(text, i, end);
  if (stop === -1) return false;
  const value = quotedValue(text, i, stop);
  if (value === undefined) return false;
  quotedStart = i + 1;
  quotedStop = stop;
  quotedDecoded = value === text.slice(i + 1, stop) ? undefined : value;
  return true;
}
