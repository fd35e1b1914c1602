/**
 * A registry of synthetic packages for end-to-end scans: each package is described by its
 * files and metadata, built into a real tarball and a full packument (times, publishers,
 * maintainers, dist-tags), and served by TestRegistry over HTTP. Lockfile writers produce the
 * same small project in each format, with resolved URLs on the placeholder registry host, as
 * real lockfiles carry a registry host the scan must re-base on the configured registry.
 *
 * Every package here is inert: the "malicious" one only names an unreachable host.
 */
import { createHash } from 'node:crypto';
import { sha512Sri } from '../../src/registry/index.js';
import { TestRegistry } from './registry-server.js';
import { packageTgz } from './tarball.js';

export const PLACEHOLDER = 'https://registry.npm.example/';
const DAY = 24 * 3600 * 1000;

export interface FixtureVersion {
  version: string;
  files: Record<string, string>;
  /** Days ago it was published (default 400). */
  ageDays?: number;
  dependencies?: Record<string, string>;
  deprecated?: string;
  /** Served as listed but the tarball answers 404. */
  missingTarball?: boolean;
}

export interface FixturePackage {
  name: string;
  versions: FixtureVersion[];
  publisher?: string;
}

export interface BuiltVersion {
  name: string;
  version: string;
  tarball: Buffer;
  integrity: string;
  sha1: string;
  dependencies: Record<string, string>;
}

function tarballPath(name: string, version: string): string {
  const base = name.startsWith('@') ? name.split('/')[1] : name;
  return `${name}/-/${base}-${version}.tgz`;
}

export class FixtureRegistry {
  readonly server = new TestRegistry();
  readonly built = new Map<string, BuiltVersion>();
  url = '';

  async start(packages: readonly FixturePackage[]): Promise<string> {
    this.url = await this.server.start();
    for (const p of packages) this.add(p);
    return this.url;
  }

  add(p: FixturePackage): void {
    const publisher = p.publisher ?? 'alice';
    const time: Record<string, string> = {};
    const versions: Record<string, unknown> = {};
    let oldest = 0;
    for (const v of p.versions) {
      const manifest = {
        name: p.name,
        version: v.version,
        ...(v.dependencies === undefined ? {} : { dependencies: v.dependencies }),
        ...JSON.parse(v.files['package.json'] ?? '{}'),
      };
      const files = { ...v.files, 'package.json': JSON.stringify(manifest, null, 2) };
      const tarball = packageTgz(files);
      const integrity = sha512Sri(tarball);
      const sha1 = createHash('sha1').update(tarball).digest('hex');
      this.built.set(`${p.name}@${v.version}`, {
        name: p.name,
        version: v.version,
        tarball,
        integrity,
        sha1,
        dependencies: v.dependencies ?? {},
      });
      const age = (v.ageDays ?? 400) * DAY;
      oldest = Math.max(oldest, age);
      time[v.version] = new Date(Date.now() - age).toISOString();
      versions[v.version] = {
        ...manifest,
        ...(v.deprecated === undefined ? {} : { deprecated: v.deprecated }),
        _npmUser: { name: publisher, email: `${publisher}@example.invalid` },
        maintainers: [{ name: publisher, email: `${publisher}@example.invalid` }],
        dist: { tarball: `${this.url}${tarballPath(p.name, v.version)}`, integrity, shasum: sha1 },
      };
      if (v.missingTarball !== true)
        this.server.serve(`/${tarballPath(p.name, v.version)}`, tarball);
    }
    time.created = new Date(Date.now() - oldest).toISOString();
    time.modified = new Date().toISOString();
    const latest = p.versions[p.versions.length - 1]!.version;
    const doc = {
      name: p.name,
      'dist-tags': { latest },
      versions,
      time,
      maintainers: [{ name: publisher, email: `${publisher}@example.invalid` }],
      readme: `# ${p.name}\n\nA fixture package.\n`,
      repository: { type: 'git', url: `git+https://example.invalid/${p.name}.git` },
    };
    const path = p.name.startsWith('@') ? `/${p.name.replace('/', '%2f')}` : `/${p.name}`;
    this.server.serve(path, JSON.stringify(doc), { 'content-type': 'application/json' });
    this.server.serve(`/-/user/org.couchdb.user:${publisher}`, JSON.stringify({ name: publisher }));
  }

  get(name: string, version: string): BuiltVersion {
    const b = this.built.get(`${name}@${version}`);
    if (b === undefined) throw new Error(`no fixture ${name}@${version}`);
    return b;
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }
}

/** A project: root dependencies (name → range) and the exact versions installed. */
export interface FixtureProject {
  name: string;
  dependencies: Record<string, string>;
  devDependencies?: Record<string, string>;
  /** Every installed package, name@version, the root's and their dependencies. */
  installed: string[];
}

export function packageJson(project: FixtureProject): string {
  return `${JSON.stringify(
    {
      name: project.name,
      version: '1.0.0',
      dependencies: project.dependencies,
      ...(project.devDependencies === undefined
        ? {}
        : { devDependencies: project.devDependencies }),
    },
    null,
    2,
  )}\n`;
}

function splitId(id: string): [string, string] {
  const at = id.lastIndexOf('@');
  return [id.slice(0, at), id.slice(at + 1)];
}

const placeholderUrl = (name: string, version: string) =>
  `${PLACEHOLDER}${tarballPath(name, version)}`;

