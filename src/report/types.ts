/**
 * The scan report: the one data structure every output format is rendered from.
 *
 * Why one model: the JSON output *is* this structure (published as docs/report.schema.json),
 * and every other format (terminal, Markdown, HTML, SARIF, CycloneDX) is a pure function of
 * it, so what a pull-request comment says and what CI's SARIF upload says cannot drift apart.
 * A report records what it was made from (snapshot id, tool and detector versions, registry,
 * advisory database and their dates) so it can be reproduced and trusted later.
 *
 * Everything here is plain JSON: no Maps, no Dates, no undefined inside arrays. Optional
 * fields are absent, never null, unless the comment says null has a meaning.
 */
import type { Category, Severity } from '../analyzer/kit.js';
import type { AlertAction } from '../alerts/catalogue.js';
import type { ProblemSeverity } from '../errors/index.js';

export const REPORT_SCHEMA_VERSION = 1;

export type ScoreCategory = 'supplyChain' | 'quality' | 'maintenance' | 'vulnerability' | 'license';

/** 0..100 integers per category, and the overall score. */
export type Scores = Record<ScoreCategory | 'overall', number>;

export interface ReportEvidence {
  /** Path inside the package (POSIX), or `package.json` for manifest findings. */
  file: string;
  line?: number;
  column?: number;
  /** Sanitised excerpt (control, bidi and invisible characters escaped). */
  snippet?: string;
}

/** Where an accepted-risk entry is written, and what it says. */
export interface AcceptanceRef {
  /** socket.yml path inside the snapshot. */
  file: string;
  line: number;
  reason: string;
  /** YYYY-MM-DD, inclusive. */
  expires: string;
}

export interface ReportAlert {
  /** Stable across scans: SHA-256 (hex, 16 chars) of type, package name@version and evidence. */
  key: string;
  type: string;
  /** Title from the alert catalogue. */
  title: string;
  category: Category;
  severity: Severity;
  /** 0..1 */
  confidence: number;
  /** `known` when an advisory database records it; `heuristic` when inferred from code. */
  basis?: 'heuristic' | 'known';
  /** The package id (ReportPackage.id). */
  package: string;
  message: string;
  evidence: ReportEvidence[];
  props?: Record<string, unknown>;
  /** The resolved policy action (after issueRules and accepted risks). */
  action: AlertAction;
  /**
   * Why the action is what it is: the catalogue default, a socket.yml issueRules entry, an
   * accepted risk (action becomes `ignore`, `accepted` says why), or the --fail-on flag.
   */
  actionSource: 'default' | 'issueRules' | 'acceptedRisk';
  /** Set when an accepted risk covers this alert (it no longer blocks). */
  accepted?: AcceptanceRef;
  /** Set when an accepted risk covered this alert but has expired (the alert applies again). */
  acceptanceExpired?: AcceptanceRef;
  /** Blocks the verdict: action `error` (or what --fail-on names) and not accepted. */
  blocking: boolean;
  /** What to do about it. */
  fix: {
    type: 'upgrade' | 'remove' | 'review' | 'accept';
    description: string;
    /** For `upgrade`: the first version without the problem, when known. */
    version?: string;
  };
  /** The alert type's documentation page (relative to the repository's docs/ folder). */
  docs: string;
}

export interface ReportPackage {
  /** Unique in the report: the graph id (`<source>:<name>@<version>`). */
  id: string;
  name: string;
  /** Exact version ('' when it could not be resolved). */
  version: string;
  /** Package URL (pkg:npm/...), for SBOMs and cross-tool references. */
  purl: string;
  source: 'registry' | 'git' | 'tarball' | 'file' | 'link' | 'workspace';
  direct: boolean;
  dev: boolean;
  optional: boolean;
  integrity?: string;
  /** The registry tarball URL or other resolved location, without credentials. */
  resolved?: string;
  /** Where the lockfile lists it. */
  locations: { file: string; line?: number }[];
  /**
   * How it is reached: the shortest chain from a project (importer) to this package, as
   * `name@version` strings, production paths preferred. The first is the direct dependency,
   * the last the package itself (a direct dependency's is just itself). Empty when no
   * importer reaches it (an orphan lockfile entry).
   */
  via: string[];
  /** The importer (workspace folder, '.' for the root) `via` starts from. */
  importer?: string;
  /** SPDX expression (or what the package declares when it is not SPDX). */
  license?: string;
  /** Capabilities the code uses: network, shell, filesystem, environment, eval, native code, install scripts. */
  capabilities: string[];
  /** The npm user who published this version, when the registry says. */
  publisher?: string;
  files?: number;
  bytes?: number;
  /** Package-level scores (0..100), absent when the package was not analysed. */
  scores?: Scores;
  /**
   * `analysed`, `cached` (result from the cache), `failed` (see report.failures) or `skipped`
   * (its code was not fetched: a git or local dependency, or a bundled one).
   */
  status: 'analysed' | 'cached' | 'failed' | 'skipped';
  /**
   * It ships inside the tarball of the package before it in `via` (npm `inBundle`) and installs
   * from there: its files are analysed as that package's, and only what is known of the version
   * itself (advisories, its packument) is reported here.
   */
  bundled?: true;
  /** Alerts of this package by key, in report.alerts order. */
  alerts: string[];
}

