/**
 * The catalogue of error codes. Each code is stable once released (scripts and CI match on
 * it) and documented in docs/errors.md; scripts/check-registries.ts fails when the two differ.
 * `exit` is the CLI exit code the error maps to (see docs/cli.md).
 */
export const ERROR_CODES = {
  USAGE: { exit: 3, hint: 'Run `depwarden --help` for the commands and flags.' },
  PROJECT_NOT_FOUND: { exit: 3, hint: 'Check the directory path; it must exist and be readable.' },
  PROJECT_NOT_DIRECTORY: { exit: 3, hint: 'Pass the project directory, not a file inside it.' },
  SNAPSHOT_FILE_TOO_LARGE: {
    exit: 3,
    hint: 'Raise the limit with the matching --max-* flag if the file is genuine.',
  },
  SNAPSHOT_TOO_MANY_FILES: {
    exit: 3,
    hint: 'Raise --max-files, or exclude folders with projectIgnorePaths in socket.yml.',
  },
  SNAPSHOT_TOO_LARGE: {
    exit: 3,
    hint: 'Raise --max-total-size, or exclude folders with projectIgnorePaths in socket.yml.',
  },
  SNAPSHOT_TOO_DEEP: {
    exit: 3,
    hint: 'Raise --max-depth, or exclude the folder with projectIgnorePaths in socket.yml.',
  },
  SNAPSHOT_SPECIAL_FILE: {
    exit: 3,
    hint: 'Remove the FIFO, socket or device that carries a snapshot file name, or ignore its folder.',
  },
  SNAPSHOT_UNREADABLE: { exit: 3, hint: 'Check the file permissions.' },
  SNAPSHOT_INVALID_PATH: {
    exit: 3,
    hint: 'Send POSIX paths relative to the project root, each ending in a snapshot file name, once.',
  },
  REGISTRY_CONFIG: {
    exit: 3,
    hint: 'Pass --registry <url> or fix the registry setting in your .npmrc or NPM_CONFIG_REGISTRY.',
  },
  ADVISORY_SOURCE_INVALID: {
    exit: 2,
    hint: 'The advisory export was refused and the database was not changed; check the file or URL (an OSV all.zip export).',
  },
  ADVISORY_UNREACHABLE: {
    exit: 2,
    hint: 'The advisory export could not be downloaded; the previous database stays in use. Retry, or download all.zip elsewhere and pass it with --from FILE.',
  },
  REGISTRY_UNREACHABLE: {
    exit: 2,
    hint: 'Check the network and the registry URL; results are incomplete. Retry, or use --offline with a filled cache.',
  },
  REGISTRY_AUTH: { exit: 3, hint: 'Add or renew the token for this registry in your .npmrc.' },
  REGISTRY_BAD_RESPONSE: {
    exit: 2,
    hint: 'The registry sent something unexpected; retry, or check --registry.',
  },
  PACKAGE_NOT_FOUND: { exit: 3, hint: 'Check the package name and version.' },
  CACHE_MISS_OFFLINE: {
    exit: 2,
    hint: 'Run once without --offline to fill the cache, or point --cache-dir at a filled one.',
  },
  TARGET_INVALID: {
    exit: 3,
    hint: 'A target is a path to a .tgz file or name@version, e.g. left-pad@1.3.0.',
  },
  SNAPSHOT_ID_INVALID: {
    exit: 3,
    hint: 'A snapshot id is exactly 64 lowercase hexadecimal characters, as printed by `depwarden snapshot`.',
  },
  SEALED_DATA_INVALID: {
    exit: 2,
    hint: 'The stored object is damaged, was altered, or belongs to another object; it was not used.',
  },
  SERVER_UNREACHABLE: {
    exit: 2,
    hint: 'Check --server (or DEPWARDEN_SERVER) and that `depwarden serve` runs there.',
  },
  SERVER_ERROR: {
    exit: 2,
    hint: 'The report server refused or failed the request; its message says why.',
  },
  REPORT_NOT_FOUND: {
    exit: 3,
    hint: 'The report does not exist, was deleted, or the id is mistyped (ids are 64 hex characters).',
  },
  STORE_KEY_INVALID: {
    exit: 3,
    hint: 'Keys are 64 lowercase hex digits, optionally with a suffix like .report.',
  },
  STORE_OBJECT_TOO_LARGE: {
    exit: 3,
    hint: 'Raise maxObjectBytes in the store configuration if this is genuine.',
  },
  STORE_CONFIG_INVALID: {
    exit: 3,
    hint: 'Fix the storage settings; docs/storage.md lists them.',
  },
  STORE_UNAVAILABLE: {
    exit: 2,
    hint: 'Check the data directory or the S3 endpoint, bucket and credentials.',
  },
  NOTHING_TO_SCAN: {
    exit: 3,
    hint: 'Point depwarden at the folder that holds package.json (and its lockfile).',
  },
  OUTPUT_UNWRITABLE: {
    exit: 3,
    hint: 'Check that the folder of --output exists and is writable.',
  },
  GIT_FAILED: {
    exit: 3,
    hint: 'Check that the directory is a git repository and the ref exists (git rev-parse <ref>).',
  },
} as const satisfies Record<string, { exit: number; hint: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
