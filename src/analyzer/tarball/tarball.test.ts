import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { packageTgz, tar, tgz } from '../../../test/helpers/tarball.js';
import { DEFAULT_TARBALL_LIMITS, readTarball, type TarFindingKind } from './index.js';

const kinds = (r: Awaited<ReturnType<typeof readTarball>>): TarFindingKind[] =>
  r.findings.map((f) => f.kind);
const text = (r: Awaited<ReturnType<typeof readTarball>>, path: string) => {
  const f = r.files.find((x) => x.path === path);
  return f?.bytes === undefined ? undefined : Buffer.from(f.bytes).toString('utf8');
};

describe('tarball reader', () => {
  it('reads an ordinary package: paths relative to package/, contents in memory', async () => {
    const r = await readTarball(
      packageTgz({ 'package.json': '{"name":"a"}', 'lib/index.js': 'x=1' }),
    );
    assert.deepEqual(
      r.files.map((f) => f.path),
      ['package.json', 'lib/index.js'],
    );
    assert.equal(text(r, 'lib/index.js'), 'x=1');
    assert.deepEqual(r.findings, []);
    assert.equal(r.complete, true);
    assert.equal(r.entries, 2);
  });

  it('applies pax path records and GNU long names (names over 100 bytes)', async () => {
    const long = `package/${'d/'.repeat(80)}file.js`;
    const r = await readTarball(
      tgz([
        { path: 'package/short.js', content: 'a', pax: { path: long } },
        { path: '././@LongLink', type: 'L', content: `package/${'g'.repeat(150)}.js\0` },
        { path: 'truncated-name', content: 'b' },
      ]),
    );
    assert.deepEqual(
      r.files.map((f) => f.path),
      [long.slice('package/'.length), `${'g'.repeat(150)}.js`],
    );
  });

  it('reports duplicate entries and keeps the last, as npm installs it', async () => {
    const r = await readTarball(
      tgz([
        { path: 'package/index.js', content: 'evil()' },
        { path: 'package/other.js', content: 'o' },
        { path: 'package/index.js', content: 'good()' },
      ]),
    );
    assert.deepEqual(kinds(r), ['duplicate-entry']);
    assert.equal(text(r, 'index.js'), 'good()');
    assert.equal(r.files.length, 2);
  });

  it('never follows links and refuses .. paths; absolute and backslash paths are findings', async () => {
    const r = await readTarball(
      tgz([
        { path: 'package/link', type: '2', linkTarget: '/etc/passwd' },
        { path: 'package/hard', type: '1', linkTarget: 'package/index.js' },
        { path: 'package/../../escape.js', content: 'x' },
        { path: '/package/abs.js', content: 'y' },
        { path: 'package\\win.js', content: 'z' },
      ]),
    );
    assert.deepEqual(kinds(r), [
      'symlink',
      'hardlink',
      'path-traversal',
      'absolute-path',
      'backslash-path',
    ]);
    assert.deepEqual(
      r.files.map((f) => f.path),
      ['abs.js', 'win.js'],
    );
    assert.match(r.findings[0]!.message, /\/etc\/passwd/);
  });

  it('notes a root folder other than package/ and still reads it', async () => {
    const r = await readTarball(tgz([{ path: 'node-foo/index.js', content: 'q' }]));
    assert.deepEqual(kinds(r), ['unexpected-root']);
    assert.equal(text(r, 'index.js'), 'q');
  });

  it('stops a gzip bomb at the ratio bound without inflating it', async () => {
    const bomb = gzipSync(
      tar([{ path: 'package/zeros', content: new Uint8Array(20 * 1024 * 1024) }]),
    );
    assert.ok(bomb.length < 100_000);
    const r = await readTarball(bomb);
    assert.deepEqual(kinds(r), ['limit-ratio']);
    assert.equal(r.complete, false);
    const generous = await readTarball(bomb, {
      ...DEFAULT_TARBALL_LIMITS,
      maxRatio: 100_000,
      maxUncompressedBytes: 1024 * 1024,
    });
    assert.deepEqual(kinds(generous), ['limit-uncompressed']);
  });

  it('streams: a bomb after real files stops inflating at the bound and keeps the files before it', async () => {
    const bomb = gzipSync(
      tar([
        { path: 'package/index.js', content: 'module.exports = 1;' },
        { path: 'package/zeros', content: new Uint8Array(40 * 1024 * 1024) },
      ]),
    );
    const r = await readTarball(bomb);
    assert.deepEqual(kinds(r), ['limit-ratio']);
    assert.equal(text(r, 'index.js'), 'module.exports = 1;');
    assert.ok(r.uncompressedBytes <= bomb.length * DEFAULT_TARBALL_LIMITS.maxRatio);
  });

  it('streams: files split across gunzip chunks come out whole; nothing after the end marker is inflated', async () => {
    let seed = 7;
    const noise = Buffer.alloc(700 * 1024); // incompressible, so it spans several chunks
    for (let i = 0; i < noise.length; i++) noise[i] = (seed = (seed * 48271) % 2147483647) & 0xff;
    const archive = tar([
      { path: 'package/blob.bin', content: noise },
      { path: 'package/after.js', content: 'x' },
    ]);
    const r = await readTarball(gzipSync(archive));
    assert.deepEqual(kinds(r), []);
    assert.ok(Buffer.from(r.files.find((f) => f.path === 'blob.bin')!.bytes!).equals(noise));
    assert.equal(text(r, 'after.js'), 'x');
    // The end-of-archive marker, then 30 MiB of zeros: a bomb nobody would ever extract.
    const trailing = gzipSync(Buffer.concat([archive, Buffer.alloc(30 * 1024 * 1024)]));
    const t = await readTarball(trailing);
    assert.deepEqual(kinds(t), []);
    assert.ok(t.uncompressedBytes < archive.length + 1024 * 1024);
  });

  it('bounds entries and file sizes, keeping what it read', async () => {
    const many = tgz(
      Array.from({ length: 30 }, (_, i) => ({ path: `package/f${i}.js`, content: 'x' })),
    );
    const r = await readTarball(many, { ...DEFAULT_TARBALL_LIMITS, maxEntries: 10 });
    assert.deepEqual(kinds(r), ['limit-entries']);
    assert.equal(r.files.length, 10);
    const big = await readTarball(packageTgz({ 'big.js': 'y'.repeat(5000), 'small.js': 's' }), {
      ...DEFAULT_TARBALL_LIMITS,
      maxFileBytes: 1000,
    });
    assert.deepEqual(kinds(big), ['limit-file-size']);
    assert.equal(big.files.find((f) => f.path === 'big.js')?.bytes, undefined);
    assert.equal(big.files.find((f) => f.path === 'big.js')?.size, 5000);
    assert.equal(text(big, 'small.js'), 's');
    const compressed = await readTarball(many, {
      ...DEFAULT_TARBALL_LIMITS,
      maxCompressedBytes: 10,
    });
    assert.deepEqual(kinds(compressed), ['limit-compressed']);
  });

  it('reports corruption: truncated gzip, bad checksum, truncated entry; accepts plain tar with a note', async () => {
    const good = packageTgz({ 'a.js': 'a'.repeat(2000) });
    assert.deepEqual(kinds(await readTarball(good.subarray(0, good.length - 30))), ['corrupt']);
    const raw = tar([{ path: 'package/a.js', content: 'abc' }]);
    const badSum = Buffer.from(raw);
    badSum[0] = 0x41;
    assert.deepEqual(kinds(await readTarball(gzipSync(badSum))), ['corrupt']);
    const cut = gzipSync(
      tar([{ path: 'package/a.js', content: 'z'.repeat(3000) }]).subarray(0, 1024),
    );
    assert.match((await readTarball(cut)).findings[0]!.message, /truncated/);
    const plain = await readTarball(raw);
    assert.deepEqual(kinds(plain), ['not-gzip']);
    assert.equal(text(plain, 'a.js'), 'abc');
  });

  it('survives random garbage and random byte flips without throwing', async () => {
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const base = tar([{ path: 'package/a.js', content: 'hello', pax: { path: 'package/b.js' } }]);
    for (let i = 0; i < 300; i++) {
      const m = Buffer.from(base);
      for (let k = 0; k < 8; k++) m[Math.floor(rand() * m.length)] = Math.floor(rand() * 256);
      const r = await readTarball(i % 2 === 0 ? m : gzipSync(m));
      assert.ok(Array.isArray(r.files));
    }
  });
});
