// The main origin's security headers on every kind of response: HTML pages, assets, API
// JSON, 404s (HTML and JSON), 400, 401, 413, 429, 500 and 503, HEAD, and answers written
// straight to the raw response (which only the request-level layer can reach), each header
// exactly once, with no cookie and no software banner.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { reportFixture } from '../render/testing.js';
import type { ScanReport } from '../report/types.js';
import { FsBlobStore } from '../store/index.js';
import { viewerAssets } from '../viewer/index.js';
import { buildApp } from './app.js';
import {
  BANNER_HEADERS,
  MAIN_CSP,
  MAIN_SECURITY_HEADERS,
  PERMISSIONS_POLICY,
  PERMISSIONS_POLICY_FEATURES,
} from './headers.js';
import { limitSettings } from './limits.js';
import { ReportService } from './service.js';

const files = (tag: string) => [
  {
    path: 'package.json',
    bytes: Buffer.from(JSON.stringify({ name: 'hdr', version: '1.0.0', description: tag })),
  },
];
const body = (tag: string) => ({
  files: files(tag).map((f) => ({ path: f.path, content: f.bytes.toString('base64') })),
});

function assertMainHeaders(
  headers: Record<string, string | string[] | number | undefined>,
  what: string,
): void {
  for (const [name, value] of Object.entries(MAIN_SECURITY_HEADERS))
    assert.equal(headers[name], value, `${what}: ${name}`);
  for (const name of [...BANNER_HEADERS, 'set-cookie'])
    assert.equal(headers[name], undefined, `${what}: ${name}`);
}

