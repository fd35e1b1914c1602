/**
 * gitDependency: a dependency npm fetches from a git repository instead of the registry (any
 * host but GitHub, whose repositories raise gitHubDependency). A git dependency bypasses the
 * registry's integrity hashes and immutability: a branch or tag can be moved under the same
 * spec, the repository can vanish or change hands, and npm runs the repository's `prepare`
 * script to build it on every install.
 */
import { defineDetector } from '../../analyzer/kit.js';
import { isFullCommit, packageDependencies, installedFields } from '../../intel/depspec/index.js';

export const detector = defineDetector({
  meta: {
    id: 'gitDependency',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'high',
    title: 'Git dependency',
    description: 'A dependency is fetched from a git repository instead of the registry.',
  },
  package(pkg, report) {
    for (const dep of packageDependencies(pkg, installedFields(pkg))) {
      // A bundled copy ships inside the tarball: the consumer never fetches the spec.
      if (dep.spec.kind !== 'git' || dep.bundled) continue;
      const { spec } = dep;
      report({
        message: `${dep.name} comes from ${spec.detail}`,
        evidence: [{ file: 'package.json', line: dep.line, snippet: dep.snippet }],
        props: {
          packageName: dep.name,
          url: spec.url ?? spec.display,
          field: dep.field,
          ...(spec.host === undefined ? {} : { host: spec.host }),
          ...(spec.committish === undefined ? {} : { committish: spec.committish }),
          ...(spec.gitRange === undefined ? {} : { gitRange: spec.gitRange }),
          pinned: isFullCommit(spec.committish),
        },
      });
    }
  },
});
