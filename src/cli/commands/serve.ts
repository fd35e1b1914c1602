/**
 * `depwarden serve`: the report service's composition root. Configuration comes from flags,
 * then `DEPWARDEN_<FLAG>` environment variables, then a JSON config file (--config), then the
 * defaults: loopback, the filesystem store in the user's data folder. It prints where it
 * listens and where data lives, and never prints ids, tokens or the server salt.
 *
 * It speaks HTTPS (src/server/tls): with the certificate and key it is given, else with a
 * localhost certificate from a local CA it makes in the data folder (whose path it prints for
 * clients to trust). Two origins listen: the main one (API and viewer) and the user-content
 * one (package files cited as evidence), on their own ports and, in deployments, their own
 * site. SIGHUP reloads the certificate on both without dropping connections. Plain HTTP is
 * served only when asked, and only on loopback, for a TLS-terminating proxy beside it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { DepwardenError } from '../../errors/index.js';
import type { ScanReport } from '../../report/types.js';
import { adminTokenHash, isTokenHash, MIN_SERVER_SALT_BYTES } from '../../server/crypto/index.js';
import type { StoreConfig } from '../../store/index.js';
import { defaultDataDir } from '../../util/dirs.js';
import { LIMIT_OPTIONS, limitSettingsFrom } from './limit-options.js';
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
    name: 'tls-cert',
    type: 'string',
    value: '<file>',
    description:
      'PEM certificate chain for HTTPS (the server certificate first), reloaded on SIGHUP.',
    default: 'a localhost certificate from a local CA in <data-dir>/tls',
  },
  {
    name: 'tls-key',
    type: 'string',
    value: '<file>',
    description: 'PEM private key of --tls-cert (unencrypted), reloaded on SIGHUP.',
  },
  {
    name: 'redirect-port',
    type: 'string',
    value: '<n>',
    description:
      'Also listen for plain HTTP on this port, answering only 301 redirects to HTTPS on the same host (off by default).',
  },
  {
    name: 'usercontent-port',
    type: 'string',
    value: '<n>',
    description:
      'Port of the user-content origin, which serves package files cited as evidence (0: any free port).',
    default: '--port + 1',
  },
  {
    name: 'usercontent-host',
    type: 'string',
    value: '<addr>',
    description: 'Address the user-content origin listens on.',
    default: 'the --host value',
  },
  {
    name: 'usercontent-origin',
    type: 'string',
    value: '<url>',
    description:
      'Public URL of the user-content origin, on another site than the main origin (for deployments).',
    default: 'https://127.0.0.1:<usercontent port> while the main origin is https://localhost',
  },
  {
    name: 'plain-http',
    type: 'boolean',
    description:
      'Serve plain HTTP instead of HTTPS, for a TLS-terminating proxy on the same host: loopback addresses only, with a warning.',
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
  ...LIMIT_OPTIONS,
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

/** A port setting: a whole number from 0 to 65535, or undefined when not set. */
function portSetting(value: string | boolean | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const port = typeof value === 'string' && /^[0-9]{1,5}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(port) || port > 65535)
    throw new DepwardenError('USAGE', `--${flag} must be a whole number from 0 to 65535`);
  return port;
}

/** 127.0.0.0/8, ::1 (in any spelling), IPv4-mapped loopback, and the name localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) !== 6) return false;
  const canonical = new URL(`http://[${h}]/`).hostname;
  return canonical === '[::1]' || canonical.startsWith('[::ffff:7f');
}

function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** How serve listens, from the settings, checked before anything is opened. */
export interface ListenPlan {
  host: string;
  port: number;
  plainHttp: boolean;
  /** The configured certificate; absent: the local CA's. */
  tlsFiles?: { certPath: string; keyPath: string };
  redirectPort?: number;
  usercontentHost: string;
  usercontentPort: number;
  /** --usercontent-origin, normalised to an origin; absent: derived once listening. */
  usercontentOrigin?: string;
}

