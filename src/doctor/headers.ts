/**
 * The header rating, a pure function of the responses the doctor fetched. It follows the
 * published scoring of the MDN HTTP Observatory (algorithm v4, documented in docs/deploy.md):
 * start at 100, add each test's modifier, count bonuses only when the score without them is
 * at least 90, floor to a multiple of 5, look up the grade. The Observatory's own code grades
 * our server in CI (test/websec); this is the same rule set for checking a deployment from
 * anywhere without installing it.
 *
 * Separately, `requiredHeaderChecks` holds depwarden's own promises (docs/security.md), which
 * go beyond what the Observatory scores: Permissions-Policy, COOP, Trusted Types, no banners.
 */
import { parseCsp, type ParsedCsp } from './csp.js';

export interface FetchedResponse {
  url: string;
  status: number;
  /** Header names lower-cased, every occurrence kept in order. */
  headers: [string, string][];
  /** The body, when it is HTML and small enough to read (first 1 MiB). */
  html?: string;
  /** The chain verified against the trusted roots. */
  trusted: boolean;
}

export function headerValues(r: FetchedResponse, name: string): string[] {
  return r.headers.filter(([n]) => n === name).map(([, v]) => v);
}

function header(r: FetchedResponse, name: string): string | undefined {
  const all = headerValues(r, name);
  return all.length === 0 ? undefined : all.join(', ');
}

export interface ObservatoryTest {
  name: string;
  modifier: number;
  result: string;
  pass: boolean;
}

export interface RedirectResult {
  /** No plain-HTTP listener answered: scored 0, as the Observatory does. */
  noListener?: boolean;
  status?: number;
  location?: string;
}

export interface HeaderRatingInput {
  page: FetchedResponse;
  redirect: RedirectResult | undefined;
  /** The page's response to a request carrying a foreign Origin (for the CORS test). */
  cors: FetchedResponse | undefined;
  host: string;
}

/** Parses max-age from a Strict-Transport-Security value; undefined when invalid. */
export function hstsMaxAge(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /(?:^|;)\s*max-age\s*=\s*"?(\d+)"?\s*(?:;|$)/i.exec(value);
  return m === null ? undefined : Number(m[1]);
}

function cspTest(page: FetchedResponse): ObservatoryTest {
  const values = headerValues(page, 'content-security-policy');
  if (values.length === 0) {
    const reportOnly = header(page, 'content-security-policy-report-only') !== undefined;
    return {
      name: 'content-security-policy',
      modifier: -25,
      result: reportOnly ? 'csp-implemented-report-only' : 'csp-not-implemented',
      pass: false,
    };
  }
  const csp = parseCsp(values.join(', '));
  const script = csp.effective('script-src');
  const unsafeInline =
    script === undefined ||
    script.some((v) => v === "'unsafe-inline'" && !script.some(isNonceOrHash)) ||
    script.some((v) => v === 'data:' || v === '*' || v === 'https:' || v === 'http:');
  const objects = csp.effective('object-src');
  const unsafeObjects = objects === undefined || !(objects.length === 1 && objects[0] === "'none'");
  if (unsafeInline || unsafeObjects)
    return {
      name: 'content-security-policy',
      modifier: -20,
      result: 'csp-implemented-with-unsafe-inline',
      pass: false,
    };
  if (script.includes("'unsafe-eval'"))
    return {
      name: 'content-security-policy',
      modifier: -10,
      result: 'csp-implemented-with-unsafe-eval',
      pass: false,
    };
  const insecure = csp.allSources().some((v) => /^(http:|ws:)/i.test(v));
  if (insecure)
    return {
      name: 'content-security-policy',
      modifier: -20,
      result: 'csp-implemented-with-insecure-scheme',
      pass: false,
    };
  const defaultNone = csp.directive('default-src')?.join(' ') === "'none'";
  return {
    name: 'content-security-policy',
    modifier: defaultNone ? 10 : 5,
    result: defaultNone
      ? 'csp-implemented-with-no-unsafe-default-src-none'
      : 'csp-implemented-with-no-unsafe',
    pass: true,
  };
}

function isNonceOrHash(v: string): boolean {
  return /^'(nonce|sha256|sha384|sha512)-/i.test(v);
}

