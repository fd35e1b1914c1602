/**
 * emptyPackage: the tarball holds nothing but metadata: package.json and documentation files
 * (README, LICENSE, CHANGELOG, …). Typical of name squats, placeholder ("security holding")
 * versions and broken publishes (a `files` list that matched nothing). Any other file, code or
 * data, makes the package non-empty: data-only and stylesheet packages are real packages.
 */
import { defineDetector } from '../../analyzer/kit.js';

/** Root files that are metadata, not content. Case-insensitive, any extension. */
const METADATA =
  /^(package\.json|(readme|license|licence|copying|changelog|changes|history|notice|authors|contributors|security|code_of_conduct|contributing)(\.[\w.-]*)?|\.npmignore|\.gitignore|\.editorconfig)$/i;

export const detector = defineDetector({
  meta: {
    id: 'emptyPackage',
    version: 1,
    category: 'quality',
    severity: 'low',
    title: 'Empty package',
    description: 'The package contains no code or data: only package.json and documentation files.',
  },
  package(pkg, report) {
    // No manifest at all is a different problem (invalid package), not an empty one.
    if (pkg.manifest === undefined) return;
    if (pkg.files.some((f) => !METADATA.test(f.path))) return;
    const scripts = pkg.manifest.scripts;
    const hasScripts =
      typeof scripts === 'object' && scripts !== null && Object.keys(scripts).length > 0;
    report({
      message: `contains no code: only ${pkg.files.map((f) => f.path).join(', ')}`,
      evidence: [{ file: 'package.json' }],
      props: {
        fileCount: pkg.files.length,
        // An empty package that still runs scripts does something on install: worth a look.
        ...(hasScripts ? { hasScripts: true } : {}),
      },
    });
  },
});
