/**
 * noWebsite: package.json has no homepage and npm cannot infer one. npm (normalize-package-data)
 * sets the homepage to the repository's page when the repository is on a known git host
 * (GitHub, GitLab, Bitbucket, gists, sourcehut, Codeberg), and the registry shows that
 * link, so such packages are not flagged: only those with no homepage and no hosted
 * repository, whose consumers have nowhere to look for documentation.
 */
import { defineDetector } from '../../analyzer/kit.js';
import { manifestKeyLine, parseHostedGit } from '../../intel/depspec/index.js';
import { repositoryUrl } from '../noRepository/index.js';

export const detector = defineDetector({
  meta: {
    id: 'noWebsite',
    version: 1,
    category: 'quality',
    severity: 'low',
    title: 'No website',
    description: 'package.json has no homepage, and no hosted repository npm would link instead.',
  },
  package(pkg, report) {
    // No package.json at all (or an unreadable one) is invalidPackageJSON's finding.
    if (pkg.manifest === undefined) return;
    const homepage = pkg.manifest.homepage;
    if (typeof homepage === 'string' && homepage.trim() !== '') return;
    const repository = repositoryUrl(pkg.manifest.repository);
    if (repository !== undefined && parseHostedGit(repository) !== undefined) return;
    const present = homepage !== undefined;
    report({
      message: `${present ? 'the homepage field is empty' : 'package.json has no homepage'}${repository === undefined ? ' and no repository' : ', and its repository is not on a host npm links to'}`,
      evidence: [
        present
          ? {
              file: 'package.json',
              line: manifestKeyLine(pkg, 'homepage'),
              snippet: `"homepage": ${JSON.stringify(homepage)?.slice(0, 80) ?? ''}`,
            }
          : { file: 'package.json' },
      ],
    });
  },
});
