/**
 * Bearer tokens of the report service: per-report delete tokens and operator admin tokens.
 *
 * Neither kind is ever stored or configured in plain text, only as
 *   hash = hex(SHA-256("depwarden/v1/bearer-token" 0x00 || UTF-8 token))
 * Why a plain hash and not a slow password hash: delete tokens are 256 random bits, and admin
 * tokens are required to be at least as long, so there is no dictionary to try; the domain
 * prefix keeps these digests apart from every other SHA-256 in the project (a snapshot id
 * is a SHA-256 too). Both kinds share one hash so one `tokenMatches` serves both checks;
 * which list is passed in decides what the token may do.
 *
 * Comparison is constant-time in everything the attacker does not already know: the
 * presented token is hashed first (so its length or content cannot steer the comparison),
 * every digest is compared with timingSafeEqual on 32 equal-length bytes, and every
 * configured hash is compared, with no early exit on a match.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DepwardenError } from '../../errors/index.js';

const TOKEN_HASH_PREFIX = Buffer.from('depwarden/v1/bearer-token\0', 'latin1');
const DIGEST_BYTES = 32;
const TOKEN_HASH_PATTERN = /^[0-9a-f]{64}$/;

/** Random bytes in a delete token: 256 bits. */
export const DELETE_TOKEN_BYTES = 32;
/** The longest token accepted anywhere; a 256-bit base64url token is 43 characters. */
export const MAX_TOKEN_LENGTH = 512;
/** The shortest admin token accepted: as many characters as a 256-bit base64url token. */
export const MIN_ADMIN_TOKEN_LENGTH = 43;
/** The longest Authorization header looked at; anything longer is refused unread. */
export const MAX_AUTHORIZATION_LENGTH = 'Bearer '.length + MAX_TOKEN_LENGTH;

// RFC 6750 b64token: the only characters a bearer token may carry. No spaces, no commas,
// no control characters, so there is nothing for a parser to disagree about.
const BEARER_PATTERN = /^[Bb][Ee][Aa][Rr][Ee][Rr] ([A-Za-z0-9\-._~+/]+=*)$/;
const TOKEN_PATTERN = /^[A-Za-z0-9\-._~+/]+=*$/;

export interface DeleteToken {
  /** Given to the report's creator once; never stored. base64url of 32 random bytes. */
  token: string;
  /** `hashToken(token)`: what the store keeps. */
  hash: string;
}

/** A fresh delete token and the hash to store in its place. */
export function newDeleteToken(): DeleteToken {
  const token = randomBytes(DELETE_TOKEN_BYTES).toString('base64url');
  return { token, hash: hashToken(token) };
}

/** The stored form of a token: 64 lowercase hex, domain-separated SHA-256. */
export function hashToken(token: string): string {
  return tokenDigest(token).toString('hex');
}

/**
 * The hash an operator puts in the config for an admin token (what
 * `depwarden serve --print-token-hash` prints). Refuses a token that is too short or uses
 * characters a bearer header cannot carry: such a token could never be presented, or could
 * be guessed.
 */
export function adminTokenHash(token: string): string {
  if (
    typeof token !== 'string' ||
    token.length < MIN_ADMIN_TOKEN_LENGTH ||
    token.length > MAX_TOKEN_LENGTH ||
    !TOKEN_PATTERN.test(token)
  ) {
    throw new DepwardenError(
      'USAGE',
      `an admin token must be ${MIN_ADMIN_TOKEN_LENGTH} to ${MAX_TOKEN_LENGTH} characters of A-Z a-z 0-9 - . _ ~ + / (then = padding only)`,
      {
        hint: 'Generate one with `node -e "console.log(crypto.randomBytes(32).toString(\'base64url\'))"`.',
      },
    );
  }
  return hashToken(token);
}

/** True when `value` has the shape of a token hash (64 lowercase hex). */
export function isTokenHash(value: unknown): value is string {
  return typeof value === 'string' && TOKEN_HASH_PATTERN.test(value);
}

/**
 * Whether `presented` hashes to one of `hashes`, in constant time (see the header). An
 * undefined, empty or oversized token never matches, and neither does a malformed entry in
 * `hashes` (the config loader should refuse those; here they simply cannot match).
 */
export function tokenMatches(presented: string | undefined, hashes: readonly string[]): boolean {
  const usable =
    typeof presented === 'string' && presented.length > 0 && presented.length <= MAX_TOKEN_LENGTH;
  // Hash something even when there is nothing usable, so the work done does not depend on it.
  const digest = tokenDigest(usable ? presented : '');
  const unusable = Buffer.alloc(DIGEST_BYTES);
  let matched = 0;
  for (const hash of hashes) {
    const wellFormed = isTokenHash(hash);
    const expected = wellFormed ? Buffer.from(hash, 'hex') : unusable;
    // The comparison runs first and unconditionally; the flags are folded in afterwards.
    const equal = timingSafeEqual(digest, expected) ? 1 : 0;
    matched |= equal & (wellFormed ? 1 : 0);
  }
  return usable && matched === 1;
}

/**
 * The token of an `Authorization: Bearer <token>` header, or undefined for anything else:
 * a missing or empty header, another scheme, a header over MAX_AUTHORIZATION_LENGTH, more
 * or other whitespace than the single space after the scheme, or characters outside RFC
 * 6750's b64token. The scheme is matched case-insensitively, as HTTP requires.
 */
export function parseBearer(header: string | undefined): string | undefined {
  if (typeof header !== 'string' || header.length > MAX_AUTHORIZATION_LENGTH) return undefined;
  const match = BEARER_PATTERN.exec(header);
  return match?.[1];
}

/** The part of a locator that may appear in logs: its first 8 characters. */
export function locatorForLogs(locator: string): string {
  // Anything that is not a locator (perhaps an id passed by mistake) is not logged at all.
  return TOKEN_HASH_PATTERN.test(locator) ? locator.slice(0, 8) : '(invalid)';
}

function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(TOKEN_HASH_PREFIX).update(token, 'utf8').digest();
}
