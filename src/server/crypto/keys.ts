/**
 * Everything the report service derives from a snapshot id: where its objects live (the
 * locator) and the keys that seal them. docs/security.md explains the threat model.
 *
 *   PRK          = HKDF-Extract(salt = serverSalt or none, IKM = the 32 bytes of the id)
 *   locator      = hex(HKDF-Expand(PRK, "depwarden/v1/locator", 32))
 *   reportKey    =     HKDF-Expand(PRK, "depwarden/v1/report-key", 32)
 *   snapshotKey  =     HKDF-Expand(PRK, "depwarden/v1/snapshot-key", 32)
 *
 * Why HKDF and these inputs:
 * - The id is already a uniformly distributed 256-bit value to anyone who does not know the
 *   snapshot, so it is a proper input keying material; the work of an attacker is guessing
 *   snapshots, not inverting HMAC.
 * - The three outputs use distinct `info` strings, so each is an independent PRF output:
 *   the locator (which the store sees) reveals nothing about the keys, and no output reveals
 *   the id. The locator is not any plain hash of the id, so a storage operator cannot match
 *   it against a list of ids either.
 * - The version inside every info string is the scheme version. A later scheme (v2) gets
 *   new strings, hence new locators, and can live beside v1 objects in the same store.
 * - The optional server salt is a per-deployment secret ("pepper") used as the HKDF salt.
 *   Without it, anyone who holds the store AND can guess a snapshot (a public project's
 *   lockfiles) computes its locator and keys and reads its report. With it, they also need
 *   the server's secret. The price: the salt cannot be changed or lost. The server never
 *   keeps ids, so it cannot re-derive old locators under a new salt; every stored object
 *   becomes unreachable (in effect deleted) until its client uploads the snapshot again.
 *   An empty salt is refused because HKDF treats it exactly like no salt (RFC 5869: both
 *   become HashLen zero bytes), which would silently drop the protection an operator asked
 *   for.
 */
import { hkdfSync } from 'node:crypto';
import { cryptoError } from './errors.js';

/** The HKDF info strings, version included. Changing one changes every locator and key. */
export const HKDF_INFO = {
  locator: 'depwarden/v1/locator',
  reportKey: 'depwarden/v1/report-key',
  snapshotKey: 'depwarden/v1/snapshot-key',
} as const;

/** The shortest server salt accepted: 32 bytes (256 bits), as random as a key. */
export const MIN_SERVER_SALT_BYTES = 32;
/** A salt longer than the HMAC block is hashed first by HMAC; more than this is a config slip. */
export const MAX_SERVER_SALT_BYTES = 1024;

const SNAPSHOT_ID_PATTERN = /^[0-9a-f]{64}$/;
const KEY_BYTES = 32;

export interface DerivedSecrets {
  /** Where the snapshot's objects are stored: 64 lowercase hex, safe to show the store. */
  locator: string;
  /** AES-256 key for the report. Never stored, never logged. */
  reportKey: Buffer;
  /** AES-256 key for the snapshot. Never stored, never logged. */
  snapshotKey: Buffer;
}

/** True when `value` has the shape of a snapshot id: exactly 64 lowercase hex characters. */
export function isSnapshotId(value: unknown): value is string {
  return typeof value === 'string' && SNAPSHOT_ID_PATTERN.test(value);
}

/**
 * Derives the locator and both keys of a snapshot. Throws `SNAPSHOT_ID_INVALID` for anything
 * but 64 lowercase hex (uppercase is refused rather than folded, so one snapshot has exactly
 * one spelling), and a RangeError for a server salt outside 32..1024 bytes (the config layer
 * should have refused it with its own message first).
 */
export function deriveSecrets(snapshotId: string, serverSalt?: Uint8Array): DerivedSecrets {
  if (!isSnapshotId(snapshotId)) {
    // The value itself is not echoed: it may be an id with one typo, and ids are secrets.
    throw cryptoError(
      'SNAPSHOT_ID_INVALID',
      'not a snapshot id: expected 64 lowercase hexadecimal characters',
    );
  }
  const salt = serverSalt === undefined ? Buffer.alloc(0) : checkedSalt(serverSalt);
  const ikm = Buffer.from(snapshotId, 'hex');
  const expand = (info: string): Buffer =>
    Buffer.from(hkdfSync('sha256', ikm, salt, info, KEY_BYTES));
  const secrets = {
    locator: expand(HKDF_INFO.locator).toString('hex'),
    reportKey: expand(HKDF_INFO.reportKey),
    snapshotKey: expand(HKDF_INFO.snapshotKey),
  };
  ikm.fill(0);
  return secrets;
}

function checkedSalt(serverSalt: Uint8Array): Uint8Array {
  if (!(serverSalt instanceof Uint8Array)) {
    throw new TypeError('server salt must be bytes');
  }
  if (
    serverSalt.byteLength < MIN_SERVER_SALT_BYTES ||
    serverSalt.byteLength > MAX_SERVER_SALT_BYTES
  ) {
    throw new RangeError(
      `server salt must be ${MIN_SERVER_SALT_BYTES} to ${MAX_SERVER_SALT_BYTES} bytes, got ${serverSalt.byteLength}`,
    );
  }
  return serverSalt;
}

/** Where and how the pending-jobs journal is kept: derived from the server salt alone. */
export interface JournalSecrets {
  /** The journal index's locator (64 hex). */
  index: string;
  /** AES-256 key for the index and its entries. Never stored, never logged. */
  key: Buffer;
}

/**
 * The journal's secrets (`depwarden/v1/journal-index`, `depwarden/v1/journal-key`): only a
 * server with the salt can find or open the journal, and it holds no ids (each entry is a
 * snapshot, from which the id is computed again at start).
 */
export function deriveJournalSecrets(serverSalt: Uint8Array): JournalSecrets {
  const salt = checkedSalt(serverSalt);
  const expand = (info: string): Buffer =>
    Buffer.from(hkdfSync('sha256', salt, Buffer.alloc(0), info, KEY_BYTES));
  return {
    index: expand('depwarden/v1/journal-index').toString('hex'),
    key: expand('depwarden/v1/journal-key'),
  };
}

/**
 * The key of the shared per-package results (`depwarden/v1/results-key`): their store keys
 * are HMACs under it and their contents are sealed with it, so the store shows neither which
 * packages were analysed nor what was found, while every report of this server shares them.
 */
export function deriveResultsKey(serverSalt: Uint8Array): Buffer {
  return Buffer.from(
    hkdfSync(
      'sha256',
      checkedSalt(serverSalt),
      Buffer.alloc(0),
      'depwarden/v1/results-key',
      KEY_BYTES,
    ),
  );
}
