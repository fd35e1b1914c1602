/**
 * Renderers for `depwarden graph`: the JSON document (a stable, sorted projection of the
 * graph) and the human summary. Pure: graph in, string out; no clock, no environment.
 */
import type { DependencyGraph, GraphPackage } from '../graph/index.js';
import { sanitize } from '../util/text.js';
import { renderProblems } from './problems.js';

export interface GraphJson {
  snapshotId: string;
  lockfiles: DependencyGraph['lockfiles'];
  importers: DependencyGraph['importers'];
  packages: {
    name: string;
    version: string;
    source: GraphPackage['source'];
    direct: boolean;
    dev: boolean;
    optional: boolean;
    resolved: string | null;
    integrity: string | null;
    aliases?: string[];
    unresolved?: { range: string };
  }[];
  problems: DependencyGraph['problems'];
}

export function graphToJson(graph: DependencyGraph, snapshotId: string): GraphJson {
  return {
    snapshotId,
    lockfiles: graph.lockfiles,
    importers: graph.importers,
    packages: graph.packages.map((p) => ({
      name: p.name,
      version: p.version,
      source: p.source,
      direct: p.direct,
      dev: p.dev,
      optional: p.optional,
      resolved: p.resolved,
      integrity: p.integrity,
      ...(p.aliases.length > 0 ? { aliases: [...p.aliases].sort() } : {}),
      ...(p.unresolved === undefined ? {} : { unresolved: p.unresolved }),
    })),
    problems: graph.problems,
  };
}

export function renderGraphJson(graph: DependencyGraph, snapshotId: string): string {
  return `${JSON.stringify(graphToJson(graph, snapshotId), null, 2)}\n`;
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

export function renderGraphText(graph: DependencyGraph, snapshotId: string): string {
  const pkgs = graph.packages;
  const lines: string[] = [`snapshot ${snapshotId}`, ''];
  if (graph.lockfiles.length === 0)
    lines.push('No lockfile or package.json with dependencies found.');
  for (const l of graph.lockfiles) {
    const version = l.formatVersion === '' ? '' : ` v${l.formatVersion}`;
    lines.push(
      `${sanitize(l.file)}  ${l.format}${version}  ${plural(l.entries, 'entry', 'entries')}, ${plural(l.importers, 'importer')}`,
    );
  }
  const direct = pkgs.filter((p) => p.direct).length;
  const dev = pkgs.filter((p) => p.dev).length;
  const optional = pkgs.filter((p) => p.optional).length;
  const unresolved = pkgs.filter((p) => p.unresolved !== undefined).length;
  lines.push(
    '',
    `${plural(pkgs.length, 'package')}: ${direct} direct, ${pkgs.length - direct} transitive; ${pkgs.length - dev} prod, ${dev} dev; ${optional} optional`,
  );
  lines.push(
    `by source: ${
      countBy(pkgs, (p) => p.source)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || 'none'
    }`,
  );
  if (unresolved > 0)
    lines.push(
      `${plural(unresolved, 'unresolved range')} (no lockfile): versions are not known until resolved`,
    );
  if (graph.importers.length > 1) {
    lines.push(`${graph.importers.length} importers (project roots and workspaces)`);
  }
  const errors = graph.problems.filter((p) => p.severity === 'error').length;
  const warnings = graph.problems.filter((p) => p.severity === 'warning').length;
  lines.push(
    '',
    graph.problems.length === 0
      ? 'No problems.'
      : `${errors} error(s), ${warnings} warning(s), ${graph.problems.length - errors - warnings} note(s):`,
  );
  lines.push(...renderProblems(graph.problems));
  return `${lines.join('\n')}\n`;
}
