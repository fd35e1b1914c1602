/**
 * yarn berry `yarn.lock` (yarn 2 and later; `__metadata.version` 4 to 10).
 *
 * The file is a YAML subset (see syml.ts). After `__metadata` (`version`, `cacheKey`), each
 * entry is keyed by the comma-joined descriptors it satisfies and holds:
 *
 *     "@babel/core@npm:^7.0.0, @babel/core@npm:^7.1.0":
 *       version: 7.15.8
 *       resolution: "@babel/core@npm:7.15.8"      the identity (never the key)
 *       dependencies: { name: range }              plus peerDependencies, *Meta, bin
 *       checksum: 61e505…                          `<cacheKey>/<hex>` from version 8
 *       conditions: os=darwin & cpu=arm64          platform packages (recent versions)
 *       languageName: node
 *       linkType: hard                             `soft` for workspaces and links
 *
 * Version history as seen in real files: 4-6 (yarn 2-3) write dependency ranges without a
 * protocol (`^0.3.8`, meaning `npm:^0.3.8`), 8 and later (yarn 4) write `npm:^0.3.8`; some
 * v8 files still hold bare ranges, so lookups try both forms whatever the version. 9 and 10
 * (yarn 4.14+) read the same way. Later versions are read as the newest known, with a warning.
 *
 * Resolutions: `name@npm:1.2.3` is a registry package (aliases resolve to the real name);
 * `name@workspace:<path>` is one of the project's own workspaces (an importer); `patch:`
 * wraps a URL-encoded inner resolution and is folded into the package it patches; `link:`,
 * `portal:`, `file:`, `exec:`, git URLs, plain URLs and plugin protocols (`condition:`) are
 * the other sources. Descriptors of relative protocols are bound to their parent
 * (`link:./x::locator=<parent>`), which edge lookups reproduce.
 */
import { joinPosix, manifestFor } from '../internal/paths.js';
import {
  isGitSpec,
  isHttpUrl,
  parseNpmAlias,
  ProblemList,
  protocolOf,
  splitDescriptor,
} from '../internal/yarn-descriptor.js';
import type {
  EdgeKind,
  LockEdge,
  LockfileInput,
  LockImporter,
  LockPackage,
  PackageSource,
  ParsedLockfile,
} from '../types.js';
import { readSyml, type SymlNode } from './syml.js';

/** The newest `__metadata.version` this parser knows. */
export const NEWEST_KNOWN_VERSION = 10;
const OLDEST_KNOWN_VERSION = 4;

/** The fields of one entry that matter here. */
interface Entry {
  line: number;
  descriptors: string[];
  resolution: string;
  version?: string;
  checksum?: string;
  dependencies: SymlNode[];
  peerDependencies: SymlNode[];
  /** Names marked `optional: true` in dependenciesMeta (undefined: none). */
  optional: Set<string> | undefined;
  /** Names marked `optional: true` in peerDependenciesMeta (undefined: none). */
  optionalPeers: Set<string> | undefined;
}

/** Where an entry's descriptors point: a package, an importer, or (patches) another resolution. */
type Target =
  | { kind: 'package'; record: PackageRecord }
  | { kind: 'importer'; path: string; entry: Entry }
  | { kind: 'patch'; inner: string; entry: Entry };

interface PackageRecord {
  pkg: LockPackage;
  entry: Entry;
}

export function parseYarnBerry(input: LockfileInput): ParsedLockfile {
  const problems = new ProblemList(input.path);
  const nodes = readSyml(input.text, problems);
  const formatVersion = readMetadata(nodes, problems);
  const entries = readEntries(nodes, problems);
  const graph = new LockGraph(input, problems);
  for (const entry of entries) graph.add(entry);
  graph.foldPatches();
  graph.resolveEdges();
  return {
    format: 'yarn-berry',
    formatVersion,
    file: input.path,
    importers: graph.importers(),
    packages: graph.packages(),
    problems: problems.finish(),
  };
}

/** `__metadata.version` as written; warns when missing or outside 4..10. */
function readMetadata(nodes: SymlNode[], problems: ProblemList): string {
  const metadata = nodes.find((n) => n.key === '__metadata');
  const version =
    metadata && Array.isArray(metadata.value) ? scalar(metadata.value, 'version') : undefined;
  if (version === undefined) {
    problems.add(
      'lockfile-version-unknown',
      'warning',
      'yarn.lock has no __metadata.version; read as the newest known',
      {
        line: metadata?.line ?? 1,
      },
    );
    return '';
  }
  const n = /^\d+$/.test(version) ? Number(version) : NaN;
  if (!(n >= OLDEST_KNOWN_VERSION && n <= NEWEST_KNOWN_VERSION)) {
    const readAs = n < OLDEST_KNOWN_VERSION ? OLDEST_KNOWN_VERSION : NEWEST_KNOWN_VERSION;
    problems.add(
      'lockfile-version-unknown',
      'warning',
      `yarn lockfile version ${version} is not known (${OLDEST_KNOWN_VERSION}-${NEWEST_KNOWN_VERSION}); read as version ${readAs}`,
      { line: metadata?.line ?? 1 },
    );
  }
  return version;
}

