/**
 * `depwarden analyze <target>...`: analyse package tarballs, local (`.tgz`, no network at all)
 * or from the registry (`name@version`), and print per package its alerts with evidence.
 *
 * Composition root for the registry client, the result cache and the worker pool. Memory is
 * bounded by keeping at most 2 × workers tarballs in flight: fetching waits for analysis.
 * Results are cached by (tarball integrity, engine version, every detector's id and version),
 * so a detector change re-analyses exactly what it affects and nothing else.
 */
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DepwardenError, isDepwardenError } from '../../errors/index.js';
import { type RegistryClient, sha512Sri, assertPackageName } from '../../registry/index.js';
import { readTarball } from '../../analyzer/tarball/index.js';
import {
  PackageEngine,
  emptyAnalysis,
  integrityMismatch,
  listedWithoutTarball,
  type AnalysisResult,
} from '../../scan/engine.js';
import type { CliContext, CommandSpec } from '../spec.js';
import { sanitize } from '../../util/text.js';
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

/** A local tarball larger than this is refused before reading (the registry limit is the same). */
const MAX_LOCAL_TARBALL = 256 * 1024 * 1024;

type Target =
  | { kind: 'file'; path: string; shown: string }
  | { kind: 'registry'; name: string; version: string; shown: string };

export type AnalyzeOutput = AnalysisResult;

