/**
 * Test helpers: a throwaway CA and server certificates it signs, with any dates, written to a
 * folder, plus TLS client helpers that report what a handshake ended in. For tests only.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import tls from 'node:tls';
import { createCaCertificate, createServerCertificate, pemEncode } from './x509.js';

const DAY = 24 * 60 * 60 * 1000;

export interface TestCa {
  certPem: string;
  key: KeyObject;
}

export function testCa(commonName = 'depwarden test CA'): TestCa {
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = createCaCertificate(
    {
      commonName,
      publicKey: keys.publicKey,
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 30 * DAY),
    },
    keys.privateKey,
  );
  return { certPem: pemEncode(der, 'CERTIFICATE'), key: keys.privateKey };
}

export interface TestLeaf {
  certPem: string;
  keyPem: string;
}

export function testLeaf(
  ca: TestCa,
  options: { notBefore?: Date; notAfter?: Date; commonName?: string } = {},
): TestLeaf {
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = createServerCertificate({
    commonName: options.commonName ?? 'localhost',
    publicKey: keys.publicKey,
    notBefore: options.notBefore ?? new Date(Date.now() - DAY),
    notAfter: options.notAfter ?? new Date(Date.now() + 20 * DAY),
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1', '::1'],
    issuerCertificate: ca.certPem,
    issuerKey: ca.key,
  });
  return {
    certPem: pemEncode(der, 'CERTIFICATE'),
    keyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}

/** Writes a leaf as <name>.pem and <name>-key.pem in `dir`; returns both paths. */
export async function writeLeaf(
  dir: string,
  name: string,
  leaf: TestLeaf,
): Promise<{ certPath: string; keyPath: string }> {
  const certPath = join(dir, `${name}.pem`);
  const keyPath = join(dir, `${name}-key.pem`);
  await writeFile(certPath, leaf.certPem);
  await writeFile(keyPath, leaf.keyPem, { mode: 0o600 });
  return { certPath, keyPath };
}

export interface HandshakeResult {
  ok: boolean;
  protocol?: string | null;
  cipher?: string;
  /** The server certificate's serial number (hex). */
  serial?: string;
  error?: string;
}

/** One TLS connection to 127.0.0.1:port as `localhost`, closed once the handshake ends. */
export function handshake(
  port: number,
  options: tls.ConnectionOptions = {},
): Promise<HandshakeResult> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ...options });
    socket.once('secureConnect', () => {
      const result: HandshakeResult = {
        ok: socket.authorized,
        protocol: socket.getProtocol(),
        cipher: socket.getCipher().name,
        serial: socket.getPeerX509Certificate()?.serialNumber,
      };
      if (!socket.authorized) result.error = String(socket.authorizationError);
      socket.end();
      resolve(result);
    });
    socket.once('error', (err) => resolve({ ok: false, error: err.message }));
  });
}
