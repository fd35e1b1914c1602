/**
 * The sealed envelope every stored object is kept in: AES-256-GCM with a random nonce.
 *
 *   offset  size  field
 *   0       4     magic "DWSE" (DepWarden Sealed Envelope)
 *   4       1     version, 0x01
 *   5       12    nonce, random per seal
 *   17      n     ciphertext (same length as the plaintext)
 *   17+n    16    GCM tag
 *
 * The GCM additional data is the 5 header bytes followed by the caller's `aad` string in
 * UTF-8. The header is fixed-length, so the concatenation is unambiguous.
 *
 * Why this shape:
 * - The `aad` names what the object is and where it lives (`objectAad(kind, locator)`), so a
 *   storage operator cannot swap a report blob for a snapshot blob, or for another
 *   snapshot's report: opening fails because the tag covers the name. (The keys differ per
 *   snapshot and per kind too; the AAD also covers a future scheme that shares a key.)
 * - Authenticating the header means a changed version byte cannot make a later reader parse
 *   v1 bytes under other rules. The magic and version are also checked before decrypting.
 * - Random 96-bit nonces: a key is used for one snapshot's objects only, re-sealed when a
 *   report is rebuilt, so it seals a handful of messages, far below the 2^32 GCM bound for
 *   random nonces.
 * - `open` buffers the whole object and returns only after the tag has been verified: GCM
 *   decrypts before it authenticates, and a caller must never see unauthenticated bytes.
 * - Sizes are bounded (64 MiB of plaintext) because the whole object is held in memory; the
 *   server bounds uploads before it ever seals.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { cryptoError } from './errors.js';

export const ENVELOPE_MAGIC = Buffer.from('DWSE', 'latin1');
export const ENVELOPE_VERSION = 1;
export const ENVELOPE_NONCE_BYTES = 12;
export const ENVELOPE_TAG_BYTES = 16;
const HEADER_BYTES = ENVELOPE_MAGIC.length + 1;
/** Bytes a sealed object has beyond its plaintext: header, nonce and tag (33). */
export const ENVELOPE_OVERHEAD_BYTES = HEADER_BYTES + ENVELOPE_NONCE_BYTES + ENVELOPE_TAG_BYTES;
/** The largest plaintext `seal` accepts and `open` returns: 64 MiB. */
export const MAX_SEALED_PLAINTEXT_BYTES = 64 * 1024 * 1024;
/** The longest `aad` string, in UTF-8 bytes; a kind and a locator take about 90. */
export const MAX_AAD_BYTES = 1024;

const KEY_BYTES = 32;
const OBJECT_KIND_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
const LOCATOR_PATTERN = /^[0-9a-f]{64}$/;

/**
 * The additional data that binds a sealed object to its kind and its locator, e.g.
 * `depwarden/v1/object/report/<locator>`. Kinds are short lowercase names chosen by the
 * store ("report", "snapshot", "meta").
 */
export function objectAad(kind: string, locator: string): string {
  if (!OBJECT_KIND_PATTERN.test(kind)) throw new TypeError(`invalid object kind ${kind}`);
  if (!LOCATOR_PATTERN.test(locator)) throw new TypeError('invalid locator');
  return `depwarden/v1/object/${kind}/${locator}`;
}

/** Encrypts and authenticates `plaintext` under `key`, bound to `aad`. */
export function seal(key: Uint8Array, plaintext: Uint8Array, aad: string): Buffer {
  checkKey(key);
  if (!(plaintext instanceof Uint8Array)) throw new TypeError('plaintext must be bytes');
  if (plaintext.byteLength > MAX_SEALED_PLAINTEXT_BYTES) {
    throw new RangeError(
      `plaintext of ${plaintext.byteLength} bytes exceeds the ${MAX_SEALED_PLAINTEXT_BYTES}-byte limit`,
    );
  }
  const header = headerBytes();
  const nonce = randomBytes(ENVELOPE_NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: ENVELOPE_TAG_BYTES });
  cipher.setAAD(additionalData(header, aad));
  const body = cipher.update(plaintext);
  const tail = cipher.final();
  return Buffer.concat([header, nonce, body, tail, cipher.getAuthTag()]);
}

/**
 * Verifies and decrypts an object made by `seal`. Throws `SEALED_DATA_INVALID` when it is
 * truncated, oversized, not an envelope, of another version, altered, sealed under another
 * key or bound to another `aad`; it then returns nothing, not even part of the plaintext.
 */
export function open(key: Uint8Array, sealed: Uint8Array, aad: string): Buffer {
  checkKey(key);
  if (!(sealed instanceof Uint8Array)) throw new TypeError('sealed data must be bytes');
  const additional = additionalData(headerBytes(), aad);
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (bytes.length < ENVELOPE_OVERHEAD_BYTES) {
    throw cryptoError('SEALED_DATA_INVALID', 'sealed object is truncated');
  }
  if (bytes.length > MAX_SEALED_PLAINTEXT_BYTES + ENVELOPE_OVERHEAD_BYTES) {
    throw cryptoError('SEALED_DATA_INVALID', 'sealed object exceeds the size limit');
  }
  if (!bytes.subarray(0, ENVELOPE_MAGIC.length).equals(ENVELOPE_MAGIC)) {
    throw cryptoError('SEALED_DATA_INVALID', 'not a sealed depwarden object');
  }
  const version = bytes[ENVELOPE_MAGIC.length]!;
  if (version !== ENVELOPE_VERSION) {
    throw cryptoError('SEALED_DATA_INVALID', `unsupported sealed object version ${version}`);
  }
  const nonce = bytes.subarray(HEADER_BYTES, HEADER_BYTES + ENVELOPE_NONCE_BYTES);
  const ciphertext = bytes.subarray(
    HEADER_BYTES + ENVELOPE_NONCE_BYTES,
    bytes.length - ENVELOPE_TAG_BYTES,
  );
  const tag = bytes.subarray(bytes.length - ENVELOPE_TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, {
    authTagLength: ENVELOPE_TAG_BYTES,
  });
  decipher.setAAD(additional);
  decipher.setAuthTag(tag);
  const body = decipher.update(ciphertext);
  try {
    const tail = decipher.final();
    return tail.length === 0 ? body : Buffer.concat([body, tail]);
  } catch {
    // Unauthenticated plaintext is wiped, not just dropped, so no later bug can leak it.
    body.fill(0);
    throw cryptoError(
      'SEALED_DATA_INVALID',
      'sealed object failed authentication (altered, wrong key, or another object)',
    );
  }
}

function headerBytes(): Buffer {
  return Buffer.concat([ENVELOPE_MAGIC, Buffer.of(ENVELOPE_VERSION)]);
}

function additionalData(header: Buffer, aad: string): Buffer {
  if (typeof aad !== 'string' || aad.length === 0) {
    throw new TypeError('aad must be a non-empty string');
  }
  const aadBytes = Buffer.from(aad, 'utf8');
  if (aadBytes.length > MAX_AAD_BYTES) {
    throw new RangeError(`aad exceeds ${MAX_AAD_BYTES} bytes`);
  }
  return Buffer.concat([header, aadBytes]);
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.byteLength !== KEY_BYTES) {
    throw new TypeError(`key must be ${KEY_BYTES} bytes`);
  }
}
