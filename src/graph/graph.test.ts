// The walk and the merge, on hand-built parser output: dev/optional/direct flags, identity
// dedup across install locations and lockfiles, alias names, importer-to-importer edges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeLockfiles, type ParsedWith } from './build.js';
import type { LockEdge, LockPackage, LockfileParser, ParsedLockfile } from '../lockfiles/types.js';
import { parseManifest } from '../manifest/index.js';
import { buildGraph } from './index.js';

const fakeParser: LockfileParser = {
  id: 'lockfile/test',
  version: 7,
  format: 'npm',
  detect: () => false,
  parse: () => {
    throw new Error('unused');
  },
};

function pkg(
  key: string,
  name: string,
  version: string,
  deps: LockEdge[] = [],
  extra: Partial<LockPackage> = {},
): LockPackage {
  return { key, name, version, source: 'registry', dependencies: deps, ...extra };
}

function edge(
  name: string,
  target: string,
  kind: LockEdge['kind'] = 'prod',
  optional?: boolean,
): LockEdge {
  return optional === undefined
    ? { name, spec: '*', kind, target }
    : { name, spec: '*', kind, target, optional };
}

function lock(
  file: string,
  importerEdges: LockEdge[],
  packages: LockPackage[],
  extraImporters: ParsedLockfile['importers'] = [],
): ParsedWith {
  return {
    parser: fakeParser,
    lock: {
      format: 'npm',
      formatVersion: '3',
      file,
      importers: [{ path: '.', dependencies: importerEdges }, ...extraImporters],
      packages,
      problems: [],
    },
  };
}

function flags(graph: ReturnType<typeof mergeLockfiles>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of graph.packages) {
    out[`${p.name}@${p.version}`] = [
      p.direct ? 'direct' : 'transitive',
      p.dev ? 'dev' : 'prod',
      p.optional ? 'optional' : 'required',
    ].join(' ');
  }
  return out;
}

test('flags_follow_the_walk_from_importers', () => {
  const graph = mergeLockfiles(
    [
      lock(
        'package-lock.json',
        [edge('a', 'A'), edge('d', 'D', 'dev'), edge('o', 'O', 'optional')],
        [
          pkg('A', 'a', '1.0.0', [edge('shared', 'S'), edge('opt', 'P', 'optional')]),
          pkg('D', 'd', '1.0.0', [edge('shared', 'S'), edge('devonly', 'X')]),
          pkg('O', 'o', '1.0.0', [edge('x', 'X2')]),
          pkg('S', 'shared', '1.0.0'),
          pkg('P', 'opt', '1.0.0'),
          pkg('X', 'devonly', '1.0.0'),
          pkg('X2', 'optdep', '1.0.0'),
        ],
      ),
    ],
    new Map(),
  );
  assert.deepEqual(flags(graph), {
    'a@1.0.0': 'direct prod required',
    'd@1.0.0': 'direct dev required',
    'o@1.0.0': 'direct prod optional',
    'shared@1.0.0': 'transitive prod required',
    'opt@1.0.0': 'transitive prod optional',
    'devonly@1.0.0': 'transitive dev required',
    'optdep@1.0.0': 'transitive prod optional',
  });
});

test('a_package_reached_by_dev_and_optional_paths_is_neither_dev_only_nor_optional_only_unless_both_hold', () => {
  // x is reached through a dev edge (required) and through an optional prod edge.
  const graph = mergeLockfiles(
    [
      lock(
        'package-lock.json',
        [edge('d', 'D', 'dev'), edge('x', 'X', 'optional')],
        [pkg('D', 'd', '1.0.0', [edge('x', 'X')]), pkg('X', 'x', '1.0.0')],
      ),
    ],
    new Map(),
  );
  assert.equal(flags(graph)['x@1.0.0'], 'direct prod required');
});

test('optional_peer_edges_count_as_optional', () => {
  const graph = mergeLockfiles(
    [
      lock(
        'package-lock.json',
        [edge('a', 'A')],
        [pkg('A', 'a', '1.0.0', [edge('p', 'P', 'peer', true)]), pkg('P', 'p', '1.0.0')],
      ),
    ],
    new Map(),
  );
  assert.equal(flags(graph)['p@1.0.0'], 'transitive prod optional');
});

