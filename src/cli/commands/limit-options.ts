/**
 * `depwarden serve` flags for abuse resistance: the trusted proxies, the per-address rate
 * limits by route class, the socket timeouts and the connection caps (src/server/limits.ts,
 * docs/limits.md). Kept apart from serve.ts so the flags, their defaults in --help and their
 * validation are one definition; serve.ts spreads LIMIT_OPTIONS into its options and passes
 * its settings to limitSettingsFrom.
 */
import { DepwardenError } from '../../errors/index.js';
import {
  DEFAULT_LIMITS,
  isTrustedProxyEntry,
  limitSettings,
  ROUTE_CLASSES,
  type LimitSettings,
  type RateRule,
  type RouteClass,
} from '../../server/limit-settings.js';
import { formatSize, parseSize } from '../../util/size.js';
import type { OptionSpec } from '../spec.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const UNITS: Record<string, number> = Object.assign(Object.create(null), {
  ms: 1,
  s: SECOND,
  m: MINUTE,
  h: HOUR,
}) as Record<string, number>;

/** `500ms`, `10s`, `1.5m`, `1h` → milliseconds; undefined when not of that form. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/i.exec(text);
  if (m === null) return undefined;
  const ms = Math.round(Number(m[1]) * (UNITS[m[2]!.toLowerCase()] ?? Number.NaN));
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** The shortest exact spelling parseDuration reads back. */
export function formatDuration(ms: number): string {
  if (ms % HOUR === 0) return `${ms / HOUR}h`;
  if (ms % MINUTE === 0) return `${ms / MINUTE}m`;
  if (ms % SECOND === 0) return `${ms / SECOND}s`;
  return `${ms}ms`;
}

const formatRule = (rule: RateRule | false) =>
  rule === false ? 'off' : `${rule.max}/${formatDuration(rule.windowMs)}`;

const RATE_WHAT: Record<RouteClass, string> = {
  create: 'Report submissions (POST /api/v1/reports)',
  delete: 'Report deletions',
  refresh: 'Report refreshes',
  read: 'Reads: reports, viewer pages, assets',
  health: '/healthz and /readyz',
};

export const LIMIT_OPTIONS: OptionSpec[] = [
  {
    name: 'trust-proxy',
    type: 'string',
    value: '<addr,...>',
    description:
      'Proxies whose X-Forwarded-For names the client: addresses, CIDR ranges, or loopback, linklocal, uniquelocal. Others are ignored (default: none).',
  },
  ...ROUTE_CLASSES.map((c): OptionSpec => ({
    name: `rate-limit-${c}`,
    type: 'string',
    value: '<n>/<time>|off',
    description: `${RATE_WHAT[c]} allowed per client address in each window, e.g. 20/1m.`,
    default: formatRule(DEFAULT_LIMITS.rates[c]),
  })),
  {
    name: 'headers-timeout',
    type: 'string',
    value: '<time>',
    description: 'Time a client has to send the request headers (slowloris).',
    default: formatDuration(DEFAULT_LIMITS.headersTimeoutMs),
  },
  {
    name: 'request-timeout',
    type: 'string',
    value: '<time>',
    description: 'Time a client has to send the whole request, body included.',
    default: formatDuration(DEFAULT_LIMITS.requestTimeoutMs),
  },
  {
    name: 'keep-alive-timeout',
    type: 'string',
    value: '<time>',
    description: 'How long an idle keep-alive connection is kept open.',
    default: formatDuration(DEFAULT_LIMITS.keepAliveTimeoutMs),
  },
  {
    name: 'idle-timeout',
    type: 'string',
    value: '<time>',
    description: 'A connection with no traffic for this long is closed.',
    default: formatDuration(DEFAULT_LIMITS.idleTimeoutMs),
  },
  {
    name: 'max-connections',
    type: 'string',
    value: '<n>',
    description: 'Open connections in all; more are closed at once.',
    default: String(DEFAULT_LIMITS.maxConnections),
  },
  {
    name: 'max-connections-per-address',
    type: 'string',
    value: '<n>',
    description:
      'Open connections from one client address (IPv6: one /64); more are closed at once. Trusted proxies are exempt.',
    default: String(DEFAULT_LIMITS.maxConnectionsPerAddress),
  },
  {
    name: 'small-body-limit',
    type: 'string',
    value: '<size>',
    description: 'Largest request body on every route except report submission.',
    default: formatSize(DEFAULT_LIMITS.smallBodyLimit),
  },
];

type Settings = Record<string, string | boolean | undefined>;

function usage(message: string, hint: string): DepwardenError {
  return new DepwardenError('USAGE', message, { hint });
}

function text(settings: Settings, flag: string): string | undefined {
  const value = settings[flag];
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw usage(`--${flag} takes a value`, `See \`depwarden serve --help\` for its form.`);
  return value.trim();
}

