/**
 * The analysis engine: one package tarball in, alerts with evidence out.
 *
 * Steps: read the tarball in memory (bounded), classify every file by name and content, decode
 * text files once, parse each JS/TS file once and extract its facts once, then fan the shared
 * views out to every detector. A throwing detector is recorded against the file it was
 * looking at and the run goes on. Finally, threat correlation (src/analyzer/correlate.ts)
 * reads the capability alerts and decides whether they form a malicious chain.
 *
 * Pure: no I/O, no clock except for durationMs, never executes package code.
 */
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { readTarball, type TarballLimits, type TarFinding } from './tarball/index.js';
import { correlate } from './correlate.js';
import { sketch } from './sketch.js';
import { extractFacts, lexicalFacts, type JsFacts } from './js/facts.js';
import type {
  Alert,
  Detector,
  Evidence,
  FileKind,
  InventoryEntry,
  PackageFile,
  PackageView,
  Report,
  TextFile,
} from './kit.js';
import {
  classify,
  isMinified,
  lineStarts,
  noteAscii,
  positionIn,
  sanitizeSnippet,
} from './text.js';

export interface AnalyzeInput {
  name: string;
  version: string;
  integrity?: string | undefined;
  tarball: Uint8Array;
  /**
   * Code files already analysed in another version, by path → SHA-1: a file here with the
   * same content is not analysed again (its alerts are the other version's). How the version
   * before a target is analysed at a fraction of the cost; see src/intel/enrich.ts.
   */
  reuse?: readonly (readonly [string, string])[];
  /**
   * Record what comparing versions needs: a content hash and a statement sketch per code file
   * in the inventory. Off by default (about 5% of the engine's time); on when the caller will
   * compare this version with another (permissionCreep, majorRefactor).
   */
  history?: boolean;
  /**
   * Only whether these alerts are raised matters to the caller: the version before a target,
   * which permissionCreep reads for the capabilities the target has (src/intel/enrich.ts).
   * Files are analysed until every group has an alert, then only inventoried (hash, sketch),
   * so the result's alerts are partial; with no group, no detector runs at all. The manifest,
   * inventory and notices are complete either way.
   */
  seek?: SeekAlerts;
}

export interface SeekAlerts {
  /** Groups of alert types (one capability each): a group is found when one of its types is raised. */
  groups: readonly (readonly string[])[];
  /**
   * Alert type → files of the other version it was raised on: analysed first (the likeliest
   * places), and a file reused unchanged from that version counts as raising them.
   */
  files: Readonly<Record<string, readonly string[]>>;
}

export interface DetectorFailure {
  detector: string;
  file?: string;
  message: string;
}

export interface PackageAnalysis {
  package: { name: string; version: string; integrity: string | null };
  alerts: Alert[];
  files: number;
  bytes: number;
  durationMs: number;
  /** False when a limit or corruption left part of the tarball unread. */
  complete: boolean;
  failures: DetectorFailure[];
  /** The tarball's package.json, for the registry detectors (not in the CLI's output). */
  manifest?: Record<string, unknown>;
  /** Every file with its size and, for code, a hash: how versions are compared (not printed). */
  inventory?: InventoryEntry[];
  /** Root-level license, copying and readme texts (32 KiB each, 64 KiB in all), for license checks across versions. */
  notices?: { path: string; text: string }[];
  /** Alert type → every file it was raised on (not capped like evidence), for version diffs. */
  alertFiles?: Record<string, string[]>;
  /** Code files skipped because `reuse` held them unchanged. */
  reused?: string[];
}

/** Root-level files whose text the license checks read: LICENSE, LICENCE, COPYING, README. */
const NOTICE_FILE = /^(?:licen[cs]e|copying|readme)(?:[.-][\w.-]*)?$/i;
const MAX_NOTICES = 6;
/** Per file and per package: what license identification reads, and no more to carry. */
const MAX_NOTICE_BYTES = 32 * 1024;
const MAX_NOTICES_TOTAL = 64 * 1024;

export function rootNotices(files: readonly PackageFile[]): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  let total = 0;
  for (const f of files) {
    if (out.length >= MAX_NOTICES || total >= MAX_NOTICES_TOTAL) break;
    if (f.bytes === undefined || f.path.includes('/') || !NOTICE_FILE.test(f.path)) continue;
    const bytes = f.bytes.subarray(0, Math.min(MAX_NOTICE_BYTES, MAX_NOTICES_TOTAL - total));
    total += bytes.length;
    out.push({ path: f.path, text: decoder.decode(bytes) });
  }
  return out;
}

