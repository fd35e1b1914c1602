// The registry checks as users meet them through `depwarden analyze name@version`: a local
// registry serves full packuments (publishers, maintainers, times, attestations) and the
// tarballs of two versions, so the history checks compare real analyses.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sha512Sri } from '../src/registry/index.js';
import { runInProcess } from './helpers/cli.js';
import { TestRegistry } from './helpers/registry-server.js';
import { OSV_CORPUS_ZIP, OSV_RECORDS_DIR } from '../src/advisories/testing.js';
import { readFileSync } from 'node:fs';
import { packageTgz } from './helpers/tarball.js';

const DAY = 24 * 3600 * 1000;
const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

/** The 1 kB module the package always was. */
const CLEAN = packageTgz({
  'package.json': JSON.stringify({ name: 'tiny-lib', version: '1.0.0', main: 'index.js' }),
  'index.js':
    '// Pads a string on the left.\nmodule.exports = function pad(s, n, c) {\n  s = String(s);\n  while (s.length < n) s = (c || " ") + s;\n  return s;\n};\n'.repeat(
      5,
    ),
});

/**
 * The compromised patch: the same export, plus 80 kB of obfuscator-style code (hex-named
 * identifiers, a rotated string array) that rebuilds a string and evaluates it. Inert: the
 * rebuilt string only logs.
 */
function compromised(): Buffer {
  const strings = Array.from({ length: 400 }, (_, i) => `'s${(i * 7919).toString(36)}x'`);
  let body = `var _0x4a1b = [${strings.join(', ')}];\n`;
  body +=
    "(function (_0x2c31d0, _0x4a1bf2) { var _0x1e9c3a = function (_0x5d2f11) { while (--_0x5d2f11) _0x2c31d0['push'](_0x2c31d0['shift']()); }; _0x1e9c3a(++_0x4a1bf2); })(_0x4a1b, 0x1a3);\n";
  body += 'var _0x1f2e = function (_0x3b7a21) { return _0x4a1b[_0x3b7a21 - 0x0]; };\n';
  let i = 0;
  while (body.length < 80_000) {
    body += `function _0x${(0x3c00 + i).toString(16)}(_0x${(0x51a0 + i).toString(16)}) { return _0x1f2e(0x${(i % 400).toString(16)}) + _0x${(0x51a0 + i).toString(16)}; }\n`;
    i++;
  }
  body +=
    "var _0x5c9d = ['console', '.', 'log', '(', '\"', 'synthetic', '\"', ')'];\neval(_0x5c9d['join'](''));\n";
  body += "require('https').get('https://cdn.example.invalid/c');\n";
  return packageTgz({
    'package.json': JSON.stringify({ name: 'tiny-lib', version: '1.0.1', main: 'index.js' }),
    'index.js':
      'module.exports = function pad(s, n, c) {\n  s = String(s);\n  while (s.length < n) s = (c || " ") + s;\n  return s;\n};\n' +
      body,
  });
}
const COMPROMISED = compromised();

const EVENT_STREAM = packageTgz({
  'package.json': JSON.stringify({ name: 'event-stream', version: '3.3.6' }),
  'index.js': 'module.exports = function es() {};\n',
});

function run(args: string[], cwd: string) {
  return runInProcess(args, cwd, { NPM_CONFIG_USERCONFIG: join(cwd, 'no-user.npmrc') });
}

const types = (out: string) =>
  new Set((JSON.parse(out) as { alerts: { type: string }[] }[])[0]!.alerts.map((a) => a.type));

