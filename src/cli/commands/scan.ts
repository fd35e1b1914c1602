/**
 * `depwarden scan [<dir>]`: the command users run every day, locally and in CI. A thin
 * composition root: flags → the registry client, cache, advisory database and engine → the
 * scan pipeline (src/scan) → one renderer → stdout or --output, and the verdict as the exit
 * code (0 healthy, 1 blocking alerts, 2 incomplete, 3 usage or input error).
 *
 * Progress goes to stderr, only on a terminal and outside CI; elsewhere one summary line
 * (none with --quiet), so logs stay readable and stdout stays the report.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DepwardenError } from '../../errors/index.js';
import { FAIL_ON_VALUES, formatFailOn, parseFailOn } from '../../policy/index.js';
import { renderCycloneDx } from '../../render/cyclonedx.js';
import { renderHtml } from '../../render/html.js';
import { renderMarkdown } from '../../render/markdown.js';
import { renderSarif } from '../../render/sarif.js';
import { renderTerminal } from '../../render/terminal.js';
import type { ScanReport } from '../../report/types.js';
import type { Snapshot } from '../../snapshot/index.js';
import {
  loadCaFile,
  submitSnapshot,
  waitForReport,
  type ServerTarget,
} from '../../client/index.js';
import { PackageEngine } from '../../scan/engine.js';
import type { ProgressEvent, SharedResults } from '../../scan/packages.js';
import { scan } from '../../scan/scan.js';
import { sanitize } from '../../util/text.js';
import type { CliContext, CommandSpec } from '../spec.js';
import { toolVersion } from '../version.js';
import {
  CACHE_OPTIONS,
  INTEL_OPTIONS,
  cacheFrom,
  clientFrom,
  defaultJobs,
  intelOptionsFrom,
  onlineSources,
  openAdvisories,
  parseCount,
} from './analysis-options.js';
import { SNAPSHOT_OPTIONS, collectWithProgress, projectDir } from './snapshot-options.js';

export const FORMATS = ['terminal', 'json', 'sarif', 'markdown', 'html', 'cyclonedx'] as const;
export type Format = (typeof FORMATS)[number];

/** How long a cached package result (with its registry metadata) is reused: the packument TTL. */
const OUTCOME_MAX_AGE_MS = 10 * 60 * 1000;

export function renderReport(
  report: ScanReport,
  format: Format,
  opts: { color: boolean; verbose: boolean; width?: number },
): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'sarif':
      return renderSarif(report);
    case 'markdown':
      return renderMarkdown(report);
    case 'html':
      return renderHtml(report);
    case 'cyclonedx':
      return renderCycloneDx(report);
    case 'terminal':
      return renderTerminal(report, opts);
  }
}

export function parseFormat(value: unknown): Format {
  if (value === undefined) return 'terminal';
  if (typeof value === 'string' && (FORMATS as readonly string[]).includes(value))
    return value as Format;
  throw new DepwardenError(
    'USAGE',
    `--format takes one of ${FORMATS.join(', ')}, not ${JSON.stringify(value)}`,
  );
}

/** Colour only on a terminal, never when NO_COLOR is set; FORCE_COLOR forces it. */
export function useColor(ctx: CliContext): boolean {
  if (ctx.env.NO_COLOR !== undefined && ctx.env.NO_COLOR !== '') return false;
  if (ctx.env.FORCE_COLOR !== undefined && ctx.env.FORCE_COLOR !== '0') return true;
  return ctx.stdout.isTTY === true && ctx.env.TERM !== 'dumb';
}

export const REPORT_OPTIONS: CommandSpec['options'] = [
  {
    name: 'format',
    type: 'string',
    value: '<name>',
    description: `Report format: ${FORMATS.join(', ')} (docs/formats.md).`,
    default: 'terminal',
  },
  {
    name: 'output',
    short: 'o',
    type: 'string',
    value: '<file>',
    description: 'Write the report to this file instead of standard output.',
  },
  {
    name: 'fail-on',
    type: 'string',
    value: '<level>',
    description: `What blocks (exit 1): an action (error, warn, monitor: alerts with at least that action) or a severity (critical, high, medium, low: alerts not ignored and at least that severe), or none. One of: ${FAIL_ON_VALUES.join(', ')}.`,
    default: 'error',
  },
  { name: 'quiet', short: 'q', type: 'boolean', description: 'No progress and no summary line.' },
  {
    name: 'verbose',
    type: 'boolean',
    description: 'Show ignored alerts and every piece of evidence, and log each package on stderr.',
  },
];

export const SERVER_OPTION: CommandSpec['options'][number] = {
  name: 'server',
  type: 'string',
  value: '<url>',
  description: 'The report service (depwarden serve) to talk to.',
  default: '$DEPWARDEN_SERVER or https://localhost:8787',
};

