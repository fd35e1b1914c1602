/**
 * Tests of the report service's cryptography. HKDF outputs are checked against a second,
 * hand-written HKDF over createHmac (itself checked against RFC 5869 test case 1), with the
 * info strings spelled out here rather than imported, so a change to the scheme fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import {
  adminTokenHash,
  deriveSecrets,
  ENVELOPE_MAGIC,
  ENVELOPE_NONCE_BYTES,
  ENVELOPE_OVERHEAD_BYTES,
  ENVELOPE_TAG_BYTES,
  hashToken,
  isSnapshotId,
  locatorForLogs,
  MAX_AUTHORIZATION_LENGTH,
  MAX_SEALED_PLAINTEXT_BYTES,
  MAX_TOKEN_LENGTH,
  newDeleteToken,
  objectAad,
  open,
  parseBearer,
  seal,
  tokenMatches,
} from './index.js';
import { computeSnapshotId } from '../../snapshot/index.js';

/** RFC 5869 HKDF-SHA256, written out: extract, then expand block by block. */
function manualHkdf(ikm: Buffer, salt: Buffer, info: string, length: number): Buffer {
  const prk = createHmac('sha256', salt.length === 0 ? Buffer.alloc(32) : salt)
    .update(ikm)
    .digest();
  const blocks: Buffer[] = [];
  let previous = Buffer.alloc(0);
  for (let i = 1; blocks.length * 32 < length; i++) {
    previous = createHmac('sha256', prk)
      .update(Buffer.concat([previous, Buffer.from(info, 'latin1'), Buffer.of(i)]))
      .digest();
    blocks.push(previous);
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function expectCode(code: string): (err: unknown) => boolean {
  return (err: unknown) => {
    assert.equal((err as { code?: unknown }).code, code);
    return true;
  };
}

const ID_A = computeSnapshotId([{ path: 'package.json', bytes: Buffer.from('{"name":"a"}') }]);
const ID_B = computeSnapshotId([{ path: 'package.json', bytes: Buffer.from('{"name":"b"}') }]);

test('manual_hkdf_matches_rfc5869_test_case_1', () => {
  // The published vector checks the second path before it is used to check the first.
  const okm = manualHkdf(
    Buffer.alloc(22, 0x0b),
    Buffer.from('000102030405060708090a0b0c', 'hex'),
    Buffer.from('f0f1f2f3f4f5f6f7f8f9', 'hex').toString('latin1'),
    42,
  );
  assert.equal(
    okm.toString('hex'),
    '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
  );
});

test('derive_secrets_known_answer_without_salt', () => {
  const ikm = Buffer.from(ID_A, 'hex');
  const got = deriveSecrets(ID_A);
  const none = Buffer.alloc(0);
  assert.equal(got.locator, manualHkdf(ikm, none, 'depwarden/v1/locator', 32).toString('hex'));
  assert.deepEqual(got.reportKey, manualHkdf(ikm, none, 'depwarden/v1/report-key', 32));
  assert.deepEqual(got.snapshotKey, manualHkdf(ikm, none, 'depwarden/v1/snapshot-key', 32));
  assert.match(got.locator, /^[0-9a-f]{64}$/);
  assert.equal(got.reportKey.length, 32);
  assert.equal(got.snapshotKey.length, 32);
});

test('derive_secrets_known_answer_with_server_salt', () => {
  const salt = randomBytes(32);
  const ikm = Buffer.from(ID_A, 'hex');
  const got = deriveSecrets(ID_A, salt);
  assert.equal(got.locator, manualHkdf(ikm, salt, 'depwarden/v1/locator', 32).toString('hex'));
  assert.deepEqual(got.reportKey, manualHkdf(ikm, salt, 'depwarden/v1/report-key', 32));
  assert.deepEqual(got.snapshotKey, manualHkdf(ikm, salt, 'depwarden/v1/snapshot-key', 32));
});

test('derive_secrets_is_deterministic', () => {
  const salt = randomBytes(32);
  assert.deepEqual(deriveSecrets(ID_A), deriveSecrets(ID_A));
  assert.deepEqual(deriveSecrets(ID_A, salt), deriveSecrets(ID_A, Buffer.from(salt)));
});

test('server_salt_changes_every_output', () => {
  const plain = deriveSecrets(ID_A);
  const salted = deriveSecrets(ID_A, randomBytes(32));
  const otherSalt = deriveSecrets(ID_A, randomBytes(32));
  for (const other of [salted, otherSalt]) {
    assert.notEqual(other.locator, plain.locator);
    assert.notDeepEqual(other.reportKey, plain.reportKey);
    assert.notDeepEqual(other.snapshotKey, plain.snapshotKey);
  }
  assert.notEqual(salted.locator, otherSalt.locator);
});

test('server_salt_that_is_empty_short_or_huge_is_refused', () => {
  // An empty salt would equal no salt in HKDF, silently dropping the protection.
  assert.throws(() => deriveSecrets(ID_A, new Uint8Array(0)), RangeError);
  assert.throws(() => deriveSecrets(ID_A, randomBytes(31)), RangeError);
  assert.throws(() => deriveSecrets(ID_A, randomBytes(1025)), RangeError);
  assert.doesNotThrow(() => deriveSecrets(ID_A, randomBytes(1024)));
});

test('different_ids_give_different_locators_and_keys', () => {
  const a = deriveSecrets(ID_A);
  const b = deriveSecrets(ID_B);
  assert.notEqual(ID_A, ID_B);
  assert.notEqual(a.locator, b.locator);
  assert.notDeepEqual(a.reportKey, b.reportKey);
  assert.notDeepEqual(a.snapshotKey, b.snapshotKey);
});

test('locator_is_not_the_id_a_key_or_a_plain_hash_of_the_id', () => {
  const s = deriveSecrets(ID_A);
  const idBytes = Buffer.from(ID_A, 'hex');
  const candidates = [
    ID_A,
    sha256Hex(ID_A),
    sha256Hex(idBytes),
    sha256Hex(sha256Hex(ID_A)),
    createHmac('sha256', Buffer.alloc(32)).update(idBytes).digest('hex'), // the HKDF PRK
    createHmac('sha256', idBytes).update('depwarden/v1/locator').digest('hex'),
    s.reportKey.toString('hex'),
    s.snapshotKey.toString('hex'),
  ];
  for (const c of candidates) assert.notEqual(s.locator, c);
  assert.notDeepEqual(s.reportKey, s.snapshotKey);
  assert.ok(!s.locator.includes(ID_A.slice(0, 16)));
});

test('invalid_snapshot_ids_are_refused_with_a_code', () => {
  const bad = [
    '',
    ID_A.slice(1),
    `${ID_A}0`,
    ID_A.toUpperCase(),
    `${ID_A.slice(0, 63)}g`,
    ` ${ID_A.slice(1)}`,
    `${ID_A.slice(0, 63)}\n`,
    undefined as unknown as string,
    42 as unknown as string,
  ];
  for (const id of bad) {
    assert.equal(isSnapshotId(id), false);
    assert.throws(() => deriveSecrets(id), expectCode('SNAPSHOT_ID_INVALID'));
  }
  assert.equal(isSnapshotId(ID_A), true);
});

test('invalid_snapshot_id_message_does_not_echo_it', () => {
  const nearly = ID_A.slice(0, 63) + 'X';
  assert.throws(
    () => deriveSecrets(nearly),
    (err: unknown) => !(err as Error).message.includes(nearly.slice(0, 20)),
  );
});

test('seal_then_open_roundtrips', () => {
  const { reportKey, locator } = deriveSecrets(ID_A);
  const aad = objectAad('report', locator);
  for (const size of [0, 1, 15, 16, 17, 1000, 100_000]) {
    const plaintext = randomBytes(size);
    const sealed = seal(reportKey, plaintext, aad);
    assert.equal(sealed.length, size + ENVELOPE_OVERHEAD_BYTES);
    assert.deepEqual(sealed.subarray(0, 4), ENVELOPE_MAGIC);
    assert.equal(sealed[4], 1);
    assert.deepEqual(open(reportKey, sealed, aad), plaintext);
  }
});

test('seal_uses_a_fresh_nonce_each_time', () => {
  const { reportKey, locator } = deriveSecrets(ID_A);
  const aad = objectAad('report', locator);
  const plaintext = Buffer.from('same report');
  const one = seal(reportKey, plaintext, aad);
  const two = seal(reportKey, plaintext, aad);
  assert.notDeepEqual(one.subarray(5, 17), two.subarray(5, 17));
  assert.notDeepEqual(one, two);
});

test('ciphertext_does_not_contain_the_plaintext', () => {
  const { reportKey, locator } = deriveSecrets(ID_A);
  const plaintext = Buffer.from('{"name":"very-recognisable-package-name"}');
  const sealed = seal(reportKey, plaintext, objectAad('report', locator));
  assert.equal(sealed.indexOf('very-recognisable'), -1);
});

test('flipping_any_byte_of_a_sealed_object_is_detected', () => {
  const { reportKey, locator } = deriveSecrets(ID_A);
  const aad = objectAad('report', locator);
  const sealed = seal(reportKey, randomBytes(40), aad);
  const classes = new Set<string>();
  for (let i = 0; i < sealed.length; i++) {
    const altered = Buffer.from(sealed);
    altered[i] = altered[i]! ^ 0x01;
    assert.throws(() => open(reportKey, altered, aad), expectCode('SEALED_DATA_INVALID'));
    classes.add(
      i < 4
        ? 'magic'
        : i === 4
          ? 'version'
          : i < 5 + ENVELOPE_NONCE_BYTES
            ? 'nonce'
            : i < sealed.length - ENVELOPE_TAG_BYTES
              ? 'ciphertext'
              : 'tag',
    );
  }
  assert.deepEqual([...classes].sort(), ['ciphertext', 'magic', 'nonce', 'tag', 'version']);
});

test('another_version_byte_is_refused_by_name', () => {
  const { reportKey, locator } = deriveSecrets(ID_A);
  const aad = objectAad('report', locator);
  const altered = seal(reportKey, Buffer.from('x'), aad);
  altered[4] = 2;
  assert.throws(() => open(reportKey, altered, aad), /version 2/);
});

test('truncated_or_extended_sealed_objects_are_refused', () => {
  const { reportKey, locator } = deriveSecrets(ID_A);
  const aad = objectAad('report', locator);
  const sealed = seal(reportKey, randomBytes(24), aad);
  for (let length = 0; length < sealed.length; length++) {
    assert.throws(
      () => open(reportKey, sealed.subarray(0, length), aad),
      expectCode('SEALED_DATA_INVALID'),
    );
  }
  assert.throws(
    () => open(reportKey, Buffer.concat([sealed, Buffer.of(0)]), aad),
    expectCode('SEALED_DATA_INVALID'),
  );
});

test('wrong_aad_is_refused', () => {
  const a = deriveSecrets(ID_A);
  const b = deriveSecrets(ID_B);
  const sealed = seal(a.reportKey, Buffer.from('report of A'), objectAad('report', a.locator));
  for (const aad of [
    objectAad('snapshot', a.locator),
    objectAad('report', b.locator),
    `${objectAad('report', a.locator)} `,
  ]) {
    assert.throws(() => open(a.reportKey, sealed, aad), expectCode('SEALED_DATA_INVALID'));
  }
});

test('wrong_key_is_refused', () => {
  const a = deriveSecrets(ID_A);
  const b = deriveSecrets(ID_B);
  const aad = objectAad('report', a.locator);
  const sealed = seal(a.reportKey, Buffer.from('report of A'), aad);
  for (const key of [a.snapshotKey, b.reportKey, deriveSecrets(ID_A, randomBytes(32)).reportKey]) {
    assert.throws(() => open(key, sealed, aad), expectCode('SEALED_DATA_INVALID'));
  }
});

test('a_report_blob_cannot_stand_in_for_a_snapshot_blob', () => {
  const s = deriveSecrets(ID_A);
  const report = seal(s.reportKey, Buffer.from('report'), objectAad('report', s.locator));
  assert.throws(
    () => open(s.snapshotKey, report, objectAad('snapshot', s.locator)),
    expectCode('SEALED_DATA_INVALID'),
  );
  // Even with the right key, the kind in the AAD tells the two apart.
  assert.throws(
    () => open(s.reportKey, report, objectAad('snapshot', s.locator)),
    expectCode('SEALED_DATA_INVALID'),
  );
});

test('sizes_and_arguments_are_bounded', () => {
  const { reportKey, locator } = deriveSecrets(ID_A);
  const aad = objectAad('report', locator);
  assert.throws(
    () => seal(reportKey, Buffer.alloc(MAX_SEALED_PLAINTEXT_BYTES + 1), aad),
    RangeError,
  );
  assert.throws(
    () =>
      open(reportKey, Buffer.alloc(MAX_SEALED_PLAINTEXT_BYTES + ENVELOPE_OVERHEAD_BYTES + 1), aad),
    expectCode('SEALED_DATA_INVALID'),
  );
  assert.throws(() => seal(reportKey.subarray(0, 16), Buffer.alloc(1), aad), TypeError);
  assert.throws(() => seal(reportKey, Buffer.alloc(1), ''), TypeError);
  assert.throws(() => seal(reportKey, Buffer.alloc(1), 'x'.repeat(1025)), RangeError);
  assert.throws(() => objectAad('Report', locator), TypeError);
  assert.throws(() => objectAad('report', ID_A.toUpperCase()), TypeError);
});

test('new_delete_token_is_256_random_bits_and_only_its_hash_is_kept', () => {
  const one = newDeleteToken();
  const two = newDeleteToken();
  assert.match(one.token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(Buffer.from(one.token, 'base64url').length, 32);
  assert.notEqual(one.token, two.token);
  assert.equal(one.hash, hashToken(one.token));
  assert.match(one.hash, /^[0-9a-f]{64}$/);
  assert.notEqual(one.hash, one.token);
  assert.ok(!one.hash.includes(Buffer.from(one.token, 'base64url').toString('hex').slice(0, 16)));
  // Domain-separated: not the plain SHA-256 of the token.
  assert.notEqual(one.hash, sha256Hex(one.token));
});

test('token_matches_any_listed_hash_and_nothing_else', () => {
  const tokens = [newDeleteToken(), newDeleteToken(), newDeleteToken()];
  const hashes = tokens.map((t) => t.hash);
  for (const t of tokens) assert.equal(tokenMatches(t.token, hashes), true);
  assert.equal(tokenMatches(newDeleteToken().token, hashes), false);
  assert.equal(tokenMatches(tokens[0]!.token, []), false);
  assert.equal(tokenMatches(tokens[0]!.token.slice(1), hashes), false);
  assert.equal(tokenMatches(tokens[0]!.hash, hashes), false);
  assert.equal(tokenMatches(tokens[0]!.token, [hashes[0]!.toUpperCase()]), false);
});

test('token_matches_refuses_missing_empty_or_oversized_tokens', () => {
  const empty = hashToken('');
  const long = 'a'.repeat(MAX_TOKEN_LENGTH + 1);
  assert.equal(tokenMatches(undefined, [empty]), false);
  assert.equal(tokenMatches('', [empty]), false);
  assert.equal(tokenMatches(long, [hashToken(long)]), false);
  const longest = 'a'.repeat(MAX_TOKEN_LENGTH);
  assert.equal(tokenMatches(longest, [hashToken(longest)]), true);
});

test('token_matches_skips_malformed_hashes_without_failing', () => {
  const t = newDeleteToken();
  assert.equal(tokenMatches(t.token, ['', 'zz', '00'.repeat(32).slice(2), t.hash]), true);
  assert.equal(tokenMatches(t.token, ['', 'not a hash', '0'.repeat(64)]), false);
});

test('parse_bearer_accepts_only_a_plain_bearer_token', () => {
  const { token } = newDeleteToken();
  assert.equal(parseBearer(`Bearer ${token}`), token);
  assert.equal(parseBearer(`bearer ${token}`), token);
  assert.equal(parseBearer('Bearer abc+/=='), 'abc+/==');
  const refused = [
    undefined,
    '',
    'Bearer',
    'Bearer ',
    `Bearer  ${token}`,
    `Bearer\t${token}`,
    ` Bearer ${token}`,
    `Bearer ${token} `,
    `Bearer ${token}\n`,
    `Bearer ${token} extra`,
    `Bearer ${token},other`,
    `Basic ${token}`,
    `Bearer: ${token}`,
    'Bearer ===',
    'Bearer a=b',
    `Bearer ${'a'.repeat(MAX_AUTHORIZATION_LENGTH)}`,
  ];
  for (const header of refused) assert.equal(parseBearer(header), undefined, String(header));
  const longest = 'a'.repeat(MAX_TOKEN_LENGTH);
  assert.equal(parseBearer(`Bearer ${longest}`), longest);
  assert.equal(parseBearer(`Bearer ${longest}a`), undefined);
});

test('admin_token_hash_is_the_token_hash_and_refuses_weak_tokens', () => {
  const token = newDeleteToken().token;
  const hash = adminTokenHash(token);
  assert.equal(hash, hashToken(token));
  assert.notEqual(hash, token);
  assert.equal(tokenMatches(parseBearer(`Bearer ${token}`), [hash]), true);
  for (const weak of ['admin', 'a'.repeat(42), `${'a'.repeat(43)} `, 'ä'.repeat(50)]) {
    assert.throws(() => adminTokenHash(weak), expectCode('USAGE'));
  }
  assert.throws(() => adminTokenHash('a'.repeat(MAX_TOKEN_LENGTH + 1)), expectCode('USAGE'));
});

test('locator_for_logs_keeps_eight_characters', () => {
  const { locator } = deriveSecrets(ID_A);
  assert.equal(locatorForLogs(locator), locator.slice(0, 8));
  assert.equal(locatorForLogs(locator).length, 8);
  assert.equal(locatorForLogs('not-a-locator'), '(invalid)');
});