export function listenPlan(s: Options, cwd: string): ListenPlan {
  const host = typeof s.host === 'string' ? s.host : '127.0.0.1';
  const port = portSetting(s.port ?? '8787', 'port')!;
  const plainHttp = s['plain-http'] === true;
  const certPath = typeof s['tls-cert'] === 'string' ? resolve(cwd, s['tls-cert']) : undefined;
  const keyPath = typeof s['tls-key'] === 'string' ? resolve(cwd, s['tls-key']) : undefined;
  const redirectPort = portSetting(s['redirect-port'], 'redirect-port');
  const usercontentHost = typeof s['usercontent-host'] === 'string' ? s['usercontent-host'] : host;
  const usercontentPort =
    portSetting(s['usercontent-port'], 'usercontent-port') ?? (port === 0 ? 0 : port + 1);
  if (usercontentPort > 65535)
    throw new DepwardenError('USAGE', `--port ${port} leaves no room for --usercontent-port`, {
      hint: 'Set --usercontent-port (0: any free port).',
    });
  if (usercontentPort !== 0 && usercontentPort === port && usercontentHost === host)
    throw new DepwardenError('USAGE', '--usercontent-port must differ from --port');
  if (
    redirectPort !== undefined &&
    redirectPort !== 0 &&
    [port, usercontentPort].includes(redirectPort)
  )
    throw new DepwardenError(
      'USAGE',
      '--redirect-port must differ from --port and --usercontent-port',
    );

  if (plainHttp) {
    for (const [flag, addr] of [
      ['host', host],
      ['usercontent-host', usercontentHost],
    ] as const)
      if (!isLoopbackHost(addr))
        throw new DepwardenError(
          'USAGE',
          `--plain-http serves without TLS, so only on a loopback address (127.0.0.1, ::1, localhost), not --${flag} ${addr}`,
          {
            hint: 'Put a TLS-terminating proxy on the same host and point it at `depwarden serve --plain-http --host 127.0.0.1`, or let depwarden serve HTTPS itself (the default; --tls-cert and --tls-key for a real certificate).',
          },
        );
    if (certPath !== undefined || keyPath !== undefined || redirectPort !== undefined)
      throw new DepwardenError(
        'USAGE',
        '--plain-http cannot be combined with --tls-cert, --tls-key or --redirect-port',
        { hint: 'The proxy in front terminates TLS and redirects plain HTTP.' },
      );
  } else if ((certPath === undefined) !== (keyPath === undefined))
    throw new DepwardenError('USAGE', '--tls-cert and --tls-key go together', {
      hint: 'Pass both, or neither for a certificate from the local CA in <data-dir>/tls.',
    });

  let usercontentOrigin: string | undefined;
  if (typeof s['usercontent-origin'] === 'string') {
    let u: URL;
    try {
      u = new URL(s['usercontent-origin']);
    } catch {
      throw new DepwardenError(
        'USAGE',
        '--usercontent-origin must be a URL such as https://usercontent.example',
      );
    }
    const scheme = plainHttp ? ['https:', 'http:'] : ['https:'];
    if (
      !scheme.includes(u.protocol) ||
      u.username !== '' ||
      u.password !== '' ||
      u.pathname !== '/' ||
      u.search !== '' ||
      u.hash !== ''
    )
      throw new DepwardenError(
        'USAGE',
        `--usercontent-origin must be an origin (${plainHttp ? 'http(s)' : 'https'}://host[:port], no path, query or credentials), not ${JSON.stringify(s['usercontent-origin'])}`,
      );
    usercontentOrigin = u.origin;
  }
  return {
    host,
    port,
    plainHttp,
    ...(certPath !== undefined && keyPath !== undefined ? { tlsFiles: { certPath, keyPath } } : {}),
    ...(redirectPort === undefined ? {} : { redirectPort }),
    usercontentHost,
    usercontentPort,
    ...(usercontentOrigin === undefined ? {} : { usercontentOrigin }),
  };
}

/** Listens, turning "address in use" and friends into a USAGE error that names the flag. */
async function listenOn<T>(
  flag: string,
  host: string,
  port: number,
  listen: () => Promise<T>,
): Promise<T> {
  try {
    return await listen();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? 'the port is in use'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EADDRNOTAVAIL'
            ? 'this machine has no such address'
            : undefined;
    if (why === undefined) throw err;
    throw new DepwardenError('USAGE', `cannot listen on ${host}:${port} (--${flag}): ${why}`, {
      hint: `Choose another --${flag}${flag === 'usercontent-port' ? ' (it defaults to --port + 1)' : ''}, or stop what uses it; 0 takes any free port.`,
    });
  }
}

/** The host clients use for a listener: localhost for loopback and wildcard binds. */
function publicHost(host: string): string {
  if (isLoopbackHost(host) || isWildcardHost(host)) return 'localhost';
  return isIP(host) === 6 ? `[${host}]` : host;
}

/**
 * The user-content origin when none is configured: on loopback, 127.0.0.1 (or [::1]), a
 * different site from the main origin's localhost, so a package file can never share cookies,
 * storage or same-site requests with the viewer.
 */
