/**
 * lockfileVersion 2 and 3: the flat `packages` object, keyed by install location.
 *
 *   "packages": {
 *     "":                          the root project (name, version, workspaces, dependency fields)
 *     "packages/a":                a folder: a workspace, or the target of a `file:` dependency
 *     "node_modules/a":            a package installed at the root
 *     "node_modules/a/node_modules/b"   nested because another version of b sits higher up
 *     "node_modules/x":  { "link": true, "resolved": "packages/a" }   a symlink, not a package
 *   }
 *
 * v2 (npm 7/8) also carries the v1 `dependencies` tree for old npm versions; it is ignored here
 * (reading both counts every package twice). v3 (npm 9+) drops it. An entry's name is the text
 * after the last `node_modules/` unless a `name` field says otherwise, which is how aliases
 * appear (`node_modules/string-width-cjs` with `"name": "string-width"`).
 */
import { problem } from '../../errors/index.js';
import { isRecord } from '../../util/json.js';
import { globToRegExp, joinPosix, manifestFor } from '../internal/paths.js';
import type { LockImporter, LockPackage, PackageSource } from '../types.js';
import {
  classifyResolved,
  isExpectedRegistryTarball,
  isSemverVersion,
  parseNpmAlias,
  sourceOf,
  versionFromTarballName,
} from './source.js';
import {
  IMPORTER_FIELDS,
  NM,
  PACKAGE_FIELDS,
  importerPath,
  isNodeModulesLocation,
  nameAtLocation,
  readEdges,
  statedFlags,
  type NpmContext,
  type TreeNode,
} from './tree.js';

type PackageNode = Extract<TreeNode, { type: 'package' }>;

interface FolderEntry {
  location: string;
  raw: Record<string, unknown>;
  line: number | undefined;
}

interface LinkEntry {
  location: string;
  target: string;
  line: number | undefined;
}

/** Reads a `packages` object into ctx.tree/ctx.packages and returns the importers. */
export function readPackagesSection(
  ctx: NpmContext,
  packages: Record<string, unknown>,
): LockImporter[] {
  let root: FolderEntry | undefined;
  const folders: FolderEntry[] = [];
  const links: LinkEntry[] = [];
  // Added to the tree after the loop, packages before links: the tree's order is the order
  // edges, and the problems they raise, come out in.
  const installed: PackageNode[] = [];
  // Where each installed location's last `node_modules/` starts, and the name after it: found
  // once here for both the entry's name and its place in the tree.
  const installedAt: number[] = [];
  const installedNames: string[] = [];

  const locations = Object.keys(packages);
  for (let i = 0; i < locations.length; i++) {
    const location = locations[i] as string;
    const raw = packages[location];
    if (!isRecord(raw)) {
      invalid(
        ctx,
        ctx.lines.findAny(location, 2),
        `packages[${JSON.stringify(location)}] must be an object; entry skipped`,
      );
      continue;
    }
    const line = ctx.lines.find(location, 2);
    if (location === '') root = { location, raw, line };
    else if (raw.link === true) {
      const link = readLink(ctx, location, raw, line);
      if (link !== undefined) links.push(link);
    } else if (isNodeModulesLocation(location)) {
      const nmAt = location.lastIndexOf(NM);
      const installedAs = location.slice(nmAt + NM.length);
      const pkg = readInstalledPackage(ctx, location, installedAs, raw, line);
      if (pkg !== undefined) {
        installed.push({ type: 'package', pkg, raw });
        installedAt.push(nmAt);
        installedNames.push(installedAs);
      }
    } else folders.push({ location: joinPosix(location), raw, line });
  }

  for (let i = 0; i < installed.length; i++) {
    const node = installed[i] as PackageNode;
    ctx.tree.setInstalled(node.pkg.key, node, installedAt[i] as number, installedNames[i]);
    ctx.packages.push(node.pkg);
  }
  for (const link of links) ctx.tree.set(link.location, { type: 'link', target: link.target });

  const rootRaw = root?.raw ?? manifestAsEntry(ctx) ?? {};
  const importers: LockImporter[] = [makeImporter(ctx, '', rootRaw)];
  ctx.tree.set('', { type: 'importer', path: '.' });
  const isWorkspace = workspaceTest(ctx, rootRaw, folders, links);
  const importerEntries = new Map<string, FolderEntry>([
    ['', { location: '', raw: rootRaw, line: root?.line }],
  ]);
  for (const folder of folders) {
    if (isWorkspace(folder.location)) {
      ctx.tree.set(folder.location, { type: 'importer', path: folder.location });
      importers.push(makeImporter(ctx, folder.location, folder.raw));
      importerEntries.set(folder.location, folder);
    } else addFolderPackage(ctx, folder, links);
  }
  addDanglingLinkTargets(ctx, links);

  for (const node of ctx.tree.values()) {
    if (node.type !== 'package') continue;
    node.pkg.dependencies = readEdges(ctx, node.raw, node.pkg.key, PACKAGE_FIELDS, node.pkg.line);
  }
  for (const importer of importers) {
    const location = importer.path === '.' ? '' : importer.path;
    const entry = importerEntries.get(location);
    importer.dependencies = readEdges(
      ctx,
      entry?.raw ?? {},
      location,
      IMPORTER_FIELDS,
      entry?.line,
    );
  }
  return importers;
}

