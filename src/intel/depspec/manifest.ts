/**
 * The dependencies a package.json declares, each classified (classify.ts) and located by line,
 * for the dependency detectors (a published tarball's package.json) and for `scan` (the
 * project's own). Lines come from one linear scan of the text, not from searching it for the
 * name: a name can appear in several fields, in a description, or escaped.
 */
import type { DependencyField } from '../../manifest/index.js';
import { sanitize } from '../../util/text.js';
import { classifyDependencySpec, type DependencySpec } from './classify.js';

export type { DependencyField };

/** The fields npm installs for a package's consumers (peers too, since npm 7). */
export const INSTALLED_FIELDS: readonly DependencyField[] = [
  'dependencies',
  'optionalDependencies',
  'peerDependencies',
];

export interface DeclaredDependency {
  field: DependencyField;
  name: string;
  spec: DependencySpec;
  /** 1-based line of the entry in the package.json text, when the text was given. */
  line?: number;
  /** `"name": "spec"` as printable evidence: credentials masked, invisible characters escaped. */
  snippet: string;
  /** Listed in bundleDependencies (or bundledDependencies, or `true`: all of `dependencies`). */
  bundled: boolean;
}

/** Entries read per field; a real package.json has at most a few hundred. */
export const MAX_DEPENDENCIES_PER_FIELD = 5000;

/**
 * The entries of `fields` in `manifest` (the parsed package.json), in field order then file
 * order. A field that is not an object is skipped (that is invalidPackageJSON's finding, not a
 * dependency's). A name in both `dependencies` and `optionalDependencies` is reported once,
 * from `optionalDependencies`: npm installs the optional one. `text`, the file the manifest
 * was parsed from, adds lines.
 */
export function declaredDependencies(
  manifest: Record<string, unknown>,
  fields: readonly DependencyField[],
  text?: string,
): DeclaredDependency[] {
  const lines = text === undefined ? undefined : dependencyLines(text, new Set(fields));
  const bundled = bundledNames(manifest);
  const optional = manifest.optionalDependencies;
  const out: DeclaredDependency[] = [];
  for (const field of fields) {
    const entries = manifest[field];
    if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) continue;
    let count = 0;
    for (const [name, spec] of Object.entries(entries as Record<string, unknown>)) {
      if (++count > MAX_DEPENDENCIES_PER_FIELD) break;
      if (
        field === 'dependencies' &&
        fields.includes('optionalDependencies') &&
        typeof optional === 'object' &&
        optional !== null &&
        Object.hasOwn(optional, name)
      )
        continue;
      const line = lines?.get(field)?.get(name);
      const classified = classifyDependencySpec(name, spec);
      const shown = JSON.stringify(typeof spec === 'string' ? classified.display : spec) ?? '';
      out.push({
        field,
        name,
        spec: classified,
        snippet: sanitize(`${JSON.stringify(name)}: ${shown}`, 160),
        ...(line === undefined ? {} : { line }),
        bundled: bundled === 'all' ? field === 'dependencies' : bundled.has(name),
      });
    }
  }
  return out;
}

function bundledNames(manifest: Record<string, unknown>): Set<string> | 'all' {
  const value = manifest.bundleDependencies ?? manifest.bundledDependencies;
  if (value === true) return 'all';
  const names = new Set<string>();
  if (Array.isArray(value))
    for (const name of value.slice(0, MAX_DEPENDENCIES_PER_FIELD))
      if (typeof name === 'string') names.add(name);
  return names;
}

/**
 * Line of every key of the top-level objects named in `fields`: field → name → line. The text
 * is assumed to be JSON that parsed (anything else gives partial answers, never an error). A
 * key given twice keeps its last line, the one JSON.parse keeps.
 */
export function dependencyLines(
  text: string,
  fields: ReadonlySet<string>,
): Map<string, Map<string, number>> {
  return scanKeys(text, fields).nested;
}

/** Line of a top-level key of the package's package.json (for evidence), or undefined. */
export function manifestKeyLine(pkg: PackageContents, key: string): number | undefined {
  const text = packageJsonText(pkg);
  return text === undefined ? undefined : scanKeys(text, new Set()).top.get(key);
}

