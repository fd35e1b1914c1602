/**
 * How a package evolved: which published version came before the analysed one, and what a
 * version can do, read from the engine's alerts, so two versions can be compared.
 *
 * "Before" is semver order among the published versions, not publish time: a backported
 * 1.2.9 published after 2.0.0 is compared with 1.2.8, the release its users upgrade from. A
 * stable version is compared with the stable version below it (its users did not run the
 * prereleases between them); a prerelease with whatever version sorts just below it.
 */
import semver from 'semver';
import { isDeclarationFile } from '../analyzer/engine.js';
import { similarity } from '../analyzer/sketch.js';
import type { InventoryEntry, Packument, VersionView } from './types.js';

export function previousVersion(packument: Packument, version: string): string | undefined {
  const current = semver.parse(version);
  if (current === null) return undefined;
  const stable = current.prerelease.length === 0;
  let best: semver.SemVer | undefined;
  for (const v of packument.versions.keys()) {
    const parsed = semver.parse(v);
    if (parsed === null || (stable && parsed.prerelease.length > 0)) continue;
    if (parsed.compare(current) >= 0) continue;
    if (best === undefined || parsed.compare(best) > 0) best = parsed;
  }
  return best?.version;
}

/** A capability, as the permission-creep alert names it, and the alert types that show it. */
export const CAPABILITIES = {
  network: ['networkAccess'],
  shell: ['shellAccess'],
  filesystem: ['filesystemAccess'],
  environment: ['envVars'],
  eval: ['usesEval'],
  'native code': ['hasNativeCode'],
  'install scripts': ['installScripts'],
  'obfuscated code': ['obfuscatedFile'],
  'high-entropy blobs': ['highEntropyStrings'],
} as const satisfies Record<string, readonly string[]>;

export type Capability = keyof typeof CAPABILITIES;

/** Capability → the files (or package.json) where this version shows it. */
export function capabilities(view: VersionView): Map<Capability, Set<string>> {
  const out = new Map<Capability, Set<string>>();
  for (const [capability, types] of Object.entries(CAPABILITIES) as [
    Capability,
    readonly string[],
  ][]) {
    const files = new Set<string>();
    for (const t of types) for (const f of view.alertFiles[t] ?? []) files.add(f);
    if (files.size > 0) out.set(capability, files);
  }
  return out;
}

/**
 * What the version before `current` must be searched for: permissionCreep only asks whether
 * it already had each capability `current` has, so its analysis can stop once each has been
 * seen (src/analyzer/engine.ts `seek`), looking first in the files that show it in `current`.
 * When `current` has none, the version before needs no detector at all, only its inventory
 * (majorRefactor), manifest and notices (licenseChange, permissionCreep's entry points).
 */
export function capabilitySeek(current: VersionView): {
  groups: string[][];
  files: Record<string, string[]>;
} {
  const groups: string[][] = [];
  const files: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const capability of capabilities(current).keys()) {
    const types: string[] = [...CAPABILITIES[capability]];
    groups.push(types);
    for (const t of types) {
      const where = current.alertFiles[t];
      if (where !== undefined && where.length > 0) files[t] = [...where];
    }
  }
  return { groups, files };
}

/**
 * The entry points a version declares: `main`, `module`, `browser` (string form), `bin` and
 * `exports` (flattened to `key → target`), so a change of what runs is visible.
 */
export function entryPoints(manifest: Record<string, unknown> | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (manifest === undefined) return out;
  for (const field of ['main', 'module', 'browser'] as const) {
    const v = manifest[field];
    if (typeof v === 'string') out.set(field, normalisePath(v));
  }
  const bin = manifest.bin;
  if (typeof bin === 'string') out.set('bin', normalisePath(bin));
  else if (isRecord(bin))
    for (const [k, v] of Object.entries(bin))
      if (typeof v === 'string') out.set(`bin.${k}`, normalisePath(v));
  flattenExports(manifest.exports, 'exports', out, 0);
  return out;
}

function flattenExports(
  value: unknown,
  key: string,
  out: Map<string, string>,
  depth: number,
): void {
  if (depth > 16 || out.size > 500) return;
  if (typeof value === 'string') out.set(key, normalisePath(value));
  else if (Array.isArray(value))
    value.forEach((v, i) => flattenExports(v, `${key}[${i}]`, out, depth + 1));
  else if (isRecord(value))
    for (const [k, v] of Object.entries(value)) flattenExports(v, `${key}.${k}`, out, depth + 1);
}

/**
 * What a loader resolves the same way: `./index`, `index.js` and `index/` are one entry point
 * to Node's resolver when the file is `index.js`, so a respelling is not a change.
 */
function normalisePath(p: string): string {
  return p
    .replace(/^(?:\.\/)+/, '')
    .replace(/\/+$/, '')
    .replace(/\/index\.js$/, '')
    .replace(/\.js$/, '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Bytes of code (JS/TS, declaration files aside) in each version, and how many of the new
 * version's bytes are new or changed: a new file counts whole, a changed file by the share of
 * its statements the previous version did not have (sketch similarity), an unchanged file
 * (same hash) not at all.
 */
export function codeChange(
  before: VersionView,
  after: VersionView,
): { beforeBytes: number; afterBytes: number; changedBytes: number; changedFiles: string[] } {
  const old = new Map<string, InventoryEntry>();
  let beforeBytes = 0;
  for (const f of before.inventory)
    if (isCode(f)) {
      old.set(f.path, f);
      beforeBytes += f.size;
    }
  let afterBytes = 0;
  let changedBytes = 0;
  const changedFiles: string[] = [];
  for (const f of after.inventory) {
    if (!isCode(f)) continue;
    afterBytes += f.size;
    const prior = old.get(f.path);
    if (prior !== undefined && prior.hash === f.hash) continue;
    const shared =
      prior?.sketch !== undefined && f.sketch !== undefined
        ? similarity(prior.sketch, f.sketch)
        : 0;
    changedBytes += Math.round(f.size * (1 - shared));
    if (shared < 0.5) changedFiles.push(f.path);
  }
  return { beforeBytes, afterBytes, changedBytes, changedFiles };
}

function isCode(f: InventoryEntry): boolean {
  return (f.kind === 'js' || f.kind === 'ts') && !isDeclarationFile(f.path);
}
