// "package.json alone": direct dependencies become unresolved packages, typed by spec, with
// alias names kept; wrong types and broken files give problems and never pollute prototypes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseManifest } from '../../manifest/index.js';
import { packageJsonParser } from './index.js';

const fixture = (name: string) =>
  readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

function parseFixture(name: string) {
  const { manifest, problems } = parseManifest('package.json', fixture(name));
  const result = packageJsonParser.parse({
    path: 'package.json',
    text: '',
    manifests: new Map([['package.json', manifest]]),
  });
  return { result, manifestProblems: problems };
}

test('every_spec_kind_maps_to_a_source_and_keeps_its_range', () => {
  const { result } = parseFixture('all-spec-kinds.json');
  assert.deepEqual(
    result.packages.map((p) => [p.name, p.source, p.resolved, p.aliases ?? []]),
    [
      ['range', 'registry', '^1.2.3', []],
      ['exact', 'registry', '2.0.0', []],
      ['tagged', 'registry', 'latest', []],
      ['@scope/real', 'registry', '~3.1.0', ['alias']],
      ['gitdep', 'git', 'git+ssh://git@example.invalid/o/r.git#abc1234', []],
      ['shorthand', 'git', 'owner/repo#v1', []],
      ['remote', 'tarball', 'https://example.invalid/pkg-1.0.0.tgz', []],
      ['local', 'file', 'file:../local', []],
      ['linked', 'link', 'link:../linked', []],
      ['ws', 'workspace', 'workspace:*', []],
      ['devtool', 'registry', '>=4 <6', []],
      ['opt', 'registry', '*', []],
      ['peer', 'registry', '^18.0.0', []],
      ['optpeer', 'registry', '^1', []],
    ],
  );
  const importer = result.importers[0];
  assert.equal(importer?.name, 'app');
  assert.deepEqual(
    importer?.dependencies
      .filter((e) => e.kind !== 'prod')
      .map((e) => [e.name, e.kind, e.optional === true]),
    [
      ['devtool', 'dev', false],
      ['opt', 'optional', false],
      ['peer', 'peer', false],
      ['optpeer', 'peer', true],
    ],
  );
  assert.deepEqual(
    result.problems.map((p) => p.code),
    ['no-lockfile'],
  );
});

test('wrong_types_are_reported_with_lines_and_hostile_names_stay_inert', () => {
  const { result, manifestProblems } = parseFixture('wrong-types.json');
  assert.deepEqual(
    manifestProblems.map((p) => [p.code, p.line]),
    [
      ['manifest-wrong-type', 1],
      ['manifest-wrong-type', 1],
      ['manifest-wrong-type', 1],
    ],
  );
  assert.deepEqual(result.packages.map((p) => p.name).sort(), ['__proto__', 'constructor']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.getPrototypeOf({}), Object.prototype);
});

test('truncated_and_empty_files_give_a_located_error_and_no_packages', () => {
  for (const name of ['truncated.json', 'empty.json']) {
    const { result, manifestProblems } = parseFixture(name);
    assert.equal(result.packages.length, 0);
    assert.equal(manifestProblems[0]?.code, 'manifest-invalid-json');
    assert.equal(typeof manifestProblems[0]?.line, 'number');
  }
});
