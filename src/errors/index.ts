/**
 * One coded error type for every failure a user can cause or fix (bad input, limits, usage).
 *
 * Why: the CLI must never show a stack trace for a user's mistake, and every message must
 * say where (file, line, column) and what to do (hint). Impossible states still throw plain
 * `Error`s, which the CLI reports as internal errors with a stack, because those are our bugs.
 * Codes are stable, listed in `codes.ts`, and documented in docs/errors.md (checked by
 * scripts/check-registries.ts).
 */
import { ERROR_CODES, type ErrorCode } from './codes.js';

export { ERROR_CODES, type ErrorCode } from './codes.js';

/** Where in the user's input something went wrong. Lines and columns are 1-based. */
export interface SourceLocation {
  /** POSIX path relative to the scanned root (or as the user typed it). */
  file?: string;
  line?: number;
  column?: number;
}

export interface DepwardenErrorOptions extends SourceLocation {
  /** What the user can do about it, in one sentence. */
  hint?: string;
  cause?: unknown;
}

export class DepwardenError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(code: ErrorCode, message: string, options: DepwardenErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DepwardenError';
    this.code = code;
    this.hint = options.hint ?? ERROR_CODES[code].hint;
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
  }

  /** `file:line:column` when known, for messages in the familiar compiler style. */
  get where(): string | undefined {
    return formatLocation(this);
  }
}

export function isDepwardenError(value: unknown): value is DepwardenError {
  return value instanceof DepwardenError;
}

/** Renders `file:line:column`, omitting what is unknown; undefined when there is no file. */
export function formatLocation(loc: SourceLocation): string | undefined {
  if (loc.file === undefined) return undefined;
  let out = loc.file;
  if (loc.line !== undefined) {
    out += `:${loc.line}`;
    if (loc.column !== undefined) out += `:${loc.column}`;
  }
  return out;
}

export { problem, compareProblems, type Problem, type ProblemSeverity } from './problem.js';
export { PROBLEM_CODES, type ProblemCode } from './problem-codes.js';
