/**
 * Which registry to talk to, and with which credentials, decided the way npm decides it, so a
 * user's existing setup (a company mirror, a scoped private registry, a token in ~/.npmrc)
 * just works and nothing is configured twice.
 *
 * Precedence, highest first: `--registry`, the `NPM_CONFIG_REGISTRY` environment variable
 * (any case, as npm reads it), the project's `.npmrc`, the user's (`NPM_CONFIG_USERCONFIG` or
 * `~/.npmrc`), the global one (`NPM_CONFIG_GLOBALCONFIG`), and last `npm config get registry`,
 * which also yields npm's built-in default: depwarden deliberately names no registry host of
 * its own. `.npmrc` files are read, never written, never uploaded; `${VAR}` references in them
 * are expanded from the environment as npm does. Credentials (`//host/path/:_authToken`,
 * `//host/path/:_auth`) are kept apart from everything printable and are only ever sent to a
 * URL under the exact host and path prefix they were written for.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseIni } from 'ini';
import { DepwardenError } from '../errors/index.js';

export interface RegistryConfig {
  /** Default registry, normalised to end in `/`. */
  registry: string;
  /** Where `registry` came from, for `--verbose` output and error hints (never a secret). */
  registrySource: string;
  /** `@scope` → registry URL (ending in `/`). */
  scopes: ReadonlyMap<string, string>;
  /** Credentials by nerf-darted prefix (`//host[:port]/path/`). Never printed. */
  credentials: ReadonlyMap<string, Credential>;
}

export type Credential = { kind: 'bearer'; token: string } | { kind: 'basic'; encoded: string };

export interface ConfigInputs {
  /** `--registry` as typed. */
  flag?: string | undefined;
  env: NodeJS.ProcessEnv;
  /** Folder whose `.npmrc` counts as the project's; undefined for commands that must not read it. */
  projectDir?: string | undefined;
  /** Asks npm for its registry when nothing else says; injectable for tests. */
  askNpm?: () => Promise<string | undefined>;
}

/** Reads every source and returns the effective configuration. */
export async function loadRegistryConfig(inputs: ConfigInputs): Promise<RegistryConfig> {
  const env = inputs.env;
  const files: { path: string; label: string }[] = [];
  if (inputs.projectDir !== undefined)
    files.push({ path: join(inputs.projectDir, '.npmrc'), label: 'the project .npmrc' });
  const user = envValue(env, 'userconfig') ?? join(homedir(), '.npmrc');
  files.push({ path: user, label: 'the user .npmrc' });
  const global = envValue(env, 'globalconfig');
  if (global !== undefined) files.push({ path: global, label: 'the global npmrc' });

  // Highest precedence first: the first file that sets a key wins.
  const layers: { label: string; values: Record<string, string> }[] = [];
  for (const file of files) {
    const text = await readOptional(file.path);
    if (text !== undefined) layers.push({ label: file.label, values: parseNpmrc(text, env) });
  }

  let registry: string | undefined;
  let registrySource = '';
  if (inputs.flag !== undefined) {
    registry = inputs.flag;
    registrySource = '--registry';
  } else if (envValue(env, 'registry') !== undefined) {
    registry = envValue(env, 'registry');
    registrySource = 'NPM_CONFIG_REGISTRY';
  } else {
    const layer = layers.find((l) => l.values.registry !== undefined);
    if (layer !== undefined) {
      registry = layer.values.registry;
      registrySource = layer.label;
    }
  }
  if (registry === undefined) {
    registry = await (inputs.askNpm ?? askNpmForRegistry)();
    registrySource = 'npm config get registry';
  }
  if (registry === undefined || registry === '') {
    throw new DepwardenError('REGISTRY_CONFIG', 'no npm registry is configured', {
      hint: 'Pass --registry <url>, set NPM_CONFIG_REGISTRY, or install npm so that `npm config get registry` answers.',
    });
  }

  const scopes = new Map<string, string>();
  const credentials = new Map<string, Credential>();
  for (const layer of [...layers].reverse()) {
    for (const [key, value] of Object.entries(layer.values)) {
      const scope = /^(@[a-z0-9][\w.-]*):registry$/i.exec(key);
      if (scope?.[1] !== undefined) {
        scopes.set(scope[1].toLowerCase(), normaliseRegistry(value, `${key} in ${layer.label}`));
        continue;
      }
      const cred = /^(\/\/.+\/):(_authToken|_auth)$/.exec(key);
      if (cred?.[1] !== undefined && value !== '') {
        credentials.set(
          cred[1],
          cred[2] === '_authToken'
            ? { kind: 'bearer', token: value }
            : { kind: 'basic', encoded: value },
        );
      }
    }
  }
  return {
    registry: normaliseRegistry(registry, registrySource),
    registrySource,
    scopes,
    credentials,
  };
}