/** The entries of the file, checked for shape (duplicates are found per descriptor, later). */
function readEntries(nodes: SymlNode[], problems: ProblemList): Entry[] {
  const entries: Entry[] = [];
  for (const node of nodes) {
    if (node.key === '__metadata') continue;
    if (!Array.isArray(node.value)) {
      problems.add('lockfile-entry-invalid', 'error', 'entry must be a map of fields', {
        line: node.line,
      });
      continue;
    }
    const fields = node.value;
    const resolution = scalar(fields, 'resolution');
    if (resolution === undefined || resolution === '') {
      problems.add(
        'lockfile-entry-invalid',
        'error',
        `entry ${firstDescriptor(node.key)} has no resolution`,
        {
          line: node.line,
        },
      );
      continue;
    }
    const entry: Entry = {
      line: node.line,
      descriptors: splitKey(node.key),
      resolution,
      dependencies: map(fields, 'dependencies'),
      peerDependencies: map(fields, 'peerDependencies'),
      optional: optionalNames(map(fields, 'dependenciesMeta')),
      optionalPeers: optionalNames(map(fields, 'peerDependenciesMeta')),
    };
    const version = scalar(fields, 'version');
    if (version !== undefined) entry.version = version;
    const checksum = scalar(fields, 'checksum');
    if (checksum !== undefined) entry.checksum = checksum;
    entries.push(entry);
  }
  return entries;
}

/** Descriptors of a key: yarn joins them with `, ` and splits at commas with their spaces only. */
function splitKey(key: string): string[] {
  if (!key.includes(',')) return [key];
  const out: string[] = [];
  for (const part of key.split(/ *, */)) if (part !== '') out.push(part);
  return out;
}

function firstDescriptor(key: string): string {
  const comma = key.indexOf(',');
  return comma === -1 ? key : key.slice(0, comma);
}

function scalar(fields: SymlNode[], key: string): string | undefined {
  for (const f of fields) if (f.key === key && typeof f.value === 'string') return f.value;
  return undefined;
}

function map(fields: SymlNode[], key: string): SymlNode[] {
  for (const f of fields) if (f.key === key && Array.isArray(f.value)) return f.value;
  return [];
}

function optionalNames(meta: SymlNode[]): Set<string> | undefined {
  let out: Set<string> | undefined;
  for (const m of meta) {
    if (Array.isArray(m.value) && scalar(m.value, 'optional') === 'true')
      (out ??= new Set()).add(m.key);
  }
  return out;
}

/** What a resolution says about the package: its real name, version and source. */
interface Resolved {
  name: string;
  /** The reference after `name@` (`npm:1.2.3`, `workspace:.`, a URL…). */
  reference: string;
  protocol: string | undefined;
  source: PackageSource;
  /** Set for protocols this parser does not know; a note is reported. */
  unknownProtocol?: string;
}

function classifyResolution(resolution: string): Resolved {
  const { name, range: reference } = splitDescriptor(resolution);
  const protocol = protocolOf(reference);
  const resolved: Resolved = { name, reference, protocol, source: 'tarball' };
  switch (protocol) {
    case 'npm':
      resolved.source = 'registry';
      break;
    case 'workspace':
      resolved.source = 'workspace';
      break;
    case 'link':
    case 'portal':
      resolved.source = 'link';
      break;
    case 'file':
      resolved.source = 'file';
      break;
    default:
      if (isGitSpec(reference)) resolved.source = 'git';
      else if (isHttpUrl(reference)) resolved.source = 'tarball';
      else if (protocol === 'exec') {
        // exec: builds the package by running a local script: closest to a local folder.
        resolved.source = 'file';
        resolved.unknownProtocol = protocol;
      } else {
        // Plugin protocols (condition:, …) and anything new: bytes we cannot trace to a
        // registry, so the most cautious source.
        resolved.unknownProtocol = protocol ?? reference;
      }
  }
  return resolved;
}

