/**
 * The plain-HTTP listener (`--redirect-port`): it answers every request with 301 to the same
 * path and query on HTTPS, on the same host, and serves nothing else: no body, no API, no
 * error page that could leak anything over cleartext. The host comes from the Host header
 * only when it is a syntactically valid host name or IP literal; anything else (a header
 * carrying a path, user info, spaces, an empty value) gets the configured host, so the header
 * can never inject text into the Location URL.
 */
import http from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';

export interface RedirectOptions {
  /** The HTTPS port the redirect points to (a function when it is known only after listen). */
  httpsPort: number | (() => number);
  /** The host name used when the request's Host header is absent or not a valid host. */
  fallbackHost: string;
}

const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A DNS name (letters, digits, hyphens; labels of 1 to 63; 253 at most) or an IPv4 literal. */
export function isValidHostName(name: string): boolean {
  if (isIPv4(name)) return true;
  if (name.length === 0 || name.length > 253) return false;
  const labels = (name.endsWith('.') ? name.slice(0, -1) : name).split('.');
  return labels.every((l) => DNS_LABEL.test(l)) && !/^[0-9]+$/.test(labels.at(-1)!);
}

/** The host part of a Host header, as it may appear in a URL, or undefined when invalid. */
export function hostFromHeader(header: string | undefined): string | undefined {
  if (header === undefined || header.length > 300) return undefined;
  const value = header.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::[0-9]{1,5})?$/.exec(value);
  if (bracketed !== null) return isIPv6(bracketed[1]!) ? `[${bracketed[1]!}]` : undefined;
  const plain = /^([^:]+)(?::[0-9]{1,5})?$/.exec(value);
  if (plain === null) return undefined;
  return isValidHostName(plain[1]!) ? plain[1]!.replace(/\.$/, '') : undefined;
}

/** A URL host for a configured host: IPv6 literals in brackets. */
export function urlHost(host: string): string {
  return isIPv6(host) ? `[${host}]` : host;
}

export function createRedirectServer(options: RedirectOptions): http.Server {
  const fallback = urlHost(options.fallbackHost);
  const server = http.createServer((req, res) => {
    const port = typeof options.httpsPort === 'function' ? options.httpsPort() : options.httpsPort;
    const host = hostFromHeader(req.headers.host) ?? fallback;
    // Origin-form targets only; an absolute-form or asterisk target redirects to the root.
    // Bytes outside printable ASCII are percent-encoded: a header value cannot carry them.
    const path =
      typeof req.url === 'string' && req.url.startsWith('/')
        ? req.url.replace(
            /[^\x21-\x7e]/g,
            (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
          )
        : '/';
    res.writeHead(301, {
      location: `https://${host}${port === 443 ? '' : `:${port}`}${path}`,
      'content-length': '0',
      'cache-control': 'no-store',
    });
    res.end();
  });
  // Nothing here needs time: a slow client is dropped early.
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  return server;
}
