/**
 * The contract between the analysis engine and the detectors (src/detectors/<type>/).
 *
 * A detector declares its metadata (the alert type it raises, its version, category, default
 * severity) and any of four hooks, each given read-only views the engine computed once:
 *
 *   package(pkg, report)        once per package: manifest, file list (install scripts, bins, …)
 *   file(file, report)          once per text file: the decoded text (invisible characters, …)
 *   js(file, facts, report)     once per JS/TS file: the facts one AST walk extracted
 *                               (modules, calls, env reads, strings), plus the AST itself
 *   registry(view, report)      after the engine, with the packument: metadata, publishers
 *                               and history (this version against the one before it)
 *
 * Detectors never see each other, never do I/O, and never execute package code. A detector
 * that throws is recorded for that file and the run goes on.
 */
import type { JsFacts } from './js/facts.js';
import type { Packument, PackumentVersion } from '../registry/packument.js';
import type { Advisory } from '../advisories/types.js';

export type Severity = 'low' | 'middle' | 'high' | 'critical';
export type Category =
  'supplyChainRisk' | 'quality' | 'maintenance' | 'vulnerability' | 'license' | 'other';

export interface Evidence {
  /** Path inside the package (POSIX, relative to the package root). */
  file: string;
  line?: number;
  column?: number;
  /** A short excerpt, sanitised: control, bidi and invisible characters shown escaped. */
  snippet?: string;
}

export interface Alert {
  type: string;
  category: Category;
  severity: Severity;
  /** 0..1: how sure the detector is that this is what it says. */
  confidence: number;
  message: string;
  evidence: Evidence[];
  /** Type-specific details (e.g. `envVars: [...]`, `module`, `script`). */
  props?: Record<string, unknown>;
  /**
   * `heuristic` for verdicts inferred from code (malware by correlation); `known` for what an
   * advisory database already records (a MAL- or malware advisory for this exact version).
   */
  basis?: 'heuristic' | 'known';
}

export interface DetectorMeta {
  /** The alert type slug this detector raises; also its folder name. */
  id: string;
  /** Bumped whenever its output can change: cached results are keyed by it. */
  version: number;
  category: Category;
  severity: Severity;
  title: string;
  description: string;
}

export type FileKind = 'js' | 'ts' | 'json' | 'native' | 'wasm' | 'binary' | 'text';

export interface PackageFile {
  path: string;
  size: number;
  mode: number;
  kind: FileKind;
  /** Undefined when over the per-file limit. */
  bytes: Uint8Array | undefined;
}

export interface PackageView {
  name: string;
  version: string;
  /** The tarball's package.json, parsed; undefined when absent or invalid. */
  manifest: Record<string, unknown> | undefined;
  files: readonly PackageFile[];
  /** Root-level LICENSE, COPYING and README texts (32 KiB each, 64 KiB in all), decoded once. */
  notices: readonly { path: string; text: string }[];
}

export interface TextFile {
  path: string;
  kind: FileKind;
  text: string;
  /** Line and column (1-based) of a UTF-16 offset. */
  position(offset: number): { line: number; column: number };
  /** Sanitised excerpt around an offset. */
  snippet(start: number, end?: number): string;
  /** Whether the engine judged the file minified (long lines, little whitespace). */
  minified: boolean;
}

export interface Report {
  /** Raises this detector's alert type with the given evidence. */
  (finding: {
    message: string;
    confidence?: number;
    severity?: Severity;
    evidence?: Evidence[];
    props?: Record<string, unknown>;
    basis?: Alert['basis'];
  }): void;
}

/** One file of an analysed version, as the registry detectors compare versions by. */
export interface InventoryEntry {
  path: string;
  size: number;
  kind: FileKind;
  /** SHA-1 (hex) of the content, for JS/TS files: enough to tell changed code from unchanged. */
  hash?: string;
  /** For JS/TS files: a sketch of their statements (src/analyzer/sketch.ts), to measure change. */
  sketch?: number[];
}