export interface ReportFailure {
  /** Package id, when the failure is about one package. */
  package?: string;
  stage: 'resolve' | 'fetch' | 'analyze' | 'intel';
  /** Error code (docs/errors.md) or engine failure kind. */
  code: string;
  message: string;
}

export interface ReportAcceptedRisk {
  file: string;
  line: number;
  package: string;
  range: string;
  alerts: string[];
  reason: string;
  expires: string;
  /** `active`: in force; `expired`: past its date (matching alerts apply again); `unused`: matched nothing. */
  status: 'active' | 'expired' | 'unused';
  /** How many alerts it matched in this scan. */
  matched: number;
}

export interface ReportProblem {
  code: string;
  severity: ProblemSeverity;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  hint?: string;
}

export interface ScanReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  /** What made it: `scan`. */
  kind: 'scan';
  /** ISO 8601 UTC. */
  generatedAt: string;
  tool: {
    name: 'depwarden';
    version: string;
    engineVersion: number;
    /** Every detector with its version, sorted by id. */
    detectors: { id: string; version: number }[];
  };
  /** The scanned project: the root package.json's name and version, when it has them. */
  project?: { name: string; version?: string };
  snapshot: {
    /** SHA-256 (hex) of the canonical snapshot encoding: the report's address. */
    id: string;
    files: { path: string; sha256: string; size: number }[];
    /** The lockfiles read, with format and version. */
    lockfiles: { file: string; format: string; formatVersion: string }[];
  };
  registry: {
    /** The registry URL used, without credentials. */
    url: string;
    offline: boolean;
  };
  advisories: {
    status: 'ok' | 'stale' | 'missing' | 'invalid';
    /** Where the database came from (the OSV export URL or file), when known. */
    source?: string;
    /** When it was imported (ISO 8601). */
    importedAt?: string;
    /** The newest record's modification date: how current the data is. */
    newestModified?: string;
    records?: number;
    /** Online sources asked as well (osv-online, registry-advisories). */
    online: string[];
  };
  options: {
    prod: boolean;
    history: boolean;
    soakDays: number;
    unmaintainedYears: number;
    /** What blocks: an action (`error`, `warn`, `monitor`) or a minimum severity. */
    failOn: string;
  };
  verdict: {
    /** True when no alert blocks. */
    healthy: boolean;
    /** False when some packages could not be fetched or analysed (see failures). */
    complete: boolean;
    /** 0 healthy and complete, 1 blocking alerts, 2 incomplete (and nothing blocking). */
    exitCode: 0 | 1 | 2;
    blocking: number;
  };
  summary: {
    packages: number;
    direct: number;
    dev: number;
    analysed: number;
    cached: number;
    failed: number;
    alerts: number;
    byAction: Record<AlertAction, number>;
    bySeverity: Record<Severity, number>;
    accepted: number;
  };
  /** Project-level scores and the lowest-scoring packages per category. */
  scores: {
    project: Scores;
    worst: Record<ScoreCategory | 'overall', { package: string; score: number }[]>;
  };
  packages: ReportPackage[];
  /** Sorted: blocking first, then by action, severity, package and type. */
  alerts: ReportAlert[];
  failures: ReportFailure[];
  acceptedRisks: ReportAcceptedRisk[];
  /** Snapshot, lockfile and socket.yml problems, with file and line. */
  problems: ReportProblem[];
  /** Sentences the user must read (no lockfile: not reproducible; stale advisories; …). */
  warnings: string[];
}
