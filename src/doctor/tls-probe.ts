/**
 * Probes what a TLS server offers, the way a grader does: one handshake per protocol version
 * and one per cipher suite, each time offering the client only that one thing, so what
 * succeeds is exactly what the server accepts. Nothing is sent after the handshake.
 *
 * The client is Node's own OpenSSL, so the probe sees what OpenSSL can still speak (TLS 1.0
 * and 1.1 at security level 0; SSLv2/SSLv3 are not compiled in and are reported as not
 * testable rather than absent).
 */
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';

export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
export const TLS_VERSIONS: readonly TlsVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

export interface ProbeTarget {
  host: string;
  port: number;
  /** The name sent as SNI and checked against the certificate. */
  servername: string;
  /** Extra CAs to trust (added to Node's own roots, not replacing them). */
  ca?: Buffer[];
  timeoutMs: number;
}

export interface HandshakeResult {
  ok: boolean;
  protocol?: string;
  cipher?: string;
  /** Why it failed: the alert or socket error (short). */
  error?: string;
  authorized?: boolean;
  authorizationError?: string;
  peerCertificate?: X509Certificate;
  chain?: X509Certificate[];
  ephemeralKey?: { type: string; name?: string; size: number };
  ocspStapled?: boolean;
  /** The server refused a client-initiated renegotiation (only when asked to try). */
  renegotiationRefused?: boolean;
}

interface HandshakeOptions {
  minVersion: TlsVersion;
  maxVersion: TlsVersion;
  ciphers?: string;
  requestOCSP?: boolean;
  tryRenegotiation?: boolean;
}

/** Trust for the chain check: Node's roots plus the extra CAs. */
function trustedCa(target: ProbeTarget): (string | Buffer)[] | undefined {
  return target.ca === undefined ? undefined : [...tls.rootCertificates, ...target.ca];
}

function chainOf(socket: tls.TLSSocket): X509Certificate[] {
  const out: X509Certificate[] = [];
  let cert = socket.getPeerCertificate(true);
  const seen = new Set<string>();
  // The issuer links of a self-signed root point at itself: stop at the first repeat.
  while (cert?.raw !== undefined && !seen.has(cert.fingerprint256) && out.length < 10) {
    seen.add(cert.fingerprint256);
    out.push(new X509Certificate(cert.raw));
    cert = cert.issuerCertificate;
  }
  return out;
}

export function handshake(target: ProbeTarget, o: HandshakeOptions): Promise<HandshakeResult> {
  return new Promise((resolve) => {
    let settled = false;
    let stapled = false;
    const finish = (result: HandshakeResult, socket?: tls.TLSSocket) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      resolve(result);
    };
    // requestOCSP is a TLSSocket option that tls.connect passes through; its types omit it.
    const socket = tls.connect({
      host: target.host,
      port: target.port,
      servername: isIpLiteral(target.servername) ? undefined : target.servername,
      minVersion: o.minVersion,
      maxVersion: o.maxVersion,
      // Level 0 lets the client offer what a careless server still accepts (TLS 1.0, 1.1).
      // A TLS 1.3 suite alone leaves OpenSSL an empty TLS 1.2 list, which it refuses.
      ciphers: `${o.ciphers ?? 'ALL'}${o.ciphers?.startsWith('TLS_') === true ? ':ALL' : ''}:@SECLEVEL=0`,
      ca: trustedCa(target),
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
      ...({ requestOCSP: o.requestOCSP === true } as tls.ConnectionOptions),
    });
    const timer = setTimeout(
      () => finish({ ok: false, error: `no answer within ${target.timeoutMs} ms` }, socket),
      target.timeoutMs,
    );
    socket.on('OCSPResponse', (response: Buffer | null) => {
      if (response !== null && response.length > 0) stapled = true;
    });
    socket.once('error', (err: NodeJS.ErrnoException) =>
      finish({ ok: false, error: shortError(err) }, socket),
    );
    socket.once('secureConnect', () => {
      const key = socket.getEphemeralKeyInfo();
      const result: HandshakeResult = {
        ok: true,
        protocol: socket.getProtocol() ?? undefined,
        cipher: socket.getCipher().standardName,
        authorized: socket.authorized,
        ...(socket.authorizationError === null || socket.authorizationError === undefined
          ? {}
          : { authorizationError: String(socket.authorizationError) }),
        chain: chainOf(socket),
        ocspStapled: stapled,
        ...(key !== null && typeof key === 'object' && 'type' in key && key.type !== undefined
          ? {
              ephemeralKey: {
                type: key.type,
                ...(key.name === undefined ? {} : { name: key.name }),
                size: key.size ?? 0,
              },
            }
          : {}),
      };
      result.peerCertificate = result.chain?.[0];
      if (o.tryRenegotiation !== true || socket.getProtocol() === 'TLSv1.3') {
        finish(result, socket);
        return;
      }
      // A server that refuses answers with an alert or closes; one that accepts completes.
      // Data must flow for the new handshake to run, so a request follows; an inconclusive
      // attempt (neither within the time) leaves the field unset, never fails the probe.
      clearTimeout(timer);
      const renegotiationTimer = setTimeout(() => finish(result, socket), target.timeoutMs);
      const settle = (refused: boolean) => {
        clearTimeout(renegotiationTimer);
        finish({ ...result, renegotiationRefused: refused }, socket);
      };
      socket.removeAllListeners('error');
      socket.on('error', () => settle(true));
      socket.once('close', () => settle(true));
      socket.on('data', () => undefined);
      const asked = socket.renegotiate({ rejectUnauthorized: false }, (err) =>
        settle(err !== null && err !== undefined),
      );
      if (asked) socket.write('HEAD / HTTP/1.1\r\nHost: probe\r\n\r\n');
      else settle(true);
    });
  });
}

