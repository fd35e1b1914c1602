/**
 * The TLS rating, a pure function of what the probe saw. It follows the published SSL Labs
 * Server Rating Guide as testssl.sh 3.2 implements it (docs/deploy.md has the table): a score
 * from protocol, key exchange and cipher strength, then caps for known weaknesses, trust and
 * HSTS, then A+ for an A with no cap. Our own stricter promises (AEAD-only
 * TLS 1.2, no CBC) are separate checks, not part of the grade, so the grade stays comparable
 * with what the public graders say.
 */
import type { X509Certificate } from 'node:crypto';
import type { TlsProbe } from './tls-probe.js';

export type Grade = 'A+' | 'A' | 'A-' | 'B' | 'C' | 'D' | 'E' | 'F' | 'T' | 'M';

export interface SuiteClass {
  aead: boolean;
  forwardSecret: boolean;
  bits: number;
  /** RC4, 3DES, NULL, export or anonymous: broken outright. */
  broken: boolean;
  cbc: boolean;
}

/** Classifies a suite from its IANA name (TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256). */
export function classifySuite(name: string): SuiteClass {
  const n = name.toUpperCase();
  const tls13 = !n.includes('_WITH_');
  const aead = /_GCM_|_CCM|CHACHA20_POLY1305/.test(n);
  const bits = /3DES|DES_EDE/.test(n)
    ? 112
    : /_256_|CHACHA20/.test(n)
      ? 256
      : /_128_/.test(n)
        ? 128
        : /RC4_128/.test(n)
          ? 128
          : /_40_|_56_|EXPORT|_DES_CBC_/.test(n)
            ? 56
            : 0;
  return {
    aead,
    forwardSecret: tls13 || /^TLS_(ECDHE|DHE)_/.test(n),
    bits,
    broken: /RC4|3DES|DES_EDE|_NULL_|EXPORT|_ANON_|_DES_CBC_/.test(n),
    cbc: /_CBC_/.test(n),
  };
}

export interface TlsRating {
  grade: Grade;
  score: number;
  protocolScore: number;
  keyExchangeScore: number;
  cipherScore: number;
  /** Each cap that applied, with the grade it caps at. */
  caps: { grade: Grade; reason: string }[];
  /** Worth fixing but not rating inputs (testssl grades a server offering CBC suites A+). */
  notes: string[];
}

const PROTOCOL_POINTS: Record<string, number> = {
  'TLSv1.3': 100,
  'TLSv1.2': 100,
  'TLSv1.1': 95,
  TLSv1: 90,
};

function cipherPoints(bits: number): number {
  return bits >= 256 ? 100 : bits >= 128 ? 80 : 20;
}

/** Key size in "RSA-equivalent" scoring: EC keys score on their curve size. */
function keyExchangePoints(cert: X509Certificate | undefined, ephemeralBits: number): number {
  const details = cert?.publicKey.asymmetricKeyDetails;
  const type = cert?.publicKey.asymmetricKeyType;
  let points = 100;
  if (type === 'rsa' || type === 'rsa-pss' || type === 'dsa') {
    const bits = details?.modulusLength ?? 0;
    points = bits < 2048 ? 80 : bits < 4096 ? 90 : 100;
  } else if (type === 'ec') {
    const curveBits = curveSize(details?.namedCurve);
    points = curveBits < 225 ? 90 : 100;
  }
  // The ephemeral key counts too: the weaker of the two is the exchange's strength.
  if (ephemeralBits > 0 && ephemeralBits < 225) points = Math.min(points, 90);
  return points;
}

function curveSize(curve: string | undefined): number {
  const m = /(\d{3})/.exec(curve ?? '');
  return m === null ? 256 : Number(m[1]);
}

const ORDER: Grade[] = ['A+', 'A', 'A-', 'B', 'C', 'D', 'E', 'F', 'T', 'M'];

export function gradeRank(g: Grade): number {
  return ORDER.indexOf(g);
}

export function letterFor(score: number): Grade {
  return score >= 80
    ? 'A'
    : score >= 65
      ? 'B'
      : score >= 50
        ? 'C'
        : score >= 35
          ? 'D'
          : score >= 20
            ? 'E'
            : 'F';
}

export interface RatingInput {
  probe: TlsProbe;
  /** The Strict-Transport-Security max-age seen on the HTTPS page, if any. */
  hstsMaxAge: number | undefined;
  /** The certificate matches the host name asked for. */
  nameMatches: boolean;
  now: Date;
}

