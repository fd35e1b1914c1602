// The load and abuse script (scripts/abuse-test.ts) in-process against the real app, hardened
// and rate-limited with small limits and short timeouts, on loopback over plain HTTP: floods
// end in 429s, oversized bodies in 413s, slow connections are closed by the server, the
// connection burst is capped, and the legitimate client on 127.0.0.2 is served throughout
// with its reports intact. A synthetic analysis stands in for the scan.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { syntheticReport } from '../src/report/testing.js';
import { buildApp } from '../src/server/app.js';
import { hardenServer, limitSettings } from '../src/server/limits.js';
import { ReportService } from '../src/server/service.js';
import { FsBlobStore } from '../src/store/index.js';
import { formatSummary, loopbackTarget, runAbuseTest } from '../scripts/abuse-test.js';

const PER_ADDRESS = 24;

describe('abuse resistance, end to end', () => {
  let root: string;
  let store: FsBlobStore;
  let service: ReportService;
  let app: ReturnType<typeof buildApp>;
  let target: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'dw-abuse-'));
    store = await FsBlobStore.open(join(root, 'store'));
    service = new ReportService({
      store,
      adminTokenHashes: [],
      concurrency: 1,
      queueLimit: 20,
      run: async (snapshot) => {
        const report = syntheticReport(2);
        report.snapshot.id = snapshot.id;
        return report;
      },
    });
    const limits = limitSettings({
      rates: {
        create: { max: 5, windowMs: 60_000 },
        delete: { max: 10, windowMs: 60_000 },
        refresh: { max: 5, windowMs: 60_000 },
        read: { max: 200, windowMs: 60_000 },
        health: { max: 1000, windowMs: 60_000 },
      },
      headersTimeoutMs: 1000,
      requestTimeoutMs: 2000,
      keepAliveTimeoutMs: 1000,
      idleTimeoutMs: 5000,
      maxConnections: 500,
      maxConnectionsPerAddress: PER_ADDRESS,
    });
    app = buildApp({ service, limits });
    hardenServer(app.server, limits);
    target = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await app.close();
    await service.drained();
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  it('stays up, serves the legitimate client and keeps every report intact', async (t) => {
    const summary = await runAbuseTest({
      target,
      seconds: 25,
      floodRequests: 400,
      floodConnections: 8,
      burstConnections: 60,
      slowConnections: 3,
      closeWithinMs: 4000,
      maxLatencyMs: 3000,
      legitIntervalMs: 100,
    });
    t.diagnostic(formatSummary(summary));
    assert.ok(summary.ok, formatSummary(summary));
    // What the run saw is what these limits must produce.
    assert.ok((summary.createFlood.statuses['429'] ?? 0) >= 400 - 5);
    assert.ok((summary.readFlood.statuses['429'] ?? 0) >= 400 - 200);
    assert.deepEqual(summary.oversized, [413, 413, 413]);
    for (const ms of [...summary.slowloris, ...summary.slowBody]) assert.ok(ms > 0 && ms < 4000);
    assert.ok(Math.max(...summary.slowloris) < Math.min(...summary.slowBody) + 1000);
    assert.ok(summary.burst.answered <= PER_ADDRESS, JSON.stringify(summary.burst));
    assert.ok(summary.burst.dropped >= 60 - PER_ADDRESS, JSON.stringify(summary.burst));
    assert.equal(summary.legit.failed, 0);
    assert.ok(summary.legit.requests > 5);
    assert.equal(summary.reportsIntact, 3);
    assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
  });

  it('refuses targets off loopback before sending anything', async () => {
    for (const bad of ['https://example.com', 'http://10.0.0.1:80', 'http://[::1]:8787'])
      await assert.rejects(runAbuseTest({ target: bad }), /loopback|IPv6/);
    assert.equal(loopbackTarget('https://localhost:8787').host, '127.0.0.1');
    assert.equal(loopbackTarget('https://localhost:8787').servername, 'localhost');
    assert.equal(loopbackTarget('http://127.0.0.1:1').servername, undefined);
  });
});