function invalid(ctx: NpmContext, line: number | undefined, message: string): void {
  ctx.problems.push(
    problem('lockfile-entry-invalid', 'error', message, { file: ctx.input.path, line }),
  );
}

function optionalString(
  ctx: NpmContext,
  raw: Record<string, unknown>,
  field: string,
  location: string,
  line: number | undefined,
): string | undefined | null {
  const value = raw[field];
  if (value === undefined || typeof value === 'string') return value;
  invalid(
    ctx,
    line,
    `packages[${JSON.stringify(location)}].${field} must be a string; entry skipped`,
  );
  return null;
}

function readLink(
  ctx: NpmContext,
  location: string,
  raw: Record<string, unknown>,
  line: number | undefined,
): LinkEntry | undefined {
  const resolved = raw.resolved;
  if (typeof resolved !== 'string' || resolved === '') {
    invalid(
      ctx,
      line,
      `link packages[${JSON.stringify(location)}] has no "resolved" target folder; entry skipped`,
    );
    return undefined;
  }
  // Link targets are folders relative to the lockfile's folder (`file:` is tolerated).
  const target = joinPosix(
    resolved.startsWith('file:') ? resolved.slice('file:'.length) : resolved,
  );
  return { location, target, line };
}

/** A `node_modules/...` entry: a package with its identity and source. */
function readInstalledPackage(
  ctx: NpmContext,
  location: string,
  installedAs: string,
  raw: Record<string, unknown>,
  line: number | undefined,
): LockPackage | undefined {
  const nameField = raw.name;
  const versionField = raw.version;
  const resolved = raw.resolved;
  if (
    (nameField !== undefined && typeof nameField !== 'string') ||
    (versionField !== undefined && typeof versionField !== 'string') ||
    (resolved !== undefined && typeof resolved !== 'string')
  ) {
    // Each malformed field is reported (all of them, in this order), then the entry skipped.
    optionalString(ctx, raw, 'name', location, line);
    optionalString(ctx, raw, 'version', location, line);
    optionalString(ctx, raw, 'resolved', location, line);
    return undefined;
  }
  let name = nameField ?? installedAs;
  let version = versionField ?? '';
  // Not written by npm 7+, but cheap to honour: `"version": "npm:real@1.0.0"`.
  const alias = parseNpmAlias(version);
  if (alias !== undefined) ({ name, version } = alias);

  let source: PackageSource = 'registry';
  // The registry tarball the entry's name and version predict (nearly every entry) changes
  // nothing: source stays 'registry' and the version is already set.
  if (resolved !== undefined && !isExpectedRegistryTarball(resolved, name, version)) {
    const res = classifyResolved(resolved);
    source = sourceOf(res);
    if (res.kind === 'registry' && version === '') version = res.version;
    else if (res.kind === 'file-tarball' && version === '')
      version = versionFromTarballName(name, res.path);
    else if (res.kind === 'unknown')
      unknownSource(ctx, location, line, `resolved ${JSON.stringify(resolved)}`);
  } else if (!isSemverVersion(version)) {
    // No resolved and no version: arborist calls these "unresolved"; nothing says where from.
    source = 'tarball';
    unknownSource(
      ctx,
      location,
      line,
      version === '' ? 'no version and no resolved' : `version ${JSON.stringify(version)}`,
    );
  }
  const integrity = raw.integrity;
  const stated = statedFlags(raw);
  if (
    resolved !== undefined &&
    typeof integrity === 'string' &&
    installedAs === name &&
    stated !== undefined &&
    line !== undefined &&
    raw.inBundle === undefined
  ) {
    // What nearly every registry entry has, built in one literal in the contract's field order
    // (finishPackage's additions would give each package a property backing store).
    return {
      key: location,
      name,
      version,
      source,
      dependencies: [],
      resolved,
      integrity,
      stated,
      line,
    };
  }
  const pkg: LockPackage = { key: location, name, version, source, dependencies: [] };
  if (resolved !== undefined) pkg.resolved = resolved;
  finishPackage(pkg, raw, installedAs, line);
  return pkg;
}

