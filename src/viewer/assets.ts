/**
 * The viewer's static assets: content-hashed names and SHA-384 subresource integrity.
 *
 * One code path for both ways the server runs: `npm run build` calls `hashAssets` (through
 * scripts/build-viewer.mjs, on the compiled module) and writes the hashed files and a
 * manifest to dist/viewer/assets/; at start the server reads that manifest beside the
 * compiled module, or, when it runs from source (tsx, tests) where there is none, hashes
 * src/viewer/assets/ itself with the same function. Either way the bytes are held in memory
 * and checked against their integrity, so a page never names a file it does not serve.
 *
 * The list of sources is explicit, not a folder listing: only these files are ever served.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The source files, as named in src/viewer/assets/, with their content types. */
export const ASSET_SOURCES: Readonly<Record<string, string>> = Object.freeze({
  'viewer.css': 'text/css; charset=utf-8',
  'viewer.js': 'text/javascript; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
});

/** The manifest written beside the hashed files. */
export const MANIFEST_NAME = 'manifest.json';

export interface AssetEntry {
  /** The source name (`viewer.css`). */
  source: string;
  /** The served name (`viewer.3f2a9c1b0d4e5f60.css`): the hash makes it immutable. */
  file: string;
  /** `sha384-…`, for the integrity attribute. */
  integrity: string;
  contentType: string;
}

export interface AssetManifest {
  version: 1;
  assets: AssetEntry[];
}

/** A link to one asset, as the pages use it. */
export interface AssetRef {
  href: string;
  integrity: string;
}

export interface ViewerAssets {
  css: AssetRef;
  js: AssetRef;
  icon: AssetRef;
  /** A served file by its hashed name; undefined for any other name. */
  get(file: string): { bytes: Buffer; contentType: string } | undefined;
}

/** URL path under which assets are served. */
export const ASSET_PREFIX = '/assets/';

const HASHED_NAME = /^[a-z]+\.[0-9a-f]{16}\.[a-z]+$/;

/** Hashed name and integrity of each source (the build and the server both call this). */
export function hashAssets(
  sources: readonly { source: string; bytes: Uint8Array }[],
): AssetManifest {
  const assets = sources.map(({ source, bytes }) => {
    const contentType = ASSET_SOURCES[source];
    if (contentType === undefined || !Object.hasOwn(ASSET_SOURCES, source))
      throw new Error(`${source} is not a viewer asset`);
    const dot = source.lastIndexOf('.');
    const hex = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    return {
      source,
      file: `${source.slice(0, dot)}.${hex}${source.slice(dot)}`,
      integrity: `sha384-${createHash('sha384').update(bytes).digest('base64')}`,
      contentType,
    };
  });
  return { version: 1, assets };
}

/** Reads the sources named in ASSET_SOURCES from a folder of unhashed files. */
export function readAssetSources(dir: URL): { source: string; bytes: Buffer }[] {
  return Object.keys(ASSET_SOURCES).map((source) => {
    const url = new URL(source, dir);
    // A compiled tree without the asset step (`tsc` alone) has neither sources nor manifest.
    if (!existsSync(url))
      throw new Error(
        `the web viewer's assets are missing (${fileURLToPath(url)}); build with \`npm run build\`, which runs scripts/build-viewer.mjs after tsc`,
      );
    return { source, bytes: readFileSync(url) };
  });
}

function checkedManifest(value: unknown): AssetManifest {
  const m = value as AssetManifest;
  if (
    typeof m !== 'object' ||
    m === null ||
    m.version !== 1 ||
    !Array.isArray(m.assets) ||
    m.assets.length !== Object.keys(ASSET_SOURCES).length ||
    !m.assets.every(
      (a) =>
        typeof a === 'object' &&
        a !== null &&
        Object.hasOwn(ASSET_SOURCES, a.source) &&
        typeof a.file === 'string' &&
        HASHED_NAME.test(a.file) &&
        typeof a.integrity === 'string' &&
        a.integrity.startsWith('sha384-') &&
        a.contentType === ASSET_SOURCES[a.source],
    )
  )
    throw new Error(`the viewer asset manifest is not valid (${MANIFEST_NAME})`);
  return m;
}

/**
 * The assets in `dir`: the built ones when `dir` holds a manifest, else the sources hashed
 * now. Throws when a built file is missing or its bytes do not match the manifest.
 */
export function loadAssetsFrom(dir: URL): ViewerAssets {
  const manifestUrl = new URL(MANIFEST_NAME, dir);
  let manifest: AssetManifest;
  const bytesOf = new Map<string, Buffer>();
  if (existsSync(manifestUrl)) {
    manifest = checkedManifest(JSON.parse(readFileSync(manifestUrl, 'utf8')));
    for (const a of manifest.assets) {
      const bytes = readFileSync(new URL(a.file, dir));
      const actual = `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
      if (actual !== a.integrity) throw new Error(`${a.file} does not match its integrity`);
      bytesOf.set(a.file, bytes);
    }
  } else {
    const sources = readAssetSources(dir);
    manifest = hashAssets(sources);
    manifest.assets.forEach((a, i) => bytesOf.set(a.file, (sources[i] as { bytes: Buffer }).bytes));
  }
  const bySource = new Map(manifest.assets.map((a) => [a.source, a]));
  const byFile = new Map(manifest.assets.map((a) => [a.file, a]));
  const ref = (source: string): AssetRef => {
    const a = bySource.get(source) as AssetEntry;
    return { href: `${ASSET_PREFIX}${a.file}`, integrity: a.integrity };
  };
  return {
    css: ref('viewer.css'),
    js: ref('viewer.js'),
    icon: ref('favicon.svg'),
    get(file) {
      const a = byFile.get(file);
      const bytes = bytesOf.get(file);
      return a === undefined || bytes === undefined
        ? undefined
        : { bytes, contentType: a.contentType };
    },
  };
}

let loaded: ViewerAssets | undefined;

/** The assets beside this module (built or source), loaded once per process. */
export function viewerAssets(): ViewerAssets {
  loaded ??= loadAssetsFrom(new URL('./assets/', import.meta.url));
  return loaded;
}
