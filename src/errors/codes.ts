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
} as const satisfies Record<string, { exit: number; hint: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
