/**
 * OCSP stapling: when the server certificate names an OCSP responder, the server asks it for
 * the certificate's status in the background, keeps the signed answer until shortly before
 * it goes stale, and hands it to clients in the handshake. A handshake never waits on the
 * network: it gets the cached answer or none.
 *
 * An answer is kept only when it is a successful basic response about exactly our
 * certificate, signed by the issuer or by a responder the issuer delegated (id-kp-OCSPSigning),
 * current by its own dates, and says good or revoked (a revoked certificate is stapled too,
 * and said loudly: a client learns it at once instead of trusting the certificate). Anything
 * else is logged and dropped, and the request is retried later with back-off.
 *
 * The request is DER built with the ASN.1 schemas of @peculiar/asn1-ocsp (the same family as
 * the certificate code in x509.ts): it has no other source in Node, and writing DER by hand
 * would duplicate what that package already tests.
 */
import { X509Certificate, createHash, verify as verifySignature } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate } from '@peculiar/asn1-x509';
import {
  BasicOCSPResponse,
  CertID,
  OCSPRequest,
  OCSPResponse,
  OCSPResponseStatus,
  Request,
  TBSRequest,
  id_kp_OCSPSigning,
  id_pkix_ocsp_basic,
} from '@peculiar/asn1-ocsp';

const SHA1 = '1.3.14.3.2.26';
/** Signature algorithms of responses we can check, by OID: the hash node:crypto takes. */
const SIGNATURE_HASHES: Record<string, string | null> = Object.assign(Object.create(null), {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null,
}) as Record<string, string | null>;

/** An OCSP answer larger than this is not one. */
export const MAX_OCSP_RESPONSE_BYTES = 64 * 1024;
const FETCH_TIMEOUT_MS = 10_000;
/** Clocks differ: an answer made this far in the future is still accepted. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
/** How long an answer without nextUpdate is kept. */
const NO_NEXT_UPDATE_MS = 60 * 60 * 1000;
const MIN_REFRESH_MS = 60 * 1000;
const RETRY_MIN_MS = 60 * 1000;
const RETRY_MAX_MS = 60 * 60 * 1000;
/** A long-lived answer is still looked at daily (and timers cannot wait past 24.8 days). */
const MAX_TIMER_MS = 24 * 60 * 60 * 1000;

export type OcspFetch = (url: string, request: Buffer) => Promise<Buffer>;

export interface OcspOptions {
  /** Where diagnostics go (one line each). */
  log?: (line: string) => void;
  /** Sends the DER request and returns the DER answer; default: HTTP POST with undici. */
  fetch?: OcspFetch;
  now?: () => number;
}

interface Staple {
  der: Buffer;
  /** Not served from this time on (nextUpdate). */
  expiresAt: number;
  /** Fetched again from this time on. */
  refreshAt: number;
}

/** The OCSP responder URL of a certificate (its Authority Information Access), if any. */
export function ocspResponderUrl(cert: X509Certificate): string | undefined {
  const info = cert.infoAccess;
  if (info === undefined) return undefined;
  for (const line of info.split('\n')) {
    const m = /^OCSP - URI:(.*)$/.exec(line.trim());
    if (m === null) continue;
    let value = m[1]!;
    // Node quotes values that hold separators (JSON string syntax).
    if (value.startsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        continue;
      }
    }
    try {
      const url = new URL(value);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.toString();
    } catch {
      // not a URL: look at the next entry
    }
  }
  return undefined;
}

function sha1(bytes: Uint8Array | ArrayBuffer): Buffer {
  return createHash('sha1')
    .update(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes)
    .digest();
}

function sameBytes(a: ArrayBuffer | Uint8Array, b: ArrayBuffer | Uint8Array): boolean {
  return Buffer.from(a as ArrayBuffer).equals(Buffer.from(b as ArrayBuffer));
}

/** The CertID of a certificate (SHA-1 hashes, as RFC 5019 profiles and responders expect). */
function certId(leaf: X509Certificate, issuer: X509Certificate): CertID {
  const leafAsn = AsnConvert.parse(leaf.raw, Certificate);
  const issuerAsn = AsnConvert.parse(issuer.raw, Certificate);
  return new CertID({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm: SHA1, parameters: null }),
    issuerNameHash: new OctetString(sha1(AsnConvert.serialize(issuerAsn.tbsCertificate.subject))),
    issuerKeyHash: new OctetString(
      sha1(issuerAsn.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey),
    ),
    serialNumber: leafAsn.tbsCertificate.serialNumber,
  });
}