export interface EngineOptions {
  detectors: readonly Detector[];
  limits?: TarballLimits;
  /** Largest text file decoded and analysed as text (default 8 MiB); larger ones are noted. */
  maxTextBytes?: number;
  /**
   * `lexical` skips the parser and reads every JS/TS file with the lexical scan: the safe mode
   * the pool retries a package in when parsing it exhausted a worker's memory or time.
   */
  parse?: 'ast' | 'lexical';
}

const DEFAULT_MAX_TEXT = 8 * 1024 * 1024;
/** Files listed per alert type in alertFiles: a bound, well above what any diff needs. */
const MAX_ALERT_FILES = 5_000;
/** Stateless between calls (no `stream` option), so one serves every file. */
const decoder = new TextDecoder('utf-8');

export async function analyzePackage(
  input: AnalyzeInput,
  options: EngineOptions,
): Promise<PackageAnalysis> {
  const started = performance.now();
  const contents = await readTarball(input.tarball, options.limits);
  const alerts: Alert[] = [];
  const failures: DetectorFailure[] = [];
  const files: PackageFile[] = contents.files.map((f) => ({
    ...f,
    kind: classify(f.path, f.bytes),
  }));
  const hashes = new Map<PackageFile, string>();
  const history = input.history === true || input.reuse !== undefined || input.seek !== undefined;
  if (history)
    for (const f of files)
      if ((f.kind === 'js' || f.kind === 'ts') && f.bytes !== undefined)
        hashes.set(f, createHash('sha1').update(f.bytes).digest('hex'));
  const reuse = input.reuse === undefined ? undefined : new Map(input.reuse);
  // A sketch is only ever compared with the other version's file at the same path when the
  // two differ (src/intel/history.ts codeChange): with the other version's files at hand
  // (`reuse`), a path it does not have needs none.
  const needsSketch = (path: string) => reuse === undefined || reuse.has(path);
  const sketches = new Map<string, number[]>();
  const reused: string[] = [];
  const manifest = readManifest(files);
  const view: PackageView = {
    name: input.name,
    version: input.version,
    manifest,
    files,
    notices: rootNotices(files),
  };

  const reporters = new Map(options.detectors.map((d) => [d, reporterFor(d, alerts)]));
  const run = (detector: Detector, file: string | undefined, fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      failures.push({
        detector: detector.meta.id,
        ...(file === undefined ? {} : { file }),
        message: err instanceof Error ? err.message : String(err),
      });
    }
  };

  alerts.push(...tarballAlerts(contents.findings));
  const seeking = input.seek === undefined ? undefined : new Seeker(input.seek);
  if (seeking === undefined || !seeking.done(alerts))
    for (const d of options.detectors)
      if (d.package !== undefined) run(d, undefined, () => d.package!(view, reporters.get(d)!));

  const maxText = options.maxTextBytes ?? DEFAULT_MAX_TEXT;
  const analyzeFile = (file: PackageFile, parse: boolean): JsFacts | undefined => {
    const text = decoder.decode(file.bytes);
    const textFile = makeTextFile(file.path, file.kind, text);
    // Native and cheap: lets the unicode detectors skip pure ASCII files (most of them).
    noteAscii(textFile, isAscii(file.bytes!));
    for (const d of options.detectors)
      if (d.file !== undefined) run(d, file.path, () => d.file!(textFile, reporters.get(d)!));
    if (!parse) return undefined;
    if (history && needsSketch(file.path)) sketches.set(file.path, sketch(text));
    let facts: JsFacts;
    try {
      facts =
        options.parse === 'lexical'
          ? lexicalFacts(text, 'parser skipped (safe mode)')
          : extractFacts(file.path, text);
    } catch (err) {
      failures.push({
        detector: 'parser',
        file: file.path,
        message: err instanceof Error ? err.message : String(err),
      });
      return undefined;
    }
    for (const d of options.detectors)
      if (d.js !== undefined) run(d, file.path, () => d.js!(textFile, facts, reporters.get(d)!));
    return facts;
  };

  // Declaration files wait until every other file is read: they hold types, not code, unless
  // something loads one at run time (see declarationsLoaded).
  const declarations: PackageFile[] = [];
  let declarationLoaded = manifestLoadsDeclaration(manifest);
  const others: PackageFile[] = [];
  for (const file of files) {
    if (file.bytes === undefined || !isTextual(file.kind) || file.size > maxText) continue;
    const code = file.kind === 'js' || file.kind === 'ts';
    if (code && reuse !== undefined && reuse.get(file.path) === hashes.get(file)) {
      reused.push(file.path);
      seeking?.reused(file.path);
      continue;
    }
    if (code && isDeclarationFile(file.path)) declarations.push(file);
    else others.push(file);
  }
  const queue = seeking === undefined ? others : seeking.order(others);
  let at = 0;
  for (; at < queue.length && (seeking === undefined || !seeking.done(alerts)); at++) {
    const file = queue[at] as PackageFile;
    const code = file.kind === 'js' || file.kind === 'ts';
    const facts = analyzeFile(file, code);
    if (facts !== undefined && !declarationLoaded) declarationLoaded = factsLoadDeclaration(facts);
  }
  if (at === queue.length)
    for (const file of declarations) {
      if (seeking !== undefined && seeking.done(alerts)) break;
      analyzeFile(file, declarationLoaded);
    }
  // Found early: the files left are only inventoried, with the sketch a full analysis records.
  for (; at < queue.length; at++) {
    const file = queue[at] as PackageFile;
    if (history && (file.kind === 'js' || file.kind === 'ts') && needsSketch(file.path))
      sketches.set(file.path, sketch(decoder.decode(file.bytes)));
  }

  alerts.push(...correlate(alerts, view));
  return {
    package: { name: input.name, version: input.version, integrity: input.integrity ?? null },
    alerts: mergeAlerts(alerts),
    files: files.length,
    bytes: contents.uncompressedBytes,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
    complete: contents.complete,
    failures,
    ...(manifest === undefined ? {} : { manifest }),
    notices: [...view.notices],
    inventory: files.map((f): InventoryEntry => {
      const hash = hashes.get(f);
      const lines = sketches.get(f.path);
      const entry: InventoryEntry = { path: f.path, size: f.size, kind: f.kind };
      if (hash !== undefined) entry.hash = hash;
      if (lines !== undefined) entry.sketch = lines;
      return entry;
    }),
    alertFiles: alertFilesOf(alerts),
    ...(reuse === undefined ? {} : { reused }),
  };
}

