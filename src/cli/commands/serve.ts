/**
 * `depwarden serve`: the report service's composition root. Configuration comes from flags,
 * then `DEPWARDEN_<FLAG>` environment variables, then a JSON config file (--config), then the
 * defaults: loopback, the filesystem store in the user's data folder. It prints where it
 * listens and where data lives, and never prints ids, tokens or the server salt.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DepwardenError } from '../../errors/index.js';
import type { ScanReport } from '../../report/types.js';
import { adminTokenHash, isTokenHash, MIN_SERVER_SALT_BYTES } from '../../server/crypto/index.js';
import type { StoreConfig } from '../../store/index.js';
import { defaultDataDir } from '../../util/dirs.js';
import type { CliContext, CommandSpec, OptionSpec } from '../spec.js';
import { parseCount } from './analysis-options.js';
import { prepareScan } from './scan.js';

const SERVE_OPTIONS: OptionSpec[] = [
  {
    name: 'config',
    type: 'string',
    value: '<file>',
    description: 'A JSON file with any of these settings (keys as the flag names).',
  },
  {
    name: 'host',
    type: 'string',
    value: '<addr>',
    description: 'Address to listen on.',
    default: '127.0.0.1',
  },
  {
    name: 'port',
    type: 'string',
    value: '<n>',
    description: 'Port to listen on (0: any free port).',
    default: '8787',
  },
  {
    name: 'data-dir',
    type: 'string',
    value: '<dir>',
    description:
      'Where the filesystem store, the package cache, the advisory database and the server salt live.',
    default: '$XDG_DATA_HOME/depwarden/server',
  },
  {
    name: 'store',
    type: 'string',
    value: 'fs|s3',
    description: 'Where reports and snapshots are kept (encrypted either way).',
    default: 'fs',
  },
  {
    name: 's3-bucket',
    type: 'string',
    value: '<name>',
    description: 'S3 bucket (with --store s3).',
  },
  {
    name: 's3-prefix',
    type: 'string',
    value: '<prefix>',
    description: 'Key prefix inside the bucket, ending in /.',
  },
  {
    name: 's3-region',
    type: 'string',
    value: '<region>',
    description: 'S3 region (default: the AWS SDK chain).',
  },
  {
    name: 's3-endpoint',
    type: 'string',
    value: '<url>',
    description: 'An S3-compatible endpoint (default: AWS).',
  },
  {
    name: 's3-path-style',
    type: 'boolean',
    description: 'Bucket in the path, as most S3-compatible servers need.',
  },
  {
    name: 'admin-token-hash',
    type: 'string',
    value: '<hex,...>',
    description:
      'SHA-256 hashes of admin tokens, comma-separated (see --print-token-hash); never the tokens.',
  },
  {
    name: 'print-token-hash',
    type: 'boolean',
    description: 'Read a token on standard input, print its hash for --admin-token-hash, and exit.',
  },
  {
    name: 'concurrency',
    type: 'string',
    value: '<n>',
    description: 'Analyses run at once.',
    default: '1',
  },
  {
    name: 'queue-limit',
    type: 'string',
    value: '<n>',
    description: 'Snapshots waiting before POST answers 503 with Retry-After.',
    default: '100',
  },
  {
    name: 'metrics-port',
    type: 'string',
    value: '<n>',
    description: 'Serve Prometheus metrics on this port, on a separate listener (off by default).',
  },
  {
    name: 'metrics-host',
    type: 'string',
    value: '<addr>',
    description: 'Address of the metrics listener.',
    default: '127.0.0.1',
  },
  {
    name: 'registry',
    type: 'string',
    value: '<url>',
    description:
      "The public registry packages are fetched from (default: npm's configuration); credentials are never used.",
  },
];

type Options = Record<string, string | boolean | undefined>;

/** Flag, else DEPWARDEN_<FLAG>, else the config file's key. */
export async function serveSettings(options: Options, ctx: CliContext): Promise<Options> {
  let file: Record<string, unknown> = {};
  const configPath = typeof options.config === 'string' ? options.config : ctx.env.DEPWARDEN_CONFIG;
  if (configPath !== undefined) {
    try {
      file = JSON.parse(await readFile(resolve(ctx.cwd, configPath), 'utf8')) as Record<
        string,
        unknown
      >;
    } catch (err) {
      throw new DepwardenError(
        'USAGE',
        `cannot read the config file ${configPath}: ${(err as Error).message}`,
      );
    }
    if (typeof file !== 'object' || file === null || Array.isArray(file))
      throw new DepwardenError('USAGE', `${configPath} must hold a JSON object`);
    for (const key of Object.keys(file))
      if (!SERVE_OPTIONS.some((o) => o.name === key && key !== 'config'))
        throw new DepwardenError('USAGE', `${configPath}: unknown setting ${JSON.stringify(key)}`);
  }
  const out: Options = {};
  for (const o of SERVE_OPTIONS) {
    const env = ctx.env[`DEPWARDEN_${o.name.toUpperCase().replace(/-/g, '_')}`];
    const fromFile = file[o.name];
    const value =
      options[o.name] ??
      (env === undefined
        ? undefined
        : o.type === 'boolean'
          ? env === '1' || env === 'true'
          : env) ??
      (typeof fromFile === 'string' || typeof fromFile === 'boolean'
        ? fromFile
        : typeof fromFile === 'number'
          ? String(fromFile)
          : undefined);
    if (value !== undefined) out[o.name] = value;
  }
  return out;
}

