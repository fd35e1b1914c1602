/**
 * Abuse resistance for the report service: per-address rate limits on every route (through
 * @fastify/rate-limit, with limiter state behind a pluggable RateLimitStore), small body
 * limits on every route but report submission, and socket-level hardening (header, request,
 * keep-alive and idle timeouts against slowloris; a cap on concurrent connections per client
 * address and overall).
 *
 * Why this split: rate limits are per route, so they live in a Fastify hook and run at
 * onRequest, before the body is read or parsed; connection caps and timeouts concern the
 * sockets, so they are set on the Node server itself (hardenServer), which sees connections
 * Fastify never does (a half-sent request line, a TLS handshake that never completes).
 * docs/limits.md describes the defaults and the flags.
 */
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { BlockList, isIPv4, type Socket } from 'node:net';
import fastifyRateLimit, { normalizeIP } from '@fastify/rate-limit';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  RouteOptions,
} from 'fastify';
import {
  DEFAULT_LIMITS,
  isTrustedProxyEntry,
  ROUTE_CLASSES,
  TRUSTED_PROXY_NAMES,
  type LimitSettings,
  type RateRule,
  type RouteClass,
} from './limit-settings.js';

export {
  DEFAULT_LIMITS,
  isTrustedProxyEntry,
  limitSettings,
  ROUTE_CLASSES,
  TRUSTED_PROXY_NAMES,
  type LimitSettings,
  type RateRule,
  type RouteClass,
} from './limit-settings.js';

/** What a store answers for one counted request. */
export interface RateLimitHit {
  /** Requests counted for the key in its current window, this one included. */
  count: number;
  /** Milliseconds until the current window ends (> 0). */
  resetInMs: number;
}

/**
 * Where limiter state lives. One method: count a request for `key` in a fixed window of
 * `windowMs` that starts with the key's first request. Keys are `<class>:<address>`, so one
 * flat key space serves every class. The in-memory store below is the default; a shared
 * store (scale-out) implements the same method over its own backend, atomically.
 */
export interface RateLimitStore {
  increment(key: string, windowMs: number): Promise<RateLimitHit>;
}

/**
 * The default store: fixed windows in a Map, bounded to `maxKeys` entries. When full, the
 * entry whose window started first is forgotten (Map order is insertion order), in O(1):
 * an attacker with more addresses than the bound can reset counters, never grow memory.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #windows = new Map<string, { count: number; endsAt: number }>();

  constructor(readonly maxKeys = DEFAULT_LIMITS.maxTrackedKeys) {
    if (!Number.isInteger(maxKeys) || maxKeys < 1)
      throw new RangeError('maxKeys must be a positive integer');
  }

  get size(): number {
    return this.#windows.size;
  }

  increment(key: string, windowMs: number): Promise<RateLimitHit> {
    const now = Date.now();
    let window = this.#windows.get(key);
    if (window === undefined || window.endsAt <= now) {
      // Re-inserting moves a restarted window to the young end of the order.
      if (window !== undefined) this.#windows.delete(key);
      else if (this.#windows.size >= this.maxKeys) {
        const oldest = this.#windows.keys().next();
        if (oldest.done !== true) this.#windows.delete(oldest.value);
      }
      window = { count: 0, endsAt: now + windowMs };
      this.#windows.set(key, window);
    }
    window.count++;
    return Promise.resolve({ count: window.count, resetInMs: Math.max(1, window.endsAt - now) });
  }
}

const SUBMIT_URL = '/api/v1/reports';

/** The class of a route, from its method and URL pattern. */
export function routeClassOf(method: string | string[], url: string): RouteClass {
  const methods = (Array.isArray(method) ? method : [method]).map((m) => m.toUpperCase());
  const safe = methods.every((m) => m === 'GET' || m === 'HEAD');
  if (url === '/healthz' || url === '/readyz') return safe ? 'health' : 'create';
  if (safe) return 'read';
  if (methods.includes('POST') && url === SUBMIT_URL) return 'create';
  if (methods.includes('DELETE') && url.startsWith(`${SUBMIT_URL}/`)) return 'delete';
  if (methods.includes('POST') && url.startsWith(`${SUBMIT_URL}/`) && url.endsWith('/refresh'))
    return 'refresh';
  // Any other route that may change state gets the strictest budget.
  return 'create';
}

/** Plain IPv4 for an IPv4-mapped IPv6 address, as the socket may report it. */
function unmapped(address: string): string {
  return address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
}

