/**
 * noAuthorData: package.json names no person: no author, no contributors, no maintainers.
 * Anonymous packages are harder to trust and to contact, and an empty author is common in
 * throwaway and malicious publishes. The registry records who published (the npm account),
 * but that is registry data (see missingAuthor), not what the package says about itself.
 */
import { defineDetector } from '../../analyzer/kit.js';
import { manifestKeyLine } from '../../intel/depspec/index.js';

/** Entries looked at in contributors/maintainers: one named person is enough. */
const MAX_PEOPLE = 100;

export const detector = defineDetector({
  meta: {
    id: 'noAuthorData',
    version: 1,
    category: 'quality',
    severity: 'low',
    title: 'No contributors or author data',
    description: 'package.json names no author, contributors or maintainers.',
  },
  package(pkg, report) {
    // No package.json at all (or an unreadable one) is invalidPackageJSON's finding.
    if (pkg.manifest === undefined) return;
    const { author, contributors, maintainers } = pkg.manifest;
    if (isPerson(author) || hasPerson(contributors) || hasPerson(maintainers)) return;
    const present = author !== undefined;
    report({
      message: present
        ? 'the author field names no one, and there are no contributors or maintainers'
        : 'package.json names no author, contributors or maintainers',
      evidence: [
        present
          ? {
              file: 'package.json',
              line: manifestKeyLine(pkg, 'author'),
              snippet: `"author": ${JSON.stringify(author)?.slice(0, 80) ?? ''}`,
            }
          : { file: 'package.json' },
      ],
    });
  },
});

/** `"Name <email> (url)"`, or `{ name, email, url }` with a non-empty name or email. */
function isPerson(value: unknown): boolean {
  if (typeof value === 'string') return value.trim() !== '';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { name, email } = value as Record<string, unknown>;
  return (
    (typeof name === 'string' && name.trim() !== '') ||
    (typeof email === 'string' && email.trim() !== '')
  );
}

function hasPerson(list: unknown): boolean {
  return Array.isArray(list) && list.slice(0, MAX_PEOPLE).some(isPerson);
}
