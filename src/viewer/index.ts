/**
 * The web viewer: server-rendered report pages (pure renderers), their static assets
 * (content-hashed, with subresource integrity) and the routes that serve them on the main
 * origin. docs/viewer.md describes the pages, the assets and the headers.
 */
export {
  renderViewerPage,
  renderLandingPage,
  renderPendingPage,
  renderFailedPage,
  renderNotFoundPage,
  usercontentFileUrl,
  VIEWER_LIMITS,
  type ViewerContext,
  type PageAssets,
  type PageAsset,
} from './pages.js';
export {
  ASSET_SOURCES,
  ASSET_PREFIX,
  MANIFEST_NAME,
  hashAssets,
  readAssetSources,
  loadAssetsFrom,
  viewerAssets,
  type AssetEntry,
  type AssetManifest,
  type AssetRef,
  type ViewerAssets,
} from './assets.js';
export {
  registerViewerRoutes,
  parseUsercontentOrigin,
  HTML_TYPE,
  IMMUTABLE,
  type ViewerRouteOptions,
} from './routes.js';
