/**
 * OCSP stapling against a real responder: `openssl ocsp` runs on loopback with its own CA,
 * a delegated responder certificate and an index; the server certificate names that
 * responder. The stapled answer reaches a client that asks for it (and openssl itself says it
 * is good); an answer the responder gives as "unknown", or one tampered with, is not stapled;
 * a handshake never waits for a responder that does not answer.
 *
 * The openssl command line makes the certificates and runs the responder here, in the test
 * only; the product code never calls it.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { OcspStapler, TlsListeners, checkOcspResponse, ocspResponderUrl } from './index.js';
import { testCa, testLeaf, writeLeaf } from './testing.js';
import { freePort } from '../../../test/helpers/ports.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Connects with status_request and returns the stapled answer, if any. */
function stapled(port: number, ca: string): Promise<{ ok: boolean; response?: Buffer }> {
  return new Promise((resolve) => {
    let response: Buffer | undefined;
    // requestOCSP is a TLSSocket option tls.connect passes on (its type omits it).
    const options: tls.ConnectionOptions & { requestOCSP: boolean } = {
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      ca,
      requestOCSP: true,
    };
    const socket = tls.connect(options);
    // Node reports "nothing stapled" as a null response.
    socket.on('OCSPResponse', (r: Buffer | null) => (response = r ?? undefined));
    socket.once('secureConnect', () => {
      socket.end();
      resolve({ ok: socket.authorized, ...(response === undefined ? {} : { response }) });
    });
    socket.once('error', () => resolve({ ok: false }));
  });
}