/** The registry for a package name: its scope's, else the default. */
export function registryFor(config: RegistryConfig, name: string): string {
  if (name.startsWith('@')) {
    const scope = name.slice(0, name.indexOf('/')).toLowerCase();
    const scoped = config.scopes.get(scope);
    if (scoped !== undefined) return scoped;
  }
  return config.registry;
}

/**
 * The credential for a request URL: the one whose nerf-dart (`//host[:port]/path/`) is the
 * longest prefix of the URL's. A tarball on another host gets none, as with npm.
 */
export function credentialFor(config: RegistryConfig, url: string): Credential | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  let path = u.pathname.slice(0, u.pathname.lastIndexOf('/') + 1);
  for (;;) {
    const found = config.credentials.get(`//${u.host}${path}`);
    if (found !== undefined) return found;
    if (path === '/') return undefined;
    path = path.slice(0, path.lastIndexOf('/', path.length - 2) + 1);
  }
}

/** A URL fit for messages and logs: no userinfo, no query, no fragment. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString();
  } catch {
    return '<invalid URL>';
  }
}

/** `.npmrc` text to key → value, `${VAR}` expanded (`${VAR?}` to '' when unset, as npm does). */
export function parseNpmrc(text: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const parsed = parseIni(text) as Record<string, unknown>;
  for (const [rawKey, rawValue] of Object.entries(parsed)) {
    if (typeof rawValue !== 'string' && typeof rawValue !== 'boolean') continue;
    out[expand(rawKey, env)] = expand(String(rawValue), env);
  }
  return out;
}

function expand(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/(\\*)\$\{([^}?]+)(\?)?\}/g, (whole, slashes: string, name: string, q) => {
    if (slashes.length % 2 === 1) return whole.slice(1); // escaped: keep literally, minus one \
    const v = env[name];
    if (v === undefined && q === undefined) return whole; // npm leaves unknown ${VAR} as is
    return `${slashes}${v ?? ''}`;
  });
}

function normaliseRegistry(value: string, source: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new DepwardenError('REGISTRY_CONFIG', `the registry from ${source} is not a URL`, {
      hint: 'Write the registry as an absolute http(s) URL.',
    });
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    throw new DepwardenError(
      'REGISTRY_CONFIG',
      `the registry from ${source} must use http or https, not ${u.protocol}`,
    );
  }
  const s = u.toString();
  return s.endsWith('/') ? s : `${s}/`;
}

/** `npm_config_<key>` in any case, as npm reads its environment; '' counts as unset. */
function envValue(env: NodeJS.ProcessEnv, key: string): string | undefined {
  const wanted = `npm_config_${key}`;
  for (const [k, v] of Object.entries(env)) {
    if (k.toLowerCase() === wanted && v !== undefined && v !== '') return v;
  }
  return undefined;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DepwardenError('REGISTRY_CONFIG', `cannot read ${path}`, {
      cause: err,
      hint: 'Check the file permissions.',
    });
  }
}

export async function askNpmForRegistry(): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)('npm', ['config', 'get', 'registry'], {
      timeout: 15_000,
      shell: process.platform === 'win32',
    });
    const line = stdout.trim();
    return line === '' || line === 'undefined' ? undefined : line;
  } catch {
    return undefined;
  }
}
