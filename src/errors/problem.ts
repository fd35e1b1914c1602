/**
 * Problems: non-fatal diagnostics about the user's input. A bad lockfile entry becomes a
 * problem with a location and the rest of the file is still used (partial success), so one
 * typo never hides a whole dependency tree. Errors are what make a result incomplete;
 * warnings and notes are advice.
 */
import type { SourceLocation } from './index.js';
import type { ProblemCode } from './problem-codes.js';

export type ProblemSeverity = 'error' | 'warning' | 'note';

export interface Problem extends SourceLocation {
  /** Stable kebab-case code from problem-codes.ts, documented in docs/problems.md. */
  code: ProblemCode;
  severity: ProblemSeverity;
  message: string;
  hint?: string;
}

export function problem(
  code: ProblemCode,
  severity: ProblemSeverity,
  message: string,
  where: SourceLocation & { hint?: string } = {},
): Problem {
  const out: Problem = { code, severity, message };
  if (where.file !== undefined) out.file = where.file;
  if (where.line !== undefined) out.line = where.line;
  if (where.column !== undefined) out.column = where.column;
  if (where.hint !== undefined) out.hint = where.hint;
  return out;
}

/** Orders problems by file, line, column, then code, so output is stable. */
export function compareProblems(a: Problem, b: Problem): number {
  return (
    cmp(a.file ?? '', b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    cmp(a.code, b.code) ||
    cmp(a.message, b.message)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
