import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DepwardenError } from '../errors/index.js';
import { TestRegistry } from '../../test/helpers/registry-server.js';
import { packageTgz } from '../../test/helpers/tarball.js';
import {
  DiskCache,
  RegistryClient,
  credentialFor,
  loadRegistryConfig,
  parseIntegrity,
  parseNpmrc,
  redactUrl,
  registryTarballShape,
  retryAfterMs,
  sha512Sri,
  type RegistryConfig,
} from './index.js';

const noNpm = async () => undefined;

describe('registry configuration', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dw-npmrc-'));
    await mkdir(join(dir, 'project'));
    await writeFile(
      join(dir, 'project', '.npmrc'),
      [
        'registry=https://mirror.example/npm/',
        '@corp:registry=https://corp.example/api/npm/',
        '//corp.example/api/npm/:_authToken=${CORP_TOKEN}',
        '//plain.example/:_auth=dXNlcjpwYXNz',
      ].join('\n'),
    );
    await writeFile(
      join(dir, 'user.npmrc'),
      'registry=https://user.example/\n@other:registry=https://other.example\n',
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('takes --registry over everything, then NPM_CONFIG_REGISTRY, then the project .npmrc', async () => {
    const env = { NPM_CONFIG_USERCONFIG: join(dir, 'user.npmrc'), CORP_TOKEN: 't0k' };
    const projectDir = join(dir, 'project');
    const flag = await loadRegistryConfig({
      flag: 'https://flag.example',
      env,
      projectDir,
      askNpm: noNpm,
    });
    assert.equal(flag.registry, 'https://flag.example/');
    assert.equal(flag.registrySource, '--registry');
    const fromEnv = await loadRegistryConfig({
      env: { ...env, npm_config_registry: 'https://env.example/r' },
      projectDir,
      askNpm: noNpm,
    });
    assert.equal(fromEnv.registry, 'https://env.example/r/');
    const fromProject = await loadRegistryConfig({ env, projectDir, askNpm: noNpm });
    assert.equal(fromProject.registry, 'https://mirror.example/npm/');
    assert.equal(fromProject.registrySource, 'the project .npmrc');
    const fromUser = await loadRegistryConfig({ env, askNpm: noNpm });
    assert.equal(fromUser.registry, 'https://user.example/');
    // Scopes from both files; the project's wins where both say.
    assert.equal(fromProject.scopes.get('@corp'), 'https://corp.example/api/npm/');
    assert.equal(fromProject.scopes.get('@other'), 'https://other.example/');
  });

  it('falls back to npm config get registry, and errors clearly when nothing answers', async () => {
    const env = { NPM_CONFIG_USERCONFIG: join(dir, 'missing.npmrc') };
    const asked = await loadRegistryConfig({
      env,
      askNpm: async () => 'https://npm-said.example/',
    });
    assert.equal(asked.registry, 'https://npm-said.example/');
    await assert.rejects(
      loadRegistryConfig({ env, askNpm: noNpm }),
      (e: unknown) => e instanceof DepwardenError && e.code === 'REGISTRY_CONFIG',
    );
    await assert.rejects(
      loadRegistryConfig({ env, flag: 'ftp://x.example', askNpm: noNpm }),
      (e: unknown) => e instanceof DepwardenError && /http or https/.test(e.message),
    );
  });

  it('expands ${VAR} and sends credentials only under their exact host and path', async () => {
    const config = await loadRegistryConfig({
      env: { NPM_CONFIG_USERCONFIG: join(dir, 'none'), CORP_TOKEN: 's3cret' },
      projectDir: join(dir, 'project'),
      askNpm: noNpm,
    });
    assert.deepEqual(credentialFor(config, 'https://corp.example/api/npm/@corp%2fa'), {
      kind: 'bearer',
      token: 's3cret',
    });
    assert.deepEqual(credentialFor(config, 'https://corp.example/api/npm/@corp/a/-/a-1.0.0.tgz'), {
      kind: 'bearer',
      token: 's3cret',
    });
    assert.equal(credentialFor(config, 'https://corp.example/other/x'), undefined);
    assert.equal(credentialFor(config, 'https://evil.example/api/npm/x'), undefined);
    assert.equal(credentialFor(config, 'https://corp.example:8443/api/npm/x'), undefined);
    assert.deepEqual(credentialFor(config, 'https://plain.example/deep/path/pkg'), {
      kind: 'basic',
      encoded: 'dXNlcjpwYXNz',
    });
  });

  it('parses .npmrc like npm: unknown ${VAR} kept, ${VAR?} emptied, escaped kept literally', () => {
    const out = parseNpmrc('a=${NOPE}\nb=${NOPE?}\nc=\\${HOME_X}\nd=${SET}', { SET: 'v' });
    assert.equal(out.a, '${NOPE}');
    assert.equal(out.b, '');
    assert.equal(out.c, '${HOME_X}');
    assert.equal(out.d, 'v');
  });

  it('redacts URLs for messages', () => {
    assert.equal(redactUrl('https://u:p@h.example/a/b?token=x#f'), 'https://h.example/a/b');
    assert.equal(redactUrl('not a url'), '<invalid URL>');
  });
});

