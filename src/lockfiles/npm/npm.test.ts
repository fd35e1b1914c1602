// npm package-lock.json / npm-shrinkwrap.json: identity, source and edges of every entry for
// lockfileVersion 1-3, exact registry sets on the shared corpus, and problems (with lines) for
// broken, hostile or out-of-date files. Each fixture's purpose is noted where it is used.
import { manifests } from '../../../test/helpers/manifests.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { LockEdge, LockPackage, ParsedLockfile } from '../types.js';
import {
  corpusCaseNames,
  loadCorpusCase,
  registryNameVersions,
} from '../../../test/helpers/corpus.js';
import { scanJsonStructure } from '../../util/json.js';
import { npmLockfileParser } from './index.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

/** Builds input.manifests from `{path: package.json text}`, as the snapshot collector would. */

function parse(
  name: string,
  files: Record<string, object> = {},
  path = 'package-lock.json',
): ParsedLockfile {
  return npmLockfileParser.parse({ path, text: fixture(name), manifests: manifests(files) });
}

/** `key name@version source [aliases] dev/optional line` — one string per package. */
const pkgRow = (p: LockPackage): string =>
  [
    p.key,
    `${p.name}@${p.version}`,
    p.source,
    p.aliases ? `aka ${p.aliases.join(',')}` : '',
    p.stated === undefined
      ? 'stated:none'
      : `${p.stated.dev ? 'dev' : ''}${p.stated.optional ? 'opt' : ''}`,
    `L${p.line ?? '?'}`,
  ]
    .filter((s) => s !== '')
    .join(' ');

const edgeRow = (from: string, e: LockEdge): string =>
  `${from} -${e.kind}${e.optional ? '?' : ''}-> ${e.name}@${e.spec} => ${e.target ?? 'UNRESOLVED'}`;

function edges(r: ParsedLockfile): string[] {
  return [
    ...r.importers.flatMap((i) => i.dependencies.map((e) => edgeRow(`importer:${i.path}`, e))),
    ...r.packages.flatMap((p) => p.dependencies.map((e) => edgeRow(p.key, e))),
  ];
}

const problemRows = (r: ParsedLockfile): string[] =>
  r.problems.map((p) => `${p.severity} ${p.code} ${p.file ?? ''}:${p.line ?? '?'}`);

void test('detect_matches_both_file_names_only', () => {
  const cases: [string, boolean][] = [
    ['package-lock.json', true],
    ['npm-shrinkwrap.json', true],
    ['apps/web/package-lock.json', true],
    ['package.json', false],
    ['yarn.lock', false],
    ['package-lock.json.bak', false],
  ];
  for (const [name, want] of cases) assert.equal(npmLockfileParser.detect(name, ''), want, name);
  assert.equal(npmLockfileParser.id, 'lockfile/npm');
  assert.equal(npmLockfileParser.format, 'npm');
});

void test('corpus_registry_sets_match_the_truth_exactly', () => {
  const names = corpusCaseNames().filter((n) => loadCorpusCase(n).expected.format === 'npm');
  assert.ok(names.length >= 8, 'npm corpus cases present');
  for (const name of names) {
    const c = loadCorpusCase(name);
    const r = npmLockfileParser.parse({
      path: c.lockfilePath,
      text: c.lockfileText,
      manifests: c.manifests,
    });
    const registry = registryNameVersions(r.packages);
    assert.deepEqual(registry, [...c.expected.registry].sort(), name);
    assert.equal(r.formatVersion, c.expected.formatVersion, name);
    assert.deepEqual(
      r.problems.filter((p) => p.severity === 'error'),
      [],
      `${name} has no error problems`,
    );
  }
});