/** The DER OCSP request for one certificate (no nonce: a stapled answer is shared by all). */
export function buildOcspRequest(leaf: X509Certificate, issuer: X509Certificate): Buffer {
  const request = new OCSPRequest({
    tbsRequest: new TBSRequest({ requestList: [new Request({ reqCert: certId(leaf, issuer) })] }),
  });
  return Buffer.from(AsnConvert.serialize(request));
}

export interface CheckedOcspResponse {
  status: 'good' | 'revoked';
  thisUpdate: Date;
  nextUpdate?: Date;
}

/**
 * Checks a DER OCSP answer about `leaf` issued by `issuer`: throws with the reason when it
 * must not be stapled.
 */
export function checkOcspResponse(
  der: Buffer,
  leaf: X509Certificate,
  issuer: X509Certificate,
  now: number,
): CheckedOcspResponse {
  const limits = { berOptions: { maxDepth: 32, maxNodes: 2000, maxContentLength: der.length } };
  const response = AsnConvert.parse(der, OCSPResponse, limits);
  if (response.responseStatus !== OCSPResponseStatus.successful)
    throw new Error(
      `the responder answered ${OCSPResponseStatus[response.responseStatus] ?? response.responseStatus}`,
    );
  if (response.responseBytes?.responseType !== id_pkix_ocsp_basic)
    throw new Error('the answer is not a basic OCSP response');
  const basic = AsnConvert.parse(response.responseBytes.response.buffer, BasicOCSPResponse, limits);
  const signed = basic.tbsResponseDataRaw;
  if (signed === undefined) throw new Error('the answer has no signed data');
  const algorithm = basic.signatureAlgorithm.algorithm;
  if (!(algorithm in SIGNATURE_HASHES))
    throw new Error(`the answer is signed with an algorithm not supported here (${algorithm})`);
  const hash = SIGNATURE_HASHES[algorithm]!;
  const signedBy = (cert: X509Certificate) =>
    verifySignature(hash, Buffer.from(signed), cert.publicKey, Buffer.from(basic.signature));
  // The issuer itself, or a responder certificate it issued for OCSP signing only.
  let trusted = signedBy(issuer);
  if (!trusted)
    for (const c of (basic.certs ?? []).slice(0, 4)) {
      const responder = new X509Certificate(Buffer.from(AsnConvert.serialize(c)));
      if (
        responder.checkIssued(issuer) &&
        responder.verify(issuer.publicKey) &&
        (responder.keyUsage ?? []).includes(id_kp_OCSPSigning) &&
        new Date(responder.validFrom).getTime() <= now + CLOCK_SKEW_MS &&
        new Date(responder.validTo).getTime() > now &&
        signedBy(responder)
      ) {
        trusted = true;
        break;
      }
    }
  if (!trusted) throw new Error('the answer is not signed by the issuer or its OCSP responder');

  const id = certId(leaf, issuer);
  const single = basic.tbsResponseData.responses.find(
    (r) =>
      sameBytes(r.certID.serialNumber, id.serialNumber) &&
      (r.certID.hashAlgorithm.algorithm !== SHA1 ||
        (sameBytes(r.certID.issuerNameHash.buffer, id.issuerNameHash.buffer) &&
          sameBytes(r.certID.issuerKeyHash.buffer, id.issuerKeyHash.buffer))),
  );
  if (single === undefined) throw new Error('the answer is not about this certificate');
  if (single.thisUpdate.getTime() > now + CLOCK_SKEW_MS)
    throw new Error('the answer is dated in the future');
  if (single.nextUpdate !== undefined && single.nextUpdate.getTime() <= now)
    throw new Error('the answer is stale (its nextUpdate has passed)');
  if (single.certStatus.good !== undefined)
    return {
      status: 'good',
      thisUpdate: single.thisUpdate,
      ...(single.nextUpdate === undefined ? {} : { nextUpdate: single.nextUpdate }),
    };
  if (single.certStatus.revoked !== undefined)
    return {
      status: 'revoked',
      thisUpdate: single.thisUpdate,
      ...(single.nextUpdate === undefined ? {} : { nextUpdate: single.nextUpdate }),
    };
  throw new Error('the responder does not know this certificate (status unknown)');
}

