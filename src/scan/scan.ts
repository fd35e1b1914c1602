/**
 * `scan`, the whole pipeline for one project: snapshot → graph (ranges resolved for a
 * package.json-only project) → every package through fetch, engine and intel → the project's
 * own dependency specs and license policy → policy → scores → the report.
 *
 * The CLI owns the terminal, flags and exit code; this module owns the order of things and
 * what the report records (every input that decides its content: snapshot, tool and detector
 * versions, registry, advisory data, options).
 */
import { createHash } from 'node:crypto';
import { ENGINE_VERSION } from '../analyzer/cache-key.js';
import type { IntelOptions } from '../analyzer/kit.js';
import type { AdvisoryDbInfo } from '../advisories/index.js';
import { DETECTORS } from '../detectors/index.js';
import { buildGraphWith, type DependencyGraph, type GraphPackage } from '../graph/index.js';
import type { Policy } from '../policy/index.js';
import { redactUrl, type DiskCache, type RegistryClient } from '../registry/index.js';
import { buildReport } from '../report/build.js';
import type { ReportFailure, ReportProblem, ScanReport } from '../report/types.js';
import type { Snapshot } from '../snapshot/index.js';
import type { PackageEngine } from './engine.js';
import { runPackages, type ProgressEvent, type SharedResults } from './packages.js';
import { reachOf } from './paths.js';
import { projectDependencyAlerts } from './project-deps.js';
import { resolveRanges } from './resolve.js';

export interface ScanInput {
  snapshot: Snapshot;
  toolVersion: string;
  engine: PackageEngine;
  client: RegistryClient;
  cache: DiskCache;
  now: Date;
  prod: boolean;
  offline: boolean;
  useCache: boolean;
  history: boolean;
  intel: IntelOptions;
  concurrency: number;
  /** How long a cached package outcome stays valid. */
  maxAgeMs: number;
  failOn: Policy['failOn'];
  failOnLabel: string;
  advisories: {
    status: ScanReport['advisories']['status'];
    info?: AdvisoryDbInfo;
    online: string[];
    warning?: string;
  };
  onPhase?: (phase: 'resolve' | 'packages' | 'report', total?: number) => void;
  onResolved?: (count: number) => void;
  onPackage?: (event: ProgressEvent) => void;
  /** Outcomes shared between processes (the report service's store). */
  shared?: SharedResults;
}

/** The packages a scan looks at: everything, or (--prod) what ships to production. */
export function packagesToScan(graph: DependencyGraph, prod: boolean): GraphPackage[] {
  return graph.packages.filter((p) => !(prod && p.dev));
}

export async function scan(input: ScanInput): Promise<ScanReport> {
  const { snapshot } = input;
  const failures: ReportFailure[] = [];
  const warnings: string[] = [];
  if (input.advisories.warning !== undefined) warnings.push(input.advisories.warning);

  input.onPhase?.('resolve');
  let resolvedRanges = false;
  const graph = await buildGraphWith(snapshot.files, async (lock) => {
    if (lock.format !== 'package-json' || lock.packages.length === 0) return lock;
    resolvedRanges = true;
    const out = await resolveRanges(lock, {
      packument: (name) => input.client.packument(name),
      concurrency: input.concurrency,
      ...(input.onResolved === undefined ? {} : { onResolved: input.onResolved }),
    });
    for (const f of out.failures)
      failures.push({
        package: `registry:${f.name}@${f.range}`,
        stage: 'resolve',
        code: f.code,
        message: f.message,
      });
    return out.lock;
  });
  if (resolvedRanges)
    warnings.push(
      'no lockfile: the dependency ranges were resolved against the registry as npm would today, so this result is not reproducible; commit a lockfile',
    );
  for (const p of graph.problems)
    if (p.severity === 'error')
      failures.push({
        stage: 'resolve',
        code: p.code,
        message: `${p.file === undefined ? '' : `${p.file}${p.line === undefined ? '' : `:${p.line}`}: `}${p.message}`,
      });

  const packages = packagesToScan(graph, input.prod);
  input.onPhase?.('packages', packages.length);
  const settingsKey = createHash('sha256')
    .update(
      JSON.stringify({
        history: input.history,
        intel: input.intel,
        advisories:
          input.advisories.info === undefined
            ? null
            : [
                input.advisories.info.importedAt,
                input.advisories.info.records,
                input.advisories.info.newestModified,
              ],
        online: input.advisories.online,
      }),
    )
    .digest('hex');
  const outcomes = await runPackages(packages, {
    engine: input.engine,
    client: input.client,
    cache: input.cache,
    useCache: input.useCache,
    offline: input.offline,
    maxAgeMs: input.maxAgeMs,
    settingsKey,
    now: input.now,
    concurrency: input.concurrency,
    ...(input.onPackage === undefined ? {} : { onProgress: input.onPackage }),
    ...(input.shared === undefined ? {} : { shared: input.shared }),
  });

  input.onPhase?.('report');
  const config = snapshot.config;
  const configFile = snapshot.files.some((f) => f.path === 'socket.yml')
    ? 'socket.yml'
    : 'socket.yaml';
  const problems: ReportProblem[] = [...snapshot.problems, ...graph.problems].map((p) => ({
    ...p,
  }));
  const registryUrl = input.client.registryUrl('depwarden-probe');
  return buildReport({
    now: input.now,
    tool: {
      name: 'depwarden',
      version: input.toolVersion,
      engineVersion: ENGINE_VERSION,
      detectors: DETECTORS.map((d) => ({ id: d.meta.id, version: d.meta.version })).sort((a, b) =>
        a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
      ),
    },
    ...projectOf(graph),
    snapshot: {
      id: snapshot.id,
      files: snapshot.files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size })),
      lockfiles: graph.lockfiles.map((l) => ({
        file: l.file,
        format: l.format,
        formatVersion: l.formatVersion,
      })),
    },
    registry: { url: redactUrl(registryUrl), offline: input.offline },
    advisories: {
      status: input.advisories.status,
      online: input.advisories.online,
      ...(input.advisories.info === undefined
        ? {}
        : {
            source: input.advisories.info.source,
            importedAt: input.advisories.info.importedAt,
            records: input.advisories.info.records,
            ...(input.advisories.info.newestModified === undefined
              ? {}
              : { newestModified: input.advisories.info.newestModified }),
          }),
    },
    options: {
      prod: input.prod,
      history: input.history,
      soakDays: input.intel.soakDays,
      unmaintainedYears: input.intel.unmaintainedYears,
      failOn: input.failOnLabel,
    },
    graph,
    outcomes,
    reach: reachOf(graph),
    projectAlerts: projectDependencyAlerts(graph, snapshot.files),
    ...(config?.licensePolicy === undefined ? {} : { licensePolicy: config.licensePolicy }),
    policy: {
      issueRules: config?.issueRules ?? (Object.create(null) as Record<string, boolean>),
      acceptedRisks: config?.acceptedRisks ?? [],
      configFile,
      failOn: input.failOn,
      today: input.now,
    },
    failures,
    problems,
    warnings,
  });
}

/** The root importer's name and version, for the report and the SBOM's subject. */
function projectOf(graph: DependencyGraph): { project?: { name: string; version?: string } } {
  const root = graph.importers.find((i) => i.dir === '.' || i.dir === '');
  if (root?.name === undefined) return {};
  return {
    project:
      root.version === undefined ? { name: root.name } : { name: root.name, version: root.version },
  };
}
