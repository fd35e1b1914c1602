/**
 * shrinkwrap: the package publishes npm-shrinkwrap.json. Unlike package-lock.json, npm honours
 * a published shrinkwrap: it pins the package's whole dependency tree to the versions (and
 * tarball URLs) its author chose, out of reach of the installing project's lockfile,
 * overrides and security updates. Only the root file counts: npm ignores nested ones.
 */
import { defineDetector } from '../../analyzer/kit.js';

export const detector = defineDetector({
  meta: {
    id: 'shrinkwrap',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'high',
    title: 'npm shrinkwrap',
    description:
      'The package publishes npm-shrinkwrap.json, pinning its own dependency tree for every installer.',
  },
  package(pkg, report) {
    const file = pkg.files.find((f) => f.path === 'npm-shrinkwrap.json');
    if (file === undefined) return;
    report({
      message: 'publishes npm-shrinkwrap.json: its dependency tree is pinned by the author',
      evidence: [{ file: file.path }],
      props: { file: file.path, size: file.size },
    });
  },
});
