/**
 * The abuse-resistance settings and their defaults, apart from the code that applies them
 * (limits.ts): the CLI reads and validates them at every start of `depwarden serve`, and
 * this module loads no server dependency (Fastify, the rate limiter), so `depwarden --help`
 * and every other command start without them.
 */
import { isIPv4, isIPv6 } from 'node:net';

const MINUTE = 60_000;

/** One request budget: at most `max` requests per client address in each `windowMs`. */
export interface RateRule {
  max: number;
  windowMs: number;
}

/**
 * The budgets' classes. Each route belongs to one class, and each client address has one
 * counter per class, shared by the class's routes (the report API and the viewer pages are
 * both `read`).
 */
export type RouteClass = 'create' | 'delete' | 'refresh' | 'read' | 'health';
export const ROUTE_CLASSES: readonly RouteClass[] = [
  'create',
  'delete',
  'refresh',
  'read',
  'health',
];

export interface LimitSettings {
  /** Per-address budgets by route class; `false` exempts the class. */
  rates: Record<RouteClass, RateRule | false>;
  /**
   * Proxies whose X-Forwarded-For is believed: IP addresses, CIDR ranges, or the names
   * `loopback`, `linklocal`, `uniquelocal`. Pass the same list as AppOptions.trustProxy.
   * Connections from these addresses are also exempt from the per-address connection cap
   * (a proxy carries many clients; its own limits apply to them).
   */
  trustProxy: string[];
  /** Time to receive the request line and headers (slowloris). */
  headersTimeoutMs: number;
  /** Time to receive the whole request, body included (slow bodies). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection is kept. */
  keepAliveTimeoutMs: number;
  /** A socket with no traffic either way for this long is closed. */
  idleTimeoutMs: number;
  /** Request headers beyond this count are ignored (Node's maxHeadersCount). */
  maxHeadersCount: number;
  /** Requests on one keep-alive connection before the server closes it (0: no limit). */
  maxRequestsPerSocket: number;
  /** Open connections in all; beyond it, new ones are closed at once. */
  maxConnections: number;
  /** Open connections from one client address (IPv6: one /64); beyond it, closed at once. */
  maxConnectionsPerAddress: number;
  /** Largest request body on every route but report submission, in bytes. */
  smallBodyLimit: number;
  /** Client addresses the default in-memory limiter remembers (oldest forgotten first). */
  maxTrackedKeys: number;
}

/**
 * The defaults, per client address. Creation, refresh and deletion cost an analysis or a
 * store write, and nobody needs many a minute; reads are cheap and a viewer page load makes
 * a few; health checks come from load balancers and are nearly free. Timeouts are short
 * enough that a slowloris connection is gone in seconds, long enough for a large snapshot
 * on a slow link (raise requestTimeoutMs for uploads near the 96 MiB body limit).
 */
export const DEFAULT_LIMITS: Readonly<LimitSettings> = Object.freeze({
  rates: Object.freeze({
    create: Object.freeze({ max: 20, windowMs: MINUTE }),
    delete: Object.freeze({ max: 20, windowMs: MINUTE }),
    refresh: Object.freeze({ max: 10, windowMs: MINUTE }),
    read: Object.freeze({ max: 300, windowMs: MINUTE }),
    health: Object.freeze({ max: 1200, windowMs: MINUTE }),
  }),
  trustProxy: Object.freeze([]) as unknown as string[],
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 30_000,
  maxHeadersCount: 100,
  maxRequestsPerSocket: 1000,
  maxConnections: 1024,
  maxConnectionsPerAddress: 64,
  smallBodyLimit: 16 * 1024,
  maxTrackedKeys: 50_000,
}) as Readonly<LimitSettings>;

/** A fresh, mutable copy of the defaults with `overrides` applied. */
export function limitSettings(overrides: Partial<LimitSettings> = {}): LimitSettings {
  return {
    ...DEFAULT_LIMITS,
    trustProxy: [...DEFAULT_LIMITS.trustProxy],
    ...overrides,
    rates: { ...DEFAULT_LIMITS.rates, ...overrides.rates },
  };
}

/** The names proxy-addr (Fastify's trustProxy) accepts, and the ranges they stand for. */
export const TRUSTED_PROXY_NAMES: Record<string, readonly string[]> = Object.assign(
  Object.create(null),
  {
    loopback: ['127.0.0.0/8', '::1/128'],
    linklocal: ['169.254.0.0/16', 'fe80::/10'],
    uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
  },
) as Record<string, readonly string[]>;

/** True for what `trustProxy` accepts: an IP address, a CIDR range, or a proxy-addr name. */
export function isTrustedProxyEntry(entry: string): boolean {
  if (TRUSTED_PROXY_NAMES[entry] !== undefined) return true;
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const family = isIPv4(address) ? 4 : isIPv6(address) ? 6 : 0;
  if (family === 0) return false;
  if (slash === -1) return true;
  const bits = entry.slice(slash + 1);
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}
