/**
 * socket.yml `projectIgnorePaths` as a matcher: one construction for the collector (which
 * walks a folder) and for git snapshots (which filter a commit's file list), so both drop the
 * same files and report an unusable pattern the same way.
 */
import ignore, { type Ignore } from 'ignore';
import { problem, type Problem } from '../errors/index.js';
import { sanitize } from '../util/text.js';

export function projectIgnorer(
  patterns: readonly string[],
  files: readonly { path: string }[],
  problems: Problem[],
): Ignore {
  // Case-sensitive, like git on Linux: ignoring less than intended is the safe mistake.
  const ig = ignore({ ignorecase: false });
  const file =
    files.find((f) => f.path === 'socket.yml') ?? files.find((f) => f.path === 'socket.yaml');
  for (const pattern of patterns) {
    try {
      ig.add(pattern);
    } catch (err) {
      problems.push(
        problem(
          'config-bad-pattern',
          'warning',
          `projectIgnorePaths pattern ${JSON.stringify(sanitize(pattern, 80))} is not usable: ${String(err)}`,
          { ...(file === undefined ? {} : { file: file.path }) },
        ),
      );
    }
  }
  return ig;
}
