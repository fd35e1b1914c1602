/**
 * The plain-HTTP listener only redirects: 301 to the same path and query on the HTTPS port of
 * the same host, with an empty body, whatever the method; a Host header that is not a valid
 * host name or IP literal is ignored in favour of the configured host.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createRedirectServer, hostFromHeader, isValidHostName } from './index.js';

/** Sends raw bytes and returns the raw answer (the connection is closed after it). */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.on('data', (c: Buffer) => (answer += c.toString('latin1')));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

function headerOf(answer: string, name: string): string | undefined {
  const m = new RegExp(`^${name}: (.*)$`, 'im').exec(answer.split('\r\n\r\n')[0]!);
  return m?.[1]?.trim();
}

describe('redirect listener', () => {
  let server: http.Server;
  let port: number;
  before(async () => {
    server = createRedirectServer({ httpsPort: 8443, fallbackHost: 'localhost' });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });

  function get(
    path: string,
    headers: Record<string, string> = {},
    method = 'GET',
    body?: string,
  ): Promise<{
    status: number;
    location?: string;
    body: string;
    headers: http.IncomingHttpHeaders;
  }> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, path, method, headers, agent: false },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () =>
            resolve({
              status: res.statusCode!,
              ...(res.headers.location === undefined ? {} : { location: res.headers.location }),
              body: text,
              headers: res.headers,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  it('answers 301 to https on the same host, path and query, with no body', async () => {
    const r = await get('/r/abc?x=1&y=%2F', { host: 'localhost:8080' });
    assert.equal(r.status, 301);
    assert.equal(r.location, 'https://localhost:8443/r/abc?x=1&y=%2F');
    assert.equal(r.body, '');
    assert.equal(r.headers['content-length'], '0');
    assert.equal(r.headers['content-type'], undefined);
    assert.equal(r.headers['x-powered-by'], undefined);
    assert.equal(r.headers.server, undefined);
  });

  it('keeps a valid host name or IP literal from the Host header', async () => {
    assert.equal(
      (await get('/', { host: 'reports.example.org' })).location,
      'https://reports.example.org:8443/',
    );
    assert.equal((await get('/a', { host: '127.0.0.1:80' })).location, 'https://127.0.0.1:8443/a');
    assert.equal((await get('/a', { host: '[::1]:80' })).location, 'https://[::1]:8443/a');
    assert.equal((await get('/a', { host: 'LOCALHOST' })).location, 'https://localhost:8443/a');
  });

  it('ignores a hostile Host header and uses the configured host', async () => {
    for (const host of [
      'evil.example/@x',
      'evil.example:80@attacker.example',
      'user@evil.example',
      'a b',
      'evil.example:notaport',
      '-bad.example',
      '[not-an-ip]',
      'x'.repeat(300),
    ]) {
      const r = await get('/p', { host });
      assert.equal(r.status, 301, host);
      assert.equal(r.location, 'https://localhost:8443/p', JSON.stringify(host));
    }
    // No Host header at all (HTTP/1.0), and an empty one.
    const answer = await raw(port, 'GET /p HTTP/1.0\r\n\r\n');
    assert.match(answer, /^HTTP\/1\.1 301/);
    assert.equal(headerOf(answer, 'location'), 'https://localhost:8443/p');
    const empty = await raw(port, 'GET /q HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n');
    assert.equal(headerOf(empty, 'location'), 'https://localhost:8443/q');
  });

  it('redirects every method and never reflects the request body', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const r = await get('/api/v1/reports', { host: 'localhost' }, method, 'secret-body');
      assert.equal(r.status, 301, method);
      assert.equal(r.location, 'https://localhost:8443/api/v1/reports');
      assert.equal(r.body, '');
    }
    const head = await get('/x', { host: 'localhost' }, 'HEAD');
    assert.equal(head.status, 301);
  });

  it('sends an absolute-form target to the root of the HTTPS origin', async () => {
    const answer = await raw(
      port,
      'GET http://evil.example/steal HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    );
    assert.equal(headerOf(answer, 'location'), 'https://localhost:8443/');
  });

  it('leaves the port out for 443 and takes it late when given as a function', async () => {
    let httpsPort = 0;
    const late = createRedirectServer({ httpsPort: () => httpsPort, fallbackHost: '::1' });
    await new Promise<void>((done) => late.listen(0, '127.0.0.1', done));
    try {
      const latePort = (late.address() as AddressInfo).port;
      httpsPort = 443;
      const answer = await raw(latePort, 'GET /z HTTP/1.0\r\n\r\n');
      assert.equal(headerOf(answer, 'location'), 'https://[::1]/z');
    } finally {
      await new Promise((done) => late.close(done));
    }
  });
});

describe('host validation', () => {
  it('accepts DNS names and IP literals only', () => {
    for (const ok of ['localhost', 'a.b-c.example', 'xn--bcher-kva.example', '10.0.0.1', 'host.'])
      assert.equal(isValidHostName(ok), true, ok);
    for (const bad of [
      '',
      'a..b',
      '-a.example',
      'a-.example',
      'a_b.example',
      'a/b',
      '1.2.3.999',
      'x'.repeat(64),
    ])
      assert.equal(isValidHostName(bad), false, bad);
    assert.equal(hostFromHeader('Example.COM:8080'), 'example.com');
    assert.equal(hostFromHeader('host.:80'), 'host');
    assert.equal(hostFromHeader('[::ffff:127.0.0.1]'), '[::ffff:127.0.0.1]');
    assert.equal(hostFromHeader('[::1'), undefined);
    assert.equal(hostFromHeader('::1'), undefined, 'an IPv6 literal needs brackets');
    assert.equal(hostFromHeader(undefined), undefined);
  });
});
