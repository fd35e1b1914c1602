/**
 * yarn classic `yarn.lock` (`# yarn lockfile v1`, every yarn 1.x release).
 *
 * Grammar, as yarn 1 writes it (neither YAML nor JSON):
 *
 *     # yarn lockfile v1                         comments start with `#`
 *
 *     "@babel/code-frame@^7.0.0", "@babel/code-frame@^7.10.4":   block key: descriptors, `, `-joined
 *       version "7.10.4"                         fields at 2 spaces: `name value`
 *       resolved "https://<registry>/@babel/code-frame/-/code-frame-7.10.4.tgz#<sha1>"
 *       integrity sha512-…                       values are quoted unless plain
 *       dependencies:                            sub-blocks at 2 spaces, entries at 4
 *         "@babel/highlight" "^7.10.4"
 *
 * Keys and values are double-quoted (JSON escapes) when they start with `@`, a digit or
 * `true`/`false`, or contain spaces, colons or commas. History: `integrity` arrived in yarn
 * 1.10; `uid ""` marks some `link:` entries; aliases (`foo@npm:bar@^1`) arrived in yarn 1.x
 * late and duplicate the block of the real package.
 *
 * What the file does not say: workspaces (they come from the root package.json `workspaces`
 * globs), and dev/optional flags (those come from the manifests, via the graph builder).
 * Blocks are deduplicated by identity (real name, version, resolved URL), so an alias block
 * and the ordinary block of the same package become one package with both descriptors.
 *
 * Hand-written line scanner: the file is walked by offsets (no split, no per-line regex);
 * a malformed line drops its block with a located problem and scanning goes on.
 */
