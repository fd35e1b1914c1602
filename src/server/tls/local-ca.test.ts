/**
 * The local CA: the chain it makes verifies and names localhost, 127.0.0.1 and ::1; keys are
 * private to the server; a second start reuses everything; a leaf near its end, or one the
 * CA did not sign, is issued again; a CA near its end is made again and reported.
 */
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  LOCAL_CA_LIFETIME_DAYS,
  LOCAL_LEAF_LIFETIME_DAYS,
  ensureLocalCertificate,
} from './index.js';
import { createCaCertificate, createServerCertificate, pemEncode } from './x509.js';

const DAY = 24 * 60 * 60 * 1000;
const POSIX = process.platform !== 'win32';

async function cert(path: string): Promise<X509Certificate> {
  return new X509Certificate(await readFile(path));
}

describe('ensureLocalCertificate', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'dw-local-ca-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('makes a CA and a localhost leaf it signs, EC P-256, with private keys', async () => {
    const dataDir = join(root, 'first');
    const made = await ensureLocalCertificate(dataDir);
    assert.equal(made.created, true);
    assert.equal(made.caPath, join(dataDir, 'tls', 'ca.pem'));
    const ca = await cert(made.caPath);
    const leaf = await cert(made.certPath);

    assert.equal(ca.ca, true);
    assert.equal(leaf.ca, false);
    assert.ok(leaf.verify(ca.publicKey), 'the CA signed the leaf');
    assert.ok(leaf.checkIssued(ca));
    assert.ok(ca.verify(ca.publicKey), 'the CA is self-issued');
    assert.notEqual(leaf.subject, leaf.issuer, 'the leaf is not self-signed');
    assert.equal(leaf.subject, 'CN=localhost');
    assert.equal(leaf.checkHost('localhost'), 'localhost');
    assert.equal(leaf.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(leaf.checkIP('::1'), '::1');
    assert.equal(leaf.checkHost('example.com'), undefined);
    assert.deepEqual(leaf.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'serverAuth only');
    assert.equal(leaf.publicKey.asymmetricKeyType, 'ec');
    assert.equal(leaf.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.equal(ca.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.ok(leaf.checkPrivateKey(createPrivateKey(await readFile(made.keyPath))));
    assert.ok(
      ca.checkPrivateKey(createPrivateKey(await readFile(join(dataDir, 'tls', 'ca-key.pem')))),
    );

    const caDays = (new Date(ca.validTo).getTime() - Date.now()) / DAY;
    const leafDays = (new Date(leaf.validTo).getTime() - Date.now()) / DAY;
    assert.ok(caDays > LOCAL_CA_LIFETIME_DAYS - 2 && caDays <= LOCAL_CA_LIFETIME_DAYS, `${caDays}`);
    assert.ok(leafDays > LOCAL_LEAF_LIFETIME_DAYS - 2 && leafDays <= 365, `${leafDays}`);
    assert.ok(new Date(leaf.validFrom).getTime() <= Date.now());

    if (POSIX) {
      assert.equal((await stat(join(dataDir, 'tls'))).mode & 0o777, 0o700);
      assert.equal((await stat(made.keyPath)).mode & 0o777, 0o600);
      assert.equal((await stat(join(dataDir, 'tls', 'ca-key.pem'))).mode & 0o777, 0o600);
    }
  });

  it('reuses the CA and the leaf on the next start, byte for byte', async () => {
    const dataDir = join(root, 'reuse');
    const first = await ensureLocalCertificate(dataDir);
    const before = await Promise.all(
      ['ca.pem', 'ca-key.pem', 'cert.pem', 'key.pem'].map((f) => readFile(join(dataDir, 'tls', f))),
    );
    const second = await ensureLocalCertificate(dataDir);
    assert.equal(second.created, false);
    assert.deepEqual(second, { ...first, created: false });
    const afterwards = await Promise.all(
      ['ca.pem', 'ca-key.pem', 'cert.pem', 'key.pem'].map((f) => readFile(join(dataDir, 'tls', f))),
    );
    assert.deepEqual(afterwards, before);
  });

  it('issues a new leaf (and key) when the leaf ends within 30 days; the CA stays', async () => {
    const dataDir = join(root, 'renew');
    const first = await ensureLocalCertificate(dataDir);
    const caPem = await readFile(first.caPath);
    const caKey = createPrivateKey(await readFile(join(dataDir, 'tls', 'ca-key.pem')));
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ending = createServerCertificate({
      commonName: 'localhost',
      publicKey: keys.publicKey,
      notBefore: new Date(Date.now() - 300 * DAY),
      notAfter: new Date(Date.now() + 10 * DAY),
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1', '::1'],
      issuerCertificate: caPem.toString(),
      issuerKey: caKey,
    });
    await writeFile(first.certPath, pemEncode(ending, 'CERTIFICATE'));
    await writeFile(first.keyPath, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));

    const second = await ensureLocalCertificate(dataDir);
    assert.equal(second.created, false);
    assert.deepEqual(await readFile(second.caPath), caPem, 'the CA is kept');
    const leaf = await cert(second.certPath);
    assert.ok(new Date(leaf.validTo).getTime() - Date.now() > 300 * DAY, 'a fresh year');
    assert.ok(leaf.verify(new X509Certificate(caPem).publicKey));
    const key = createPrivateKey(await readFile(second.keyPath));
    assert.ok(leaf.checkPrivateKey(key));
    assert.notDeepEqual(
      key.export({ type: 'pkcs8', format: 'der' }),
      keys.privateKey.export({ type: 'pkcs8', format: 'der' }),
      'a new key',
    );
  });

  it('issues a new leaf when the one on disk is damaged or from another CA', async () => {
    const dataDir = join(root, 'damaged');
    const first = await ensureLocalCertificate(dataDir);
    await writeFile(first.certPath, 'not a certificate');
    await ensureLocalCertificate(dataDir);
    const ca = await cert(first.caPath);
    assert.ok((await cert(first.certPath)).verify(ca.publicKey));

    const other = await ensureLocalCertificate(join(root, 'other'));
    await writeFile(first.certPath, await readFile(other.certPath));
    await writeFile(first.keyPath, await readFile(other.keyPath));
    const again = await ensureLocalCertificate(dataDir);
    assert.equal(again.created, false);
    assert.ok((await cert(first.certPath)).verify(ca.publicKey), 'signed by this CA again');
  });

  it('makes a new CA (reported as created) when the CA ends within 30 days', async () => {
    const dataDir = join(root, 'old-ca');
    const first = await ensureLocalCertificate(dataDir);
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const endingCa = createCaCertificate(
      {
        commonName: 'old',
        publicKey: keys.publicKey,
        notBefore: new Date(Date.now() - 3000 * DAY),
        notAfter: new Date(Date.now() + 5 * DAY),
      },
      keys.privateKey,
    );
    await writeFile(first.caPath, pemEncode(endingCa, 'CERTIFICATE'));
    await writeFile(
      join(dataDir, 'tls', 'ca-key.pem'),
      keys.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    );
    const second = await ensureLocalCertificate(dataDir);
    assert.equal(second.created, true);
    const ca = await cert(second.caPath);
    assert.ok(new Date(ca.validTo).getTime() - Date.now() > 3000 * DAY);
    assert.ok((await cert(second.certPath)).verify(ca.publicKey), 'the leaf follows the new CA');
  });

  it('tightens a key file whose mode was loosened', { skip: !POSIX }, async () => {
    const dataDir = join(root, 'modes');
    const first = await ensureLocalCertificate(dataDir);
    await chmod(first.keyPath, 0o644);
    await chmod(join(dataDir, 'tls', 'ca-key.pem'), 0o640);
    await chmod(join(dataDir, 'tls'), 0o755);
    await ensureLocalCertificate(dataDir);
    assert.equal((await stat(first.keyPath)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dataDir, 'tls', 'ca-key.pem'))).mode & 0o777, 0o600);
    assert.equal((await stat(join(dataDir, 'tls'))).mode & 0o777, 0o700);
  });
});
