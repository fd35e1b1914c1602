/**
 * Typo-squat detection core: is this package name an imitation of a popular one, and which?
 *
 * `loadPopularIndex()` builds (once per process) an index over the shipped list of the most
 * downloaded packages; `index.check(name)` answers with the imitated name, the technique
 * (edit distance, swap, doubled or dropped letter, look-alike glyphs, separators, scope,
 * affixes, plural, word order) and a confidence, or undefined. The metadata helpers supply the
 * evidence and the suppressions a detector adds on top. Techniques, thresholds and numbers:
 * docs/typosquat.md.
 */
export {
  buildTyposquatIndex,
  MAX_ENTRIES,
  type CheckOptions,
  type PopularEntry,
  type TyposquatIndex,
  type TyposquatMatch,
  type TyposquatTechnique,
} from './build.js';
export {
  loadPopularIndex,
  parsePopularTsv,
  formatPopularTsv,
  POPULAR_FILE_URL,
  MAX_POPULAR_FILE_BYTES,
} from './popular.js';
export {
  misleadingMetadata,
  sameRepository,
  sharesOwnership,
  normaliseRepositoryUrl,
  type PackageMetadata,
} from './metadata.js';
export { LEGITIMATE_NEIGHBOURS, isKnownNeighbour, type NeighbourPair } from './neighbours.js';
export { fetchDownloadCounts, type DownloadCounts, type DownloadCountsOptions } from './refresh.js';