export function serverFrom(
  options: Record<string, string | boolean | undefined>,
  ctx: CliContext,
): string {
  return typeof options.server === 'string'
    ? options.server
    : (ctx.env.DEPWARDEN_SERVER ?? 'https://localhost:8787');
}

export const CA_OPTION: CommandSpec['options'][number] = {
  name: 'ca',
  type: 'string',
  value: '<file>',
  description:
    'A PEM CA certificate to trust for the report service, besides the usual ones (e.g. the local CA `depwarden serve` prints: <data-dir>/tls/ca.pem).',
  default: '$DEPWARDEN_CA',
};

/** The report service to talk to, with the extra CA to trust for it (--ca, DEPWARDEN_CA). */
export async function serverTargetFrom(
  options: Record<string, string | boolean | undefined>,
  ctx: CliContext,
): Promise<ServerTarget> {
  const url = serverFrom(options, ctx);
  const caPath = typeof options.ca === 'string' ? options.ca : ctx.env.DEPWARDEN_CA;
  if (caPath === undefined || caPath === '') return { url };
  return { url, ca: await loadCaFile(resolve(ctx.cwd, caPath)) };
}

export const SCAN_OPTIONS: CommandSpec['options'] = [
  ...REPORT_OPTIONS,
  {
    name: 'upload',
    type: 'boolean',
    description:
      'Send only the snapshot files to a report service and print its report (and, once, the report URL and delete token) instead of scanning here.',
  },
  SERVER_OPTION,
  { name: 'prod', type: 'boolean', description: 'Skip dev-only dependencies.' },
  {
    name: 'concurrency',
    type: 'string',
    value: '<n>',
    description:
      'Packages in flight at once (fetching or waiting for analysis); bounds memory and connections.',
    default: '4 per worker, at least 8',
  },
  {
    name: 'jobs',
    type: 'string',
    value: '<n>',
    description: 'Analysis worker threads.',
    default: 'one per core',
  },
  ...CACHE_OPTIONS,
  ...INTEL_OPTIONS,
  ...SNAPSHOT_OPTIONS,
];

export const scanCommand: CommandSpec = {
  name: 'scan',
  summary: 'Scan a project: every dependency analysed, policy applied, a report in any format.',
  usage:
    'depwarden scan [<dir>] [--format terminal|json|sarif|markdown|html|cyclonedx] [--output FILE] [--fail-on LEVEL] [--prod] [--offline]',
  description:
    "Collects the dependency snapshot of <dir> (package.json, lockfiles, socket.yml; nothing else is read), resolves every dependency, fetches each package from the registry npm is configured for (integrity checked, cached), analyses its code in memory without running it, checks its registry history, known vulnerabilities and known malware, and applies the policy: the alert catalogue's default actions, socket.yml issueRules, accepted risks and the license policy. A project with only package.json is resolved as npm would today, with a warning that the result is not reproducible. Exits 0 when healthy, 1 when an alert blocks, 2 when some packages could not be fetched or analysed (they are listed), 3 on a usage or input error.",
  args: [{ name: '<dir>', description: 'Project directory (default: the current directory).' }],
  // --ca right after --server; not in SCAN_OPTIONS, which `diff` shares without a server.
  options: SCAN_OPTIONS.flatMap((o) => (o === SERVER_OPTION ? [o, CA_OPTION] : [o])),
  examples: [
    'depwarden scan',
    'depwarden scan ~/src/app --format sarif --output depwarden.sarif',
    'depwarden scan --prod --fail-on high',
    'depwarden scan --format markdown > comment.md',
  ],
  async run(positionals, options, ctx) {
    const format = parseFormat(options.format);
    const dir = projectDir(positionals, ctx, 'scan');
    const started = Date.now();
    if (options.upload === true) return uploadAndWait(dir, format, options, ctx, started);
    const setup = await prepareScan(options, ctx, dir);
    let report: ScanReport;
    try {
      const snapshot = await collectWithProgress(dir, options, ctx);
      // A folder with nothing to scan is almost always the wrong folder: say so, not "healthy".
      // (diff allows it: a change may add the first package.json.)
      if (!snapshot.files.some((f) => !/(^|\/)socket\.ya?ml$/.test(f.path)))
        throw new DepwardenError(
          'NOTHING_TO_SCAN',
          `no package.json or lockfile in ${dir}${snapshot.files.length === 0 ? '' : ' (only socket.yml)'}`,
        );
      report = await setup.scan(snapshot);
    } finally {
      await setup.close();
    }
    await emitReport(report, format, options, ctx);
    if (options.quiet !== true && (format !== 'terminal' || options.output !== undefined))
      ctx.stderr.write(`${summaryLine(report, Date.now() - started)}\n`);
    return report.verdict.exitCode;
  },
};

