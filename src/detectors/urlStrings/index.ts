/**
 * urlStrings: the URLs, IP addresses and bare domain names a file's string literals contain,
 * listed in props (`urls`, `ips`, `domains`) so a reader sees where the code may connect
 * without reading it. Low severity and informational: most packages mention a documentation
 * link, but a new or unexpected host between two versions is worth a look, and correlation
 * detectors name the dangerous ones (suspiciousString).
 *
 * Noise removed: XML and JSON-schema namespace URLs (never fetched), loopback and unspecified
 * addresses, version numbers that look like IPs (`1.2.3.4` is taken as an IP only when it is
 * the whole literal or follows `//` or `@`), and file names that look like domains
 * (`index.js`): a bare domain needs its whole literal to be a hostname under a common
 * top-level domain that is not also a file extension. Linear: one bounded regex pass per
 * literal, at most 4 kB of each.
 */
import { at, defineDetector, type Evidence } from '../../analyzer/kit.js';

const URL_RE = /\b(?:https?|wss?|ftp):\/\/[^\s"'`<>\\)\]}]{1,2000}/gi;
const IP_RE =
  /(?:^|\/\/|@)((?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})(?::\d{1,5})?(?=$|[/?#])/g;
const DOMAIN_RE = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,8}([a-z]{2,24})$/i;
/** Common top-level domains that are not also usual file extensions (no .js, .sh, .md, .rs, .py, .pl). */
const TLDS = new Set(
  'com net org io dev app co ru cn xyz top info biz me site online tk ml ga cf gq pw cc us uk de fr jp in br ai cloud link live pro club su to ly gg tech store fun space website click icu vip work shop example xn--p1ai'.split(
    ' ',
  ),
);
const NOISE_HOSTS =
  /^(?:www\.w3\.org|schemas\.xmlsoap\.org|schemas\.microsoft\.com|json-schema\.org|purl\.org|ns\.adobe\.com|xmlns\.com|localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1?\])(?::\d+)?$/i;
const MAX_LISTED = 20;
const SAMPLE = 4_096;

function hostOf(url: string): string | undefined {
  const m = /^[a-z]+:\/\/(?:[^@/?#]*@)?([^/?#]+)/i.exec(url);
  return m?.[1]?.toLowerCase();
}

export const detector = defineDetector({
  meta: {
    id: 'urlStrings',
    version: 2,
    category: 'supplyChainRisk',
    severity: 'low',
    title: 'URL strings',
    description: 'String literals contain URLs, IP addresses or domain names.',
  },
  js(file, facts, report) {
    const urls = new Set<string>();
    const ips = new Set<string>();
    const domains = new Set<string>();
    const evidence: Evidence[] = [];
    const note = (s: { start: number; end: number }): void => {
      if (evidence.length < 5) evidence.push(at(file, s.start, Math.min(s.end, s.start + 100)));
    };
    for (const s of facts.strings) {
      if (s.value.length < 4) continue;
      const value = s.value.length > SAMPLE ? s.value.slice(0, SAMPLE) : s.value;
      let hit = false;
      if (value.includes('://')) {
        URL_RE.lastIndex = 0;
        for (let m = URL_RE.exec(value); m !== null; m = URL_RE.exec(value)) {
          const url = m[0].replace(/[.,;:]+$/, '');
          const host = hostOf(url);
          if (host === undefined || NOISE_HOSTS.test(host)) continue;
          hit = true;
          if (urls.size < MAX_LISTED) urls.add(url.slice(0, 200));
        }
      }
      // IPs and domains both need a dot: one indexOf spares both regexes for most literals.
      const dotted = value.includes('.');
      if (dotted && /\d\.\d/.test(value)) {
        IP_RE.lastIndex = 0;
        for (let m = IP_RE.exec(value); m !== null; m = IP_RE.exec(value)) {
          const ip = m[1] as string;
          if (ip === '127.0.0.1' || ip === '0.0.0.0' || ip.startsWith('255.')) continue;
          hit = true;
          if (ips.size < MAX_LISTED) ips.add(ip);
        }
      }
      if (dotted && value.length <= 253) {
        const m = DOMAIN_RE.exec(value);
        if (m !== null && TLDS.has((m[1] as string).toLowerCase()) && !NOISE_HOSTS.test(value)) {
          hit = true;
          if (domains.size < MAX_LISTED) domains.add(value.toLowerCase());
        }
      }
      if (hit) note(s);
    }
    if (evidence.length === 0) return;
    report({
      message: 'contains URLs, IP addresses or domain names',
      evidence,
      props: { urls: [...urls], ips: [...ips], domains: [...domains] },
    });
  },
});
