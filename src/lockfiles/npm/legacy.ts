/**
 * lockfileVersion 1 (npm 5/6): a nested `dependencies` tree that mirrors node_modules.
 *
 *   "dependencies": {
 *     "a": { "version": "1.0.0", "resolved": "…/a/-/a-1.0.0.tgz", "integrity": "…",
 *            "requires": { "b": "^2.0.0" },            ranges, not resolutions
 *            "dependencies": { "b": { … } } }          installed at node_modules/a/node_modules/b
 *   }
 *
 * One LockPackage per install location, keyed like v2/v3 (`node_modules/a/node_modules/b`) so
 * `requires` resolve by the same walk-up; the graph builder deduplicates name@version later.
 * `version` is not always a version: `npm:real@1.0.3` (an alias), a git URL or hosted shortcut
 * (the real version is unknowable), a tarball URL, `file:x.tgz` (local tarball) or `file:dir`
 * (a symlinked folder; pointing into node_modules it is just a link). For those, `resolved` is
 * absent and the spec itself is reported as `resolved`. `bundled: true` entries have no
 * `resolved` either; their semver version means a registry package shipped inside its parent.
 */
import { problem } from '../../errors/index.js';
import { isRecord } from '../../util/json.js';
import { joinPosix, manifestFor } from '../internal/paths.js';
import type { LockEdge, LockImporter, LockPackage } from '../types.js';
import { finishPackage, unknownSource } from './packages.js';
import {
  classifyResolved,
  isExpectedRegistryTarball,
  isSemverVersion,
  parseNpmAlias,
  sourceOf,
  versionFromTarballName,
  type Resolution,
} from './source.js';
import {
  IMPORTER_FIELDS,
  badSpec,
  edgeScratch,
  flag,
  newEdge,
  noteUnresolved,
  specMap,
  takeEdges,
  type Folder,
  type NpmContext,
} from './tree.js';

interface Pending {
  name: string;
  raw: unknown;
  parent: string;
  depth: number;
}

/** Reads a v1 tree into ctx.tree/ctx.packages and returns the root importer. */
export function readLegacyTree(ctx: NpmContext, root: Record<string, unknown>): LockImporter {
  const withRequires: { pkg: LockPackage; raw: Record<string, unknown> }[] = [];
  const folderLinks: {
    location: string;
    target: string;
    pkg: LockPackage;
    raw: Record<string, unknown>;
  }[] = [];
  // Iterative pre-order walk: document order (for EntryLines) and no recursion on deep trees.
  const stack: Pending[] = [];
  pushChildren(ctx, stack, root, '', 0, undefined);
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { name, raw, parent, depth } = next;
    const location = parent === '' ? `node_modules/${name}` : `${parent}/node_modules/${name}`;
    if (!isRecord(raw)) {
      invalid(
        ctx,
        ctx.lines.findAny(name, depth),
        `dependencies[${JSON.stringify(name)}] must be an object; entry skipped`,
      );
      continue;
    }
    const line = ctx.lines.find(name, depth);
    const pkg = readEntry(ctx, location, name, raw, line);
    pushChildren(ctx, stack, raw, location, depth, line);
    if (pkg === undefined) continue;
    if (pkg.kind === 'folder') {
      folderLinks.push({ location, target: pkg.target, pkg: pkg.pkg, raw });
      continue;
    }
    ctx.tree.set(location, { type: 'package', pkg: pkg.pkg, raw }, { folder: parent, name });
    ctx.packages.push(pkg.pkg);
    withRequires.push({ pkg: pkg.pkg, raw });
  }
  // `file:./node_modules/x` points at another entry of the tree: a symlink, not a package.
  for (const f of folderLinks) {
    if (ctx.tree.get(f.target)?.type === 'package')
      ctx.tree.set(f.location, { type: 'link', target: f.target });
    else {
      ctx.tree.set(f.location, { type: 'package', pkg: f.pkg, raw: f.raw });
      ctx.packages.push(f.pkg);
      withRequires.push({ pkg: f.pkg, raw: f.raw });
    }
  }
  for (const { pkg, raw } of withRequires) pkg.dependencies = requiresEdges(ctx, pkg, raw);
  return legacyImporter(ctx, root);
}

