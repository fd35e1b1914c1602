/**
 * package.json reading: the fields the dependency graph needs, validated, with problems
 * located by line. Every map is a null-prototype object so a `__proto__` or `constructor`
 * key in a hostile manifest is just a name, never a way into Object.prototype.
 */
import { problem, type Problem } from '../errors/index.js';
import { isRecord, parseJson, scanJsonStructure } from '../util/json.js';
import { lineOf, stripBom } from '../util/text.js';

export type DependencyField =
  'dependencies' | 'devDependencies' | 'optionalDependencies' | 'peerDependencies';

export const DEPENDENCY_FIELDS: readonly DependencyField[] = [
  'dependencies',
  'devDependencies',
  'optionalDependencies',
  'peerDependencies',
];

export interface Manifest {
  /** Snapshot-relative POSIX path of the package.json. */
  path: string;
  name?: string;
  version?: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  /** Names whose peerDependenciesMeta says `optional: true`. */
  optionalPeers: Set<string>;
  /** `workspaces` (array form, or `{packages: [...]}`) as glob patterns. */
  workspaces: string[];
  /** False when the file could not be parsed; the fields above are then empty. */
  valid: boolean;
}

/** Deepest nesting accepted in a package.json; real ones stay under 10. */
const MAX_MANIFEST_DEPTH = 64;

export function emptyManifest(path: string): Manifest {
  return {
    path,
    dependencies: Object.create(null) as Record<string, string>,
    devDependencies: Object.create(null) as Record<string, string>,
    optionalDependencies: Object.create(null) as Record<string, string>,
    peerDependencies: Object.create(null) as Record<string, string>,
    optionalPeers: new Set(),
    workspaces: [],
    valid: false,
  };
}

/** Parses a package.json. Never throws on bad content: returns what it could read plus problems. */
export function parseManifest(
  path: string,
  rawText: string,
): { manifest: Manifest; problems: Problem[] } {
  const text = stripBom(rawText);
  const problems: Problem[] = [];
  const manifest = emptyManifest(path);
  const parsed = parseJson(text);
  if (!parsed.ok) {
    problems.push(
      problem(
        'manifest-invalid-json',
        'error',
        `package.json is not valid JSON: ${parsed.error.message}`,
        {
          file: path,
          line: parsed.error.line,
          column: parsed.error.column,
          hint: 'Fix the syntax at that position; the file is ignored until then.',
        },
      ),
    );
    return { manifest, problems };
  }
  const { duplicates, maxDepth } = scanJsonStructure(text);
  if (maxDepth > MAX_MANIFEST_DEPTH) {
    problems.push(
      problem(
        'manifest-too-deep',
        'error',
        `package.json nests ${maxDepth} levels deep (limit ${MAX_MANIFEST_DEPTH})`,
        {
          file: path,
        },
      ),
    );
    return { manifest, problems };
  }
  for (const d of duplicates) {
    problems.push(
      problem(
        'manifest-duplicate-key',
        'warning',
        `duplicate key ${JSON.stringify(d.key)}; npm uses the last one`,
        {
          file: path,
          line: d.line,
          column: d.column,
        },
      ),
    );
  }
  const root = parsed.value;
  if (!isRecord(root)) {
    problems.push(
      problem('manifest-not-object', 'error', 'package.json must hold a JSON object', {
        file: path,
        line: 1,
      }),
    );
    return { manifest, problems };
  }
  manifest.valid = true;
  const where = (key: string) => ({ file: path, line: lineOf(text, `"${key}"`) });
  if (root.name !== undefined) {
    if (typeof root.name === 'string') manifest.name = root.name;
    else
      problems.push(
        problem('manifest-wrong-type', 'warning', '"name" must be a string', where('name')),
      );
  }
  if (root.version !== undefined) {
    if (typeof root.version === 'string') manifest.version = root.version;
    else
      problems.push(
        problem('manifest-wrong-type', 'warning', '"version" must be a string', where('version')),
      );
  }
  for (const field of DEPENDENCY_FIELDS) {
    const value = root[field];
    if (value === undefined) continue;
    if (!isRecord(value)) {
      problems.push(
        problem(
          'manifest-wrong-type',
          'warning',
          `"${field}" must be an object of name: range`,
          where(field),
        ),
      );
      continue;
    }
    for (const [name, spec] of Object.entries(value)) {
      if (typeof spec !== 'string') {
        problems.push(
          problem(
            'manifest-wrong-type',
            'warning',
            `${field}.${name} must be a string range, got ${typeName(spec)}`,
            where(name),
          ),
        );
        continue;
      }
      manifest[field][name] = spec;
    }
  }
  const meta = root.peerDependenciesMeta;
  if (isRecord(meta)) {
    for (const [name, m] of Object.entries(meta))
      if (isRecord(m) && m.optional === true) manifest.optionalPeers.add(name);
  }
  const ws = root.workspaces;
  const patterns = Array.isArray(ws)
    ? ws
    : isRecord(ws) && Array.isArray(ws.packages)
      ? ws.packages
      : undefined;
  if (ws !== undefined && patterns === undefined) {
    problems.push(
      problem(
        'manifest-wrong-type',
        'warning',
        '"workspaces" must be an array of globs or {packages: [...]}',
        where('workspaces'),
      ),
    );
  }
  for (const p of patterns ?? []) if (typeof p === 'string') manifest.workspaces.push(p);
  return { manifest, problems };
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}