/** What a `seek` analysis has found so far; see AnalyzeInput.seek. */
class Seeker {
  private readonly open: (readonly string[])[];
  private readonly hinted = new Map<string, string[]>();
  private checked = 0;

  constructor(seek: SeekAlerts) {
    this.open = seek.groups.filter((g) => g.length > 0);
    for (const [type, files] of Object.entries(seek.files))
      for (const f of files) {
        const types = this.hinted.get(f);
        if (types === undefined) this.hinted.set(f, [type]);
        else types.push(type);
      }
  }

  /** A file reused unchanged from the other version raises what it raised there. */
  reused(path: string): void {
    for (const type of this.hinted.get(path) ?? []) this.found(type);
  }

  /** True once every group has an alert among `alerts` (read incrementally). */
  done(alerts: readonly Alert[]): boolean {
    for (; this.checked < alerts.length && this.open.length > 0; this.checked++)
      this.found((alerts[this.checked] as Alert).type);
    return this.open.length === 0;
  }

  /** The files that raised a sought alert in the other version first, the rest in order. */
  order(files: readonly PackageFile[]): PackageFile[] {
    const first = files.filter((f) => this.hinted.has(f.path));
    return first.length === 0
      ? [...files]
      : [...first, ...files.filter((f) => !this.hinted.has(f.path))];
  }

  private found(type: string): void {
    for (let i = this.open.length - 1; i >= 0; i--)
      if ((this.open[i] as readonly string[]).includes(type)) this.open.splice(i, 1);
  }
}

/**
 * TypeScript declaration files (`x.d.ts`, `x.d.mts`, `x.d.cts`, `x.d.css.ts`) describe types
 * for editors and compilers; no module loader reaches one unless code names it. Parsing them
 * would be a sixth of the parser's work on popular packages for no finding, so they get the
 * text detectors (bidi, invisible characters, …) and are parsed as code only when something
 * in the package loads a declaration file at run time: a module specifier, a string literal
 * naming one (a computed `require`), or an entry point in package.json. Then every
 * declaration file in the package is parsed, since the one loaded cannot always be told.
 */
const DECLARATION_FILE = /\.d\.(?:[^/]+\.)?[cm]?ts$/i;
const DECLARATION_MENTION = /\.d\.(?:[\w-]+\.)?[cm]?ts\b/i;

export function isDeclarationFile(path: string): boolean {
  return DECLARATION_FILE.test(path);
}

function factsLoadDeclaration(facts: JsFacts): boolean {
  for (const m of facts.modules)
    if (m.module !== undefined && DECLARATION_MENTION.test(m.module)) return true;
  for (const s of facts.strings) if (DECLARATION_MENTION.test(s.value)) return true;
  return false;
}

