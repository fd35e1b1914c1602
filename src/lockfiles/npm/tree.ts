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
  /** Plain objects inherit enumerable keys (someone added to Object.prototype): for-in loops skip them. */
  inherited: boolean;
}

/** True when plain objects inherit an enumerable key, which a for-in loop would visit. */
export function inheritsKeys(): boolean {
  let count = 0;
  for (const key in EMPTY_OBJECT) if (typeof key === 'string') count++;
  return count > 0;
}

const EMPTY_OBJECT = {};

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

export const NM = 'node_modules/';
/** `/node_modules/`, built once (a template literal per call would build it per entry). */
const NM_INSIDE = `/${NM}`;

/** The name a `node_modules/...` location installs (text after the last `node_modules/`). */
export function nameAtLocation(location: string): string {
  return location.slice(location.lastIndexOf(NM) + NM.length);
}

export function isNodeModulesLocation(location: string): boolean {
  // A character test first and a slice compared by ===: V8's startsWith costs several times more.
  return (
    (location.charCodeAt(12) === 0x2f /* / */ && location.slice(0, NM.length) === NM) ||
    location.includes(NM_INSIDE)
  );
}

/** Importer path of a folder location: '' (the root) is '.'. */
export function importerPath(location: string): string {
  return location === '' ? '.' : location;
}

/** A folder Node searches for packages: what its node_modules holds, and the next folder up. */
export interface Folder {
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
    // For a caller's `at`, the package's own folder is indexed up front only when
    // parentLocation would find that same parent from the path: unless a hostile name holds
    // `node_modules/` itself.
    if (at !== undefined) this.place(location, node, at.folder, at.name, !at.name.includes(NM));
    else this.setInstalled(location, node, location.lastIndexOf(NM));
  }

  /**
   * set() for a caller that already found where the last `node_modules/` in `location` starts
   * (`nmAt`, -1 for none), and optionally the name after it.
   */
  setInstalled(location: string, node: TreeNode, nmAt: number, name?: string): void {
    if (nmAt === -1 || (nmAt !== 0 && location.charCodeAt(nmAt - 1) !== 0x2f) /* / */) {
      this.nodes.set(location, node);
      return;
    }
    const parent = nmAt === 0 ? '' : location.slice(0, nmAt - 1);
    this.place(location, node, parent, name ?? location.slice(nmAt + NM.length), true);
  }

  /**
   * Adds `node` under `name` to the node_modules of folder `parent`. With `ownFolder`, a
   * package's own folder is indexed too, its parent the one just found: resolving its edges
   * then starts with a hit instead of re-deriving the parent from the path.
   */
  private place(
    location: string,
    node: TreeNode,
    parent: string,
    name: string,
    ownFolder: boolean,
  ): void {
    this.nodes.set(location, node);
    const folder = this.folder(parent);
    (folder.children ??= new Map()).set(name, node);
    if (ownFolder && node.type === 'package' && !this.folders.has(location))
      this.folders.set(location, { children: undefined, parent: folder });
  }

  /** Walks up from `from` the way Node resolves `require(name)`; returns the edge target. */
  resolve(from: string, name: string): string | undefined {
    return this.resolveIn(this.folderAt(from), name);
  }

  /** The folder edges from `from` start at: found once for all of an entry's edges. */
  folderAt(from: string): Folder {
    return this.folders.get(from) ?? this.folder(from);
  }

  /** resolve() from a folder folderAt gave. */
  resolveIn(start: Folder, name: string): string | undefined {
    for (let f: Folder | undefined = start; f !== undefined; f = f.parent) {
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
  const nested = dir.lastIndexOf(NM_INSIDE);
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
  let folder: Folder | undefined;
  for (let f = 0; f < fields.length; f++) {
    const [field, kind] = fields[f] as readonly [DependencyField, EdgeKind];
    const map = specMap(ctx, raw, field, line);
    if (map === undefined) continue;
    // for-in reads names and values without building a key array per map; it would also
    // visit keys inherited from a tampered Object.prototype, which hasOwn then skips.
    for (const name in map) {
      if (ctx.inherited && !Object.hasOwn(map, name)) continue;
      const spec = map[name];
      if (typeof spec !== 'string') {
        badSpec(ctx, field, name, line);
        continue;
      }
      if (kind === 'prod') {
        // A name in both dependencies and optionalDependencies is one optional edge (npm's rule).
        optional ??= isPlainRecord(raw.optionalDependencies) ? raw.optionalDependencies : NO_SPECS;
        if (optional !== NO_SPECS && Object.hasOwn(optional, name)) continue;
      }
      let optionalPeer = false;
      if (kind === 'peer') {
        peerMeta ??= optionalPeers(raw);
        optionalPeer = peerMeta.has(name);
      }
      folder ??= ctx.tree.folderAt(from);
      const target = ctx.tree.resolveIn(folder, name);
      const edge = newEdge(name, spec, kind, optionalPeer, target);
      if (target === undefined) noteUnresolved(ctx, edge, from, line);
      edges[count++] = edge;
    }
  }
  return takeEdges(count);
}

/**
 * Edges being collected for one entry (readEdges, and v1's requiresEdges; they never nest),
 * then taken out by takeEdges: between calls it holds none.
 */
export const edgeScratch: (LockEdge | undefined)[] = [];

/**
 * The first `count` edges of edgeScratch as a list of their own. An exact-size copy: a list
 * grown by push keeps room for 17 edges whatever it holds, and these lists live as long as
 * the graph. The scratch list then lets go of the edges it held.
 */
export function takeEdges(count: number): LockEdge[] {
  if (count === 0) return [];
  const list = edgeScratch.slice(0, count);
  for (let i = 0; i < count; i++) edgeScratch[i] = undefined;
  return list as LockEdge[];
}

/** An empty spec map for lookups (never written). */
const NO_SPECS: Record<string, unknown> = Object.freeze(
  Object.create(null) as Record<string, unknown>,
);

/**
 * An edge built in one literal with only the fields it has (an absent field, not an undefined
 * one), in the contract's field order: no shape change after allocation, no property backing
 * store, and the common case (a resolved edge) has one shape throughout.
 */
export function newEdge(
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
