/** Every file below a folder (recursively), for tests that check what a store or cache holds. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function filesBelow(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesBelow(p)));
    else out.push(p);
  }
  return out;
}