/** Entry points and scripts naming a declaration file; `types`/`typings` are for the compiler. */
function manifestLoadsDeclaration(manifest: Record<string, unknown> | undefined): boolean {
  if (manifest === undefined) return false;
  const mentions = (value: unknown, depth: number): boolean => {
    if (typeof value === 'string') return DECLARATION_MENTION.test(value);
    if (depth > 32 || typeof value !== 'object' || value === null) return false;
    for (const [key, v] of Object.entries(value))
      if (!/^typ(?:es|ings)(?:@|$)/.test(key) && mentions(v, depth + 1)) return true;
    return false;
  };
  return ['main', 'module', 'browser', 'bin', 'exports', 'imports', 'scripts'].some((field) =>
    mentions(manifest[field], 0),
  );
}

/** The `report` a detector is given: its findings become alerts of its type in `sink`. */
export function reporterFor(detector: Detector, sink: Alert[]): Report {
  return (finding) => {
    sink.push({
      type: detector.meta.id,
      category: detector.meta.category,
      severity: finding.severity ?? detector.meta.severity,
      confidence: finding.confidence ?? 1,
      message: finding.message,
      evidence: finding.evidence ?? [],
      ...(finding.props === undefined ? {} : { props: finding.props }),
      ...(finding.basis === undefined ? {} : { basis: finding.basis }),
    });
  };
}

/**
 * Alert type → every file it was raised on, before evidence is merged and capped: what version
 * comparisons read (src/intel/history.ts). Bounded per type.
 */
export function alertFilesOf(alerts: readonly Alert[]): Record<string, string[]> {
  const sets = new Map<string, Set<string>>();
  for (const a of alerts) {
    let files = sets.get(a.type);
    if (files === undefined) sets.set(a.type, (files = new Set()));
    for (const e of a.evidence) if (files.size < MAX_ALERT_FILES) files.add(e.file);
  }
  const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const [type, files] of sets) out[type] = [...files];
  return out;
}

function isTextual(kind: FileKind): boolean {
  return kind === 'js' || kind === 'ts' || kind === 'json' || kind === 'text';
}

export function makeTextFile(path: string, kind: FileKind, text: string): TextFile {
  let starts: Int32Array | undefined;
  return {
    path,
    kind,
    text,
    minified: (kind === 'js' || kind === 'ts') && isMinified(text),
    position(offset) {
      starts ??= lineStarts(text);
      return positionIn(starts, offset);
    },
    snippet(start, end) {
      return sanitizeSnippet(text, start, end);
    },
  };
}

function readManifest(files: readonly PackageFile[]): Record<string, unknown> | undefined {
  const file = files.find((f) => f.path === 'package.json');
  if (file?.bytes === undefined) return undefined;
  try {
    const value = JSON.parse(new TextDecoder().decode(file.bytes)) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Tarball anomalies as alerts: limits make the analysis incomplete; odd entries can hide code. */
function tarballAlerts(findings: readonly TarFinding[]): Alert[] {
  return findings
    .filter((f) => f.kind !== 'not-gzip')
    .map((f): Alert => {
      const limit = f.kind.startsWith('limit-') || f.kind === 'corrupt';
      const hiding =
        f.kind === 'duplicate-entry' || f.kind === 'path-traversal' || f.kind === 'absolute-path';
      const evidence: Evidence[] =
        f.path === undefined ? [] : [{ file: sanitizeSnippet(f.path, 0) }];
      return {
        type: limit ? 'analysisIncomplete' : 'tarballAnomaly',
        category: 'supplyChainRisk',
        severity: hiding || f.kind === 'limit-ratio' ? 'high' : limit ? 'middle' : 'low',
        confidence: 1,
        message: f.message,
        evidence,
        props: { kind: f.kind },
      };
    });
}

/**
 * One alert per (type, message) with all its evidence, capped, so a capability used in 500
 * places is one alert with the first places shown rather than 500 alerts.
 */
const MAX_EVIDENCE = 20;
export function mergeAlerts(alerts: readonly Alert[]): Alert[] {
  const byKey = new Map<string, Alert>();
  for (const a of alerts) {
    const key = `${a.type}\0${a.message}`;
    const existing = byKey.get(key);
    if (existing === undefined) {
      byKey.set(key, { ...a, evidence: a.evidence.slice(0, MAX_EVIDENCE) });
      continue;
    }
    existing.confidence = Math.max(existing.confidence, a.confidence);
    for (const e of a.evidence)
      if (existing.evidence.length < MAX_EVIDENCE) existing.evidence.push(e);
  }
  const order = { critical: 0, high: 1, middle: 2, low: 3 } as const;
  return [...byKey.values()].sort(
    (a, b) =>
      order[a.severity] - order[b.severity] ||
      (a.type < b.type ? -1 : a.type > b.type ? 1 : 0) ||
      (a.message < b.message ? -1 : 1),
  );
}