void test('corpus_workspaces_become_importers_and_links_point_at_them', () => {
  const c = loadCorpusCase('npm-v3-npmcli-2024');
  const r = npmLockfileParser.parse({
    path: c.lockfilePath,
    text: c.lockfileText,
    manifests: c.manifests,
  });
  const want = (c.expected.workspaces as { path: string; name: string; version: string }[])
    .map((w) => `${w.path} ${w.name}@${w.version}`)
    .sort();
  assert.deepEqual(
    r.importers
      .filter((i) => i.path !== '.')
      .map((i) => `${i.path} ${i.name}@${i.version}`)
      .sort(),
    want,
  );
  const root = r.importers[0];
  assert.equal(
    root?.dependencies.find((e) => e.name === '@npmcli/arborist')?.target,
    'importer:workspaces/arborist',
  );
  assert.deepEqual(problemRows(r), []);
});

void test('corpus_v1_install_types_every_kind_of_version_field', () => {
  // npm-v1-arborist-install-types: aliases, git URLs and shortcuts, file: tarballs and folders,
  // a folder link into node_modules, garbage resolved values.
  const c = loadCorpusCase('npm-v1-arborist-install-types');
  const r = npmLockfileParser.parse({
    path: c.lockfilePath,
    text: c.lockfileText,
    manifests: c.manifests,
  });
  const nonRegistry = r.packages
    .filter((p) => p.source !== 'registry')
    .map((p) => `${p.name}@${p.version} ${p.source}`)
    .sort();
  assert.deepEqual(nonRegistry, [
    '@otherscope/othername@ tarball',
    '@scope/name@ tarball',
    'abbrev@1.1.1 file',
    'full-git-url@ git',
    'ghshort@ git',
    'ghtgz@ git',
    'once@1.4.0 tarball',
    'really-bad-invalid@ tarball',
    'rimraf@2.6.3 tarball',
    'tarball-no-integrity@ tarball',
    'tarball@ tarball',
    'unhosted-git@ git',
  ]);
  const aliases = r.packages
    .filter((p) => p.aliases && p.source === 'registry')
    .map((p) => `${p.aliases?.join()}->${p.name}@${p.version}`)
    .sort();
  assert.deepEqual(aliases, [
    'old->abbrev@1.0.3',
    'pinned->abbrev@1.1.1',
    'reg->abbrev@1.1.1',
    'remote->abbrev@1.1.1',
  ]);
  assert.deepEqual(problemRows(r), [
    'warning lockfile-source-unknown package-lock.json:12',
    'warning lockfile-source-unknown package-lock.json:18',
    'warning lockfile-source-unknown package-lock.json:202',
    'note lockfile-edge-unresolved package-lock.json:12',
  ]);
});

void test('v3_registry_packages_nesting_flags_peers_and_aliases', () => {
  // registry.v3.json: scoped, two versions of c (nested under a), a bundled entry without
  // resolved, dev/optional/devOptional/peer flags, optional peers and an alias via "name".
  const r = parse('registry.v3.json');
  assert.equal(r.formatVersion, '3');
  assert.deepEqual(r.packages.map(pkgRow), [
    'node_modules/@scope/util @scope/util@2.1.0 registry L26',
    'node_modules/a a@1.0.0 registry L31',
    'node_modules/a/node_modules/c c@1.5.0 registry L52',
    'node_modules/c c@2.0.0 registry L60',
    'node_modules/c/node_modules/inner inner@1.0.1 registry L71',
    'node_modules/dev-tool dev-tool@1.2.0 registry dev L75',
    'node_modules/fsevents fsevents@2.3.3 registry opt L83',
    'node_modules/react react@18.2.0 registry L91',
    'node_modules/shared shared@1.0.0 registry stated:none L96',
    'node_modules/string-width-cjs string-width@4.2.3 registry aka string-width-cjs L101',
  ]);
  assert.equal(r.packages[0]?.integrity, 'sha512-scope');
  assert.equal(
    r.packages[0]?.resolved,
    'https://registry.npm.example/@scope/util/-/util-2.1.0.tgz',
  );
  assert.deepEqual(edges(r), [
    'importer:. -prod-> @scope/util@^2.0.0 => node_modules/@scope/util',
    'importer:. -prod-> a@^1.0.0 => node_modules/a',
    'importer:. -prod-> c@^2.0.0 => node_modules/c',
    'importer:. -prod-> string-width-cjs@npm:string-width@^4.2.0 => node_modules/string-width-cjs',
    'importer:. -dev-> dev-tool@^1.0.0 => node_modules/dev-tool',
    'importer:. -optional-> fsevents@^2.3.0 => node_modules/fsevents',
    'importer:. -peer-> react@^18.0.0 => node_modules/react',
    'node_modules/a -prod-> c@^1.0.0 => node_modules/a/node_modules/c',
    'node_modules/a -prod-> missing-dep@^1.0.0 => UNRESOLVED',
    'node_modules/a -optional-> not-installed-optional@^1.0.0 => UNRESOLVED',
    'node_modules/a -peer-> react@^18.0.0 => node_modules/react',
    'node_modules/a -peer?-> react-dom@^18.0.0 => UNRESOLVED',
    'node_modules/a/node_modules/c -prod-> @scope/util@^2.0.0 => node_modules/@scope/util',
    'node_modules/c -prod-> inner@^1.0.0 => node_modules/c/node_modules/inner',
    'node_modules/dev-tool -prod-> shared@^1.0.0 => node_modules/shared',
    'node_modules/fsevents -prod-> shared@^1.0.0 => node_modules/shared',
  ]);
  // Only the required edge is worth a note; optional and optional-peer gaps are routine.
  assert.deepEqual(problemRows(r), ['note lockfile-edge-unresolved package-lock.json:31']);
});

