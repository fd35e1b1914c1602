/**
 * yarn berry `yarn.lock` (yarn 2 and later; `__metadata.version` 4 to 10).
 *
 * The file is a YAML subset (see syml.ts; fast-entries.ts reads it straight into entries).
 * After `__metadata` (`version`, `cacheKey`), each entry is keyed by the comma-joined
 * descriptors it satisfies and holds:
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
  Interner,
  isGitSpec,
  isHttpUrl,
  newPackage,
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
import { DescriptorIndex } from './descriptor-index.js';
import { readBerryFast, splitKey, type Entry } from './fast-entries.js';
import { readSymlWithYaml, type SymlNode } from './syml.js';

/** The newest `__metadata.version` this parser knows. */
export const NEWEST_KNOWN_VERSION = 10;
const OLDEST_KNOWN_VERSION = 4;

/** Where an entry's descriptors point: a package, an importer, or (patches) another resolution. */
type Target =
  | PackageRecord
  | { kind: 'importer'; path: string; entry: Entry }
  | { kind: 'patch'; inner: string; entry: Entry };

interface PackageRecord {
  kind: 'package';
  pkg: LockPackage;
  entry: Entry;
}

export function parseYarnBerry(input: LockfileInput): ParsedLockfile {
  const problems = new ProblemList(input.path);
  let formatVersion: string;
  let entries: Entry[];
  const strings = new Interner();
  const fast = readBerryFast(input.text, strings);
  if (fast !== undefined) {
    formatVersion = checkMetadata(fast.metadataVersion, fast.metadataLine || 1, problems);
    for (const bad of fast.invalid) reportInvalid(bad.line, bad.key, problems);
    entries = fast.entries;
  } else {
    // Outside the subset yarn writes: the `yaml` package reads the file into a tree.
    const nodes = readSymlWithYaml(input.text, problems);
    formatVersion = readMetadata(nodes, problems);
    entries = readEntries(nodes, problems, strings);
  }
  const graph = new LockGraph(input, problems, strings);
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
  return checkMetadata(version, metadata?.line ?? 1, problems);
}

/** Warns when the version is missing or outside 4..10; returns it as written ('' if none). */
function checkMetadata(version: string | undefined, line: number, problems: ProblemList): string {
  if (version === undefined) {
    problems.add(
      'lockfile-version-unknown',
      'warning',
      'yarn.lock has no __metadata.version; read as the newest known',
      { line },
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
      { line },
    );
  }
  return version;
}

/** The entries of the file, checked for shape (duplicates are found per descriptor, later). */
function readEntries(nodes: SymlNode[], problems: ProblemList, strings: Interner): Entry[] {
  const entries: Entry[] = [];
  const pool: string[] = [];
  for (const node of nodes) {
    if (node.key === '__metadata') continue;
    if (!Array.isArray(node.value)) {
      reportInvalid(node.line, undefined, problems);
      continue;
    }
    const fields = node.value;
    const resolution = scalar(fields, 'resolution');
    if (resolution === undefined || resolution === '') {
      reportInvalid(node.line, node.key, problems);
      continue;
    }
    const depStart = pool.length;
    const depEnd = pushPairs(map(fields, 'dependencies'), pool, strings);
    const peerEnd = pushPairs(map(fields, 'peerDependencies'), pool, strings);
    entries.push({
      line: node.line,
      descriptors: splitKey(node.key),
      resolution,
      version: scalar(fields, 'version'),
      checksum: scalar(fields, 'checksum'),
      pool,
      depStart,
      depEnd,
      peerStart: depEnd,
      peerEnd,
      optional: optionalNames(map(fields, 'dependenciesMeta')),
      optionalPeers: optionalNames(map(fields, 'peerDependenciesMeta')),
    });
  }
  return entries;
}

/** A malformed entry: not a map (key undefined), or a map without a resolution. */
function reportInvalid(line: number, key: string | undefined, problems: ProblemList): void {
  const message =
    key === undefined
      ? 'entry must be a map of fields'
      : `entry ${firstDescriptor(key)} has no resolution`;
  problems.add('lockfile-entry-invalid', 'error', message, { line });
}