function invalid(ctx: NpmContext, line: number | undefined, message: string): void {
  ctx.problems.push(
    problem('lockfile-entry-invalid', 'error', message, { file: ctx.input.path, line }),
  );
}

function pushChildren(
  ctx: NpmContext,
  stack: Pending[],
  raw: Record<string, unknown>,
  parent: string,
  depth: number,
  line: number | undefined,
): void {
  const deps = raw.dependencies;
  if (deps === undefined) return;
  if (!isRecord(deps)) {
    ctx.problems.push(
      problem(
        'lockfile-entry-invalid',
        'warning',
        '"dependencies" must be an object of entries; ignored',
        {
          file: ctx.input.path,
          line,
        },
      ),
    );
    return;
  }
  const names = Object.keys(deps);
  for (let i = names.length - 1; i >= 0; i--) {
    const name = names[i] as string;
    stack.push({ name, raw: deps[name], parent, depth: depth + 2 });
  }
}

type Entry =
  { kind: 'package'; pkg: LockPackage } | { kind: 'folder'; pkg: LockPackage; target: string };

function readEntry(
  ctx: NpmContext,
  location: string,
  installedAs: string,
  raw: Record<string, unknown>,
  line: number | undefined,
): Entry | undefined {
  const version = raw.version;
  const resolved = raw.resolved;
  if (
    (version !== undefined && typeof version !== 'string') ||
    (resolved !== undefined && typeof resolved !== 'string')
  ) {
    invalid(
      ctx,
      line,
      `${JSON.stringify(location)}: "version" and "resolved" must be strings; entry skipped`,
    );
    return undefined;
  }
  const pkg: LockPackage = {
    key: location,
    name: installedAs,
    version: '',
    source: 'registry',
    dependencies: [],
  };
  if (resolved !== undefined) pkg.resolved = resolved;
  let folder: string | undefined;
  const alias = version === undefined ? undefined : parseNpmAlias(version);
  if (version !== undefined && isSemverVersion(version)) {
    pkg.version = version;
    // The registry tarball name and version predict (nearly every entry) changes nothing.
    if (resolved !== undefined && !isExpectedRegistryTarball(resolved, installedAs, version))
      applySource(ctx, pkg, classifyResolved(resolved), line);
  } else if (alias !== undefined) {
    pkg.name = alias.name;
    pkg.version = alias.version;
    if (resolved !== undefined)
      applySource(ctx, pkg, classifyResolved(resolved, alias.name, alias.version), line);
  } else if (version !== undefined && version !== '') {
    // A spec in place of the version; it is also where the package comes from.
    pkg.resolved ??= version;
    const res = classifyResolved(version);
    applySource(ctx, pkg, res, line);
    if (res.kind === 'directory') folder = joinPosix(res.path);
  } else if (resolved !== undefined) applySource(ctx, pkg, classifyResolved(resolved), line);
  else {
    pkg.source = 'tarball';
    unknownSource(ctx, location, line, 'no version and no resolved');
  }
  if (folder !== undefined) {
    const manifest = folder.startsWith('../') ? undefined : manifestFor(ctx.input, folder);
    if (manifest?.name !== undefined) pkg.name = manifest.name;
    if (manifest?.version !== undefined) pkg.version = manifest.version;
  }
  // v1 states only dev/optional; there is no devOptional. The flags go where finishPackage
  // would put its own (one object, not two), except that a devOptional entry (for which
  // finishPackage states nothing) gets them after the line, where this assignment always
  // put them.
  const stated = { dev: flag(raw.dev), optional: flag(raw.optional) };
  finishPackage(pkg, raw, installedAs, line, flag(raw.devOptional) ? undefined : stated);
  pkg.stated = stated;
  return folder === undefined ? { kind: 'package', pkg } : { kind: 'folder', pkg, target: folder };
}

