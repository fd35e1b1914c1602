/**
 * The pnpm `pnpm-lock.yaml` parser: lockfileVersion 5.x (a number: 5.3, 5.4), '6.0' and '9.0'.
 *
 * Grammar as pnpm writes it (see dep-path.ts for the key shapes):
 *
 *   lockfileVersion: 5.4 | '6.0' | '9.0'
 *   importers:                      # workspaces; absent in single-project 5.x/6.0 files, whose
 *     <path>:                       # root importer's fields then sit at the top level
 *       specifiers: {name: spec}    # 5.x only; dependency values are then plain strings
 *       dependencies: {name: <ref> | {specifier, version: <ref>}}   # 6.0+ use the object form
 *       devDependencies / optionalDependencies: (same)
 *   packages:
 *     <depPath>:                    # 5.x/6.0: everything; 9.0: metadata only, per name@version
 *       resolution: {integrity} | {integrity, tarball} | {tarball} | {type: git, repo, commit}
 *                   | {type: directory, directory} | {type: variations, variants} (pnpm 11 runtimes)
 *       name, version               # for keys that do not spell them (git, tarball, file:)
 *       dependencies / optionalDependencies: {name: <ref>}   # 5.x/6.0 (9.0: in snapshots)
 *       peerDependencies: {name: range}, peerDependenciesMeta: {name: {optional: true}}
 *       dev: true|false, optional: true                      # 5.x/6.0 only
 *   snapshots:                      # 9.0: one per name@version(peers), with the edges
 *     <depPath>: {dependencies, optionalDependencies, transitivePeerDependencies}
 *
 * A <ref> is `link:<path>` (relative to the importer), a version with the peer suffix of its
 * style (the key is then derived from the dependency's name), or a whole key: an npm alias
 * (`/@pnpm/dependency-path/2.1.8` in 5.x/6.0, `@pnpm/dependency-path@2.1.8` in 9.0) or a
 * non-registry key.
 *
 * pnpm 11 writes two YAML documents (an environment document, then the lockfile); the last
 * document with a lockfileVersion is the lockfile. One LockPackage per depPath key (per
 * snapshot in 9.0, so a package appears once per peer context; src/graph deduplicates).
 * Registry-ness follows pnpm: a resolution with only an integrity, or with a tarball when the
 * key's version is semver (mirrors such as rush's feeds write both).
 *
 * Two ways in: pnpm 9.0 files in pnpm's own layout are read straight from their lines by
 * layout-v9.ts (`runLayout`), which keeps no YAML tree; every other file, and any file that
 * has something to report, goes through the generic YAML tree (`run`). Both share the package,
 * resolution and edge logic below; a test checks they agree on every corpus file and fixture.
 */
import semver from 'semver';
import { compareProblems, problem, type Problem, type ProblemCode } from '../../errors/index.js';
import { readYaml, type KeyLines, type YamlMap, type YamlValue } from '../internal/fast-yaml.js';
import { joinPosix, manifestFor } from '../internal/paths.js';
import type {
  EdgeKind,
  LockEdge,
  LockfileInput,
  LockImporter,
  LockPackage,
  ParsedLockfile,
} from '../types.js';
import {
  parenSuffixStart,
  parseDepPath,
  splitNameVersion,
  stripPeerSuffix,
  type KeyStyle,
} from './dep-path.js';
import {
  EMPTY_ENTRY,
  readPnpm9Layout,
  type LayoutEntry,
  type Pnpm9Layout,
  type StringList,
} from './layout-v9.js';
import { sanitize } from '../../util/text.js';

const IMPORTER_PREFIX = 'importer:';
const LINK_PREFIX = 'link:';
const IMPORTER_SECTIONS: readonly [string, EdgeKind][] = [
  ['dependencies', 'prod'],
  ['devDependencies', 'dev'],
  ['optionalDependencies', 'optional'],
];

/**
 * Values this parser never reads, by depth: top-level settings and records, and per-entry
 * fields (entries of `packages:`/`snapshots:`/`importers:` are mappings at depth 2). Dropping
 * them while reading keeps the YAML tree, which lives until the end, about a fifth smaller.
 */
const UNREAD_VALUES: readonly (ReadonlySet<string> | undefined)[] = [
  new Set([
    'settings',
    'time',
    'overrides',
    'catalogs',
    'patchedDependencies',
    'packageExtensionsChecksum',
    'pnpmfileChecksum',
    'neverBuiltDependencies',
    'onlyBuiltDependencies',
  ]),
  undefined,
  new Set([
    'engines',
    'transitivePeerDependencies',
    'hasBin',
    'os',
    'cpu',
    'libc',
    'deprecated',
    'requiresBuild',
  ]),
];

