/**
 * The detector registry: every detector, listed explicitly and sorted by id. One folder per
 * detector under src/detectors/<alert type>/ holds its code (index.ts), its positive and
 * negative fixtures (testdata/) and is documented in docs/alerts/<alert type>.md;
 * scripts/check-registries.ts fails CI when the list, the folders, the docs and the fixtures
 * disagree.
 */
import type { Detector } from '../analyzer/kit.js';
import { detector as badSemver } from './badSemver/index.js';
import { detector as badSemverDependency } from './badSemverDependency/index.js';
import { detector as bidi } from './bidi/index.js';
import { detector as binScriptConfusion } from './binScriptConfusion/index.js';
import { detector as chronoAnomaly } from './chronoAnomaly/index.js';
import { detector as copyleftLicense } from './copyleftLicense/index.js';
import { detector as criticalCVE } from './criticalCVE/index.js';
import { detector as cve } from './cve/index.js';
import { detector as debugAccess } from './debugAccess/index.js';
import { detector as deprecated } from './deprecated/index.js';
import { detector as deprecatedLicense } from './deprecatedLicense/index.js';
import { detector as didYouMean } from './didYouMean/index.js';
import { detector as dynamicRequire } from './dynamicRequire/index.js';
import { detector as emptyPackage } from './emptyPackage/index.js';
import { detector as envVars } from './envVars/index.js';
import { detector as explicitlyUnlicensedItem } from './explicitlyUnlicensedItem/index.js';
import { detector as fileDependency } from './fileDependency/index.js';
import { detector as filesystemAccess } from './filesystemAccess/index.js';
import { detector as floatingDependency } from './floatingDependency/index.js';
import { detector as gitDependency } from './gitDependency/index.js';
import { detector as gitHubDependency } from './gitHubDependency/index.js';
import { detector as hasNativeCode } from './hasNativeCode/index.js';
import { detector as highEntropyStrings } from './highEntropyStrings/index.js';
import { detector as homoglyphs } from './homoglyphs/index.js';
import { detector as httpDependency } from './httpDependency/index.js';
import { detector as installScripts } from './installScripts/index.js';
import { detector as invisibleChars } from './invisibleChars/index.js';
import { detector as licenseChange } from './licenseChange/index.js';
import { detector as licenseException } from './licenseException/index.js';
import { detector as longStrings } from './longStrings/index.js';
import { detector as majorRefactor } from './majorRefactor/index.js';
import { detector as malware } from './malware/index.js';
import { detector as manifestConfusion } from './manifestConfusion/index.js';
import { detector as mediumCVE } from './mediumCVE/index.js';
import { detector as mildCVE } from './mildCVE/index.js';
import { detector as minifiedFile } from './minifiedFile/index.js';
import { detector as missingAuthor } from './missingAuthor/index.js';
import { detector as missingTarball } from './missingTarball/index.js';
import { detector as networkAccess } from './networkAccess/index.js';
import { detector as newAuthor } from './newAuthor/index.js';
import { detector as noAuthorData } from './noAuthorData/index.js';
import { detector as noBugTracker } from './noBugTracker/index.js';
import { detector as noLicenseFound } from './noLicenseFound/index.js';
import { detector as noREADME } from './noREADME/index.js';
import { detector as noRepository } from './noRepository/index.js';
import { detector as noTests } from './noTests/index.js';
import { detector as noV1 } from './noV1/index.js';
import { detector as noWebsite } from './noWebsite/index.js';
import { detector as nonpermissiveLicense } from './nonpermissiveLicense/index.js';
import { detector as obfuscatedFile } from './obfuscatedFile/index.js';
import { detector as obfuscatedRequire } from './obfuscatedRequire/index.js';
import { detector as permissionCreep } from './permissionCreep/index.js';
import { detector as provenanceDropped } from './provenanceDropped/index.js';
import { detector as recentlyPublished } from './recentlyPublished/index.js';
import { detector as semverAnomaly } from './semverAnomaly/index.js';
import { detector as shellAccess } from './shellAccess/index.js';
import { detector as shellScriptOverride } from './shellScriptOverride/index.js';
import { detector as shrinkwrap } from './shrinkwrap/index.js';
import { detector as suspiciousString } from './suspiciousString/index.js';
import { detector as telemetry } from './telemetry/index.js';
import { detector as tooManyFiles } from './tooManyFiles/index.js';
import { detector as trivialPackage } from './trivialPackage/index.js';
import { detector as unidentifiedLicense } from './unidentifiedLicense/index.js';
import { detector as unmaintained } from './unmaintained/index.js';
import { detector as unpublished } from './unpublished/index.js';
import { detector as unstableOwnership } from './unstableOwnership/index.js';
import { detector as urlStrings } from './urlStrings/index.js';
import { detector as usesEval } from './usesEval/index.js';
import { detector as zeroWidth } from './zeroWidth/index.js';

export const DETECTORS: readonly Detector[] = [
  badSemver,
  badSemverDependency,
  bidi,
  binScriptConfusion,
  chronoAnomaly,
  copyleftLicense,
  criticalCVE,
  cve,
  debugAccess,
  deprecated,
  deprecatedLicense,
  didYouMean,
  dynamicRequire,
  emptyPackage,
  envVars,
  explicitlyUnlicensedItem,
  fileDependency,
  filesystemAccess,
  floatingDependency,
  gitDependency,
  gitHubDependency,
  hasNativeCode,
  highEntropyStrings,
  homoglyphs,
  httpDependency,
  installScripts,
  invisibleChars,
  licenseChange,
  licenseException,
  longStrings,
  majorRefactor,
  malware,
  manifestConfusion,
  mediumCVE,
  mildCVE,
  minifiedFile,
  missingAuthor,
  missingTarball,
  networkAccess,
  newAuthor,
  noAuthorData,
  noBugTracker,
  noLicenseFound,
  noREADME,
  noRepository,
  noTests,
  noV1,
  noWebsite,
  nonpermissiveLicense,
  obfuscatedFile,
  obfuscatedRequire,
  permissionCreep,
  provenanceDropped,
  recentlyPublished,
  semverAnomaly,
  shellAccess,
  shellScriptOverride,
  shrinkwrap,
  suspiciousString,
  telemetry,
  tooManyFiles,
  trivialPackage,
  unidentifiedLicense,
  unmaintained,
  unpublished,
  unstableOwnership,
  urlStrings,
  usesEval,
  zeroWidth,
];
