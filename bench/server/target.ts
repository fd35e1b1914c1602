/**
 * The server side of `npm run bench:server`: the report service (filesystem store in a temp
 * folder, a runner that returns a fixed report) and, on a second port, a bare Fastify route
 * returning a fixed JSON body of the same size. Prints `{ service, bare, size }` as one JSON
 * line once both listen, then serves until killed.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { syntheticReport } from '../../src/report/testing.js';
import { buildApp } from '../../src/server/app.js';
import { ReportService } from '../../src/server/service.js';
import { FsBlobStore } from '../../src/store/index.js';

const packages = Number(process.argv[2] ?? '300');
const store = await FsBlobStore.open(await mkdtemp(join(tmpdir(), 'dw-bench-server-')));
const service = new ReportService({
  store,
  serverSalt: Buffer.alloc(32, 1),
  adminTokenHashes: [],
  concurrency: 1,
  queueLimit: 10,
  run: async (snapshot) => {
    const report = syntheticReport(packages);
    report.snapshot.id = snapshot.id;
    return report;
  },
});
const app = buildApp({ service });
const serviceUrl = await app.listen({ host: '127.0.0.1', port: 0 });

// The bare route answers the same bytes a finished report's GET answers.
const sample = syntheticReport(packages);
const body = { id: '0'.repeat(64), status: 'done', report: sample };
const bare = Fastify({ logger: false });
bare.get('/bare', async () => body);
const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(
  `${JSON.stringify({ service: serviceUrl, bare: bareUrl, size: JSON.stringify(body).length })}\n`,
);
