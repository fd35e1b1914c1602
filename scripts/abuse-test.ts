/**
 * Load and abuse test for a running report service, loopback only, bounded in requests and
 * time (docs/limits.md):
 *
 *   node --import tsx scripts/abuse-test.ts --target https://127.0.0.1:8787 \
 *     [--ca <data-dir>/tls/ca.pem] [--seconds 120]
 *
 * The attacker (the default source address, 127.0.0.1) floods report creation and gets of
 * random ids, sends oversized bodies, slow bodies and slowloris headers, and opens a burst
 * of connections. Meanwhile a legitimate client on another loopback address (127.0.0.2,
 * which Linux routes without setup) reads reports it created before the flood. Fails
 * (exit 1) unless: floods end in 429s, oversized bodies in 413s (or, over TLS, a hang-up
 * whose reset overtook the 413), slow connections are
 * closed by the server in time, the connection burst is capped, every legitimate request
 * succeeds within the latency bound, /healthz still answers, and the reports created
 * before the flood read back byte-identical.
 *
 * The limits it meets must be the server's: the legitimate client needs a read budget for
 * one request every 400 ms and a create budget for its few reports plus one; the burst must
 * stay below the server's --max-connections. The test in test/abuse.test.ts runs it
 * in-process against buildApp with small limits.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect, isIP, isIPv4, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon, { type AutocannonResult } from 'autocannon';

export interface AbuseOptions {
  /** http(s)://<loopback>:<port>; anything not on loopback is refused. */
  target: string;
  /** PEM of the CA to trust for an https target (the legitimate client checks it). */
  ca?: string | Buffer;
  /** Hard time budget for the whole run, in seconds (default 120, at most 600). */
  seconds?: number;
  /** The legitimate client's source address (default 127.0.0.2). */
  legitAddress?: string;
  /** Reports the legitimate client creates before the flood (default 3). */
  legitReports?: number;
  /** Milliseconds between legitimate requests (default 200). */
  legitIntervalMs?: number;
  /** Requests in each flood (default 1000, at most 100000). */
  floodRequests?: number;
  /** Connections each flood uses (default 8). */
  floodConnections?: number;
  /** Connections opened at once to meet the per-address cap (default 200, at most 2000). */
  burstConnections?: number;
  /** Slowloris connections (default 4). */
  slowConnections?: number;
  /** A slow connection must be closed by the server within this (default 75000 ms). */
  closeWithinMs?: number;
  /** Bound on the legitimate requests' p99 latency (default 2000 ms). */
  maxLatencyMs?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface FloodStats {
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  p99Ms: number;
}

export interface AbuseSummary {
  ok: boolean;
  failures: string[];
  createFlood: FloodStats;
  readFlood: FloodStats;
  /** Status of each oversized request (refresh with Content-Length, submit declaring 1 GiB, chunked); -1: the server hung up without answering. */
  oversized: number[];
  /** Milliseconds from the first byte to the server closing each slow connection (-1: not closed). */
  slowloris: number[];
  slowBody: number[];
  burst: { opened: number; answered: number; dropped: number };
  legit: { requests: number; failed: number; p50Ms: number; p99Ms: number; maxMs: number };
  reportsIntact: number;
  elapsedMs: number;
}

interface Target {
  secure: boolean;
  /** The address to connect to (localhost is pinned to 127.0.0.1). */
  host: string;
  port: number;
  /** TLS server name, when the target names a host rather than an address. */
  servername: string | undefined;
  url: string;
}

/** Parses and checks the target: loopback only. */
export function loopbackTarget(raw: string): Target {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`--target is not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error('--target must be an http:// or https:// URL');
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const host = hostname === 'localhost' ? '127.0.0.1' : isIPv4(hostname) ? hostname : undefined;
  if (host === undefined || !host.startsWith('127.')) {
    if (hostname === '::1')
      throw new Error(
        'IPv6 loopback has one address, so the legitimate client cannot have its own; use 127.0.0.1',
      );
    throw new Error(
      `refusing ${JSON.stringify(hostname)}: the abuse test runs against loopback only`,
    );
  }
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const secure = url.protocol === 'https:';
  return {
    secure,
    host,
    port,
    servername: secure && isIP(hostname) === 0 ? hostname : undefined,
    url: `${url.protocol}//${host}:${port}`,
  };
}

