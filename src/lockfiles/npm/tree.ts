/**
 * The node_modules tree both npm lockfile layouts describe, and edge resolution over it.
 *
 * Every entry sits at an install location (`node_modules/a/node_modules/b`, a workspace folder
 * `packages/x`, or `''` for the project root). A dependency named `c` of the entry at `P` is
 * whatever Node's module resolution finds first: `P/node_modules/c`, then the same from each
 * enclosing package (`node_modules/a/node_modules/c`), then from each enclosing folder, up to
 * `node_modules/c` at the root. That is the tree npm built, so it is also how npm's own
 * loadVirtual() links edges. Link entries are not packages: they forward to their target.
 */
import { problem, type Problem } from '../../errors/index.js';
import type { EdgeKind, LockEdge, LockfileInput, LockPackage } from '../types.js';
import type { EntryLines } from './lines.js';

export type TreeNode =
  | { type: 'package'; pkg: LockPackage; raw: Record<string, unknown> }
  | { type: 'link'; target: string }
  | { type: 'importer'; path: string };

export interface NpmContext {
  input: LockfileInput;
  problems: Problem[];
  lines: EntryLines;
  tree: InstallTree;
  packages: LockPackage[];
  /** Names already reported as unresolved: one note per name keeps the output readable. */
  unresolved: Set<string>;
}

export type DependencyField =
  'dependencies' | 'optionalDependencies' | 'peerDependencies' | 'devDependencies';

/** Fields a package's edges come from; devDependencies of installed packages are not installed. */
export const PACKAGE_FIELDS: readonly (readonly [DependencyField, EdgeKind])[] = [
  ['dependencies', 'prod'],
  ['optionalDependencies', 'optional'],
  ['peerDependencies', 'peer'],
];

export const IMPORTER_FIELDS: readonly (readonly [DependencyField, EdgeKind])[] = [
  ['dependencies', 'prod'],
  ['devDependencies', 'dev'],
  ['optionalDependencies', 'optional'],
  ['peerDependencies', 'peer'],
];

const NM = 'node_modules/';

/** The name a `node_modules/...` location installs (text after the last `node_modules/`). */
export function nameAtLocation(location: string): string {
  return location.slice(location.lastIndexOf(NM) + NM.length);
}

export function isNodeModulesLocation(location: string): boolean {
  return location.startsWith(NM) || location.includes(`/${NM}`);
}

/** Importer path of a folder location: '' (the root) is '.'. */
export function importerPath(location: string): string {
  return location === '' ? '.' : location;
}

/** A folder Node searches for packages: what its node_modules holds, and the next folder up. */
interface Folder {
  children: Map<string, TreeNode> | undefined;
  parent: Folder | undefined;
}

/**
 * Install locations, indexed for walk-up: each folder (`''`, `packages/x`, `node_modules/a`)
 * knows the names installed in its node_modules and its enclosing folder, so resolving an edge
 * is one Map lookup per level and no string building.
 */
export class InstallTree {
  private readonly nodes = new Map<string, TreeNode>();
  private readonly folders = new Map<string, Folder>();

  get(location: string): TreeNode | undefined {
    return this.nodes.get(location);
  }

  has(location: string): boolean {
    return this.nodes.has(location);
  }

  values(): IterableIterator<TreeNode> {
    return this.nodes.values();
  }

  /**
   * Records what is at `location`. Callers that built the location from its parent folder and
   * name pass them (`at`), sparing a search through the path.
   */
  set(location: string, node: TreeNode, at?: { folder: string; name: string }): void {
    this.nodes.set(location, node);
    let place = at;
    if (place === undefined) {
      const i = location.lastIndexOf(NM);
      if (i === -1 || (i !== 0 && location.charCodeAt(i - 1) !== 0x2f) /* / */) return;
      place = {
        folder: i === 0 ? '' : location.slice(0, i - 1),
        name: location.slice(i + NM.length),
      };
    }
    const folder = this.folder(place.folder);
    folder.children ??= new Map();
    folder.children.set(place.name, node);
    // The package's own folder, whose parent is the one just found (when found from the path
    // as parentLocation would; a caller's `at` may name a folder a hostile name disagrees
    // with): resolving its edges then starts with a hit instead of re-deriving the parent.
    if (at === undefined && node.type === 'package' && !this.folders.has(location))
      this.folders.set(location, { children: undefined, parent: folder });
  }

