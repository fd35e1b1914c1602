// The viewer's routes on the main app through Fastify's inject, over the real filesystem
// store and service: the landing page, a report page (done, pending, failed, unknown,
// malformed), hashed assets with long-lived caching and matching integrity, the not-found
// answers, and the user-content origin option.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DepwardenError } from '../errors/index.js';
import { reportFixture } from '../render/testing.js';
import type { ScanReport } from '../report/types.js';
import { buildApp } from '../server/app.js';
import { ReportService } from '../server/service.js';
import { FsBlobStore } from '../store/index.js';
import { parseUsercontentOrigin, viewerAssets } from './index.js';

const files = (tag: string) => [
  {
    path: 'package.json',
    bytes: Buffer.from(
      JSON.stringify({ name: 'viewer-routes', version: '1.0.0', description: tag }),
    ),
  },
];

describe('viewer routes', () => {
  let dir: string;
  let store: FsBlobStore;
  let service: ReportService;
  let app: ReturnType<typeof buildApp>;
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  let doneId = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dw-viewer-'));
    store = await FsBlobStore.open(dir);
    service = new ReportService({
      store,
      adminTokenHashes: [],
      concurrency: 2,
      queueLimit: 10,
      run: async (snapshot): Promise<ScanReport> => {
        const text = Buffer.from(snapshot.files[0]?.bytes ?? []).toString('utf8');
        if (text.includes('"fail"')) throw new DepwardenError('USAGE', 'the lockfile is broken');
        if (text.includes('"hold"')) await held;
        const report = reportFixture('blocking');
        report.snapshot.id = snapshot.id;
        return report;
      },
    });
    app = buildApp({ service, usercontentOrigin: 'https://127.0.0.1:8788/' });
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

  it('serves the landing page as HTML with status 200', async () => {
    const res = await app.inject({ url: '/' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(res.body, /<h1>depwarden report service<\/h1>/);
    assert.match(
      res.body,
      new RegExp(`integrity="${viewerAssets().js.integrity.replace(/[+/]/g, '\\$&')}"`),
    );
  });

  it('renders a done report, with evidence links to the user-content origin', async () => {
    const res = await app.inject({ url: `/r/${doneId}` });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers['x-robots-tag'], 'noindex, nofollow');
    assert.match(res.body, /<h1 id="verdict-title">BLOCKED: 1 blocking alert<\/h1>/);
    assert.ok(
      res.body.includes(
        `href="https://127.0.0.1:8788/f/${doneId}/evil-helper%401.0.1/scripts/postinstall.js"`,
      ),
    );
  });

  it('answers unknown, malformed and deleted ids with the same 404 page', async () => {
    const unknown = await app.inject({ url: `/r/${'a'.repeat(64)}` });
    const malformed = await app.inject({ url: '/r/not-an-id' });
    const trailing = await app.inject({ url: '/r/' });
    for (const res of [unknown, malformed, trailing]) {
      assert.equal(res.statusCode, 404);
      assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(res.body, unknown.body);
    }
    assert.match(unknown.body, /<h1>Not found<\/h1>/);
  });

  it('shows a self-refreshing page while the analysis runs, and the reason when it failed', async () => {
    const waiting = await service.submit(files('hold'));
    const pending = await app.inject({ url: `/r/${waiting.id}` });
    assert.equal(pending.statusCode, 200);
    assert.match(pending.body, /<meta http-equiv="refresh" content="5">/);
    assert.match(pending.body, /Analysis (queued|running)/);
    release();
    await service.drained();
    const done = await app.inject({ url: `/r/${waiting.id}` });
    assert.doesNotMatch(done.body, /http-equiv="refresh"/);

    const failed = await service.submit(files('fail'));
    await service.drained();
    const res = await app.inject({ url: `/r/${failed.id}` });
    assert.equal(res.statusCode, 200);
    assert.match(
      res.body,
      /<h1 id="verdict-title">Analysis failed<\/h1>\n<p>the lockfile is broken<\/p>/,
    );
  });

  it('serves hashed assets, immutable, with the integrity the pages name', async () => {
    const assets = viewerAssets();
    for (const [ref, type] of [
      [assets.css, 'text/css; charset=utf-8'],
      [assets.js, 'text/javascript; charset=utf-8'],
      [assets.icon, 'image/svg+xml'],
    ] as const) {
      const res = await app.inject({ url: ref.href });
      assert.equal(res.statusCode, 200, ref.href);
      assert.equal(res.headers['content-type'], type);
      assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.equal(
        `sha384-${createHash('sha384').update(res.rawPayload).digest('base64')}`,
        ref.integrity,
      );
    }
    for (const url of [
      '/assets/viewer.css',
      '/assets/viewer.js',
      '/assets/manifest.json',
      '/assets/..%2Fpages.ts',
    ])
      assert.equal((await app.inject({ url })).statusCode, 404, url);
  });

  it('never serves package files on the main origin; unknown paths get 404 (HTML or JSON)', async () => {
    const file = await app.inject({ url: `/f/${doneId}/evil-helper%401.0.1/package.json` });
    assert.equal(file.statusCode, 404);
    assert.match(file.body, /<h1>Not found<\/h1>/);
    const api = await app.inject({ url: '/api/v1/nope?x=1' });
    assert.equal(api.statusCode, 404);
    assert.deepEqual(api.json(), { error: 'not found' });
    const post = await app.inject({ method: 'POST', url: '/r/x' });
    assert.equal(post.statusCode, 404);
    assert.deepEqual(post.json(), { error: 'not found' });
    const robots = await app.inject({ url: '/robots.txt' });
    assert.match(robots.body, /^Disallow: \/r\/$/m);
  });

  it('accepts only a bare origin as the user-content origin', () => {
    assert.equal(parseUsercontentOrigin('https://u.example:8788/'), 'https://u.example:8788');
    assert.equal(parseUsercontentOrigin('http://127.0.0.1:9000'), 'http://127.0.0.1:9000');
    for (const bad of [
      'u.example',
      'ftp://u.example',
      'https://u.example/path',
      'https://user:pw@u.example',
      'https://u.example/?q',
      'javascript:alert(1)',
    ])
      assert.throws(() => parseUsercontentOrigin(bad), /user-content origin/, bad);
    assert.throws(() => buildApp({ service, usercontentOrigin: 'https://u.example/x' }));
  });
});
