/**
 * `depwarden serve` over TLS, end to end, as real processes on loopback: HTTPS by default with
 * a local CA whose path it prints, and that CA trusted by the CLI client through --ca or
 * DEPWARDEN_CA (added to the trust store; without it the client refuses the certificate);
 * the redirect listener and the user-content origin on their own ports; SIGHUP reloading a
 * configured certificate on both HTTPS listeners while a keep-alive connection keeps
 * working, and refusing a bad one; --plain-http only on loopback, with a warning.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { handshake, testCa, testLeaf, writeLeaf, type TestCa } from '../src/server/tls/testing.js';
import { isLoopbackHost, listenPlan } from '../src/cli/commands/serve.js';
import { runInProcess } from './helpers/cli.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REGISTRY = 'http://registry.npm.example/';
const MISSING_ID = 'a'.repeat(64);

interface Served {
  child: ChildProcess;
  stderr: () => string;
  mainUrl: string;
  mainPort: number;
  usercontentOrigin: string;
  usercontentPort: number;
  redirectPort?: number;
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: '1' };
  for (const key of Object.keys(env)) if (key.startsWith('DEPWARDEN_')) delete env[key];
  return env;
}

/** Starts `depwarden serve` and waits for its listening block. */
async function serve(args: string[]): Promise<Served> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/bin.ts', 'serve', '--registry', REGISTRY, ...args],
    { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${stderr}`)), 30_000);
    const check = () => {
      if (/ {2}cache: .*\n/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}):\n${stderr}`));
    });
  });
  const main = /listening on ((https?):\/\/localhost:(\d+))/.exec(stderr)!;
  const uc = /user content: (https?:\/\/127\.0\.0\.1:(\d+))/.exec(stderr)!;
  const redirect = /redirect: http:\/\/localhost:(\d+) answers only 301/.exec(stderr);
  return {
    child,
    stderr: () => stderr,
    mainUrl: main[1]!,
    mainPort: Number(main[3]),
    usercontentOrigin: uc[1]!,
    usercontentPort: Number(uc[2]),
    ...(redirect === null ? {} : { redirectPort: Number(redirect[1]) }),
  };
}

async function stop(served: Served | undefined): Promise<number | null> {
  if (served === undefined || served.child.exitCode !== null) return served?.child.exitCode ?? null;
  const exited = new Promise<number | null>((done) => served.child.once('exit', done));
  served.child.kill('SIGTERM');
  return exited;
}

