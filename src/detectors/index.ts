/**
 * The detector registry: every detector, listed explicitly and sorted by id. One folder per
 * detector under src/detectors/<alert type>/ holds its code (index.ts), its positive and
 * negative fixtures (testdata/) and is documented in docs/alerts/<alert type>.md;
 * scripts/check-registries.ts fails CI when the list, the folders, the docs and the fixtures
 * disagree.
 */
import type { Detector } from '../analyzer/kit.js';
import { detector as bidi } from './bidi/index.js';
import { detector as binScriptConfusion } from './binScriptConfusion/index.js';
import { detector as debugAccess } from './debugAccess/index.js';
import { detector as dynamicRequire } from './dynamicRequire/index.js';
import { detector as emptyPackage } from './emptyPackage/index.js';
import { detector as envVars } from './envVars/index.js';
import { detector as filesystemAccess } from './filesystemAccess/index.js';
import { detector as hasNativeCode } from './hasNativeCode/index.js';
import { detector as highEntropyStrings } from './highEntropyStrings/index.js';
import { detector as homoglyphs } from './homoglyphs/index.js';
import { detector as installScripts } from './installScripts/index.js';
import { detector as invisibleChars } from './invisibleChars/index.js';
import { detector as longStrings } from './longStrings/index.js';
import { detector as malware } from './malware/index.js';
import { detector as minifiedFile } from './minifiedFile/index.js';
import { detector as networkAccess } from './networkAccess/index.js';
import { detector as obfuscatedFile } from './obfuscatedFile/index.js';
import { detector as obfuscatedRequire } from './obfuscatedRequire/index.js';
import { detector as shellAccess } from './shellAccess/index.js';
import { detector as shellScriptOverride } from './shellScriptOverride/index.js';
import { detector as shrinkwrap } from './shrinkwrap/index.js';
import { detector as suspiciousString } from './suspiciousString/index.js';
import { detector as telemetry } from './telemetry/index.js';
import { detector as tooManyFiles } from './tooManyFiles/index.js';
import { detector as trivialPackage } from './trivialPackage/index.js';
import { detector as urlStrings } from './urlStrings/index.js';
import { detector as usesEval } from './usesEval/index.js';
import { detector as zeroWidth } from './zeroWidth/index.js';

export const DETECTORS: readonly Detector[] = [
  bidi,
  binScriptConfusion,
  debugAccess,
  dynamicRequire,
  emptyPackage,
  envVars,
  filesystemAccess,
  hasNativeCode,
  highEntropyStrings,
  homoglyphs,
  installScripts,
  invisibleChars,
  longStrings,
  malware,
  minifiedFile,
  networkAccess,
  obfuscatedFile,
  obfuscatedRequire,
  shellAccess,
  shellScriptOverride,
  shrinkwrap,
  suspiciousString,
  telemetry,
  tooManyFiles,
  trivialPackage,
  urlStrings,
  usesEval,
  zeroWidth,
];
