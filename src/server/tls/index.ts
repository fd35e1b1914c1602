/**
 * TLS for the report service: the policy every HTTPS listener uses, the local CA made on
 * first start when no certificate is configured, certificate files checked at start and on
 * reload, OCSP stapling, and the plain-HTTP listener that only redirects to HTTPS.
 * `depwarden serve` (src/cli/commands/serve.ts) is the one user; docs/server.md, "TLS",
 * describes the behaviour.
 */
export {
  type TlsMaterial,
  tlsServerOptions,
  hardenTlsServer,
  TLS_CIPHERS,
  TLS_CURVES,
} from './policy.js';
export {
  ensureLocalCertificate,
  type LocalCertificate,
  LOCAL_CA_LIFETIME_DAYS,
  LOCAL_LEAF_LIFETIME_DAYS,
  RENEW_BEFORE_DAYS,
} from './local-ca.js';
export { loadTlsMaterial, type LoadedTlsMaterial } from './material.js';
export {
  OcspStapler,
  type OcspOptions,
  type OcspFetch,
  ocspResponderUrl,
  buildOcspRequest,
  checkOcspResponse,
} from './ocsp.js';
export { TlsListeners, type TlsSource, type TlsListenersOptions } from './listeners.js';
export {
  createRedirectServer,
  type RedirectOptions,
  hostFromHeader,
  isValidHostName,
  urlHost,
} from './redirect.js';
