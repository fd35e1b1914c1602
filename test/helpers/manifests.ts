/** Builds the snapshot's parsed package.json map from plain objects, for parser tests. */
import { parseManifest, type Manifest } from '../../src/manifest/index.js';

export function manifests(files: Record<string, object>): Map<string, Manifest> {
  const out = new Map<string, Manifest>();
  for (const [path, json] of Object.entries(files)) {
    out.set(path, parseManifest(path, JSON.stringify(json)).manifest);
  }
  return out;
}
