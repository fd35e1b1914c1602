/**
 * `depwarden doctor`: checks a running report-service deployment from the outside, the way
 * the hardening tests check ours: which TLS versions and suites it accepts, its certificate,
 * the headers of its HTML page, its CSP (csp_evaluator plus our promises), the plain-HTTP
 * redirect and, when given, the user-content origin. Every probe is read-only: handshakes and
 * GET requests, nothing submitted, no cookies kept.
 *
 * The gathering (network) and the rating (pure, in tls-grade.ts and headers.ts) are apart so
 * the ratings are unit-tested on fixed inputs and the probe is tested against real servers.
 */
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { DepwardenError } from '../errors/index.js';
import { appCspChecks, evaluateCsp, usercontentCspChecks, type CspFinding } from './csp.js';
import {
  headerValues,
  hstsMaxAge,
  rateHeaders,
  requiredHeaderChecks,
  type Check,
  type FetchedResponse,
  type HeaderRating,
  type RedirectResult,
} from './headers.js';
import { rateTls, type TlsRating } from './tls-grade.js';
import { isIpLiteral, probeTls, type TlsProbe } from './tls-probe.js';

export { renderDoctorText } from './render.js';
export { classifySuite, rateTls, type Grade, type TlsRating } from './tls-grade.js';
export { rateHeaders, requiredHeaderChecks, type FetchedResponse } from './headers.js';
export { appCspChecks, usercontentCspChecks, evaluateCsp, parseCsp } from './csp.js';

export interface DoctorOptions {
  url: URL;
  /** Extra CAs to trust, PEM. */
  ca?: Buffer[];
  /** Port of the plain-HTTP listener to test the redirect on (default 80 when the URL uses 443). */
  httpPort?: number;
  usercontentUrl?: URL;
  timeoutMs?: number;
  now?: Date;
}

export interface DoctorReport {
  target: string;
  checkedAt: string;
  tls?: {
    rating: TlsRating;
    protocols: TlsProbe['protocols'];
    suites: TlsProbe['suites'];
    serverPreference: boolean | undefined;
    ocspStapled: boolean;
    renegotiationRefused: boolean | undefined;
    certificate?: {
      subject: string;
      issuer: string;
      validTo: string;
      key: string;
      daysLeft: number;
    };
  };
  headers: HeaderRating;
  csp: { findings: CspFinding[]; checks: Check[] };
  usercontent?: { url: string; status: number; checks: Check[]; findings: CspFinding[] };
  /** Every pass/fail check, across areas, for the summary and the exit code. */
  checks: (Check & { area: string })[];
  ok: boolean;
}

const MAX_BODY = 1024 * 1024;
const PROBE_ORIGIN = 'https://doctor-probe.depwarden.invalid';

interface FetchOptions {
  ca?: Buffer[];
  timeoutMs: number;
  headers?: Record<string, string>;
  /** Verify the chain; when it fails the page is fetched again unverified and marked so. */
  verify: boolean;
}