function duration(settings: Settings, flag: string, min: number, max: number, fallback: number) {
  const raw = text(settings, flag);
  if (raw === undefined) return fallback;
  const ms = parseDuration(raw);
  if (ms === undefined || ms < min || ms > max)
    throw usage(
      `--${flag} takes a time from ${formatDuration(min)} to ${formatDuration(max)}, not ${JSON.stringify(raw)}`,
      'Write a number and a unit: 500ms, 10s, 2m or 1h.',
    );
  return ms;
}

function count(settings: Settings, flag: string, max: number, fallback: number): number {
  const raw = text(settings, flag);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max)
    throw usage(
      `--${flag} takes a whole number from 1 to ${max}, not ${JSON.stringify(raw)}`,
      'Write a whole number, e.g. 64.',
    );
  return Number(raw);
}

function rule(settings: Settings, c: RouteClass): RateRule | false {
  const flag = `rate-limit-${c}`;
  const raw = text(settings, flag);
  if (raw === undefined) return DEFAULT_LIMITS.rates[c];
  if (raw.toLowerCase() === 'off') return false;
  const m = /^(\d+)\s*\/\s*(.+)$/.exec(raw);
  const max = m === null ? Number.NaN : Number(m[1]);
  const windowMs = m === null ? undefined : parseDuration(m[2]!);
  if (
    !Number.isInteger(max) ||
    max < 1 ||
    max > 1_000_000 ||
    windowMs === undefined ||
    windowMs < SECOND ||
    windowMs > 24 * HOUR
  )
    throw usage(
      `--${flag} takes <requests>/<window> or off, not ${JSON.stringify(raw)}`,
      'For example 20/1m (20 requests a minute per client address); from 1 to 1000000 requests, a window from 1s to 24h.',
    );
  return { max, windowMs };
}

function proxies(settings: Settings): string[] {
  const raw = text(settings, 'trust-proxy');
  if (raw === undefined) return [];
  const entries = raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length > 1000)
    throw usage('--trust-proxy takes at most 1000 entries', 'Use CIDR ranges for many proxies.');
  for (const entry of entries)
    if (!isTrustedProxyEntry(entry))
      throw usage(
        `--trust-proxy: ${JSON.stringify(entry.slice(0, 100))} is not an IP address, a CIDR range or loopback, linklocal, uniquelocal`,
        'List only the proxies in front of this server, e.g. --trust-proxy 10.0.0.0/8 or --trust-proxy loopback; host names are not accepted.',
      );
  return entries;
}

/** The limits from serve's settings (flags, DEPWARDEN_<FLAG>, --config), validated. */
export function limitSettingsFrom(settings: Settings): LimitSettings {
  const rates = Object.fromEntries(ROUTE_CLASSES.map((c) => [c, rule(settings, c)])) as Record<
    RouteClass,
    RateRule | false
  >;
  const headersTimeoutMs = duration(
    settings,
    'headers-timeout',
    SECOND,
    10 * MINUTE,
    DEFAULT_LIMITS.headersTimeoutMs,
  );
  const requestTimeoutMs = duration(
    settings,
    'request-timeout',
    SECOND,
    HOUR,
    DEFAULT_LIMITS.requestTimeoutMs,
  );
  if (headersTimeoutMs > requestTimeoutMs)
    throw usage(
      '--headers-timeout must not be longer than --request-timeout',
      'The request timeout covers the headers and the body; raise it, or lower the headers timeout.',
    );
  const maxConnections = count(
    settings,
    'max-connections',
    1_000_000,
    DEFAULT_LIMITS.maxConnections,
  );
  const maxConnectionsPerAddress = count(
    settings,
    'max-connections-per-address',
    1_000_000,
    Math.min(DEFAULT_LIMITS.maxConnectionsPerAddress, maxConnections),
  );
  if (maxConnectionsPerAddress > maxConnections)
    throw usage(
      '--max-connections-per-address must not exceed --max-connections',
      'One address can never hold more connections than the server accepts in all.',
    );
  const smallRaw = text(settings, 'small-body-limit');
  let smallBodyLimit = DEFAULT_LIMITS.smallBodyLimit;
  if (smallRaw !== undefined) {
    const size = parseSize(smallRaw);
    if (size === undefined || size < 1024 || size > 96 * 1024 * 1024)
      throw usage(
        `--small-body-limit takes a size from 1KiB to 96MiB, not ${JSON.stringify(smallRaw)}`,
        'For example 16KiB; report submission has its own, larger limit.',
      );
    smallBodyLimit = size;
  }
  return limitSettings({
    rates,
    trustProxy: proxies(settings),
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: duration(
      settings,
      'keep-alive-timeout',
      100,
      10 * MINUTE,
      DEFAULT_LIMITS.keepAliveTimeoutMs,
    ),
    idleTimeoutMs: duration(settings, 'idle-timeout', SECOND, HOUR, DEFAULT_LIMITS.idleTimeoutMs),
    maxConnections,
    maxConnectionsPerAddress,
    smallBodyLimit,
  });
}