void test('v3_every_kind_of_resolved_maps_to_a_source', () => {
  // sources.v3.json: git (ssh, https, codeload, github tarball), remote and local tarballs,
  // a private registry with a path prefix, a garbage resolved and an entry with nothing.
  const r = parse('sources.v3.json');
  assert.deepEqual(r.packages.map(pkgRow), [
    'node_modules/from-codeload from-codeload@1.0.0 git L19',
    'node_modules/from-git-https from-git-https@1.0.0 git L23',
    'node_modules/from-git-ssh from-git-ssh@1.0.0 git L27',
    'node_modules/from-github-tarball from-github-tarball@3.7.1 git L32',
    'node_modules/local-tarball local-tarball@1.2.0 tarball L36',
    'node_modules/private-registry private-registry@3.0.1 registry L40',
    'node_modules/remote remote@0.1.0 tarball L44',
    'node_modules/weird weird@1.0.0 tarball L48',
    'node_modules/unresolved unresolved@ tarball L52',
  ]);
  assert.deepEqual(problemRows(r), [
    'warning lockfile-source-unknown package-lock.json:48',
    'warning lockfile-source-unknown package-lock.json:52',
  ]);
});

void test('v3_workspaces_links_file_folders_and_links_outside_the_project', () => {
  // workspaces.v3.json: packages/* workspaces (b has no name in the lockfile: it comes from its
  // package.json), a lodash nested under workspace a, a `file:` folder that is not a workspace,
  // and a link to ../outside recorded as `{}`.
  const r = parse('workspaces.v3.json', {
    'package.json': { name: 'monorepo', version: '0.0.0', workspaces: ['packages/*'] },
    'packages/a/package.json': { name: '@mono/a', version: '1.0.0' },
    'packages/b/package.json': { name: '@mono/b', version: '1.0.0' },
    'tools/local-dir/package.json': { name: 'real-local-name', version: '0.4.0' },
  });
  assert.deepEqual(
    r.importers.map((i) => `${i.path} ${i.name}@${i.version}`),
    ['. monorepo@0.0.0', 'packages/a @mono/a@1.0.0', 'packages/b @mono/b@1.0.0'],
  );
  assert.deepEqual(r.packages.map(pkgRow), [
    'node_modules/lodash lodash@4.17.21 registry dev L34',
    'packages/a/node_modules/lodash lodash@3.10.1 registry L51',
    '../outside outside@ link L21',
    'tools/local-dir real-local-name@0.4.0 file aka local-dir L61',
  ]);
  assert.deepEqual(edges(r), [
    'importer:. -prod-> local-dir@file:tools/local-dir => tools/local-dir',
    'importer:. -prod-> outside@file:../outside => ../outside',
    'importer:. -dev-> lodash@^4.17.0 => node_modules/lodash',
    'importer:packages/a -prod-> @mono/b@^1.0.0 => importer:packages/b',
    'importer:packages/a -prod-> lodash@^3.0.0 => packages/a/node_modules/lodash',
    'importer:packages/b -prod-> lodash@^4.17.0 => node_modules/lodash',
    'tools/local-dir -prod-> lodash@^4.0.0 => node_modules/lodash',
  ]);
  // These package.json files declare none of the dependencies the lockfile recorded for them.
  assert.deepEqual(problemRows(r), [
    'warning lockfile-out-of-sync package.json:?',
    'warning lockfile-out-of-sync package.json:?',
    'warning lockfile-out-of-sync package.json:?',
    'warning lockfile-out-of-sync packages/a/package.json:?',
    'warning lockfile-out-of-sync packages/a/package.json:?',
    'warning lockfile-out-of-sync packages/b/package.json:?',
  ]);
});