/**
 * A relative `link:`/`portal:`/`file:` reference is bound to the workspace that declared it
 * (`link:../x::locator=<encoded name@workspace:path>`). Rewritten relative to the lockfile's
 * folder (`link:path/x`), the form every parser gives for local sources, so the graph can
 * tell which package.json it points at. Other references stay as written.
 */
function localReference(reference: string): string {
  const m = /^(link|portal|file):([^#]*?)(?:#[^:]*)?::(?:.*&)?locator=([^&]*)/.exec(reference);
  if (m === null) return reference;
  const [, protocol, path, encodedParent] = m as unknown as [string, string, string, string];
  let parent: string;
  try {
    parent = decodeURIComponent(encodedParent);
  } catch {
    return reference;
  }
  const at = parent.indexOf('@workspace:', 1);
  if (at === -1 || path.startsWith('/')) return reference;
  return `${protocol}:${joinPosix(parent.slice(at + '@workspace:'.length), path) || '.'}`;
}

/** `npm:1.2.3::__archiveUrl=…` → 1.2.3. */
function npmVersion(reference: string): string {
  const params = reference.indexOf('::');
  return reference.slice(4, params === -1 ? undefined : params);
}

/**
 * The inner resolution of a `patch:` reference, URL-decoded:
 * `patch:resolve@npm%3A2.0.0#optional!builtin<compat/resolve>::version=…` → resolve@npm:2.0.0.
 */
function patchInner(reference: string): string | undefined {
  const hash = reference.indexOf('#');
  const encoded = reference.slice('patch:'.length, hash === -1 ? undefined : hash);
  try {
    const inner = decodeURIComponent(encoded);
    return inner.includes('@', 1) ? inner : undefined;
  } catch {
    return undefined;
  }
}

/** Packages, importers and the descriptor index, built entry by entry. */
class LockGraph {
  private readonly records: PackageRecord[] = [];
  private readonly byResolution = new Map<string, Target>();
  /** Descriptor → the entry that lists it (its resolution and line). */
  private readonly descriptors = new Map<string, Entry>();
  private readonly workspaces: { path: string; name: string; entry: Entry }[] = [];
  /** Descriptors without their `::params`, when unambiguous (null when not). */
  private unbound: Map<string, string | null> | undefined;
  /** Name → the one resolution its `npm:` descriptors point to (null when several). */
  private npmByName: Map<string, string | null> | undefined;
  /** Name → the one package key (or importer) of that name; null when several. */
  private byName: Map<string, string | null> | undefined;
  private readonly importerEdges = new Map<string, LockEdge[]>();

  constructor(
    private readonly input: LockfileInput,
    private readonly problems: ProblemList,
  ) {}

  add(entry: Entry): void {
    const existing = this.byResolution.get(entry.resolution);
    if (existing !== undefined) {
      this.problems.add(
        'lockfile-duplicate-key',
        'warning',
        `resolution ${entry.resolution} is also at line ${existing.kind === 'package' ? existing.record.entry.line : existing.entry.line}; the first is used`,
        { line: entry.line },
      );
    } else {
      const target = this.targetOf(entry);
      if (target === undefined) return;
      this.byResolution.set(entry.resolution, target);
    }
    for (const descriptor of entry.descriptors) {
      const previous = this.descriptors.get(descriptor)?.line;
      if (previous !== undefined) {
        this.problems.add(
          'lockfile-duplicate-key',
          'warning',
          `${descriptor} is also listed at line ${previous}; the later entry is used`,
          { line: entry.line },
        );
      }
      this.descriptors.set(descriptor, entry);
    }
  }

  private targetOf(entry: Entry): Target | undefined {
    const resolved = classifyResolution(entry.resolution);
    if (resolved.protocol === 'patch') {
      const inner = patchInner(resolved.reference);
      if (inner !== undefined) return { kind: 'patch', inner, entry };
      this.problems.add(
        'lockfile-entry-invalid',
        'error',
        `cannot read the patched package of ${entry.resolution}`,
        {
          line: entry.line,
        },
      );
      return undefined;
    }
    if (resolved.source === 'workspace') {
      const path = resolved.reference.slice('workspace:'.length) || '.';
      this.workspaces.push({ path, name: resolved.name, entry });
      return { kind: 'importer', path, entry };
    }
    if (resolved.unknownProtocol !== undefined) {
      const message =
        resolved.unknownProtocol === 'exec'
          ? `${resolved.name} is built by running a local script (exec:); treated as a local file`
          : `unknown protocol ${JSON.stringify(resolved.unknownProtocol)} in ${entry.resolution}; treated as a tarball`;
      this.problems.add('lockfile-source-unknown', 'note', message, { line: entry.line });
    }
    const version =
      resolved.source === 'registry' ? npmVersion(resolved.reference) : (entry.version ?? '');
    const pkg: LockPackage = {
      key: entry.resolution,
      name: resolved.name,
      version,
      source: resolved.source,
      dependencies: [],
    };
    const url = resolvedUrl(resolved);
    if (url !== undefined) pkg.resolved = url;
    if (entry.checksum !== undefined) pkg.integrity = entry.checksum;
    pkg.line = entry.line;
    const record = { pkg, entry };
    this.records.push(record);
    return { kind: 'package', record };
  }

  /**
   * Folds each patch entry into the package it patches: its descriptors resolve there. When
   * the unpatched entry is absent, the patched package is emitted under the inner resolution.
   */
  foldPatches(): void {
    for (const [resolution, target] of this.byResolution) {
      if (target.kind !== 'patch') continue;
      let inner = target.inner;
      // Patches of patches: follow to the innermost resolution.
      for (let hops = 0; hops < 8; hops++) {
        const next = this.byResolution.get(inner);
        if (next === undefined || next.kind !== 'patch') break;
        inner = next.inner;
      }
      const innerTarget = this.byResolution.get(inner);
      if (innerTarget === undefined) {
        // The checksum is the patched archive's, not the registry tarball's: not kept.
        const unpatched: Entry = { ...target.entry, resolution: inner };
        delete unpatched.checksum;
        const created = this.targetOf(unpatched);
        if (created === undefined) continue;
        this.byResolution.set(inner, created);
      }
      this.byResolution.set(resolution, this.byResolution.get(inner) as Target);
    }
  }

  resolveEdges(): void {
    for (const { pkg, entry } of this.records) {
      pkg.dependencies = this.entryEdges(entry, undefined);
      for (const descriptor of entry.descriptors) {
        if (descriptor.startsWith(pkg.name) && descriptor.charCodeAt(pkg.name.length) === 64)
          continue;
        const alias = splitDescriptor(descriptor).name;
        if (
          alias !== pkg.name &&
          this.targetKey(this.descriptors.get(descriptor)?.resolution) === pkg.key
        ) {
          if (pkg.aliases === undefined) pkg.aliases = [alias];
          else if (!pkg.aliases.includes(alias)) pkg.aliases.push(alias);
        }
      }
    }
    for (const ws of this.workspaces) {
      this.importerEdges.set(ws.path, this.entryEdges(ws.entry, ws.path));
    }
  }

  packages(): LockPackage[] {
    return this.records.map((r) => r.pkg);
  }

  /** Workspaces sorted by path, the root first. */
  importers(): LockImporter[] {
    const seen = new Set<string>();
    const out: LockImporter[] = [];
    for (const ws of this.workspaces) {
      if (seen.has(ws.path)) continue;
      seen.add(ws.path);
      const importer: LockImporter = { path: ws.path, name: ws.name, dependencies: [] };
      const version = manifestFor(this.input, ws.path)?.version;
      if (version !== undefined) importer.version = version;
      importer.dependencies = this.importerEdges.get(ws.path) ?? [];
      out.push(importer);
    }
    return out.sort((a, b) =>
      a.path === b.path ? 0 : a.path === '.' ? -1 : b.path === '.' ? 1 : a.path < b.path ? -1 : 1,
    );
  }

  /**
   * Edges of an entry. For a workspace, the manifest tells which dependencies are dev (the
   * lockfile merges dependencies and devDependencies).
   */
  private entryEdges(entry: Entry, workspacePath: string | undefined): LockEdge[] {
    const manifest =
      workspacePath === undefined ? undefined : manifestFor(this.input, workspacePath);
    const edges: LockEdge[] = [];
    for (const dep of entry.dependencies) {
      if (typeof dep.value !== 'string') continue;
      let kind: EdgeKind = 'prod';
      if (entry.optional?.has(dep.key) === true) kind = 'optional';
      else if (manifest !== undefined) {
        if (Object.hasOwn(manifest.optionalDependencies, dep.key)) kind = 'optional';
        else if (
          Object.hasOwn(manifest.devDependencies, dep.key) &&
          !Object.hasOwn(manifest.dependencies, dep.key)
        ) {
          kind = 'dev';
        }
      }
      edges.push(this.edge(dep.key, dep.value, kind, entry.resolution));
    }
    for (const peer of entry.peerDependencies) {
      if (typeof peer.value !== 'string') continue;
      const out = this.edge(
        peer.key,
        peer.value,
        'peer',
        entry.resolution,
        entry.optionalPeers?.has(peer.key) === true,
      );
      edges.push(out);
    }
    return edges;
  }

  private edge(
    name: string,
    spec: string,
    kind: EdgeKind,
    parent: string,
    optional = false,
  ): LockEdge {
    const out: LockEdge = { name, spec, kind };
    if (optional) out.optional = true;
    let target = this.targetKey(this.lookup(name, spec, parent));
    if (target === undefined && kind !== 'peer')
      target = this.onlyPackageNamed(parseNpmAlias(spec)?.name ?? name);
    if (target !== undefined) out.target = target;
    return out;
  }

  /**
   * The one package (or workspace) of that name in the whole lockfile, if there is exactly
   * one. An installed package's dependency must be one of them, so this finds edges whose
   * descriptor was rewritten by the root manifest's `resolutions` (babel forces
   * `browserslist: 4.28.1`, so `browserslist@npm:^4.24.0` is no key) and `catalog:` ranges.
   */
  private onlyPackageNamed(name: string): string | undefined {
    if (this.byName === undefined) {
      this.byName = new Map();
      for (const target of new Set(this.byResolution.values())) {
        const [n, key] =
          target.kind === 'package'
            ? [target.record.pkg.name, target.record.pkg.key]
            : target.kind === 'importer'
              ? [splitDescriptor(target.entry.resolution).name, `importer:${target.path}`]
              : [undefined, undefined];
        if (n === undefined || key === undefined) continue;
        const seen = this.byName.get(n);
        this.byName.set(n, seen === undefined || seen === key ? key : null);
      }
    }
    return this.byName.get(name) ?? undefined;
  }

  /** The package key or `importer:<path>` a resolution ends at. */
  private targetKey(resolution: string | undefined): string | undefined {
    if (resolution === undefined) return undefined;
    const target = this.byResolution.get(resolution);
    if (target === undefined) return undefined;
    if (target.kind === 'package') return target.record.pkg.key;
    if (target.kind === 'importer') return `importer:${target.path}`;
    return undefined;
  }

  /** The resolution of a dependency, looked up the ways yarn writes its descriptor. */
  private lookup(name: string, range: string, parent: string): string | undefined {
    const descriptor = `${name}@${range}`;
    const direct = this.descriptors.get(descriptor)?.resolution;
    if (direct !== undefined) return direct;
    const protocol = protocolOf(range);
    if (protocol === undefined) return this.descriptors.get(`${name}@npm:${range}`)?.resolution;
    if (protocol === 'catalog') return this.catalogTarget(name);
    const bound = this.descriptors.get(
      `${descriptor}::locator=${encodeURIComponent(parent)}`,
    )?.resolution;
    if (bound !== undefined) return bound;
    return this.unboundTarget(descriptor) ?? undefined;
  }

  /**
   * `catalog:` ranges live in .yarnrc.yml, which is not read; when the lockfile holds exactly
   * one `npm:` resolution for the name, that is what the catalog picked.
   */
  private catalogTarget(name: string): string | undefined {
    if (this.npmByName === undefined) {
      this.npmByName = new Map();
      for (const [descriptor, { resolution }] of this.descriptors) {
        const at = descriptor.indexOf('@', 1);
        if (at === -1 || !descriptor.startsWith('npm:', at + 1)) continue;
        const n = descriptor.slice(0, at);
        const seen = this.npmByName.get(n);
        if (seen === undefined) this.npmByName.set(n, resolution);
        else if (seen !== resolution) this.npmByName.set(n, null);
      }
    }
    return this.npmByName.get(name) ?? undefined;
  }

  /** Descriptors bound with `::params` we could not rebuild, matched without them if unique. */
  private unboundTarget(descriptor: string): string | null | undefined {
    if (this.unbound === undefined) {
      this.unbound = new Map();
      for (const [d, { resolution }] of this.descriptors) {
        const params = d.indexOf('::');
        if (params === -1) continue;
        const base = d.slice(0, params);
        const seen = this.unbound.get(base);
        this.unbound.set(base, seen === undefined || seen === resolution ? resolution : null);
      }
    }
    return this.unbound.get(descriptor);
  }
}

/** The URL or path to record as `resolved`: the reference, for everything but registry packages. */
function resolvedUrl(resolved: Resolved): string | undefined {
  if (resolved.source === 'link' || resolved.source === 'file')
    return localReference(resolved.reference);
  if (resolved.source !== 'registry') return resolved.reference;
  const archive = /::(?:.*&)?__archiveUrl=([^&]*)/.exec(resolved.reference);
  if (archive === null) return undefined;
  try {
    return decodeURIComponent(archive[1] as string);
  } catch {
    return undefined;
  }
}
