// The report service's HTTP API through Fastify's inject, over the real filesystem store and
// the real cryptography; the scan itself is replaced by a runner that returns a schema-valid
// report for the snapshot it is given (the pipeline has its own end-to-end tests).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { computeSnapshotId } from '../snapshot/encoding.js';
import { syntheticReport, validateReport } from '../report/testing.js';
import type { ScanReport } from '../report/types.js';
import type { Snapshot } from '../snapshot/index.js';
import { FsBlobStore } from '../store/index.js';
import { adminTokenHash } from './crypto/index.js';
import { buildApp } from './app.js';
import { buildMetricsApp } from './metrics.js';
import { ReportService } from './service.js';
import { filesBelow } from '../../test/helpers/files.js';

const MARKER = 'plaintext-marker-left-pad-7f3a';
const ADMIN = 'admin-token-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG';

function filesOf(version: string) {
  const manifest = JSON.stringify({
    name: 'svc-test',
    version: '1.0.0',
    dependencies: { [MARKER]: version },
  });
  return [{ path: 'package.json', bytes: Buffer.from(manifest) }];
}
const body = (files: { path: string; bytes: Uint8Array }[]) => ({
  files: files.map((f) => ({ path: f.path, content: Buffer.from(f.bytes).toString('base64') })),
});

const walk = filesBelow;

