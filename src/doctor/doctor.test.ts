// The doctor's ratings on fixed inputs (the published SSL Labs / Observatory rules), and the
// whole probe against real TLS servers on loopback: our hardened options grade A+, a
// careless configuration does not, and each failure names its cause.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureLocalCertificate, hardenTlsServer, tlsServerOptions } from '../server/tls/index.js';
import { appCspChecks, usercontentCspChecks } from './csp.js';
import { rateHeaders, requiredHeaderChecks, type FetchedResponse } from './headers.js';
import { runInProcess } from '../../test/helpers/cli.js';
import { runDoctor } from './index.js';
import { renderDoctorText } from './render.js';
import { classifySuite, rateTls } from './tls-grade.js';
import type { TlsProbe } from './tls-probe.js';

const STRONG_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; upgrade-insecure-requests; require-trusted-types-for 'script'; trusted-types 'none'",
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};
const PAGE = '<!doctype html><title>t</title><script src="/a.js" integrity="sha384-abc"></script>';

function page(
  headers: Record<string, string>,
  extra: Partial<FetchedResponse> = {},
): FetchedResponse {
  return {
    url: 'https://localhost/',
    status: 200,
    headers: Object.entries(headers),
    html: PAGE,
    trusted: true,
    ...extra,
  };
}