/** Appends the scalar members of a map as pairs (name, value, …); returns the pool's end. */
function pushPairs(nodes: SymlNode[], pool: string[], strings: Interner): number {
  for (const n of nodes) {
    if (typeof n.value === 'string') pool.push(strings.intern(n.key), strings.intern(n.value));
  }
  return pool.length;
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
  const at = resolution.indexOf('@', 1);
  const name = at === -1 ? resolution : resolution.slice(0, at);
  const reference = at === -1 ? '' : resolution.slice(at + 1);
  // Nearly every resolution is a registry one: skip protocolOf's slice for those.
  const protocol = reference.startsWith('npm:') ? 'npm' : protocolOf(reference);
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

/**
 * `npm:1.2.3::__archiveUrl=…` → 1.2.3. The entry's `version` field, when it says the same,
 * is returned instead of a new slice.
 */
function npmVersion(reference: string, stated: string | undefined): string {
  const params = reference.indexOf('::');
  const end = params === -1 ? reference.length : params;
  if (stated !== undefined && stated.length === end - 4 && reference.startsWith(stated, 4))
    return stated;
  return reference.slice(4, end);
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
  private readonly descriptors: DescriptorIndex;
  private readonly workspaces: { path: string; name: string; entry: Entry }[] = [];
  /** Descriptors without their `::params`, when unambiguous (null when not). */
  private unbound: Map<string, string | null> | undefined;
  /** Name → the one package key (or importer) of that name; null when several. */
  private byName: Map<string, string | null> | undefined;
  private readonly importerEdges = new Map<string, LockEdge[]>();

  constructor(
    private readonly input: LockfileInput,
    private readonly problems: ProblemList,
    strings: Interner,
  ) {
    this.descriptors = new DescriptorIndex(strings);
  }

  add(entry: Entry): void {
    const existing = this.byResolution.get(entry.resolution);
    if (existing !== undefined) {
      this.problems.add(
        'lockfile-duplicate-key',
        'warning',
        `resolution ${entry.resolution} is also at line ${existing.entry.line}; the first is used`,
        { line: entry.line },
      );
    } else {
      const target = this.targetOf(entry);
      if (target === undefined) return;
      this.byResolution.set(entry.resolution, target);
    }
    for (const descriptor of entry.descriptors) {
      const previous = this.descriptors.getDescriptor(descriptor)?.line;
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
      resolved.source === 'registry'
        ? npmVersion(resolved.reference, entry.version)
        : (entry.version ?? '');
    const pkg = newPackage(
      entry.resolution,
      resolved.name,
      version,
      resolved.source,
      resolvedUrl(resolved),
      entry.checksum,
      entry.line,
    );
    const record: PackageRecord = { kind: 'package', pkg, entry };
    this.records.push(record);
    return record;
  }

  /**
   * Folds each patch entry into the package it patches: its descriptors resolve there. When
   * the unpatched entry is absent, the patched package is emitted under the inner resolution.
   */
  foldPatches(): void {
    // forEach rather than for…of: no [key, value] array per entry. Entries added meanwhile
    // are visited too, as with for…of.
    this.byResolution.forEach((target, resolution) => {
      if (target.kind !== 'patch') return;
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
        const unpatched: Entry = { ...target.entry, resolution: inner, checksum: undefined };
        const created = this.targetOf(unpatched);
        if (created === undefined) return;
        this.byResolution.set(inner, created);
      }
      this.byResolution.set(resolution, this.byResolution.get(inner) as Target);
    });
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
          this.targetKey(this.descriptors.getDescriptor(descriptor)?.resolution) === pkg.key
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
    // Sized up front: a pushed-to array reserves room for 17 edges at its first push.
    const count = (entry.depEnd - entry.depStart + entry.peerEnd - entry.peerStart) >> 1;
    const edges: LockEdge[] = count === 0 ? [] : new Array<LockEdge>(count);
    let n = 0;
    const pool = entry.pool;
    for (let i = entry.depStart; i < entry.depEnd; i += 2) {
      const name = pool[i] as string;
      let kind: EdgeKind = 'prod';
      if (entry.optional?.has(name) === true) kind = 'optional';
      else if (manifest !== undefined) {
        if (Object.hasOwn(manifest.optionalDependencies, name)) kind = 'optional';
        else if (
          Object.hasOwn(manifest.devDependencies, name) &&
          !Object.hasOwn(manifest.dependencies, name)
        ) {
          kind = 'dev';
        }
      }
      edges[n++] = this.edge(name, pool[i + 1] as string, kind, entry.resolution);
    }
    for (let i = entry.peerStart; i < entry.peerEnd; i += 2) {
      const name = pool[i] as string;
      const optional = entry.optionalPeers?.has(name) === true;
      edges[n++] = this.edge(name, pool[i + 1] as string, 'peer', entry.resolution, optional);
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
    let target = this.targetKey(this.lookup(name, spec, parent));
    if (target === undefined && kind !== 'peer')
      target = this.onlyPackageNamed(parseNpmAlias(spec)?.name ?? name);
    // Built whole, in one literal per shape: a field added later would cost every edge an
    // out-of-object property store.
    if (target === undefined)
      return optional ? { name, spec, kind, optional } : { name, spec, kind };
    return optional ? { name, spec, kind, optional, target } : { name, spec, kind, target };
  }

  /**
   * The one package (or workspace) of that name in the whole lockfile, if there is exactly
   * one. An installed package's dependency must be one of them, so this finds edges whose
   * descriptor was rewritten by the root manifest's `resolutions` (babel forces
   * `browserslist: 4.28.1`, so `browserslist@npm:^4.24.0` is no key) and `catalog:` ranges.
   */
  private onlyPackageNamed(name: string): string | undefined {
    if (this.byName === undefined) {
      // Every package and importer target is a record or a workspace (targetOf makes them
      // all, and each one it makes is stored); the result does not depend on the order.
      const byName = new Map<string, string | null>();
      const note = (n: string, key: string): void => {
        const seen = byName.get(n);
        byName.set(n, seen === undefined || seen === key ? key : null);
      };
      for (const { pkg } of this.records) note(pkg.name, pkg.key);
      for (const ws of this.workspaces) note(ws.name, `importer:${ws.path}`);
      this.byName = byName;
    }
    return this.byName.get(name) ?? undefined;
  }

  /** The package key or `importer:<path>` a resolution ends at. */
  private targetKey(resolution: string | undefined): string | undefined {
    if (resolution === undefined) return undefined;
    const target = this.byResolution.get(resolution);
    if (target === undefined) return undefined;
    if (target.kind === 'package') return target.pkg.key;
    if (target.kind === 'importer') return `importer:${target.path}`;
    return undefined;
  }

  /** The resolution of a dependency, looked up the ways yarn writes its descriptor. */
  private lookup(name: string, range: string, parent: string): string | undefined {
    const direct = this.descriptors.get(name, range)?.resolution;
    if (direct !== undefined) return direct;
    const protocol = protocolOf(range);
    if (protocol === undefined) return this.descriptors.get(name, `npm:${range}`)?.resolution;
    if (protocol === 'catalog') return this.catalogTarget(name);
    const descriptor = `${name}@${range}`;
    const bound = this.descriptors.get(
      name,
      `${range}::locator=${encodeURIComponent(parent)}`,
    )?.resolution;
    if (bound !== undefined) return bound;
    return this.unboundTarget(descriptor) ?? undefined;
  }

  /**
   * `catalog:` ranges live in .yarnrc.yml, which is not read; when the lockfile holds exactly
   * one `npm:` resolution for the name, that is what the catalog picked.
   */
  private catalogTarget(name: string): string | undefined {
    return this.descriptors.onlyNpmResolution(name);
  }

  /** Descriptors bound with `::params` we could not rebuild, matched without them if unique. */
  private unboundTarget(descriptor: string): string | null | undefined {
    if (this.unbound === undefined) {
      const unbound = new Map<string, string | null>();
      this.descriptors.forEach((n, range, { resolution }) => {
        // Only descriptors holding `::` matter; most do not, and are not rebuilt.
        if (!range.includes('::') && (n === undefined || !n.includes('::'))) return;
        const d = n === undefined ? range : `${n}@${range}`;
        const base = d.slice(0, d.indexOf('::'));
        const seen = unbound.get(base);
        unbound.set(base, seen === undefined || seen === resolution ? resolution : null);
      });
      this.unbound = unbound;
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