function scanKeys(
  text: string,
  fields: ReadonlySet<string>,
): { top: Map<string, number>; nested: Map<string, Map<string, number>> } {
  const top = new Map<string, number>();
  const nested = new Map<string, Map<string, number>>();
  // Open containers: for an object, the field it is the value of (at depth 2) or ''; arrays -1.
  const frames: (string | -1)[] = [];
  let line = 1;
  let pendingKey: string | undefined;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a /* \n */) {
      line++;
    } else if (c === 0x22 /* " */) {
      let end = i + 1;
      for (; end < n; end++) {
        const d = text.charCodeAt(end);
        if (d === 0x5c /* \ */) end++;
        else if (d === 0x22 || d === 0x0a) break;
      }
      const keyLine = line;
      const raw = text.slice(i + 1, end);
      i = end;
      if (text.charCodeAt(end) === 0x0a) line++;
      const frame = frames[frames.length - 1];
      if (frame === undefined || frame === -1 || !isKey(text, end + 1)) continue;
      const key = decodeKey(raw);
      if (frames.length === 1) {
        pendingKey = key;
        top.set(key, keyLine);
      } else if (frames.length === 2 && frame !== '') {
        let names = nested.get(frame);
        if (names === undefined) nested.set(frame, (names = new Map()));
        names.set(key, keyLine);
      }
    } else if (c === 0x7b /* { */) {
      const field = frames.length === 1 && pendingKey !== undefined && fields.has(pendingKey);
      frames.push(field ? (pendingKey as string) : '');
      pendingKey = undefined;
    } else if (c === 0x5b /* [ */) {
      frames.push(-1);
      pendingKey = undefined;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      frames.pop();
    }
  }
  return { top, nested };
}

function isKey(text: string, from: number): boolean {
  for (let j = from; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x3a /* : */) return true;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  }
  return false;
}

function decodeKey(raw: string): string {
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/** A package as the analyzer holds it (structurally: this module needs nothing from it). */
export interface PackageContents {
  /** The parsed package.json, or undefined when absent or invalid. */
  manifest: Record<string, unknown> | undefined;
  files: readonly { path: string; bytes: Uint8Array | undefined }[];
  /** Set for the scanned project's own package.json, whose devDependencies are installed too. */
  project?: boolean;
}

/** What a project installs from its own package.json: everything, devDependencies included. */
export const PROJECT_FIELDS: readonly DependencyField[] = [
  'dependencies',
  'devDependencies',
  'optionalDependencies',
  'peerDependencies',
];

/** The fields whose dependencies get installed: a dependency's never include devDependencies. */
export function installedFields(pkg: PackageContents): readonly DependencyField[] {
  return pkg.project === true ? PROJECT_FIELDS : INSTALLED_FIELDS;
}

/**
 * Results per package object and field list: the six dependency detectors ask the same
 * question of the same package, and classifying a few hundred specs six times would cost more
 * than every other manifest check together. Weak keys: nothing outlives the package.
 */
const memo = new WeakMap<PackageContents, Map<string, readonly DeclaredDependency[]>>();

/**
 * `declaredDependencies` of a package tarball: lines from its package.json, and `bundled` only
 * when the tarball really ships the dependency under node_modules/ (a name listed in
 * bundleDependencies but missing from the tarball is fetched like any other). Computed once
 * per package object and field list; the result is shared, so it is read-only.
 */
export function packageDependencies(
  pkg: PackageContents,
  fields: readonly DependencyField[],
): readonly DeclaredDependency[] {
  if (pkg.manifest === undefined) return [];
  const key = fields.join();
  let byFields = memo.get(pkg);
  const known = byFields?.get(key);
  if (known !== undefined) return known;
  const deps = Object.freeze(
    withShippedBundles(pkg, declaredDependencies(pkg.manifest, fields, packageJsonText(pkg))),
  );
  if (byFields === undefined) memo.set(pkg, (byFields = new Map()));
  byFields.set(key, deps);
  return deps;
}

function withShippedBundles(
  pkg: PackageContents,
  deps: DeclaredDependency[],
): DeclaredDependency[] {
  if (!deps.some((d) => d.bundled)) return deps;
  const shipped = new Set<string>();
  for (const f of pkg.files) {
    const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f.path);
    if (m?.[1] !== undefined) shipped.add(m[1]);
  }
  return deps.map((d) => (d.bundled && !shipped.has(d.name) ? { ...d, bundled: false } : d));
}

function packageJsonText(pkg: PackageContents): string | undefined {
  const file = pkg.files.find((f) => f.path === 'package.json');
  return file?.bytes === undefined ? undefined : new TextDecoder().decode(file.bytes);
}