import { closingQuote, quotedValue } from '../internal/quoted.js';
import { valid as validSemver } from 'semver';
import type { Manifest } from '../../manifest/index.js';
import { lineColumnAt } from '../../util/text.js';
import { manifestFor, matchWorkspaces } from '../internal/paths.js';
import { parseRegistryTarballUrl } from '../internal/registry-url.js';
import {
  Interner,
  isGitSpec,
  isHttpUrl,
  newPackage,
  parseNpmAlias,
  ProblemList,
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

/** One `key:` block as scanned. */
interface Block {
  line: number;
  descriptors: string[];
  version: string | undefined;
  resolved: string | undefined;
  integrity: string | undefined;
  /** Flat pairs: name, range, name, range… (undefined: none), one string per distinct value. */
  dependencies: string[] | undefined;
  optionalDependencies: string[] | undefined;
}

/** A package plus the raw dependency lists its edges are resolved from. */
interface PackageRecord {
  pkg: LockPackage;
  block: Block;
}

const SPACE = 32;
const TAB = 9;
const CR = 13;
const HASH = 35;
const QUOTE = 34;
const COLON = 58;
const COMMA = 44;

export function parseYarnV1(input: LockfileInput): ParsedLockfile {
  const problems = new ProblemList(input.path);
  checkHeader(input.text, problems);
  const blocks = scanBlocks(input.text, problems);
  const { records, byDescriptor } = buildPackages(blocks, problems);
  for (const { pkg, block } of records) {
    pkg.dependencies = blockEdges(block, byDescriptor);
  }
  const importers = readImporters(input, byDescriptor);
  return {
    format: 'yarn-v1',
    formatVersion: '1',
    file: input.path,
    importers,
    packages: records.map((r) => r.pkg),
    problems: problems.finish(),
  };
}

/** Warns when the header names a lockfile version other than 1 (none exists today). */
function checkHeader(text: string, problems: ProblemList): void {
  const at = text.indexOf('# yarn lockfile v');
  if (at === -1 || at > 4096) return;
  let end = at + '# yarn lockfile v'.length;
  while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
  const version = text.slice(at + '# yarn lockfile v'.length, end);
  if (version !== '1') {
    problems.add(
      'lockfile-version-unknown',
      'warning',
      `yarn lockfile v${version} is not known; read as v1`,
      {
        line: lineColumnAt(text, at).line,
      },
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Scanning

/** Reads the blocks of the file. Malformed lines drop their block and are reported. */
function scanBlocks(text: string, problems: ProblemList): Block[] {
  const blocks: Block[] = [];
  let block: Block | undefined;
  /** The 4-space entries go to this list (0: none, 1: dependencies, 2: optional). */
  let subList = 0;
  const strings = new Interner();
  /** True inside a sub-block we do not read (kept for forward compatibility). */
  let inOtherSub = false;
  let skipping = false;
  let lineNo = 0;
  let pos = 0;
  const length = text.length;

  const drop = (message: string, line: number, hint?: string): void => {
    problems.add('lockfile-entry-invalid', 'error', message, { line, ...(hint ? { hint } : {}) });
    block = undefined;
    skipping = true;
  };

  while (pos < length) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = length;
    const start = pos;
    pos = end + 1;
    lineNo++;
    if (end > start && text.charCodeAt(end - 1) === CR) end--;
    let i = start;
    while (i < end && text.charCodeAt(i) === SPACE) i++;
    if (i === end || text.charCodeAt(i) === HASH) continue;
    const indent = i - start;

    if (indent === 0) {
      if (text.charCodeAt(i) === TAB) {
        drop('tab indentation; yarn indents with two spaces', lineNo);
        continue;
      }
      if (block) blocks.push(block);
      block = undefined;
      subList = 0;
      inOtherSub = false;
      skipping = false;
      const descriptors = parseKeyList(text, start, end);
      if (descriptors === undefined) {
        const conflict = /^(<{7}|={7}|>{7})/.test(text.slice(start, start + 7));
        drop(
          conflict
            ? 'merge conflict marker in yarn.lock'
            : 'expected a block key like `name@range:`',
          lineNo,
          conflict
            ? 'Resolve the merge conflict (or run `yarn install`, which can fix it).'
            : undefined,
        );
        continue;
      }
      block = {
        line: lineNo,
        descriptors,
        version: undefined,
        resolved: undefined,
        integrity: undefined,
        dependencies: undefined,
        optionalDependencies: undefined,
      };
      continue;
    }

    if (skipping) continue;
    if (block === undefined) {
      drop('indented line outside any block', lineNo);
      continue;
    }
    if (text.charCodeAt(i) === TAB) {
      drop('tab indentation; yarn indents with two spaces', lineNo);
      continue;
    }

    if (indent === 2) {
      subList = 0;
      inOtherSub = false;
      const field = parseField(text, i, end);
      if (field === undefined) {
        drop('expected `name value` or `name:`', lineNo);
        continue;
      }
      if (field.value === undefined) {
        if (field.name === 'dependencies') subList = 1;
        else if (field.name === 'optionalDependencies') subList = 2;
        else inOtherSub = true;
        continue;
      }
      if (field.name === 'version') block.version = field.value;
      else if (field.name === 'resolved') block.resolved = field.value;
      else if (field.name === 'integrity') block.integrity = field.value;
      continue;
    }

    if (indent === 4 && (subList !== 0 || inOtherSub)) {
      const entry = parseField(text, i, end);
      if (entry === undefined || entry.value === undefined) {
        drop('expected `name range` in a dependency list', lineNo);
        continue;
      }
      if (subList === 0) continue;
      const list =
        subList === 1 ? (block.dependencies ??= []) : (block.optionalDependencies ??= []);
      list.push(strings.intern(entry.name), strings.intern(entry.value));
      continue;
    }
    drop(`unexpected indentation (${indent} spaces)`, lineNo);
  }
  if (block) blocks.push(block);
  return blocks;
}

/**
 * Parses `key1, "key 2", key3:` between start and end. Undefined when the line is not a
 * block key (no trailing colon, an empty or unterminated key).
 */
function parseKeyList(text: string, start: number, end: number): string[] | undefined {
  let last = end;
  while (last > start && text.charCodeAt(last - 1) === SPACE) last--;
  if (last === start || text.charCodeAt(last - 1) !== COLON) return undefined;
  last--; // the colon
  const keys: string[] = [];
  let i = start;
  while (i < last) {
    while (i < last && text.charCodeAt(i) === SPACE) i++;
    let key: string;
    if (text.charCodeAt(i) === QUOTE) {
      const quoted = readQuoted(text, i, last);
      if (quoted === undefined) return undefined;
      key = quoted.value;
      i = quoted.next;
      while (i < last && text.charCodeAt(i) === SPACE) i++;
    } else {
      let j = i;
      while (j < last && text.charCodeAt(j) !== COMMA) j++;
      key = text.slice(i, j).trim();
      i = j;
    }
    if (key === '') return undefined;
    keys.push(key);
    if (i < last) {
      if (text.charCodeAt(i) !== COMMA) return undefined;
      i++;
      if (i >= last) return undefined; // trailing comma
    }
  }
  return keys.length > 0 ? keys : undefined;
}

/**
 * Parses `name value` or `name:` starting at i. The name and the value may each be quoted.
 * Undefined when neither shape fits.
 */
function parseField(
  text: string,
  i: number,
  end: number,
): { name: string; value?: string } | undefined {
  let name: string;
  if (text.charCodeAt(i) === QUOTE) {
    const quoted = readQuoted(text, i, end);
    if (quoted === undefined) return undefined;
    name = quoted.value;
    i = quoted.next;
  } else {
    let j = i;
    while (j < end) {
      const c = text.charCodeAt(j);
      if (c === SPACE || c === COLON) break;
      j++;
    }
    name = text.slice(i, j);
    i = j;
  }
  if (name === '') return undefined;
  let last = end;
  while (last > i && text.charCodeAt(last - 1) === SPACE) last--;
  if (i === last) return undefined; // `name` alone
  if (text.charCodeAt(i) === COLON) return i + 1 === last ? { name } : undefined;
  while (i < last && text.charCodeAt(i) === SPACE) i++;
  if (text.charCodeAt(i) === QUOTE) {
    const quoted = readQuoted(text, i, last);
    if (quoted === undefined || quoted.next !== last) return undefined;
    return { name, value: quoted.value };
  }
  return { name, value: text.slice(i, last) };
}

/** Reads a double-quoted string (JSON escapes) at i; undefined when unterminated or invalid. */
function readQuoted(
  text: string,
  i: number,
  end: number,
): { value: string; next: number } | undefined {
  const close = closingQuote(text, i, end);
  if (close === -1) return undefined;
  const value = quotedValue(text, i, close);
  return value === undefined ? undefined : { value, next: close + 1 };
}

// ---------------------------------------------------------------------------------------------
// Packages

/**
 * Turns blocks into packages, merging blocks of the same identity, and maps every
 * descriptor to its package key.
 */
function buildPackages(
  blocks: Block[],
  problems: ProblemList,
): { records: PackageRecord[]; byDescriptor: Map<string, string> } {
  const records: PackageRecord[] = [];
  const byIdentity = new Map<string, PackageRecord>();
  const usedKeys = new Set<string>();
  const byDescriptor = new Map<string, string>();
  const descriptorLine = new Map<string, number>();

  for (const block of blocks) {
    if (block.version === undefined) {
      problems.add(
        'lockfile-entry-invalid',
        'error',
        `entry ${block.descriptors[0] ?? ''} has no version`,
        {
          line: block.line,
        },
      );
      continue;
    }
    const { name, range } = realDescriptor(block.descriptors[0] as string);
    const { source, unknown } = classify(block, range);
    if (unknown) {
      problems.add(
        'lockfile-source-unknown',
        'note',
        `cannot tell where ${name}@${block.version} comes from; treated as a tarball`,
        { line: block.line },
      );
    }
    const identity =
      source === 'registry'
        ? `${name}@${block.version}\0${block.resolved ?? ''}`
        : `${name}@${block.resolved ?? range}`;
    let record = byIdentity.get(identity);
    if (record === undefined) {
      const key = uniqueKey(
        source === 'registry' ? `${name}@${block.version}` : `${name}@${block.resolved ?? range}`,
        block,
        usedKeys,
      );
      // link:/file: blocks record no URL; the spec names the folder, relative to the lockfile.
      const resolved =
        block.resolved ?? (source === 'link' || source === 'file' ? range : undefined);
      const pkg = newPackage(
        key,
        name,
        block.version,
        source,
        resolved,
        block.integrity,
        block.line,
      );
      record = { pkg, block };
      byIdentity.set(identity, record);
      records.push(record);
    }
    for (const descriptor of block.descriptors) {
      const previous = descriptorLine.get(descriptor);
      if (previous !== undefined) {
        problems.add(
          'lockfile-duplicate-key',
          'warning',
          `${descriptor} is also listed at line ${previous}; the later entry is used`,
          { line: block.line },
        );
      }
      descriptorLine.set(descriptor, block.line);
      byDescriptor.set(descriptor, record.pkg.key);
      const alias = splitDescriptor(descriptor).name;
      if (alias !== name) addAlias(record.pkg, alias);
    }
  }
  return { records, byDescriptor };
}

/** The real name and range of a descriptor: the alias target for `foo@npm:bar@^1`. */
function realDescriptor(descriptor: string): { name: string; range: string } {
  const split = splitDescriptor(descriptor);
  return parseNpmAlias(split.range) ?? split;
}

/**
 * Where a block's bytes come from. The `resolved` URL decides when present (registry
 * tarballs by path shape); otherwise the range does, and a bare semver version means a
 * registry package installed without a recorded URL (offline mirrors, old yarn).
 */
function classify(block: Block, range: string): { source: PackageSource; unknown: boolean } {
  const resolved = block.resolved;
  if (resolved !== undefined) {
    if (parseRegistryTarballUrl(resolved) !== undefined)
      return { source: 'registry', unknown: false };
    return fromSpec(resolved) ?? { source: 'tarball', unknown: true };
  }
  const fromRange = fromSpec(range);
  if (fromRange) return fromRange;
  if (validSemver(block.version ?? '') !== null) return { source: 'registry', unknown: false };
  return { source: 'tarball', unknown: true };
}

function fromSpec(spec: string): { source: PackageSource; unknown: boolean } | undefined {
  if (spec.startsWith('link:')) return { source: 'link', unknown: false };
  if (spec.startsWith('file:')) return { source: 'file', unknown: false };
  if (isGitSpec(spec)) return { source: 'git', unknown: false };
  if (isHttpUrl(spec)) return { source: 'tarball', unknown: false };
  return undefined;
}

/** The preferred key, or a line-qualified one when another identity already holds it. */
function uniqueKey(preferred: string, block: Block, used: Set<string>): string {
  const key = used.has(preferred) ? `${preferred}::line=${block.line}` : preferred;
  used.add(key);
  return key;
}

function addAlias(pkg: LockPackage, alias: string): void {
  if (pkg.aliases === undefined) pkg.aliases = [alias];
  else if (!pkg.aliases.includes(alias)) pkg.aliases.push(alias);
}

// ---------------------------------------------------------------------------------------------
// Edges and importers

function blockEdges(block: Block, byDescriptor: Map<string, string>): LockEdge[] {
  const deps = block.dependencies;
  const optional = block.optionalDependencies;
  const count = ((deps?.length ?? 0) + (optional?.length ?? 0)) >> 1;
  if (count === 0) return [];
  // Sized up front: a pushed-to array reserves room for 17 edges at its first push.
  const edges = new Array<LockEdge>(count);
  let n = 0;
  if (deps !== undefined) {
    for (let i = 0; i < deps.length; i += 2) {
      const name = deps[i] as string;
      const range = deps[i + 1] as string;
      edges[n++] = edge(name, range, 'prod', byDescriptor.get(`${name}@${range}`));
    }
  }
  if (optional !== undefined) {
    for (let i = 0; i < optional.length; i += 2) {
      const name = optional[i] as string;
      const range = optional[i + 1] as string;
      edges[n++] = edge(name, range, 'optional', byDescriptor.get(`${name}@${range}`));
    }
  }
  return edges;
}

/** An edge built whole (a field added later would cost it an out-of-object property). */
function edge(name: string, spec: string, kind: EdgeKind, target: string | undefined): LockEdge {
  return target === undefined ? { name, spec, kind } : { name, spec, kind, target };
}

/**
 * The root package.json and the workspaces its `workspaces` globs select. Their edges are
 * the manifests' dependency fields, looked up as `name@spec` descriptors like yarn does; a
 * dependency on a sibling workspace that the lockfile does not list resolves to it.
 */
function readImporters(input: LockfileInput, byDescriptor: Map<string, string>): LockImporter[] {
  const root = manifestFor(input, '.');
  if (root === undefined) return [];
  const workspaces: { path: string; manifest: Manifest }[] = [{ path: '.', manifest: root }];
  for (const path of matchWorkspaces(input, root.workspaces)) {
    const manifest = manifestFor(input, path);
    if (manifest) workspaces.push({ path, manifest });
  }
  const workspaceByName = new Map<string, string>();
  for (const { path, manifest } of workspaces) {
    if (manifest.name !== undefined && !workspaceByName.has(manifest.name)) {
      workspaceByName.set(manifest.name, path);
    }
  }
  return workspaces.map(({ path, manifest }) => {
    const importer: LockImporter = { path, dependencies: [] };
    if (manifest.name !== undefined) importer.name = manifest.name;
    if (manifest.version !== undefined) importer.version = manifest.version;
    importer.dependencies = manifestEdges(manifest, (name, spec) => {
      const target = byDescriptor.get(`${name}@${spec}`);
      if (target !== undefined) return target;
      const workspace = workspaceByName.get(name);
      return workspace === undefined ? undefined : `importer:${workspace}`;
    });
    return importer;
  });
}

const MANIFEST_FIELDS: readonly [keyof Manifest & string, EdgeKind][] = [
  ['dependencies', 'prod'],
  ['devDependencies', 'dev'],
  ['optionalDependencies', 'optional'],
  ['peerDependencies', 'peer'],
];

/**
 * A manifest's dependency edges. A name in both `dependencies` and `optionalDependencies`
 * is optional (the package managers let the optional entry win).
 */
function manifestEdges(
  manifest: Manifest,
  resolve: (name: string, spec: string) => string | undefined,
): LockEdge[] {
  const edges: LockEdge[] = [];
  for (const [field, kind] of MANIFEST_FIELDS) {
    const deps = manifest[field] as Record<string, string>;
    for (const name of Object.keys(deps)) {
      if (kind === 'prod' && Object.hasOwn(manifest.optionalDependencies, name)) continue;
      const spec = deps[name] as string;
      const out: LockEdge = { name, spec, kind };
      if (kind === 'peer' && manifest.optionalPeers.has(name)) out.optional = true;
      const target = resolve(name, spec);
      if (target !== undefined) out.target = target;
      edges.push(out);
    }
  }
  return edges;
}
