/**
 * gitHubDependency: a dependency npm fetches from a GitHub repository (`user/repo`,
 * `github:user/repo`, or any git or https URL of a repository on github.com) instead of the
 * registry. Same risks as any git dependency (a movable ref, no registry integrity, the
 * repository's `prepare` script runs on install), plus one of its own: a renamed or deleted
 * account lets anyone register the name and serve the dependency.
 */
import { defineDetector } from '../../analyzer/kit.js';
import { isFullCommit, packageDependencies, installedFields } from '../../intel/depspec/index.js';

export const detector = defineDetector({
  meta: {
    id: 'gitHubDependency',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'high',
    title: 'GitHub dependency',
    description: 'A dependency is fetched from a GitHub repository instead of the registry.',
  },
  package(pkg, report) {
    for (const dep of packageDependencies(pkg, installedFields(pkg))) {
      // A bundled copy ships inside the tarball: the consumer never fetches the spec.
      if (dep.spec.kind !== 'github' || dep.bundled) continue;
      const { spec } = dep;
      report({
        message: `${dep.name} comes from the ${spec.detail}`,
        evidence: [{ file: 'package.json', line: dep.line, snippet: dep.snippet }],
        props: {
          packageName: dep.name,
          githubUser: spec.user,
          githubRepo: spec.repository,
          commitsh:
            spec.committish ?? (spec.gitRange === undefined ? null : `semver:${spec.gitRange}`),
          field: dep.field,
          pinned: isFullCommit(spec.committish),
        },
      });
    }
  },
});