describe('main origin security headers', () => {
  let dir: string;
  let store: FsBlobStore;
  let service: ReportService;
  let app: ReturnType<typeof buildApp>;
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  let doneId = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dw-headers-'));
    store = await FsBlobStore.open(dir);
    service = new ReportService({
      store,
      adminTokenHashes: [],
      concurrency: 1,
      queueLimit: 1,
      run: async (snapshot): Promise<ScanReport> => {
        if (snapshot.files.some((f) => Buffer.from(f.bytes).includes('"hold"'))) await held;
        const report = reportFixture('blocking');
        report.snapshot.id = snapshot.id;
        return report;
      },
    });
    app = buildApp({ service, bodyLimit: 4096 });
    doneId = (await service.submit(files('done'))).id;
    await service.drained();
  });
  after(async () => {
    release();
    await service.drained();
    await app.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('exports the header values the graders expect', () => {
    assert.match(MAIN_CSP, /^default-src 'none'; script-src 'self'; style-src 'self';/);
    assert.doesNotMatch(MAIN_CSP, /unsafe|data:|\*|http:/);
    for (const directive of [
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
      'upgrade-insecure-requests',
      "require-trusted-types-for 'script'",
      "trusted-types 'none'",
    ])
      assert.ok(MAIN_CSP.split('; ').includes(directive), directive);
    for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb'])
      assert.match(PERMISSIONS_POLICY, new RegExp(`(^|, )${feature}=\\(\\)(,|$)`));
    assert.equal(new Set(PERMISSIONS_POLICY_FEATURES).size, PERMISSIONS_POLICY_FEATURES.length);
    assert.equal(
      MAIN_SECURITY_HEADERS['strict-transport-security'],
      'max-age=63072000; includeSubDomains; preload',
    );
  });

  it('every route and every status carries the full set, each header once', async () => {
    const assets = viewerAssets();
    const pending = await service.submit(files('hold'));
    const cases: { what: string; status: number; res: () => Promise<LightMyRequestResponse> }[] = [
      { what: 'landing', status: 200, res: () => app.inject({ url: '/' }) },
      { what: 'landing HEAD', status: 200, res: () => app.inject({ method: 'HEAD', url: '/' }) },
      { what: 'report page', status: 200, res: () => app.inject({ url: `/r/${doneId}` }) },
      { what: 'pending page', status: 200, res: () => app.inject({ url: `/r/${pending.id}` }) },
      {
        what: 'unknown report',
        status: 404,
        res: () => app.inject({ url: `/r/${'0'.repeat(64)}` }),
      },
      { what: 'malformed id', status: 404, res: () => app.inject({ url: '/r/%3Cscript%3E' }) },
      { what: 'css', status: 200, res: () => app.inject({ url: assets.css.href }) },
      { what: 'js', status: 200, res: () => app.inject({ url: assets.js.href }) },
      { what: 'unknown asset', status: 404, res: () => app.inject({ url: '/assets/x.css' }) },
      { what: 'robots', status: 200, res: () => app.inject({ url: '/robots.txt' }) },
      { what: 'unknown page', status: 404, res: () => app.inject({ url: '/nope' }) },
      { what: 'unknown api', status: 404, res: () => app.inject({ url: '/api/v1/nope' }) },
      { what: 'unknown method', status: 404, res: () => app.inject({ method: 'PUT', url: '/' }) },
      {
        what: 'api report',
        status: 200,
        res: () => app.inject({ url: `/api/v1/reports/${doneId}` }),
      },
      { what: 'healthz', status: 200, res: () => app.inject({ url: '/healthz' }) },
      { what: 'undecodable url', status: 400, res: () => app.inject({ url: '/r/%E0%A4%A' }) },
      {
        what: 'bad body',
        status: 400,
        res: () => app.inject({ method: 'POST', url: '/api/v1/reports', payload: { files: [] } }),
      },
      {
        what: 'too large',
        status: 413,
        res: () =>
          app.inject({
            method: 'POST',
            url: '/api/v1/reports',
            payload: { files: [{ path: 'package.json', content: 'A'.repeat(8192) }] },
          }),
      },
      {
        what: 'delete without token',
        status: 401,
        res: () => app.inject({ method: 'DELETE', url: `/api/v1/reports/${doneId}` }),
      },
      {
        what: 'queue full',
        status: 503,
        res: async () => {
          // One running (held) and one queued fill the queue (limit 1): the next is refused.
          await service.submit(files('queued'));
          return app.inject({ method: 'POST', url: '/api/v1/reports', payload: body('full') });
        },
      },
    ];
    for (const c of cases) {
      const res = await c.res();
      assert.equal(res.statusCode, c.status, `${c.what}: ${res.body.slice(0, 200)}`);
      assertMainHeaders(res.headers, c.what);
      assert.doesNotMatch(res.body, /%E0%A4%A|store down/, `${c.what}: the URL is not echoed`);
    }
    release();
    await service.drained();
  });

  it('internal errors (500) and rate-limited answers (429) carry them too', async () => {
    const broken = Object.create(service) as ReportService;
    broken.status = () => Promise.reject(new Error('store down'));
    const failing = buildApp({ service: broken });
    const limited = buildApp({
      service,
      limits: limitSettings({
        rates: { ...limitSettings().rates, read: { max: 1, windowMs: 60_000 } },
      }),
    });
    try {
      const error = await failing.inject({ url: `/r/${doneId}` });
      assert.equal(error.statusCode, 500);
      assert.doesNotMatch(error.body, /store down/);
      assertMainHeaders(error.headers, '500');
      assert.equal((await limited.inject({ url: '/' })).statusCode, 200);
      const tooMany = await limited.inject({ url: '/' });
      assert.equal(tooMany.statusCode, 429);
      assertMainHeaders(tooMany.headers, '429');
    } finally {
      await failing.close();
      await limited.close();
    }
  });

  it('over a real socket, and on answers written to the raw response without Fastify', async () => {
    const real = buildApp({ service });
    real.get('/raw-probe', (_req, reply) => {
      reply.hijack();
      reply.raw.writeHead(299, { 'content-type': 'text/plain' });
      reply.raw.end('raw');
    });
    await real.listen({ host: '127.0.0.1', port: 0 });
    try {
      const { port } = real.server.address() as { port: number };
      for (const path of ['/', '/raw-probe', '/nope']) {
        const res = await new Promise<{ status: number; raw: string[] }>((resolve, reject) => {
          request({ host: '127.0.0.1', port, path }, (r) => {
            r.resume();
            r.on('end', () => resolve({ status: r.statusCode ?? 0, raw: r.rawHeaders }));
          })
            .on('error', reject)
            .end();
        });
        const names = res.raw.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
        for (const [name, value] of Object.entries(MAIN_SECURITY_HEADERS)) {
          assert.equal(names.filter((n) => n === name).length, 1, `${path}: one ${name}`);
          assert.equal(res.raw[res.raw.findIndex((n) => n.toLowerCase() === name) + 1], value);
        }
        for (const banner of [...BANNER_HEADERS, 'set-cookie'])
          assert.ok(!names.includes(banner), `${path}: ${banner}`);
      }
    } finally {
      await real.close();
    }
  });
});