describe('integrity and URL shapes', () => {
  it('picks the strongest known hash, falls back to a sha1 shasum, rejects malformed', () => {
    const bytes = Buffer.from('hello');
    const sri = sha512Sri(bytes);
    const parsed = parseIntegrity(`sha1-qvTGHdzF6KLavt4PO0gs2a6pQ00= ${sri}`);
    assert.equal(parsed?.algorithm, 'sha512');
    assert.equal(parsed?.sri, sri);
    assert.equal(
      parseIntegrity(undefined, 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d')?.algorithm,
      'sha1',
    );
    assert.equal(parseIntegrity('sha512-short'), undefined);
    assert.equal(parseIntegrity('md5-abc'), undefined);
  });

  it('recognises registry tarball URLs by path shape, scoped or not', () => {
    assert.deepEqual(registryTarballShape('/lodash/-/lodash-4.17.21.tgz'), {
      name: 'lodash',
      path: 'lodash/-/lodash-4.17.21.tgz',
    });
    assert.deepEqual(registryTarballShape('/npm/@babel/core/-/core-7.0.0.tgz'), {
      name: '@babel/core',
      path: '@babel/core/-/core-7.0.0.tgz',
    });
    assert.deepEqual(registryTarballShape('/@babel%2fcore/-/core-7.0.0.tgz')?.name, '@babel/core');
    assert.equal(registryTarballShape('/archive/main.tar.gz'), undefined);
  });

  it('reads Retry-After as seconds or a date', () => {
    assert.equal(retryAfterMs('2'), 2000);
    assert.equal(retryAfterMs(new Date(10_000).toUTCString(), 4_000), 6_000);
    assert.equal(retryAfterMs('soon'), undefined);
  });
});

describe('registry client over HTTP', () => {
  const server = new TestRegistry();
  let cacheDir: string;
  let config: RegistryConfig;
  const tgz = packageTgz({
    'package.json': '{"name":"left-pad","version":"1.3.0"}',
    'index.js': 'module.exports = 1;\n',
  });
  const integrity = sha512Sri(tgz);

  before(async () => {
    const url = await server.start();
    cacheDir = await mkdtemp(join(tmpdir(), 'dw-cache-'));
    config = {
      registry: url,
      registrySource: 'test',
      scopes: new Map(),
      credentials: new Map([[`//${new URL(url).host}/`, { kind: 'bearer', token: 'tok-123' }]]),
    };
    const packument = (tarballPath: string, integ = integrity) =>
      JSON.stringify({
        name: 'left-pad',
        'dist-tags': { latest: '1.3.0' },
        versions: {
          '1.3.0': {
            name: 'left-pad',
            version: '1.3.0',
            dist: { tarball: `${url}${tarballPath}`, integrity: integ },
          },
        },
      });
    server.serve('/left-pad', packument('left-pad/-/left-pad-1.3.0.tgz'), { etag: '"v1"' });
    server.serve('/left-pad/-/left-pad-1.3.0.tgz', tgz);
    server.serve(
      '/tampered',
      JSON.stringify({
        name: 'tampered',
        versions: {
          '1.0.0': {
            dist: {
              tarball: `${url}tampered/-/tampered-1.0.0.tgz`,
              integrity: sha512Sri(Buffer.from('other')),
            },
          },
        },
      }),
    );
    server.serve('/tampered/-/tampered-1.0.0.tgz', tgz);
    server.serve('/@corp%2fsecret', '{}');
  });
  after(async () => {
    await server.stop();
    await rm(cacheDir, { recursive: true, force: true });
  });

  const client = (extra: Partial<ConstructorParameters<typeof RegistryClient>[0]> = {}) =>
    new RegistryClient({ config, cache: new DiskCache(cacheDir), backoffMs: 1, ...extra });

  it('fetches an abbreviated packument with auth, caches it and revalidates with ETag', async () => {
    let now = 1_000_000;
    const c = client({ now: () => now, packumentTtlMs: 1000 });
    const p = await c.packument('left-pad');
    assert.equal(p.versions.get('1.3.0')?.integrity, integrity);
    assert.equal(p.time, undefined, 'an abbreviated packument has no time: unknown, not empty');
    const first = server.requests.at(-1)!;
    assert.match(String(first.headers.accept), /application\/vnd\.npm\.install-v1\+json/);
    assert.equal(first.headers.authorization, 'Bearer tok-123');
    const before = server.hits('/left-pad');
    await c.packument('left-pad'); // fresh: no request
    assert.equal(server.hits('/left-pad'), before);
    now += 5000; // stale: revalidated, 304
    await c.packument('left-pad');
    assert.equal(server.hits('/left-pad'), before + 1);
    assert.equal(server.requests.at(-1)!.headers['if-none-match'], '"v1"');
    await c.close();
  });

  it('shares one fetch between packument requests made at the same moment', async () => {
    const c = client({ cache: new DiskCache(await mkdtemp(join(tmpdir(), 'dw-cache-'))) });
    const before = server.hits('/left-pad');
    // The full document is in flight: the abbreviated request and a second full one share it.
    const [full, abbreviated, again] = await Promise.all([
      c.packument('left-pad', true),
      c.packument('left-pad'),
      c.packument('left-pad', true),
    ]);
    assert.equal(server.hits('/left-pad'), before + 1);
    assert.equal(abbreviated, full);
    assert.equal(again, full);
    assert.equal(server.requests.at(-1)!.headers.accept, 'application/json');
    // Settled fetches are not kept: a later abbreviated request is its own document.
    const later = await c.packument('left-pad');
    assert.equal(later.full, false);
    assert.equal(server.hits('/left-pad'), before + 2);
    await c.close();
  });

  it('downloads a tarball, checks it against the lockfile integrity, and serves it offline after', async () => {
    const c = client();
    const r = await c.tarball({
      name: 'left-pad',
      version: '1.3.0',
      integrity,
      resolved: 'https://registry.npm.example/left-pad/-/left-pad-1.3.0.tgz',
    });
    assert.ok(r.ok);
    assert.equal(r.verifiedBy, 'lockfile');
    assert.equal(r.fromCache, false);
    assert.deepEqual(r.bytes, tgz);
    // The lockfile's registry host was replaced by the configured registry (path shape).
    assert.equal(server.requests.at(-1)!.path, '/left-pad/-/left-pad-1.3.0.tgz');
    await c.close();
    const offline = client({ offline: true });
    const again = await offline.tarball({ name: 'left-pad', version: '1.3.0', integrity });
    assert.ok(again.ok && again.fromCache);
    await assert.rejects(
      offline.tarball({ name: 'never-fetched', version: '9.9.9' }),
      (e: unknown) =>
        e instanceof DepwardenError &&
        e.code === 'CACHE_MISS_OFFLINE' &&
        /never-fetched/.test(e.message),
    );
    await offline.close();
  });

  it('reports an integrity mismatch and neither caches nor returns the bytes', async () => {
    const c = client();
    const r = await c.tarball({ name: 'tampered', version: '1.0.0' });
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.reason, 'integrity-mismatch');
      assert.equal(r.actual, integrity);
    }
    const entries = await readdir(join(cacheDir, 'tarballs', 'sha512')).catch(() => []);
    // Only left-pad's tarball (from the previous test) may be cached.
    assert.ok(entries.length <= 1);
    await c.close();
  });

  it('retries 503 and dropped connections, honouring Retry-After, then succeeds', async () => {
    server.script(
      '/retry-me',
      { status: 503, headers: { 'retry-after': '0' } },
      { status: 0, drop: true },
      { status: 429 },
    );
    server.serve('/retry-me', JSON.stringify({ name: 'retry-me', versions: {} }));
    const c = client({ retries: 4, cache: undefined });
    const p = await c.packument('retry-me');
    assert.equal(p.name, 'retry-me');
    assert.equal(server.hits('/retry-me'), 4);
    await c.close();
  });

  it('gives up after the retries with a coded error and a redacted URL', async () => {
    server.script('/always-down', ...Array.from({ length: 5 }, () => ({ status: 502 })));
    const c = client({ retries: 2, cache: undefined });
    await assert.rejects(c.packument('always-down'), (e: unknown) => {
      assert.ok(e instanceof DepwardenError);
      assert.equal(e.code, 'REGISTRY_UNREACHABLE');
      assert.match(e.message, /HTTP 502 after 3 attempts/);
      assert.doesNotMatch(e.message, /tok-123/);
      return true;
    });
    await c.close();
  });

  it('maps 404, 401 and 403 to final coded errors without retrying', async () => {
    server.script('/private', { status: 401 });
    server.script('/forbidden', { status: 403 });
    const c = client({ cache: undefined });
    await assert.rejects(
      c.packument('nope-not-here'),
      (e: unknown) => e instanceof DepwardenError && e.code === 'PACKAGE_NOT_FOUND',
    );
    await assert.rejects(
      c.packument('private'),
      (e: unknown) => e instanceof DepwardenError && e.code === 'REGISTRY_AUTH',
    );
    await assert.rejects(
      c.packument('forbidden'),
      (e: unknown) => e instanceof DepwardenError && e.code === 'REGISTRY_AUTH',
    );
    assert.equal(server.hits('/private'), 1);
    await c.close();
  });

  it('refuses oversized bodies and packuments that name another package', async () => {
    server.serve('/huge', 'x'.repeat(5000));
    server.serve('/liar', JSON.stringify({ name: 'someone-else', versions: {} }));
    const c = client({ cache: undefined, limits: { maxPackumentBytes: 1000 } });
    await assert.rejects(
      c.packument('huge'),
      (e: unknown) =>
        e instanceof DepwardenError &&
        e.code === 'REGISTRY_BAD_RESPONSE' &&
        /larger than 1000/.test(e.message),
    );
    await assert.rejects(
      c.packument('liar'),
      (e: unknown) => e instanceof DepwardenError && /names "someone-else"/.test(e.message),
    );
    await assert.rejects(
      c.packument('../etc/passwd'),
      (e: unknown) => e instanceof DepwardenError && e.code === 'TARGET_INVALID',
    );
    await c.close();
  });

  it('does not send credentials across a redirect', async () => {
    server.script('/moved', { status: 302, headers: { location: '/left-pad' } });
    const c = client({ cache: undefined });
    const p = await c.packument('moved').catch((e: unknown) => e);
    // The redirect target names left-pad, so the packument is refused, but what matters is
    // that the second request carried no token.
    assert.ok(p instanceof DepwardenError);
    const last = server.requests.at(-1)!;
    assert.equal(last.path, '/left-pad');
    assert.equal(last.headers.authorization, undefined);
    await c.close();
  });
});

