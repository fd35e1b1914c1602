/**
 * badSemver: the version in the package's package.json is not valid semver: missing, not a
 * string, unreadable (`1.2`, `1.0.0.1`), readable only in semver's loose mode (`=1.2.3`,
 * `01.2.3`), or not in the canonical form npm publishes (`v1.2.3`). Every range a consumer
 * writes is matched against this version, and tools that parse versions strictly (lockfile
 * readers, vulnerability databases) may not match it at all. The registry itself rejects
 * invalid versions today, so what is flagged here is mostly old packages or a tarball whose
 * package.json disagrees with what the registry recorded.
 */
import semver from 'semver';
import { defineDetector } from '../../analyzer/kit.js';
import { manifestKeyLine } from '../../intel/depspec/index.js';

export const detector = defineDetector({
  meta: {
    id: 'badSemver',
    version: 1,
    category: 'quality',
    severity: 'low',
    title: 'Bad semver',
    description: 'The package version in package.json is not valid semver.',
  },
  package(pkg, report) {
    // No package.json at all (or an unreadable one) is invalidPackageJSON's finding.
    if (pkg.manifest === undefined) return;
    const version = pkg.manifest.version;
    if (typeof version === 'string' && isCanonical(version)) return;
    const line = manifestKeyLine(pkg, 'version');
    const evidence = [
      line === undefined
        ? { file: 'package.json' }
        : {
            file: 'package.json',
            line,
            snippet: `"version": ${JSON.stringify(version)?.slice(0, 80) ?? ''}`,
          },
    ];
    report({
      message: problemWith(version),
      evidence,
      props: { version: typeof version === 'string' ? version.slice(0, 80) : null },
    });
  },
});

/** Valid semver as written: no `v`/`=` prefix, no spaces (build metadata is valid). */
function isCanonical(version: string): boolean {
  return semver.valid(version) !== null && /^\d[^\s]*$/.test(version);
}

function problemWith(version: unknown): string {
  if (version === undefined) return 'package.json has no version';
  if (typeof version !== 'string')
    return `the version is ${version === null ? 'null' : `a ${typeof version}`}, not a string`;
  const shown = JSON.stringify(version.slice(0, 80));
  const strict = semver.valid(version);
  if (strict !== null) return `version ${shown} is not in canonical form (npm publishes ${strict})`;
  const loose = semver.valid(version, true);
  if (loose !== null) return `version ${shown} is valid only in semver's loose mode (as ${loose})`;
  return `version ${shown} is not valid semver`;
}
