// Rate limits, body limits and socket hardening, through the real app (buildApp over the
// filesystem store, a synthetic analysis) on loopback: exact budgets under concurrent load
// (autocannon), the 429's headers and body, X-Forwarded-For trusted only from configured
// proxies, a custom limiter store, the per-address and global connection caps, and the
// header and request timeouts against slowloris and slow bodies.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import autocannon from 'autocannon';
import { syntheticReport } from '../report/testing.js';
import { FsBlobStore } from '../store/index.js';
import { buildApp } from './app.js';
import {
  DEFAULT_LIMITS,
  MemoryRateLimitStore,
  hardenServer,
  isTrustedProxyEntry,
  limitSettings,
  routeClassOf,
  type LimitSettings,
  type RateLimitStore,
} from './limits.js';
import { ReportService } from './service.js';

const RANDOM_ID = () =>
  Array.from({ length: 64 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');

function snapshotBody(name: string, padding = 0): string {
  const manifest = JSON.stringify({ name, version: '1.0.0', description: 'x'.repeat(padding) });
  return JSON.stringify({
    files: [{ path: 'package.json', content: Buffer.from(manifest).toString('base64') }],
  });
}

const rates = (over: Partial<LimitSettings['rates']>): LimitSettings['rates'] => ({
  ...DEFAULT_LIMITS.rates,
  ...over,
});

describe('rate limits, body limits and socket hardening', () => {
  let dir: string;
  let store: FsBlobStore;
  let service: ReportService;
  const apps: { close(): Promise<unknown> }[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dw-limits-'));
    store = await FsBlobStore.open(dir);
    service = new ReportService({
      store,
      adminTokenHashes: [],
      concurrency: 1,
      queueLimit: 50,
      run: async (snapshot) => {
        const report = syntheticReport(1);
        report.snapshot.id = snapshot.id;
        return report;
      },
    });
  });
  after(async () => {
    for (const app of apps) await app.close();
    await service.drained();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  function app(
    limits: Partial<LimitSettings>,
    extra: { trustProxy?: string[]; rateLimitStore?: RateLimitStore } = {},
  ) {
    const a = buildApp({ service, limits: limitSettings(limits), ...extra });
    apps.push(a);
    return a;
  }

  async function listen(limits: Partial<LimitSettings>): Promise<{ url: string; port: number }> {
    const a = app(limits);
    hardenServer(a.server, limitSettings(limits));
    const url = await a.listen({ host: '127.0.0.1', port: 0 });
    return { url, port: Number(new URL(url).port) };
  }

  it('answers exactly `max` requests per window, then 429, under concurrent load', async () => {
    const { url } = await listen({ rates: rates({ read: { max: 25, windowMs: 60_000 } }) });
    const result = await autocannon({
      url: `${url}/api/v1/reports/${RANDOM_ID()}`,
      connections: 10,
      amount: 100,
    });
    assert.equal(result.statusCodeStats['404']?.count, 25);
    assert.equal(result.statusCodeStats['429']?.count, 75);
    assert.equal(result.errors, 0);
  });

  it('a 429 has Retry-After, the RateLimit headers and the API error shape', async () => {
    const a = app({ rates: rates({ read: { max: 2, windowMs: 30_000 } }) });
    const first = await a.inject({ url: `/api/v1/reports/${RANDOM_ID()}` });
    assert.equal(first.statusCode, 404);
    assert.equal(first.headers['ratelimit-limit'], '2');
    assert.equal(first.headers['ratelimit-remaining'], '1');
    assert.equal(first.headers['ratelimit-policy'], '2;w=30');
    await a.inject({ url: `/api/v1/reports/${RANDOM_ID()}` });
    const limited = await a.inject({ url: `/api/v1/reports/${RANDOM_ID()}` });
    assert.equal(limited.statusCode, 429);
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(retryAfter > 0 && retryAfter <= 30, String(retryAfter));
    assert.equal(limited.headers['ratelimit-limit'], '2');
    assert.equal(limited.headers['ratelimit-remaining'], '0');
    assert.ok(Number(limited.headers['ratelimit-reset']) > 0);
    assert.equal(limited.headers['ratelimit-policy'], '2;w=30');
    assert.match(String(limited.headers['content-type']), /^application\/json/);
    const body = limited.json() as { error: string; code: string };
    assert.equal(body.code, 'RATE_LIMITED');
    assert.match(body.error, /too many requests/);
    // HEAD shares the GET route's budget.
    const head = await a.inject({ method: 'HEAD', url: `/api/v1/reports/${RANDOM_ID()}` });
    assert.equal(head.statusCode, 429);
  });

  it('requests that match no route spend the read budget', async () => {
    const a = app({ rates: rates({ read: { max: 2, windowMs: 60_000 } }) });
    assert.equal((await a.inject({ url: '/no/such/path' })).statusCode, 404);
    assert.equal((await a.inject({ url: `/api/v1/reports/${RANDOM_ID()}` })).statusCode, 404);
    const limited = await a.inject({ url: '/wp-admin/' });
    assert.equal(limited.statusCode, 429);
    assert.equal((limited.json() as { code: string }).code, 'RATE_LIMITED');
  });

  it('limits creation before the body is read, with a budget of its own', async () => {
    const a = app({
      rates: rates({ create: { max: 1, windowMs: 60_000 }, read: { max: 5, windowMs: 60_000 } }),
    });
    let parsed = 0;
    a.addHook('preParsing', async () => {
      parsed++;
    });
    const created = await a.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { 'content-type': 'application/json' },
      payload: snapshotBody('limits-create'),
    });
    assert.equal(created.statusCode, 202, created.body);
    // Not JSON at all: a 429 and not a 400 proves the body was never parsed.
    const limited = await a.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    assert.equal(limited.statusCode, 429);
    assert.equal(parsed, 1);
    const read = await a.inject({ url: `/api/v1/reports/${RANDOM_ID()}` });
    assert.equal(read.statusCode, 404);
    // The health class has its own (loose) budget.
    assert.equal((await a.inject({ url: '/healthz' })).statusCode, 200);
  });

  it('deletion and refresh have their own strict budgets; `false` exempts a class', async () => {
    const a = app({
      rates: rates({
        delete: { max: 1, windowMs: 60_000 },
        refresh: { max: 1, windowMs: 60_000 },
        health: false,
      }),
    });
    const url = `/api/v1/reports/${RANDOM_ID()}`;
    assert.equal((await a.inject({ method: 'DELETE', url })).statusCode, 404);
    assert.equal((await a.inject({ method: 'DELETE', url })).statusCode, 429);
    assert.equal((await a.inject({ method: 'POST', url: `${url}/refresh` })).statusCode, 404);
    assert.equal((await a.inject({ method: 'POST', url: `${url}/refresh` })).statusCode, 429);
    for (let i = 0; i < 5; i++) {
      const health = await a.inject({ url: '/healthz' });
      assert.equal(health.statusCode, 200);
      assert.equal(health.headers['ratelimit-limit'], undefined);
    }
  });

  it('believes X-Forwarded-For only from trusted proxies', async () => {
    const limits = { rates: rates({ read: { max: 2, windowMs: 60_000 } }) };
    const get = (a: ReturnType<typeof app>, forwarded: string) =>
      a.inject({
        url: `/api/v1/reports/${RANDOM_ID()}`,
        remoteAddress: '127.0.0.1',
        headers: { 'x-forwarded-for': forwarded },
      });

    // The peer is not a trusted proxy: every header value is the same client, 127.0.0.1.
    const untrusted = app(limits, { trustProxy: ['10.9.9.9'] });
    assert.equal((await get(untrusted, '198.51.100.1')).statusCode, 404);
    assert.equal((await get(untrusted, '198.51.100.2')).statusCode, 404);
    assert.equal((await get(untrusted, '198.51.100.3')).statusCode, 429);

    // The peer is the proxy: each forwarded client has its own budget.
    const trusted = app(limits, { trustProxy: ['127.0.0.1'] });
    for (let i = 1; i <= 4; i++)
      assert.equal((await get(trusted, `198.51.100.${i}`)).statusCode, 404);
    assert.equal((await get(trusted, '198.51.100.1')).statusCode, 404);
    assert.equal((await get(trusted, '198.51.100.1')).statusCode, 429);
    // Addresses a client forges in front of the proxy's own entry change nothing: the key is
    // the right-most untrusted address, the one the proxy saw.
    assert.equal((await get(trusted, '203.0.113.9, 198.51.100.2')).statusCode, 404);
    assert.equal((await get(trusted, '203.0.113.10, 198.51.100.2')).statusCode, 429);
    // IPv6 clients share a budget per /64.
    assert.equal((await get(trusted, '2001:db8:1:2::1')).statusCode, 404);
    assert.equal((await get(trusted, '2001:db8:1:2::ffff')).statusCode, 404);
    assert.equal((await get(trusted, '2001:db8:1:2:aaaa::1')).statusCode, 429);
  });

  it('keeps limiter state in the store it is given', async () => {
    const memory = new MemoryRateLimitStore(100);
    const keys: string[] = [];
    const spy: RateLimitStore = {
      increment: (key, windowMs) => {
        keys.push(key);
        return memory.increment(key, windowMs);
      },
    };
    const a = app(
      { rates: rates({ read: { max: 3, windowMs: 60_000 } }) },
      { rateLimitStore: spy },
    );
    for (let i = 0; i < 4; i++) await a.inject({ url: `/api/v1/reports/${RANDOM_ID()}` });
    await a.inject({ url: '/healthz' });
    assert.deepEqual(keys, [
      'read:127.0.0.1',
      'read:127.0.0.1',
      'read:127.0.0.1',
      'read:127.0.0.1',
      'health:127.0.0.1',
    ]);
    assert.equal(memory.size, 2);

    // The store's answer decides: one that says "far over" makes the very first request a 429.
    const over = app(
      {},
      { rateLimitStore: { increment: () => Promise.resolve({ count: 1e6, resetInMs: 4500 }) } },
    );
    const res = await over.inject({ url: '/healthz' });
    assert.equal(res.statusCode, 429);
    assert.equal(res.headers['retry-after'], '5');
  });

  it('lets requests through when the store fails', async () => {
    const a = app({}, { rateLimitStore: { increment: () => Promise.reject(new Error('down')) } });
    for (let i = 0; i < 3; i++)
      assert.equal((await a.inject({ url: `/api/v1/reports/${RANDOM_ID()}` })).statusCode, 404);
  });

  it('caps request bodies at the small limit on every route but submission', async () => {
    const a = app({ smallBodyLimit: 16 * 1024 });
    const big = JSON.stringify({ pad: 'x'.repeat(20 * 1024) });
    const refresh = await a.inject({
      method: 'POST',
      url: `/api/v1/reports/${RANDOM_ID()}/refresh`,
      headers: { 'content-type': 'application/json' },
      payload: big,
    });
    assert.equal(refresh.statusCode, 413);
    const del = await a.inject({
      method: 'DELETE',
      url: `/api/v1/reports/${RANDOM_ID()}`,
      headers: { 'content-type': 'application/json' },
      payload: big,
    });
    assert.equal(del.statusCode, 413);
    const submit = await a.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { 'content-type': 'application/json' },
      payload: snapshotBody('limits-big', 40 * 1024),
    });
    assert.ok(submit.statusCode === 202 || submit.statusCode === 201, submit.body);
  });

  it('caps concurrent connections per client address, and frees the slot on close', async () => {
    const { port } = await listen({ maxConnectionsPerAddress: 3 });
    const from = (localAddress: string) => openSocket(port, localAddress);
    const sockets = await Promise.all([1, 2, 3, 4, 5].map(() => from('127.0.0.1')));
    await delay(300);
    const dropped = sockets.filter((s) => s.closed);
    assert.equal(dropped.length, 2);
    // Another address is not affected.
    assert.equal(await healthzOver(await from('127.0.0.2')), 200);
    // Closing one frees a slot for the same address.
    sockets.find((s) => !s.closed)!.destroy();
    await delay(100);
    assert.equal(await healthzOver(await from('127.0.0.1')), 200);
    for (const s of sockets) s.destroy();
  });

  it('caps connections overall', async () => {
    const { port } = await listen({ maxConnections: 4 });
    const sockets = await Promise.all(
      [2, 3, 4, 5, 6, 7].map((n) => openSocket(port, `127.0.0.${n}`)),
    );
    await delay(300);
    assert.equal(sockets.filter((s) => s.closed).length, 2);
    for (const s of sockets) s.destroy();
  });

  it('closes a slowloris connection at the headers timeout, and a slow body at the request timeout', async () => {
    const { port } = await listen({ headersTimeoutMs: 400, requestTimeoutMs: 800 });
    const slowloris = await openSocket(port, '127.0.0.1');
    const slowBody = await openSocket(port, '127.0.0.2');
    const started = Date.now();
    slowloris.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
    slowBody.write(
      'POST /api/v1/reports HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
    );
    const drip = setInterval(() => {
      if (!slowloris.closed) slowloris.write(`X-Drip-${Date.now()}: 1\r\n`);
      if (!slowBody.closed) slowBody.write(' ');
    }, 100);
    try {
      const [headersClosedAt, bodyClosedAt] = await Promise.all([
        closedAt(slowloris, 5000),
        closedAt(slowBody, 5000),
      ]);
      // Node checks the timeouts on a timer (set by hardenServer to a quarter of the timeout).
      assert.ok(headersClosedAt - started >= 350, `headers: ${headersClosedAt - started} ms`);
      assert.ok(headersClosedAt - started < 1500, `headers: ${headersClosedAt - started} ms`);
      assert.ok(bodyClosedAt - started >= 750, `body: ${bodyClosedAt - started} ms`);
      assert.ok(bodyClosedAt - started < 2500, `body: ${bodyClosedAt - started} ms`);
    } finally {
      clearInterval(drip);
    }
    // The server still answers.
    assert.equal(await healthzOver(await openSocket(port, '127.0.0.1')), 200);
  });

  it('refuses settings that cannot work, and a server that already listens', async () => {
    const a = app({});
    assert.throws(
      () =>
        hardenServer(a.server, limitSettings({ headersTimeoutMs: 5000, requestTimeoutMs: 1000 })),
      /headersTimeoutMs/,
    );
    assert.throws(
      () => hardenServer(a.server, limitSettings({ maxConnectionsPerAddress: 0 })),
      /maxConnectionsPerAddress/,
    );
    assert.throws(
      () => hardenServer(a.server, limitSettings({ trustProxy: ['not-an-address'] })),
      /not a proxy address/,
    );
    await a.listen({ host: '127.0.0.1', port: 0 });
    assert.throws(() => hardenServer(a.server, limitSettings()), /before the server listens/);
    assert.throws(
      () =>
        buildApp({
          service,
          limits: limitSettings({ rates: rates({ read: { max: 0, windowMs: 1 } }) }),
        }),
      /max must be a positive integer/,
    );
  });
});

