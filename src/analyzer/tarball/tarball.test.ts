import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { packageTgz, tar, tgz } from '../../../test/helpers/tarball.js';
import { DEFAULT_TARBALL_LIMITS, readTarball, type TarFindingKind } from './index.js';

const kinds = (r: ReturnType<typeof readTarball>): TarFindingKind[] =>
  r.findings.map((f) => f.kind);
const text = (r: ReturnType<typeof readTarball>, path: string) => {
  const f = r.files.find((x) => x.path === path);
  return f?.bytes === undefined ? undefined : Buffer.from(f.bytes).toString('utf8');
};

describe('tarball reader', () => {
  it('reads an ordinary package: paths relative to package/, contents in memory', () => {
    const r = readTarball(packageTgz({ 'package.json': '{"name":"a"}', 'lib/index.js': 'x=1' }));
    assert.deepEqual(
      r.files.map((f) => f.path),
      ['package.json', 'lib/index.js'],
    );
    assert.equal(text(r, 'lib/index.js'), 'x=1');
    assert.deepEqual(r.findings, []);
    assert.equal(r.complete, true);
    assert.equal(r.entries, 2);
  });

  it('applies pax path records and GNU long names (names over 100 bytes)', () => {
    const long = `package/${'d/'.repeat(80)}file.js`;
    const r = readTarball(
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

  it('reports duplicate entries and keeps the last, as npm installs it', () => {
    const r = readTarball(
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

  it('never follows links and refuses .. paths; absolute and backslash paths are findings', () => {
    const r = readTarball(
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

  it('notes a root folder other than package/ and still reads it', () => {
    const r = readTarball(tgz([{ path: 'node-foo/index.js', content: 'q' }]));
    assert.deepEqual(kinds(r), ['unexpected-root']);
    assert.equal(text(r, 'index.js'), 'q');
  });

  it('stops a gzip bomb at the ratio bound without inflating it', () => {
    const bomb = gzipSync(
      tar([{ path: 'package/zeros', content: new Uint8Array(20 * 1024 * 1024) }]),
    );
    assert.ok(bomb.length < 100_000);
    const r = readTarball(bomb);
    assert.deepEqual(kinds(r), ['limit-ratio']);
    assert.equal(r.complete, false);
    const generous = readTarball(bomb, {
      ...DEFAULT_TARBALL_LIMITS,
      maxRatio: 100_000,
      maxUncompressedBytes: 1024 * 1024,
    });
    assert.deepEqual(kinds(generous), ['limit-uncompressed']);
  });

  it('bounds entries and file sizes, keeping what it read', () => {
    const many = tgz(
      Array.from({ length: 30 }, (_, i) => ({ path: `package/f${i}.js`, content: 'x' })),
    );
    const r = readTarball(many, { ...DEFAULT_TARBALL_LIMITS, maxEntries: 10 });
    assert.deepEqual(kinds(r), ['limit-entries']);
    assert.equal(r.files.length, 10);
    const big = readTarball(packageTgz({ 'big.js': 'y'.repeat(5000), 'small.js': 's' }), {
      ...DEFAULT_TARBALL_LIMITS,
      maxFileBytes: 1000,
    });
    assert.deepEqual(kinds(big), ['limit-file-size']);
    assert.equal(big.files.find((f) => f.path === 'big.js')?.bytes, undefined);
    assert.equal(big.files.find((f) => f.path === 'big.js')?.size, 5000);
    assert.equal(text(big, 'small.js'), 's');
    const compressed = readTarball(many, { ...DEFAULT_TARBALL_LIMITS, maxCompressedBytes: 10 });
    assert.deepEqual(kinds(compressed), ['limit-compressed']);
  });

  it('reports corruption: truncated gzip, bad checksum, truncated entry; accepts plain tar with a note', () => {
    const good = packageTgz({ 'a.js': 'a'.repeat(2000) });
    assert.deepEqual(kinds(readTarball(good.subarray(0, good.length - 30))), ['corrupt']);
    const raw = tar([{ path: 'package/a.js', content: 'abc' }]);
    const badSum = Buffer.from(raw);
    badSum[0] = 0x41;
    assert.deepEqual(kinds(readTarball(gzipSync(badSum))), ['corrupt']);
    const cut = gzipSync(
      tar([{ path: 'package/a.js', content: 'z'.repeat(3000) }]).subarray(0, 1024),
    );
    assert.match(readTarball(cut).findings[0]!.message, /truncated/);
    const plain = readTarball(raw);
    assert.deepEqual(kinds(plain), ['not-gzip']);
    assert.equal(text(plain, 'a.js'), 'abc');
  });

  it('survives random garbage and random byte flips without throwing', () => {
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const base = tar([{ path: 'package/a.js', content: 'hello', pax: { path: 'package/b.js' } }]);
    for (let i = 0; i < 300; i++) {
      const m = Buffer.from(base);
      for (let k = 0; k < 8; k++) m[Math.floor(rand() * m.length)] = Math.floor(rand() * 256);
      const r = readTarball(i % 2 === 0 ? m : gzipSync(m));
      assert.ok(Array.isArray(r.files));
    }
  });
});
