/**
 * Reads the YAML subset yarn berry writes into `yarn.lock` ("syml") into a small tree of
 * string scalars and maps, with 1-based lines.
 *
 * yarn's writer only emits block mappings indented by two spaces per level, keys bare or
 * double-quoted (JSON escapes), values bare or double-quoted on the key's line, `#` comment
 * lines and blank lines:
 *
 *     "@babel/core@npm:^7.0.0, @babel/core@npm:^7.1.0":      level 0: entry
 *       version: 7.15.8                                        level 1: field
 *       dependencies:                                          level 1: map
 *         "@babel/code-frame": ^7.15.8                         level 2
 *       dependenciesMeta:
 *         fsevents:                                            level 2: map
 *           optional: true                                     level 3
 *
 * The fast path walks lines by offset and understands exactly that. Anything else a YAML
 * file may hold (flow collections, block scalars, anchors, tags, single quotes, tabs,
 * comments after values, odd indentation, multi-line quotes) sends the whole file to the
 * `yaml` package with the failsafe schema, so every scalar stays a string (as in yarn's own
 * reader, js-yaml FAILSAFE); its syntax errors become located problems.
 *
 * The parser itself reads well-formed files with fast-entries.ts, which walks the same lines
 * into entries without building this tree and must accept exactly what `readSymlFast`
 * accepts (the tests hold the two together); the tree is built for the fallback only.
 */
import { closingQuote, isPlainStart, quotedValue } from '../internal/quoted.js';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { ProblemList } from '../internal/yarn-descriptor.js';

export interface SymlNode {
  key: string;
  /** 1-based line of the key. */
  line: number;
  /** A scalar, or the entries of a nested map. */
  value: string | SymlNode[];
}

/** Deepest map nesting kept from the YAML fallback; yarn writes at most 4 levels. */
const MAX_DEPTH = 8;

const SPACE = 32;
const CR = 13;
const HASH = 35;
const QUOTE = 34;
const COLON = 58;

/** Deepest level the fast path accepts; yarn writes 4 (entry, field, map, meta flag). */
const MAX_FAST_LEVELS = 8;

/** The fast path; undefined as soon as the text leaves the subset yarn writes. */
export function readSymlFast(text: string): SymlNode[] | undefined {
  const root: SymlNode[] = [];
  /** stack[level] is the map that lines at that level add to; `depth` maps are open. */
  const stack: SymlNode[][] = new Array<SymlNode[]>(MAX_FAST_LEVELS);
  stack[0] = root;
  let depth = 1;
  /** A `key:` line opened a map at this level; the next line may go one level deeper. */
  let opened: SymlNode[] | undefined;
  let lineNo = 0;
  let pos = 0;
  const length = text.length;

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
    const first = text.charCodeAt(i);
    if (first === HASH) continue;
    const indent = i - start;
    if ((indent & 1) !== 0) return undefined;
    const level = indent >> 1;
    if (opened !== undefined) {
      if (level === depth && depth < MAX_FAST_LEVELS) stack[depth++] = opened;
      opened = undefined;
    }
    if (level >= depth) return undefined;
    depth = level + 1;

    const node = parseLine(text, i, end, lineNo);
    if (node === undefined) return undefined;
    (stack[level] as SymlNode[]).push(node);
    if (typeof node.value !== 'string') opened = node.value;
  }
  return root;
}

/** `key: value` or `key:` as a node; undefined for anything outside the subset. */
function parseLine(text: string, i: number, end: number, line: number): SymlNode | undefined {
  let key: string | undefined;
  if (text.charCodeAt(i) === QUOTE) {
    key = readQuoted(text, i, end);
    if (key === undefined) return undefined;
    i = quotedEnd;
    if (text.charCodeAt(i) !== COLON) return undefined;
  } else {
    if (!isPlainStart(text.charCodeAt(i))) return undefined;
    let j = i;
    // A plain key ends at the first `:` followed by a space or the end of the line.
    for (;;) {
      j = text.indexOf(':', j);
      if (j === -1 || j >= end) return undefined;
      if (j + 1 === end || text.charCodeAt(j + 1) === SPACE) break;
      j++;
    }
    key = text.slice(i, j);
    if (text.charCodeAt(j - 1) === SPACE || key.includes(' #')) return undefined;
    i = j;
  }
  i++; // the colon
  let last = end;
  while (last > i && text.charCodeAt(last - 1) === SPACE) last--;
  if (i === last) return { key, line, value: [] };
  if (text.charCodeAt(i) !== SPACE) return undefined;
  while (i < last && text.charCodeAt(i) === SPACE) i++;
  if (text.charCodeAt(i) === QUOTE) {
    const value = readQuoted(text, i, last);
    if (value === undefined || quotedEnd !== last) return undefined;
    return { key, line, value };
  }
  if (!isPlainStart(text.charCodeAt(i))) return undefined;
  const value = text.slice(i, last);
  // `: ` inside a plain value is a YAML error, ` #` starts a comment: leave both to `yaml`.
  if (value.includes(': ') || value.includes(' #')) return undefined;
  return { key, line, value };
}