void test('v3_workspaces_are_found_from_the_lockfile_alone', () => {
  // No manifests: the root entry's `workspaces` globs still make packages/* importers.
  const r = parse('workspaces.v3.json');
  assert.deepEqual(
    r.importers.map((i) => `${i.path} ${i.name ?? '-'}`),
    ['. monorepo', 'packages/a @mono/a', 'packages/b -'],
  );
  assert.equal(r.packages.find((p) => p.key === 'tools/local-dir')?.name, 'local-dir');
});

void test('v2_reads_packages_and_ignores_the_legacy_tree', () => {
  // legacy-tree.v2.json: `only-in-legacy-tree` exists only in the v1-compatible section.
  const r = parse('legacy-tree.v2.json');
  assert.equal(r.formatVersion, '2');
  assert.deepEqual(r.packages.map(pkgRow), ['node_modules/left-pad left-pad@1.3.0 registry L14']);
  assert.deepEqual(problemRows(r), []);
});

void test('v1_tree_aliases_git_tarballs_folders_bundled_and_walk_up', () => {
  // tree.v1.json: scoped package with a nested b@2 (b@1 at the root), bundled entry, git
  // shortcut/ssh/codeload versions, `npm:` alias, remote tarball, registry URL as version,
  // local tarball, a folder link into node_modules and a folder outside node_modules.
  const r = parse('tree.v1.json', {
    'package.json': {
      name: 'old-app',
      version: '1.0.0',
      dependencies: {
        '@scope/pkg': '^1.0.0',
        old: 'npm:@scope/pkg@^0.9.0',
        linked: 'file:./node_modules/b',
      },
      devDependencies: { b: '^1.0.0', 'not-installed': '^1.0.0' },
    },
    'vendor/local-dir/package.json': { name: 'real-local', version: '0.3.0' },
  });
  assert.equal(r.formatVersion, '1');
  assert.deepEqual(r.packages.map(pkgRow), [
    'node_modules/@scope/pkg @scope/pkg@1.0.0 registry L7',
    'node_modules/@scope/pkg/node_modules/b b@2.0.0 registry L15',
    'node_modules/b b@1.0.0 registry dev L25',
    'node_modules/bundler bundler@1.0.0 registry L31',
    'node_modules/bundler/node_modules/inside inside@1.0.0 registry L38',
    'node_modules/c c@1.1.0 registry opt L44',
    'node_modules/ghshort ghshort@ git L49',
    'node_modules/gitssh gitssh@ git L53',
    'node_modules/ghtgz ghtgz@ git L57',
    'node_modules/old @scope/pkg@0.9.0 registry aka old L70',
    'node_modules/remote remote@ tarball L75',
    'node_modules/remote-registry left-pad@1.3.0 registry aka remote-registry L78',
    'node_modules/tarball tarball@2.0.0 tarball L81',
    'node_modules/local-dir real-local@0.3.0 file aka local-dir L64',
  ]);
  // v1 keeps the spec of spec-like versions as `resolved`.
  assert.equal(
    r.packages.find((p) => p.key === 'node_modules/ghshort')?.resolved,
    'github:owner/repo#0123456789abcdef0123456789abcdef01234567',
  );
  assert.deepEqual(edges(r), [
    'importer:. -prod-> @scope/pkg@^1.0.0 => node_modules/@scope/pkg',
    'importer:. -prod-> old@npm:@scope/pkg@^0.9.0 => node_modules/old',
    'importer:. -prod-> linked@file:./node_modules/b => node_modules/b',
    'importer:. -dev-> b@^1.0.0 => node_modules/b',
    'importer:. -dev-> not-installed@^1.0.0 => UNRESOLVED',
    'node_modules/@scope/pkg -prod-> b@^2.0.0 => node_modules/@scope/pkg/node_modules/b',
    'node_modules/@scope/pkg/node_modules/b -optional-> c@^1.0.0 => node_modules/c',
    'node_modules/bundler -prod-> inside@1.0.0 => node_modules/bundler/node_modules/inside',
    'node_modules/local-dir -optional-> c@^1.0.0 => node_modules/c',
  ]);
  assert.deepEqual(problemRows(r), ['note lockfile-edge-unresolved package-lock.json:?']);
});