describe('OCSP stapling', { skip: !hasOpenssl() && 'needs the openssl command' }, () => {
  let dir: string;
  let responder: ChildProcess;
  let ocspUrl: string;
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

  function issueLeaf(name: string, withAia: boolean): void {
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`);
    openssl('req', '-new', '-key', `${name}.key`, '-subj', '/CN=localhost', '-out', `${name}.csr`);
    execFileSync(
      'sh',
      [
        '-c',
        `printf '%s\\n' 'subjectAltName=DNS:localhost,IP:127.0.0.1' 'extendedKeyUsage=serverAuth' ${withAia ? `'authorityInfoAccess=OCSP;URI:${ocspUrl}'` : ''} > ${name}.ext`,
      ],
      { cwd: dir },
    );
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '5',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    );
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dw-ocsp-'));
    const port = await freePort();
    ocspUrl = `http://127.0.0.1:${port}/`;
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key');
    openssl(
      'req',
      '-x509',
      '-new',
      '-key',
      'ca.key',
      '-subj',
      '/CN=OCSP test CA',
      '-days',
      '10',
      '-addext',
      'basicConstraints=critical,CA:true',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      'ca.pem',
    );
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'responder.key');
    openssl(
      'req',
      '-new',
      '-key',
      'responder.key',
      '-subj',
      '/CN=OCSP responder',
      '-out',
      'responder.csr',
    );
    await writeFile(
      file('responder.ext'),
      'extendedKeyUsage=OCSPSigning\nbasicConstraints=CA:false\n',
    );
    openssl(
      'x509',
      '-req',
      '-in',
      'responder.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '10',
      '-extfile',
      'responder.ext',
      '-out',
      'responder.pem',
    );
    issueLeaf('good', true); // in the index: good
    issueLeaf('stranger', true); // not in the index: unknown to the responder
    issueLeaf('plain', false); // names no responder
    const good = new X509Certificate(await readFile(file('good.pem')));
    const end = new Date(good.validTo);
    const stamp = (d: Date) =>
      d.toISOString().replace(/^\d\d(\d\d)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d).*$/, '$1$2$3$4$5$6Z');
    await writeFile(
      file('index.txt'),
      `V\t${stamp(end)}\t\t${good.serialNumber}\tunknown\t/CN=localhost\n`,
    );
    // Chains as a deployment gives them: the server certificate, then its issuer.
    const caPem = await readFile(file('ca.pem'), 'utf8');
    for (const name of ['good', 'stranger', 'plain'])
      await writeFile(
        file(`${name}-chain.pem`),
        (await readFile(file(`${name}.pem`), 'utf8')) + caPem,
      );

    responder = spawn(
      'openssl',
      [
        'ocsp',
        '-index',
        'index.txt',
        '-port',
        String(port),
        '-rsigner',
        'responder.pem',
        '-rkey',
        'responder.key',
        '-CA',
        'ca.pem',
        '-ndays',
        '1',
      ],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(
        () => reject(new Error(`openssl ocsp did not start: ${out}`)),
        10_000,
      );
      const onData = (c: Buffer) => {
        out += c.toString();
        if (/ACCEPT|waiting for OCSP client/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      };
      responder.stdout!.on('data', onData);
      responder.stderr!.on('data', onData);
      responder.once('exit', (code) => reject(new Error(`openssl ocsp exited (${code}): ${out}`)));
    });
  });

  after(async () => {
    responder?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the responder URL in the certificate, and none where there is none', async () => {
    const good = new X509Certificate(await readFile(file('good.pem')));
    assert.equal(ocspResponderUrl(good), ocspUrl);
    assert.equal(
      ocspResponderUrl(new X509Certificate(await readFile(file('plain.pem')))),
      undefined,
    );
    const chain = [new X509Certificate(await readFile(file('plain-chain.pem')))];
    assert.equal(OcspStapler.forChain(chain), undefined);
  });

  it('says so and staples nothing when the chain lacks the issuer', async () => {
    const lines: string[] = [];
    const good = new X509Certificate(await readFile(file('good.pem')));
    assert.equal(OcspStapler.forChain([good], { log: (l) => lines.push(l) }), undefined);
    assert.match(lines.join('\n'), /lacks the issuing certificate/);
  });

  it('staples the responder’s answer, which openssl checks as good', async () => {
    const lines: string[] = [];
    const listeners = await TlsListeners.open(
      { kind: 'files', certPath: file('good-chain.pem'), keyPath: file('good.key') },
      { log: (l) => lines.push(l) },
    );
    const server = listeners.createServer((_req, res) => res.end('ok'));
    try {
      assert.ok(listeners.stapler, 'a stapler for a certificate that names a responder');
      assert.equal(await listeners.stapler.refresh(), true, lines.join('\n'));
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      const { port } = server.address() as AddressInfo;
      const got = await stapled(port, await readFile(file('ca.pem'), 'utf8'));
      assert.equal(got.ok, true);
      assert.ok(got.response, 'the client received a stapled OCSP response');

      // Checked by openssl itself, not only by our own parser.
      await writeFile(file('stapled.der'), got.response);
      const verdict = openssl(
        'ocsp',
        '-respin',
        'stapled.der',
        '-issuer',
        'ca.pem',
        '-cert',
        'good.pem',
        '-CAfile',
        'ca.pem',
      ).toString();
      assert.match(verdict, /good\.pem: good/);
      const issuer = new X509Certificate(await readFile(file('ca.pem')));
      const leaf = new X509Certificate(await readFile(file('good.pem')));
      const checked = checkOcspResponse(got.response, leaf, issuer, Date.now());
      assert.equal(checked.status, 'good');
      assert.ok(checked.nextUpdate && checked.nextUpdate.getTime() > Date.now());

      // Tampered with: refused.
      const tampered = Buffer.from(got.response);
      tampered[tampered.length - 3]! ^= 0xff;
      assert.throws(() => checkOcspResponse(tampered, leaf, issuer, Date.now()));
      // About another certificate: refused.
      const stranger = new X509Certificate(await readFile(file('stranger.pem')));
      assert.throws(
        () => checkOcspResponse(got.response!, stranger, issuer, Date.now()),
        /not about this certificate/,
      );
      // Stale by its own nextUpdate: refused.
      assert.throws(
        () => checkOcspResponse(got.response!, leaf, issuer, Date.now() + 2 * 86_400_000),
        /stale/,
      );
      // Only for the certificate it is about.
      assert.equal(listeners.stapler.response(stranger.raw), undefined);
      assert.deepEqual(listeners.stapler.response(leaf.raw), got.response);

      // Served until its nextUpdate, not after.
      let clock = Date.now();
      const recorded = got.response;
      const replay = OcspStapler.forChain(listeners.material.chain, {
        fetch: async () => recorded,
        now: () => clock,
      })!;
      assert.equal(await replay.refresh(), true);
      assert.deepEqual(replay.response(), recorded);
      clock = checked.nextUpdate!.getTime() + 1;
      assert.equal(replay.response(), undefined, 'stale: no longer stapled');
      replay.stop();
    } finally {
      listeners.close();
      await new Promise((done) => server.close(done));
    }
  });

  it('staples nothing when the responder does not know the certificate', async () => {
    const lines: string[] = [];
    const listeners = await TlsListeners.open(
      { kind: 'files', certPath: file('stranger-chain.pem'), keyPath: file('stranger.key') },
      { log: (l) => lines.push(l) },
    );
    const server = listeners.createServer((_req, res) => res.end('ok'));
    try {
      assert.equal(await listeners.stapler!.refresh(), false);
      assert.match(lines.join('\n'), /status unknown/);
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      const { port } = server.address() as AddressInfo;
      const got = await stapled(port, await readFile(file('ca.pem'), 'utf8'));
      assert.equal(got.ok, true, 'the handshake still succeeds');
      assert.equal(got.response, undefined);
    } finally {
      listeners.close();
      await new Promise((done) => server.close(done));
    }
  });

  it('never holds a handshake for a responder that does not answer', async () => {
    let asked = 0;
    const listeners = await TlsListeners.open(
      { kind: 'files', certPath: file('good-chain.pem'), keyPath: file('good.key') },
      {
        ocsp: {
          fetch: () => {
            asked++;
            return new Promise<Buffer>(() => undefined);
          },
        },
      },
    );
    const server = listeners.createServer((_req, res) => res.end('ok'));
    try {
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      const { port } = server.address() as AddressInfo;
      const started = Date.now();
      const got = await stapled(port, await readFile(file('ca.pem'), 'utf8'));
      assert.equal(asked, 1, 'the stapler did ask');
      assert.equal(got.ok, true);
      assert.equal(got.response, undefined);
      assert.ok(Date.now() - started < 5000);
    } finally {
      listeners.close();
      await new Promise((done) => server.close(done));
    }
  });

  it('keeps no stapler for the local CA’s certificates (they name no responder)', async () => {
    const ca = testCa();
    const paths = await writeLeaf(dir, 'local', testLeaf(ca));
    const listeners = await TlsListeners.open({ kind: 'files', ...paths });
    assert.equal(listeners.stapler, undefined);
    listeners.close();
  });
});
