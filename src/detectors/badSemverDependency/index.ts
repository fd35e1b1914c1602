/**
 * badSemverDependency: a dependency spec npm cannot read as a range, a version, a dist-tag or a
 * location: `^1.2.3.4`, `=>1.0`, `1.2.3.4` (which npm would take for a dist-tag), an unknown
 * protocol, a non-string value, an alias of a git URL. Installing the package fails, or
 * resolves something its author did not mean. Ranges only semver's loose mode accepts
 * (`1.2.3beta`, `=1.2.3`) are reported at low severity: npm takes them, stricter tools may not.
 */
import { defineDetector } from '../../analyzer/kit.js';
import { packageDependencies, installedFields } from '../../intel/depspec/index.js';

/** The fields npm reads when installing the package (an invalid peer spec breaks it too). */
export const detector = defineDetector({
  meta: {
    id: 'badSemverDependency',
    version: 1,
    category: 'quality',
    severity: 'middle',
    title: 'Bad dependency semver',
    description: 'A dependency spec is not a valid semver range, version, tag or location.',
  },
  package(pkg, report) {
    for (const dep of packageDependencies(pkg, installedFields(pkg))) {
      const spec = dep.spec.kind === 'alias' ? dep.spec.target : dep.spec;
      const invalid = dep.spec.kind === 'invalid';
      if (!invalid && spec?.loose !== true) continue;
      report({
        message: invalid
          ? `${dep.name}: ${dep.spec.detail}`
          : `${dep.name}: ${dep.spec.display} is valid only in semver's loose mode (npm reads it as ${spec?.range ?? '?'})`,
        severity: invalid ? undefined : 'low',
        evidence: [{ file: 'package.json', line: dep.line, snippet: dep.snippet }],
        props: {
          packageName: dep.name,
          packageVersion: dep.spec.display,
          field: dep.field,
          reason: invalid ? dep.spec.detail : 'loose',
        },
      });
    }
  },
});
