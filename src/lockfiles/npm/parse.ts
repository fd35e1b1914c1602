/**
 * npm `package-lock.json` / `npm-shrinkwrap.json`: one JSON document, same format under both
 * names. Version history (`lockfileVersion`):
 *
 *   1  npm 5/6    nested `dependencies` tree mirroring node_modules          → legacy.ts
 *   2  npm 7/8    flat `packages` keyed by install path, plus the v1 tree
 *                 for old npm versions (ignored here)                        → packages.ts
 *   3  npm 9+     `packages` only                                            → packages.ts
 *
 * A missing or unknown version is read by shape: a `packages` object as v3, otherwise the
 * `dependencies` tree as v1, with a warning. JSON.parse does the parsing (nothing is faster);
 * this module adds locations for syntax errors, duplicate keys and a nesting bound, and checks
 * that the root package.json still matches what the lockfile recorded.
 */
import { problem, type Problem, type ProblemCode } from '../../errors/index.js';
import { DEPENDENCY_FIELDS, type Manifest } from '../../manifest/index.js';
import { isRecord, parseJson, scanJsonStructure } from '../../util/json.js';
import { lineOf, stripBom } from '../../util/text.js';
import { manifestFor } from '../internal/paths.js';
import type { LockfileInput, LockImporter, ParsedLockfile } from '../types.js';
import { readLegacyTree } from './legacy.js';
import { EntryLines } from './lines.js';
import { readPackagesSection } from './packages.js';
import { InstallTree, inheritsKeys, type NpmContext } from './tree.js';

/** Deepest nesting accepted. A v1 tree nests two levels per node_modules level. */
export const MAX_DEPTH = 256;

export function parseNpmLockfile(input: LockfileInput): ParsedLockfile {
  const text = stripBom(input.text);
  const result: ParsedLockfile = {
    format: 'npm',
    formatVersion: '',
    file: input.path,
    importers: [],
    packages: [],
    problems: [],
  };
  const fail = (
    code: ProblemCode,
    message: string,
    line?: number,
    column?: number,
  ): ParsedLockfile => {
    result.problems.push(
      problem(code, 'error', message, {
        file: input.path,
        line,
        column,
        hint: 'Regenerate the lockfile with npm install, or fix the line shown.',
      }),
    );
    return result;
  };

  if (isBlank(text)) return fail('lockfile-empty', 'the lockfile is empty');
  const parsed = parseJson(text);
  if (!parsed.ok) {
    const { message, line, column } = parsed.error;
    return fail(
      'lockfile-invalid-json',
      `the lockfile is not valid JSON: ${message}`,
      line,
      column,
    );
  }
  const { duplicates, maxDepth } = scanJsonStructure(text, 20, parsed.value);
  if (maxDepth > MAX_DEPTH)
    return fail(
      'lockfile-too-deep',
      `the lockfile nests ${maxDepth} levels deep (limit ${MAX_DEPTH})`,
    );
  for (const d of duplicates) {
    result.problems.push(
      problem(
        'lockfile-duplicate-key',
        'warning',
        `duplicate key ${JSON.stringify(d.key)}; npm uses the last one`,
        {
          file: input.path,
          line: d.line,
          column: d.column,
        },
      ),
    );
  }
  const root = parsed.value;
  if (!isRecord(root))
    return fail('lockfile-not-object', 'the lockfile must hold a JSON object', 1);

  const ctx: NpmContext = {
    input,
    problems: result.problems,
    lines: new EntryLines(text),
    tree: new InstallTree(),
    packages: result.packages,
    unresolved: new Set(),
    inherited: inheritsKeys(),
  };
  const layout = chooseLayout(ctx, text, root);
  result.formatVersion = layout.formatVersion;
  if (layout.read === 'packages') {
    result.importers = readPackagesSection(ctx, root.packages as Record<string, unknown>);
    checkInSync(ctx, result.importers, root.packages as Record<string, unknown>);
  } else {
    result.importers = [readLegacyTree(ctx, root)];
  }
  return result;
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return true;
}