/** Offset just past the closing quote of the last readQuoted call (saves a result object per line). */
let quotedEnd = 0;

/**
 * A double-quoted scalar on one line. Without backslashes it is the text between the
 * quotes; with them JSON.parse decodes it (YAML's extra escapes like `\x41` make it fail,
 * and the fallback then reads the file).
 */
function readQuoted(text: string, i: number, end: number): string | undefined {
  const close = closingQuote(text, i, end);
  if (close === -1) return undefined;
  quotedEnd = close + 1;
  return quotedValue(text, i, close);
}

// ---------------------------------------------------------------------------------------------
// Fallback

/**
 * Reads the file with the `yaml` package (failsafe schema) and converts its top-level map.
 * Syntax errors become problems; whatever part of the document could be built is kept.
 */
export function readSymlWithYaml(text: string, problems: ProblemList): SymlNode[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    schema: 'failsafe',
    uniqueKeys: false,
    lineCounter,
    prettyErrors: false,
  });
  // The first error only: the ones after it are mostly its echoes.
  const error = doc.errors[0];
  if (error !== undefined) {
    const at = lineCounter.linePos(error.pos[0]);
    problems.add(
      'lockfile-invalid-yaml',
      'error',
      `yarn.lock is not valid YAML: ${firstLine(error.message)}`,
      {
        line: at.line,
        column: at.col,
        hint: 'Regenerate the lockfile with `yarn install`, or fix the line shown.',
      },
    );
  }
  const contents = doc.contents;
  if (
    contents === null ||
    (isScalar(contents) && (contents.value === null || contents.value === ''))
  ) {
    return [];
  }
  if (!isMap(contents)) {
    if (doc.errors.length === 0) {
      problems.add('lockfile-invalid-yaml', 'error', 'yarn.lock must hold a mapping of entries', {
        line: 1,
      });
    }
    return [];
  }
  return convertMap(contents, lineCounter, problems, 0);
}

function convertMap(
  map: Node,
  lines: LineCounter,
  problems: ProblemList,
  depth: number,
): SymlNode[] {
  const out: SymlNode[] = [];
  if (!isMap(map)) return out;
  for (const pair of map.items) {
    const keyNode = pair.key as Node | null;
    const offset = keyNode?.range?.[0] ?? 0;
    const line = lines.linePos(offset).line;
    if (!isScalar(keyNode) || keyNode.value === null) {
      problems.add('lockfile-entry-invalid', 'error', 'map key must be a plain string', { line });
      continue;
    }
    const key = String(keyNode.value);
    const value = pair.value as Node | null;
    if (value === null || (isScalar(value) && value.value === null))
      out.push({ key, line, value: '' });
    else if (isScalar(value)) out.push({ key, line, value: String(value.value) });
    else if (isMap(value)) {
      if (depth >= MAX_DEPTH) {
        problems.add(
          'lockfile-entry-invalid',
          'error',
          `${key} nests deeper than ${MAX_DEPTH} levels`,
          { line },
        );
        continue;
      }
      out.push({ key, line, value: convertMap(value, lines, problems, depth + 1) });
    } else {
      const what = isSeq(value) ? 'a list' : isAlias(value) ? 'an alias' : 'an unsupported value';
      problems.add(
        'lockfile-entry-invalid',
        'error',
        `${key} holds ${what}; yarn writes strings and maps`,
        {
          line,
        },
      );
    }
  }
  return out;
}

function firstLine(message: string): string {
  const nl = message.indexOf('\n');
  return nl === -1 ? message : message.slice(0, nl);
}
