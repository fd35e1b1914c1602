/**
 * The key analysis results are cached under: the tarball's integrity, the engine's version and
 * every detector's id and version. Changing one detector changes every key, which is the
 * honest choice: any detector can add or drop an alert on any package, so every package it
 * runs on must be re-analysed, and nothing else changes.
 */
import { DETECTORS } from '../detectors/index.js';

/** Bumped when the engine itself (tarball reading, facts, correlation) changes its output. */
export const ENGINE_VERSION = 3;

const DETECTOR_SIGNATURE = DETECTORS.map((d) => `${d.meta.id}@${d.meta.version}`)
  .sort()
  .join(',');

export function analysisCacheKey(integrity: string): string {
  return `analysis/v${ENGINE_VERSION}/${DETECTOR_SIGNATURE}/${integrity}`;
}
