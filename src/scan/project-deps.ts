/**
 * The dependency-spec checks on the project's own package.json files (each importer): the
 * same six detectors that check every package's dependencies (git, GitHub, http, file,
 * floating and bad-semver specs), run on the project's manifest with its devDependencies
 * included, since a project installs those too. Each alert is attached to the package the
 * spec resolves to, with the project's package.json and line as evidence.
 */
import type { Alert, PackageView } from '../analyzer/kit.js';
import { mergeAlerts, reporterFor } from '../analyzer/engine.js';
import { DETECTORS } from '../detectors/index.js';
import type { DependencyGraph } from '../graph/index.js';

const SPEC_DETECTORS = new Set([
  'gitDependency',
  'gitHubDependency',
  'httpDependency',
  'fileDependency',
  'floatingDependency',
  'badSemverDependency',
]);

export interface ProjectAlert {
  /** The graph package the dependency resolves to; undefined when it resolves to none. */
  packageId?: string;
  /** The importer folder whose package.json declares it. */
  importer: string;
  alert: Alert;
}

export function projectDependencyAlerts(
  graph: DependencyGraph,
  files: readonly { path: string; bytes: Uint8Array }[],
): ProjectAlert[] {
  const byPath = new Map(files.map((f) => [f.path, f.bytes]));
  const out: ProjectAlert[] = [];
  const detectors = DETECTORS.filter((d) => SPEC_DETECTORS.has(d.meta.id));
  const seen = new Set<string>();
  for (const importer of graph.importers) {
    const dir = importer.dir === '' || importer.dir === '.' ? '' : importer.dir;
    const path = dir === '' ? 'package.json' : `${dir}/package.json`;
    if (seen.has(path)) continue;
    seen.add(path);
    const bytes = byPath.get(path);
    if (bytes === undefined) continue;
    let manifest: unknown;
    try {
      manifest = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      continue; // the graph already reported the unreadable package.json
    }
    if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) continue;
    const view: PackageView & { project: true } = {
      name: importer.name ?? (dir || '.'),
      version: importer.version ?? '',
      manifest: manifest as Record<string, unknown>,
      files: [{ path: 'package.json', size: bytes.length, mode: 0o644, kind: 'json', bytes }],
      notices: [],
      project: true,
    };
    const alerts: Alert[] = [];
    for (const d of detectors) {
      try {
        d.package?.(view, reporterFor(d, alerts));
      } catch {
        // A detector bug on the project's manifest loses only that check.
      }
    }
    const from = `importer:${dir === '' ? '.' : dir}`;
    const targets = new Map<string, string>();
    for (const e of graph.edges) if (e.from === from) targets.set(e.name, e.to);
    for (const alert of mergeAlerts(alerts)) {
      // floatingDependency names it `dependency`; the others `packageName`.
      const depName = alert.props?.packageName ?? alert.props?.dependency;
      const evidence = alert.evidence.map((ev) => ({ ...ev, file: path }));
      const entry: ProjectAlert = {
        importer: dir === '' ? '.' : dir,
        alert: { ...alert, evidence },
      };
      const target = typeof depName === 'string' ? targets.get(depName) : undefined;
      if (target !== undefined) entry.packageId = target;
      out.push(entry);
    }
  }
  return out;
}
