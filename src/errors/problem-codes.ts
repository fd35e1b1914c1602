/**
 * The catalogue of problem codes (non-fatal, located diagnostics). `problem()` accepts only
 * these, so a new code cannot appear without an entry here, and scripts/check-registries.ts
 * checks that docs/problems.md documents exactly this list. The text is the one-line
 * meaning shown in the docs.
 */
export const PROBLEM_CODES = {
  'config-bad-pattern': 'A projectIgnorePaths entry is not a valid gitignore pattern.',
  'config-both-files': 'Both socket.yml and socket.yaml exist; socket.yml is used.',
  'config-coerced-type':
    'A value of the wrong type was accepted the way the leading tool coerces it (e.g. "true").',
  'config-duplicate-key': 'A key appears twice in socket.yml.',
  'config-empty': 'socket.yml is empty; defaults apply.',
  'config-invalid-yaml': 'socket.yml is not valid YAML; defaults apply.',
  'config-too-many-problems': 'Further socket.yml problems were not listed.',
  'config-unknown-alert-type':
    'issueRules names an alert type that does not exist (with a suggestion).',
  'config-unknown-key': 'A key socket.yml does not define (with a suggestion); it is ignored.',
  'config-invalid-accepted-risk':
    'An acceptedRisks entry lacks a required field or has an invalid one; the entry is ignored.',
  'config-unknown-license':
    'licensePolicy names something that is not an SPDX license id (with a suggestion); it is ignored.',
  'config-unsupported-rule':
    'An issueRules value is not true or false (per-rule objects are not supported).',
  'config-version': 'socket.yml has no version, or one other than 2 (version 1 is migrated).',
  'config-wrong-type': 'A socket.yml value has the wrong type; it is ignored.',
  'file-not-utf8': 'A snapshot file is not valid UTF-8; invalid bytes were replaced.',
  'lockfile-dependency-unresolved':
    'A dependency of a pnpm package points at no entry of the lockfile.',
  'lockfile-duplicate-key':
    'A key appears twice in a lockfile; the package manager uses the last one.',
  'lockfile-edge-unresolved': 'A required dependency of an npm package is not in the lockfile.',
  'lockfile-empty': 'The lockfile is empty.',
  'lockfile-entry-invalid':
    'An entry of the lockfile is malformed; it is skipped (error) or partly read (warning).',
  'lockfile-invalid-json': 'The lockfile is not valid JSON; nothing in it could be read.',
  'lockfile-invalid-yaml':
    'The lockfile is not valid YAML; what could be read before the error is kept.',
  'lockfile-not-object': 'The lockfile does not hold a JSON object.',
  'lockfile-not-pnpm': 'pnpm-lock.yaml does not have the shape of a pnpm lockfile.',
  'lockfile-out-of-sync':
    'package.json and the lockfile disagree; what is installed differs from what is scanned.',
  'lockfile-resolution-unknown':
    'A pnpm resolution of an unknown type; the package is kept with the closest source.',
  'lockfile-section-invalid':
    'A whole section of a pnpm lockfile has the wrong type and is skipped.',
  'lockfile-source-unknown':
    'Where a package comes from cannot be told (unknown protocol or resolved value).',
  'lockfile-too-deep': 'The lockfile nests deeper than any real one; it is not read.',
  'lockfile-too-large': 'The lockfile expands beyond the size bound (e.g. a YAML alias bomb).',
  'lockfile-too-many-problems': 'Further problems in this lockfile were not listed.',
  'lockfile-unreachable-entries':
    'Some lockfile entries are reachable from no importer; their flags come from the lockfile.',
  'lockfile-version-missing':
    'The lockfile states no format version; it is read as the closest known one.',
  'lockfile-version-unknown':
    'A format version depwarden does not know; it is read as the newest (or closest) known one.',
  'lockfile-yaml-warning': 'The YAML parser warned about the lockfile.',
  'manifest-duplicate-key': 'A key appears twice in package.json; npm uses the last one.',
  'manifest-invalid-json': 'package.json is not valid JSON; it is ignored.',
  'manifest-not-in-lockfile':
    "A package.json inside a lockfile's folder is not one of its workspaces.",
  'manifest-not-object': 'package.json does not hold a JSON object.',
  'manifest-too-deep': 'package.json nests deeper than any real one; it is ignored.',
  'manifest-wrong-type': 'A package.json field has the wrong type; it is ignored.',
  'multiple-lockfiles': 'Several lockfiles in one folder; all are read.',
  'no-lockfile':
    'A package.json with dependencies and no lockfile: its direct dependencies are unresolved ranges.',
  'parser-crashed': 'A depwarden parser failed on this file (a bug); the file was skipped.',
  'snapshot-file-vanished': 'A file disappeared while the snapshot was being collected.',
  'snapshot-name-not-utf8': 'A file or folder name is not valid UTF-8.',
} as const satisfies Record<string, string>;

export type ProblemCode = keyof typeof PROBLEM_CODES;