function shortError(err: NodeJS.ErrnoException): string {
  const reason = (err as { reason?: string }).reason;
  return (reason ?? err.code ?? err.message).slice(0, 200);
}

export function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

/** TLS 1.2-and-older suites Node's OpenSSL can offer, by OpenSSL name (PSK/SRP need secrets). */
export function legacySuites(): string[] {
  return tls
    .getCiphers()
    .filter((c) => !c.startsWith('tls_') && !/psk|srp/.test(c))
    .map((c) => c.toUpperCase())
    .concat(['DES-CBC3-SHA', 'ECDHE-RSA-DES-CBC3-SHA', 'RC4-SHA', 'RC4-MD5']);
}

export const TLS13_SUITES = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_128_CCM_SHA256',
  'TLS_AES_128_CCM_8_SHA256',
] as const;

export interface TlsProbe {
  /** Per version: offered, refused, or not testable by this client. */
  protocols: Record<TlsVersion, 'offered' | 'refused' | 'untestable'>;
  /** Suites the server accepted, by IANA name, with the protocol they were seen on. */
  suites: { name: string; protocol: string }[];
  /** Which suite the server picks when the client prefers the weakest first. */
  serverPreference: boolean | undefined;
  best?: HandshakeResult;
  ocspStapled: boolean;
  renegotiationRefused: boolean | undefined;
  /** Set when nothing completed: the reason of the last failure. */
  unreachable?: string;
}

/** Whether this client can offer `version` at all (OpenSSL builds differ). */
function clientSupports(version: TlsVersion): boolean {
  try {
    tls.createSecureContext({
      minVersion: version,
      maxVersion: version,
      ciphers: 'ALL:@SECLEVEL=0',
    });
    return true;
  } catch {
    return false;
  }
}

/** Runs every probe, a few handshakes at a time. */
export async function probeTls(target: ProbeTarget): Promise<TlsProbe> {
  const protocols = {} as TlsProbe['protocols'];
  let best: HandshakeResult | undefined;
  let lastError = 'no handshake completed';
  for (const v of TLS_VERSIONS) {
    if (!clientSupports(v)) {
      protocols[v] = 'untestable';
      continue;
    }
    const r = await handshake(target, {
      minVersion: v,
      maxVersion: v,
      requestOCSP: true,
      tryRenegotiation: v === 'TLSv1.2',
    });
    protocols[v] = r.ok ? 'offered' : 'refused';
    if (r.ok) best = r;
    else lastError = r.error ?? lastError;
  }
  if (best === undefined)
    return {
      protocols,
      suites: [],
      serverPreference: undefined,
      ocspStapled: false,
      renegotiationRefused: undefined,
      unreachable: lastError,
    };

  const jobs: { minVersion: TlsVersion; maxVersion: TlsVersion; ciphers: string }[] = [];
  for (const v of ['TLSv1', 'TLSv1.1', 'TLSv1.2'] as const)
    if (protocols[v] === 'offered')
      for (const suite of legacySuites())
        jobs.push({ minVersion: v, maxVersion: v, ciphers: suite });
  if (protocols['TLSv1.3'] === 'offered')
    for (const suite of TLS13_SUITES)
      jobs.push({ minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', ciphers: suite });

  const suites = new Map<string, string>();
  const queue = [...jobs];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
        const r = await handshake(target, job).catch(() => undefined);
        if (r?.ok === true && r.cipher !== undefined && r.protocol !== undefined)
          suites.set(`${r.protocol} ${r.cipher}`, r.protocol);
      }
    }),
  );

  const renegotiation = await handshake(target, {
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
    tryRenegotiation: true,
  });
  return {
    protocols,
    suites: [...suites].map(([key, protocol]) => ({
      name: key.slice(protocol.length + 1),
      protocol,
    })),
    serverPreference: await serverPrefersItsOrder(target, protocols),
    best,
    ocspStapled: best.ocspStapled === true,
    renegotiationRefused:
      protocols['TLSv1.2'] === 'offered' ? renegotiation.renegotiationRefused : undefined,
  };
}

/**
 * Offers two accepted TLS 1.2 suites in both orders: a server that enforces its own
 * preference picks the same one both times.
 */
async function serverPrefersItsOrder(
  target: ProbeTarget,
  protocols: TlsProbe['protocols'],
): Promise<boolean | undefined> {
  if (protocols['TLSv1.2'] !== 'offered') return undefined;
  const pair = [
    'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256',
    'ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384',
  ];
  const opts = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } as const;
  const a = await handshake(target, { ...opts, ciphers: `${pair[0]}:${pair[1]}` });
  const b = await handshake(target, { ...opts, ciphers: `${pair[1]}:${pair[0]}` });
  if (!a.ok || !b.ok) return undefined;
  return a.cipher === b.cipher;
}