export function npmLockfile(project: FixtureProject, reg: FixtureRegistry): string {
  const dev = new Set(Object.keys(project.devDependencies ?? {}));
  const packages: Record<string, unknown> = {
    '': {
      name: project.name,
      version: '1.0.0',
      dependencies: project.dependencies,
      ...(project.devDependencies === undefined
        ? {}
        : { devDependencies: project.devDependencies }),
    },
  };
  for (const id of project.installed) {
    const [name, version] = splitId(id);
    const b = reg.get(name, version);
    packages[`node_modules/${name}`] = {
      version,
      resolved: placeholderUrl(name, version),
      integrity: b.integrity,
      ...(dev.has(name) ? { dev: true } : {}),
      ...(Object.keys(b.dependencies).length > 0 ? { dependencies: b.dependencies } : {}),
    };
  }
  return `${JSON.stringify({ name: project.name, version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2)}\n`;
}

/** The range each installed package is asked for: the root's, else its dependents'. */
function rangesOf(project: FixtureProject, reg: FixtureRegistry, name: string): string[] {
  const out = new Set<string>();
  const root = { ...project.dependencies, ...project.devDependencies };
  if (root[name] !== undefined) out.add(root[name]!);
  for (const id of project.installed) {
    const [n, v] = splitId(id);
    const r = reg.get(n, v).dependencies[name];
    if (r !== undefined) out.add(r);
  }
  return [...out];
}

export function yarnV1Lockfile(project: FixtureProject, reg: FixtureRegistry): string {
  let out =
    '# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n';
  for (const id of project.installed) {
    const [name, version] = splitId(id);
    const b = reg.get(name, version);
    const keys = rangesOf(project, reg, name).map((r) => `${name}@${r}`);
    out += `\n${keys.map((k) => JSON.stringify(k)).join(', ')}:\n  version "${version}"\n  resolved "${placeholderUrl(name, version)}#${b.sha1}"\n  integrity ${b.integrity}\n`;
    const deps = Object.entries(b.dependencies);
    if (deps.length > 0) {
      out += '  dependencies:\n';
      for (const [d, r] of deps) out += `    ${d} "${r}"\n`;
    }
  }
  return out;
}

export function yarnBerryLockfile(project: FixtureProject, reg: FixtureRegistry): string {
  let out =
    '# This file is generated by running "yarn install" inside your project.\n# Manual changes might be lost - proceed with caution!\n\n__metadata:\n  version: 8\n  cacheKey: 10c0\n';
  const entries: [string, string][] = [];
  for (const id of project.installed) {
    const [name, version] = splitId(id);
    const b = reg.get(name, version);
    const keys = rangesOf(project, reg, name).map((r) => `${name}@npm:${r}`);
    let body = `  version: ${version}\n  resolution: "${name}@npm:${version}"\n`;
    const deps = Object.entries(b.dependencies);
    if (deps.length > 0) {
      body += '  dependencies:\n';
      for (const [d, r] of deps) body += `    ${d}: "npm:${r}"\n`;
    }
    body += `  checksum: 10c0/${createHash('sha512').update(b.tarball).digest('hex')}\n  languageName: node\n  linkType: hard\n`;
    entries.push([`"${keys.join(', ')}":\n`, body]);
  }
  let ws = `  version: 0.0.0-use.local\n  resolution: "${project.name}@workspace:."\n  dependencies:\n`;
  for (const [d, r] of Object.entries({ ...project.dependencies, ...project.devDependencies }))
    ws += `    ${d}: "npm:${r}"\n`;
  ws += '  languageName: unknown\n  linkType: soft\n';
  entries.push([`"${project.name}@workspace:.":\n`, ws]);
  entries.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  for (const [k, b] of entries) out += `\n${k}${b}`;
  return out;
}

export function pnpmLockfile(project: FixtureProject, reg: FixtureRegistry): string {
  let out =
    "lockfileVersion: '9.0'\n\nsettings:\n  autoInstallPeers: true\n  excludeLinksFromLockfile: false\n\nimporters:\n\n  .:\n";
  const section = (title: string, deps: Record<string, string> | undefined) => {
    if (deps === undefined || Object.keys(deps).length === 0) return;
    out += `    ${title}:\n`;
    for (const [d, r] of Object.entries(deps)) {
      const installed = project.installed.find((id) => splitId(id)[0] === d)!;
      out += `      ${d}:\n        specifier: '${r}'\n        version: ${splitId(installed)[1]}\n`;
    }
  };
  section('dependencies', project.dependencies);
  section('devDependencies', project.devDependencies);
  out += '\npackages:\n';
  for (const id of project.installed) {
    const [name, version] = splitId(id);
    out += `\n  ${name}@${version}:\n    resolution: {integrity: ${reg.get(name, version).integrity}}\n`;
  }
  out += '\nsnapshots:\n';
  for (const id of project.installed) {
    const [name, version] = splitId(id);
    const deps = Object.keys(reg.get(name, version).dependencies);
    if (deps.length === 0) out += `\n  ${name}@${version}: {}\n`;
    else {
      out += `\n  ${name}@${version}:\n    dependencies:\n`;
      for (const d of deps) {
        const installed = project.installed.find((i) => splitId(i)[0] === d)!;
        out += `      ${d}: ${splitId(installed)[1]}\n`;
      }
    }
  }
  return out;
}