describe('registry checks through depwarden analyze', () => {
  const registry = new TestRegistry();
  let dir: string;
  let url: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dw-intel-'));
    url = await registry.start();
    const dist = (v: string, bytes: Uint8Array, provenance: boolean) => ({
      tarball: `${url}tiny-lib/-/tiny-lib-${v}.tgz`,
      integrity: sha512Sri(bytes),
      ...(provenance
        ? { attestations: { url: `${url}-/npm/v1/attestations/tiny-lib@${v}`, provenance: {} } }
        : {}),
    });
    registry.serve(
      '/tiny-lib',
      JSON.stringify({
        name: 'tiny-lib',
        'dist-tags': { latest: '1.0.1' },
        versions: {
          '1.0.0': {
            name: 'tiny-lib',
            version: '1.0.0',
            main: 'index.js',
            _npmUser: { name: 'alice' },
            maintainers: [{ name: 'alice' }],
            dist: dist('1.0.0', CLEAN, true),
          },
          '1.0.1': {
            name: 'tiny-lib',
            version: '1.0.1',
            main: 'index.js',
            _npmUser: { name: 'mallory' },
            maintainers: [{ name: 'mallory' }],
            dist: dist('1.0.1', COMPROMISED, false),
          },
          '2.0.0': {
            name: 'tiny-lib',
            version: '2.0.0',
            dist: { tarball: `${url}tiny-lib/-/tiny-lib-2.0.0.tgz`, integrity: sha512Sri(CLEAN) },
          },
        },
        time: {
          created: iso(900 * DAY),
          '1.0.0': iso(900 * DAY),
          '1.0.1': iso(2 * DAY),
          '2.0.0': iso(1 * DAY),
        },
      }),
    );
    registry.serve('/tiny-lib/-/tiny-lib-1.0.0.tgz', CLEAN);
    // alice's account exists; mallory's was deleted after publishing (the registry answers 404).
    registry.serve('/-/user/org.couchdb.user:alice', JSON.stringify({ name: 'alice' }));
    registry.serve('/tiny-lib/-/tiny-lib-1.0.1.tgz', COMPROMISED);
    // event-stream 3.3.6, as an advisory records it: the tarball here is inert.
    registry.serve(
      '/event-stream',
      JSON.stringify({
        name: 'event-stream',
        versions: {
          '3.3.6': {
            name: 'event-stream',
            version: '3.3.6',
            dist: {
              tarball: `${url}event-stream/-/event-stream-3.3.6.tgz`,
              integrity: sha512Sri(EVENT_STREAM),
            },
          },
        },
      }),
    );
    registry.serve('/event-stream/-/event-stream-3.3.6.tgz', EVENT_STREAM);
    // Online sources, both off by default: the registry's bulk advisory endpoint (as npm audit
    // asks it) and OSV's query API (here the same local server).
    registry.serve(
      '/-/npm/v1/security/advisories/bulk',
      JSON.stringify({
        'tiny-lib': [
          {
            id: 1099001,
            url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc',
            title: 'Remote code execution in tiny-lib',
            severity: 'critical',
            vulnerable_versions: '>=1.0.1 <1.0.2',
            cwe: ['CWE-94'],
            cvss: { score: 9.8, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
          },
        ],
      }),
    );
    registry.serve(
      '/v1/querybatch',
      JSON.stringify({
        results: [{ vulns: [{ id: 'GHSA-7777-8888-9999', modified: '2026-11-01T00:00:00Z' }] }],
      }),
    );
    // A real record's shape (minimist's prototype pollution), retargeted at tiny-lib 1.0.1.
    const record = JSON.parse(
      readFileSync(join(OSV_RECORDS_DIR, 'GHSA-xvch-5gv4-984h.json'), 'utf8'),
    ) as Record<string, unknown>;
    registry.serve(
      '/v1/vulns/GHSA-7777-8888-9999',
      JSON.stringify({
        ...record,
        id: 'GHSA-7777-8888-9999',
        aliases: [],
        affected: [
          {
            package: { ecosystem: 'npm', name: 'tiny-lib' },
            ranges: [{ type: 'SEMVER', events: [{ introduced: '1.0.1' }, { fixed: '1.0.2' }] }],
          },
        ],
      }),
    );
    // 2.0.0 is listed but its tarball is gone: the test registry answers 404.
    registry.serve(
      '/mirrored',
      JSON.stringify({
        name: 'mirrored',
        versions: {
          '1.0.0': {
            name: 'mirrored',
            version: '1.0.0',
            dist: { tarball: `${url}tiny-lib/-/tiny-lib-1.0.0.tgz`, integrity: sha512Sri(CLEAN) },
          },
          '1.0.1': {
            name: 'mirrored',
            version: '1.0.1',
            dist: {
              tarball: `${url}tiny-lib/-/tiny-lib-1.0.1.tgz`,
              integrity: sha512Sri(COMPROMISED),
            },
          },
        },
      }),
    );
  });
  after(async () => {
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('a compromised patch: permission creep, obfuscation, malware, and the publisher signals', async () => {
    const r = await run(
      ['analyze', 'tiny-lib@1.0.1', '--json', '--registry', url, '--cache-dir', join(dir, 'c1')],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const results = JSON.parse(r.stdout) as {
      alerts: { type: string; severity: string; props?: Record<string, unknown> }[];
    }[];
    const alerts = results[0]!.alerts;
    const got = new Set(alerts.map((a) => a.type));
    for (const t of [
      'permissionCreep',
      'obfuscatedFile',
      'malware',
      'majorRefactor',
      'provenanceDropped',
      'newAuthor',
      'unstableOwnership',
      'recentlyPublished',
      'missingAuthor',
    ])
      assert.ok(got.has(t), `${t} missing; got ${[...got].join(', ')}`);
    const creep = alerts.find((a) => a.type === 'permissionCreep')!;
    assert.equal(creep.severity, 'high');
    assert.deepEqual(
      (creep.props?.added as string[]).filter((c) =>
        ['network', 'eval', 'obfuscated code'].includes(c),
      ),
      ['network', 'eval', 'obfuscated code'],
    );
  });

  it('--no-history skips the previous version: no creep, the rest stays', async () => {
    const r = await run(
      [
        'analyze',
        'tiny-lib@1.0.1',
        '--json',
        '--no-history',
        '--registry',
        url,
        '--cache-dir',
        join(dir, 'c2'),
      ],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const got = types(r.stdout);
    assert.equal(got.has('permissionCreep'), false);
    assert.equal(got.has('majorRefactor'), false);
    assert.ok(got.has('provenanceDropped') && got.has('malware'));
    assert.equal(registry.hits('/tiny-lib/-/tiny-lib-1.0.0.tgz') <= 1, true);
  });

  it('a listed version whose tarball is gone is missingTarball, not a failure', async () => {
    const r = await run(
      ['analyze', 'tiny-lib@2.0.0', '--json', '--registry', url, '--cache-dir', join(dir, 'c3')],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.ok(types(r.stdout).has('missingTarball'));
  });

  it('a mirror without time, maintainers or _npmUser gives unknown, never a false alert', async () => {
    const r = await run(
      ['analyze', 'mirrored@1.0.1', '--json', '--registry', url, '--cache-dir', join(dir, 'c4')],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const got = types(r.stdout);
    for (const t of [
      'newAuthor',
      'unstableOwnership',
      'recentlyPublished',
      'unmaintained',
      'provenanceDropped',
      'chronoAnomaly',
      'missingAuthor',
    ])
      assert.equal(got.has(t), false, t);
    assert.ok(got.has('permissionCreep'), 'history still works from the tarballs');
  });

  it('db update imports the OSV export; analyze then reports known malware and warns without a database', async () => {
    const dataDir = join(dir, 'data');
    const update = await run(
      ['db', 'update', '--from', OSV_CORPUS_ZIP, '--data-dir', dataDir],
      dir,
    );
    assert.equal(update.code, 0, update.stderr);
    assert.match(update.stdout, /advisory database: \d+ advisories/);
    const status = await run(['db', 'status', '--json', '--data-dir', dataDir], dir);
    assert.equal(status.code, 0);
    assert.ok((JSON.parse(status.stdout) as { records: number }).records > 100);

    const r = await run(
      [
        'analyze',
        'event-stream@3.3.6',
        '--json',
        '--registry',
        url,
        '--data-dir',
        dataDir,
        '--cache-dir',
        join(dir, 'c5'),
      ],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const malware = (
      JSON.parse(r.stdout) as { alerts: { type: string; basis?: string }[] }[]
    )[0]!.alerts.find((a) => a.type === 'malware');
    assert.equal(malware?.basis, 'known');
    // The corpus is a snapshot of older records: the database says it is stale.
    assert.match(r.stderr, /older than 7 days/);

    const none = await run(
      [
        'analyze',
        'event-stream@3.3.6',
        '--json',
        '--registry',
        url,
        '--data-dir',
        join(dir, 'empty'),
        '--cache-dir',
        join(dir, 'c5'),
      ],
      dir,
    );
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stderr, /no advisory database/);
    assert.equal(types(none.stdout).has('malware'), false);
    const missing = await run(['db', 'status', '--data-dir', join(dir, 'empty')], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stdout, /none yet/);
  });

  it('online advisory sources are off by default and each can be switched on', async () => {
    const args = ['analyze', 'tiny-lib@1.0.1', '--json', '--no-history', '--registry', url];
    const base = await run(
      [...args, '--data-dir', join(dir, 'none'), '--cache-dir', join(dir, 'c6')],
      dir,
    );
    assert.equal(base.code, 0, base.stderr);
    assert.equal(types(base.stdout).has('criticalCVE'), false);
    assert.equal(registry.hits('/-/npm/v1/security/advisories/bulk'), 0);
    assert.equal(registry.hits('/v1/querybatch'), 0);

    const bulk = await run(
      [
        ...args,
        '--registry-advisories',
        '--data-dir',
        join(dir, 'none'),
        '--cache-dir',
        join(dir, 'c6'),
      ],
      dir,
    );
    assert.equal(bulk.code, 0, bulk.stderr);
    assert.ok(
      types(bulk.stdout).has('criticalCVE'),
      JSON.stringify((JSON.parse(bulk.stdout) as { failures?: unknown }[])[0]!.failures),
    );

    const osv = await run(
      [
        ...args,
        '--osv-online',
        '--osv-url',
        url,
        '--data-dir',
        join(dir, 'none'),
        '--cache-dir',
        join(dir, 'c6'),
      ],
      dir,
    );
    assert.equal(osv.code, 0, osv.stderr);

    assert.ok(
      types(osv.stdout).has('criticalCVE'),
      JSON.stringify((JSON.parse(osv.stdout) as { failures?: unknown }[])[0]!.failures),
    );
    assert.equal(registry.hits('/v1/querybatch'), 1);
  });

  it('a recorded mirror packument (no maintainers, no publishers, import dates for times) gives no publisher or time alerts', async () => {
    const fixture = (f: string) =>
      readFileSync(new URL(`fixtures/registry/once/${f}`, import.meta.url));
    const recorded = new TestRegistry();
    const base = await recorded.start();
    try {
      recorded.serve('/once', fixture('packument.json'));
      recorded.serve('/once/-/once-1.4.0.tgz', fixture('once-1.4.0.tgz'));
      recorded.serve('/once/-/once-1.3.3.tgz', fixture('once-1.3.3.tgz'));
      const r = await run(
        [
          'analyze',
          'once@1.4.0',
          '--json',
          '--registry',
          base,
          '--data-dir',
          join(dir, 'none'),
          '--cache-dir',
          join(dir, 'c7'),
        ],
        dir,
      );
      assert.equal(r.code, 0, r.stderr);
      const got = types(r.stdout);
      // Its times are out of semver order throughout (1.3.3 "published" after 1.4.0 and so
      // on): unreliable, so no chronoAnomaly; no publishers or maintainers: no owner alerts.
      for (const t of [
        'chronoAnomaly',
        'newAuthor',
        'unstableOwnership',
        'missingAuthor',
        'provenanceDropped',
        'recentlyPublished',
        'manifestConfusion',
        'permissionCreep',
      ])
        assert.equal(got.has(t), false, t);
      // The tarballs were fetched (both versions) and verified against the recorded integrity.
      assert.equal(recorded.hits('/once/-/once-1.4.0.tgz'), 1);
      assert.equal(recorded.hits('/once/-/once-1.3.3.tgz'), 1);
    } finally {
      await recorded.stop();
    }
  });
});