  /** Walks up from `from` the way Node resolves `require(name)`; returns the edge target. */
  resolve(from: string, name: string): string | undefined {
    for (
      let f: Folder | undefined = this.folders.get(from) ?? this.folder(from);
      f !== undefined;
      f = f.parent
    ) {
      const node = f.children?.get(name);
      if (node !== undefined) return this.targetOf(node);
    }
    return undefined;
  }

  /** The folder at `location`, created with its missing ancestors (iteratively: v2/v3 keys can nest without bound). */
  private folder(location: string): Folder {
    const existing = this.folders.get(location);
    if (existing !== undefined) return existing;
    const missing: string[] = [];
    let parent: Folder | undefined;
    for (let at: string | undefined = location; at !== undefined; at = parentLocation(at)) {
      parent = this.folders.get(at);
      if (parent !== undefined) break;
      missing.push(at);
    }
    let folder = parent;
    for (let i = missing.length - 1; i >= 0; i--) {
      folder = { children: undefined, parent: folder };
      this.folders.set(missing[i] as string, folder);
    }
    return folder as Folder;
  }

  private targetOf(node: TreeNode): string | undefined {
    if (node.type === 'package') return node.pkg.key;
    if (node.type === 'importer') return `importer:${node.path}`;
    // One hop only: npm never links to a link, and a hostile file must not loop us.
    const target = this.nodes.get(node.target);
    if (target === undefined || target.type === 'link') return undefined;
    return this.targetOf(target);
  }
}

/**
 * The next folder up whose node_modules Node would search: out of `.../node_modules/<name>`
 * (scoped names span two segments), otherwise the enclosing folder. Locations that climb out of
 * the project (`../local-pkg`) only search below themselves: the project root is not an ancestor.
 */
function parentLocation(dir: string): string | undefined {
  if (dir === '') return undefined;
  const nested = dir.lastIndexOf(`/${NM}`);
  if (nested !== -1) return dir.slice(0, nested);
  if (dir.startsWith(NM)) return '';
  if (dir === '..' || dir.startsWith('../')) return undefined;
  const slash = dir.lastIndexOf('/');
  return slash === -1 ? '' : dir.slice(0, slash);
}

/**
 * The `name: spec` map in one field of an entry, or undefined. A wrong type becomes a warning
 * and the field is skipped; the entry itself is kept (hiding a package because one field is
 * malformed would let a hostile lockfile hide it from the scan).
 */