async function waitFor(what: () => boolean, label: string): Promise<void> {
  const until = Date.now() + 15_000;
  while (!what()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('serve: HTTPS with the local CA', () => {
  let dir: string;
  let served: Served;
  let caPath: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dw-serve-tls-'));
    served = await serve([
      '--data-dir',
      join(dir, 'data'),
      '--port',
      '0',
      '--usercontent-port',
      '0',
      '--redirect-port',
      '0',
    ]);
    caPath = join(dir, 'data', 'tls', 'ca.pem');
  });
  after(async () => {
    await stop(served);
    await rm(dir, { recursive: true, force: true });
  });

  it('serves HTTPS at https://localhost and prints the new CA for clients to trust', () => {
    assert.match(served.mainUrl, /^https:\/\/localhost:\d+$/);
    assert.ok(served.stderr().includes(`clients must trust ${caPath}`), served.stderr());
    assert.ok(existsSync(caPath));
    assert.match(served.stderr(), /tls: certificate from the local CA /);
  });

  it('lets the CLI client trust the local CA with --ca or DEPWARDEN_CA, and only then', async () => {
    const withFlag = await runInProcess(
      ['report', 'get', MISSING_ID, '--server', served.mainUrl, '--ca', caPath],
      dir,
    );
    // A 404 from the server: the TLS connection was made and trusted.
    assert.equal(withFlag.code, 3, withFlag.stderr);
    assert.match(withFlag.stderr, /REPORT_NOT_FOUND|404/);

    const withEnv = await runInProcess(
      ['report', 'get', MISSING_ID, '--server', served.mainUrl],
      dir,
      {
        DEPWARDEN_CA: caPath,
      },
    );
    assert.equal(withEnv.code, 3, withEnv.stderr);

    const without = await runInProcess(
      ['report', 'get', MISSING_ID, '--server', served.mainUrl],
      dir,
    );
    assert.equal(without.code, 2, without.stderr);
    assert.match(without.stderr, /did not answer: .*(certificate|issuer)/i);
    assert.match(without.stderr, /hint: .*not trusted.*--ca/);

    const notACa = join(dir, 'not-a-ca.pem');
    await writeFile(notACa, 'nothing here');
    const bad = await runInProcess(
      ['report', 'get', MISSING_ID, '--server', served.mainUrl, '--ca', notACa],
      dir,
    );
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /holds no PEM certificate/);
  });

  it('uploads a snapshot with scan --upload --ca and gets its report back', async () => {
    const project = join(dir, 'project');
    await mkdir(project);
    await writeFile(join(project, 'package.json'), '{"name":"empty","version":"1.0.0"}\n');
    await writeFile(
      join(project, 'package-lock.json'),
      '{"name":"empty","version":"1.0.0","lockfileVersion":3,"requires":true,"packages":{"":{"name":"empty","version":"1.0.0"}}}\n',
    );
    const r = await runInProcess(
      ['scan', project, '--upload', '--server', served.mainUrl, '--ca', caPath, '--format', 'json'],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`report ${served.mainUrl}/api/v1/reports/[0-9a-f]{64}`));
    assert.equal((JSON.parse(r.stdout) as { verdict: { exitCode: number } }).verdict.exitCode, 0);
  });

  it('serves the user-content origin over TLS on its own port and site', async () => {
    assert.match(served.usercontentOrigin, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(served.usercontentPort, served.mainPort);
    const ca = await readFile(caPath, 'utf8');
    // Checked against the address, as a browser at https://127.0.0.1 would.
    const r = await handshake(served.usercontentPort, { ca, servername: undefined });
    assert.equal(r.ok, true, r.error);
  });

  it('redirects plain HTTP to HTTPS on the same host, and serves nothing else there', async () => {
    const answer = await new Promise<http.IncomingMessage & { body: string }>((resolve, reject) =>
      http
        .get(
          {
            host: '127.0.0.1',
            port: served.redirectPort,
            path: '/api/v1/reports/x?y=1',
            headers: { host: 'localhost' },
          },
          (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve(Object.assign(res, { body })));
          },
        )
        .on('error', reject),
    );
    assert.equal(answer.statusCode, 301);
    assert.equal(answer.headers.location, `${served.mainUrl}/api/v1/reports/x?y=1`);
    assert.equal(answer.body, '');
  });
});

