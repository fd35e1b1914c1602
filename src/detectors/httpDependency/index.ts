/**
 * httpDependency: a dependency npm downloads as a tarball from a URL instead of resolving it
 * in the registry. Nothing checks the bytes (the URL can serve anything, to anyone, at any
 * time), and over plain http anyone on the path can replace them.
 */
import { defineDetector } from '../../analyzer/kit.js';
import { packageDependencies, installedFields } from '../../intel/depspec/index.js';

export const detector = defineDetector({
  meta: {
    id: 'httpDependency',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'high',
    title: 'HTTP dependency',
    description: 'A dependency is downloaded from a URL instead of the registry.',
  },
  package(pkg, report) {
    for (const dep of packageDependencies(pkg, installedFields(pkg))) {
      // A bundled copy ships inside the tarball: the consumer never fetches the URL.
      if (dep.spec.kind !== 'http' || dep.bundled) continue;
      const { spec } = dep;
      report({
        message: `${dep.name} is ${spec.detail}`,
        // Plain http is open to tampering by anyone on the network path.
        severity: spec.insecure === true ? 'critical' : undefined,
        evidence: [{ file: 'package.json', line: dep.line, snippet: dep.snippet }],
        props: {
          packageName: dep.name,
          url: spec.url ?? spec.display,
          field: dep.field,
          ...(spec.insecure === true ? { insecure: true } : {}),
        },
      });
    }
  },
});
