/**
 * Threat correlation: the step that turns capabilities into a verdict.
 *
 * A capability alone is never malware: half of npm reads the environment, a third touches the
 * network, installers download binaries and run them. What malware does is combine them in a
 * way legitimate code does not: read credentials and send them away, decode a payload and
 * execute it, reach the network from an install script, read npm tokens and publish. Detectors
 * mark what they saw with `signals` in their props; this module looks for chains of signals
 * within one file (or the install script and the file it runs) and raises `malware` with
 * `basis: "heuristic"`, a confidence, and the chain as evidence.
 */
import type { Alert, Evidence, PackageView } from './kit.js';

/** The signal vocabulary detectors use in `props.signals`. */
export type Signal =
  | 'env-whole' // process.env read whole (serialised, spread, iterated)
  | 'env-secret' // a variable named like a secret (TOKEN, SECRET, KEY, PASSWORD, AWS_…, NPM_…)
  | 'credential-path' // ~/.npmrc, ~/.ssh, browser profiles, cloud credential files, wallets
  | 'network' // a network module or fetch
  | 'exfil-endpoint' // webhook, bot API, paste or tunnel service, out-of-band test domain
  | 'ip-endpoint' // a bare public IP address as a string
  | 'shell' // child_process and friends
  | 'pipe-to-shell' // curl … | sh, wget -O- | bash, powershell iex(iwr …)
  | 'decode' // base64/hex/charcode decoding, decryption
  | 'eval' // eval, Function, vm, string timers
  | 'eval-decoded' // eval applied directly to decoded data
  | 'eval-remote' // eval applied to a network response's body
  | 'shell-decoded' // a shell command that is itself decoded data
  | 'install-network' // an install script's command reaches the network (curl, wget, a URL)
  | 'obfuscated' // obfuscator output
  | 'install-script' // the file is run by a lifecycle script
  | 'npm-token' // reads _authToken / NPM_TOKEN / .npmrc
  | 'npm-publish' // runs npm publish or PUTs a packument
  | 'destructive' // recursive deletion or overwrite of user files
  | 'geo-locale'; // checks locale, timezone or IP geolocation

export interface Chain {
  name: string;
  /** Every group must have at least one of its signals present. */
  requires: readonly (readonly Signal[])[];
  confidence: number;
  message: string;
}

/** Exported for the malware fixtures' coverage test (every chain has a positive fixture). */
export const CHAINS: readonly Chain[] = [
  {
    name: 'credential-exfiltration',
    requires: [
      ['env-whole', 'env-secret', 'credential-path', 'npm-token'],
      ['exfil-endpoint', 'ip-endpoint'],
    ],
    confidence: 0.95,
    message: 'reads credentials or the environment and sends them to an exfiltration endpoint',
  },
  {
    name: 'environment-exfiltration',
    // Credential paths alone with the network are SSH clients and cloud SDKs; they count only
    // with an exfiltration endpoint (above). A serialised environment has no such excuse.
    requires: [['env-whole'], ['network']],
    confidence: 0.8,
    message: 'serialises the whole environment and uses the network in the same file',
  },
  {
    name: 'download-and-eval',
    // Plain eval next to the network and a decoder is every large bundle; the decoded data
    // must be what is executed, or the response body itself.
    requires: [['network'], ['eval-decoded', 'eval-remote']],
    confidence: 0.8,
    message: 'fetches code over the network and executes it',
  },
  {
    name: 'decoded-execution',
    requires: [['eval-decoded', 'shell-decoded']],
    confidence: 0.85,
    message: 'decodes data and executes it as code or as a shell command',
  },
  {
    name: 'obfuscated-execution',
    requires: [['obfuscated'], ['eval', 'shell']],
    confidence: 0.85,
    message: 'obfuscated code that executes strings or shell commands',
  },
  {
    name: 'download-and-execute',
    requires: [['pipe-to-shell']],
    confidence: 0.9,
    message: 'downloads a script and pipes it to a shell',
  },
  {
    name: 'install-time-network',
    requires: [
      ['install-script'],
      ['exfil-endpoint', 'obfuscated', 'pipe-to-shell', 'install-network'],
    ],
    confidence: 0.9,
    message:
      'an install script reaches the network or an exfiltration endpoint, or runs obfuscated code',
  },
  {
    name: 'self-propagation',
    requires: [['npm-token'], ['npm-publish']],
    confidence: 0.9,
    message: 'reads npm credentials and publishes packages (worm behaviour)',
  },
  {
    name: 'protestware',
    requires: [['destructive'], ['geo-locale']],
    confidence: 0.85,
    message: 'deletes or overwrites files depending on locale, timezone or IP location',
  },
];