/** What the engine found in one version, as registry detectors read it. */
export interface VersionView {
  version: string;
  /** The tarball's package.json; undefined when absent or invalid. */
  manifest: Record<string, unknown> | undefined;
  alerts: readonly Alert[];
  inventory: readonly InventoryEntry[];
  /** Root-level LICENSE, COPYING and README texts (32 KiB each, 64 KiB in all). */
  notices: readonly { path: string; text: string }[];
  /** Alert type → every file it was raised on (evidence is capped; this is not). */
  alertFiles: Readonly<Record<string, readonly string[]>>;
}

/** Thresholds of the metadata detectors, with documented defaults (docs/intel.md). */
export interface IntelOptions {
  /** recentlyPublished: a version younger than this many days. */
  soakDays: number;
  /** unmaintained: no release for this many years. */
  unmaintainedYears: number;
}

export const DEFAULT_INTEL_OPTIONS: IntelOptions = { soakDays: 7, unmaintainedYears: 5 };

/**
 * What the registry says about the analysed version, with the engine's view of it and of the
 * version published before it. Registry detectors run after the engine, on the main thread;
 * a mirror that omits `time`, `maintainers` or `_npmUser` leaves those undefined, and every
 * detector must then say nothing rather than guess.
 */
export interface RegistryView {
  name: string;
  version: string;
  packument: Packument;
  /** This version's entry in the packument; undefined when the packument does not list it. */
  entry: PackumentVersion | undefined;
  /** The engine's view of this version. */
  current: VersionView;
  /** The version before it (semver order among published versions), analysed the same way. */
  previous?: VersionView;
  /** True when the registry answered 404 for the tarball of a version it lists. */
  tarballMissing?: boolean;
  /**
   * Packuments of other packages a check needs, fetched before the checks run: the popular
   * package a name imitates (didYouMean compares owners and metadata).
   */
  related?: ReadonlyMap<string, Packument>;
  /**
   * Whether the account that published this version still exists on the registry; undefined
   * when unknown (no publisher recorded, a mirror without user documents, offline).
   */
  publisherExists?: boolean;
  /** Advisories of the local database that affect this exact version (src/advisories). */
  advisories?: readonly Advisory[];
  now: Date;
  options: IntelOptions;
}

export interface Detector {
  meta: DetectorMeta;
  package?(pkg: PackageView, report: Report): void;
  file?(file: TextFile, report: Report): void;
  js?(file: TextFile, facts: JsFacts, report: Report): void;
  /** Metadata and history checks: runs after the engine, with the packument. */
  registry?(view: RegistryView, report: Report): void;
}

export function defineDetector(detector: Detector): Detector {
  return detector;
}

/**
 * Raises, as the calling detector's alerts, the findings of an analysis shared by several
 * detectors (licenses, advisories) that carry its alert type: one computation, one alert type
 * per detector.
 */
export function reportFindings(
  report: Report,
  findings: readonly Omit<Alert, 'category'>[],
  type: string,
): void {
  for (const f of findings)
    if (f.type === type)
      report({
        message: f.message,
        severity: f.severity,
        confidence: f.confidence,
        evidence: f.evidence,
        ...(f.props === undefined ? {} : { props: f.props }),
        ...(f.basis === undefined ? {} : { basis: f.basis }),
      });
}

/** Evidence at an offset of a text file. */
export function at(file: TextFile, start: number, end?: number): Evidence {
  const { line, column } = file.position(start);
  return { file: file.path, line, column, snippet: file.snippet(start, end) };
}

/**
 * Reports every load of one of `modules` (`require`, `import`, `import()`) as `loads <module>`,
 * the first half of every capability detector; `signals` go into the props for correlation.
 */
export function reportModuleLoads(
  file: TextFile,
  facts: JsFacts,
  report: Report,
  modules: ReadonlySet<string>,
  signals?: readonly string[],
): void {
  for (const m of facts.modules) {
    if (m.module === undefined || !modules.has(m.module)) continue;
    report({
      message: `loads ${m.module}`,
      evidence: [at(file, m.start, m.end)],
      props:
        signals === undefined ? { module: m.module } : { module: m.module, signals: [...signals] },
    });
  }
}
