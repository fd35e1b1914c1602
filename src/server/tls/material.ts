/**
 * Reads and checks a certificate (with its chain) and key from files, at start and on every
 * reload. A server must not start, or switch, to a pair that cannot work: a key that does not
 * belong to the certificate, a certificate that has expired or is not valid yet, a CA
 * certificate in place of a server certificate, or an encrypted key (no passphrase prompt on
 * a service). Every refusal is a USAGE error that names the file and says what to do.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { DepwardenError } from '../../errors/index.js';
import type { TlsMaterial } from './policy.js';
import { pemBlocks } from './x509.js';

/** A certificate chain or key file larger than this is not one. */
const MAX_PEM_BYTES = 1024 * 1024;
/** Certificates in one chain file at most. */
const MAX_CHAIN_LENGTH = 10;

export interface LoadedTlsMaterial extends TlsMaterial {
  certPath: string;
  keyPath: string;
  /** The server certificate (the file's first), then the rest of the chain as given. */
  chain: X509Certificate[];
  /** When the server certificate ends. */
  validTo: Date;
}

async function readPem(path: string, what: string): Promise<Buffer> {
  try {
    const { size } = await stat(path);
    if (size > MAX_PEM_BYTES)
      throw new DepwardenError('USAGE', `${what} ${path} is larger than 1 MiB`, {
        hint: 'Pass a PEM file with the certificate chain (or the key) only.',
      });
    return await readFile(path);
  } catch (err) {
    if (err instanceof DepwardenError) throw err;
    throw new DepwardenError(
      'USAGE',
      `cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      { hint: 'Check the path and that the server may read the file.' },
    );
  }
}

/** The certificate chain and key at these paths, checked to work together now. */
export async function loadTlsMaterial(
  certPath: string,
  keyPath: string,
  now: Date = new Date(),
): Promise<LoadedTlsMaterial> {
  const [cert, key] = await Promise.all([
    readPem(certPath, 'the TLS certificate'),
    readPem(keyPath, 'the TLS key'),
  ]);
  const blocks = pemBlocks(cert.toString('latin1'), 'CERTIFICATE');
  if (blocks.length === 0)
    throw new DepwardenError('USAGE', `the TLS certificate ${certPath} holds no PEM certificate`, {
      hint: 'Pass the server certificate in PEM form, followed by its intermediate certificates.',
    });
  if (blocks.length > MAX_CHAIN_LENGTH)
    throw new DepwardenError(
      'USAGE',
      `the TLS certificate ${certPath} holds more than ${MAX_CHAIN_LENGTH} certificates`,
    );
  let chain: X509Certificate[];
  try {
    chain = blocks.map((der) => new X509Certificate(der));
  } catch (err) {
    throw new DepwardenError(
      'USAGE',
      `the TLS certificate ${certPath} is not a valid certificate: ${(err as Error).message}`,
    );
  }
  const leaf = chain[0]!;
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new DepwardenError('USAGE', `the TLS key ${keyPath} is not a readable private key`, {
      hint: 'Pass an unencrypted PEM private key (PKCS#8, SEC1 or PKCS#1); a passphrase-protected key cannot be used by a service.',
    });
  }
  if (!leaf.checkPrivateKey(privateKey))
    throw new DepwardenError(
      'USAGE',
      `the TLS key ${keyPath} does not belong to the certificate ${certPath}`,
      {
        hint: 'Pass the key the certificate was issued for; the certificate file starts with the server certificate.',
      },
    );
  if (leaf.ca)
    throw new DepwardenError(
      'USAGE',
      `the first certificate in ${certPath} is a CA certificate, not a server certificate`,
      { hint: 'Put the server certificate first, then its intermediates.' },
    );
  const validFrom = new Date(leaf.validFrom);
  const validTo = new Date(leaf.validTo);
  if (now.getTime() > validTo.getTime())
    throw new DepwardenError(
      'USAGE',
      `the TLS certificate ${certPath} expired on ${validTo.toISOString()}`,
      { hint: 'Renew the certificate, then restart the server or send it SIGHUP.' },
    );
  if (now.getTime() < validFrom.getTime())
    throw new DepwardenError(
      'USAGE',
      `the TLS certificate ${certPath} is not valid before ${validFrom.toISOString()}`,
      { hint: "Check the server's clock, or wait until the certificate's start date." },
    );
  return { cert, key, certPath, keyPath, chain, validTo };
}