export function parsePnpmLockfile(input: LockfileInput): ParsedLockfile {
  // pnpm 9.0 files in pnpm's own layout are read straight from their lines; any file outside
  // that layout, or that has anything to report, is read the generic way, so that problems
  // always come from one place.
  const layout = readPnpm9Layout(input.text);
  if (layout !== undefined) {
    const direct = new PnpmContext(input, 1);
    if (direct.runLayout(layout) && direct.result.problems.length === 0) return direct.result;
  }
  return parsePnpmLockfileGeneric(input);
}

/** The generic path: the whole YAML tree, then the lockfile from it. Exported for tests. */
export function parsePnpmLockfileGeneric(input: LockfileInput): ParsedLockfile {
  // Lines of keys inside entries (`resolution:`, `dependencies:`) only ever appear in problems,
  // and recording them costs a line table per entry. So the first pass records lines down to
  // the entries themselves; a file that needed a deeper line for a problem is read again.
  const quick = new PnpmContext(input, 1);
  quick.run();
  const ctx = quick.neededDeepLine ? new PnpmContext(input, 2) : quick;
  if (ctx !== quick) ctx.run();
  ctx.result.problems.sort(compareProblems);
  return ctx.result;
}

/** Where a package's edges are read from: its entry, and the packages entry with its peers. */
interface EdgeSource {
  entry: YamlMap | undefined;
  meta: YamlMap | undefined;
}

/**
 * The registry-shaped packages of one name, by the rest of their key (the version with its peer
 * suffix). Most names have one such package, so the first is held inline and a Map is made only
 * for the others. `name` is the one string object that edges to these packages share, instead of
 * each keeping its own copy cut from the text.
 */
interface NameRefs {
  name: string;
  ref: string;
  pkg: LockPackage;
  more: Map<string, LockPackage> | undefined;
}

function isMap(value: YamlValue | undefined): value is YamlMap {
  return value instanceof Map;
}

/** The string at `key`, if it is one. */
function str(map: YamlMap | undefined, key: string): string | undefined {
  const value = map?.get(key);
  return typeof value === 'string' ? value : undefined;
}

class PnpmContext {
  readonly result: ParsedLockfile;
  private readonly file: string;
  private lines!: KeyLines;
  private style: KeyStyle = 9;
  private readonly byKey = new Map<string, LockPackage>();
  /**
   * The registry-shaped keys again, by name and then by the rest of the key (the version with its
   * peer suffix): resolving a dependency looks up its two parts instead of building the
   * concatenated key, and the edge gets the package key's own string object as its target.
   */
  private readonly byNameRef = new Map<string, NameRefs>();
  /** Each added package's entry (for its edges) and metadata entry, in `result.packages` order. */
  private readonly edgeSources: EdgeSource[] = [];
  /**
   * The same for the layout path, as parallel lists: the offsets of the dependency fields the
   * edges are read from (EMPTY_ENTRY: no entry to read edges from) and the packages entry with
   * the peers.
   */
  private readonly edgeDepsAt: number[] = [];
  private readonly edgeOptionalAt: number[] = [];
  private readonly edgeMetas: (LayoutEntry | undefined)[] = [];
  /** Set when a problem wanted the line of a key deeper than `keyLineDepth` records. */
  neededDeepLine = false;
  private readonly importerPaths = new Set<string>();
  private readonly linkPackages: LockPackage[] = [];
  /** Reused lists for one layout package's dependency pairs while its edges are made. */
  private readonly depsScratch: StringList = { items: [], n: 0 };
  private readonly optionalScratch: StringList = { items: [], n: 0 };
  private readonly edgeScratch: LockEdge[] = [];

  constructor(
    private readonly input: LockfileInput,
    private readonly keyLineDepth: number,
  ) {
    this.file = input.path;
    this.result = {
      format: 'pnpm',
      formatVersion: '',
      file: input.path,
      importers: [],
      packages: [],
      problems: [],
    };
  }

  private report(
    code: ProblemCode,
    severity: Problem['severity'],
    message: string,
    line?: number,
    hint?: string,
  ): void {
    this.result.problems.push(problem(code, severity, message, { file: this.file, line, hint }));
  }

  run(): void {
    const yaml = readYaml(this.input.text, {
      file: this.file,
      keyLineDepth: this.keyLineDepth,
      dropValues: UNREAD_VALUES,
    });
    this.lines = yaml.lines;
    this.result.problems.push(...yaml.problems);
    if (yaml.documents.length === 0 && yaml.problems.length === 0) {
      this.report(
        'lockfile-empty',
        'warning',
        'pnpm-lock.yaml is empty',
        undefined,
        'Run `pnpm install` to write it.',
      );
      return;
    }
    const doc = pickDocument(yaml.documents);
    if (doc === undefined) {
      if (!this.result.problems.some((p) => p.severity === 'error')) {
        this.report('lockfile-not-pnpm', 'error', 'pnpm-lock.yaml does not hold a YAML mapping', 1);
      }
      return;
    }
    this.readVersion(doc);
    this.readPackages(doc);
    this.readImporters(doc);
    this.readPackageEdges();
    this.result.packages.push(...this.linkPackages);
  }

