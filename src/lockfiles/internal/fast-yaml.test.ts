/**
 * Tests for the fast lockfile YAML reader: it must return exactly what the `yaml` package
 * returns (failsafe schema: every scalar a string) on every pnpm and berry lockfile of the
 * corpus, read small constructs the same way, hand everything outside its subset to the
 * fallback, and report duplicates, depth and syntax errors as located problems.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CORPUS_DIR, corpusCaseNames } from '../../../test/helpers/corpus.js';
import { parseFastYaml, readYaml, type YamlValue } from './fast-yaml.js';

function plain(value: YamlValue): unknown {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(plain);
  const out: Record<string, unknown> = {};
  for (const [k, v] of value) Object.defineProperty(out, k, { value: plain(v), enumerable: true });
  return out;
}

function viaYamlPackage(text: string): unknown[] {
  const docs = parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: false });
  return (Array.isArray(docs) ? docs : []).map((d) => d.toJS() as unknown);
}

function fast(text: string): unknown[] {
  const r = parseFastYaml(text);
  assert.equal(r.kind, 'ok', JSON.stringify(r));
  return r.kind === 'ok' ? r.documents.map(plain) : [];
}

const lockfiles = corpusCaseNames()
  .filter((n) => n.startsWith('pnpm-') || n.startsWith('yarn-berry-'))
  .map((n) => join(CORPUS_DIR, n, n.startsWith('pnpm-') ? 'pnpm-lock.yaml' : 'yarn.lock'))
  .filter((p) => existsSync(p));

void test('corpus_has_yaml_lockfiles', () => assert.ok(lockfiles.length >= 16));

for (const path of lockfiles) {
  void test(`corpus_equals_yaml_package_${path
    .split('/')
    .slice(-2, -1)[0]
    ?.replace(/[^a-zA-Z0-9]+/g, '_')}`, () => {
    const text = readFileSync(path, 'utf8');
    assert.deepEqual(fast(text), viaYamlPackage(text));
  });
}

// Constructs inside the subset: the fast reader must agree with the yaml package.
const SUPPORTED: [string, string][] = [
  ['block map and nested map', 'a: 1\nb:\n  c: x\n  d: y\n'],
  ['indented sequence', 'a:\n  - x\n  - y\n'],
  ['compact sequence', 'a:\n- x\n- y\nb: z\n'],
  [
    'maps in a sequence',
    'v:\n  - resolution:\n      type: binary\n    targets:\n      - cpu: x64\n        os: linux\n',
  ],
  ['nested sequence', '- - a\n  - b\n- c\n'],
  ['quoted scalars', `a: 'it''s'\nb: "tab\\tnl\\nq\\"u\\u00e9\\x41"\n'c d': "e"\n`],
  [
    'flow collections',
    'r: {integrity: sha512-x==, tarball: https://h.example/a/-/a-1.tgz}\no: [darwin, linux]\ne: {}\nf: []\n',
  ],
  ['nested flow', "e: {node: '>= 0.6', list: [a, 'b c', {d: e}]}\n"],
  ['comments and blank lines', '# head\n\na: 1 # trailing\n\n  # indented comment\nb: x#y\n'],
  ['empty values', 'a:\nb: \nc: ~\n'],
  ['literal block strip', 'a: |-\n  line 1\n\n  line 3\n    indented\nb: c\n'],
  ['literal block clip', 'a: |\n  one\n  two\n\n\nb: c\n'],
  ['literal block at end of file', 'a: |-\n  one'],
  ['two documents', '---\na: 1\n---\nb: 2\n'],
  ['empty documents', '---\n---\n'],
  ['colon in plain scalar', 'node@runtime:26.7.0:\n  url: https://x.example/a:b\n'],
  ['crlf line ends', 'a: 1\r\nb:\r\n  - c\r\n'],
  ['root scalar', 'hello\n'],
  ['proto keys', '__proto__:\n  constructor: x\n'],
];

for (const [name, text] of SUPPORTED) {
  void test(`supported_${name.replace(/[^a-zA-Z0-9]+/g, '_')}`, () => {
    assert.deepEqual(fast(text), viaYamlPackage(text));
  });
}

// Outside the subset: the fast reader declines, readYaml falls back and still agrees.
const UNSUPPORTED: [string, string][] = [
  ['anchor and alias', 'a: &x 1\nb: *x\n'],
  ['tag', 'a: !!str 1\n'],
  ['folded block', 'a: >\n  one\n  two\n'],
  ['keep chomping', 'a: |+\n  one\n\n'],
  ['multi-line plain', 'a: one\n  two\n'],
  ['multi-line flow', 'a: {b: 1,\n  c: 2}\n'],
  ['multi-line quoted', 'a: "one\n  two"\n'],
  ['complex key', '? a\n: b\n'],
  ['tab indentation', 'a:\n\tb: 1\n'],
  ['document end marker', 'a: 1\n...\n'],
];

for (const [name, text] of UNSUPPORTED) {
  void test(`fallback_${name.replace(/[^a-zA-Z0-9]+/g, '_')}`, () => {
    assert.equal(parseFastYaml(text).kind, 'unsupported');
    const read = readYaml(text);
    assert.equal(read.usedFallback, true);
    const want = viaYamlPackage(text);
    if (read.problems.every((p) => p.severity !== 'error'))
      assert.deepEqual(read.documents.map(plain), want);
  });
}

void test('duplicate_keys_last_wins_with_warning', () => {
  const read = readYaml('a: 1\nb: 2\na: 3\n', { file: 'x.yaml' });
  assert.deepEqual(read.documents.map(plain), [{ a: '3', b: '2' }]);
  assert.deepEqual(
    read.problems.map((p) => [p.code, p.severity, p.file, p.line]),
    [['lockfile-duplicate-key', 'warning', 'x.yaml', 3]],
  );
});

void test('duplicate_keys_in_fallback', () => {
  const read = readYaml('a: &x 1\na: 2\n', { file: 'x.yaml' });
  assert.equal(read.usedFallback, true);
  assert.deepEqual(read.documents.map(plain), [{ a: '2' }]);
  assert.deepEqual(
    read.problems.map((p) => [p.code, p.severity, p.line]),
    [['lockfile-duplicate-key', 'warning', 2]],
  );
});

void test('syntax_error_has_line_and_column', () => {
  const read = readYaml('a: 1\nb: [x, y\nc: 2\n', { file: 'x.yaml' });
  assert.equal(read.usedFallback, true);
  const errors = read.problems.filter((p) => p.severity === 'error');
  assert.ok(errors.length > 0);
  assert.equal(errors[0]?.code, 'lockfile-invalid-yaml');
  assert.equal(errors[0]?.line, 3); // the unclosed flow sequence is noticed where the next key starts
  assert.equal(typeof errors[0]?.column, 'number');
});

void test('too_deep_is_rejected', () => {
  let text = '';
  for (let i = 0; i < 70; i++) text += `${'  '.repeat(i)}k${i}:\n`;
  text += `${'  '.repeat(70)}leaf: x\n`;
  const read = readYaml(text, { file: 'x.yaml' });
  assert.deepEqual(read.documents, []);
  assert.deepEqual(
    read.problems.map((p) => [p.code, p.severity]),
    [['lockfile-too-deep', 'error']],
  );
  const flow = readYaml(`a: ${'['.repeat(100)}${']'.repeat(100)}\n`);
  assert.deepEqual(
    flow.problems.map((p) => p.code),
    ['lockfile-too-deep'],
  );
});

void test('alias_bomb_is_bounded', () => {
  let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 9; i++)
    text += `a${i}: &a${i} [${Array(10)
      .fill(`*a${i - 1}`)
      .join(', ')}]\n`;
  const read = readYaml(text);
  assert.ok(
    read.problems.some(
      (p) =>
        p.code === 'lockfile-too-large' || p.code === 'lockfile-too-deep' || p.severity === 'error',
    ),
  );
});

void test('key_lines', () => {
  const text =
    'lockfileVersion: x\n\npackages:\n\n  a@1:\n    resolution: {integrity: s}\n\n  b@2:\n    resolution: {integrity: t}\n';
  for (const read of [readYaml(text), readYaml(`${text}z: &q 1\n`)]) {
    const doc = read.documents[0];
    assert.ok(doc instanceof Map);
    const packages = doc.get('packages');
    assert.ok(packages instanceof Map);
    assert.equal(read.lines.get(doc, 'packages'), 3);
    assert.equal(read.lines.get(packages, 'a@1'), 5);
    assert.equal(read.lines.get(packages, 'b@2'), 8);
    const b = packages.get('b@2');
    assert.ok(b instanceof Map);
    assert.equal(read.lines.get(b, 'resolution'), 9);
  }
});

void test('drop_values', () => {
  // `engines` is dropped only in mappings at depth 2, `settings` only at the top; a duplicate
  // of a dropped key is still reported, and both readers (the second text has an alias, so
  // the `yaml` package reads it) agree.
  const text =
    'settings:\n  a: b\npackages:\n  engines:\n    engines: {node: x}\n    settings: [1]\n    engines: y\n';
  const options = { dropValues: [new Set(['settings']), undefined, new Set(['engines'])] };
  for (const [read, usedFallback] of [
    [readYaml(text, options), false],
    [readYaml(`${text}z: &q 1\n`, options), true],
  ] as const) {
    assert.equal(read.usedFallback, usedFallback);
    const doc = read.documents[0];
    assert.ok(doc instanceof Map);
    const packages = doc.get('packages');
    assert.equal(doc.get('settings'), '');
    assert.deepEqual(plain(packages ?? ''), { engines: { engines: '', settings: ['1'] } });
    assert.deepEqual(
      read.problems.map((p) => [p.code, p.line]),
      [['lockfile-duplicate-key', 7]],
    );
  }
});
