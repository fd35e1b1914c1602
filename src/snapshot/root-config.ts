/**
 * The root socket.yml / socket.yaml of a snapshot, parsed. Only the root file configures the
 * scan (as with the leading tool's GitHub App); nested ones are ordinary snapshot files.
 * When both root files exist `socket.yml` wins, with a warning, as the leading tool documents.
 */
import { parseSocketConfig, type SocketConfig } from '../config/index.js';
import { problem, type Problem } from '../errors/index.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function readRootConfig(files: readonly { path: string; bytes: Uint8Array }[]): {
  config?: SocketConfig;
  problems: Problem[];
} {
  const yml = files.find((f) => f.path === 'socket.yml');
  const yaml = files.find((f) => f.path === 'socket.yaml');
  const chosen = yml ?? yaml;
  if (chosen === undefined) return { problems: [] };
  const problems: Problem[] = [];
  if (yml !== undefined && yaml !== undefined) {
    problems.push(
      problem(
        'config-both-files',
        'warning',
        'Both socket.yml and socket.yaml exist; socket.yaml is not used',
        {
          file: 'socket.yaml',
          hint: 'Merge the two into socket.yml and delete socket.yaml.',
        },
      ),
    );
  }
  let text: string;
  try {
    text = utf8.decode(chosen.bytes);
  } catch {
    problems.push(
      problem(
        'config-invalid-yaml',
        'error',
        `${chosen.path} is not valid UTF-8; the defaults apply`,
        {
          file: chosen.path,
          hint: 'Save the file as UTF-8.',
        },
      ),
    );
    return { problems };
  }
  const parsed = parseSocketConfig(chosen.path, text);
  problems.push(...parsed.problems);
  return { config: parsed.config, problems };
}