/**
 * `scan --upload`: the snapshot goes to the report service, and its report comes back. The
 * body is built from the collected snapshot's files alone (src/client), so nothing else in
 * the project can be sent.
 */
async function uploadAndWait(
  dir: string,
  format: Format,
  options: Record<string, string | boolean | undefined>,
  ctx: CliContext,
  started: number,
): Promise<number> {
  const server = await serverTargetFrom(options, ctx);
  const snapshot = await collectWithProgress(dir, options, ctx);
  const submitted = await submitSnapshot(server, snapshot);
  const quiet = options.quiet === true;
  if (!quiet) {
    ctx.stderr.write(`depwarden: report ${server.url.replace(/\/+$/, '')}${submitted.url}\n`);
    if (submitted.deleteToken !== undefined)
      ctx.stderr.write(
        `depwarden: delete token (shown once; keep it to delete the report): ${submitted.deleteToken}\n`,
      );
  }
  const done =
    submitted.status === 'done' || submitted.status === 'failed'
      ? submitted
      : await waitForReport(server, submitted.id, (status) => {
          if (!quiet && ctx.stderr.isTTY === true) ctx.stderr.write(`\r\x1b[Kserver: ${status}`);
        });
  if (!quiet && ctx.stderr.isTTY === true) ctx.stderr.write('\r\x1b[K');
  if (done.status === 'failed' || done.report === undefined)
    throw new DepwardenError(
      'SERVER_ERROR',
      `the server could not analyse the snapshot: ${done.reason ?? 'no reason given'}`,
    );
  const report = done.report;
  await emitReport(report, format, options, ctx);
  if (!quiet && (format !== 'terminal' || options.output !== undefined))
    ctx.stderr.write(`${summaryLine(report, Date.now() - started)}\n`);
  return report.verdict.exitCode;
}

/** Renders the report for the terminal or file it goes to, and writes it there. */
export async function emitReport(
  report: ScanReport,
  format: Format,
  options: Record<string, string | boolean | undefined>,
  ctx: CliContext,
): Promise<void> {
  await emit(
    renderReport(report, format, {
      color: options.output === undefined && format === 'terminal' && useColor(ctx),
      verbose: options.verbose === true,
      ...widthOf(ctx),
    }),
    options,
    ctx,
  );
}