function probe(over: Partial<TlsProbe> = {}): TlsProbe {
  return {
    protocols: {
      TLSv1: 'refused',
      'TLSv1.1': 'refused',
      'TLSv1.2': 'offered',
      'TLSv1.3': 'offered',
    },
    suites: [
      { name: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', protocol: 'TLSv1.2' },
      { name: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', protocol: 'TLSv1.2' },
      { name: 'TLS_AES_256_GCM_SHA384', protocol: 'TLSv1.3' },
    ],
    serverPreference: true,
    best: { ok: true, authorized: true },
    ocspStapled: false,
    renegotiationRefused: true,
    ...over,
  };
}

const NOW = new Date('2026-11-28T00:00:00Z');

describe('doctor: TLS rating', () => {
  it('classifies suites by name', () => {
    assert.deepEqual(classifySuite('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'), {
      aead: true,
      forwardSecret: true,
      bits: 256,
      broken: false,
      cbc: false,
    });
    const cbc = classifySuite('TLS_RSA_WITH_AES_128_CBC_SHA');
    assert.equal(cbc.forwardSecret, false);
    assert.equal(cbc.cbc, true);
    assert.equal(classifySuite('TLS_RSA_WITH_3DES_EDE_CBC_SHA').broken, true);
    assert.equal(classifySuite('TLS_AES_128_GCM_SHA256').forwardSecret, true);
  });

  it('gives A+ to TLS 1.2/1.3 with AEAD suites and HSTS, scored as testssl scores', () => {
    const r = rateTls({ probe: probe(), hstsMaxAge: 63_072_000, nameMatches: true, now: NOW });
    assert.equal(r.grade, 'A+');
    // protocol 100, key exchange 100 (no certificate in this fixture), ciphers (100+80)/2.
    assert.equal(r.score, 96);
    assert.deepEqual(r.caps, []);
  });

  it('caps TLS 1.0, missing HSTS, 3DES, untrusted chains and name mismatches', () => {
    const old = rateTls({
      probe: probe({
        protocols: {
          TLSv1: 'offered',
          'TLSv1.1': 'refused',
          'TLSv1.2': 'offered',
          'TLSv1.3': 'offered',
        },
      }),
      hstsMaxAge: 63_072_000,
      nameMatches: true,
      now: NOW,
    });
    assert.equal(old.grade, 'B');
    assert.equal(
      rateTls({ probe: probe(), hstsMaxAge: undefined, nameMatches: true, now: NOW }).grade,
      'A',
    );
    assert.equal(
      rateTls({ probe: probe(), hstsMaxAge: 86_400, nameMatches: true, now: NOW }).grade,
      'A',
    );
    const des = probe();
    des.suites.push({ name: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', protocol: 'TLSv1.2' });
    const r3 = rateTls({ probe: des, hstsMaxAge: 63_072_000, nameMatches: true, now: NOW });
    assert.equal(r3.grade, 'C');
    assert.ok(r3.notes.some((n) => /forward secrecy/.test(n)));
    const untrusted = rateTls({
      probe: probe({
        best: { ok: true, authorized: false, authorizationError: 'SELF_SIGNED_CERT_IN_CHAIN' },
      }),
      hstsMaxAge: 63_072_000,
      nameMatches: true,
      now: NOW,
    });
    assert.equal(untrusted.grade, 'T');
    assert.equal(untrusted.score, 0);
    assert.equal(
      rateTls({ probe: probe(), hstsMaxAge: 63_072_000, nameMatches: false, now: NOW }).grade,
      'M',
    );
  });
});

describe('doctor: header rating', () => {
  it('scores the full header set 135 without cookies, 140 with a strict one', () => {
    const r = rateHeaders({
      page: page(STRONG_HEADERS),
      redirect: undefined,
      cors: undefined,
      host: 'localhost',
    });
    // No cookies scores 0 in the cookies test; a __Host- Secure HttpOnly SameSite one, +5.
    assert.equal(r.score, 135);
    const withCookie = page({
      ...STRONG_HEADERS,
      'set-cookie': '__Host-s=1; Path=/; Secure; HttpOnly; SameSite=Strict',
    });
    assert.equal(
      rateHeaders({ page: withCookie, redirect: undefined, cors: undefined, host: 'localhost' })
        .score,
      140,
    );
    assert.equal(r.grade, 'A+');
    assert.ok(r.tests.every((t) => t.pass));
    assert.ok(requiredHeaderChecks(page(STRONG_HEADERS)).every((c) => c.ok));
  });

  it('withholds bonuses below 90 and penalises what the Observatory penalises', () => {
    const noFraming = { ...STRONG_HEADERS };
    delete noFraming['x-frame-options'];
    noFraming['content-security-policy'] =
      "default-src 'none'; script-src 'self'; object-src 'none'";
    const r = rateHeaders({
      page: page(noFraming),
      redirect: undefined,
      cors: undefined,
      host: 'localhost',
    });
    // -20 for framing: 80, so the CSP, referrer, SRI and CORP bonuses do not count.
    assert.equal(r.score, 80);
    assert.equal(r.grade, 'B+');
    const weak = rateHeaders({
      page: page({
        'content-security-policy': "default-src * 'unsafe-inline' 'unsafe-eval'",
        'set-cookie': 'sessionid=1; Path=/',
        'access-control-allow-origin': 'https://evil.example',
      }),
      redirect: { status: 200 },
      cors: page({
        'access-control-allow-origin': 'https://evil.example',
        'access-control-allow-credentials': 'true',
      }),
      host: 'localhost',
    });
    assert.equal(weak.score, 0);
    assert.equal(weak.grade, 'F');
    const untrusted = rateHeaders({
      page: page(STRONG_HEADERS, { trusted: false }),
      redirect: { status: 301, location: 'https://localhost/' },
      cors: undefined,
      host: 'localhost',
    });
    assert.equal(untrusted.tests.find((t) => t.name === 'strict-transport-security')?.pass, false);
    assert.equal(untrusted.tests.find((t) => t.name === 'redirection')?.modifier, -20);
  });

  it('flags banners, loose cookies and a missing Permissions-Policy', () => {
    const checks = requiredHeaderChecks(
      page({
        ...STRONG_HEADERS,
        'x-powered-by': 'Express',
        'set-cookie': 'sid=1; Secure',
        'permissions-policy': 'camera=()',
      }),
    );
    const failed = checks.filter((c) => !c.ok).map((c) => c.id);
    assert.ok(failed.includes('no version banners'));
    assert.ok(failed.includes('permissions-policy disables powerful features'));
    assert.ok(failed.some((id) => id.startsWith('cookie sid')));
  });
});

describe('doctor: CSP promises', () => {
  it('passes the strict app policy and fails an inline one', () => {
    assert.ok(appCspChecks(STRONG_HEADERS['content-security-policy'] ?? '').every((c) => c.ok));
    const loose = appCspChecks("default-src 'self'; script-src 'self' 'unsafe-inline'");
    assert.deepEqual(
      loose.filter((c) => !c.ok).map((c) => c.id),
      [
        "default-src 'none'",
        'scripts only from self',
        "object-src 'none'",
        "base-uri 'none'",
        'form-action self or none',
        "frame-ancestors 'none'",
        'upgrade-insecure-requests',
        'trusted types required for script',
      ],
    );
  });

  it('requires a bare sandbox on the user-content origin', () => {
    assert.ok(usercontentCspChecks("sandbox; default-src 'none'").every((c) => c.ok));
    assert.equal(usercontentCspChecks("sandbox allow-scripts; default-src 'none'")[0]?.ok, false);
  });
});

describe('doctor: against real servers on loopback', () => {
  let dir: string;
  let ca: Buffer;
  const servers: (http.Server | https.Server)[] = [];

  async function listen(server: http.Server | https.Server): Promise<number> {
    servers.push(server);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return (server.address() as AddressInfo).port;
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dw-doctor-'));
    const local = await ensureLocalCertificate(dir);
    ca = await readFile(local.caPath);
  });
  after(async () => {
    for (const s of servers) s.closeAllConnections?.();
    await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
    await rm(dir, { recursive: true, force: true });
  });

  async function material() {
    return {
      cert: await readFile(join(dir, 'tls', 'cert.pem')),
      key: await readFile(join(dir, 'tls', 'key.pem')),
    };
  }

  it('grades our hardened TLS options and headers A+ with every check passing', async () => {
    const hardened = https.createServer(tlsServerOptions(await material()), (_req, res) => {
      res.writeHead(200, { ...STRONG_HEADERS, 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE);
    });
    hardenTlsServer(hardened);
    const port = await listen(hardened);
    const httpPort = await listen(
      http.createServer((req, res) => {
        res.writeHead(301, { location: `https://localhost:${port}${req.url ?? '/'}` });
        res.end();
      }),
    );
    const report = await runDoctor({
      url: new URL(`https://localhost:${port}/`),
      ca: [ca],
      httpPort,
      timeoutMs: 5000,
      now: NOW,
    });
    assert.equal(report.tls?.rating.grade, 'A+', renderDoctorText(report));
    assert.equal(report.headers.grade, 'A+');
    assert.equal(report.headers.score, 135);
    assert.deepEqual(report.tls?.protocols, {
      TLSv1: report.tls?.protocols.TLSv1 === 'untestable' ? 'untestable' : 'refused',
      'TLSv1.1': report.tls?.protocols['TLSv1.1'] === 'untestable' ? 'untestable' : 'refused',
      'TLSv1.2': 'offered',
      'TLSv1.3': 'offered',
    });
    assert.ok(report.tls?.suites.every((s) => /GCM|CHACHA20/.test(s.name)));
    assert.equal(report.checks.filter((c) => !c.ok).length, 0, renderDoctorText(report));
    assert.equal(report.tls?.renegotiationRefused, true);
    assert.ok(report.ok);
  });

  it('fails a careless server and says why', async () => {
    const port = await listen(
      https.createServer(
        { ...(await material()), minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' },
        (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/html', 'x-powered-by': 'Express' });
          res.end('<!doctype html><script>alert(1)</script>');
        },
      ),
    );
    const report = await runDoctor({
      url: new URL(`https://localhost:${port}/`),
      ca: [ca],
      timeoutMs: 5000,
      now: NOW,
    });
    assert.equal(report.ok, false);
    assert.notEqual(report.tls?.rating.grade, 'A+');
    assert.ok(
      report.tls?.suites.some((s) => /CBC/.test(s.name)),
      'CBC suites are seen',
    );
    assert.ok(report.tls?.rating.caps.some((c) => /Strict-Transport-Security/.test(c.reason)));
    assert.equal(report.headers.grade, 'D');
    const failed = report.checks.filter((c) => !c.ok).map((c) => c.id);
    assert.ok(failed.includes('only ECDHE with AEAD (AES-GCM, ChaCha20-Poly1305)'));
    assert.ok(failed.includes('no version banners'));
    assert.ok(failed.includes('CSP present'));
    assert.match(renderDoctorText(report), /FAIL no version banners: Express/);
  });

  it('grades an untrusted chain T when the CA is not given', async () => {
    const port = await listen(
      https.createServer(tlsServerOptions(await material()), (_req, res) => {
        res.writeHead(200, { ...STRONG_HEADERS, 'content-type': 'text/html' });
        res.end(PAGE);
      }),
    );
    const report = await runDoctor({
      url: new URL(`https://localhost:${port}/`),
      timeoutMs: 5000,
      now: NOW,
    });
    assert.equal(report.tls?.rating.grade, 'T');
    assert.equal(
      report.headers.tests.find((t) => t.name === 'strict-transport-security')?.pass,
      false,
    );
  });
});

describe('depwarden doctor (CLI)', () => {
  it('answers user mistakes with exit 3 and a hint, an unreachable service with exit 2', async () => {
    const bad = await runInProcess(['doctor', 'not a url'], tmpdir());
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /not a URL/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
    const creds = await runInProcess(['doctor', 'https://user:pw@localhost/'], tmpdir());
    assert.equal(creds.code, 3);
    const ftp = await runInProcess(['doctor', 'ftp://localhost/'], tmpdir());
    assert.equal(ftp.code, 3);
    const noCa = await runInProcess(
      ['doctor', 'https://localhost/', '--ca', '/nonexistent.pem'],
      tmpdir(),
    );
    assert.equal(noCa.code, 3);
    // A port nothing listens on (bound, then closed).
    const probe = http.createServer();
    await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
    const { port } = probe.address() as AddressInfo;
    await new Promise((done) => probe.close(done));
    const down = await runInProcess(
      ['doctor', `https://127.0.0.1:${port}/`, '--timeout', '2000'],
      tmpdir(),
    );
    assert.equal(down.code, 2);
    assert.match(down.stderr, /cannot reach/);
  });
});