const delay = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

function bound(
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
  name: string,
) {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < min || v > max)
    throw new Error(`${name} must be from ${min} to ${max}`);
  return Math.floor(v);
}

function snapshotBody(name: string): string {
  const manifest = JSON.stringify({ name, version: '1.0.0', private: true });
  return JSON.stringify({
    files: [{ path: 'package.json', content: Buffer.from(manifest).toString('base64') }],
  });
}

export async function runAbuseTest(options: AbuseOptions): Promise<AbuseSummary> {
  const target = loopbackTarget(options.target);
  const seconds = bound(options.seconds, 120, 5, 600, 'seconds');
  const legitAddress = options.legitAddress ?? '127.0.0.2';
  if (!isIPv4(legitAddress) || !legitAddress.startsWith('127.') || legitAddress === '127.0.0.1')
    throw new Error('the legitimate client needs a loopback address other than 127.0.0.1');
  const legitReports = bound(options.legitReports, 3, 1, 20, 'legitReports');
  const legitIntervalMs = bound(options.legitIntervalMs, 200, 20, 10_000, 'legitIntervalMs');
  const floodRequests = bound(options.floodRequests, 1000, 1, 100_000, 'floodRequests');
  const floodConnections = bound(options.floodConnections, 8, 1, 100, 'floodConnections');
  const burstConnections = bound(options.burstConnections, 200, 2, 2000, 'burstConnections');
  const slowConnections = bound(options.slowConnections, 4, 1, 50, 'slowConnections');
  const closeWithinMs = bound(
    options.closeWithinMs,
    Math.min(75_000, Math.floor(seconds * 800)),
    100,
    seconds * 1000,
    'closeWithinMs (--close-within)',
  );
  const maxLatencyMs = bound(options.maxLatencyMs, 2000, 1, 60_000, 'maxLatencyMs');
  const log = options.log ?? (() => {});
  const started = Date.now();
  const deadline = started + seconds * 1000;
  const left = () => Math.max(0, deadline - Date.now());
  const failures: string[] = [];
  const fail = (message: string) => {
    // Bounded: a server that went down would otherwise add one line per legitimate request.
    if (failures.length < 50) failures.push(message);
    else if (failures.length === 50) failures.push('(more failures left out)');
    log(`FAIL ${message}`);
  };
  const runId = randomBytes(4).toString('hex');

  // ---- the legitimate client: its own address, a fresh connection per request ----------
  const legit = (
    method: string,
    path: string,
    body?: string,
  ): Promise<{ status: number; body: Buffer; ms: number; retryAfter?: string }> =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      const req = (target.secure ? httpsRequest : httpRequest)(
        {
          host: target.host,
          port: target.port,
          method,
          path,
          localAddress: legitAddress,
          agent: false,
          timeout: Math.max(maxLatencyMs * 5, 5000),
          ...(target.secure
            ? {
                ...(options.ca === undefined ? {} : { ca: options.ca }),
                ...(target.servername === undefined ? {} : { servername: target.servername }),
              }
            : {}),
          headers:
            body === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks),
              ms: performance.now() - t0,
              ...(typeof res.headers['retry-after'] === 'string'
                ? { retryAfter: res.headers['retry-after'] }
                : {}),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in time`)));
      req.on('error', reject);
      req.end(body);
    });

  const health = await legit('GET', '/healthz').catch((err: Error) => err);
  if (health instanceof Error || health.status !== 200)
    throw new Error(
      `the server does not answer /healthz from ${legitAddress}: ${health instanceof Error ? health.message : health.status}`,
    );

  // ---- reports created before the flood ----------------------------------------------
  log(`creating ${legitReports} reports from ${legitAddress}`);
  const seeded: { path: string; body: Buffer }[] = [];
  const toDelete: { path: string; token: string }[] = [];
  for (let i = 0; i < legitReports; i++) {
    const created = await legit(
      'POST',
      '/api/v1/reports',
      snapshotBody(`abuse-legit-${runId}-${i}`),
    );
    if (created.status !== 202 && created.status !== 201)
      throw new Error(
        `creating a report answered ${created.status}: ${created.body.toString().slice(0, 200)}`,
      );
    const info = JSON.parse(created.body.toString()) as { url: string; deleteToken?: string };
    let read = await legit('GET', info.url);
    while (
      read.status === 200 &&
      /"status":"(queued|running)"/.test(read.body.toString().slice(0, 200))
    ) {
      if (left() < 1000) throw new Error('reports created before the flood did not finish in time');
      await delay(100);
      read = await legit('GET', info.url);
    }
    if (read.status !== 200) throw new Error(`reading a new report answered ${read.status}`);
    seeded.push({ path: info.url, body: read.body });
    if (info.deleteToken !== undefined) toDelete.push({ path: info.url, token: info.deleteToken });
  }

  // ---- legitimate traffic during the whole attack -------------------------------------
  const latencies: number[] = [];
  let legitFailed = 0;
  let legitAttempts = 0;
  let legitRunning = true;
  const legitLoop = (async () => {
    for (let n = 0; legitRunning && left() > 0; n++) {
      const report = seeded[n % seeded.length]!;
      const path = n % 2 === 0 ? report.path : '/healthz';
      legitAttempts++;
      try {
        const res = await legit('GET', path);
        latencies.push(res.ms);
        if (res.status !== 200) {
          legitFailed++;
          fail(`legitimate GET ${path === '/healthz' ? path : 'report'} answered ${res.status}`);
        } else if (path !== '/healthz' && !res.body.equals(report.body)) {
          legitFailed++;
          fail('a report read during the flood differs from before it');
        }
      } catch (err) {
        legitFailed++;
        fail(`legitimate request failed: ${(err as Error).message}`);
      }
      await delay(legitIntervalMs);
    }
  })();

  // ---- raw connections from the attacker's address -----------------------------------
  const open = (): Promise<Socket> =>
    new Promise((resolve) => {
      const socket = target.secure
        ? tlsConnect({
            host: target.host,
            port: target.port,
            rejectUnauthorized: false,
            ...(target.servername === undefined ? {} : { servername: target.servername }),
          })
        : netConnect({ host: target.host, port: target.port });
      socket.on('error', () => {});
      socket.once(target.secure ? 'secureConnect' : 'connect', () => resolve(socket));
      socket.once('close', () => resolve(socket));
    });
  const closedWithin = (socket: Socket, t0: number, limitMs: number): Promise<number> =>
    new Promise((resolve) => {
      if (socket.destroyed) return resolve(Date.now() - t0);
      const timer = setTimeout(() => resolve(-1), Math.min(limitMs, left()));
      socket.once('close', () => {
        clearTimeout(timer);
        resolve(Date.now() - t0);
      });
    });
  /** Writes `head` (and `body`), resolves to the answer's status (0: closed without one). */
  const exchange = (head: string, body?: Buffer | (() => Buffer | undefined)): Promise<number> =>
    open().then(
      (socket) =>
        new Promise<number>((resolve) => {
          let text = '';
          const timer = setTimeout(() => finish(0), Math.min(10_000, left()));
          function finish(status: number) {
            clearTimeout(timer);
            socket.destroy();
            resolve(status);
          }
          socket.on('data', (chunk: Buffer) => {
            text += chunk.toString('latin1');
            const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
            if (m !== null) finish(Number(m[1]));
          });
          // Closed by the server with no answer (-1): a refusal too. Over TLS the reset that
          // follows a 413 sent mid-upload can overtake the 413 itself. The timer (0) is a fail.
          socket.once('close', () => finish(-1));
          socket.on('error', () => undefined);
          socket.write(head);
          if (Buffer.isBuffer(body)) socket.write(body);
          else if (typeof body === 'function') {
            const pump = () => {
              for (;;) {
                const chunk = body();
                if (chunk === undefined || socket.destroyed) return;
                if (!socket.write(chunk)) return void socket.once('drain', pump);
              }
            };
            pump();
          }
        }),
    );

  // Slow attacks run in the background while the floods go on.
  const dripMs = Math.max(50, Math.min(1000, Math.floor(closeWithinMs / 10)));
  const slow = (async () => {
    const sockets = await Promise.all(Array.from({ length: slowConnections + 1 }, () => open()));
    const t0 = Date.now();
    const [bodySocket, ...lorisSockets] = sockets as [Socket, ...Socket[]];
    for (const s of lorisSockets) s.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
    bodySocket.write(
      'POST /api/v1/reports HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{',
    );
    const drip = setInterval(() => {
      for (const s of lorisSockets) if (!s.destroyed) s.write(`X-Slow-${Date.now()}: 1\r\n`);
      if (!bodySocket.destroyed) bodySocket.write(' ');
    }, dripMs);
    try {
      const closed = await Promise.all(sockets.map((s) => closedWithin(s, t0, closeWithinMs)));
      return { slowBody: closed.slice(0, 1), slowloris: closed.slice(1) };
    } finally {
      clearInterval(drip);
      for (const s of sockets) s.destroy();
    }
  })();

  // ---- oversized bodies -----------------------------------------------------------------
  log('oversized bodies');
  const randomId = () => randomBytes(32).toString('hex');
  const megabyte = Buffer.from(JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }));
  let chunks = 0;
  const oversized = [
    await exchange(
      `POST /api/v1/reports/${randomId()}/refresh HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${megabyte.length}\r\n\r\n`,
      megabyte,
    ),
    await exchange(
      `POST /api/v1/reports HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${1024 ** 3}\r\n\r\n`,
      Buffer.alloc(64 * 1024, 0x20),
    ),
    await exchange(
      `DELETE /api/v1/reports/${randomId()} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
      // 2 MiB in 64 KiB chunks, then the end: bounded even if the server reads it all.
      () => {
        if (chunks > 32) return undefined;
        chunks++;
        if (chunks === 33) return Buffer.from('0\r\n\r\n');
        return Buffer.concat([
          Buffer.from('10000\r\n'),
          Buffer.alloc(0x10000, 0x20),
          Buffer.from('\r\n'),
        ]);
      },
    ),
  ];
  for (const [i, status] of oversized.entries())
    if (status !== 413 && status !== -1)
      fail(`oversized request ${i + 1} answered ${status || 'nothing'}, not 413 or a hang-up`);

  // ---- floods -------------------------------------------------------------------------
  const flood = async (
    name: string,
    request: Parameters<typeof autocannon>[0]['requests'],
  ): Promise<FloodStats> => {
    log(`${name}: ${floodRequests} requests on ${floodConnections} connections`);
    const instance = autocannon({
      url: target.url,
      connections: floodConnections,
      amount: floodRequests,
      timeout: Math.max(1, Math.ceil(maxLatencyMs / 1000) * 5),
      requests: request,
      ...(target.servername === undefined ? {} : { servername: target.servername }),
    });
    const stop = setTimeout(() => instance.stop(), Math.max(1, left() - 1000));
    let result: AutocannonResult;
    try {
      result = await instance;
    } finally {
      clearTimeout(stop);
    }
    const statuses: Record<string, number> = Object.create(null) as Record<string, number>;
    for (const [code, { count }] of Object.entries(result.statusCodeStats)) statuses[code] = count;
    return {
      statuses,
      errors: result.errors,
      timeouts: result.timeouts,
      p99Ms: result.latency.p99,
    };
  };

  let floodN = 0;
  const createFlood = await flood('create flood', [
    {
      method: 'POST',
      path: '/api/v1/reports',
      headers: { 'content-type': 'application/json' },
      setupRequest: (req) => ({ ...req, body: snapshotBody(`abuse-flood-${runId}-${floodN++}`) }),
    },
  ]);
  const created = (createFlood.statuses['201'] ?? 0) + (createFlood.statuses['202'] ?? 0);
  if (created === 0) fail('the create flood never got a 201 or 202 (the limit should allow some)');
  if ((createFlood.statuses['429'] ?? 0) === 0) fail('the create flood never got a 429');
  for (const code of Object.keys(createFlood.statuses))
    if (!['201', '202', '429', '503'].includes(code))
      fail(`the create flood got ${createFlood.statuses[code]} answers ${code}`);
  if (createFlood.timeouts > 0) fail(`the create flood had ${createFlood.timeouts} timeouts`);

  const readFlood = await flood('read flood', [
    { method: 'GET', setupRequest: (req) => ({ ...req, path: `/api/v1/reports/${randomId()}` }) },
  ]);
  if ((readFlood.statuses['404'] ?? 0) === 0) fail('the read flood never got a 404');
  if ((readFlood.statuses['429'] ?? 0) === 0) fail('the read flood never got a 429');
  for (const code of Object.keys(readFlood.statuses))
    if (code !== '404' && code !== '429')
      fail(`the read flood got ${readFlood.statuses[code]} answers ${code}`);
  if (readFlood.timeouts > 0) fail(`the read flood had ${readFlood.timeouts} timeouts`);

  log('waiting for the server to close the slow connections');
  const { slowloris, slowBody } = await slow;
  for (const ms of [...slowloris, ...slowBody])
    if (ms < 0) fail(`a slow connection was still open after ${closeWithinMs} ms`);

  // ---- connection burst -----------------------------------------------------------------
  log(`burst of ${burstConnections} connections`);
  const burstSockets = await Promise.all(Array.from({ length: burstConnections }, () => open()));
  const answers = await Promise.all(
    burstSockets.map(
      (socket) =>
        new Promise<boolean>((resolve) => {
          if (socket.destroyed) return resolve(false);
          const timer = setTimeout(() => resolve(false), Math.min(5000, left()));
          socket.on('data', (chunk: Buffer) => {
            if (chunk.toString('latin1').startsWith('HTTP/1.1 ')) {
              clearTimeout(timer);
              resolve(true);
            }
          });
          socket.once('close', () => {
            clearTimeout(timer);
            resolve(false);
          });
          socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
        }),
    ),
  );
  // Held until every socket has its answer or is gone, so they were all open at once.
  for (const s of burstSockets) s.destroy();
  const answered = answers.filter(Boolean).length;
  const burst = { opened: burstConnections, answered, dropped: burstConnections - answered };
  if (burst.dropped === 0) fail(`all ${burstConnections} connections from one address were served`);
  if (burst.answered === 0) fail('no connection of the burst was served');

  // ---- after the attack -------------------------------------------------------------------
  legitRunning = false;
  await legitLoop;
  const after = await legit('GET', '/healthz').catch((err: Error) => err);
  if (after instanceof Error || after.status !== 200)
    fail(`/healthz after the attack: ${after instanceof Error ? after.message : after.status}`);
  let reportsIntact = 0;
  for (const report of seeded) {
    const res = await legit('GET', report.path).catch((err: Error) => err);
    if (res instanceof Error) fail(`reading a report after the attack: ${res.message}`);
    else if (res.status !== 200 || !res.body.equals(report.body))
      fail(
        `a report created before the attack reads back ${res.status === 200 ? 'different' : res.status}`,
      );
    else reportsIntact++;
  }
  let fresh = await legit('POST', '/api/v1/reports', snapshotBody(`abuse-legit-${runId}-after`));
  for (let tries = 0; fresh.status === 503 && tries < 5 && left() > 2000; tries++) {
    await delay(Math.min(Number(fresh.retryAfter ?? 1) * 1000, left() - 1000));
    fresh = await legit('POST', '/api/v1/reports', snapshotBody(`abuse-legit-${runId}-after`));
  }
  if (fresh.status !== 202 && fresh.status !== 201)
    fail(`a legitimate create after the attack answered ${fresh.status}`);
  else {
    const info = JSON.parse(fresh.body.toString()) as { url: string; deleteToken?: string };
    if (info.deleteToken !== undefined) toDelete.push({ path: info.url, token: info.deleteToken });
  }
  // Leave the server as it was: delete what this run created (best effort).
  for (const report of toDelete)
    await new Promise<void>((resolve) => {
      const req = (target.secure ? httpsRequest : httpRequest)(
        {
          host: target.host,
          port: target.port,
          method: 'DELETE',
          path: report.path,
          localAddress: legitAddress,
          agent: false,
          headers: { authorization: `Bearer ${report.token}` },
          ...(target.secure
            ? {
                ...(options.ca === undefined ? {} : { ca: options.ca }),
                ...(target.servername === undefined ? {} : { servername: target.servername }),
              }
            : {}),
        },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', () => resolve());
      req.end();
    });

  const sorted = [...latencies].sort((a, b) => a - b);
  const legitStats = {
    requests: legitAttempts,
    failed: legitFailed,
    p50Ms: Math.round(percentile(sorted, 0.5)),
    p99Ms: Math.round(percentile(sorted, 0.99)),
    maxMs: Math.round(sorted.at(-1) ?? 0),
  };
  if (latencies.length === 0) fail('no legitimate request was answered during the attack');
  if (legitStats.p99Ms > maxLatencyMs)
    fail(`legitimate p99 latency ${legitStats.p99Ms} ms is over ${maxLatencyMs} ms`);
  if (Date.now() > deadline) fail(`the run took longer than ${seconds} s`);

  return {
    ok: failures.length === 0,
    failures,
    createFlood,
    readFlood,
    oversized,
    slowloris,
    slowBody,
    burst,
    legit: legitStats,
    reportsIntact,
    elapsedMs: Date.now() - started,
  };
}

