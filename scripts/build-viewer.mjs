#!/usr/bin/env node
// Builds the web viewer's static assets after `tsc`: copies src/viewer/assets/* into
// dist/viewer/assets/ under content-hashed names and writes manifest.json (name, hashed
// file, sha384 integrity, content type). The names and hashes come from the compiled
// dist/viewer/assets.js, the same function the server runs when it starts from source, so
// the build and the server cannot disagree. The output folder is replaced, never merged:
// no stale hashed file survives a rebuild.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const source = new URL('src/viewer/assets/', root);
const target = new URL('dist/viewer/assets/', root);

const { hashAssets, readAssetSources, MANIFEST_NAME } = await import(
  new URL('dist/viewer/assets.js', root).href
);

const sources = readAssetSources(source);
const manifest = hashAssets(sources);
rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
manifest.assets.forEach((asset, i) => writeFileSync(new URL(asset.file, target), sources[i].bytes));
writeFileSync(new URL(MANIFEST_NAME, target), `${JSON.stringify(manifest, null, 2)}\n`);
for (const a of manifest.assets) console.log(`dist/viewer/assets/${a.file}  ${a.integrity}`);
