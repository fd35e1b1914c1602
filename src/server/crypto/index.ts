/**
 * The cryptography of the report service: keys and locators derived from a snapshot id,
 * the sealed envelope objects are stored in, and bearer-token handling. Pure node:crypto.
 * docs/security.md is the threat model these pieces implement.
 */
export {
  deriveSecrets,
  deriveJournalSecrets,
  deriveResultsKey,
  type JournalSecrets,
  HKDF_INFO,
  isSnapshotId,
  MAX_SERVER_SALT_BYTES,
  MIN_SERVER_SALT_BYTES,
  type DerivedSecrets,
} from './keys.js';
export {
  ENVELOPE_MAGIC,
  ENVELOPE_NONCE_BYTES,
  ENVELOPE_OVERHEAD_BYTES,
  ENVELOPE_TAG_BYTES,
  ENVELOPE_VERSION,
  MAX_AAD_BYTES,
  MAX_SEALED_PLAINTEXT_BYTES,
  objectAad,
  open,
  seal,
} from './envelope.js';
export {
  adminTokenHash,
  DELETE_TOKEN_BYTES,
  hashToken,
  isTokenHash,
  locatorForLogs,
  MAX_AUTHORIZATION_LENGTH,
  MAX_TOKEN_LENGTH,
  MIN_ADMIN_TOKEN_LENGTH,
  newDeleteToken,
  parseBearer,
  tokenMatches,
  type DeleteToken,
} from './tokens.js';
