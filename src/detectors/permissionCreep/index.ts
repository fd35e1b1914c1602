/**
 * permissionCreep (our own slug): this version can do what the version before it could not:
 * a capability appears (network, shell, filesystem, environment, eval, native code, install
 * scripts), obfuscated code or high-entropy blobs appear, or an entry point changes. Each is
 * ordinary in a feature release; in a patch of a popular package it is how compromises look
 * (a 1 kB module becoming 80 kB that reaches the network). The alert lists what was added
 * and where; its severity rises with what was added and how small the version step is.
 */
import semver from 'semver';
import { defineDetector, type Evidence, type Severity } from '../../analyzer/kit.js';
import { capabilities, entryPoints, type Capability } from '../../intel/history.js';

/** Capabilities whose appearance is serious on its own. */
const SERIOUS: ReadonlySet<Capability> = new Set(['obfuscated code', 'install scripts', 'shell']);

export const detector = defineDetector({
  meta: {
    id: 'permissionCreep',
    version: 2,
    category: 'supplyChainRisk',
    severity: 'middle',
    title: 'Permission creep',
    description:
      'The version gained capabilities, obfuscated code or a new entry point since the version before it.',
  },
  registry(view, report) {
    const previous = view.previous;
    if (previous === undefined) return;
    const before = capabilities(previous);
    const after = capabilities(view.current);
    const added: Capability[] = [];
    const evidence: Evidence[] = [];
    for (const [capability, files] of after) {
      if (before.has(capability)) continue;
      added.push(capability);
      for (const file of [...files].slice(0, 3)) evidence.push({ file, snippet: capability });
    }
    const oldEntries = entryPoints(previous.manifest);
    const changedEntries: string[] = [];
    for (const [key, target] of entryPoints(view.current.manifest)) {
      const old = oldEntries.get(key);
      if (old !== undefined && old !== target) {
        changedEntries.push(`${key}: ${old} → ${target}`);
        evidence.push({ file: 'package.json', snippet: `${key}: ${old} → ${target}` });
      }
    }
    if (added.length === 0 && changedEntries.length === 0) return;
    const patch = isSmallStep(previous.version, view.version);
    const serious = added.some((c) => SERIOUS.has(c));
    // An entry point that moves (a build step, a rename) is worth a look, not an alarm: what
    // it can do is what the capabilities say.
    const severity: Severity =
      added.length === 0 ? 'low' : serious && patch ? 'high' : serious || patch ? 'middle' : 'low';
    const what = [
      ...(added.length > 0 ? [`adds ${added.join(', ')}`] : []),
      ...(changedEntries.length > 0
        ? [`changes entry points (${changedEntries.slice(0, 3).join('; ')})`]
        : []),
    ].join(' and ');
    report({
      message: `since ${previous.version}: ${what}`,
      severity,
      evidence: evidence.slice(0, 20),
      props: { prevVersion: previous.version, added, entryPoints: changedEntries },
    });
  },
});

/** A patch or minor step (or any step inside 0.x's minor): users take these without review. */
function isSmallStep(from: string, to: string): boolean {
  const a = semver.parse(from);
  const b = semver.parse(to);
  if (a === null || b === null) return false;
  return a.major === b.major && (a.major > 0 || a.minor === b.minor);
}