describe('report service API', () => {
  let dir: string;
  let store: FsBlobStore;
  let runs = 0;
  let gate: Promise<void> = Promise.resolve();
  let service: ReportService;
  let app: ReturnType<typeof buildApp>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dw-svc-'));
    store = await FsBlobStore.open(dir);
    service = new ReportService({
      store,
      adminTokenHashes: [adminTokenHash(ADMIN)],
      concurrency: 1,
      queueLimit: 2,
      run: async (snapshot: Snapshot): Promise<ScanReport> => {
        runs++;
        await gate;
        const report = syntheticReport(3);
        report.snapshot.id = snapshot.id;
        report.packages[0]!.name = MARKER;
        return report;
      },
    });
    app = buildApp({ service });
  });
  after(async () => {
    await app.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts a snapshot (202, id = SHA-256 of the canonical snapshot), then serves its report', async () => {
    const files = filesOf('^1.0.0');
    const res = await app.inject({ method: 'POST', url: '/api/v1/reports', payload: body(files) });
    assert.equal(res.statusCode, 202, res.body);
    const created = res.json() as { id: string; status: string; url: string; deleteToken: string };
    assert.equal(created.id, computeSnapshotId(files));
    assert.equal(created.url, `/api/v1/reports/${created.id}`);
    assert.match(created.deleteToken, /^[A-Za-z0-9_-]{43}$/);
    await service.drained();
    const got = await app.inject({ method: 'GET', url: created.url });
    assert.equal(got.statusCode, 200);
    const status = got.json() as { status: string; report: ScanReport };
    assert.equal(status.status, 'done');
    assert.deepEqual(validateReport(status.report), []);
    assert.equal(status.report.snapshot.id, created.id);

    // The same snapshot again: the finished report at once, and no second delete token.
    const again = await app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      payload: body(files),
    });
    assert.equal(again.statusCode, 201);
    assert.equal((again.json() as { deleteToken?: string }).deleteToken, undefined);

    // The store holds neither the id nor any plaintext.
    const objects = await walk(dir);
    assert.ok(objects.length >= 3);
    for (const path of objects) {
      const bytes = await readFile(path);
      assert.ok(!path.includes(created.id), `a path names the id: ${path}`);
      assert.ok(!bytes.includes(Buffer.from(created.id)), `${path} holds the id in hex`);
      assert.ok(!bytes.includes(Buffer.from(created.id, 'hex')), `${path} holds the id's bytes`);
      assert.ok(!bytes.includes(Buffer.from(MARKER)), `${path} holds plaintext`);
    }
  });

  it('answers the same 404 for unknown, malformed and deleted ids, and deletes only with a token', async () => {
    const files = filesOf('^2.0.0');
    const created = (
      await app.inject({ method: 'POST', url: '/api/v1/reports', payload: body(files) })
    ).json() as {
      id: string;
      deleteToken: string;
    };
    await service.drained();
    const unknown = await app.inject({ method: 'GET', url: `/api/v1/reports/${'0'.repeat(64)}` });
    const malformed = await app.inject({ method: 'GET', url: '/api/v1/reports/..%2f..%2fetc' });
    assert.equal(unknown.statusCode, 404);
    assert.equal(malformed.statusCode, 404);
    assert.equal(unknown.body, malformed.body);

    const url = `/api/v1/reports/${created.id}`;
    assert.equal((await app.inject({ method: 'DELETE', url })).statusCode, 401);
    assert.equal(
      (await app.inject({ method: 'DELETE', url, headers: { authorization: 'Bearer wrong' } }))
        .statusCode,
      401,
    );
    const before = (await walk(dir)).length;
    const del = await app.inject({
      method: 'DELETE',
      url,
      headers: { authorization: `Bearer ${created.deleteToken}` },
    });
    assert.equal(del.statusCode, 204);
    assert.equal((await walk(dir)).length, before - 3, 'meta, snapshot and report are gone');
    const gone = await app.inject({ method: 'GET', url });
    assert.equal(gone.statusCode, 404);
    assert.equal(gone.body, unknown.body);

    // An admin token deletes any report.
    const other = (
      await app.inject({ method: 'POST', url: '/api/v1/reports', payload: body(filesOf('^3.0.0')) })
    ).json() as { id: string };
    await service.drained();
    const admin = await app.inject({
      method: 'DELETE',
      url: `/api/v1/reports/${other.id}`,
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    assert.equal(admin.statusCode, 204);
  });

  it('concurrent identical uploads create one report with one delete token', async () => {
    const files = filesOf('^4.0.0');
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        app.inject({ method: 'POST', url: '/api/v1/reports', payload: body(files) }),
      ),
    );
    const tokens = answers
      .map((a) => (a.json() as { deleteToken?: string }).deleteToken)
      .filter(Boolean);
    assert.equal(tokens.length, 1);
    await service.drained();
  });

  it('rejects bad input with 4xx and stores nothing', async () => {
    const before = (await walk(dir)).length;
    const cases = [
      { files: [{ path: '../package.json', content: 'e30=' }] },
      { files: [{ path: 'src/index.js', content: 'e30=' }] },
      { files: [{ path: 'package.json', content: 'not base64!' }] },
      { files: [] },
      { files: [{ path: 'package.json', content: 'e30=' }], extra: true },
      { nothing: 1 },
    ];
    for (const payload of cases) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/reports', payload });
      assert.ok(
        res.statusCode >= 400 && res.statusCode < 500,
        `${JSON.stringify(payload)} → ${res.statusCode}`,
      );
      assert.ok(!res.body.includes('    at '), 'no stack trace');
    }
    const multipart = await app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      payload: '--x\r\nbroken',
    });
    assert.ok(multipart.statusCode >= 400 && multipart.statusCode < 500);
    assert.equal((await walk(dir)).length, before);
  });

  it('answers 503 with Retry-After when the queue is full, and loses nothing it accepted', async () => {
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const accepted: string[] = [];
    let refused = 0;
    for (let i = 0; i < 5; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        payload: body(filesOf(`^9.${i}.0`)),
      });
      if (res.statusCode === 202) accepted.push((res.json() as { id: string }).id);
      else {
        assert.equal(res.statusCode, 503);
        assert.equal(res.headers['retry-after'], '30');
        refused++;
      }
    }
    assert.equal(accepted.length, 3, 'one running and two queued');
    assert.equal(refused, 2);
    open();
    await service.drained();
    for (const id of accepted) {
      const res = await app.inject({ method: 'GET', url: `/api/v1/reports/${id}` });
      assert.equal((res.json() as { status: string }).status, 'done');
    }
  });

  it('refresh re-runs the analysis of a stored snapshot', async () => {
    const created = (
      await app.inject({ method: 'POST', url: '/api/v1/reports', payload: body(filesOf('^5.0.0')) })
    ).json() as { id: string };
    await service.drained();
    const before = runs;
    const res = await app.inject({ method: 'POST', url: `/api/v1/reports/${created.id}/refresh` });
    assert.equal(res.statusCode, 202);
    await service.drained();
    assert.equal(runs, before + 1);
    const unknown = await app.inject({
      method: 'POST',
      url: `/api/v1/reports/${'1'.repeat(64)}/refresh`,
    });
    assert.equal(unknown.statusCode, 404);
  });

  it('resumes interrupted analyses after a restart, from a journal that holds no id', async () => {
    const salt = Buffer.alloc(32, 7);
    const journalDir = await mkdtemp(join(tmpdir(), 'dw-svc-journal-'));
    const journalStore = await FsBlobStore.open(journalDir);
    const options = {
      store: journalStore,
      serverSalt: salt,
      adminTokenHashes: [],
      concurrency: 1,
      queueLimit: 5,
    };
    try {
      // The first process "dies" mid-analysis: its runner never returns.
      const stuck = new ReportService({
        ...options,
        run: () => new Promise<ScanReport>(() => undefined),
      });
      const a = await stuck.submit(filesOf('^6.0.0'));
      const b = await stuck.submit(filesOf('^6.1.0'));
      for (const path of await walk(journalDir)) {
        const bytes = await readFile(path);
        assert.ok(!bytes.includes(Buffer.from(a.id)) && !bytes.includes(Buffer.from(b.id)), path);
      }
      const restarted = new ReportService({
        ...options,
        run: async (snapshot) => {
          const report = syntheticReport(1);
          report.snapshot.id = snapshot.id;
          return report;
        },
      });
      assert.deepEqual(await restarted.resume(), { resumed: 2, dropped: 0 });
      await restarted.drained();
      for (const id of [a.id, b.id]) {
        const status = await restarted.status(id);
        assert.ok(status.found && status.status === 'done');
      }
      // Finished analyses leave the journal: the next start has nothing to resume.
      assert.deepEqual(await restarted.resume(), { resumed: 0, dropped: 0 });
    } finally {
      await journalStore.close();
      await rm(journalDir, { recursive: true, force: true });
    }
  });

  it('refuses an oversized body with 413 and stores nothing; readiness and metrics say how busy it is', async () => {
    const small = buildApp({ service, bodyLimit: 1024 });
    try {
      const before = (await walk(dir)).length;
      const big = {
        files: [{ path: 'package.json', content: Buffer.alloc(4096, 1).toString('base64') }],
      };
      const res = await small.inject({ method: 'POST', url: '/api/v1/reports', payload: big });
      assert.equal(res.statusCode, 413);
      assert.equal((await walk(dir)).length, before);
    } finally {
      await small.close();
    }
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    assert.deepEqual(ready.json(), { status: 'ready', running: 0, queued: 0 });
    const metrics = buildMetricsApp(service, app.httpCounts);
    const text = (await metrics.inject({ method: 'GET', url: '/metrics' })).body;
    await metrics.close();
    assert.match(text, /^depwarden_reports_submitted_total [1-9]\d*$/m);
    assert.match(
      text,
      /depwarden_http_responses_total\{method="GET",route="\/api\/v1\/reports\/:id",status="404"\} [1-9]/,
    );
    assert.doesNotMatch(text, /[0-9a-f]{64}/, 'no id or locator in metrics');
  });

  it('has no route that lists reports', async () => {
    for (const url of ['/api/v1/reports', '/api/v1/reports/', '/api/v1']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 404, url);
    }
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  });
});