/** Sets source (and, for registry URLs and `<name>-<version>.tgz` files, name/version). */
function applySource(
  ctx: NpmContext,
  pkg: LockPackage,
  res: Resolution,
  line: number | undefined,
): void {
  pkg.source = sourceOf(res);
  if (res.kind === 'registry') {
    if (pkg.version === '') {
      pkg.name = res.name;
      pkg.version = res.version;
    }
  } else if (res.kind === 'file-tarball') {
    if (pkg.version === '') pkg.version = versionFromTarballName(pkg.name, res.path);
  } else if (res.kind === 'unknown') {
    unknownSource(ctx, pkg.key, line, `${JSON.stringify(pkg.resolved ?? '')}`);
  }
}

/** `requires` are ranges; the target is found by walk-up. An optional child makes an optional edge. */
function requiresEdges(
  ctx: NpmContext,
  pkg: LockPackage,
  raw: Record<string, unknown>,
): LockEdge[] {
  const requires = specMap(ctx, raw, 'requires', pkg.line);
  if (requires === undefined) return [];
  let count = 0;
  let folder: Folder | undefined;
  // for-in: no key array per map (see readEdges).
  for (const name in requires) {
    if (ctx.inherited && !Object.hasOwn(requires, name)) continue;
    const spec = requires[name];
    if (typeof spec !== 'string') {
      badSpec(ctx, 'requires', name, pkg.line);
      continue;
    }
    folder ??= ctx.tree.folderAt(pkg.key);
    const target = ctx.tree.resolveIn(folder, name);
    const edge = newEdge(
      name,
      spec,
      isOptionalTarget(ctx, target) ? 'optional' : 'prod',
      false,
      target,
    );
    if (target === undefined) noteUnresolved(ctx, edge, pkg.key, pkg.line);
    edgeScratch[count++] = edge;
  }
  return takeEdges(count);
}

function isOptionalTarget(ctx: NpmContext, target: string | undefined): boolean {
  if (target === undefined) return false;
  const node = ctx.tree.get(target);
  return node?.type === 'package' && node.pkg.stated?.optional === true;
}

/**
 * The root importer. v1 lockfiles do not record the root's own dependency fields, so they come
 * from package.json; without it, every top-level entry becomes a root edge (an over-estimate:
 * hoisted transitive packages sit there too), typed by its dev/optional flags.
 */
function legacyImporter(ctx: NpmContext, root: Record<string, unknown>): LockImporter {
  const manifest = manifestFor(ctx.input, '.');
  const importer: LockImporter = { path: '.', dependencies: [] };
  const name = manifest?.name ?? (typeof root.name === 'string' ? root.name : undefined);
  const version =
    manifest?.version ?? (typeof root.version === 'string' ? root.version : undefined);
  if (name !== undefined) importer.name = name;
  if (version !== undefined) importer.version = version;
  if (manifest !== undefined) {
    for (const [field, kind] of IMPORTER_FIELDS) {
      const deps = manifest[field];
      for (const depName of Object.keys(deps)) {
        const edge: LockEdge = { name: depName, spec: deps[depName] ?? '', kind };
        if (kind === 'peer' && manifest.optionalPeers.has(depName)) edge.optional = true;
        const target = ctx.tree.resolve('', depName);
        if (target !== undefined) edge.target = target;
        else noteUnresolved(ctx, edge, '', undefined);
        importer.dependencies.push(edge);
      }
    }
    return importer;
  }
  const top = root.dependencies;
  if (!isRecord(top)) return importer;
  for (const depName of Object.keys(top)) {
    const entry = top[depName];
    if (!isRecord(entry)) continue;
    const kind = flag(entry.dev) ? 'dev' : flag(entry.optional) ? 'optional' : 'prod';
    const edge: LockEdge = { name: depName, spec: '', kind };
    const target = ctx.tree.resolve('', depName);
    if (target !== undefined) edge.target = target;
    importer.dependencies.push(edge);
  }
  return importer;
}