/** The per-deployment secret: from the data folder, made on first start (0600). */
async function serverSalt(dataDir: string): Promise<Buffer> {
  const path = join(dataDir, 'server-salt');
  try {
    const salt = await readFile(path);
    if (salt.length < MIN_SERVER_SALT_BYTES)
      throw new DepwardenError('USAGE', `${path} holds fewer than ${MIN_SERVER_SALT_BYTES} bytes`);
    return salt;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const salt = randomBytes(32);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFile(path, salt, { mode: 0o600, flag: 'wx' });
  return salt;
}

function storeConfig(s: Options, dataDir: string): StoreConfig {
  const kind = s.store ?? 'fs';
  if (kind === 'fs') return { kind: 'fs', dir: join(dataDir, 'store') };
  if (kind !== 's3')
    throw new DepwardenError('USAGE', `--store takes fs or s3, not ${JSON.stringify(kind)}`);
  if (typeof s['s3-bucket'] !== 'string')
    throw new DepwardenError('USAGE', '--store s3 needs --s3-bucket');
  return {
    kind: 's3',
    bucket: s['s3-bucket'],
    ...(typeof s['s3-prefix'] === 'string' ? { prefix: s['s3-prefix'] } : {}),
    ...(typeof s['s3-region'] === 'string' ? { region: s['s3-region'] } : {}),
    ...(typeof s['s3-endpoint'] === 'string' ? { endpoint: s['s3-endpoint'] } : {}),
    ...(s['s3-path-style'] === true ? { forcePathStyle: true } : {}),
  };
}

/**
 * A package the public registry does not have (or will not serve without credentials) is,
 * for this server, a private one: the report says so instead of a bare 404 or 401.
 */
export function markPrivate(report: ScanReport): ScanReport {
  for (const f of report.failures)
    if (f.stage === 'fetch' && (f.code === 'PACKAGE_NOT_FOUND' || f.code === 'REGISTRY_AUTH'))
      f.message = `not analysable by this server (a private or unpublished package; it fetches public packages only, without credentials): ${f.message}`;
  return report;
}

export const serveCommand: CommandSpec = {
  name: 'serve',
  summary: 'Run the report service: snapshot-addressed, encrypted reports over HTTP.',
  usage:
    'depwarden serve [--host ADDR] [--port N] [--data-dir DIR] [--store fs|s3 ...] [--admin-token-hash HEX]',
  description:
    'Starts the report service (docs/server.md). Clients upload only their dependency snapshot; the report is stored encrypted under a key derived from the snapshot id and read back by anyone who holds that snapshot. There is no way to list reports. Defaults: loopback, port 8787, the filesystem store in the data folder. Settings come from flags, DEPWARDEN_<FLAG> environment variables (e.g. DEPWARDEN_PORT) or a JSON --config file, in that order.',
  args: [],
  options: SERVE_OPTIONS,
  examples: [
    'depwarden serve',
    'echo -n "$TOKEN" | depwarden serve --print-token-hash',
    'depwarden serve --store s3 --s3-bucket reports --s3-endpoint http://127.0.0.1:9000 --s3-path-style',
  ],
  async run(positionals, options, ctx) {
    if (positionals.length > 0) throw new DepwardenError('USAGE', 'serve takes no arguments');
    if (options['print-token-hash'] === true) {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      ctx.stdout.write(`${adminTokenHash(Buffer.concat(chunks).toString('utf8').trim())}\n`);
      return 0;
    }
    const s = await serveSettings(options, ctx);
    // The server's dependencies (Fastify, the AWS SDK) load only for this command: every
    // other command starts without them.
    const [{ buildApp }, { buildMetricsApp }, { storeResults }, { ReportService }, { openStore }] =
      await Promise.all([
        import('../../server/app.js'),
        import('../../server/metrics.js'),
        import('../../server/results.js'),
        import('../../server/service.js'),
        import('../../store/index.js'),
      ]);
    const dataDir =
      typeof s['data-dir'] === 'string'
        ? resolve(ctx.cwd, s['data-dir'])
        : join(defaultDataDir(ctx.env), 'server');
    const port = Number(s.port ?? '8787');
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new DepwardenError('USAGE', '--port must be a whole number from 0 to 65535');
    const hashes =
      typeof s['admin-token-hash'] === 'string'
        ? s['admin-token-hash']
            .split(',')
            .map((h) => h.trim())
            .filter(Boolean)
        : [];
    for (const h of hashes)
      if (!isTokenHash(h))
        throw new DepwardenError(
          'USAGE',
          '--admin-token-hash takes SHA-256 hashes (64 hex), as --print-token-hash prints them',
          {
            hint: 'Never pass the token itself.',
          },
        );
    const store = await openStore(storeConfig(s, dataDir));
    const scanOptions: Options = {
      'cache-dir': join(dataDir, 'cache'),
      'data-dir': dataDir,
      quiet: true,
      ...(typeof s.registry === 'string' ? { registry: s.registry } : {}),
    };
    const salt = await serverSalt(dataDir);
    const shared = storeResults(store, salt);
    const service = new ReportService({
      store,
      serverSalt: salt,
      adminTokenHashes: hashes,
      concurrency: parseCount(s.concurrency, 'concurrency', 64, 1),
      queueLimit: parseCount(s['queue-limit'], 'queue-limit', 100_000, 100),
      // A fresh setup per analysis: its clock, advisory data and registry answers are current.
      run: async (snapshot) => {
        const setup = await prepareScan(
          scanOptions,
          { ...ctx, env: { ...ctx.env, CI: '1' } },
          dataDir,
          true,
          shared,
        );
        try {
          return markPrivate(await setup.scan(snapshot));
        } finally {
          await setup.close();
        }
      },
    });
    const { resumed, dropped } = await service.resume();
    const app = buildApp({ service });
    const metricsApp =
      s['metrics-port'] === undefined ? undefined : buildMetricsApp(service, app.httpCounts);
    if (metricsApp !== undefined) {
      const metricsPort = Number(s['metrics-port']);
      if (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535)
        throw new DepwardenError('USAGE', '--metrics-port must be a whole number from 0 to 65535');
      const at = await metricsApp.listen({
        host: typeof s['metrics-host'] === 'string' ? s['metrics-host'] : '127.0.0.1',
        port: metricsPort,
      });
      ctx.stderr.write(`depwarden serve: metrics on ${at}/metrics\n`);
    }
    const address = await app.listen({
      host: typeof s.host === 'string' ? s.host : '127.0.0.1',
      port,
    });
    ctx.stderr.write(
      `depwarden serve: listening on ${address}\n  data: ${store.kind === 'fs' ? join(dataDir, 'store') : `s3 bucket ${String(s['s3-bucket'])}`}\n  cache: ${join(dataDir, 'cache')}\n${resumed + dropped > 0 ? `  resumed ${resumed} interrupted analyses${dropped > 0 ? ` (${dropped} unreadable journal entries dropped)` : ''}\n` : ''}`,
    );
    await new Promise<void>((done) => {
      const stop = () => void Promise.all([app.close(), metricsApp?.close()]).then(() => done());
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await service.drained();
    await store.close();
    return 0;
  },
};