/** Writes a rendered report to --output, or to stdout. */
export async function emit(
  text: string,
  options: Record<string, string | boolean | undefined>,
  ctx: CliContext,
): Promise<void> {
  if (typeof options.output !== 'string') {
    ctx.stdout.write(text);
    return;
  }
  try {
    await writeFile(resolve(ctx.cwd, options.output), text);
  } catch (err) {
    throw new DepwardenError(
      'OUTPUT_UNWRITABLE',
      `cannot write the report to ${options.output}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      { hint: 'Check that the folder exists and is writable.' },
    );
  }
}

export interface ScanSetup {
  scan(snapshot: Snapshot): Promise<ScanReport>;
  close(): Promise<void>;
}

/**
 * Everything a scan needs from the flags, set up once: `diff` scans two snapshots with one
 * setup, so the second scan reuses the first one's packuments, tarballs and results.
 */
export async function prepareScan(
  options: Record<string, string | boolean | undefined>,
  ctx: CliContext,
  projectDirectory: string,
  publicOnly = false,
  shared?: SharedResults,
): Promise<ScanSetup> {
  const failOn = parseFailOn(options['fail-on'] as string | undefined);
  const jobs = parseCount(options.jobs, 'jobs', 256, defaultJobs());
  const concurrency = parseCount(options.concurrency, 'concurrency', 256, Math.max(8, jobs * 4));
  const intel = intelOptionsFrom(options);
  const now = new Date();
  const cache = cacheFrom(options, ctx);
  const client = await clientFrom(options, ctx, cache, projectDirectory, publicOnly);
  const advisories = await openAdvisories(options, ctx, now);
  const online = onlineSources(options, client);
  const engine = new PackageEngine({
    cache,
    useResultCache: options['no-cache'] !== true,
    jobs,
    client,
    intel,
    now,
    history: options['no-history'] !== true,
    ...(advisories.db === undefined ? {} : { advisories: advisories.db }),
    onlineAdvisories: online,
  });
  const version = toolVersion();
  return {
    async scan(snapshot) {
      const progress = new Progress(ctx, options.quiet === true, options.verbose === true);
      try {
        return await scan({
          snapshot,
          toolVersion: version,
          engine,
          client,
          cache,
          now,
          prod: options.prod === true,
          offline: options.offline === true,
          useCache: options['no-cache'] !== true,
          history: options['no-history'] !== true,
          intel,
          concurrency,
          maxAgeMs: OUTCOME_MAX_AGE_MS,
          failOn,
          failOnLabel: formatFailOn(failOn),
          advisories: {
            status: advisories.status,
            ...(advisories.info === undefined ? {} : { info: advisories.info }),
            online: online.map((s) => s.name),
            ...(advisories.warning === undefined ? {} : { warning: advisories.warning }),
          },
          onPhase: (phase, total) => progress.phase(phase, total),
          onResolved: (count) => progress.resolved(count),
          onPackage: (event) => progress.package(event),
          ...(shared === undefined ? {} : { shared }),
        });
      } finally {
        progress.clear();
      }
    },
    async close() {
      await engine.close();
      await client.close();
      advisories.db?.close();
    },
  };
}

/** The terminal's width, when stdout is one. */
export function widthOf(ctx: CliContext): { width?: number } {
  const columns = (ctx.stdout as { columns?: unknown }).columns;
  return typeof columns === 'number' && columns > 0 ? { width: columns } : {};
}

export function summaryLine(report: ScanReport, ms: number): string {
  const s = report.summary;
  const v = report.verdict;
  const state = !v.healthy
    ? `BLOCKED by ${v.blocking} alert${v.blocking === 1 ? '' : 's'}`
    : v.complete
      ? 'healthy'
      : `INCOMPLETE (${report.failures.length} failure${report.failures.length === 1 ? '' : 's'})`;
  return `depwarden: ${state}: ${s.packages} package${s.packages === 1 ? '' : 's'} (${s.cached} from cache), ${s.alerts} alert${s.alerts === 1 ? '' : 's'} (${s.byAction.error} error, ${s.byAction.warn} warn), ${(ms / 1000).toFixed(1)} s`;
}

/**
 * The progress display: one line redrawn at most five times a second with what is resolved,
 * fetched and analysed, elapsed time, an ETA and the slowest package in flight.
 */
class Progress {
  private readonly live: boolean;
  private readonly started = Date.now();
  private phaseName = 'collecting';
  private total = 0;
  private resolvedCount = 0;
  private fetched = 0;
  private done = 0;
  private readonly inFlight = new Map<string, { label: string; since: number }>();
  private last = 0;
  private drawn = false;

  constructor(
    private readonly ctx: CliContext,
    private readonly quiet: boolean,
    private readonly verbose: boolean,
  ) {
    this.live = !quiet && ctx.stderr.isTTY === true && ctx.env.CI === undefined;
  }

  phase(name: string, total?: number): void {
    this.phaseName = name;
    if (total !== undefined) this.total = total;
    this.draw(true);
  }

  resolved(count: number): void {
    this.resolvedCount = count;
    this.draw(false);
  }

  package(event: ProgressEvent): void {
    if (event.kind === 'start')
      this.inFlight.set(event.id, { label: event.label, since: Date.now() });
    else if (event.kind === 'fetched') this.fetched++;
    else {
      const entry = this.inFlight.get(event.id);
      this.inFlight.delete(event.id);
      this.done++;
      if (this.verbose && !this.quiet) {
        this.clear();
        const took = entry === undefined ? 0 : Date.now() - entry.since;
        this.ctx.stderr.write(
          `  ${sanitize(entry?.label ?? event.id, 200)}: ${event.outcome.status}, ${event.outcome.alerts.length} alerts, ${took} ms\n`,
        );
      }
    }
    this.draw(false);
  }

  private draw(force: boolean): void {
    if (!this.live) return;
    const now = Date.now();
    if (!force && now - this.last < 200) return;
    this.last = now;
    const elapsed = now - this.started;
    let line: string;
    if (this.phaseName === 'resolve')
      line = `resolving dependencies${this.resolvedCount > 0 ? `: ${this.resolvedCount} versions picked` : ''}`;
    else if (this.phaseName === 'packages') {
      const eta =
        this.done > 0 && this.done < this.total
          ? ` · ETA ${formatDuration((elapsed / this.done) * (this.total - this.done))}`
          : '';
      // The package in flight the longest, once it has taken more than 5 s.
      let oldest: { label: string; since: number } | undefined;
      for (const p of this.inFlight.values())
        if (oldest === undefined || p.since < oldest.since) oldest = p;
      const slow = oldest !== undefined && now - oldest.since > 5000 ? oldest.label : '';
      line = `packages: ${this.done}/${this.total} done · ${this.fetched} fetched · ${formatDuration(elapsed)}${eta}${slow === '' ? '' : ` · slow: ${sanitize(slow, 60)}`}`;
    } else line = `${this.phaseName}…`;
    const width = Math.max(20, (this.ctx.stderr as { columns?: number }).columns ?? 100);
    this.ctx.stderr.write(`\r\x1b[K${line.slice(0, width - 1)}`);
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) this.ctx.stderr.write('\r\x1b[K');
    this.drawn = false;
  }
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}