test('install_locations_collapse_into_one_package_and_flags_merge', () => {
  const graph = mergeLockfiles(
    [
      lock(
        'package-lock.json',
        [edge('a', 'node_modules/a'), edge('b', 'node_modules/b', 'dev')],
        [
          pkg('node_modules/a', 'a', '1.0.0', [edge('c', 'node_modules/a/node_modules/c')]),
          pkg('node_modules/b', 'b', '1.0.0', [edge('c', 'node_modules/c')]),
          pkg('node_modules/a/node_modules/c', 'c', '2.0.0', [], { line: 10 }),
          pkg('node_modules/c', 'c', '2.0.0', [], { line: 20 }),
        ],
      ),
    ],
    new Map(),
  );
  assert.equal(graph.packages.length, 3);
  const c = graph.packages.find((p) => p.name === 'c');
  assert.ok(c);
  assert.equal(c.dev, false, 'c is reached from a prod path through a');
  assert.deepEqual(c.locations, [{ file: 'package-lock.json', line: 10 }]);
});

test('unreachable_entries_fall_back_to_the_flags_the_lockfile_states', () => {
  const graph = mergeLockfiles(
    [
      lock(
        'package-lock.json',
        [],
        [
          pkg('X', 'x', '1.0.0', [], { stated: { dev: true, optional: true } }),
          pkg('Y', 'y', '1.0.0'),
        ],
      ),
    ],
    new Map(),
  );
  assert.deepEqual(flags(graph), {
    'x@1.0.0': 'transitive dev optional',
    'y@1.0.0': 'transitive prod required',
  });
});

test('several_lockfiles_merge_by_identity_and_keep_every_location', () => {
  const graph = mergeLockfiles(
    [
      lock(
        'a/package-lock.json',
        [edge('x', 'X', 'dev')],
        [pkg('X', 'x', '1.0.0', [], { line: 5 })],
      ),
      lock('b/package-lock.json', [edge('x', 'X')], [pkg('X', 'x', '1.0.0', [], { line: 7 })]),
    ],
    new Map(),
  );
  assert.equal(graph.packages.length, 1);
  assert.equal(flags(graph)['x@1.0.0'], 'direct prod required');
  assert.deepEqual(graph.packages[0]?.locations, [
    { file: 'a/package-lock.json', line: 5 },
    { file: 'b/package-lock.json', line: 7 },
  ]);
  assert.deepEqual(
    graph.importers.map((i) => i.dir),
    ['a', 'b'],
  );
});

test('same_name_and_version_from_different_sources_stay_apart', () => {
  const graph = mergeLockfiles(
    [
      lock(
        'package-lock.json',
        [edge('a', 'A'), edge('b', 'B')],
        [
          pkg('A', 'a', '1.0.0'),
          pkg('B', 'a', '1.0.0', [], {
            source: 'git',
            resolved: 'git+ssh://git@example.invalid/a.git#abc',
          }),
        ],
      ),
    ],
    new Map(),
  );
  assert.deepEqual(
    graph.packages.map((p) => p.source),
    ['git', 'registry'],
  );
});

test('aliases_are_kept_and_edges_point_at_the_real_package', () => {
  const graph = mergeLockfiles(
    [
      lock(
        'package-lock.json',
        [edge('old', 'A')],
        [pkg('A', 'abbrev', '1.0.3', [], { aliases: ['old'] })],
      ),
    ],
    new Map(),
  );
  assert.deepEqual(graph.packages[0]?.aliases, ['old']);
  assert.deepEqual(graph.edges, [
    { from: 'importer:.', to: 'registry:abbrev@1.0.3', name: 'old', spec: '*', kind: 'prod' },
  ]);
});

test('workspace_edges_point_at_importers_relative_to_the_lockfile_folder', () => {
  const graph = mergeLockfiles(
    [
      lock(
        'repo/package-lock.json',
        [edge('w', 'importer:packages/w')],
        [],
        [{ path: 'packages/w', name: 'w', dependencies: [] }],
      ),
    ],
    new Map(),
  );
  assert.deepEqual(
    graph.edges.map((e) => e.to),
    ['importer:repo/packages/w'],
  );
  assert.deepEqual(
    graph.importers.map((i) => [i.dir, i.name]),
    [
      ['repo', undefined],
      ['repo/packages/w', 'w'],
    ],
  );
  assert.equal(graph.lockfiles[0]?.parser, 'lockfile/test');
  assert.equal(graph.lockfiles[0]?.parserVersion, 7);
});

