/**
 * manifestConfusion: the manifest the registry serves disagrees with the package.json inside
 * the tarball. npm installs from the registry's copy (dependencies, scripts, bin) but runs
 * the tarball's files, so a publisher can show reviewers and scanners one manifest and give
 * installers another. Compared after the normalisations npm itself applies on publish (bin
 * paths without `./`, a string bin keyed by the package name, the `install` script npm adds
 * for a binding.gyp), and only on fields the registry's copy carries (abbreviated packuments
 * have no scripts or main).
 */
import { defineDetector, type InventoryEntry } from '../../analyzer/kit.js';

const FIELDS = [
  'name',
  'version',
  'scripts',
  'dependencies',
  'optionalDependencies',
  'peerDependencies',
  'bin',
  'main',
] as const;

export const detector = defineDetector({
  meta: {
    id: 'manifestConfusion',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'middle',
    title: 'Manifest confusion',
    description: "The registry's manifest disagrees with the package.json inside the tarball.",
  },
  registry(view, report) {
    const registry = view.entry?.manifest;
    const tarball = view.current.manifest;
    if (registry === undefined || tarball === undefined) return;
    for (const field of FIELDS) {
      if (!(field in registry)) continue; // not sent: unknown, not different
      const a = normalise(field, registry[field], registry, view.current.inventory);
      const b = normalise(field, tarball[field], tarball, view.current.inventory);
      if (canonical(a) === canonical(b)) continue;
      report({
        message: `${field} differs between the registry and the tarball's package.json`,
        evidence: [{ file: 'package.json' }],
        props: {
          key: field,
          registry: canonical(a).slice(0, 500),
          tarball: canonical(b).slice(0, 500),
        },
      });
    }
  },
});

function normalise(
  field: string,
  value: unknown,
  manifest: Record<string, unknown>,
  inventory: readonly InventoryEntry[],
): unknown {
  if (field === 'bin') {
    if (typeof value === 'string') {
      const name = typeof manifest.name === 'string' ? manifest.name.replace(/^@[^/]+\//, '') : '';
      return { [name]: stripDot(value) };
    }
    if (isRecord(value))
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? stripDot(v) : v]),
      );
  }
  if (field === 'main' && typeof value === 'string') return stripDot(value);
  if (field === 'scripts' && isRecord(value)) {
    // npm adds `install: node-gyp rebuild` when the package has a binding.gyp and no install
    // or preinstall script of its own.
    const scripts = { ...value };
    if (scripts.install === 'node-gyp rebuild' && inventory.some((f) => f.path === 'binding.gyp'))
      delete scripts.install;
    return scripts;
  }
  // An empty object and an absent field mean the same to npm.
  if (isRecord(value) && Object.keys(value).length === 0) return undefined;
  return value;
}

function stripDot(p: string): string {
  return p.replace(/^(\.\/)+/, '');
}

/** JSON with sorted keys, so key order is not a difference. */
function canonical(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) =>
      isRecord(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
    ) ?? 'undefined'
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