export const analyzeCommand: CommandSpec = {
  name: 'analyze',
  summary: 'Analyse package tarballs (local .tgz or name@version) for malware and risky code.',
  usage:
    'depwarden analyze <target>... [--json | --ndjson] [--offline] [--cache-dir DIR] [--registry URL] [--data-dir DIR] [--no-history]',
  description:
    'Reads each package tarball in memory (never unpacked to disk, never executed), classifies its files, parses each JavaScript and TypeScript file once, runs every detector, and correlates capabilities into a malware verdict. A target is a path to a .tgz file (no network needed) or name@version, fetched from the registry npm is configured for, checked against its integrity and cached. For registry targets the registry checks run too: deprecation, publishers and maintainers, publish times, provenance, the registry manifest against the tarball, and what changed since the version before (which is fetched and analysed as well unless --no-history). They are also matched against the local advisory database for known vulnerabilities and known malware (`depwarden db update`; a warning says when it is missing or stale). Exits 2 when some target could not be analysed.',
  args: [
    {
      name: '<target>',
      description: 'A .tgz file, or name@version (e.g. left-pad@1.3.0, @scope/pkg@2.0.0).',
    },
  ],
  options: [
    { name: 'json', type: 'boolean', description: 'Print one JSON array of results.' },
    {
      name: 'ndjson',
      type: 'boolean',
      description:
        'Print one JSON line per package as soon as it is done (for batches of thousands).',
    },
    ...CACHE_OPTIONS,
    {
      name: 'jobs',
      type: 'string',
      value: '<n>',
      description: 'Analysis worker threads.',
      default: 'one per core',
    },
    ...INTEL_OPTIONS,
  ],
  examples: [
    'depwarden analyze ./left-pad-1.3.0.tgz',
    'depwarden analyze express@4.21.2 lodash@4.17.21 --json',
    'depwarden analyze --ndjson $(cat targets.txt) > results.ndjson',
  ],
  async run(positionals, options, ctx) {
    if (positionals.length === 0)
      throw new DepwardenError(
        'USAGE',
        'analyze needs at least one target (a .tgz file or name@version)',
      );
    if (options.json === true && options.ndjson === true)
      throw new DepwardenError('USAGE', '--json and --ndjson exclude each other');
    const targets = positionals.map((p) => parseTarget(p, ctx));
    const jobs = parseCount(
      options.jobs,
      'jobs',
      256,
      targets.length === 1 ? 1 : Math.min(defaultJobs(), targets.length),
    );
    const now = new Date();
    const needsRegistry = targets.some((t) => t.kind === 'registry');
    const advisories = needsRegistry ? await openAdvisories(options, ctx, now) : undefined;
    if (advisories?.warning !== undefined)
      ctx.stderr.write(`depwarden: warning: ${advisories.warning}\n`);
    const cache = cacheFrom(options, ctx);
    const client = needsRegistry ? await clientFrom(options, ctx, cache) : undefined;
    // Always a pool, even for one target: a worker's heap and time limits are what keep a
    // hostile file from taking the whole process down with the parser.
    const engine = new PackageEngine({
      cache,
      useResultCache: options['no-cache'] !== true,
      jobs,
      ...(client === undefined ? {} : { client }),
      intel: intelOptionsFrom(options),
      now,
      history: options['no-history'] !== true,
      ...(advisories?.db === undefined ? {} : { advisories: advisories.db }),
      onlineAdvisories: onlineSources(options, client),
    });
    const results: (AnalyzeOutput | undefined)[] = new Array<AnalyzeOutput | undefined>(
      targets.length,
    );
    const failures: { target: string; error: unknown }[] = [];
    const progress = progressLine(ctx, targets.length);
    let done = 0;

    const analyzeOne = async (target: Target): Promise<AnalyzeOutput> => {
      let loaded;
      try {
        loaded = await loadTarget(target, client);
      } catch (err) {
        // A version the registry lists but has no tarball for is a finding, not a failure.
        if (target.kind !== 'registry' || !(await listedWithoutTarball(err, target, client)))
          throw err;
        return engine.enrich(
          target.name,
          target.version,
          emptyAnalysis(target.name, target.version),
          { tarballMissing: true },
        );
      }
      const { name, version, bytes, integrity, mismatch } = loaded;
      if (mismatch !== undefined) return mismatch;
      const history = target.kind === 'registry' && options['no-history'] !== true;
      const result = await engine.analyze({ name, version, integrity, tarball: bytes, history });
      if (target.kind !== 'registry') return result;
      return engine.enrich(name, version, result);
    };

    // At most 2 × jobs targets in flight: fetched tarballs wait in memory only that long.
    let next = 0;
    const lanes = Array.from(
      { length: Math.min(targets.length, Math.max(2, jobs * 2)) },
      async () => {
        while (next < targets.length) {
          const index = next++;
          const target = targets[index] as Target;
          try {
            const result = await analyzeOne(target);
            results[index] = result;
            if (options.ndjson === true)
              ctx.stdout.write(`${JSON.stringify(publicShape(result))}\n`);
          } catch (error) {
            if (!isDepwardenError(error)) throw error;
            failures.push({ target: target.shown, error });
            if (options.ndjson === true)
              ctx.stdout.write(
                `${JSON.stringify({ target: target.shown, error: { code: error.code, message: error.message } })}\n`,
              );
          }
          progress(++done);
        }
      },
    );
    try {
      await Promise.all(lanes);
    } finally {
      progress(-1);
      await engine.close();
      await client?.close();
      advisories?.db?.close();
    }
    const finished = results.filter((r): r is AnalyzeOutput => r !== undefined);
    if (options.json === true)
      ctx.stdout.write(`${JSON.stringify(finished.map(publicShape), null, 2)}\n`);
    else if (options.ndjson !== true) ctx.stdout.write(renderText(finished));
    for (const f of failures) {
      const e = f.error as DepwardenError;
      ctx.stderr.write(`depwarden: ${sanitize(f.target, 200)}: ${sanitize(e.message, 500)}\n`);
      if (e.hint !== undefined) ctx.stderr.write(`  hint: ${e.hint}\n`);
    }
    return failures.length > 0 ? 2 : 0;
  },
};

function parseTarget(arg: string, ctx: CliContext): Target {
  if (/\.(tgz|tar\.gz|tar)$/i.test(arg))
    return { kind: 'file', path: resolve(ctx.cwd, arg), shown: arg };
  const at = arg.lastIndexOf('@');
  if (at <= 0) {
    throw new DepwardenError(
      'TARGET_INVALID',
      `${JSON.stringify(sanitize(arg, 100))} is neither a .tgz file nor name@version`,
    );
  }
  const name = arg.slice(0, at);
  const version = arg.slice(at + 1);
  assertPackageName(name);
  if (!/^[0-9A-Za-z.+-]{1,256}$/.test(version)) {
    throw new DepwardenError(
      'TARGET_INVALID',
      `${JSON.stringify(sanitize(arg, 100))}: ${JSON.stringify(sanitize(version, 60))} is not an exact version`,
      {
        hint: 'Give an exact version (1.2.3), not a range or tag.',
      },
    );
  }
  return { kind: 'registry', name, version, shown: arg };
}

