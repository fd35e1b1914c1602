/**
 * The detector registry: every detector, listed explicitly and sorted by id. One folder per
 * detector under src/detectors/<alert type>/ holds its code (index.ts), its positive and
 * negative fixtures (testdata/) and is documented in docs/alerts/<alert type>.md;
 * scripts/check-registries.ts fails CI when the list, the folders, the docs and the fixtures
 * disagree.
 */
import type { Detector } from '../analyzer/kit.js';
import { detector as envVars } from './envVars/index.js';
import { detector as filesystemAccess } from './filesystemAccess/index.js';
import { detector as installScripts } from './installScripts/index.js';
import { detector as malware } from './malware/index.js';
import { detector as networkAccess } from './networkAccess/index.js';
import { detector as shellAccess } from './shellAccess/index.js';
import { detector as suspiciousString } from './suspiciousString/index.js';
import { detector as usesEval } from './usesEval/index.js';

export const DETECTORS: readonly Detector[] = [
  envVars,
  filesystemAccess,
  installScripts,
  malware,
  networkAccess,
  shellAccess,
  suspiciousString,
  usesEval,
];
