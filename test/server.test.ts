// The report service with its CLI client over real HTTP on loopback: `scan --upload` sends
// the snapshot files and nothing else (a project full of other files, secrets included, proves
// it), prints the report, and `report get` / `report delete` complete the round trip.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { collectSnapshot } from '../src/snapshot/index.js';
import { syntheticReport } from '../src/report/testing.js';
import { buildApp } from '../src/server/app.js';
import { ReportService } from '../src/server/service.js';
import { FsBlobStore } from '../src/store/index.js';
import { runInProcess } from './helpers/cli.js';
import { markPrivate, serveSettings } from '../src/cli/commands/serve.js';

const SECRET = 'super-secret-value-that-must-never-leave';

describe('report service and its CLI client', () => {
  let root: string;
  let project: string;
  let store: FsBlobStore;
  let app: ReturnType<typeof buildApp>;
  let server: string;
  const uploads: string[] = [];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'dw-server-'));
    project = join(root, 'project');
    await mkdir(join(project, 'src'), { recursive: true });
    await mkdir(join(project, 'packages', 'a'), { recursive: true });
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ name: 'p', version: '1.0.0', workspaces: ['packages/*'] }),
    );
    await writeFile(
      join(project, 'packages', 'a', 'package.json'),
      JSON.stringify({ name: 'a', version: '1.0.0' }),
    );
    await writeFile(join(project, 'src', 'index.js'), `const key = '${SECRET}';\n`);
    await writeFile(join(project, '.env'), `TOKEN=${SECRET}\n`);
    await writeFile(join(project, '.npmrc'), `//registry.npm.example/:_authToken=${SECRET}\n`);
    await writeFile(join(project, 'README.md'), SECRET);
    store = await FsBlobStore.open(join(root, 'store'));
    const service = new ReportService({
      store,
      adminTokenHashes: [],
      concurrency: 1,
      queueLimit: 10,
      run: async (snapshot) => {
        const report = syntheticReport(2);
        report.snapshot.id = snapshot.id;
        report.verdict = { healthy: true, complete: true, exitCode: 0, blocking: 0 };
        report.alerts = report.alerts.map((a) => ({ ...a, blocking: false }));
        return report;
      },
    });
    app = buildApp({ service });
    app.addHook('preHandler', async (req) => {
      if (req.method === 'POST') uploads.push(JSON.stringify(req.body));
    });
    server = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await app.close();
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  it('scan --upload sends exactly the snapshot files, and get/delete complete the round trip', async () => {
    const up = await runInProcess(
      ['scan', project, '--upload', '--server', server, '--format', 'json'],
      root,
    );
    assert.equal(up.code, 0, up.stderr);
    const report = JSON.parse(up.stdout) as { snapshot: { id: string } };
    const snapshot = await collectSnapshot(project);
    assert.equal(report.snapshot.id, snapshot.id);

    assert.equal(uploads.length, 1);
    assert.ok(!uploads[0]!.includes(Buffer.from(SECRET).toString('base64').slice(0, 20)));
    const sent = (JSON.parse(uploads[0]!) as { files: { path: string; content: string }[] }).files;
    assert.deepEqual(
      sent.map((f) => f.path),
      snapshot.files.map((f) => f.path),
    );
    for (const [i, f] of sent.entries())
      assert.equal(f.content, snapshot.files[i]!.bytes.toString('base64'));
    assert.deepEqual(sent.map((f) => f.path).sort(), ['package.json', 'packages/a/package.json']);

    const token = /delete token[^:]*: (\S+)/.exec(up.stderr)?.[1];
    assert.ok(token !== undefined, up.stderr);
    assert.match(up.stderr, new RegExp(`/api/v1/reports/${snapshot.id}`));

    const get = await runInProcess(
      ['report', 'get', snapshot.id, '--server', server, '--format', 'json'],
      root,
    );
    assert.equal(get.code, 0, get.stderr);
    assert.equal((JSON.parse(get.stdout) as { snapshot: { id: string } }).snapshot.id, snapshot.id);

    const denied = await runInProcess(
      ['report', 'delete', snapshot.id, '--server', server, '--token', 'wrong'],
      root,
    );
    assert.equal(denied.code, 2);
    const del = await runInProcess(
      ['report', 'delete', snapshot.id, '--server', server, '--token', token],
      root,
    );
    assert.equal(del.code, 0, del.stderr);
    const gone = await runInProcess(['report', 'get', snapshot.id, '--server', server], root);
    assert.equal(gone.code, 3);
    assert.match(gone.stderr, /404/);
  });

  it('names packages the public registry will not serve as not analysable by this server', () => {
    const report = syntheticReport(1);
    report.failures = [
      {
        package: 'registry:@corp/secret@1.0.0',
        stage: 'fetch',
        code: 'PACKAGE_NOT_FOUND',
        message: 'answered 404',
      },
      {
        package: 'registry:x@1.0.0',
        stage: 'fetch',
        code: 'REGISTRY_UNREACHABLE',
        message: 'timeout',
      },
    ];
    const marked = markPrivate(report);
    assert.match(marked.failures[0]!.message, /^not analysable by this server/);
    assert.equal(marked.failures[1]!.message, 'timeout');
  });

  it('serve settings: a flag beats DEPWARDEN_<FLAG>, which beats the config file; unknown keys are errors', async () => {
    const config = join(root, 'serve.json');
    await writeFile(config, JSON.stringify({ port: 9001, host: '0.0.0.0', 'queue-limit': 7 }));
    const ctx = {
      stdout: process.stdout,
      stderr: process.stderr,
      cwd: root,
      env: { DEPWARDEN_PORT: '9002', DEPWARDEN_HOST: '::1' },
    };
    const s = await serveSettings({ config, port: '9003' }, ctx);
    assert.equal(s.port, '9003');
    assert.equal(s.host, '::1');
    assert.equal(s['queue-limit'], '7');
    await writeFile(config, JSON.stringify({ prot: 1 }));
    await assert.rejects(serveSettings({ config }, ctx), /unknown setting "prot"/);
  });

  it('a server that does not answer is a clear error, not a stack trace', async () => {
    const run = await runInProcess(
      ['report', 'get', 'a'.repeat(64), '--server', 'http://127.0.0.1:9'],
      root,
    );
    assert.equal(run.code, 2);
    assert.match(run.stderr, /did not answer/);
    assert.ok(!run.stderr.includes('    at '));
  });
});