describe('disk cache entries', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dw-cache-entries-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('keeps a packument body byte for byte, newlines and non-ASCII included', async () => {
    const cache = new DiskCache(dir);
    const body = '{\n  "name": "ünïcode",\n  "readme": "line 1\\nline 2"\n}';
    await cache.putPackument({
      url: 'https://registry.npm.example/x',
      accept: 'application/json',
      etag: '"e1"',
      fetchedAt: 42,
      body: Buffer.from(body),
    });
    const entry = await cache.getPackument('https://registry.npm.example/x', 'application/json');
    assert.deepEqual(entry, {
      url: 'https://registry.npm.example/x',
      accept: 'application/json',
      etag: '"e1"',
      fetchedAt: 42,
      body,
    });
    // Another document kind of the same URL is another entry.
    assert.equal(
      await cache.getPackument('https://registry.npm.example/x', 'text/plain'),
      undefined,
    );
    // Writes leave nothing behind in tmp/.
    assert.deepEqual(await readdir(join(dir, 'tmp')), []);
  });

  it('reads a damaged packument entry as a miss, never as a document', async () => {
    const cache = new DiskCache(dir);
    const url = 'https://registry.npm.example/damaged';
    await cache.putPackument({ url, accept: 'application/json', fetchedAt: 1, body: '{}' });
    const files: string[] = [];
    for (const sub of await readdir(join(dir, 'packuments')))
      for (const f of await readdir(join(dir, 'packuments', sub)))
        if ((await readFile(join(dir, 'packuments', sub, f), 'utf8')).includes('damaged'))
          files.push(join(dir, 'packuments', sub, f));
    assert.equal(files.length, 1);
    const damaged = [
      '{"url":"' + url + '","accept":"application/json","fetchedAt":1}', // no body line
      '{"url":"' + url + '","accept":"applic\n{}', // the validators cut short
      '{"url":"' + url + '","accept":"application/json"}\n{}', // no fetch time
    ];
    for (const text of damaged) {
      await writeFile(files[0]!, text);
      assert.equal(await cache.getPackument(url, 'application/json'), undefined, text);
    }
  });
});