function defaultUsercontentOrigin(scheme: string, host: string, port: number): string {
  const h = host.replace(/^\[(.*)\]$/, '$1');
  if (isLoopbackHost(h) || isWildcardHost(h))
    return `${scheme}://${isIP(h) === 6 && h !== '::' ? '[::1]' : '127.0.0.1'}:${port}`;
  return `${scheme}://${isIP(h) === 6 ? `[${h}]` : h}:${port}`;
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
  summary: 'Run the report service: snapshot-addressed, encrypted reports over HTTPS.',
  usage:
    'depwarden serve [--host ADDR] [--port N] [--data-dir DIR] [--tls-cert FILE --tls-key FILE] [--store fs|s3 ...] [--admin-token-hash HEX]',
  description:
    'Starts the report service (docs/server.md). Clients upload only their dependency snapshot; the report is stored encrypted under a key derived from the snapshot id and read back by anyone who holds that snapshot. There is no way to list reports. It speaks HTTPS (TLS 1.2 and 1.3 only): with --tls-cert and --tls-key, else with a localhost certificate from a local CA it makes in <data-dir>/tls (clients trust its ca.pem with --ca); SIGHUP reloads the certificate. Package files cited as evidence are served on a second origin (--usercontent-port). Defaults: loopback, port 8787, the filesystem store in the data folder. Settings come from flags, DEPWARDEN_<FLAG> environment variables (e.g. DEPWARDEN_PORT) or a JSON --config file, in that order.',
  args: [],
  options: SERVE_OPTIONS,
  examples: [
    'depwarden serve',
    'depwarden serve --host 0.0.0.0 --port 443 --tls-cert fullchain.pem --tls-key privkey.pem --redirect-port 80 --usercontent-origin https://usercontent.example',
    'depwarden serve --plain-http --host 127.0.0.1   # behind a TLS-terminating proxy',
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
    // Every listening setting is checked before anything is opened or made.
    const plan = listenPlan(s, ctx.cwd);
    const limits = limitSettingsFrom(s);
    const log = (line: string) => void ctx.stderr.write(`depwarden serve: ${line}\n`);
    // The server's dependencies (Fastify, the AWS SDK) load only for this command: every
    // other command starts without them.
    const [
      { buildApp },
      { buildMetricsApp },
      { storeResults },
      { ReportService },
      { openStore },
      { TlsListeners, createRedirectServer },
      { buildUsercontentApp, registryFileReader },
      { loadRegistryConfig, askNpmForRegistry },
      { hardenServer },
    ] = await Promise.all([
      import('../../server/app.js'),
      import('../../server/metrics.js'),
      import('../../server/results.js'),
      import('../../server/service.js'),
      import('../../store/index.js'),
      import('../../server/tls/index.js'),
      import('../../server/usercontent.js'),
      import('../../registry/index.js'),
      import('../../server/limits.js'),
    ]);
    const dataDir =
      typeof s['data-dir'] === 'string'
        ? resolve(ctx.cwd, s['data-dir'])
        : join(defaultDataDir(ctx.env), 'server');
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
    const metricsPort = portSetting(s['metrics-port'], 'metrics-port');

    if (plan.plainHttp)
      log(
        `warning: serving plain HTTP (--plain-http) on ${plan.host}: no TLS here, so only a TLS-terminating proxy on this host may talk to it; clients must use the proxy's https:// URL`,
      );
    // The certificate before the store: a bad --tls-cert stops the start before anything else.
    const tls = plan.plainHttp
      ? undefined
      : await TlsListeners.open(
          plan.tlsFiles === undefined
            ? { kind: 'local', dataDir }
            : { kind: 'files', ...plan.tlsFiles },
          { log },
        );
    const serverFactory = tls === undefined ? {} : { serverFactory: tls.serverFactory };
    const scheme = tls === undefined ? 'http' : 'https';
    // Everything started so far, stopped in reverse on shutdown or on a failed start.
    const started: (() => Promise<unknown>)[] = [];
    const stopAll = async () => {
      for (const stop of started.splice(0).reverse()) await stop().catch(() => undefined);
    };
    if (tls !== undefined) started.push(async () => tls.close());

    try {
      const store = await openStore(storeConfig(s, dataDir));
      started.push(() => store.close());
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
      started.push(() => service.drained());
      const { resumed, dropped } = await service.resume();

      // The registry the evidence files come from is resolved on the first file read, as the
      // analysis resolves it: a start never waits on npm's configuration.
      type FileReader = ReturnType<typeof registryFileReader>;
      let reader: Promise<FileReader> | undefined;
      const readPackageFile = async (
        ...args: Parameters<FileReader>
      ): Promise<Awaited<ReturnType<FileReader>>> => {
        reader ??= loadRegistryConfig({
          flag: typeof s.registry === 'string' ? s.registry : undefined,
          env: ctx.env,
          projectDir: dataDir,
          askNpm: askNpmForRegistry,
        }).then((config) =>
          registryFileReader({ registryUrl: config.registry, cacheDir: join(dataDir, 'cache') }),
        );
        return (await reader)(...args);
      };
      started.push(async () => (await reader)?.close());

      // The user-content origin first: the main origin's viewer needs its URL.
      const usercontentApp = buildUsercontentApp({
        service,
        readPackageFile,
        limits,
        trustProxy: limits.trustProxy,
        ...serverFactory,
      });
      hardenServer(usercontentApp.server, limits);
      started.push(() => usercontentApp.close());
      await listenOn('usercontent-port', plan.usercontentHost, plan.usercontentPort, () =>
        usercontentApp.listen({ host: plan.usercontentHost, port: plan.usercontentPort }),
      );
      const usercontentPort = (usercontentApp.server.address() as AddressInfo).port;
      const usercontentOrigin =
        plan.usercontentOrigin ??
        defaultUsercontentOrigin(scheme, plan.usercontentHost, usercontentPort);

      const app = buildApp({
        service,
        usercontentOrigin,
        limits,
        trustProxy: limits.trustProxy,
        ...serverFactory,
      });
      hardenServer(app.server, limits);
      started.push(() => app.close());
      await listenOn('port', plan.host, plan.port, () =>
        app.listen({ host: plan.host, port: plan.port }),
      );
      const mainPort = (app.server.address() as AddressInfo).port;
      const mainHost = publicHost(plan.host);
      const mainUrl = `${scheme}://${mainHost}:${mainPort}`;

      let redirectLine = '';
      if (plan.redirectPort !== undefined) {
        const redirect = createRedirectServer({ httpsPort: mainPort, fallbackHost: mainHost });
        hardenServer(redirect, limits);
        started.push(
          () =>
            new Promise((done) => {
              redirect.closeAllConnections();
              redirect.close(done);
            }),
        );
        await listenOn(
          'redirect-port',
          plan.host,
          plan.redirectPort,
          () =>
            new Promise<void>((listening, failed) => {
              redirect.once('error', failed);
              redirect.listen(plan.redirectPort, plan.host, () => {
                redirect.off('error', failed);
                listening();
              });
            }),
        );
        const at = redirect.address() as AddressInfo;
        redirectLine = `  redirect: http://${mainHost}:${at.port} answers only 301 to ${mainUrl}\n`;
      }

      const metricsApp =
        metricsPort === undefined ? undefined : buildMetricsApp(service, app.httpCounts);
      if (metricsApp !== undefined) {
        started.push(() => metricsApp.close());
        const metricsHost = typeof s['metrics-host'] === 'string' ? s['metrics-host'] : '127.0.0.1';
        const at = await listenOn('metrics-port', metricsHost, metricsPort!, () =>
          metricsApp.listen({ host: metricsHost, port: metricsPort! }),
        );
        log(`metrics on ${at}/metrics`);
      }

      // SIGHUP: the certificate files again, on both HTTPS listeners, connections kept.
      const onHangup = () => void tls?.reload();
      if (tls !== undefined) {
        process.on('SIGHUP', onHangup);
        started.push(async () => process.off('SIGHUP', onHangup));
      }

      if (tls?.local?.created === true)
        log(
          `made a local CA for this server's certificate; clients must trust ${tls.local.caPath} (depwarden scan --upload --ca ${tls.local.caPath}, or DEPWARDEN_CA)`,
        );
      if (tls?.local !== undefined && !isLoopbackHost(plan.host) && !isWildcardHost(plan.host))
        log(
          `warning: the local CA's certificate names only localhost, 127.0.0.1 and ::1, not ${plan.host}; give --tls-cert and --tls-key for a deployment`,
        );
      if (
        plan.usercontentOrigin === undefined &&
        !isLoopbackHost(plan.usercontentHost) &&
        !isWildcardHost(plan.usercontentHost)
      )
        log(
          `warning: the user-content origin ${usercontentOrigin} may share a site with the main origin; set --usercontent-origin to its public URL on another registrable domain`,
        );
      const tlsLine =
        tls === undefined
          ? ''
          : tls.local !== undefined
            ? `  tls: certificate from the local CA ${tls.local.caPath}\n`
            : `  tls: ${tls.material.certPath} (valid until ${tls.material.validTo.toISOString()}; SIGHUP reloads it)\n`;
      ctx.stderr.write(
        `depwarden serve: listening on ${mainUrl} (${plan.host}:${mainPort})\n  user content: ${usercontentOrigin} (${plan.usercontentHost}:${usercontentPort})\n${redirectLine}${tlsLine}  data: ${store.kind === 'fs' ? join(dataDir, 'store') : `s3 bucket ${String(s['s3-bucket'])}`}\n  cache: ${join(dataDir, 'cache')}\n${resumed + dropped > 0 ? `  resumed ${resumed} interrupted analyses${dropped > 0 ? ` (${dropped} unreadable journal entries dropped)` : ''}\n` : ''}`,
      );
      await new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          done();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    } finally {
      await stopAll();
    }
    return 0;
  },
};
