/**
 * Certificate files checked at start (a clear USAGE error for each way a pair can be wrong)
 * and reloaded on every listener without dropping connections: a new connection gets the new
 * certificate while an open keep-alive connection keeps working; a bad new pair is refused,
 * logged in one line, and the old certificate stays.
 */
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { isDepwardenError } from '../../errors/index.js';
import { TlsListeners, loadTlsMaterial } from './index.js';
import { handshake, testCa, testLeaf, writeLeaf, type TestCa } from './testing.js';

const DAY = 24 * 60 * 60 * 1000;

async function usageError(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isDepwardenError(err), String(err));
    assert.equal(err.code, 'USAGE');
    assert.match(err.message, message);
    return true;
  });
}

describe('loadTlsMaterial', () => {
  let dir: string;
  let ca: TestCa;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dw-tls-material-'));
    ca = testCa();
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a matching pair with its chain', async () => {
    const leaf = testLeaf(ca);
    const { certPath, keyPath } = await writeLeaf(dir, 'good', leaf);
    await writeFile(certPath, leaf.certPem + ca.certPem);
    const m = await loadTlsMaterial(certPath, keyPath);
    assert.equal(m.chain.length, 2);
    assert.equal(m.chain[0]!.subject, 'CN=localhost');
    assert.ok(m.validTo.getTime() > Date.now());
  });

  it('refuses a key that does not belong to the certificate, with a hint', async () => {
    const a = await writeLeaf(dir, 'a', testLeaf(ca));
    const b = await writeLeaf(dir, 'b', testLeaf(ca));
    await assert.rejects(loadTlsMaterial(a.certPath, b.keyPath), (err: unknown) => {
      assert.ok(isDepwardenError(err));
      assert.equal(err.code, 'USAGE');
      assert.match(err.message, /does not belong to the certificate/);
      assert.match(err.hint ?? '', /key the certificate was issued for/);
      return true;
    });
  });

  it('refuses an expired certificate and one not valid yet', async () => {
    const expired = await writeLeaf(
      dir,
      'expired',
      testLeaf(ca, {
        notBefore: new Date(Date.now() - 10 * DAY),
        notAfter: new Date(Date.now() - DAY),
      }),
    );
    await usageError(loadTlsMaterial(expired.certPath, expired.keyPath), /expired on/);
    const future = await writeLeaf(
      dir,
      'future',
      testLeaf(ca, {
        notBefore: new Date(Date.now() + DAY),
        notAfter: new Date(Date.now() + 10 * DAY),
      }),
    );
    await usageError(loadTlsMaterial(future.certPath, future.keyPath), /not valid before/);
  });

  it('refuses garbage, a missing file, an encrypted key and a CA in first place', async () => {
    const good = await writeLeaf(dir, 'g', testLeaf(ca));
    const garbage = join(dir, 'garbage.pem');
    await writeFile(garbage, 'hello');
    await usageError(loadTlsMaterial(garbage, good.keyPath), /holds no PEM certificate/);
    await usageError(loadTlsMaterial(join(dir, 'absent.pem'), good.keyPath), /cannot read.*ENOENT/);
    const encrypted = join(dir, 'encrypted-key.pem');
    await writeFile(
      encrypted,
      createPrivateKey(testLeaf(ca).keyPem).export({
        type: 'pkcs8',
        format: 'pem',
        cipher: 'aes-256-cbc',
        passphrase: 'secret',
      }),
    );
    await usageError(loadTlsMaterial(good.certPath, encrypted), /not a readable private key/);
    const caFirst = join(dir, 'ca-first.pem');
    await writeFile(caFirst, ca.certPem);
    await writeFile(join(dir, 'ca-key.pem'), ca.key.export({ type: 'pkcs8', format: 'pem' }));
    await usageError(
      loadTlsMaterial(caFirst, join(dir, 'ca-key.pem')),
      /is a CA certificate, not a server certificate/,
    );
  });
});