  /**
   * The same steps as `run`, from the pnpm 9.0 layout reader's values. Problems are reported as
   * `run` would, but their lines may be missing: the caller then reads the file the generic way,
   * as it does when this returns false (the text turned out to be outside the layout: a
   * duplicated snapshot key, or a dependency field that `readPairsAt` rejects).
   */
  runLayout(layout: Pnpm9Layout): boolean {
    this.result.formatVersion = '9.0';
    this.style = 9;
    const { packages, snapshots } = layout;
    if (snapshots !== undefined) {
      const { keys, lines, depsAt, optionalAt } = snapshots;
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        const meta = packages?.get(stripPeerSuffix(key, 9));
        if (meta !== undefined) meta.used = true;
        const edgeMeta = meta !== undefined && !meta.empty ? meta : undefined;
        const known = this.byKey.size;
        const added = this.result.packages.length;
        const line = lines[i] as number;
        this.addLayoutPackage(
          key,
          line,
          true,
          meta,
          depsAt[i] as number,
          optionalAt[i] as number,
          edgeMeta,
        );
        // A package added without a new key repeats a snapshot key (only snapshots are in
        // byKey yet; one that is not added was reported).
        if (this.result.packages.length !== added && this.byKey.size === known) return false;
      }
    }
    if (packages !== undefined) {
      let indexOf: Map<LockPackage, number> | undefined;
      for (const [key, meta] of packages) {
        if (meta.used) continue;
        // Edges as for any 9.0 package: from a snapshot of that key if there is one (only a key
        // with a peer suffix can have one and still be unused here), else from the entry.
        let depsAt = meta.empty ? EMPTY_ENTRY : meta.depsAt;
        let optionalAt = meta.optionalAt;
        const twin = snapshots === undefined ? undefined : this.byKey.get(key);
        if (twin !== undefined) {
          // Rare; the index of each package is built once, so many of them stay linear.
          if (indexOf === undefined) {
            indexOf = new Map();
            this.result.packages.forEach((pkg, i) => indexOf?.set(pkg, i));
          }
          const at = indexOf.get(twin) ?? -1;
          depsAt = this.edgeDepsAt[at] as number;
          optionalAt = this.edgeOptionalAt[at] as number;
        }
        const edgeMeta = packages.get(stripPeerSuffix(key, 9));
        this.addLayoutPackage(
          key,
          meta.line,
          false,
          meta,
          depsAt,
          optionalAt,
          edgeMeta !== undefined && !edgeMeta.empty ? edgeMeta : undefined,
        );
      }
    }
    this.readLayoutImporters(layout);
    const list = this.result.packages;
    const deps = this.depsScratch;
    const optional = this.optionalScratch;
    for (let i = 0; i < list.length; i++) {
      const pkg = list[i] as LockPackage;
      const depsAt = this.edgeDepsAt[i] as number;
      const optionalAt = this.edgeOptionalAt[i] as number;
      if (depsAt === EMPTY_ENTRY) continue;
      if (depsAt < 0) deps.n = 0;
      else if (!layout.readPairsAt(depsAt, deps)) return false;
      if (optionalAt < 0) optional.n = 0;
      else if (!layout.readPairsAt(optionalAt, optional)) return false;
      this.readLayoutEdges(pkg, deps, optional, this.edgeMetas[i]);
    }
    this.result.packages.push(...this.linkPackages);
    return true;
  }

  /**
   * `addPackage` for a layout entry: a snapshot (`isSnapshot`) or a packages entry (then `meta`
   * is that entry). `depsAt`, `optionalAt` and `edgeMeta` say where its edges are read from.
   */
  private addLayoutPackage(
    key: string,
    line: number,
    isSnapshot: boolean,
    meta: LayoutEntry | undefined,
    depsAt: number,
    optionalAt: number,
    edgeMeta: LayoutEntry | undefined,
  ): void {
    if (!isSnapshot && meta?.empty === true) {
      this.report('lockfile-entry-invalid', 'error', 'package entry must be a mapping', line);
      return;
    }
    const metaEntry = meta !== undefined && !meta.empty ? meta : undefined;
    if (metaEntry === undefined && isSnapshot) {
      this.report('lockfile-entry-invalid', 'warning', 'snapshot has no packages entry', line);
    }
    // parseDepPath(key, 9) without its objects: name and version cut straight from the key.
    let keyName: string | undefined;
    let keyVersion: string | undefined;
    const end = parenSuffixStart(key);
    const at = key.indexOf('@', 1);
    if (at > 0 && at + 1 < end) {
      const slash = key.indexOf('/');
      if (key.charCodeAt(0) !== 0x40 /* @ */ || (slash !== -1 && slash < at)) {
        keyName = key.slice(0, at);
        keyVersion = key.slice(at + 1, end);
      }
    }
    const name = metaEntry?.name ?? keyName;
    let version = metaEntry?.version ?? keyVersion;
    if (name === undefined || version === undefined) {
      this.report('lockfile-entry-invalid', 'error', 'no name and version', line);
      return;
    }
    if (version.startsWith('runtime:')) version = version.slice('runtime:'.length);
    const m = metaEntry;
    let pkg: LockPackage;
    if (
      m?.hasResolution === true &&
      m.integrity !== undefined &&
      m.tarball === undefined &&
      m.type === undefined
    ) {
      // The common case (a registry package known by its integrity), in one literal: as
      // applyResolution would set it, without adding a field to a finished object.
      const integrity = m.integrity;
      pkg = { key, name, version, source: 'registry', dependencies: [], line, integrity };
    } else {
      pkg = { key, name, version, source: 'registry', dependencies: [], line };
      this.classifyLayout(pkg, m, keyVersion, line);
    }
    this.byKey.set(key, pkg);
    if (keyName !== undefined) this.indexByNameRef(key, keyName, pkg);
    this.result.packages.push(pkg);
    this.edgeDepsAt.push(depsAt);
    this.edgeOptionalAt.push(optionalAt);
    this.edgeMetas.push(edgeMeta);
  }

  /** Source, resolved and integrity of a layout package, from its packages entry `m`. */
  private classifyLayout(
    pkg: LockPackage,
    m: LayoutEntry | undefined,
    keyVersion: string | undefined,
    line: number,
  ): void {
    if (m === undefined) {
      pkg.source =
        keyVersion !== undefined && semver.valid(keyVersion) !== null ? 'registry' : 'tarball';
    } else if (!m.hasResolution) {
      this.report('lockfile-entry-invalid', 'warning', 'no resolution', line);
    } else {
      const known = applyResolution(
        pkg,
        keyVersion,
        m.integrity,
        m.tarball,
        m.type,
        m.directory,
        m.repo,
        m.commit,
      );
      if (!known) this.reportUnknownResolution(pkg, m.type ?? '', line);
    }
  }

  private readLayoutImporters(layout: Pnpm9Layout): void {
    const paths: string[] = [];
    for (const imp of layout.importers) {
      const path = joinPosix(imp.key) || '.';
      this.importerPaths.add(path);
      paths.push(path);
    }
    for (let i = 0; i < layout.importers.length; i++) {
      const entry = layout.importers[i];
      const path = paths[i];
      if (entry === undefined || path === undefined) continue;
      const imp = this.importerShell(path);
      for (let s = 0; s < IMPORTER_SECTIONS.length; s++) {
        const deps = entry.sections[s];
        const kind = IMPORTER_SECTIONS[s]?.[1];
        if (deps === undefined || kind === undefined) continue;
        for (let d = 0; d + 2 < deps.length; d += 3) {
          const name = deps[d] as string;
          imp.dependencies.push(
            this.edge(name, deps[d + 1] as string, kind, deps[d + 2] as string, path, undefined),
          );
        }
      }
      this.result.importers.push(imp);
    }
  }

  /** `readEdges` for layout entries: `deps` and `optional` as name, value pairs. */
  private readLayoutEdges(
    pkg: LockPackage,
    deps: StringList,
    optional: StringList,
    meta: LayoutEntry | undefined,
  ): void {
    const line = pkg.line;
    const peers = meta?.peerDependencies;
    // Collected in a reused list and copied once: an array pushed to from empty reserves room
    // for 17 items, mostly unused.
    const edges = this.edgeScratch;
    let n = 0;
    const depItems = deps.items;
    for (let i = 0; i + 1 < deps.n; i += 2) {
      const name = depItems[i] as string;
      if (peers !== undefined && valueOf(peers, peers.length, name) !== undefined) continue;
      edges[n++] = this.edge(name, '', 'prod', depItems[i + 1] as string, '.', line);
    }
    const optionalItems = optional.items;
    for (let i = 0; i + 1 < optional.n; i += 2) {
      const name = optionalItems[i] as string;
      edges[n++] = this.edge(name, '', 'optional', optionalItems[i + 1] as string, '.', line);
    }
    if (peers !== undefined)
      for (let i = 0; i + 1 < peers.length; i += 2) {
        const name = peers[i] as string;
        const edge: LockEdge = { name, spec: peers[i + 1] as string, kind: 'peer' };
        if (meta?.optionalPeers?.includes(name) === true) edge.optional = true;
        const ref = valueOf(depItems, deps.n, name) ?? valueOf(optionalItems, optional.n, name);
        if (ref !== undefined) {
          const target = this.edge(name, edge.spec, 'peer', ref, '.', line).target;
          if (target !== undefined) edge.target = target;
        }
        edges[n++] = edge;
      }
    if (n !== 0) pkg.dependencies = edges.slice(0, n);
  }

  /** The line of `key` in a mapping inside an entry (depth 2), for problems. */
  private deepLine(map: YamlMap, key: string): number | undefined {
    if (this.keyLineDepth < 2) this.neededDeepLine = true;
    return this.lines.get(map, key);
  }

  // ---- version -------------------------------------------------------------------------------

  private readVersion(doc: YamlMap): void {
    const raw = doc.get('lockfileVersion');
    const line = this.lines.get(doc, 'lockfileVersion');
    const guess = guessStyle(doc);
    if (typeof raw !== 'string' || raw === '') {
      this.report(
        'lockfile-version-missing',
        'warning',
        `no lockfileVersion; read as a ${guess}.x lockfile`,
        line,
      );
      this.style = guess;
      return;
    }
    this.result.formatVersion = raw;
    const major = Number.parseInt(raw, 10);
    if (major === 5) this.style = 5;
    else if (major === 6) this.style = 6;
    else if (major === 9) this.style = 9;
    else {
      this.style = major > 9 ? 9 : guess;
      this.report(
        'lockfile-version-unknown',
        'warning',
        `lockfileVersion ${sanitize(raw)} is not one depwarden knows (5.x, 6.0, 9.0); read as ${this.style === 5 ? '5.x' : `${this.style}.0`}`,
        line,
        'Results may be incomplete; please report the pnpm version that wrote this file.',
      );
    }
  }

  // ---- packages ------------------------------------------------------------------------------

  private section(doc: YamlMap, name: string): YamlMap | undefined {
    const value = doc.get(name);
    if (value === undefined || value === '') return undefined;
    if (isMap(value)) return value;
    this.report(
      'lockfile-section-invalid',
      'error',
      `\`${name}\` must be a mapping; it was ignored`,
      this.lines.get(doc, name),
    );
    return undefined;
  }

  private readPackages(doc: YamlMap): void {
    const packages = this.section(doc, 'packages');
    if (this.style === 9) {
      const snapshots = this.section(doc, 'snapshots');
      const used = new Set<string>();
      if (snapshots !== undefined) {
        for (const [key, entry] of snapshots) {
          const base = stripPeerSuffix(key, 9);
          const meta = packages?.get(base);
          used.add(base);
          this.addPackage(key, entry, snapshots, meta, packages, base, entry, meta);
        }
      }
      if (packages !== undefined) {
        for (const [key, meta] of packages) {
          if (used.has(key)) continue;
          // Edges as for any 9.0 package: from a snapshot of that key if there is one.
          const edgeEntry = snapshots?.get(key) ?? meta;
          const edgeMeta = packages.get(stripPeerSuffix(key, 9));
          this.addPackage(key, meta, packages, meta, packages, key, edgeEntry, edgeMeta);
        }
      }
    } else if (packages !== undefined) {
      for (const [key, meta] of packages)
        this.addPackage(key, meta, packages, meta, packages, key, meta, meta);
    }
  }

  /**
   * One LockPackage for `key` of `owner` (snapshots or packages); `meta` is the packages entry
   * with its resolution (the same entry in 5.x/6.0).
   */
  private addPackage(
    key: string,
    entry: YamlValue | undefined,
    owner: YamlMap,
    meta: YamlValue | undefined,
    packages: YamlMap | undefined,
    metaKey: string,
    edgeEntry: YamlValue | undefined,
    edgeMeta: YamlValue | undefined,
  ): void {
    const line = this.lines.get(owner, key);
    if (!isMap(entry) && !(entry === '' && owner !== packages)) {
      this.report(
        'lockfile-entry-invalid',
        'error',
        `package entry "${sanitize(key)}" must be a mapping; it was skipped`,
        line,
      );
      return;
    }
    const metaMap = isMap(meta) ? meta : undefined;
    if (metaMap === undefined && owner !== packages) {
      this.report(
        'lockfile-entry-invalid',
        'warning',
        `snapshot "${sanitize(key)}" has no packages entry`,
        line,
      );
    }
    const parsed = parseDepPath(key, this.style);
    const nameField = metaMap?.get('name');
    const versionField = metaMap?.get('version');
    const name = typeof nameField === 'string' ? nameField : parsed?.name;
    let version = typeof versionField === 'string' ? versionField : parsed?.version;
    if (name === undefined || version === undefined) {
      this.report(
        'lockfile-entry-invalid',
        'error',
        `cannot read a name and version from "${sanitize(key)}"; skipped`,
        line,
      );
      return;
    }
    const runtime = version.startsWith('runtime:');
    if (runtime) version = version.slice('runtime:'.length);
    const pkg: LockPackage = { key, name, version, source: 'registry', dependencies: [], line };
    this.classify(pkg, metaMap, parsed?.version, packages, metaKey);
    if (this.style !== 9 && metaMap !== undefined) {
      const stated: { dev?: boolean; optional?: boolean } = {};
      const dev = metaMap.get('dev');
      if (dev === 'true' || dev === 'false') stated.dev = dev === 'true';
      if (metaMap.get('optional') === 'true') stated.optional = true;
      if (stated.dev !== undefined || stated.optional !== undefined) pkg.stated = stated;
    }
    this.byKey.set(key, pkg);
    if (parsed !== undefined) this.indexByNameRef(key, parsed.name, pkg);
    this.result.packages.push(pkg);
    this.edgeSources.push({
      entry: isMap(edgeEntry) ? edgeEntry : undefined,
      meta: isMap(edgeMeta) ? edgeMeta : undefined,
    });
  }

  /** Files `key` (`name@ref`, `/name@ref` or `/name/ref`, by style) under its name and ref. */
  private indexByNameRef(key: string, name: string, pkg: LockPackage): void {
    const ref = key.slice(name.length + (this.style === 9 ? 1 : 2));
    const refs = this.byNameRef.get(name);
    if (refs === undefined) this.byNameRef.set(name, { name, ref, pkg, more: undefined });
    else {
      // The same name string for every package of that name.
      if (pkg.name === refs.name) pkg.name = refs.name;
      if (refs.ref === ref) refs.pkg = pkg;
      else (refs.more ??= new Map()).set(ref, pkg);
    }
  }

  /** Sets source, resolved and integrity from the entry's resolution. */
  private classify(
    pkg: LockPackage,
    meta: YamlMap | undefined,
    keyVersion: string | undefined,
    packages: YamlMap | undefined,
    metaKey: string,
  ): void {
    const resolution = meta?.get('resolution');
    const metaLine = (): number | undefined =>
      packages === undefined ? pkg.line : this.lines.get(packages, metaKey);
    if (!isMap(resolution)) {
      if (meta !== undefined) {
        const what =
          resolution === undefined ? 'has no resolution' : 'has a resolution that is not a mapping';
        this.report(
          'lockfile-entry-invalid',
          'warning',
          `package "${sanitize(pkg.key)}" ${what}`,
          this.deepLine(meta, 'resolution') ?? metaLine(),
        );
      }
      pkg.source =
        keyVersion !== undefined && semver.valid(keyVersion) !== null ? 'registry' : 'tarball';
      return;
    }
    const type = resolution.get('type');
    const known = applyResolution(
      pkg,
      keyVersion,
      str(resolution, 'integrity'),
      str(resolution, 'tarball'),
      type === undefined ? undefined : typeof type === 'string' ? type : null,
      str(resolution, 'directory'),
      str(resolution, 'repo'),
      str(resolution, 'commit'),
    );
    if (!known) this.reportUnknownResolution(pkg, String(type), metaLine());
  }

  private reportUnknownResolution(pkg: LockPackage, type: string, line: number | undefined): void {
    this.report(
      'lockfile-resolution-unknown',
      'note',
      `package "${sanitize(pkg.key)}" has a resolution of type "${sanitize(type)}"; treated as a tarball`,
      line,
    );
  }

  // ---- importers -----------------------------------------------------------------------------

  private readImporters(doc: YamlMap): void {
    const importers = this.section(doc, 'importers');
    if (importers === undefined) {
      // Single-project 5.x/6.0 files keep the root importer's fields at the top level.
      this.importerPaths.add('.');
      this.result.importers.push(this.readImporter('.', doc, doc));
      return;
    }
    const entries: [string, string][] = [];
    for (const key of importers.keys()) {
      const path = joinPosix(key) || '.';
      this.importerPaths.add(path);
      entries.push([key, path]);
    }
    for (const [key, path] of entries) {
      const entry = importers.get(key);
      if (!isMap(entry)) {
        if (entry !== '') {
          this.report(
            'lockfile-entry-invalid',
            'warning',
            `importer "${sanitize(key)}" must be a mapping`,
            this.lines.get(importers, key),
          );
        }
        this.result.importers.push(this.importerShell(path));
        continue;
      }
      this.result.importers.push(this.readImporter(path, entry, importers, key));
    }
  }

  private importerShell(path: string): LockImporter {
    const imp: LockImporter = { path, dependencies: [] };
    const manifest = manifestFor(this.input, path);
    if (manifest?.name !== undefined) imp.name = manifest.name;
    if (manifest?.version !== undefined) imp.version = manifest.version;
    return imp;
  }

  private readImporter(path: string, entry: YamlMap, owner: YamlMap, key?: string): LockImporter {
    const imp = this.importerShell(path);
    const line = key === undefined ? undefined : this.lines.get(owner, key);
    const specifiers = entry.get('specifiers');
    for (const [section, kind] of IMPORTER_SECTIONS) {
      const deps = entry.get(section);
      if (deps === undefined || deps === '') continue;
      const lineOf = (): number | undefined => this.deepLine(entry, section) ?? line;
      if (!isMap(deps)) {
        this.report(
          'lockfile-entry-invalid',
          'warning',
          `${section} of importer "${sanitize(path)}" must be a mapping`,
          lineOf(),
        );
        continue;
      }
      for (const [name, value] of deps) {
        let ref: YamlValue | undefined = value;
        let spec = '';
        if (isMap(value)) {
          ref = value.get('version');
          spec = str(value, 'specifier') ?? '';
        } else if (isMap(specifiers)) {
          const written = specifiers.get(name);
          if (typeof written === 'string') spec = written;
        }
        if (typeof ref !== 'string') {
          this.report(
            'lockfile-entry-invalid',
            'warning',
            `${section}.${sanitize(name)} of importer "${sanitize(path)}" has no version`,
            lineOf(),
          );
          imp.dependencies.push({ name, spec, kind });
          continue;
        }
        imp.dependencies.push(this.edge(name, spec, kind, ref, path, lineOf));
      }
    }
    return imp;
  }

  // ---- edges ---------------------------------------------------------------------------------

  /** An edge from a dependent at `from` (an importer path, or '.' for packages) to `ref`. */
  private edge(
    name: string,
    spec: string,
    kind: EdgeKind,
    ref: string,
    from: string,
    line: number | undefined | (() => number | undefined),
  ): LockEdge {
    // The common case first: a version (with its peer suffix) of the package named `name`.
    const refs =
      ref.charCodeAt(0) === 0x2f /* / */ || ref.startsWith(LINK_PREFIX)
        ? undefined
        : this.byNameRef.get(name);
    if (refs !== undefined) {
      const direct = refs.ref === ref ? refs.pkg : refs.more?.get(ref);
      if (direct !== undefined) {
        this.noteAlias(direct, refs.name);
        // Built whole: adding `target` afterwards would cost every edge a shape transition.
        return { name: refs.name, spec, kind, target: direct.key };
      }
    }
    const target = this.resolve(name, ref, from);
    if (target === undefined) {
      this.report(
        'lockfile-dependency-unresolved',
        'warning',
        `"${sanitize(name)}" (${sanitize(ref)}) has no entry in the lockfile`,
        typeof line === 'function' ? line() : line,
      );
      return { name, spec, kind };
    }
    const pkg = this.byKey.get(target);
    if (pkg !== undefined) this.noteAlias(pkg, name);
    return { name, spec, kind, target };
  }

  /** Records that `pkg` is also installed under `name` (an npm alias). */
  private noteAlias(pkg: LockPackage, name: string): void {
    if (pkg.name !== name && pkg.source !== 'link') {
      if (pkg.aliases === undefined) pkg.aliases = [name];
      else if (!pkg.aliases.includes(name)) pkg.aliases.push(name);
    }
  }

  private resolve(name: string, ref: string, from: string): string | undefined {
    if (ref.startsWith(LINK_PREFIX))
      return this.linkTarget(name, joinPosix(from, ref.slice(LINK_PREFIX.length)) || '.');
    const byKey = this.byKey;
    let key: string;
    if (this.style === 9) key = `${name}@${ref}`;
    else if (ref.startsWith('/')) key = ref;
    else key = this.style === 6 ? `/${name}@${ref}` : `/${name}/${ref}`;
    if (byKey.has(key)) return key;
    if (byKey.has(ref)) return ref; // an alias (9.0 `real@1.0.0`) or a non-registry key
    // A peer context without its own entry: fall back to the package itself.
    const base = stripPeerSuffix(key, this.style);
    if (byKey.has(base)) return base;
    if (this.style === 9 && splitNameVersion(ref) !== undefined) {
      const aliasBase = stripPeerSuffix(ref, 9);
      if (byKey.has(aliasBase)) return aliasBase;
    }
    return undefined;
  }

  /** `link:` to another importer, or else to a linked folder outside the workspace. */
  private linkTarget(name: string, path: string): string {
    if (this.importerPaths.has(path)) return `${IMPORTER_PREFIX}${path}`;
    const key = `${LINK_PREFIX}${path}`;
    if (!this.byKey.has(key)) {
      const pkg: LockPackage = {
        key,
        name,
        version: '',
        source: 'link',
        resolved: key,
        dependencies: [],
      };
      this.byKey.set(key, pkg);
      this.linkPackages.push(pkg);
    }
    return key;
  }

  private readPackageEdges(): void {
    const packages = this.result.packages;
    const sources = this.edgeSources;
    for (let i = 0; i < packages.length; i++) {
      const source = sources[i];
      const pkg = packages[i];
      if (source?.entry === undefined || pkg === undefined) continue;
      this.readEdges(pkg, source.entry, source.meta);
    }
  }

  private readEdges(pkg: LockPackage, entry: YamlMap, meta: YamlMap | undefined): void {
    const line = pkg.line;
    const deps = this.edgeMap(entry, 'dependencies', pkg);
    const optional = this.edgeMap(entry, 'optionalDependencies', pkg);
    const peers = meta === undefined ? undefined : this.edgeMap(meta, 'peerDependencies', pkg);
    const peerMeta = meta?.get('peerDependenciesMeta');
    if (deps !== undefined)
      for (const [name, ref] of deps) {
        if (peers?.has(name) === true) continue;
        if (typeof ref === 'string')
          pkg.dependencies.push(this.edge(name, '', 'prod', ref, '.', line));
      }
    if (optional !== undefined)
      for (const [name, ref] of optional) {
        if (typeof ref === 'string')
          pkg.dependencies.push(this.edge(name, '', 'optional', ref, '.', line));
      }
    if (peers !== undefined)
      for (const [name, range] of peers) {
        const edge: LockEdge = { name, spec: typeof range === 'string' ? range : '', kind: 'peer' };
        const info = isMap(peerMeta) ? peerMeta.get(name) : undefined;
        if (isMap(info) && info.get('optional') === 'true') edge.optional = true;
        const ref = deps?.get(name) ?? optional?.get(name);
        if (typeof ref === 'string') {
          const target = this.edge(name, edge.spec, 'peer', ref, '.', line).target;
          if (target !== undefined) edge.target = target;
        }
        pkg.dependencies.push(edge);
      }
  }

  private edgeMap(entry: YamlMap, section: string, pkg: LockPackage): YamlMap | undefined {
    const value = entry.get(section);
    if (value === undefined || value === '') return undefined;
    if (isMap(value)) return value;
    this.report(
      'lockfile-entry-invalid',
      'warning',
      `${section} of "${sanitize(pkg.key)}" must be a mapping`,
      this.deepLine(entry, section) ?? pkg.line,
    );
    return undefined;
  }
}

