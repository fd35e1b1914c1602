/**
 * The security headers of the main origin (the API and the web viewer), on every response:
 * JSON, HTML, assets, 404s, errors, 429 and 503 alike.
 *
 * Why these values (docs/viewer.md has the long form):
 * - CSP: nothing loads but our own script, stylesheet and icon, nothing is inline, nothing
 *   is evaluated, the page cannot be framed, and Trusted Types are required for script sinks
 *   with no policy allowed at all (`trusted-types 'none'`), so a string can never become
 *   markup or code in the viewer: its script builds the DOM with createElement/textContent.
 *   `form-action 'none'`: the viewer has no form (the filter box is a bare input).
 * - Permissions-Policy: every real feature switched off; the viewer needs none. Only names
 *   Chromium recognises (an unknown one is a console warning), and no Privacy Sandbox
 *   features, which Chromium is removing (their names would then become warnings).
 * - COOP/CORP/COEP same-origin: the page is isolated from other origins' windows and
 *   embedders, and embeds nothing from elsewhere.
 * - HSTS two years with preload: the service speaks HTTPS only (see src/server/tls).
 * No cookies are ever set, and no banner (X-Powered-By, Server) names the software.
 *
 * Two layers so nothing escapes: an onSend hook (every reply Fastify sends, including those
 * of error and not-found handlers and of hooks that answer early, such as the rate limiter)
 * and the same headers put on the raw response as the server receives the request (answers
 * Node or Fastify write without hooks, such as the 503 while closing). The names are the
 * same, so the two never make a header appear twice.
 */
import type { FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';

/** The main origin's Content-Security-Policy. */
export const MAIN_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  'upgrade-insecure-requests',
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

/** Features the viewer does not use, all disabled; real feature names only. */
export const PERMISSIONS_POLICY_FEATURES: readonly string[] = [
  'accelerometer',
  'autoplay',
  'camera',
  'clipboard-read',
  'clipboard-write',
  'compute-pressure',
  'display-capture',
  'encrypted-media',
  'fullscreen',
  'gamepad',
  'geolocation',
  'gyroscope',
  'hid',
  'identity-credentials-get',
  'idle-detection',
  'keyboard-map',
  'local-fonts',
  'magnetometer',
  'microphone',
  'midi',
  'otp-credentials',
  'payment',
  'picture-in-picture',
  'publickey-credentials-create',
  'publickey-credentials-get',
  'screen-wake-lock',
  'serial',
  'storage-access',
  'sync-xhr',
  'usb',
  'window-management',
  'xr-spatial-tracking',
];

export const PERMISSIONS_POLICY = PERMISSIONS_POLICY_FEATURES.map((f) => `${f}=()`).join(', ');

/** Two years, subdomains included, eligible for the browsers' preload list. */
export const HSTS = 'max-age=63072000; includeSubDomains; preload';

/** Every header the main origin sends on every response (lower-case names). */
export const MAIN_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'strict-transport-security': HSTS,
  'content-security-policy': MAIN_CSP,
  'permissions-policy': PERMISSIONS_POLICY,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
});

/** Headers that must never appear: they advertise the software and its version. */
export const BANNER_HEADERS: readonly string[] = ['x-powered-by', 'server', 'x-aspnet-version'];

/**
 * Puts `headers` on every response of `app` (both layers, see the file header). Call it
 * right after creating the instance, before routes and plugins, so it applies to all.
 */
export function applySecurityHeaders(
  app: FastifyInstance,
  headers: Readonly<Record<string, string>> = MAIN_SECURITY_HEADERS,
): void {
  const entries = Object.entries(headers);
  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [name, value] of entries) reply.header(name, value);
    for (const name of BANNER_HEADERS) reply.removeHeader(name);
    return payload;
  });
  // `app.server` exists before listen (Fastify creates it, or serverFactory does); inject
  // never goes through it, which the hook above covers.
  app.server.prependListener('request', (_req, res) => {
    for (const [name, value] of entries) res.setHeader(name, value);
  });
}

/**
 * Fastify's `frameworkErrors` option for the main app. Answers the router gives before any
 * hook runs (a URL that does not decode) skip the onSend hook, so the headers are set here;
 * and Fastify's own message, which echoes the URL (it may carry a report id), is replaced.
 */
export const mainFrameworkErrors: NonNullable<FastifyServerOptions['frameworkErrors']> = (
  err,
  _req,
  reply,
) => {
  const bad = (err as { code?: string }).code === 'FST_ERR_BAD_URL';
  // The option's reply type is generic over route schemas none of which apply here.
  void (reply as unknown as FastifyReply)
    .code(bad ? 400 : 500)
    .headers(MAIN_SECURITY_HEADERS)
    .send(bad ? { error: 'the URL is not valid', code: 'BAD_URL' } : { error: 'internal error' });
};
