/**
 * Package analysis: tarball in, alerts with evidence out (engine.ts), the detector contract
 * (kit.ts), per-file JS facts (js/facts.ts) and threat correlation (correlate.ts).
 */
export {
  analyzePackage,
  makeTextFile,
  mergeAlerts,
  reporterFor,
  type AnalyzeInput,
  type SeekAlerts,
  type PackageAnalysis,
  type EngineOptions,
  type DetectorFailure,
} from './engine.js';
export { correlate, installScriptFiles, type Signal } from './correlate.js';
export { extractFacts, lexicalFacts, type JsFacts } from './js/facts.js';
export {
  defineDetector,
  at,
  type Alert,
  type Evidence,
  type Detector,
  type DetectorMeta,
  type Severity,
  type Category,
  type PackageView,
  type TextFile,
  type FileKind,
  type RegistryView,
  type VersionView,
  type InventoryEntry,
  type IntelOptions,
  DEFAULT_INTEL_OPTIONS,
} from './kit.js';
export { readTarball, DEFAULT_TARBALL_LIMITS, type TarballLimits } from './tarball/index.js';
