/**
 * suspiciousString: strings that name what malware needs and ordinary packages rarely do:
 * exfiltration and command-and-control endpoints (chat webhooks and bot APIs, paste, file-drop
 * and tunnel services, out-of-band test domains), credential locations (npm and cloud
 * credentials, SSH keys, browser profiles, crypto wallets), wallet addresses, download-and-run
 * one-liners, npm publishing, and locale or IP-geolocation checks. Each match is marked with
 * the signal correlation uses.
 */
import { at, defineDetector, type Evidence } from '../../analyzer/kit.js';

interface Pattern {
  label: string;
  re: RegExp;
  signal?: string;
}

const PATTERNS: readonly Pattern[] = [
  {
    // A URL or host:port on a public IPv4 address: where stolen data goes when its author
    // wants no domain. Private, loopback, link-local (the cloud metadata address) and
    // multicast ranges are excluded. A bare dotted quad counts only as a network call's
    // argument (see BARE_IP below): OIDs (2.5.4.3) and CIDR blocks look the same.
    label: 'bare public IP address',
    re: /^(?:https?:\/\/(?!(?:10|127|0)\.|169\.254\.|172\.(?:1[6-9]|2\d|3[01])\.|192\.168\.|(?:22[4-9]|2[3-5]\d)\.)(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?(?:[/?#]\S*)?|(?!(?:10|127|0)\.|169\.254\.|172\.(?:1[6-9]|2\d|3[01])\.|192\.168\.|(?:22[4-9]|2[3-5]\d)\.)(?:\d{1,3}\.){3}\d{1,3}:\d{1,5})$/,
    signal: 'ip-endpoint',
  },
  {
    label: 'chat webhook or bot API',
    re: /discord(?:app)?\.com\/api\/webhooks|hooks\.slack\.com\/services|api\.telegram\.org\/bot|outlook\.office\.com\/webhook/i,
    signal: 'exfil-endpoint',
  },
  {
    label: 'request-capture service',
    re: /webhook\.site|pipedream\.net|requestbin|beeceptor\.com|hookbin\.com|requestcatcher\.com|postb\.in/i,
    signal: 'exfil-endpoint',
  },
  {
    label: 'tunnel service',
    re: /\.ngrok(?:-free)?\.(?:io|app|dev)|trycloudflare\.com|serveo\.net|\.loca\.lt\b|localtunnel\.me|\.pinggy\.(?:io|link)/i,
    signal: 'exfil-endpoint',
  },
  {
    label: 'paste or file-drop service',
    re: /pastebin\.com\/(?:raw|api)|paste\.ee\/r|hastebin\.com|ghostbin|transfer\.sh|file\.io\b|0x0\.st|anonfiles|temp\.sh/i,
    signal: 'exfil-endpoint',
  },
  {
    label: 'out-of-band test domain',
    re: /\.oast\.(?:fun|live|site|me|pro|online)|interact\.sh|burpcollaborator\.net|canarytokens\.com|dnslog\.cn|ceye\.io|\.oastify\.com/i,
    signal: 'exfil-endpoint',
  },
  { label: 'npm credentials', re: /(?:^|[\\/~])\.npmrc\b|_authToken/, signal: 'npm-token' },
  {
    label: 'SSH keys',
    // The key file names alone too: stealers build the path with path.join(home, '.ssh', 'id_rsa').
    re: /\.ssh[\\/](?:id_(?:rsa|dsa|ecdsa|ed25519)|authorized_keys|known_hosts)?|^id_(?:rsa|dsa|ecdsa|ed25519)$/,
    signal: 'credential-path',
  },
  {
    label: 'cloud credentials',
    re: /\.aws[\\/]credentials|\.config[\\/]gcloud|\.azure[\\/]|\.kube[\\/]config|\.docker[\\/]config\.json|application_default_credentials/,
    signal: 'credential-path',
  },
  {
    label: 'browser profile data',
    // Profile file names only as whole strings or path ends: 'Cookies are disabled' is not one.
    re: /(?:^|[\\/])(?:Login Data|Local State|Web Data)$|[\\/](?:Network[\\/])?Cookies$|Local Extension Settings|Google[\\/]Chrome[\\/]User Data|BraveSoftware|Mozilla[\\/]Firefox[\\/]Profiles/,
    signal: 'credential-path',
  },
  {
    label: 'crypto wallet files',
    re: /wallet\.dat|\.electrum|exodus\.wallet|\.ethereum[\\/]keystore|solana[\\/]id\.json|nkbihfbeogaeaoehlefnkodbefgpgknn|bfnaelmomeimhlpmgjnjophhpkkoljpa/i,
    signal: 'credential-path',
  },
  {
    label: 'download piped to a shell',
    re: /\b(?:curl|wget)\b[^|;&\n]{0,200}\|\s*(?:ba|z|da)?sh\b|\biex\s*\(\s*(?:iwr|new-object\s+net\.webclient)/i,
    signal: 'pipe-to-shell',
  },
  { label: 'npm publish', re: /\bnpm\s+publish\b/, signal: 'npm-publish' },
  {
    label: 'locale or geolocation check',
    re: /\b(?:ru-RU|be-BY|Europe\/(?:Moscow|Minsk))\b|ipapi\.co|ip-api\.com|ipinfo\.io|geolocation-db\.com|ipgeolocation\.io/,
    signal: 'geo-locale',
  },
  {
    label: 'wallet address',
    re: /^(?:0x[0-9a-fA-F]{40}|bc1[02-9ac-hj-np-z]{38,58}|T[1-9A-HJ-NP-Za-km-z]{33})$/,
  },
];

/**
 * All patterns in one case-insensitive regex, tested first: it matches whatever any pattern
 * matches (ignoring case only widens a pattern), so a literal it rejects, nearly every one,
 * costs one regex run instead of one per pattern. Those it accepts are tried pattern by pattern.
 */
const BARE_IP =
  /^(?!(?:10|127|0)\.|169\.254\.|172\.(?:1[6-9]|2\d|3[01])\.|192\.168\.|(?:22[4-9]|2[3-5]\d)\.)(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;
const NETWORK_CALL =
  /^(?:net|tls|dgram|http|https|http2)\.(?:connect|createConnection|request|get|send)$|^(?:fetch|globalThis\.fetch)$|\.send$/;

const ANY = new RegExp(PATTERNS.map((p) => `(?:${p.re.source})`).join('|'), 'i');

export const detector = defineDetector({
  meta: {
    id: 'suspiciousString',
    version: 3,
    category: 'supplyChainRisk',
    severity: 'middle',
    title: 'Suspicious strings',
    description:
      'Strings that name exfiltration endpoints, credential files, wallets or download-and-run commands.',
  },
  js(file, facts, report) {
    const found = new Map<string, { evidence: Evidence[]; signal?: string; samples: string[] }>();
    // Bare public IPs handed straight to a network call (net.connect(4444, '198.51.100.23')).
    for (const c of facts.calls) {
      if (!NETWORK_CALL.test(c.callee)) continue;
      for (let i = 0; i < c.args.length && i < 4; i++) {
        const span = c.argSpans[i] as [number, number];
        const raw = file.text.slice(span[0] + 1, span[1] - 1);
        if (c.args[i] !== 'string' || !BARE_IP.test(raw)) continue;
        let entry = found.get('bare public IP address');
        if (entry === undefined)
          found.set(
            'bare public IP address',
            (entry = { evidence: [], samples: [], signal: 'ip-endpoint' }),
          );
        if (entry.evidence.length < 5) entry.evidence.push(at(file, span[0], span[1]));
        if (entry.samples.length < 5) entry.samples.push(raw);
      }
    }
    for (const s of facts.strings) {
      if (s.value.length < 4 || s.value.length > 4096 || !ANY.test(s.value)) continue;
      for (const p of PATTERNS) {
        if (!p.re.test(s.value)) continue;
        let entry = found.get(p.label);
        if (entry === undefined)
          found.set(
            p.label,
            (entry = {
              evidence: [],
              samples: [],
              ...(p.signal === undefined ? {} : { signal: p.signal }),
            }),
          );
        if (entry.evidence.length < 5) entry.evidence.push(at(file, s.start, s.end));
        if (entry.samples.length < 5) entry.samples.push(s.value.slice(0, 200));
      }
    }
    for (const [label, entry] of found) {
      report({
        message: `mentions ${label}`,
        severity:
          entry.signal === 'exfil-endpoint' || entry.signal === 'pipe-to-shell'
            ? 'high'
            : undefined,
        evidence: entry.evidence,
        props: {
          kind: label,
          strings: entry.samples,
          signals: entry.signal === undefined ? [] : [entry.signal],
        },
      });
    }
  },
});

/** The correlation signals a piece of text carries (used on install script commands too). */
export function stringSignals(value: string): Set<string> {
  const out = new Set<string>();
  if (value.length > 4096 || !ANY.test(value)) return out;
  for (const p of PATTERNS) if (p.signal !== undefined && p.re.test(value)) out.add(p.signal);
  return out;
}
