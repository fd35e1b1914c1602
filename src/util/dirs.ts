/**
 * Where depwarden keeps data it owns between runs (the advisory database): the XDG data
 * directory, as the cache follows the XDG cache directory (src/registry/cache.ts).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv): string {
  if (env.XDG_DATA_HOME !== undefined && env.XDG_DATA_HOME !== '')
    return join(env.XDG_DATA_HOME, 'depwarden');
  if (process.platform === 'win32' && env.LOCALAPPDATA !== undefined)
    return join(env.LOCALAPPDATA, 'depwarden', 'data');
  return join(homedir(), '.local', 'share', 'depwarden');
}
