/**
 * Results of the lockfile benchmark: the rows, the verdicts against the targets, and their
 * rendering as a plain-text table (the default), as markdown (`--markdown`, for
 * docs/benchmarks.md) and as results.json.
 *
 * Targets (from the issue that asked for the benchmark), per file:
 * - depwarden parse + graph at least 5x faster than the fastest graph builder;
 * - no slower than the fastest flat lister, although it builds the full graph;
 * - its peak heap under 4x the lockfile's size.
 * A verdict whose comparison subject did not run (peers skipped or failed) is `n/a`. A first
 * line checks that depwarden found as many packages as the corpus truth states, since the
 * timings of a parser that misses packages mean little.
 */
import type { BenchFile, SubjectId, SubjectKind } from './plan.js';

export const GRAPH_SPEEDUP_TARGET = 5;
export const HEAP_RATIO_TARGET = 4;

export interface Row {
  subject: SubjectId;
  label: string;
  kind: SubjectKind;
  status: 'ok' | 'error' | 'skipped';
  /** The error or the reason for skipping. */
  message?: string;
  note?: string;
  medianMs?: number;
  minMs?: number;
  /** Parent's clock: spawn of the child to its first result. */
  coldMs?: number;
  /** Child's clock: the first call alone. */
  firstMs?: number;
  /** Child's clock: module import and input preparation. */
  loadMs?: number;
  runs?: number;
  warmupRuns?: number;
  packages?: number;
  packagesPerSecond?: number;
  peakHeapBytes?: number;
  /**
   * Heap still used after the call and a gc(), result referenced (results.json only: it reads
   * low, even 0, for a subject whose previous result is still reachable when the base is read).
   */
  retainedBytes?: number;
  maxRssBytes?: number;
  /** peakHeapBytes / file size. */
  heapRatio?: number;
  timesMs?: number[];
}

export interface Verdict {
  name: string;
  detail: string;
  /** `warn`: worth a look but not a target; `n/a`: could not be judged. */
  status: 'pass' | 'fail' | 'warn' | 'n/a';
}

const judge = (pass: boolean): Verdict['status'] => (pass ? 'pass' : 'fail');

export interface FileReport {
  file: BenchFile;
  /** Case-relative lockfile path, e.g. `npm-v3-npmcli-2024/package-lock.json`. */
  path: string;
  bytes: number;
  /** counts.total of the corpus truth (expected.json), when readable. */
  truthPackages?: number;
  rows: Row[];
  verdicts: Verdict[];
}

export interface Machine {
  node: string;
  cpu: string;
  cores: number;
  os: string;
  memoryGB: number;
  /** 1-minute load average when the run ended (the bench itself adds about 1). */
  loadAverage: number;
}

// ---------- verdicts ----------

const okRows = (rows: readonly Row[], kind: SubjectKind): Row[] =>
  rows.filter((r) => r.kind === kind && r.status === 'ok' && r.medianMs !== undefined);

function fastest(rows: readonly Row[], kind: SubjectKind): Row | undefined {
  return okRows(rows, kind).sort((a, b) => (a.medianMs ?? 0) - (b.medianMs ?? 0))[0];
}

export function verdictsFor(report: Omit<FileReport, 'verdicts'>): Verdict[] {
  const ours = report.rows.find((r) => r.subject === 'ours-graph' && r.status === 'ok');
  if (ours?.medianMs === undefined) {
    const reason = report.rows.find((r) => r.subject === 'ours-graph')?.message ?? 'not measured';
    return [{ name: 'depwarden', detail: `parse + graph did not run: ${reason}`, status: 'fail' }];
  }
  const oursMs = ours.medianMs;
  const verdicts: Verdict[] = [packagesVerdict(ours.packages ?? 0, report.truthPackages)];

  const graph = fastest(report.rows, 'graph');
  if (graph?.medianMs === undefined) {
    verdicts.push({
      name: 'vs graph builders',
      detail: 'no graph builder measured',
      status: 'n/a',
    });
  } else {
    const speedup = graph.medianMs / oursMs;
    verdicts.push({
      name: 'vs graph builders',
      detail: `${formatMs(oursMs)} ms vs ${graph.label} ${formatMs(graph.medianMs)} ms: ${speedup.toFixed(1)}x faster (target >= ${GRAPH_SPEEDUP_TARGET}x)`,
      status: judge(speedup >= GRAPH_SPEEDUP_TARGET),
    });
  }

  const flat = fastest(report.rows, 'flat');
  if (flat?.medianMs === undefined) {
    verdicts.push({ name: 'vs flat listers', detail: 'no flat lister measured', status: 'n/a' });
  } else {
    const ratio = oursMs / flat.medianMs;
    verdicts.push({
      name: 'vs flat listers',
      detail: `${formatMs(oursMs)} ms vs ${flat.label} ${formatMs(flat.medianMs)} ms: ${ratio.toFixed(2)}x its time (target <= 1x)`,
      status: judge(ratio <= 1),
    });
  }

  if (ours.heapRatio === undefined || ours.peakHeapBytes === undefined) {
    verdicts.push({ name: 'peak heap', detail: 'not measured', status: 'n/a' });
  } else {
    verdicts.push({
      name: 'peak heap',
      detail: `${formatMB(ours.peakHeapBytes)} MB for a ${formatMB(report.bytes)} MB file: ${ours.heapRatio.toFixed(2)}x (target < ${HEAP_RATIO_TARGET}x)`,
      status: judge(ours.heapRatio < HEAP_RATIO_TARGET),
    });
  }
  return verdicts;
}