/** POST with undici: bounded in time and size. */
export const httpOcspFetch: OcspFetch = async (url, body) => {
  const { request } = await import('undici');
  const res = await request(url, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/ocsp-request',
      accept: 'application/ocsp-response',
    },
    headersTimeout: FETCH_TIMEOUT_MS,
    bodyTimeout: FETCH_TIMEOUT_MS,
  });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > MAX_OCSP_RESPONSE_BYTES) {
      res.body.destroy();
      throw new Error(`the responder sent more than ${MAX_OCSP_RESPONSE_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  if (res.statusCode !== 200) throw new Error(`the responder answered HTTP ${res.statusCode}`);
  return Buffer.concat(chunks);
};

/**
 * Keeps a current OCSP answer for one certificate. `forChain` returns undefined when the
 * certificate names no responder or the chain lacks its issuer (nothing to staple then).
 */
export class OcspStapler {
  readonly url: string;
  private readonly leaf: X509Certificate;
  private readonly issuer: X509Certificate;
  private readonly log: (line: string) => void;
  private readonly fetcher: OcspFetch;
  private readonly now: () => number;
  private staple: Staple | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = false;
  private inFlight: Promise<boolean> | undefined;

  private constructor(
    url: string,
    leaf: X509Certificate,
    issuer: X509Certificate,
    options: OcspOptions,
  ) {
    this.url = url;
    this.leaf = leaf;
    this.issuer = issuer;
    this.log = options.log ?? (() => undefined);
    this.fetcher = options.fetch ?? httpOcspFetch;
    this.now = options.now ?? Date.now;
  }

  static forChain(chain: X509Certificate[], options: OcspOptions = {}): OcspStapler | undefined {
    const leaf = chain[0];
    if (leaf === undefined) return undefined;
    const url = ocspResponderUrl(leaf);
    if (url === undefined) return undefined;
    const issuer = chain.slice(1).find((c) => leaf.checkIssued(c) && leaf.verify(c.publicKey));
    if (issuer === undefined) {
      options.log?.(
        `OCSP stapling off: the certificate names a responder (${url}) but its file lacks the issuing certificate; append the intermediate to --tls-cert`,
      );
      return undefined;
    }
    return new OcspStapler(url, leaf, issuer, options);
  }

  /** The cached answer for this certificate while it is current; never waits. */
  response(certificate?: Buffer): Buffer | undefined {
    if (certificate !== undefined && !certificate.equals(this.leaf.raw)) return undefined;
    const staple = this.staple;
    if (staple === undefined || this.now() >= staple.expiresAt) return undefined;
    return staple.der;
  }

  /** Fetches now (one request at a time); true when a current answer is cached after it. */
  refresh(): Promise<boolean> {
    this.inFlight ??= this.fetchOnce().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Fetches now and then whenever the answer nears its end, until stop(). */
  start(): void {
    this.stopped = false;
    void this.refresh().then(() => this.schedule());
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.stopped) return;
    const now = this.now();
    const delay =
      this.failures === 0 && this.staple !== undefined
        ? Math.min(Math.max(this.staple.refreshAt - now, MIN_REFRESH_MS), MAX_TIMER_MS)
        : Math.min(RETRY_MIN_MS * 2 ** Math.min(this.failures - 1, 10), RETRY_MAX_MS);
    this.timer = setTimeout(() => void this.refresh().then(() => this.schedule()), delay);
    this.timer.unref();
  }

  private async fetchOnce(): Promise<boolean> {
    try {
      const der = await this.fetcher(this.url, buildOcspRequest(this.leaf, this.issuer));
      const now = this.now();
      const checked = checkOcspResponse(der, this.leaf, this.issuer, now);
      const thisUpdate = checked.thisUpdate.getTime();
      const expiresAt = checked.nextUpdate?.getTime() ?? now + NO_NEXT_UPDATE_MS;
      // Halfway through the answer's life, as responders publish the next one well before.
      const refreshAt = Math.max(now, thisUpdate) + (expiresAt - Math.max(now, thisUpdate)) / 2;
      this.staple = { der, expiresAt, refreshAt };
      if (checked.status === 'revoked')
        this.log(
          `OCSP: the responder says the TLS certificate is REVOKED; clients will refuse it: replace it`,
        );
      this.failures = 0;
      return true;
    } catch (err) {
      this.failures++;
      this.log(
        `OCSP: no new answer from ${this.url}: ${(err as Error).message}${this.response() === undefined ? '' : ' (the previous answer is still stapled while it is current)'}`,
      );
      return this.response() !== undefined;
    }
  }
}