function cookiesTest(page: FetchedResponse, hsts: boolean): ObservatoryTest {
  const cookies = headerValues(page, 'set-cookie');
  if (cookies.length === 0)
    return { name: 'cookies', modifier: 0, result: 'cookies-not-found', pass: true };
  let worst: ObservatoryTest = {
    name: 'cookies',
    modifier: 5,
    result: 'cookies-secure-with-httponly-sessions-and-samesite',
    pass: true,
  };
  for (const c of cookies) {
    const attrs = c
      .split(';')
      .slice(1)
      .map((a) => a.trim().toLowerCase());
    const session = /sess|auth|token|login/i.test(c.split('=')[0] ?? '');
    const secure = attrs.includes('secure');
    const httpOnly = attrs.includes('httponly');
    const sameSite = attrs.some((a) => a.startsWith('samesite='));
    const candidate: ObservatoryTest | undefined =
      session && !secure
        ? {
            name: 'cookies',
            modifier: -40,
            result: 'cookies-session-without-secure-flag',
            pass: false,
          }
        : session && !httpOnly
          ? {
              name: 'cookies',
              modifier: -30,
              result: 'cookies-session-without-httponly-flag',
              pass: false,
            }
          : !secure
            ? {
                name: 'cookies',
                modifier: hsts ? -5 : -20,
                result: hsts
                  ? 'cookies-without-secure-flag-but-protected-by-hsts'
                  : 'cookies-without-secure-flag',
                pass: false,
              }
            : !sameSite
              ? {
                  name: 'cookies',
                  modifier: 0,
                  result: 'cookies-secure-with-httponly-sessions',
                  pass: true,
                }
              : undefined;
    if (candidate !== undefined && candidate.modifier < worst.modifier) worst = candidate;
  }
  return worst;
}

function corsTest(cors: FetchedResponse | undefined): ObservatoryTest {
  const origin = cors === undefined ? undefined : header(cors, 'access-control-allow-origin');
  const credentials =
    cors === undefined ? undefined : header(cors, 'access-control-allow-credentials');
  if (origin !== undefined && origin !== '*' && credentials?.toLowerCase() === 'true')
    return {
      name: 'cross-origin-resource-sharing',
      modifier: -50,
      result: 'cross-origin-resource-sharing-implemented-with-universal-access',
      pass: false,
    };
  return {
    name: 'cross-origin-resource-sharing',
    modifier: 0,
    result:
      origin === undefined
        ? 'cross-origin-resource-sharing-not-implemented'
        : 'cross-origin-resource-sharing-implemented-with-public-access',
    pass: true,
  };
}

function redirectionTest(
  r: RedirectResult | undefined,
  host: string,
  trusted: boolean,
): ObservatoryTest {
  if (r === undefined || r.noListener === true)
    return {
      name: 'redirection',
      modifier: 0,
      result: 'redirection-not-needed-no-http',
      pass: true,
    };
  if (r.status === undefined || r.status < 300 || r.status > 399 || r.location === undefined)
    return { name: 'redirection', modifier: -20, result: 'redirection-missing', pass: false };
  let target: URL;
  try {
    target = new URL(r.location, `http://${host}/`);
  } catch {
    return { name: 'redirection', modifier: -20, result: 'redirection-invalid', pass: false };
  }
  if (target.protocol !== 'https:')
    return { name: 'redirection', modifier: -20, result: 'redirection-not-to-https', pass: false };
  if (target.hostname !== host)
    return {
      name: 'redirection',
      modifier: -5,
      result: 'redirection-off-host-from-http',
      pass: false,
    };
  if (!trusted)
    return { name: 'redirection', modifier: -20, result: 'redirection-invalid-cert', pass: false };
  return { name: 'redirection', modifier: 0, result: 'redirection-to-https', pass: true };
}

function referrerTest(page: FetchedResponse): ObservatoryTest {
  const value = header(page, 'referrer-policy');
  if (value === undefined)
    return {
      name: 'referrer-policy',
      modifier: 0,
      result: 'referrer-policy-not-implemented',
      pass: true,
    };
  // The last valid token wins, as in browsers.
  const last = value
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean)
    .at(-1);
  const privateValues = [
    'no-referrer',
    'same-origin',
    'strict-origin',
    'strict-origin-when-cross-origin',
  ];
  if (last !== undefined && privateValues.includes(last))
    return { name: 'referrer-policy', modifier: 5, result: 'referrer-policy-private', pass: true };
  return { name: 'referrer-policy', modifier: -5, result: 'referrer-policy-unsafe', pass: false };
}

function hstsTest(page: FetchedResponse): ObservatoryTest {
  const values = headerValues(page, 'strict-transport-security');
  if (values.length === 0 || !page.url.startsWith('https:'))
    return {
      name: 'strict-transport-security',
      modifier: -20,
      result: 'hsts-not-implemented',
      pass: false,
    };
  const maxAge = hstsMaxAge(values[0]);
  if (values.length > 1 || maxAge === undefined)
    return {
      name: 'strict-transport-security',
      modifier: -20,
      result: 'hsts-header-invalid',
      pass: false,
    };
  if (!page.trusted)
    return {
      name: 'strict-transport-security',
      modifier: -20,
      result: 'hsts-invalid-cert',
      pass: false,
    };
  if (maxAge < 15_552_000)
    return {
      name: 'strict-transport-security',
      modifier: -10,
      result: 'hsts-implemented-max-age-less-than-six-months',
      pass: false,
    };
  return {
    name: 'strict-transport-security',
    modifier: 0,
    result: 'hsts-implemented-max-age-at-least-six-months',
    pass: true,
  };
}

