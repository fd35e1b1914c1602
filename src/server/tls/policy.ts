/**
 * The TLS policy of every HTTPS listener: TLS 1.3 and 1.2 only, TLS 1.2 restricted to ECDHE
 * with AEAD suites, the server's cipher order, X25519/P-256/P-384, no client-initiated
 * renegotiation (the connection is closed) and no compression. The values are exactly those
 * that reach testssl's A+ in ../shared/reference/websec-graders.md ("Node TLS options that
 * reach the top rating"): no CBC suite (LUCKY13), no DHE, no RSA key exchange, nothing older
 * than TLS 1.2.
 */
import { constants, randomBytes } from 'node:crypto';
import type https from 'node:https';
import type tls from 'node:tls';

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
}

/** TLS 1.3 suites first, then ECDHE + AEAD only (no CBC, no DHE, no RSA key exchange). */
export const TLS_CIPHERS = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
].join(':');

export const TLS_CURVES = 'X25519:P-256:P-384';

/** Session tickets are encrypted under a key that is replaced this often (forward secrecy). */
export const TICKET_KEY_ROTATION_MS = 60 * 60 * 1000;

/** https.createServer options: TLS 1.2/1.3 only, the AEAD+ECDHE cipher list, curves, honorCipherOrder. */
export function tlsServerOptions(material: TlsMaterial): https.ServerOptions {
  return {
    cert: material.cert,
    key: material.key,
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ciphers: TLS_CIPHERS,
    ecdhCurve: TLS_CURVES,
    honorCipherOrder: true,
    // No compression (CRIME); OpenSSL 3 builds have none, this says so wherever Node runs.
    secureOptions: constants.SSL_OP_NO_COMPRESSION,
    // A resumed TLS 1.2 session skips the key exchange: keep that window short.
    sessionTimeout: 300,
  };
}

/**
 * What the options cannot say: renegotiation refused on every connection, and the session
 * ticket key replaced every hour (Node keeps one key for the server's life otherwise, so a
 * stolen key would decrypt every resumed session ever recorded). Returns a stop function;
 * closing the server stops it too.
 */
export function hardenTlsServer(server: tls.Server): () => void {
  server.on('secureConnection', (socket: tls.TLSSocket) => {
    socket.disableRenegotiation();
  });
  const rotate = () => server.setTicketKeys(randomBytes(48));
  rotate();
  const timer = setInterval(rotate, TICKET_KEY_ROTATION_MS);
  timer.unref();
  const stop = () => clearInterval(timer);
  server.once('close', stop);
  return stop;
}
