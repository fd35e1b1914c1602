/**
 * Package intelligence: what the registry and a package's history say about a version, next
 * to what its code does. The registry detectors (src/detectors/<type>/, `registry` hook) run
 * here after the engine; history.ts finds the version before and compares capabilities.
 */
export { runRegistryDetectors, versionView, withRegistryAlerts } from './run.js';
export {
  enrich,
  prefetchHistory,
  previousVersionView,
  reusableFiles,
  type EnrichOptions,
  type HistoryFetch,
} from './enrich.js';
export { publishedAt, lastPublish, earlierVersions } from './times.js';
export {
  previousVersion,
  capabilities,
  capabilitySeek,
  entryPoints,
  codeChange,
  CAPABILITIES,
  type Capability,
} from './history.js';