/** The <script> tags of a page, with their src and integrity attributes. */
export function scriptsOf(html: string): { src?: string; integrity?: string }[] {
  const out: { src?: string; integrity?: string }[] = [];
  const tag = /<script\b([^>]*)>/gi;
  for (let m = tag.exec(html); m !== null && out.length < 1000; m = tag.exec(html)) {
    const attrs = m[1] ?? '';
    const attr = (name: string) =>
      new RegExp(`\\b${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(attrs);
    const src = attr('src');
    const integrity = attr('integrity');
    out.push({
      ...(src === null ? {} : { src: src[2] ?? src[3] ?? src[4] ?? '' }),
      ...(integrity === null
        ? {}
        : { integrity: integrity[2] ?? integrity[3] ?? integrity[4] ?? '' }),
    });
  }
  return out;
}

function sriTest(page: FetchedResponse): ObservatoryTest {
  if (page.html === undefined)
    return {
      name: 'subresource-integrity',
      modifier: 0,
      result: 'sri-not-implemented-response-not-html',
      pass: true,
    };
  const scripts = scriptsOf(page.html).filter((s) => s.src !== undefined);
  if (scripts.length === 0)
    return {
      name: 'subresource-integrity',
      modifier: 0,
      result: 'sri-not-implemented-but-no-scripts-loaded',
      pass: true,
    };
  const base = new URL(page.url);
  const resolved = scripts.map((s) => ({ ...s, url: new URL(s.src ?? '', base) }));
  if (resolved.some((s) => s.url.protocol === 'http:'))
    return {
      name: 'subresource-integrity',
      modifier: -50,
      result: 'sri-not-implemented-and-external-scripts-not-loaded-securely',
      pass: false,
    };
  if (resolved.every((s) => s.integrity !== undefined && /^sha(256|384|512)-/.test(s.integrity)))
    return {
      name: 'subresource-integrity',
      modifier: 5,
      result: 'sri-implemented-and-external-scripts-loaded-securely',
      pass: true,
    };
  if (resolved.some((s) => s.url.origin !== base.origin && s.integrity === undefined))
    return {
      name: 'subresource-integrity',
      modifier: -5,
      result: 'sri-not-implemented-but-external-scripts-loaded-securely',
      pass: false,
    };
  return {
    name: 'subresource-integrity',
    modifier: 0,
    result: 'sri-not-implemented-but-all-scripts-loaded-from-secure-origin',
    pass: true,
  };
}

function nosniffTest(page: FetchedResponse): ObservatoryTest {
  const ok = header(page, 'x-content-type-options')?.trim().toLowerCase() === 'nosniff';
  return {
    name: 'x-content-type-options',
    modifier: ok ? 0 : -5,
    result: ok ? 'x-content-type-options-nosniff' : 'x-content-type-options-not-implemented',
    pass: ok,
  };
}

function framingTest(page: FetchedResponse, csp: ParsedCsp | undefined): ObservatoryTest {
  const ancestors = csp?.directive('frame-ancestors');
  if (ancestors !== undefined && ancestors.length > 0 && !ancestors.includes('*'))
    return {
      name: 'x-frame-options',
      modifier: 5,
      result: 'x-frame-options-implemented-via-csp',
      pass: true,
    };
  const xfo = header(page, 'x-frame-options')?.trim().toUpperCase();
  if (xfo === 'DENY' || xfo === 'SAMEORIGIN')
    return {
      name: 'x-frame-options',
      modifier: 0,
      result: 'x-frame-options-sameorigin-or-deny',
      pass: true,
    };
  return {
    name: 'x-frame-options',
    modifier: -20,
    result: 'x-frame-options-not-implemented',
    pass: false,
  };
}

function corpTest(page: FetchedResponse): ObservatoryTest {
  const value = header(page, 'cross-origin-resource-policy')?.trim().toLowerCase();
  if (value === undefined)
    return {
      name: 'cross-origin-resource-policy',
      modifier: 0,
      result: 'corp-not-implemented',
      pass: true,
    };
  if (value === 'same-origin' || value === 'same-site')
    return {
      name: 'cross-origin-resource-policy',
      modifier: 10,
      result: `corp-implemented-with-${value}`,
      pass: true,
    };
  if (value === 'cross-origin')
    return {
      name: 'cross-origin-resource-policy',
      modifier: 0,
      result: 'corp-implemented-with-cross-origin',
      pass: true,
    };
  return {
    name: 'cross-origin-resource-policy',
    modifier: -5,
    result: 'corp-header-invalid',
    pass: false,
  };
}

export interface HeaderRating {
  score: number;
  grade: string;
  tests: ObservatoryTest[];
}

const GRADES: [number, string][] = [
  [100, 'A+'],
  [90, 'A'],
  [85, 'A-'],
  [80, 'B+'],
  [70, 'B'],
  [65, 'B-'],
  [60, 'C+'],
  [50, 'C'],
  [45, 'C-'],
  [40, 'D+'],
  [30, 'D'],
  [25, 'D-'],
];

export function observatoryGrade(score: number): string {
  return GRADES.find(([min]) => score >= min)?.[1] ?? 'F';
}

export function rateHeaders(input: HeaderRatingInput): HeaderRating {
  const { page } = input;
  const cspValues = headerValues(page, 'content-security-policy');
  const csp = cspValues.length === 0 ? undefined : parseCsp(cspValues.join(', '));
  const hsts = hstsTest(page);
  const tests = [
    cspTest(page),
    cookiesTest(page, hsts.pass),
    corsTest(input.cors),
    redirectionTest(input.redirect, input.host, page.trusted),
    referrerTest(page),
    hsts,
    sriTest(page),
    nosniffTest(page),
    framingTest(page, csp),
    corpTest(page),
  ];
  const penalties = 100 + tests.filter((t) => t.modifier < 0).reduce((s, t) => s + t.modifier, 0);
  const bonuses = tests.filter((t) => t.modifier > 0).reduce((s, t) => s + t.modifier, 0);
  const raw = penalties >= 90 ? penalties + bonuses : penalties;
  const score = Math.max(0, Math.floor(raw / 5) * 5);
  return { score, grade: observatoryGrade(score), tests };
}

export interface Check {
  id: string;
  ok: boolean;
  detail: string;
}

/** depwarden's own header promises for the main origin (docs/security.md). */
export function requiredHeaderChecks(page: FetchedResponse): Check[] {
  const h = (n: string) => header(page, n);
  const checks: Check[] = [];
  const add = (id: string, ok: boolean, detail: string) => checks.push({ id, ok, detail });
  const hsts = h('strict-transport-security') ?? '';
  add(
    'hsts two years, subdomains, preload',
    (hstsMaxAge(hsts) ?? 0) >= 63_072_000 &&
      /includesubdomains/i.test(hsts) &&
      /preload/i.test(hsts),
    hsts || 'missing',
  );
  const pp = h('permissions-policy') ?? '';
  const disabled = ['camera', 'microphone', 'geolocation', 'payment', 'usb'].filter(
    (f) => !new RegExp(`(^|,)\\s*${f}=\\(\\)`).test(pp),
  );
  add(
    'permissions-policy disables powerful features',
    pp !== '' && disabled.length === 0,
    pp === '' ? 'missing' : disabled.length === 0 ? pp : `not disabled: ${disabled.join(', ')}`,
  );
  add(
    'referrer-policy no-referrer',
    h('referrer-policy')?.trim() === 'no-referrer',
    h('referrer-policy') ?? 'missing',
  );
  add(
    'x-content-type-options nosniff',
    h('x-content-type-options')?.trim() === 'nosniff',
    h('x-content-type-options') ?? 'missing',
  );
  add(
    'x-frame-options DENY',
    h('x-frame-options')?.trim().toUpperCase() === 'DENY',
    h('x-frame-options') ?? 'missing',
  );
  add(
    'cross-origin-opener-policy same-origin',
    h('cross-origin-opener-policy')?.trim() === 'same-origin',
    h('cross-origin-opener-policy') ?? 'missing',
  );
  add(
    'cross-origin-resource-policy same-origin',
    h('cross-origin-resource-policy')?.trim() === 'same-origin',
    h('cross-origin-resource-policy') ?? 'missing',
  );
  const banner = h('x-powered-by') ?? (/\d/.test(h('server') ?? '') ? h('server') : undefined);
  add('no version banners', banner === undefined, banner ?? 'none');
  for (const c of headerValues(page, 'set-cookie')) {
    const name = c.split('=')[0] ?? '';
    const attrs = c.toLowerCase();
    add(
      `cookie ${name.slice(0, 40)} is __Host-, Secure, HttpOnly, SameSite=Strict`,
      name.startsWith('__Host-') &&
        /;\s*secure/.test(attrs) &&
        /;\s*httponly/.test(attrs) &&
        /;\s*samesite=strict/.test(attrs),
      c.slice(0, 120),
    );
  }
  return checks;
}
