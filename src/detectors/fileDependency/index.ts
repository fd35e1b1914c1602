/**
 * fileDependency: a published package whose dependency points at the publisher's disk: a
 * `file:` path or tarball, a bare relative path, or a pnpm/yarn `link:`, `portal:` or
 * `workspace:` reference that should have been replaced at publish. On the consumer's machine
 * the path means something else (or nothing): the install fails, or picks up whatever sits at
 * that path, and no one can say what the dependency really is.
 */
import { defineDetector } from '../../analyzer/kit.js';
import { packageDependencies, installedFields } from '../../intel/depspec/index.js';

export const detector = defineDetector({
  meta: {
    id: 'fileDependency',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'middle',
    title: 'File dependency',
    description: 'A dependency points at a local path instead of the registry.',
  },
  package(pkg, report) {
    for (const dep of packageDependencies(pkg, installedFields(pkg))) {
      const { kind } = dep.spec;
      if ((kind !== 'file' && kind !== 'link' && kind !== 'workspace') || dep.bundled) continue;
      report({
        message: `${dep.name} points at ${kind === 'file' ? dep.spec.detail : dep.spec.display}, not the registry`,
        evidence: [{ file: 'package.json', line: dep.line, snippet: dep.snippet }],
        props: {
          packageName: dep.name,
          filePath: dep.spec.path ?? dep.spec.display,
          protocol: kind,
          field: dep.field,
        },
      });
    }
  },
});