describe('TlsListeners reload', () => {
  let dir: string;
  let ca: TestCa;
  let listeners: TlsListeners;
  let servers: https.Server[];
  let ports: number[];
  const logged: string[] = [];
  let paths: { certPath: string; keyPath: string };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dw-tls-reload-'));
    ca = testCa();
    paths = await writeLeaf(dir, 'server', testLeaf(ca));
    listeners = await TlsListeners.open(
      { kind: 'files', ...paths },
      { log: (line) => logged.push(line), ocsp: false },
    );
    // Two listeners, as serve runs the main and the user-content origins.
    servers = [0, 1].map(() =>
      listeners.createServer((_req, res) => {
        res.setHeader('content-type', 'text/plain');
        res.end('ok');
      }),
    );
    ports = await Promise.all(
      servers.map(
        (s) =>
          new Promise<number>((done) =>
            s.listen(0, '127.0.0.1', () => done((s.address() as AddressInfo).port)),
          ),
      ),
    );
  });
  after(async () => {
    listeners.close();
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
    await rm(dir, { recursive: true, force: true });
  });

  function get(
    agent: https.Agent,
    port: number,
  ): Promise<{ body: string; serial?: string; reused: boolean; localPort: number }> {
    return new Promise((resolve, reject) => {
      const req = https.get(
        { host: '127.0.0.1', port, servername: 'localhost', ca: ca.certPem, agent, path: '/' },
        (res) => {
          // Read now: once the body ends, the agent takes the socket back.
          const socket = res.socket as TLSSocket;
          // (Node keeps the peer certificate of a connection for its first response only.)
          const serial = socket.getPeerX509Certificate()?.serialNumber;
          const localPort = socket.localPort!;
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ body, serial, reused: req.reusedSocket, localPort }));
        },
      );
      req.on('error', reject);
    });
  }

  it('serves the new certificate to new connections while an open one keeps working', async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await get(agent, ports[0]!);
      assert.equal(first.body, 'ok');
      const oldSerial = first.serial;
      assert.ok(oldSerial !== undefined);
      assert.equal((await handshake(ports[1]!, { ca: ca.certPem })).serial, oldSerial);

      const next = testLeaf(ca);
      await writeFile(paths.certPath, next.certPem);
      await writeFile(paths.keyPath, next.keyPem);
      assert.equal(await listeners.reload(), true);
      assert.match(logged.at(-1) ?? '', /TLS certificate reloaded from .*server\.pem/);

      const fresh = await handshake(ports[0]!, { ca: ca.certPem });
      assert.equal(fresh.ok, true, fresh.error);
      assert.notEqual(fresh.serial, oldSerial, 'a new connection gets the new certificate');
      assert.equal((await handshake(ports[1]!, { ca: ca.certPem })).serial, fresh.serial);

      const again = await get(agent, ports[0]!);
      assert.equal(again.body, 'ok');
      assert.equal(again.reused, true, 'the keep-alive connection was not dropped');
      assert.equal(again.localPort, first.localPort, 'on the same connection');
    } finally {
      agent.destroy();
    }
  });

  it('keeps the current certificate when the new pair is bad, and says why in one line', async () => {
    const before = (await handshake(ports[0]!, { ca: ca.certPem })).serial;
    const other = testLeaf(ca);
    await writeFile(paths.certPath, other.certPem); // the key stays: a mismatched pair
    const count = logged.length;
    assert.equal(await listeners.reload(), false);
    assert.equal(logged.length, count + 1);
    assert.match(
      logged.at(-1)!,
      /^TLS reload refused, still serving the current certificate: .*does not belong/,
    );
    assert.doesNotMatch(logged.at(-1)!, /\n/);
    assert.equal((await handshake(ports[0]!, { ca: ca.certPem })).serial, before);
    assert.equal(listeners.material.chain[0]!.serialNumber, before);
  });

  it('does nothing when the files did not change', async () => {
    const count = logged.length;
    const current = testLeaf(ca);
    await writeFile(paths.certPath, current.certPem);
    await writeFile(paths.keyPath, current.keyPem);
    assert.equal(await listeners.reload(), true);
    assert.equal(await listeners.reload(), true);
    assert.equal(logged.length, count + 1, 'one reload line, not two');
  });
});