export function unknownSource(
  ctx: NpmContext,
  location: string,
  line: number | undefined,
  what: string,
): void {
  ctx.problems.push(
    problem(
      'lockfile-source-unknown',
      'warning',
      `${JSON.stringify(location)}: cannot tell where this package comes from (${what})`,
      {
        file: ctx.input.path,
        line,
        hint: 'Regenerate the lockfile with npm install; treated as an unverified tarball.',
      },
    ),
  );
}

export function finishPackage(
  pkg: LockPackage,
  raw: Record<string, unknown>,
  installedAs: string | undefined,
  line: number | undefined,
  stated = statedFlags(raw),
): void {
  const integrity = raw.integrity;
  if (typeof integrity === 'string') pkg.integrity = integrity;
  if (installedAs !== undefined && installedAs !== pkg.name) pkg.aliases = [installedAs];
  if (stated !== undefined) pkg.stated = stated;
  if (line !== undefined) pkg.line = line;
  // v2/v3 say `inBundle`, v1 `bundled`.
  if (raw.inBundle === true || raw.bundled === true) pkg.bundled = true;
}

function addPackage(
  ctx: NpmContext,
  location: string,
  pkg: LockPackage,
  raw: Record<string, unknown>,
): void {
  ctx.tree.set(location, { type: 'package', pkg, raw });
  ctx.packages.push(pkg);
}

/**
 * Which folder entries are workspaces: those the workspace globs select (the root entry's
 * `workspaces`, which npm copies from package.json, or package.json itself). Without any
 * globs, a folder some link points to is taken as a workspace unless the root depends on it
 * with a `file:` spec.
 */
function workspaceTest(
  ctx: NpmContext,
  rootRaw: Record<string, unknown>,
  folders: readonly FolderEntry[],
  links: readonly LinkEntry[],
): (location: string) => boolean {
  const globs = [
    ...globsOf(rootRaw.workspaces),
    ...(manifestFor(ctx.input, '.')?.workspaces ?? []),
  ];
  if (globs.length > 0) {
    const positive: RegExp[] = [];
    const negative: RegExp[] = [];
    for (const g of globs) {
      const neg = g.startsWith('!');
      const pattern = joinPosix(neg ? g.slice(1) : g).replace(/\/package\.json$/, '');
      (neg ? negative : positive).push(globToRegExp(pattern));
    }
    return (location) =>
      !location.startsWith('../') &&
      positive.some((r) => r.test(location)) &&
      !negative.some((r) => r.test(location));
  }
  if (folders.length === 0) return () => false;
  const linked = new Set(links.map((l) => l.target));
  const fileTargets = new Set<string>();
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
    const deps = rootRaw[field];
    if (!isRecord(deps)) continue;
    for (const spec of Object.values(deps)) {
      if (typeof spec === 'string' && spec.startsWith('file:'))
        fileTargets.add(joinPosix(spec.slice(5)));
    }
  }
  return (location) =>
    !location.startsWith('../') && linked.has(location) && !fileTargets.has(location);
}