/** The summary as printed by the command. */
export function formatSummary(s: AbuseSummary): string {
  const codes = (f: FloodStats) =>
    Object.entries(f.statuses)
      .map(([code, n]) => `${code}×${n}`)
      .join(' ');
  return [
    `create flood   ${codes(s.createFlood)}  errors ${s.createFlood.errors}  p99 ${s.createFlood.p99Ms} ms`,
    `read flood     ${codes(s.readFlood)}  errors ${s.readFlood.errors}  p99 ${s.readFlood.p99Ms} ms`,
    `oversized      ${s.oversized.map((x) => (x === -1 ? 'hung up' : String(x))).join(' ')}`,
    `slowloris      closed after ${s.slowloris.map((ms) => (ms < 0 ? 'never' : `${ms} ms`)).join(', ')}`,
    `slow body      closed after ${s.slowBody.map((ms) => (ms < 0 ? 'never' : `${ms} ms`)).join(', ')}`,
    `burst          ${s.burst.answered} of ${s.burst.opened} served, ${s.burst.dropped} dropped`,
    `legitimate     ${s.legit.requests} requests, ${s.legit.failed} failed, p50 ${s.legit.p50Ms} ms, p99 ${s.legit.p99Ms} ms, max ${s.legit.maxMs} ms`,
    `reports intact ${s.reportsIntact}`,
    `elapsed        ${(s.elapsedMs / 1000).toFixed(1)} s`,
    s.ok ? 'PASS' : `FAIL\n${s.failures.map((f) => `  - ${f}`).join('\n')}`,
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      target: { type: 'string' },
      ca: { type: 'string' },
      seconds: { type: 'string' },
      'legit-from': { type: 'string' },
      requests: { type: 'string' },
      connections: { type: 'string' },
      burst: { type: 'string' },
      slow: { type: 'string' },
      'close-within': { type: 'string' },
      'max-latency': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true || values.target === undefined) {
    process.stderr.write(
      'usage: node --import tsx scripts/abuse-test.ts --target http(s)://127.0.0.1:PORT [--ca ca.pem]\n' +
        '  [--seconds 120] [--legit-from 127.0.0.2] [--requests 1000] [--connections 8]\n' +
        '  [--burst 200] [--slow 4] [--close-within 75000] [--max-latency 2000]\n',
    );
    return values.help === true ? 0 : 3;
  }
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const summary = await runAbuseTest({
    target: values.target,
    ...(values.ca === undefined ? {} : { ca: readFileSync(values.ca) }),
    ...(values.seconds === undefined ? {} : { seconds: num(values.seconds)! }),
    ...(values['legit-from'] === undefined ? {} : { legitAddress: values['legit-from'] }),
    ...(values.requests === undefined ? {} : { floodRequests: num(values.requests)! }),
    ...(values.connections === undefined ? {} : { floodConnections: num(values.connections)! }),
    ...(values.burst === undefined ? {} : { burstConnections: num(values.burst)! }),
    ...(values.slow === undefined ? {} : { slowConnections: num(values.slow)! }),
    ...(values['close-within'] === undefined
      ? {}
      : { closeWithinMs: num(values['close-within'])! }),
    ...(values['max-latency'] === undefined ? {} : { maxLatencyMs: num(values['max-latency'])! }),
    log: (line) => process.stderr.write(`abuse-test: ${line}\n`),
  });
  process.stdout.write(`${formatSummary(summary)}\n`);
  return summary.ok ? 0 : 1;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1])
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`abuse-test: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