function get(url: URL, o: FetchOptions): Promise<FetchedResponse> {
  return new Promise((resolve, reject) => {
    const isHttps = url.protocol === 'https:';
    const request = (isHttps ? https : http).request(
      url,
      {
        method: 'GET',
        headers: { 'user-agent': 'depwarden-doctor', accept: 'text/html', ...o.headers },
        timeout: o.timeoutMs,
        ...(isHttps
          ? {
              ca: o.ca === undefined ? undefined : [...tls.rootCertificates, ...o.ca],
              rejectUnauthorized: o.verify,
              servername: isIpLiteral(url.hostname) ? undefined : url.hostname,
              agent: false,
            }
          : { agent: false }),
      },
      (res) => {
        const headers: [string, string][] = [];
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
          headers.push([(res.rawHeaders[i] ?? '').toLowerCase(), res.rawHeaders[i + 1] ?? '']);
        const isHtml = /text\/html/i.test(res.headers['content-type'] ?? '');
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < MAX_BODY && isHtml) chunks.push(c);
          size += c.length;
          if (size > MAX_BODY * 4) res.destroy();
        });
        const done = () =>
          resolve({
            url: url.href,
            status: res.statusCode ?? 0,
            headers,
            ...(isHtml
              ? { html: Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8') }
              : {}),
            trusted: isHttps && o.verify,
          });
        res.on('end', done);
        res.on('close', done);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${o.timeoutMs} ms`)));
    request.on('error', reject);
    request.end();
  });
}

async function getPage(url: URL, o: Omit<FetchOptions, 'verify'>): Promise<FetchedResponse> {
  try {
    return await get(url, { ...o, verify: true });
  } catch (err) {
    if (url.protocol !== 'https:' || !isCertificateError(err)) throw err;
    return get(url, { ...o, verify: false });
  }
}

function isCertificateError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS_CERT_ALTNAME|HOSTNAME/.test(code);
}

function unreachable(url: URL, err: unknown): DepwardenError {
  return new DepwardenError(
    'SERVER_UNREACHABLE',
    `cannot reach ${url.origin}: ${(err as Error).message}`,
    { hint: 'Check the URL and that the service listens there (and --ca for a private CA).' },
  );
}

async function checkRedirect(
  o: DoctorOptions,
  timeoutMs: number,
): Promise<RedirectResult | undefined> {
  const port = o.httpPort ?? (o.url.port === '' ? 80 : undefined);
  if (port === undefined) return undefined;
  const target = new URL(o.url.href);
  target.protocol = 'http:';
  target.port = port === 80 ? '' : String(port);
  try {
    const r = await get(target, { timeoutMs, verify: false });
    const location = headerValues(r, 'location')[0];
    return { status: r.status, ...(location === undefined ? {} : { location }) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET') return { noListener: true };
    return { status: 0 };
  }
}

export async function runDoctor(o: DoctorOptions): Promise<DoctorReport> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const now = o.now ?? new Date();
  const url = o.url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const checks: DoctorReport['checks'] = [];

  let page: FetchedResponse;
  try {
    page = await getPage(url, { ...(o.ca === undefined ? {} : { ca: o.ca }), timeoutMs });
  } catch (err) {
    throw unreachable(url, err);
  }
  const cors = await get(url, {
    ...(o.ca === undefined ? {} : { ca: o.ca }),
    timeoutMs,
    verify: false,
    headers: { origin: PROBE_ORIGIN },
  }).catch(() => undefined);
  const redirect = await checkRedirect(o, timeoutMs);
  const headers = rateHeaders({ page, redirect, cors, host });

  let tlsReport: DoctorReport['tls'];
  if (url.protocol === 'https:') {
    const probe = await probeTls({
      host,
      port,
      servername: host,
      ...(o.ca === undefined ? {} : { ca: o.ca }),
      timeoutMs,
    });
    const cert = probe.best?.peerCertificate;
    const nameMatches =
      cert === undefined
        ? false
        : isIpLiteral(host)
          ? cert.checkIP(host) !== undefined
          : cert.checkHost(host) !== undefined;
    const rating = rateTls({
      probe,
      hstsMaxAge: hstsMaxAge(headerValues(page, 'strict-transport-security')[0]),
      nameMatches,
      now,
    });
    const key = cert?.publicKey;
    tlsReport = {
      rating,
      protocols: probe.protocols,
      suites: probe.suites,
      serverPreference: probe.serverPreference,
      ocspStapled: probe.ocspStapled,
      renegotiationRefused: probe.renegotiationRefused,
      ...(cert === undefined
        ? {}
        : {
            certificate: {
              subject: cert.subject.replace(/\n/g, ', '),
              issuer: cert.issuer.replace(/\n/g, ', '),
              validTo: new Date(cert.validTo).toISOString(),
              key:
                key?.asymmetricKeyType === 'ec'
                  ? `EC ${key.asymmetricKeyDetails?.namedCurve ?? ''}`.trim()
                  : `${(key?.asymmetricKeyType ?? 'unknown').toUpperCase()} ${key?.asymmetricKeyDetails?.modulusLength ?? ''}`.trim(),
              daysLeft: Math.floor((Date.parse(cert.validTo) - now.getTime()) / 86_400_000),
            },
          }),
    };
    const tlsCheck = (id: string, ok: boolean, detail: string) =>
      checks.push({ area: 'tls', id, ok, detail });
    tlsCheck('TLS grade A+', rating.grade === 'A+', `${rating.grade} (score ${rating.score})`);
    tlsCheck(
      'only TLS 1.2 and 1.3',
      probe.protocols.TLSv1 !== 'offered' && probe.protocols['TLSv1.1'] !== 'offered',
      Object.entries(probe.protocols)
        .filter(([, s]) => s === 'offered')
        .map(([v]) => v)
        .join(', '),
    );
    const weak = probe.suites.filter(
      (s) => !/_GCM_|CHACHA20_POLY1305/.test(s.name) || !/^TLS_(ECDHE_|AES_|CHACHA20)/.test(s.name),
    );
    tlsCheck(
      'only ECDHE with AEAD (AES-GCM, ChaCha20-Poly1305)',
      weak.length === 0 && probe.suites.length > 0,
      weak.length === 0
        ? `${probe.suites.length} suites`
        : `also: ${weak.map((s) => s.name).join(', ')}`,
    );
    tlsCheck(
      'server cipher preference',
      probe.serverPreference !== false,
      String(probe.serverPreference ?? 'not tested'),
    );
    tlsCheck(
      'client renegotiation refused',
      probe.renegotiationRefused !== false,
      String(probe.renegotiationRefused ?? 'not tested'),
    );
    tlsCheck(
      'certificate valid for 14 days or more',
      (tlsReport.certificate?.daysLeft ?? -1) >= 14,
      `${tlsReport.certificate?.daysLeft ?? '?'} days left`,
    );
  } else {
    checks.push({ area: 'tls', id: 'served over HTTPS', ok: false, detail: url.href });
  }

  for (const t of headers.tests)
    checks.push({
      area: 'headers',
      id: t.name,
      ok: t.pass,
      detail: `${t.result} (${t.modifier >= 0 ? '+' : ''}${t.modifier})`,
    });
  checks.push({
    area: 'headers',
    id: 'header grade A+',
    ok: headers.score >= 100,
    detail: `${headers.grade} (${headers.score})`,
  });
  for (const c of requiredHeaderChecks(page)) checks.push({ area: 'headers', ...c });

  const policy = headerValues(page, 'content-security-policy').join(', ');
  const findings = policy === '' ? [] : await evaluateCsp(policy);
  const cspChecks =
    policy === '' ? [{ id: 'CSP present', ok: false, detail: 'missing' }] : appCspChecks(policy);
  for (const c of cspChecks) checks.push({ area: 'csp', ...c });
  const high = findings.filter((f) => f.severity === 'HIGH' || f.severity === 'SYNTAX');
  checks.push({
    area: 'csp',
    id: 'csp_evaluator: no high-severity finding',
    ok: high.length === 0,
    detail:
      high.length === 0
        ? `${findings.length} lower findings`
        : high.map((f) => `${f.directive}: ${f.description}`).join('; '),
  });

  let usercontent: DoctorReport['usercontent'];
  if (o.usercontentUrl !== undefined) {
    const uc = await getPage(o.usercontentUrl, {
      ...(o.ca === undefined ? {} : { ca: o.ca }),
      timeoutMs,
    }).catch((err: unknown) => {
      throw unreachable(o.usercontentUrl as URL, err);
    });
    const ucPolicy = headerValues(uc, 'content-security-policy').join(', ');
    const ucChecks: Check[] = [
      ...(ucPolicy === ''
        ? [{ id: 'CSP present', ok: false, detail: 'missing' }]
        : usercontentCspChecks(ucPolicy)),
      {
        id: 'x-content-type-options nosniff',
        ok: headerValues(uc, 'x-content-type-options')[0] === 'nosniff',
        detail: headerValues(uc, 'x-content-type-options')[0] ?? 'missing',
      },
      {
        id: 'cross-origin-resource-policy same-site or stricter',
        ok: /^(same-site|same-origin)$/.test(
          headerValues(uc, 'cross-origin-resource-policy')[0] ?? '',
        ),
        detail: headerValues(uc, 'cross-origin-resource-policy')[0] ?? 'missing',
      },
      {
        id: 'no cookies',
        ok: headerValues(uc, 'set-cookie').length === 0,
        detail: `${headerValues(uc, 'set-cookie').length} set`,
      },
      {
        id: 'a different origin from the app',
        ok: o.usercontentUrl.origin !== url.origin,
        detail: o.usercontentUrl.origin,
      },
    ];
    for (const c of ucChecks) checks.push({ area: 'usercontent', ...c });
    usercontent = {
      url: o.usercontentUrl.href,
      status: uc.status,
      checks: ucChecks,
      findings: ucPolicy === '' ? [] : await evaluateCsp(ucPolicy),
    };
  }

  return {
    target: url.href,
    checkedAt: now.toISOString(),
    ...(tlsReport === undefined ? {} : { tls: tlsReport }),
    headers,
    csp: { findings, checks: cspChecks },
    ...(usercontent === undefined ? {} : { usercontent }),
    checks,
    ok: checks.every((c) => c.ok),
  };
}