/** Which section to read, by `lockfileVersion` and, when that is missing or unknown, by shape. */
function chooseLayout(
  ctx: NpmContext,
  text: string,
  root: Record<string, unknown>,
): { read: 'packages' | 'legacy'; formatVersion: string } {
  const written = root.lockfileVersion;
  const hasPackages = isRecord(root.packages);
  const where = { file: ctx.input.path, line: lineOf(text, '"lockfileVersion"') };
  if (root.packages !== undefined && !hasPackages) {
    ctx.problems.push(
      problem(
        'lockfile-entry-invalid',
        'error',
        '"packages" must be an object keyed by install path; ignored',
        {
          file: ctx.input.path,
          line: lineOf(text, '"packages"'),
        },
      ),
    );
  }
  if (written === 1) return { read: 'legacy', formatVersion: '1' };
  if ((written === 2 || written === 3) && hasPackages)
    return { read: 'packages', formatVersion: String(written) };
  const shown =
    written === undefined
      ? 'no lockfileVersion'
      : written === 2 || written === 3
        ? `lockfileVersion ${written} without a "packages" object`
        : `lockfileVersion ${JSON.stringify(written)}`;
  const formatVersion =
    typeof written === 'number' || typeof written === 'string' ? String(written) : '';
  if (hasPackages) {
    ctx.problems.push(
      problem(
        'lockfile-version-unknown',
        'warning',
        `${shown}; read as lockfileVersion 3 ("packages")`,
        where,
      ),
    );
    return { read: 'packages', formatVersion: formatVersion || '3' };
  }
  ctx.problems.push(
    problem(
      'lockfile-version-unknown',
      'warning',
      `${shown}; read as lockfileVersion 1 ("dependencies")`,
      where,
    ),
  );
  return { read: 'legacy', formatVersion: formatVersion || '1' };
}

/**
 * Compares each importer's package.json with the dependency fields the lockfile recorded for
 * it (npm copies them into the root and workspace entries). A difference means `npm ci` would
 * refuse the lockfile and the scan may describe a tree that is not the one installed.
 */
function checkInSync(
  ctx: NpmContext,
  importers: readonly LockImporter[],
  packages: Record<string, unknown>,
): void {
  for (const importer of importers) {
    const manifest = manifestFor(ctx.input, importer.path);
    if (manifest === undefined || !manifest.valid) continue;
    const entry = packages[importer.path === '.' ? '' : importer.path];
    if (!isRecord(entry)) {
      ctx.problems.push(
        outOfSync(ctx, manifest, `the lockfile has no entry for ${describe(importer.path)}`),
      );
      continue;
    }
    for (const field of DEPENDENCY_FIELDS) {
      const wanted = manifest[field];
      const locked = isRecord(entry[field]) ? (entry[field] as Record<string, unknown>) : {};
      for (const name of Object.keys(wanted)) {
        const lockedSpec = Object.hasOwn(locked, name) ? locked[name] : undefined;
        if (lockedSpec === undefined) {
          ctx.problems.push(
            outOfSync(ctx, manifest, `${field}.${name} (${wanted[name]}) is not in the lockfile`),
          );
        } else if (lockedSpec !== wanted[name]) {
          ctx.problems.push(
            outOfSync(
              ctx,
              manifest,
              `${field}.${name} is ${wanted[name]} but the lockfile recorded ${String(lockedSpec)}`,
            ),
          );
        }
      }
      for (const name of Object.keys(locked)) {
        if (!Object.hasOwn(wanted, name)) {
          ctx.problems.push(
            outOfSync(
              ctx,
              manifest,
              `${field}.${name} is in the lockfile but no longer in package.json`,
            ),
          );
        }
      }
    }
  }
}

function describe(path: string): string {
  return path === '.' ? 'the root project' : `workspace ${path}`;
}

function outOfSync(ctx: NpmContext, manifest: Manifest, message: string): Problem {
  return problem(
    'lockfile-out-of-sync',
    'warning',
    `${ctx.input.path} is out of sync with ${manifest.path}: ${message}`,
    {
      file: manifest.path,
      hint: 'Run npm install to update the lockfile.',
    },
  );
}