/** A test for "this peer is one of the trusted proxies". */
function trustedPeer(entries: readonly string[]): (address: string) => boolean {
  if (entries.length === 0) return () => false;
  const list = new BlockList();
  for (const entry of entries.flatMap((e) => TRUSTED_PROXY_NAMES[e] ?? [e])) {
    if (!isTrustedProxyEntry(entry)) throw new RangeError(`not a proxy address: ${entry}`);
    const [address = '', bits] = entry.split('/');
    const type = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return (raw) => {
    const address = unmapped(raw);
    return list.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
  };
}

/** The client address a limit is keyed on: req.ip (which honours trustProxy), IPv6 by /64. */
function clientKey(req: FastifyRequest): string {
  const ip = req.ip;
  return typeof ip === 'string' && ip.length > 0 ? normalizeIP(ip) : 'unknown';
}

function checkRule(name: string, rule: RateRule | false): void {
  if (rule === false) return;
  if (!Number.isInteger(rule.max) || rule.max < 1)
    throw new RangeError(`rate limit ${name}: max must be a positive integer`);
  if (!Number.isInteger(rule.windowMs) || rule.windowMs < 1)
    throw new RangeError(`rate limit ${name}: windowMs must be a positive integer`);
}

/** Store failures are logged at most this often: a down shared store must not flood logs. */
const STORE_ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * Registers the rate limits on `app` and the small body limit on every route but report
 * submission. Call it before the routes are declared: it adds an onRoute hook that gives each
 * route, as it is declared, an onRequest hook for its class (so the limit runs before the
 * body is read or parsed) and its body limit. Everything is registered synchronously, so a
 * synchronous buildApp can call it; the plugin itself loads with the app, and its errors
 * surface from ready() or listen(). The promise settles at once.
 *
 * Over budget, the answer is 429 `{error, code: 'RATE_LIMITED'}` (through the app's error
 * handler) with Retry-After and the IETF draft RateLimit-Limit, -Remaining, -Reset and
 * -Policy headers; answers within budget carry the RateLimit headers too. If the store
 * fails, the request is let through and the failure logged: a shared store's outage must
 * not become the service's.
 */
export function registerRateLimits(
  app: FastifyInstance,
  s: LimitSettings,
  store: RateLimitStore = new MemoryRateLimitStore(s.maxTrackedKeys),
): Promise<void> {
  for (const c of ROUTE_CLASSES) checkRule(c, s.rates[c]);
  if (!Number.isInteger(s.smallBodyLimit) || s.smallBodyLimit < 1)
    throw new RangeError('smallBodyLimit must be a positive integer');

  let lastStoreErrorLog = 0;
  // The plugin's store API (callback style, one child per route) over our promise store.
  class PluginStore {
    incr(
      key: string,
      done: (err: Error | null, res?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      store.increment(key, timeWindow).then(
        (hit) => done(null, { current: hit.count, ttl: hit.resetInMs }),
        (err: unknown) => {
          const now = Date.now();
          if (now - lastStoreErrorLog >= STORE_ERROR_LOG_INTERVAL_MS) {
            lastStoreErrorLog = now;
            app.log.warn(
              { err: { message: err instanceof Error ? err.message : String(err) } },
              'rate limit store failed; requests are let through',
            );
          }
          done(err instanceof Error ? err : new Error(String(err)));
        },
      );
    }
    child(): PluginStore {
      return this;
    }
  }

  void app.register(fastifyRateLimit, {
    // Routes get their limiter from the onRoute hook below, one per class.
    global: false,
    enableDraftSpec: true,
    skipOnError: true,
    store: PluginStore,
    errorResponseBuilder: (_req, context) =>
      Object.assign(new Error(`too many requests from this address; retry in ${context.after}`), {
        statusCode: 429,
        code: 'RATE_LIMITED',
      }),
  });

  // Created on first use: the plugin's `rateLimit` decorator exists once the app has loaded
  // its plugins, which is before the first request and after the routes are declared.
  type Limiter = (this: FastifyInstance, req: FastifyRequest, reply: FastifyReply) => unknown;
  const limiters = new Map<RouteClass, Limiter>();
  const limiterFor = (c: RouteClass, rule: RateRule): Limiter => {
    let limiter = limiters.get(c);
    if (limiter === undefined) {
      limiter = app.rateLimit({
        max: rule.max,
        timeWindow: rule.windowMs,
        keyGenerator: (req) => `${c}:${clientKey(req)}`,
      }) as Limiter;
      limiters.set(c, limiter);
    }
    return limiter;
  };

  const limitHook = (c: RouteClass, rule: RateRule): onRequestHookHandler => {
    const policy = `${rule.max};w=${Math.ceil(rule.windowMs / 1000)}`;
    return async function (req, reply) {
      void reply.header('ratelimit-policy', policy);
      await limiterFor(c, rule).call(this, req, reply);
    };
  };

  // Requests that match no route (scans of random paths) spend the read budget.
  const readRule = s.rates.read;
  if (readRule !== false) {
    const limitUnmatched = limitHook('read', readRule);
    app.addHook('onRequest', async function (req, reply) {
      if (req.is404) await limitUnmatched.call(this, req, reply, () => {});
    });
  }

  app.addHook('onRoute', (route: RouteOptions) => {
    const c = routeClassOf(route.method, route.url);
    const isSubmit = c === 'create' && route.url === SUBMIT_URL;
    if (!isSubmit) route.bodyLimit ??= s.smallBodyLimit;
    const rule = s.rates[c];
    if (rule === false) return;
    const limit = limitHook(c, rule);
    // A new array: Fastify shares route option objects between a GET route and its HEAD twin.
    const existing = route.onRequest;
    route.onRequest =
      existing === undefined
        ? [limit]
        : [limit, ...(Array.isArray(existing) ? existing : [existing])];
  });
  return Promise.resolve();
}

/**
 * Node checks header and request timeouts on a timer, every 30 s by default: a slowloris
 * connection would live up to 30 s past its timeout. The server reads this interval when it
 * starts listening, so hardenServer must run before listen().
 */
function checkingIntervalMs(s: LimitSettings): number {
  return Math.max(
    50,
    Math.min(1000, Math.floor(Math.min(s.headersTimeoutMs, s.requestTimeoutMs) / 4)),
  );
}

function positiveInteger(name: string, value: number, allowZero = false): void {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1))
    throw new RangeError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer`);
}

/**
 * Sets the socket-level limits on `server`; call it once, before listen(). Per-address
 * counting is by the TCP peer (remoteAddress, IPv6 by /64), at 'connection', so for HTTPS a
 * connection over the cap is dropped before its TLS handshake costs anything; trusted
 * proxies are exempt. A dropped connection gets no answer: answering would cost what the cap
 * is there to save.
 */
export function hardenServer(server: HttpServer | HttpsServer, s: LimitSettings): void {
  positiveInteger('headersTimeoutMs', s.headersTimeoutMs);
  positiveInteger('requestTimeoutMs', s.requestTimeoutMs);
  positiveInteger('keepAliveTimeoutMs', s.keepAliveTimeoutMs);
  positiveInteger('idleTimeoutMs', s.idleTimeoutMs);
  positiveInteger('maxHeadersCount', s.maxHeadersCount);
  positiveInteger('maxRequestsPerSocket', s.maxRequestsPerSocket, true);
  positiveInteger('maxConnections', s.maxConnections);
  positiveInteger('maxConnectionsPerAddress', s.maxConnectionsPerAddress);
  if (s.headersTimeoutMs > s.requestTimeoutMs)
    throw new RangeError('headersTimeoutMs must not exceed requestTimeoutMs');
  if (server.listening) throw new Error('hardenServer must be called before the server listens');

  server.headersTimeout = s.headersTimeoutMs;
  server.requestTimeout = s.requestTimeoutMs;
  server.keepAliveTimeout = s.keepAliveTimeoutMs;
  server.maxHeadersCount = s.maxHeadersCount;
  server.maxRequestsPerSocket = s.maxRequestsPerSocket;
  server.maxConnections = s.maxConnections;
  server.setTimeout(s.idleTimeoutMs);
  // Not in @types/node, but read by Node (v18.12+) from the server when it starts listening.
  (server as { connectionsCheckingInterval?: number }).connectionsCheckingInterval =
    checkingIntervalMs(s);

  const trusted = trustedPeer(s.trustProxy);
  // Bounded by maxConnections: an entry exists only while its address has an open socket.
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined) {
      socket.destroy();
      return;
    }
    if (trusted(address)) return;
    const key = normalizeIP(unmapped(address));
    const count = open.get(key) ?? 0;
    if (count >= s.maxConnectionsPerAddress) {
      socket.destroy();
      return;
    }
    open.set(key, count + 1);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left <= 0) open.delete(key);
      else open.set(key, left);
    });
  });
}