void test('v1_without_package_json_takes_root_edges_from_the_top_level', () => {
  const r = parse('no-version.v1.json');
  assert.equal(r.formatVersion, '1');
  assert.deepEqual(edges(r), [
    'importer:. -prod-> left-pad@ => node_modules/left-pad',
    'importer:. -dev-> dev-only@ => node_modules/dev-only',
  ]);
  assert.deepEqual(problemRows(r), ['warning lockfile-version-unknown package-lock.json:?']);
});

void test('broken_and_odd_files_give_located_problems_and_partial_results', () => {
  const cases: {
    fixture: string;
    note: string;
    problems: string[];
    packages: number;
    version: string;
  }[] = [
    {
      fixture: 'empty.v3.json',
      note: 'zero bytes',
      problems: ['error lockfile-empty package-lock.json:?'],
      packages: 0,
      version: '',
    },
    {
      fixture: 'truncated.v3.json',
      note: 'cut in the middle of an entry',
      problems: ['error lockfile-invalid-json package-lock.json:29'],
      packages: 0,
      version: '',
    },
    {
      fixture: 'not-object.v3.json',
      note: 'a JSON array',
      problems: ['error lockfile-not-object package-lock.json:1'],
      packages: 0,
      version: '',
    },
    {
      fixture: 'empty-object.v3.json',
      note: '{}: nothing to read, read as an empty v1 tree',
      problems: ['warning lockfile-version-unknown package-lock.json:?'],
      packages: 0,
      version: '1',
    },
    {
      fixture: 'unknown-version.v3.json',
      note: 'lockfileVersion 4 with packages: read as v3',
      problems: ['warning lockfile-version-unknown package-lock.json:3'],
      packages: 1,
      version: '4',
    },
    {
      fixture: 'duplicate-key.v3.json',
      note: 'one package key twice; JSON.parse keeps the last value',
      problems: ['warning lockfile-duplicate-key package-lock.json:12'],
      packages: 1,
      version: '3',
    },
  ];
  for (const c of cases) {
    const r = parse(c.fixture);
    assert.deepEqual(problemRows(r), c.problems, `${c.fixture}: ${c.note}`);
    assert.equal(r.packages.length, c.packages, c.fixture);
    assert.equal(r.formatVersion, c.version, c.fixture);
  }
  // not-json.v3.json: plain text. Node 20's message for it carries no offset, so the shared
  // parseJson places it at the end of the input; only the code and message are pinned here.
  const notJson = parse('not-json.v3.json');
  assert.deepEqual(
    notJson.problems.map((p) => [
      p.severity,
      p.code,
      p.message.startsWith('the lockfile is not valid JSON: '),
    ]),
    [['error', 'lockfile-invalid-json', true]],
  );
  assert.equal(notJson.packages.length, 0);
  assert.equal(parse('duplicate-key.v3.json').packages[0]?.version, '1.3.0');
});