export function specMap(
  ctx: NpmContext,
  raw: Record<string, unknown>,
  field: string,
  line: number | undefined,
): Record<string, unknown> | undefined {
  const value = raw[field];
  if (value === undefined) return undefined;
  if (isPlainRecord(value)) return value;
  ctx.problems.push(
    problem(
      'lockfile-entry-invalid',
      'warning',
      `"${field}" must be an object of name: spec; ignored`,
      {
        file: ctx.input.path,
        line,
      },
    ),
  );
  return undefined;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function badSpec(
  ctx: NpmContext,
  field: string,
  name: string,
  line: number | undefined,
): void {
  ctx.problems.push(
    problem(
      'lockfile-entry-invalid',
      'warning',
      `${field}.${JSON.stringify(name)} must be a string spec; ignored`,
      {
        file: ctx.input.path,
        line,
      },
    ),
  );
}

/** Names whose peerDependenciesMeta entry says `optional: true`. */
export function optionalPeers(raw: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  const meta = raw.peerDependenciesMeta;
  if (typeof meta !== 'object' || meta === null) return out;
  const m = meta as Record<string, unknown>;
  for (const name of Object.keys(m)) {
    const v = m[name];
    if (typeof v === 'object' && v !== null && (v as Record<string, unknown>).optional === true)
      out.add(name);
  }
  return out;
}

/** Edges of the entry at `from` from its dependency fields, resolved by walk-up. */
export function readEdges(
  ctx: NpmContext,
  raw: Record<string, unknown>,
  from: string,
  fields: readonly (readonly [DependencyField, EdgeKind])[],
  line: number | undefined,
): LockEdge[] {
  const edges = edgeScratch;
  let count = 0;
  let optional: Record<string, unknown> | undefined;
  let peerMeta: Set<string> | undefined;
  for (const [field, kind] of fields) {
    const map = specMap(ctx, raw, field, line);
    if (map === undefined) continue;
    for (const name of Object.keys(map)) {
      const spec = map[name];
      if (typeof spec !== 'string') {
        badSpec(ctx, field, name, line);
        continue;
      }
      if (kind === 'prod') {
        // A name in both dependencies and optionalDependencies is one optional edge (npm's rule).
        optional ??= isPlainRecord(raw.optionalDependencies) ? raw.optionalDependencies : NO_SPECS;
        if (Object.hasOwn(optional, name)) continue;
      }
      let optionalPeer = false;
      if (kind === 'peer') {
        peerMeta ??= optionalPeers(raw);
        optionalPeer = peerMeta.has(name);
      }
      const target = ctx.tree.resolve(from, name);
      const edge = newEdge(name, spec, kind, optionalPeer, target);
      if (target === undefined) noteUnresolved(ctx, edge, from, line);
      edges[count++] = edge;
    }
  }
  if (count === 0) return [];
  // An exact-size copy: a list grown by push keeps room for 17 edges whatever it holds, and
  // these lists live as long as the graph. The scratch list lets go of the edges it held.
  const list = edges.slice(0, count);
  edges.fill(undefined, 0, count);
  return list as LockEdge[];
}

/** Reused by every readEdges call (they never nest); holds no edge between calls. */
const edgeScratch: (LockEdge | undefined)[] = [];

/** An empty spec map for lookups (never written). */
const NO_SPECS: Record<string, unknown> = Object.freeze(
  Object.create(null) as Record<string, unknown>,
);

/**
 * An edge built in one literal with only the fields it has (an absent field, not an undefined
 * one), in the contract's field order: no shape change after allocation, no property backing
 * store, and the common case (a resolved edge) has one shape throughout.
 */
function newEdge(
  name: string,
  spec: string,
  kind: EdgeKind,
  optional: boolean,
  target: string | undefined,
): LockEdge {
  if (optional) {
    return target === undefined
      ? { name, spec, kind, optional }
      : { name, spec, kind, optional, target };
  }
  return target === undefined ? { name, spec, kind } : { name, spec, kind, target };
}

/**
 * A required edge npm would have installed but the tree lacks (optional and optional-peer
 * edges are routinely absent: other platforms, peers nobody provides). One note per name.
 */
export function noteUnresolved(
  ctx: NpmContext,
  edge: LockEdge,
  from: string,
  line: number | undefined,
): void {
  if (edge.kind === 'optional' || edge.optional === true || ctx.unresolved.has(edge.name)) return;
  ctx.unresolved.add(edge.name);
  const dependent = from === '' ? 'the root project' : JSON.stringify(from);
  ctx.problems.push(
    problem(
      'lockfile-edge-unresolved',
      'note',
      `${JSON.stringify(edge.name)} (${edge.spec}) needed by ${dependent} is not in the lockfile`,
      {
        file: ctx.input.path,
        line,
      },
    ),
  );
}

/** npm writes flags as `true`; v1 bundled entries sometimes say `"true"`. */
export function flag(value: unknown): boolean {
  return value === true || value === 'true';
}

/**
 * The dev/optional flags the entry states. `devOptional` means "needed by dev OR optional
 * paths", which neither flag expresses alone, so such entries state nothing and the graph
 * builder derives their kind from reachability.
 */
export function statedFlags(raw: Record<string, unknown>): LockPackage['stated'] {
  if (flag(raw.devOptional)) return undefined;
  return { dev: flag(raw.dev), optional: flag(raw.optional) };
}
