/**
 * noV1: the package's version is below 1.0.0. Under semver, 0.x promises no stability: any
 * minor release may break, and npm's caret treats it so (`^0.4.2` accepts only 0.4.x, `^0.0.3`
 * only 0.0.3), so consumers get fewer fixes and the author signals the API is not settled.
 * A prerelease of 1.0.0 (`1.0.0-rc.1`) is not flagged: carets treat it like 1.x.
 */
import semver from 'semver';
import { defineDetector } from '../../analyzer/kit.js';
import { manifestKeyLine } from '../../intel/depspec/index.js';

export const detector = defineDetector({
  meta: {
    id: 'noV1',
    version: 1,
    category: 'quality',
    severity: 'low',
    title: 'No v1',
    description: 'The package version is below 1.0.0 (0.x: no stability promise).',
  },
  package(pkg, report) {
    // The tarball's own version; the name it was fetched under when package.json has none.
    const declared = pkg.manifest?.version;
    const version = typeof declared === 'string' ? declared : pkg.version;
    // Unreadable versions are badSemver's finding.
    const parsed = semver.parse(version, { loose: true });
    if (parsed === null || parsed.major !== 0) return;
    report({
      message: `version ${parsed.version} is below 1.0.0: ^${parsed.version} accepts only ${parsed.minor === 0 ? `0.0.${parsed.patch}` : `0.${parsed.minor}.x`}`,
      evidence: [
        typeof declared === 'string'
          ? {
              file: 'package.json',
              line: manifestKeyLine(pkg, 'version'),
              snippet: `"version": ${JSON.stringify(declared.slice(0, 80))}`,
            }
          : { file: 'package.json' },
      ],
      props: { version: parsed.version },
    });
  },
});
