/**
 * floatingDependency: a dependency whose spec accepts any future version: `*`, `x`, an empty
 * string, `latest`, another dist-tag, or a range with no upper bound (`>=1.0.0`), directly or
 * through an `npm:` alias. Whoever publishes the next version, major or not, decides what the
 * package's consumers install. Peer dependencies are left out: a wide peer range (`>=16`) is
 * the usual way to say "any host version", and npm does not pick it for the consumer alone.
 */
import { defineDetector } from '../../analyzer/kit.js';
import { packageDependencies, installedFields } from '../../intel/depspec/index.js';

/** The list the other dependency detectors read (one shared classification); peers are skipped below. */
export const detector = defineDetector({
  meta: {
    id: 'floatingDependency',
    version: 1,
    category: 'quality',
    severity: 'middle',
    title: 'Wildcard dependency',
    description: 'A dependency accepts any future version (*, latest, a dist-tag, >=x).',
  },
  package(pkg, report) {
    for (const dep of packageDependencies(pkg, installedFields(pkg))) {
      if (dep.field === 'peerDependencies') continue;
      const spec = dep.spec.kind === 'alias' ? dep.spec.target : dep.spec;
      if (spec === undefined || (spec.kind !== 'floating' && spec.kind !== 'tag')) continue;
      // A bundled copy ships inside the tarball: the range is never resolved.
      if (dep.bundled) continue;
      report({
        message: `${dep.name}: ${dep.spec.kind === 'alias' ? `${dep.spec.display}, ` : ''}${spec.detail}`,
        evidence: [{ file: 'package.json', line: dep.line, snippet: dep.snippet }],
        props: {
          dependency: dep.name,
          spec: dep.spec.display,
          field: dep.field,
          ...(spec.kind === 'tag' ? { tag: spec.tag } : {}),
        },
      });
    }
  },
});