describe('serve: a configured certificate, reloaded on SIGHUP', () => {
  let dir: string;
  let ca: TestCa;
  let served: Served;
  let paths: { certPath: string; keyPath: string };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dw-serve-hup-'));
    ca = testCa();
    paths = await writeLeaf(dir, 'server', testLeaf(ca));
    served = await serve([
      '--data-dir',
      join(dir, 'data'),
      '--port',
      '0',
      '--usercontent-port',
      '0',
      '--tls-cert',
      paths.certPath,
      '--tls-key',
      paths.keyPath,
    ]);
  });
  after(async () => {
    await stop(served);
    await rm(dir, { recursive: true, force: true });
  });

  it('makes no local CA and names the certificate it serves', () => {
    assert.ok(!existsSync(join(dir, 'data', 'tls')), 'no local CA when a certificate is given');
    assert.match(served.stderr(), /tls: .*server\.pem \(valid until .*SIGHUP reloads it\)/);
  });

  it('serves a new certificate on both listeners after SIGHUP; an open connection keeps working', async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ status: number; reused: boolean; localPort: number }>((resolve, reject) => {
        const req = https.get(
          {
            host: '127.0.0.1',
            port: served.mainPort,
            servername: 'localhost',
            ca: ca.certPem,
            agent,
            path: '/healthz',
          },
          (res) => {
            const localPort = (res.socket as TLSSocket).localPort!;
            res.resume();
            res.on('end', () =>
              resolve({ status: res.statusCode!, reused: req.reusedSocket, localPort }),
            );
          },
        );
        req.on('error', reject);
      });
    try {
      const first = await get();
      assert.equal(first.status, 200);
      const oldSerial = (await handshake(served.mainPort, { ca: ca.certPem })).serial;

      const next = testLeaf(ca);
      await writeFile(paths.keyPath, next.keyPem);
      await writeFile(paths.certPath, next.certPem);
      served.child.kill('SIGHUP');
      await waitFor(() => /TLS certificate reloaded/.test(served.stderr()), 'the reload line');

      const main = await handshake(served.mainPort, { ca: ca.certPem });
      const uc = await handshake(served.usercontentPort, { ca: ca.certPem });
      assert.equal(main.ok, true, main.error);
      assert.notEqual(main.serial, oldSerial);
      assert.equal(uc.serial, main.serial, 'the user-content listener reloaded too');

      const again = await get();
      assert.equal(again.status, 200);
      assert.equal(again.reused, true);
      assert.equal(again.localPort, first.localPort, 'the open connection was not dropped');
    } finally {
      agent.destroy();
    }
  });

  it('keeps the current certificate when the new files are bad, and says why', async () => {
    const before = (await handshake(served.mainPort, { ca: ca.certPem })).serial;
    await writeFile(paths.certPath, testLeaf(ca).certPem); // not the key's certificate
    served.child.kill('SIGHUP');
    await waitFor(() => /TLS reload refused/.test(served.stderr()), 'the refusal line');
    assert.match(
      served.stderr(),
      /TLS reload refused, still serving the current certificate: .*does not belong/,
    );
    assert.equal((await handshake(served.mainPort, { ca: ca.certPem })).serial, before);
    assert.equal(served.child.exitCode, null, 'still running');
  });

  it('stops cleanly on SIGTERM', async () => {
    assert.equal(await stop(served), 0);
  });
});

describe('serve: --plain-http', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dw-serve-plain-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is refused on a non-loopback address, with a hint about a TLS-terminating proxy', async () => {
    for (const host of ['0.0.0.0', '::', '192.0.2.10']) {
      const data = join(dir, `refused-${host.replace(/[:.]/g, '_')}`);
      const r = await runInProcess(
        ['serve', '--plain-http', '--host', host, '--data-dir', data],
        dir,
      );
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /--plain-http serves without TLS, so only on a loopback address/);
      assert.match(r.stderr, /hint: .*TLS-terminating proxy/);
      assert.ok(!existsSync(data), 'nothing was made before the refusal');
    }
    const mixed = await runInProcess(
      [
        'serve',
        '--plain-http',
        '--tls-cert',
        'c.pem',
        '--tls-key',
        'k.pem',
        '--data-dir',
        join(dir, 'm'),
      ],
      dir,
    );
    assert.equal(mixed.code, 3);
    assert.match(mixed.stderr, /cannot be combined/);
  });

  it('refuses half a certificate, a bad user-content origin and an unusable certificate', async () => {
    const half = await runInProcess(
      ['serve', '--tls-cert', 'c.pem', '--data-dir', join(dir, 'h')],
      dir,
    );
    assert.equal(half.code, 3);
    assert.match(half.stderr, /--tls-cert and --tls-key go together/);
    const origin = await runInProcess(
      ['serve', '--usercontent-origin', 'https://uc.example/path', '--data-dir', join(dir, 'o')],
      dir,
    );
    assert.equal(origin.code, 3);
    assert.match(origin.stderr, /--usercontent-origin must be an origin/);
    const ca = testCa();
    const expired = await writeLeaf(
      dir,
      'expired',
      testLeaf(ca, { notBefore: new Date(Date.now() - 9e8), notAfter: new Date(Date.now() - 1e6) }),
    );
    const data = join(dir, 'x');
    const r = await runInProcess(
      ['serve', '--tls-cert', expired.certPath, '--tls-key', expired.keyPath, '--data-dir', data],
      dir,
    );
    assert.equal(r.code, 3);
    assert.match(r.stderr, /expired on/);
    assert.ok(!existsSync(join(data, 'store')), 'the store was not opened');
  });

  it('is served on 127.0.0.1 with a warning', async () => {
    const served = await serve([
      '--plain-http',
      '--host',
      '127.0.0.1',
      '--data-dir',
      join(dir, 'data'),
      '--port',
      '0',
      '--usercontent-port',
      '0',
    ]);
    try {
      assert.match(served.stderr(), /warning: serving plain HTTP \(--plain-http\) on 127\.0\.0\.1/);
      assert.match(served.mainUrl, /^http:\/\/localhost:\d+$/);
      assert.ok(!existsSync(join(dir, 'data', 'tls')), 'no certificate is made');
      const status = await new Promise<number>((resolve, reject) =>
        http
          .get({ host: '127.0.0.1', port: served.mainPort, path: '/healthz' }, (res) => {
            res.resume();
            resolve(res.statusCode!);
          })
          .on('error', reject),
      );
      assert.equal(status, 200);
    } finally {
      assert.equal(await stop(served), 0);
    }
  });
});