async function loadTarget(
  target: Target,
  client: RegistryClient | undefined,
): Promise<{
  name: string;
  version: string;
  bytes: Uint8Array;
  integrity: string;
  mismatch?: AnalyzeOutput;
}> {
  if (target.kind === 'file') {
    const bytes = await readLocal(target.path, target.shown);
    const { name, version } = await identify(bytes, target.shown);
    return { name, version, bytes, integrity: sha512Sri(bytes) };
  }
  const got = await (client as RegistryClient).tarball({
    name: target.name,
    version: target.version,
  });
  if (!got.ok) {
    const mismatch = integrityMismatch(target.name, target.version, got);
    return {
      name: target.name,
      version: target.version,
      bytes: new Uint8Array(),
      integrity: got.expected,
      mismatch,
    };
  }
  return { name: target.name, version: target.version, bytes: got.bytes, integrity: got.integrity };
}

async function readLocal(path: string, shown: string): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new DepwardenError(
      'TARGET_INVALID',
      `cannot read ${shown}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      {
        hint: 'Check the path of the .tgz file.',
      },
    );
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile())
      throw new DepwardenError('TARGET_INVALID', `${shown} is not a regular file`);
    if (stat.size > MAX_LOCAL_TARBALL)
      throw new DepwardenError(
        'TARGET_INVALID',
        `${shown} is ${stat.size} bytes, over the ${MAX_LOCAL_TARBALL}-byte limit`,
      );
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** Name and version of a local tarball from its package.json, else from the file name. */
async function identify(
  bytes: Uint8Array,
  shown: string,
): Promise<{ name: string; version: string }> {
  const contents = await readTarball(bytes);
  const manifest = contents.files.find((f) => f.path === 'package.json');
  if (manifest?.bytes !== undefined) {
    try {
      const m = JSON.parse(new TextDecoder().decode(manifest.bytes)) as {
        name?: unknown;
        version?: unknown;
      };
      if (typeof m.name === 'string' && typeof m.version === 'string')
        return { name: m.name, version: m.version };
    } catch {
      // fall through to the file name
    }
  }
  const base = shown.replace(/^.*[\\/]/, '').replace(/\.(tgz|tar\.gz|tar)$/i, '');
  const m = /^(.*)-(\d+\.\d+\.\d+[^/]*)$/.exec(base);
  return { name: m?.[1] ?? base, version: m?.[2] ?? '' };
}

function publicShape(r: AnalyzeOutput): Record<string, unknown> {
  const out: Record<string, unknown> = {
    package: r.package,
    alerts: r.alerts,
    files: r.files,
    bytes: r.bytes,
    durationMs: r.durationMs,
  };
  if (!r.complete) out.complete = false;
  if (r.failures.length > 0) out.failures = r.failures;
  if (r.cached === true) out.cached = true;
  return out;
}

const SEVERITY_ORDER = ['critical', 'high', 'middle', 'low'] as const;

function renderText(results: readonly AnalyzeOutput[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const counts = SEVERITY_ORDER.map(
      (s) => [s, r.alerts.filter((a) => a.severity === s).length] as const,
    ).filter(([, n]) => n > 0);
    lines.push(
      `${r.package.name}@${r.package.version}: ${r.files} files, ${r.alerts.length} alert${r.alerts.length === 1 ? '' : 's'}${counts.length > 0 ? ` (${counts.map(([s, n]) => `${n} ${s === 'middle' ? 'medium' : s}`).join(', ')})` : ''}${r.complete ? '' : ' [incomplete]'}`,
    );
    for (const a of r.alerts) {
      const ev = a.evidence[0];
      const where =
        ev === undefined
          ? ''
          : ` at ${ev.file}${ev.line === undefined ? '' : `:${ev.line}:${ev.column ?? 1}`}`;
      lines.push(
        `  ${(a.severity === 'middle' ? 'medium' : a.severity).padEnd(8)} ${a.type}: ${sanitize(a.message, 300)}${sanitize(where, 200)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function progressLine(ctx: CliContext, total: number): (done: number) => void {
  const show = ctx.stderr.isTTY === true && ctx.env.CI === undefined && total > 1;
  let last = 0;
  return (done) => {
    if (!show) return;
    if (done < 0) {
      ctx.stderr.write('\r\x1b[K');
      return;
    }
    if (Date.now() - last < 200 && done < total) return;
    last = Date.now();
    ctx.stderr.write(`\ranalysing: ${done}/${total} packages`);
  };
}
