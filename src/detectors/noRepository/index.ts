/**
 * noRepository: package.json names no source repository (`repository` missing, empty, or an
 * object without a url). Without one, no one can compare the published code with its source,
 * follow its history, or check who maintains it; a repository link is also what provenance
 * and most reviewing tools start from.
 */
import { defineDetector } from '../../analyzer/kit.js';
import { manifestKeyLine } from '../../intel/depspec/index.js';

export const detector = defineDetector({
  meta: {
    id: 'noRepository',
    version: 1,
    category: 'quality',
    severity: 'low',
    title: 'No repository',
    description: 'package.json names no source repository.',
  },
  package(pkg, report) {
    // No package.json at all (or an unreadable one) is invalidPackageJSON's finding.
    if (pkg.manifest === undefined) return;
    if (repositoryUrl(pkg.manifest.repository) !== undefined) return;
    const present = pkg.manifest.repository !== undefined;
    report({
      message: present
        ? 'the repository field names no URL'
        : 'package.json has no repository field',
      evidence: [
        present
          ? {
              file: 'package.json',
              line: manifestKeyLine(pkg, 'repository'),
              snippet: `"repository": ${JSON.stringify(pkg.manifest.repository)?.slice(0, 80) ?? ''}`,
            }
          : { file: 'package.json' },
      ],
    });
  },
});

/**
 * The URL of a `repository` field (`"user/repo"`, `"github:user/repo"`, `{ "url": … }`), or
 * undefined when it names none. Shared with noWebsite and noBugTracker, which infer from it.
 */
export function repositoryUrl(repository: unknown): string | undefined {
  const url =
    typeof repository === 'object' && repository !== null && !Array.isArray(repository)
      ? (repository as Record<string, unknown>).url
      : repository;
  return typeof url === 'string' && url.trim() !== '' ? url.trim() : undefined;
}