describe('serve: listening settings', () => {
  it('knows loopback addresses in every spelling, and nothing else', () => {
    for (const host of [
      '127.0.0.1',
      '127.5.6.7',
      '::1',
      '0:0:0:0:0:0:0:1',
      '[::1]',
      '::ffff:127.0.0.1',
      'localhost',
    ])
      assert.equal(isLoopbackHost(host), true, host);
    for (const host of [
      '0.0.0.0',
      '::',
      '10.0.0.1',
      '128.0.0.1',
      'localhost.example',
      '::2',
      '::ffff:10.0.0.1',
    ])
      assert.equal(isLoopbackHost(host), false, host);
  });

  it('puts the user-content origin on the next port by default and checks every port', () => {
    const plan = listenPlan({}, '/srv');
    assert.equal(plan.host, '127.0.0.1');
    assert.equal(plan.port, 8787);
    assert.equal(plan.usercontentPort, 8788);
    assert.equal(plan.usercontentHost, '127.0.0.1');
    assert.equal(plan.plainHttp, false);
    assert.equal(plan.tlsFiles, undefined);
    assert.equal(listenPlan({ port: '0' }, '/srv').usercontentPort, 0);
    assert.deepEqual(listenPlan({ 'tls-cert': 'c.pem', 'tls-key': 'k.pem' }, '/srv').tlsFiles, {
      certPath: '/srv/c.pem',
      keyPath: '/srv/k.pem',
    });
    assert.equal(
      listenPlan({ 'usercontent-origin': 'https://UC.example:443/' }, '/srv').usercontentOrigin,
      'https://uc.example',
    );
    assert.throws(() => listenPlan({ port: '65535' }, '/srv'), /no room for --usercontent-port/);
    assert.throws(
      () => listenPlan({ port: '80', 'usercontent-port': '80' }, '/srv'),
      /must differ/,
    );
    assert.throws(() => listenPlan({ 'redirect-port': '8787' }, '/srv'), /must differ/);
    assert.throws(() => listenPlan({ 'redirect-port': '99999' }, '/srv'), /0 to 65535/);
    assert.throws(
      () => listenPlan({ 'usercontent-origin': 'http://uc.example' }, '/srv'),
      /must be an origin \(https/,
    );
    assert.throws(
      () => listenPlan({ 'plain-http': true, 'usercontent-host': '0.0.0.0' }, '/srv'),
      /not --usercontent-host 0\.0\.0\.0/,
    );
  });
});