export function rateTls({ probe, hstsMaxAge, nameMatches, now }: RatingInput): TlsRating {
  const caps: TlsRating['caps'] = [];
  const notes: string[] = [];
  const offered = Object.entries(probe.protocols)
    .filter(([, s]) => s === 'offered')
    .map(([v]) => v);
  const protocolPoints = offered.map((v) => PROTOCOL_POINTS[v] ?? 0);
  const protocolScore =
    protocolPoints.length === 0
      ? 0
      : (Math.max(...protocolPoints) + Math.min(...protocolPoints)) / 2;
  const classes = probe.suites.map((s) => classifySuite(s.name));
  const bits = classes.map((c) => c.bits);
  const cipherScore =
    bits.length === 0 ? 0 : (cipherPoints(Math.max(...bits)) + cipherPoints(Math.min(...bits))) / 2;
  const cert = probe.best?.peerCertificate;
  const keyExchangeScore = keyExchangePoints(cert, probe.best?.ephemeralKey?.size ?? 0);
  // Whole-number arithmetic per term, as testssl computes it (94, not 94.5, for 95/100/90).
  const score =
    Math.floor((protocolScore * 3) / 10) +
    Math.floor((keyExchangeScore * 3) / 10) +
    Math.floor((cipherScore * 4) / 10);

  if (classes.some((c) => c.bits > 0 && c.bits < 112))
    caps.push({ grade: 'F', reason: 'a cipher under 112 bits is offered' });
  if (classes.some((c) => c.broken && c.bits < 112))
    caps.push({ grade: 'F', reason: 'an export, NULL or anonymous suite is offered' });
  const rsaBits =
    cert?.publicKey.asymmetricKeyType === 'rsa'
      ? (cert.publicKey.asymmetricKeyDetails?.modulusLength ?? 0)
      : undefined;
  if (rsaBits !== undefined && rsaBits < 1024)
    caps.push({ grade: 'F', reason: 'RSA key under 1024 bits' });
  if (cert !== undefined && /md5/i.test(signatureAlgorithm(cert)))
    caps.push({ grade: 'F', reason: 'MD5 certificate signature' });
  if (probe.protocols['TLSv1.2'] !== 'offered' && probe.protocols['TLSv1.3'] !== 'offered')
    caps.push({ grade: 'C', reason: 'no TLS 1.2 or 1.3' });
  else if (probe.protocols['TLSv1.2'] !== 'offered')
    notes.push('TLS 1.2 is not offered (older clients cannot connect)');
  if (classes.some((c) => /* 3DES or RC4 */ c.broken && c.bits >= 112))
    caps.push({ grade: 'C', reason: '3DES or RC4 is offered' });
  if (probe.protocols.TLSv1 === 'offered' || probe.protocols['TLSv1.1'] === 'offered')
    caps.push({ grade: 'B', reason: 'TLS 1.0 or 1.1 is offered' });
  if (classes.length > 0 && !classes.some((c) => c.aead))
    caps.push({ grade: 'B', reason: 'no AEAD suite' });
  if (classes.length > 0 && !classes.some((c) => c.forwardSecret))
    caps.push({ grade: 'B', reason: 'no forward secrecy' });
  if (rsaBits !== undefined && rsaBits >= 1024 && rsaBits < 2048)
    caps.push({ grade: 'B', reason: 'RSA key under 2048 bits' });
  if (hstsMaxAge === undefined) caps.push({ grade: 'A', reason: 'no Strict-Transport-Security' });
  else if (hstsMaxAge < 15_552_000)
    caps.push({ grade: 'A', reason: 'Strict-Transport-Security max-age under 180 days' });
  if (classes.some((c) => !c.forwardSecret))
    notes.push('suites without forward secrecy are offered');
  if (classes.some((c) => c.cbc)) notes.push('CBC suites are offered (LUCKY13-class risks)');

  const best = probe.best;
  if (cert !== undefined && Date.parse(cert.validTo) < now.getTime())
    caps.push({ grade: 'T', reason: 'the certificate has expired' });
  else if (best !== undefined && best.authorized !== true)
    caps.push({
      grade: 'T',
      reason: `the chain is not trusted (${best.authorizationError ?? 'unknown reason'})`,
    });
  if (!nameMatches)
    caps.push({ grade: 'M', reason: 'the certificate does not match the host name' });

  let grade: Grade = letterFor(score);
  for (const cap of caps) if (gradeRank(cap.grade) > gradeRank(grade)) grade = cap.grade;
  if (grade === 'A' && caps.length === 0) grade = 'A+';
  // testssl prints the grade only for trust and name failures: the scores mean nothing then.
  const untrusted = grade === 'T' || grade === 'M';
  return {
    grade,
    score: untrusted ? 0 : score,
    protocolScore,
    keyExchangeScore,
    cipherScore,
    caps,
    notes,
  };
}

function signatureAlgorithm(cert: X509Certificate): string {
  // Node exposes no field for it; the text form of the certificate names it in its info.
  return (cert as X509Certificate & { signatureAlgorithm?: string }).signatureAlgorithm ?? '';
}
