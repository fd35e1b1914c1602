/**
 * The local CA: with no certificate configured, `depwarden serve` makes, in <data-dir>/tls/,
 * a CA of its own and a localhost certificate that CA signs, so clients trust one file
 * (ca.pem) and the server is graded like a real deployment. A self-signed leaf could not be:
 * the graders cap it at T whatever the client trusts.
 *
 * The CA lives ten years and signs nothing but this server's leaf; the leaf lives a year and
 * is issued again (with a new key) when it would expire within 30 days, so a server that is
 * restarted, or checks daily, never serves an expired certificate. Files that are missing,
 * unreadable or inconsistent are made again; a CA made again is reported as `created`, since
 * clients must trust the new one.
 */
import { X509Certificate, createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCaCertificate, createServerCertificate, pemEncode } from './x509.js';

const DAY_MS = 24 * 60 * 60 * 1000;
export const LOCAL_CA_LIFETIME_DAYS = 3650;
export const LOCAL_LEAF_LIFETIME_DAYS = 365;
/** A leaf (or CA) closer than this to its end is replaced. */
export const RENEW_BEFORE_DAYS = 30;
/** Clients whose clock is a little behind still accept a certificate made a moment ago. */
const BACKDATE_MS = 60 * 60 * 1000;

export const LOCAL_DNS_NAMES = ['localhost'];
export const LOCAL_IP_ADDRESSES = ['127.0.0.1', '::1'];

export interface LocalCertificate {
  caPath: string;
  certPath: string;
  keyPath: string;
  /** True when the CA was (re)made by this call: clients must be told to trust it. */
  created: boolean;
}

const POSIX = process.platform !== 'win32';

/**
 * Creates on first call <dataDir>/tls/{ca.pem, ca-key.pem (0600), cert.pem, key.pem (0600)};
 * local CA + leaf EC P-256, SAN localhost, 127.0.0.1, ::1. Later calls reuse them (renewing an
 * expiring leaf).
 */
export async function ensureLocalCertificate(dataDir: string): Promise<LocalCertificate> {
  const dir = join(dataDir, 'tls');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (POSIX) await chmod(dir, 0o700);
  const paths = {
    caPath: join(dir, 'ca.pem'),
    caKeyPath: join(dir, 'ca-key.pem'),
    certPath: join(dir, 'cert.pem'),
    keyPath: join(dir, 'key.pem'),
  };
  const now = Date.now();

  let ca = await usableCa(paths.caPath, paths.caKeyPath, now);
  const created = ca === undefined;
  if (ca === undefined) {
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = createCaCertificate(
      {
        // A random suffix tells one machine's CA from another's in a trust store.
        commonName: `depwarden local CA ${randomBytes(4).toString('hex')}`,
        organization: 'depwarden local development',
        publicKey: keys.publicKey,
        notBefore: new Date(now - BACKDATE_MS),
        notAfter: new Date(now + LOCAL_CA_LIFETIME_DAYS * DAY_MS),
      },
      keys.privateKey,
    );
    const keyPem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    // The key first: a CA certificate on disk always has its key beside it.
    await writeAtomic(paths.caKeyPath, keyPem, 0o600);
    await writeAtomic(paths.caPath, pemEncode(der, 'CERTIFICATE'), 0o644);
    ca = { cert: new X509Certificate(der), keyPem };
  } else if (POSIX) await tightenKeyMode(paths.caKeyPath);

  if (created || !(await usableLeaf(paths.certPath, paths.keyPath, ca.cert, now))) {
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const caEnd = new Date(ca.cert.validTo).getTime();
    const der = createServerCertificate({
      commonName: 'localhost',
      publicKey: keys.publicKey,
      notBefore: new Date(now - BACKDATE_MS),
      // Never past the CA's own end: a chain is only as valid as its shortest link.
      notAfter: new Date(Math.min(now + LOCAL_LEAF_LIFETIME_DAYS * DAY_MS, caEnd)),
      dnsNames: LOCAL_DNS_NAMES,
      ipAddresses: LOCAL_IP_ADDRESSES,
      issuerCertificate: ca.cert.raw,
      issuerKey: createPrivateKey(ca.keyPem),
    });
    // Key before certificate: a reader in between sees a pair that does not match and keeps
    // what it had (the reload path validates the pair), never a certificate without its key.
    await writeAtomic(
      paths.keyPath,
      keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      0o600,
    );
    await writeAtomic(paths.certPath, pemEncode(der, 'CERTIFICATE'), 0o644);
  } else if (POSIX) await tightenKeyMode(paths.keyPath);

  return { caPath: paths.caPath, certPath: paths.certPath, keyPath: paths.keyPath, created };
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** The existing CA, when it is whole, a CA, matches its key and has time left. */
async function usableCa(
  certPath: string,
  keyPath: string,
  now: number,
): Promise<{ cert: X509Certificate; keyPem: string } | undefined> {
  const [certPem, keyPem] = await Promise.all([readOptional(certPath), readOptional(keyPath)]);
  if (certPem === undefined || keyPem === undefined) return undefined;
  try {
    const cert = new X509Certificate(certPem);
    if (!cert.ca || !cert.checkPrivateKey(createPrivateKey(keyPem))) return undefined;
    if (!cert.verify(cert.publicKey)) return undefined;
    if (!hasTimeLeft(cert, now)) return undefined;
    return { cert, keyPem };
  } catch {
    return undefined;
  }
}

/** The existing leaf, when the CA signed it, it matches its key, names us and has time left. */
async function usableLeaf(
  certPath: string,
  keyPath: string,
  ca: X509Certificate,
  now: number,
): Promise<boolean> {
  const [certPem, keyPem] = await Promise.all([readOptional(certPath), readOptional(keyPath)]);
  if (certPem === undefined || keyPem === undefined) return false;
  try {
    const leaf = new X509Certificate(certPem);
    return (
      !leaf.ca &&
      leaf.checkIssued(ca) &&
      leaf.verify(ca.publicKey) &&
      leaf.checkPrivateKey(createPrivateKey(keyPem)) &&
      LOCAL_DNS_NAMES.every((n) => leaf.checkHost(n) !== undefined) &&
      LOCAL_IP_ADDRESSES.every((ip) => leaf.checkIP(ip) !== undefined) &&
      hasTimeLeft(leaf, now)
    );
  } catch {
    return false;
  }
}

function hasTimeLeft(cert: X509Certificate, now: number): boolean {
  const from = new Date(cert.validFrom).getTime();
  const to = new Date(cert.validTo).getTime();
  return from <= now && to - now > RENEW_BEFORE_DAYS * DAY_MS;
}

/** Written beside, then renamed: a reader sees the old file or the new one, never half. */
async function writeAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data, { mode, flag: 'wx' });
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** A key file someone loosened is ours to fix: the data folder is the server's. */
async function tightenKeyMode(path: string): Promise<void> {
  const { mode } = await stat(path);
  if ((mode & 0o077) !== 0) await chmod(path, 0o600);
}
