// The canonical encoding and the snapshot id (docs/snapshot.md). Every id pinned here is
// also recomputed from an encoding built by hand in the test, independently of encoding.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';

import { compareUtf8, computeSnapshotId, encodeSnapshot } from './index.js';

const enc = (s: string) => Buffer.from(s, 'utf8');
function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}
function byHand(files: [string, string | Buffer][]): Buffer {
  const parts: Buffer[] = [
    Buffer.from('depwarden-snapshot\x00v1\x00', 'latin1'),
    u64(files.length),
  ];
  for (const [path, content] of files) {
    const c = typeof content === 'string' ? enc(content) : content;
    parts.push(u64(enc(path).length), enc(path), u64(c.length), c);
  }
  return Buffer.concat(parts);
}
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const file = (path: string, content: string | Buffer) => ({
  path,
  bytes: typeof content === 'string' ? enc(content) : content,
});

// The worked example of docs/snapshot.md.
const EXAMPLE = [file('package.json', '{"name":"a"}\n'), file('app/package-lock.json', '{}\r\n')];
const EXAMPLE_ID = '9d9d97f8defc5a4fc62066824038bf7618e0401be966e736bf5bc4261fc8e645';

void test('the worked example: encoding equals the hand-built bytes, and the id is pinned', () => {
  const expected = byHand([
    ['app/package-lock.json', '{}\r\n'],
    ['package.json', '{"name":"a"}\n'],
  ]);
  assert.deepEqual(encodeSnapshot(EXAMPLE), expected);
  assert.equal(computeSnapshotId(EXAMPLE), sha(expected));
  assert.equal(computeSnapshotId(EXAMPLE), EXAMPLE_ID);
});

const EMPTY_ID = '43d347964042911134784689adc19a0909e67ae92be36b73f4a846543fbb5e8d';

void test('the empty snapshot has a fixed id', () => {
  const expected = byHand([]);
  assert.equal(expected.length, 22 + 8);
  assert.deepEqual(encodeSnapshot([]), expected);
  assert.equal(computeSnapshotId([]), sha(expected));
  assert.equal(computeSnapshotId([]), EMPTY_ID);
});

void test('the id does not depend on the order the files are given in', () => {
  const a = computeSnapshotId(EXAMPLE);
  assert.equal(computeSnapshotId([...EXAMPLE].reverse()), a);
});

void test('one changed byte (content, path, or a newline style) changes the id', () => {
  const base = computeSnapshotId(EXAMPLE);
  const variants = [
    [file('package.json', '{"name":"b"}\n'), EXAMPLE[1]!],
    [file('package.json', '{"name":"a"}\r\n'), EXAMPLE[1]!],
    [file('package.json', '{"name":"a"}\n'), file('app/package-lock.json', '{}\n')],
    [file('package.json', '{"name":"a"}\n'), file('App/package-lock.json', '{}\r\n')],
    [EXAMPLE[0]!],
  ];
  const ids = new Set(variants.map((v) => computeSnapshotId(v)));
  assert.equal(ids.size, variants.length);
  assert.ok(!ids.has(base));
});

void test('length prefixes keep path/content boundaries unambiguous', () => {
  // Same concatenated bytes, split differently between path and content.
  const x = computeSnapshotId([file('a/package.json', 'xy')]);
  const y = computeSnapshotId([file('a/package.jso', 'nxy')]);
  assert.notEqual(x, y);
});

void test('paths sort by UTF-8 bytes, not by UTF-16 code units', () => {
  const ligature = '\uFB01/package.json'; // UTF-8 EF AC 81; UTF-16 FB01
  const emoji = '\u{1F600}/package.json'; // UTF-8 F0 9F 98 80; UTF-16 D83D DE00
  assert.ok(emoji < ligature, 'JS string order puts the emoji first');
  assert.ok(compareUtf8(ligature, emoji) < 0, 'UTF-8 byte order puts the ligature first');
  const files = [file(emoji, '1'), file(ligature, '2')];
  assert.deepEqual(
    encodeSnapshot(files),
    byHand([
      [ligature, '2'],
      [emoji, '1'],
    ]),
  );
});

void test('Unicode is not normalised: NFC and NFD names give different ids', () => {
  const nfc = 'caf\u00e9/package.json';
  const nfd = 'cafe\u0301/package.json';
  assert.notEqual(computeSnapshotId([file(nfc, '{}')]), computeSnapshotId([file(nfd, '{}')]));
});

void test('binary content is taken as is', () => {
  const bytes = Buffer.from([0, 0xff, 0xfe, 0x0d, 0x0a]);
  assert.deepEqual(encodeSnapshot([file('yarn.lock', bytes)]), byHand([['yarn.lock', bytes]]));
});

void test('a duplicate path is refused', () => {
  assert.throws(
    () => encodeSnapshot([file('package.json', 'a'), file('package.json', 'b')]),
    /duplicate path/,
  );
});