void test('wrong_types_skip_the_entry_or_the_field_with_a_line', () => {
  // invalid-entries.v3.json: a null entry, a numeric version, dependencies as an array, a
  // link without a target, a numeric dependency spec on the root.
  const r = parse('invalid-entries.v3.json');
  assert.deepEqual(r.packages.map(pkgRow), [
    'node_modules/array-deps array-deps@1.0.0 registry L17',
    'node_modules/good good@1.0.0 registry L27',
  ]);
  assert.deepEqual(problemRows(r), [
    'error lockfile-entry-invalid package-lock.json:12',
    'error lockfile-entry-invalid package-lock.json:13',
    'error lockfile-entry-invalid package-lock.json:24',
    'warning lockfile-entry-invalid package-lock.json:17',
    'warning lockfile-entry-invalid package-lock.json:5',
  ]);
  assert.deepEqual(edges(r), ['importer:. -prod-> good@^1.0.0 => node_modules/good']);
});

void test('proto_and_constructor_are_ordinary_names', () => {
  // proto.v3.json: packages named __proto__ and constructor, a `__proto__` key inside an
  // entry, and a peer named toString that is not installed.
  const before = Object.getOwnPropertyNames(Object.prototype).sort();
  const r = parse('proto.v3.json');
  assert.deepEqual(r.packages.map(pkgRow), [
    'node_modules/__proto__ __proto__@1.0.0 registry L12',
    'node_modules/constructor constructor@1.0.0 registry L23',
  ]);
  assert.deepEqual(edges(r), [
    'importer:. -prod-> __proto__@^1.0.0 => node_modules/__proto__',
    'importer:. -prod-> constructor@^1.0.0 => node_modules/constructor',
    'node_modules/__proto__ -prod-> constructor@^1.0.0 => node_modules/constructor',
    'node_modules/__proto__ -peer-> toString@^1.0.0 => UNRESOLVED',
  ]);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), before);
});

void test('package_json_drift_is_reported_per_dependency', () => {
  // out-of-sync.v3.json: package.json changed left-pad's range, added right-pad, dropped removed.
  const r = parse('out-of-sync.v3.json', {
    'package.json': {
      name: 'drift',
      dependencies: { 'left-pad': '^1.3.0', 'right-pad': '^1.0.0' },
    },
  });
  assert.deepEqual(
    r.problems.map((p) => `${p.code} ${p.file} ${p.message} / ${p.hint}`),
    [
      'lockfile-out-of-sync package.json package-lock.json is out of sync with package.json: dependencies.left-pad is ^1.3.0 but the lockfile recorded ^1.0.0 / Run npm install to update the lockfile.',
      'lockfile-out-of-sync package.json package-lock.json is out of sync with package.json: dependencies.right-pad (^1.0.0) is not in the lockfile / Run npm install to update the lockfile.',
      'lockfile-out-of-sync package.json package-lock.json is out of sync with package.json: dependencies.removed is in the lockfile but no longer in package.json / Run npm install to update the lockfile.',
    ],
  );
});

void test('shrinkwrap_in_a_subfolder_reads_manifests_next_to_it', () => {
  const r = npmLockfileParser.parse({
    path: 'apps/web/npm-shrinkwrap.json',
    text: fixture('out-of-sync.v3.json'),
    manifests: manifests({
      'apps/web/package.json': {
        name: 'drift',
        dependencies: { 'left-pad': '^1.0.0', removed: '^1.0.0' },
      },
    }),
  });
  assert.equal(r.file, 'apps/web/npm-shrinkwrap.json');
  assert.deepEqual(problemRows(r), []);
});