test('a_manifest_dependency_missing_from_the_lockfile_is_reported_as_out_of_sync', () => {
  const { manifest } = parseManifest(
    'package.json',
    '{"dependencies": {"a": "^1.0.0", "gone": "^2.0.0"}}',
  );
  const graph = mergeLockfiles(
    [lock('package-lock.json', [edge('a', 'A')], [pkg('A', 'a', '1.0.0')])],
    new Map([['package.json', manifest]]),
  );
  assert.deepEqual(
    graph.problems.map((p) => [p.code, p.file, p.message]),
    [
      [
        'lockfile-out-of-sync',
        'package.json',
        'dependencies.gone (^2.0.0) is in package.json but not in package-lock.json',
      ],
    ],
  );
});

test('a_project_without_lockfile_gives_unresolved_direct_ranges_and_a_warning', () => {
  const bytes = (s: string) => Buffer.from(s, 'utf8');
  const graph = buildGraph([
    {
      path: 'package.json',
      bytes: bytes(
        '{"dependencies": {"a": "^1.2.0", "alias": "npm:b@~2.0.0", "g": "github:o/r#abc"}, "devDependencies": {"t": "latest"}}',
      ),
    },
  ]);
  assert.deepEqual(
    graph.packages.map((p) => [
      p.name,
      p.version,
      p.source,
      p.unresolved?.range,
      p.direct,
      p.dev,
      p.aliases,
    ]),
    [
      ['a', '', 'registry', '^1.2.0', true, false, []],
      ['b', '', 'registry', '~2.0.0', true, false, ['alias']],
      ['g', '', 'git', 'github:o/r#abc', true, false, []],
      ['t', '', 'registry', 'latest', true, true, []],
    ],
  );
  assert.deepEqual(
    graph.problems.map((p) => [p.code, p.severity]),
    [['no-lockfile', 'warning']],
  );
});

test('a_package_json_inside_a_lockfile_folder_but_not_a_workspace_is_reported', () => {
  const bytes = (s: string) => Buffer.from(s, 'utf8');
  const graph = buildGraph([
    { path: 'package.json', bytes: bytes('{"name": "root"}') },
    {
      path: 'package-lock.json',
      bytes: bytes('{"lockfileVersion": 3, "packages": {"": {"name": "root"}}}'),
    },
    { path: 'fixtures/x/package.json', bytes: bytes('{"dependencies": {"left-pad": "1.0.0"}}') },
  ]);
  assert.deepEqual(
    graph.problems.map((p) => [p.code, p.file]),
    [['manifest-not-in-lockfile', 'fixtures/x/package.json']],
  );
  assert.equal(graph.packages.length, 0);
});

test('a_package_is_bundled_only_when_every_entry_of_it_ships_inside_another_tarball', () => {
  const bytes = (s: unknown) => Buffer.from(JSON.stringify(s), 'utf8');
  const url = (n: string, v: string) => `https://registry.npm.example/${n}/-/${n}-${v}.tgz`;
  const entry = (n: string, v: string, deps?: Record<string, string>) => ({
    version: v,
    resolved: url(n, v),
    integrity: `sha512-${n}${v}`,
    ...(deps === undefined ? {} : { dependencies: deps }),
  });
  const manifest = {
    name: 'app',
    version: '1.0.0',
    dependencies: { tap: '^16.0.0', ms: '^2.0.0' },
  };
  // v3: tap bundles ink and ms@2.1.3; ms@2.1.3 is also installed at the top, on its own.
  const v3 = {
    name: 'app',
    lockfileVersion: 3,
    packages: {
      '': manifest,
      'node_modules/tap': entry('tap', '16.3.10', { ink: '^3.0.0', ms: '^2.0.0' }),
      'node_modules/tap/node_modules/ink': { version: '3.2.0', inBundle: true },
      'node_modules/tap/node_modules/ms': { version: '2.1.3', inBundle: true },
      'node_modules/ms': entry('ms', '2.1.3'),
    },
  };
  // v1 says `bundled`.
  const v1 = {
    name: 'app',
    lockfileVersion: 1,
    dependencies: {
      tap: {
        ...entry('tap', '16.3.10'),
        requires: { ink: '^3.0.0', ms: '^2.0.0' },
        dependencies: {
          ink: { version: '3.2.0', bundled: true },
          ms: { version: '2.1.3', bundled: true },
        },
      },
      ms: entry('ms', '2.1.3'),
    },
  };
  for (const lock of [v3, v1]) {
    const graph = buildGraph([
      { path: 'package.json', bytes: bytes(manifest) },
      { path: 'package-lock.json', bytes: bytes(lock) },
    ]);
    const bundled = graph.packages.filter((p) => p.bundled === true).map((p) => p.id);
    assert.deepEqual(bundled, ['registry:ink@3.2.0'], `lockfileVersion ${lock.lockfileVersion}`);
  }
});