/** The lockfile among the documents: the last mapping with a lockfileVersion, else the last mapping. */
function pickDocument(documents: YamlValue[]): YamlMap | undefined {
  let fallback: YamlMap | undefined;
  for (let i = documents.length - 1; i >= 0; i--) {
    const doc = documents[i];
    if (!isMap(doc)) continue;
    if (doc.get('lockfileVersion') !== undefined) return doc;
    fallback ??= doc;
  }
  return fallback;
}

/** For files without a usable version: 9.0 has snapshots, 6.0 keys have `@` after the name. */
function guessStyle(doc: YamlMap): KeyStyle {
  if (doc.get('snapshots') !== undefined) return 9;
  const packages = doc.get('packages');
  if (isMap(packages)) {
    for (const key of packages.keys()) {
      if (/^\/(?:@[^/]+\/)?[^/@]+@/.test(key)) return 6;
      if (key.startsWith('/')) return 5;
    }
  }
  return 5;
}

/**
 * Sets source, resolved and integrity from a resolution's fields (each undefined when absent or
 * not a string; `type` null when present but not a string). False for a resolution type this
 * parser does not know, which is then read as a tarball.
 */
function applyResolution(
  pkg: LockPackage,
  keyVersion: string | undefined,
  integrity: string | undefined,
  tarball: string | undefined,
  type: string | null | undefined,
  directory: string | undefined,
  repo: string | undefined,
  commit: string | undefined,
): boolean {
  if (integrity !== undefined) pkg.integrity = integrity;
  if (tarball !== undefined) pkg.resolved = tarball;
  if (type === undefined) {
    if (tarball === undefined) pkg.source = 'registry';
    else if (tarball.startsWith('file:')) pkg.source = 'file';
    else if (keyVersion !== undefined && semver.valid(keyVersion) !== null) pkg.source = 'registry';
    else pkg.source = isGitHostedTarball(tarball, pkg.key) ? 'git' : 'tarball';
    return true;
  }
  if (type === 'directory') {
    pkg.source = 'file';
    if (directory !== undefined) pkg.resolved = directory;
    return true;
  }
  if (type === 'git') {
    pkg.source = 'git';
    if (repo !== undefined) pkg.resolved = commit !== undefined ? `${repo}#${commit}` : repo;
    return true;
  }
  // pnpm 11 runtimes (`node@runtime:26.7.0`, resolution `type: variations`) and anything newer:
  // a download from outside the registry, so the closest kind is a tarball.
  pkg.source = 'tarball';
  return false;
}

/** The value after `name` in a flat name, value list (its first `n` items). */
function valueOf(pairs: readonly string[], n: number, name: string): string | undefined {
  for (let i = 0; i + 1 < n; i += 2) if (pairs[i] === name) return pairs[i + 1];
  return undefined;
}

/** Hosted-git tarballs: pnpm fetches git dependencies on known hosts as commit archives. */
function isGitHostedTarball(tarball: string, key: string): boolean {
  if (/^https?:\/\/codeload\.github\.com\//.test(tarball)) return true;
  if (
    /^https?:\/\/(?:gitlab\.com|bitbucket\.org)\/[^/]+\/[^/]+\/(?:-\/archive|get)\//.test(tarball)
  )
    return true;
  return /^(?:github\.com|gitlab\.com|bitbucket\.org)\//.test(key);
}
