/**
 * How each package is reached: the shortest chain of dependencies from a project (an
 * importer) to it, preferring chains that ship to production (a package reached both as a
 * runtime and as a dev dependency is reported by its runtime path, the one that matters).
 */
import type { DependencyGraph } from '../graph/index.js';

const IMPORTER_PREFIX = 'importer:';

export interface Reach {
  /** `name@version` from the direct dependency to the package itself. */
  via: string[];
  /** The importer's folder ('.' for the root). */
  importer: string;
}

export function reachOf(graph: DependencyGraph): Map<string, Reach> {
  const label = new Map(graph.packages.map((p) => [p.id, `${p.name}@${p.version || '?'}`]));
  const out = new Map<string, Reach>();
  const outgoing = new Map<string, { to: string; dev: boolean }[]>();
  for (const e of graph.edges) {
    let list = outgoing.get(e.from);
    if (list === undefined) outgoing.set(e.from, (list = []));
    list.push({ to: e.to, dev: e.kind === 'dev' });
  }
  // Two breadth-first walks: production edges only, then every edge for what is left.
  for (const includeDev of [false, true]) {
    const queue: string[] = [];
    for (const imp of graph.importers) {
      const from = `${IMPORTER_PREFIX}${imp.dir === '' ? '.' : imp.dir}`;
      for (const e of outgoing.get(from) ?? []) {
        if ((e.dev && !includeDev) || out.has(e.to) || !label.has(e.to)) continue;
        out.set(e.to, { via: [label.get(e.to) as string], importer: imp.dir || '.' });
        queue.push(e.to);
      }
    }
    for (let i = 0; i < queue.length; i++) {
      const at = queue[i] as string;
      const reach = out.get(at) as Reach;
      for (const e of outgoing.get(at) ?? []) {
        if ((e.dev && !includeDev) || out.has(e.to) || !label.has(e.to)) continue;
        out.set(e.to, { via: [...reach.via, label.get(e.to) as string], importer: reach.importer });
        queue.push(e.to);
      }
    }
  }
  return out;
}