/** Without a root entry, the root package.json says what the root depends on. */
function manifestAsEntry(ctx: NpmContext): Record<string, unknown> | undefined {
  const m = manifestFor(ctx.input, '.');
  if (m === undefined) return undefined;
  const meta: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const name of m.optionalPeers) meta[name] = { optional: true };
  return {
    dependencies: m.dependencies,
    devDependencies: m.devDependencies,
    optionalDependencies: m.optionalDependencies,
    peerDependencies: m.peerDependencies,
    peerDependenciesMeta: meta,
    workspaces: m.workspaces,
  };
}

function globsOf(value: unknown): string[] {
  const list = Array.isArray(value)
    ? value
    : isRecord(value) && Array.isArray(value.packages)
      ? value.packages
      : [];
  return list.filter((g): g is string => typeof g === 'string');
}

function makeImporter(
  ctx: NpmContext,
  location: string,
  raw: Record<string, unknown>,
): LockImporter {
  const path = importerPath(location);
  const manifest = manifestFor(ctx.input, path);
  const importer: LockImporter = { path, dependencies: [] };
  const name = typeof raw.name === 'string' ? raw.name : manifest?.name;
  const version = typeof raw.version === 'string' ? raw.version : manifest?.version;
  if (name !== undefined) importer.name = name;
  if (version !== undefined) importer.version = version;
  return importer;
}

/**
 * A folder entry that is not a workspace: the target of a `file:` dependency (source 'file'),
 * or a folder outside the project (`../local-pkg`, source 'link'; npm writes `{}` for it when it
 * cannot read it). Its name comes from the entry, else the folder's package.json, else the
 * name a link installs it under.
 */
function addFolderPackage(ctx: NpmContext, folder: FolderEntry, links: readonly LinkEntry[]): void {
  const { location, raw, line } = folder;
  const manifest = location.startsWith('../') ? undefined : manifestFor(ctx.input, location);
  const linkedAs = links.find((l) => l.target === location);
  const installedAs = linkedAs === undefined ? undefined : nameAtLocation(linkedAs.location);
  const name =
    (typeof raw.name === 'string' ? raw.name : undefined) ??
    manifest?.name ??
    installedAs ??
    location.slice(location.lastIndexOf('/') + 1);
  const version =
    (typeof raw.version === 'string' ? raw.version : undefined) ?? manifest?.version ?? '';
  const pkg: LockPackage = {
    key: location,
    name,
    version,
    source: location.startsWith('../') ? 'link' : 'file',
    dependencies: [],
  };
  // npm keys folder entries by their path relative to the lockfile; that path is where the
  // bytes come from, written the way every parser writes local sources.
  pkg.resolved = `${pkg.source}:${location}`;
  finishPackage(pkg, raw, installedAs, line);
  addPackage(ctx, location, pkg, raw);
}

/** A link whose target folder has no entry at all still installs something: keep it visible. */
function addDanglingLinkTargets(ctx: NpmContext, links: readonly LinkEntry[]): void {
  for (const link of links) {
    if (ctx.tree.has(link.target)) continue;
    const manifest = link.target.startsWith('../')
      ? undefined
      : manifestFor(ctx.input, link.target);
    const installedAs = nameAtLocation(link.location);
    const pkg: LockPackage = {
      key: link.target,
      name: manifest?.name ?? installedAs,
      version: manifest?.version ?? '',
      source: link.target.startsWith('../') ? 'link' : 'file',
      resolved: `${link.target.startsWith('../') ? 'link' : 'file'}:${link.target}`,
      dependencies: [],
    };
    if (installedAs !== pkg.name) pkg.aliases = [installedAs];
    if (link.line !== undefined) pkg.line = link.line;
    addPackage(ctx, link.target, pkg, {});
  }
}
