/**
 * Subresource Integrity as lockfiles and packuments write it: `sha512-<base64>` (several
 * space-separated hashes may appear; the strongest one we know is checked, as npm does), or a
 * legacy hex sha1 `shasum`. Written here rather than taken from `ssri` because the current
 * `ssri` major needs Node 22 and what we need is a parse and a digest comparison.
 */
import { createHash, timingSafeEqual, type Hash } from 'node:crypto';

export type IntegrityAlgorithm = 'sha512' | 'sha384' | 'sha256' | 'sha1';

export interface ExpectedDigest {
  algorithm: IntegrityAlgorithm;
  /** The digest bytes. */
  digest: Buffer;
  /** The SRI form `<alg>-<base64>`, used as the cache key. */
  sri: string;
}

const STRENGTH: Record<IntegrityAlgorithm, number> = { sha1: 1, sha256: 2, sha384: 3, sha512: 4 };
const DIGEST_BYTES: Record<IntegrityAlgorithm, number> = {
  sha1: 20,
  sha256: 32,
  sha384: 48,
  sha512: 64,
};

/**
 * The strongest digest in an SRI string, or from a hex sha1 shasum; undefined when neither
 * says anything usable (absent, malformed, unknown algorithms only).
 */
export function parseIntegrity(
  integrity: string | undefined,
  shasum?: string,
): ExpectedDigest | undefined {
  let best: ExpectedDigest | undefined;
  for (const token of (integrity ?? '').trim().split(/\s+/)) {
    const m = /^(sha512|sha384|sha256|sha1)-([A-Za-z0-9+/]+={0,2})(\?.*)?$/.exec(token);
    if (m === null) continue;
    const algorithm = m[1] as IntegrityAlgorithm;
    const digest = Buffer.from(m[2] as string, 'base64');
    if (digest.length !== DIGEST_BYTES[algorithm]) continue;
    if (best === undefined || STRENGTH[algorithm] > STRENGTH[best.algorithm])
      best = { algorithm, digest, sri: `${algorithm}-${digest.toString('base64')}` };
  }
  if (best !== undefined) return best;
  if (shasum !== undefined && /^[0-9a-f]{40}$/i.test(shasum)) {
    const digest = Buffer.from(shasum, 'hex');
    return { algorithm: 'sha1', digest, sri: `sha1-${digest.toString('base64')}` };
  }
  return undefined;
}

/** Hashes bytes as they stream, with the expected algorithm (sha512 when none is known). */
export class IntegrityHasher {
  private readonly hash: Hash;
  readonly algorithm: IntegrityAlgorithm;

  constructor(expected: ExpectedDigest | undefined) {
    this.algorithm = expected?.algorithm ?? 'sha512';
    this.hash = createHash(this.algorithm);
  }

  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
  }

  /** The SRI string of what was hashed. */
  digest(): { sri: string; bytes: Buffer } {
    const bytes = this.hash.digest();
    return { sri: `${this.algorithm}-${bytes.toString('base64')}`, bytes };
  }
}

/** Constant-time comparison of a computed digest with the expected one. */
export function digestMatches(expected: ExpectedDigest, actual: Buffer): boolean {
  return actual.length === expected.digest.length && timingSafeEqual(actual, expected.digest);
}

/** The sha512 SRI of bytes already in memory. */
export function sha512Sri(bytes: Uint8Array): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}