function packagesVerdict(found: number, truth: number | undefined): Verdict {
  const name = 'packages';
  if (truth === undefined)
    return { name, detail: `${formatCount(found)} (no corpus truth to compare)`, status: 'n/a' };
  if (found === truth)
    return { name, detail: `${formatCount(found)}, as in the corpus truth`, status: 'pass' };
  const detail = `${formatCount(found)}, corpus truth ${formatCount(truth)} (${found > truth ? '+' : ''}${found - truth})`;
  // Nothing found: the timings measure a parser that does not work yet.
  return { name, detail, status: found === 0 ? 'fail' : 'warn' };
}

// ---------- formatting ----------

export function formatMs(ms: number): string {
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return Math.round(ms).toLocaleString('en-US');
}

/** MB = 10^6 bytes, so that heap and file size compare at a glance. */
export function formatMB(bytes: number): string {
  return (bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1);
}

const formatCount = (n: number): string => Math.round(n).toLocaleString('en-US');

const COLUMNS = [
  'subject',
  'kind',
  'median ms',
  'min ms',
  'cold ms',
  'packages',
  'pkgs/s',
  'peak heap MB',
  'heap/file',
  'max RSS MB',
] as const;

function cells(row: Row): string[] {
  const label = row.note === undefined ? row.label : `${row.label} [${row.note}]`;
  if (row.status !== 'ok')
    return [
      label,
      row.kind,
      `${row.status === 'error' ? 'error' : 'skipped'}: ${row.message ?? ''}`,
    ];
  const opt = (v: number | undefined, f: (n: number) => string): string =>
    v === undefined ? '-' : f(v);
  return [
    label,
    row.kind,
    opt(row.medianMs, formatMs),
    opt(row.minMs, formatMs),
    opt(row.coldMs, formatMs),
    opt(row.packages, formatCount),
    opt(row.packagesPerSecond, formatCount),
    opt(row.peakHeapBytes, formatMB),
    opt(row.heapRatio, (n) => `${n.toFixed(2)}x`),
    opt(row.maxRssBytes, formatMB),
  ];
}

const mark = (status: Verdict['status']): string => status.toUpperCase().padEnd(4);

export function fileHeading(report: FileReport): string {
  const truth =
    report.truthPackages === undefined
      ? ''
      : `, ${formatCount(report.truthPackages)} packages in the corpus truth`;
  return `${report.file.id}: ${report.path} (${formatMB(report.bytes)} MB${truth})`;
}

export function renderPlain(report: FileReport): string {
  const table = [[...COLUMNS], ...report.rows.map(cells)];
  // Error and skip rows have three cells: label, kind, message; they size the first two only.
  const isFull = (row: string[]): boolean => row.length === COLUMNS.length;
  const widths = COLUMNS.map((_, i) =>
    Math.max(...table.filter((r) => i < 2 || isFull(r)).map((r) => (r[i] ?? '').length)),
  );
  const lines = table.map((row) =>
    !isFull(row)
      ? [row[0]?.padEnd(widths[0] ?? 0), row[1]?.padEnd(widths[1] ?? 0), row[2]].join('  ')
      : row
          .map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
          .join('  '),
  );
  const verdicts = report.verdicts.map((v) => `  ${mark(v.status)}  ${v.name}: ${v.detail}`);
  return [fileHeading(report), ...lines.map((l) => `  ${l.trimEnd()}`), ...verdicts, ''].join('\n');
}

export function renderMarkdown(
  reports: readonly FileReport[],
  machine: Machine,
  date: string,
): string {
  const out: string[] = [
    `Measured ${date} on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGB} GB), ${machine.os}, Node ${machine.node}; load average ${machine.loadAverage} at the end of the run.`,
    '',
  ];
  for (const report of reports) {
    out.push(`#### ${fileHeading(report)}`, '');
    out.push(`| ${COLUMNS.join(' | ')} |`);
    out.push(`|${COLUMNS.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`);
    for (const row of report.rows) {
      const c = cells(row).map((cell) => cell.replace(/\|/g, '\\|'));
      out.push(
        c.length <= 3
          ? `| ${c.join(' | ')} |${' |'.repeat(COLUMNS.length - 3)}`
          : `| ${c.join(' | ')} |`,
      );
    }
    out.push('');
    for (const v of report.verdicts)
      out.push(`- **${mark(v.status).trim()}** ${v.name}: ${v.detail}`);
    out.push('');
  }
  return out.join('\n');
}