void test('deep_or_huge_input_is_bounded_and_never_overflows_the_stack', () => {
  // 300 nested v1 levels: rejected by the depth bound before any walk.
  let tree = '{}';
  for (let i = 0; i < 300; i++) tree = `{"version":"1.0.0","dependencies":{"d${i}":${tree}}}`;
  const deep = npmLockfileParser.parse({
    path: 'package-lock.json',
    text: `{"lockfileVersion":1,"dependencies":{"top":${tree}}}`,
    manifests: new Map(),
  });
  assert.deepEqual(problemRows(deep), ['error lockfile-too-deep package-lock.json:?']);
  // A flat v3 key nesting node_modules 20,000 times: the walk-up index must stay iterative.
  const key = Array.from({ length: 20000 }, () => 'node_modules/x').join('/');
  const flat = npmLockfileParser.parse({
    path: 'package-lock.json',
    text: JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': {},
        [key]: { version: '1.0.0', dependencies: { y: '1' } },
        'node_modules/y': { version: '1.0.0' },
      },
    }),
    manifests: new Map(),
  });
  assert.deepEqual(edges(flat), [`${key} -prod-> y@1 => node_modules/y`]);
  // A v1 tree 120 levels deep (within the bound) walks iteratively and resolves walk-up edges.
  let chain = '{"version":"1.0.0","requires":{"leaf":"1"}}';
  for (let i = 0; i < 120; i++) chain = `{"version":"1.0.0","dependencies":{"n":${chain}}}`;
  const ok = npmLockfileParser.parse({
    path: 'package-lock.json',
    text: `{"lockfileVersion":1,"dependencies":{"leaf":{"version":"1.0.0"},"n":${chain}}}`,
    manifests: new Map(),
  });
  assert.equal(ok.packages.length, 122); // leaf + 121 nested n
  assert.equal(ok.packages.at(-1)?.dependencies[0]?.target, 'node_modules/leaf');
});

// The parser passes JSON.parse's result to scanJsonStructure, which then proves "no duplicate"
// by counting keys and runs the locating scan only when the count disagrees or cannot be
// trusted. Each text here is a way the count could be fooled; the answer must be the one the
// locating scan alone gives (exact duplicates with line/column, and depth).
test('duplicate_key_count_shortcut_agrees_with_the_locating_scan', () => {
  const cases: [string, { key: string; line: number; column: number }[], number][] = [
    ['{"a":1,"b":2}', [], 1],
    ['{"a":1,"a":2}', [{ key: 'a', line: 1, column: 8 }], 1],
    // A value starting with ':' overcounts; with a duplicate elsewhere the totals could offset.
    ['{"a":":","b":{"c":1,"c":2}}', [{ key: 'c', line: 1, column: 21 }], 2],
    // Whitespace before ':' hides a key from the count: full scan.
    ['{"a" :1,"a":2}', [{ key: 'a', line: 1, column: 9 }], 1],
    ['{\n  "a"\n  :1,\n  "b": {"a": 1}\n}', [], 2],
    // Escaped quotes followed by ':' inside a string are not keys.
    ['{"x":"\\":","x":1}', [{ key: 'x', line: 1, column: 12 }], 1],
    ['{"\\\\":1,"\\\\":2}', [{ key: '\\', line: 1, column: 9 }], 1],
    // A duplicate whose first value held keys drops them from the parsed tree.
    ['{"a":{"b":1,"c":2},"a":{"b":1}}', [{ key: 'a', line: 1, column: 20 }], 2],
    ['{"__proto__":1,"__proto__":2}', [{ key: '__proto__', line: 1, column: 16 }], 1],
    ['{"0":1,"1":2,"0":3}', [{ key: '0', line: 1, column: 14 }], 1],
    ['[[[{"a":[1,{"b":2}]}]]]', [], 6],
    ['"text"', [], 0],
  ];
  for (const [text, duplicates, maxDepth] of cases) {
    const want = { duplicates, maxDepth };
    assert.deepEqual(scanJsonStructure(text), want, text);
    assert.deepEqual(scanJsonStructure(text, 20, JSON.parse(text)), want, text);
  }
  // Deeper than the counting walk goes: the locating scan measures it.
  const deep = `${'['.repeat(1500)}${']'.repeat(1500)}`;
  assert.equal(scanJsonStructure(deep, 20, JSON.parse(deep)).maxDepth, 1500);
});
