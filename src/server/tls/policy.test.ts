/**
 * The TLS policy, checked with real handshakes on loopback: TLS 1.3 and the TLS 1.2 AEAD
 * suites are accepted; a CBC suite, TLS 1.1 and client renegotiation are refused; the server
 * picks its own cipher order.
 */
import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { TLS_CIPHERS, hardenTlsServer, tlsServerOptions } from './index.js';
import { handshake, testCa, testLeaf, type TestCa } from './testing.js';

describe('TLS policy', () => {
  let ca: TestCa;
  let server: https.Server;
  let port: number;
  before(async () => {
    ca = testCa();
    const leaf = testLeaf(ca);
    server = https.createServer(
      tlsServerOptions({ cert: Buffer.from(leaf.certPem), key: Buffer.from(leaf.keyPem) }),
      (_req, res) => res.end('ok'),
    );
    hardenTlsServer(server);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });

  it('says TLS 1.2 to 1.3 and only ECDHE with AEAD for TLS 1.2', () => {
    const options = tlsServerOptions({ cert: Buffer.alloc(0), key: Buffer.alloc(0) });
    assert.equal(options.minVersion, 'TLSv1.2');
    assert.equal(options.maxVersion, 'TLSv1.3');
    assert.equal(options.honorCipherOrder, true);
    assert.equal(options.ecdhCurve, 'X25519:P-256:P-384');
    for (const suite of TLS_CIPHERS.split(':'))
      assert.match(
        suite,
        /^(TLS_|ECDHE-(ECDSA|RSA)-)(AES(128|256)-GCM|CHACHA20|AES_(128|256)_GCM)/,
      );
  });

  it('accepts TLS 1.3 and prefers AES-256-GCM', async () => {
    const r = await handshake(port, { ca: ca.certPem });
    assert.equal(r.ok, true, r.error);
    assert.equal(r.protocol, 'TLSv1.3');
    assert.equal(r.cipher, 'TLS_AES_256_GCM_SHA384');
  });

  it('accepts TLS 1.2 with ECDHE-ECDSA-AES128-GCM-SHA256', async () => {
    const r = await handshake(port, {
      ca: ca.certPem,
      maxVersion: 'TLSv1.2',
      ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256',
    });
    assert.equal(r.ok, true, r.error);
    assert.equal(r.protocol, 'TLSv1.2');
    assert.equal(r.cipher, 'ECDHE-ECDSA-AES128-GCM-SHA256');
  });

  it("uses the server's cipher order on TLS 1.2, not the client's", async () => {
    const r = await handshake(port, {
      ca: ca.certPem,
      maxVersion: 'TLSv1.2',
      ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384',
    });
    assert.equal(r.cipher, 'ECDHE-ECDSA-AES256-GCM-SHA384');
  });

  it('refuses TLS 1.2 with a CBC suite', async () => {
    for (const ciphers of ['ECDHE-ECDSA-AES128-SHA256', 'ECDHE-ECDSA-AES256-SHA']) {
      const r = await handshake(port, {
        ca: ca.certPem,
        maxVersion: 'TLSv1.2',
        ciphers: `${ciphers}:@SECLEVEL=0`,
      });
      assert.equal(r.ok, false, ciphers);
      assert.match(r.error ?? '', /handshake failure|no shared cipher/i);
    }
  });

  it('refuses TLS 1.1 and TLS 1.0', async () => {
    for (const version of ['TLSv1.1', 'TLSv1'] as const) {
      const r = await handshake(port, {
        ca: ca.certPem,
        minVersion: version,
        maxVersion: version,
        // The client's own floor would stop it before the server could refuse.
        ciphers: 'DEFAULT:@SECLEVEL=0',
      });
      assert.equal(r.ok, false, version);
      assert.match(r.error ?? '', /protocol version|unsupported protocol/i, version);
    }
  });

  it('closes a TLS 1.2 connection whose client asks to renegotiate', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const socket = tls.connect(
        { host: '127.0.0.1', port, servername: 'localhost', ca: ca.certPem, maxVersion: 'TLSv1.2' },
        () => {
          const started = socket.renegotiate({}, (err) => {
            if (err === null) resolve('renegotiated');
          });
          if (!started) resolve('not started');
        },
      );
      socket.resume();
      socket.once('error', () => undefined);
      socket.once('close', () => resolve('closed'));
      setTimeout(() => {
        resolve('still open');
        socket.destroy();
      }, 5000).unref();
    });
    assert.equal(outcome, 'closed');
  });

  it('serves HTTPS with the policy in place', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(
          { host: '127.0.0.1', port, servername: 'localhost', ca: ca.certPem, path: '/' },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve(text));
          },
        )
        .on('error', reject);
    });
    assert.equal(body, 'ok');
  });
});