export function correlate(alerts: readonly Alert[], pkg: PackageView): Alert[] {
  // Signals per file; lifecycle scripts make the files they run part of the install group.
  const byFile = new Map<string, { signals: Set<Signal>; evidence: Map<Signal, Evidence> }>();
  for (const alert of alerts) {
    const signals = alert.props?.signals;
    if (!Array.isArray(signals)) continue;
    for (const ev of alert.evidence) {
      let entry = byFile.get(ev.file);
      if (entry === undefined)
        byFile.set(ev.file, (entry = { signals: new Set(), evidence: new Map() }));
      for (const s of signals as Signal[]) {
        entry.signals.add(s);
        if (!entry.evidence.has(s)) entry.evidence.set(s, ev);
      }
    }
  }
  const installFiles = installScriptFiles(pkg);
  for (const file of installFiles) {
    const entry = byFile.get(file);
    if (entry !== undefined) entry.signals.add('install-script');
  }

  const found: Alert[] = [];
  for (const [file, { signals, evidence }] of byFile) {
    for (const chain of CHAINS) {
      if (!chain.requires.every((group) => group.some((s) => signals.has(s)))) continue;
      const chainEvidence: Evidence[] = [];
      for (const group of chain.requires) {
        const s = group.find((x) => signals.has(x));
        const ev = s === undefined ? undefined : evidence.get(s);
        if (ev !== undefined && !chainEvidence.includes(ev)) chainEvidence.push(ev);
      }
      if (chainEvidence.length === 0) chainEvidence.push({ file });
      found.push({
        type: 'malware',
        category: 'supplyChainRisk',
        severity: 'critical',
        confidence: chain.confidence,
        basis: 'heuristic',
        message: `${file}: ${chain.message}`,
        evidence: chainEvidence,
        props: {
          chain: chain.name,
          signals: chain.requires.flatMap((g) => g.filter((s) => signals.has(s))),
        },
      });
      break; // one verdict per file: the strongest chain listed first
    }
  }
  return found;
}

/** Package files named by lifecycle scripts (`node install.js`, `node ./scripts/x.js`). */
export function installScriptFiles(pkg: PackageView): Set<string> {
  const out = new Set<string>();
  const scripts = pkg.manifest?.scripts;
  if (typeof scripts !== 'object' || scripts === null) return out;
  for (const hook of INSTALL_HOOKS) {
    const cmd = (scripts as Record<string, unknown>)[hook];
    if (typeof cmd !== 'string') continue;
    for (const m of cmd.matchAll(
      /(?:^|[\s;&|])(?:node|bun|deno run)\s+(?:--?[\w-]+(?:=\S+)?\s+)*["']?([^\s"';&|]+)/g,
    )) {
      const target = (m[1] as string).replace(/^\.\//, '');
      out.add(target);
      if (!/\.[cm]?js$/.test(target)) out.add(`${target}.js`);
    }
  }
  return out;
}

/**
 * The lifecycle scripts npm runs when a registry package is installed. `prepare` is not one
 * of them: npm runs it for the project itself and for git dependencies, which are built from
 * source, never for a tarball from the registry.
 */
export const INSTALL_HOOKS = ['preinstall', 'install', 'postinstall'] as const;
