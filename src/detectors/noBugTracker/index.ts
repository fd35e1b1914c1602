/**
 * noBugTracker: package.json says nowhere to report bugs, and npm cannot infer a place. npm
 * (normalize-package-data) points `bugs` at the repository's issue tracker when the repository
 * is on GitHub, GitLab, Bitbucket, a gist or Codeberg (not sourcehut, whose trackers live
 * apart), and the registry shows that link, so such packages are not flagged. A `bugs` email
 * address counts: it is a place to report to. Without one, a security report has no channel.
 */
import { defineDetector } from '../../analyzer/kit.js';
import { manifestKeyLine, parseHostedGit } from '../../intel/depspec/index.js';
import { repositoryUrl } from '../noRepository/index.js';

export const detector = defineDetector({
  meta: {
    id: 'noBugTracker',
    version: 1,
    category: 'quality',
    severity: 'low',
    title: 'No bug tracker',
    description:
      'package.json has no bugs URL or email, and no hosted repository npm would link instead.',
  },
  package(pkg, report) {
    // No package.json at all (or an unreadable one) is invalidPackageJSON's finding.
    if (pkg.manifest === undefined) return;
    const bugs = pkg.manifest.bugs;
    if (hasBugTracker(bugs)) return;
    const repository = repositoryUrl(pkg.manifest.repository);
    const hosted = repository === undefined ? undefined : parseHostedGit(repository);
    if (hosted !== undefined && hosted.host !== 'sourcehut') return;
    const present = bugs !== undefined;
    report({
      message: `${present ? 'the bugs field names no URL or email' : 'package.json has no bugs field'}${repository === undefined ? ' and no repository' : ', and npm cannot infer an issue tracker from its repository'}`,
      evidence: [
        present
          ? {
              file: 'package.json',
              line: manifestKeyLine(pkg, 'bugs'),
              snippet: `"bugs": ${JSON.stringify(bugs)?.slice(0, 80) ?? ''}`,
            }
          : { file: 'package.json' },
      ],
    });
  },
});

/** `"bugs": "<url or email>"` or `{ "url": …, "email": … }` with one of them non-empty. */
function hasBugTracker(bugs: unknown): boolean {
  if (typeof bugs === 'string') return bugs.trim() !== '';
  if (typeof bugs !== 'object' || bugs === null || Array.isArray(bugs)) return false;
  const { url, email } = bugs as Record<string, unknown>;
  return (
    (typeof url === 'string' && url.trim() !== '') ||
    (typeof email === 'string' && email.trim() !== '')
  );
}