describe('limiter pieces', () => {
  it('MemoryRateLimitStore counts in fixed windows and forgets the oldest key when full', async () => {
    const store = new MemoryRateLimitStore(2);
    assert.deepEqual((await store.increment('a', 60)).count, 1);
    assert.deepEqual((await store.increment('a', 60)).count, 2);
    const hit = await store.increment('a', 60);
    assert.equal(hit.count, 3);
    assert.ok(hit.resetInMs > 0 && hit.resetInMs <= 60);
    await delay(80);
    assert.equal((await store.increment('a', 60)).count, 1);
    await store.increment('b', 60_000);
    await store.increment('c', 60_000);
    assert.equal(store.size, 2);
    // 'a' started first, so it went: it starts over.
    assert.equal((await store.increment('a', 60_000)).count, 1);
    assert.equal(store.size, 2);
  });

  it('classifies routes by method and pattern', () => {
    assert.equal(routeClassOf('POST', '/api/v1/reports'), 'create');
    assert.equal(routeClassOf('DELETE', '/api/v1/reports/:id'), 'delete');
    assert.equal(routeClassOf('POST', '/api/v1/reports/:id/refresh'), 'refresh');
    assert.equal(routeClassOf('GET', '/api/v1/reports/:id'), 'read');
    assert.equal(routeClassOf('HEAD', '/r/:id'), 'read');
    assert.equal(routeClassOf(['GET', 'HEAD'], '/assets/*'), 'read');
    assert.equal(routeClassOf('GET', '/healthz'), 'health');
    assert.equal(routeClassOf('GET', '/readyz'), 'health');
    assert.equal(routeClassOf('PUT', '/anything/else'), 'create');
  });

  it('accepts proxy addresses, CIDR ranges and the proxy-addr names only', () => {
    for (const ok of ['10.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'loopback', 'uniquelocal'])
      assert.ok(isTrustedProxyEntry(ok), ok);
    for (const bad of ['', 'localhost', '10.0.0.0/33', '::/129', '10.0.0.1/x', '1.2.3'])
      assert.ok(!isTrustedProxyEntry(bad), bad);
  });
});

const delay = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** A connected socket; `closed` turns true when the server drops it. */
function openSocket(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    socket.on('error', () => {});
    socket.once('connect', () => resolve(socket));
    socket.once('close', () => reject(new Error('closed before connecting')));
  });
}

function closedAt(socket: Socket, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    if (socket.closed) return resolve(Date.now());
    const timer = setTimeout(() => reject(new Error('the server kept the socket open')), timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now());
    });
  });
}

/** Sends GET /healthz on a raw socket and resolves to the status code. */
function healthzOver(socket: Socket): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (m !== null) {
        socket.destroy();
        resolve(Number(m[1]));
      }
    });
    socket.once('close', () => reject(new Error('closed without an answer')));
    socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
  });
}
