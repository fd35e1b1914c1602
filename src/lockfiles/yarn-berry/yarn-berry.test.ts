// yarn berry lockfiles: every fixture in testdata/ (each opens with a comment saying what it
// shows) parsed to exact packages, importers, edges and located problems, plus the corpus.
import { manifests } from '../../../test/helpers/manifests.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Manifest } from '../../manifest/index.js';
import {
  corpusCaseNames,
  loadCorpusCase,
  registryNameVersions,
} from '../../../test/helpers/corpus.js';
import type { LockPackage, ParsedLockfile } from '../types.js';
import { yarnBerryLockfileParser } from './index.js';
import { Interner } from '../internal/yarn-descriptor.js';
import { readBerryFast } from './fast-entries.js';
import { readSymlFast } from './syml.js';

function fixture(name: string): string {
  return readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');
}

function parseText(text: string, manifests: Map<string, Manifest> = new Map()): ParsedLockfile {
  return yarnBerryLockfileParser.parse({ path: 'yarn.lock', text, manifests });
}

function parse(name: string, manifests?: Map<string, Manifest>): ParsedLockfile {
  return parseText(fixture(name), manifests);
}

/** A registry package keyed by its resolution, as yarn berry writes it. */
function npm(
  name: string,
  version: string,
  line: number,
  extra: Partial<LockPackage> = {},
): LockPackage {
  return {
    key: `${name}@npm:${version}`,
    name,
    version,
    source: 'registry',
    dependencies: [],
    line,
    ...extra,
  };
}

function local(
  resolution: string,
  version: string,
  source: LockPackage['source'],
  line: number,
  extra: Partial<LockPackage> = {},
): LockPackage {
  const at = resolution.indexOf('@', 1);
  return {
    key: resolution,
    name: resolution.slice(0, at),
    version,
    source,
    dependencies: [],
    resolved: resolution.slice(at + 1),
    line,
    ...extra,
  };
}

const problem = (code: string, severity: string, line: number, message: string) => ({
  code,
  severity,
  message,
  file: 'yarn.lock',
  line,
});

void test('detect_yarn_lock_with_a_metadata_line_in_its_head', () => {
  assert.equal(
    yarnBerryLockfileParser.detect('yarn.lock', '# comment\n\n__metadata:\n  version: 8\n'),
    true,
  );
  assert.equal(
    yarnBerryLockfileParser.detect('yarn.lock', '__metadata:\r\n  version: 8\r\n'),
    true,
  );
  assert.equal(yarnBerryLockfileParser.detect('yarn.lock', '# yarn lockfile v1\n'), false);
  assert.equal(yarnBerryLockfileParser.detect('yarn.lock', '"__metadata@npm:1":\n'), false);
  assert.equal(yarnBerryLockfileParser.detect('pnpm-lock.yaml', '__metadata:\n'), false);
});

// Each fixture opens with a comment saying what it shows.
const cases: {
  fixture: string;
  formatVersion: string;
  packages: LockPackage[];
  importers?: ParsedLockfile['importers'];
  problems?: object[];
}[] = [
  { fixture: 'empty.v8.lock', formatVersion: '8', packages: [] },
  {
    fixture: 'garbage.v8.lock',
    formatVersion: '8',
    packages: [],
    problems: [
      problem(
        'lockfile-entry-invalid',
        'error',
        5,
        'ms@npm:^2.0.0 holds a list; yarn writes strings and maps',
      ),
      {
        ...problem(
          'lockfile-invalid-yaml',
          'error',
          5,
          'yarn.lock is not valid YAML: Implicit keys need to be on a single line',
        ),
        column: 28,
        hint: 'Regenerate the lockfile with `yarn install`, or fix the line shown.',
      },
    ],
  },
  {
    fixture: 'truncated.v8.lock',
    formatVersion: '8',
    packages: [
      npm('ms', '2.1.3', 6, {
        integrity:
          '10c0/d924b57e7312b3b63ad21fc5b3dc0af5e78d61a1fc7cfb5457edaf26326bf62be5307cc87ffb6862ef1c2b33b0233cdb5d4f01c4c958cc0d660948b65a287a48',
      }),
    ],
    problems: [
      problem('lockfile-entry-invalid', 'error', 13, 'entry debug@npm:^4.3.4 has no resolution'),
    ],
  },
  {
    fixture: 'unknown-version.v11.lock',
    formatVersion: '11',
    packages: [npm('ms', '2.1.3', 6)],
    problems: [
      problem(
        'lockfile-version-unknown',
        'warning',
        2,
        'yarn lockfile version 11 is not known (4-10); read as version 10',
      ),
    ],
  },
  {
    fixture: 'invalid-entry.v8.lock',
    formatVersion: '8',
    packages: [npm('good', '1.0.0', 15)],
    problems: [
      problem('lockfile-entry-invalid', 'error', 6, 'entry must be a map of fields'),
      problem(
        'lockfile-entry-invalid',
        'error',
        8,
        'entry no-resolution@npm:^1.0.0 has no resolution',
      ),
      problem(
        'lockfile-entry-invalid',
        'error',
        11,
        'cannot read the patched package of bad-patch@patch:%E0%A4%A#./x.patch',
      ),
    ],
  },
  {
    fixture: 'scoped.v8.lock',
    formatVersion: '8',
    packages: [
      npm('@babel/core', '7.15.8', 7, {
        integrity: '10/61e5050580a2',
        dependencies: [
          {
            name: '@babel/code-frame',
            spec: 'npm:^7.15.8',
            kind: 'prod',
            target: '@babel/code-frame@npm:7.16.0',
          },
          { name: 'fsevents', spec: 'npm:^2.3.2', kind: 'optional', target: 'fsevents@npm:2.3.3' },
          { name: '@types/node', spec: '*', kind: 'peer', optional: true },
          { name: 'typescript', spec: 'npm:^5.0.0', kind: 'peer', target: 'typescript@npm:5.4.5' },
        ],
      }),
      npm('@babel/code-frame', '7.16.0', 28, { integrity: '10/abc123' }),
      npm('fsevents', '2.3.3', 35),
      npm('typescript', '5.4.5', 42),
    ],
  },
  {
    fixture: 'ranges.v4.lock',
    formatVersion: '4',
    packages: [
      npm('@ampproject/remapping', '2.1.0', 7, {
        integrity: '61e5050580a2808344f23161c971e917',
        dependencies: [
          {
            name: '@jridgewell/trace-mapping',
            spec: '^0.3.8',
            kind: 'prod',
            target: '@jridgewell/trace-mapping@npm:0.3.9',
          },
          { name: 'old-jsesc', spec: 'npm:jsesc@^2.5.1', kind: 'prod', target: 'jsesc@npm:2.5.2' },
        ],
      }),
      npm('@jridgewell/trace-mapping', '0.3.9', 17),
      npm('jsesc', '2.5.2', 23, { aliases: ['old-jsesc'] }),
    ],
  },
  {
    fixture: 'alias.v8.lock',
    formatVersion: '8',
    packages: [
      npm('@babel/cli', '7.27.1', 7, { aliases: ['@babel-baseline/cli'] }),
      npm('string-width', '4.2.3', 13, { aliases: ['string-width-cjs'] }),
    ],
  },
  {
    fixture: 'git.v8.lock',
    formatVersion: '8',
    packages: [
      local(
        'berry@https://github.com/yarnpkg/berry.git#commit=c26001a65a997dc5c2b3f219a12cb51247d7d50e',
        '0.0.0',
        'git',
        7,
        {
          integrity: '10c0/7b001f68c7ef',
        },
      ),
      local(
        'fancybox@https://github.com/fancyapps/fancybox.git#commit=c4fd90370f8c93336d6e36a5c6120bcabcf8675c',
        '3.5.7',
        'git',
        14,
      ),
      local(
        'private@git+ssh://git@github.com/acme/private.git#commit=0123456789abcdef0123456789abcdef01234567',
        '1.0.0',
        'git',
        20,
      ),
      local(
        'body-parser@https://github.com/expressjs/body-parser/archive/1.9.0.tar.gz',
        '1.9.0',
        'tarball',
        26,
      ),
    ],
  },
  {
    fixture: 'local.v8.lock',
    formatVersion: '8',
    importers: [
      {
        path: '.',
        name: 'app',
        dependencies: [
          {
            name: 'built',
            spec: 'exec:./build.js',
            kind: 'prod',
            target: 'built@exec:./build.js#./build.js::hash=8e32b1&locator=app%40workspace%3A.',
          },
          {
            name: 'folder',
            spec: 'file:./vendor/folder',
            kind: 'prod',
            target:
              'folder@file:./vendor/folder#./vendor/folder::hash=1f2a3b&locator=app%40workspace%3A.',
          },
          {
            name: 'linked',
            spec: 'link:./linked',
            kind: 'prod',
            target: 'linked@link:./linked::locator=app%40workspace%3A.',
          },
          {
            name: 'portal',
            spec: 'portal:./portal',
            kind: 'prod',
            target: 'portal@portal:./portal::locator=app%40workspace%3A.',
          },
          {
            name: 'tarball',
            spec: 'file:./vendor/t.tgz',
            kind: 'prod',
            target:
              'tarball@file:./vendor/t.tgz#./vendor/t.tgz::hash=aa11bb&locator=app%40workspace%3A.',
          },
        ],
      },
    ],
    packages: [
      local(
        'built@exec:./build.js#./build.js::hash=8e32b1&locator=app%40workspace%3A.',
        '0.0.0-use.local',
        'file',
        20,
      ),
      // Local references are rewritten relative to the lockfile's folder.
      local(
        'folder@file:./vendor/folder#./vendor/folder::hash=1f2a3b&locator=app%40workspace%3A.',
        '1.0.0',
        'file',
        26,
        { resolved: 'file:vendor/folder' },
      ),
      local('linked@link:./linked::locator=app%40workspace%3A.', '0.0.0-use.local', 'link', 32, {
        resolved: 'link:linked',
      }),
      local('portal@portal:./portal::locator=app%40workspace%3A.', '0.0.0-use.local', 'link', 38, {
        resolved: 'portal:portal',
      }),
      local(
        'tarball@file:./vendor/t.tgz#./vendor/t.tgz::hash=aa11bb&locator=app%40workspace%3A.',
        '2.0.0',
        'file',
        44,
        {
          integrity: '10c0/aa11bb',
          resolved: 'file:vendor/t.tgz',
        },
      ),
    ],
    problems: [
      problem(
        'lockfile-source-unknown',
        'note',
        20,
        'built is built by running a local script (exec:); treated as a local file',
      ),
    ],
  },
  {
    fixture: 'patch.v8.lock',
    formatVersion: '8',
    importers: [
      {
        path: '.',
        name: 'app',
        dependencies: [
          { name: 'resolve', spec: 'npm:^1.22.1', kind: 'prod', target: 'resolve@npm:1.22.8' },
          {
            name: 'typescript',
            spec: 'patch:typescript@npm%3A^5.0.0#optional!builtin<compat/typescript>',
            kind: 'prod',
            target: 'typescript@npm:5.4.5',
          },
        ],
      },
    ],
    packages: [
      npm('resolve', '1.22.8', 17, { integrity: '10/unpatched' }),
      npm('typescript', '5.4.5', 31),
    ],
  },
  {
    fixture: 'condition.v4.lock',
    formatVersion: '4',
    packages: [
      local(
        'slash@condition:BABEL_8_BREAKING?^3.0.0:^2.0.0#8fb1fb',
        '0.0.0-condition-8fb1fb',
        'tarball',
        7,
        {
          dependencies: [
            {
              name: 'slash-BABEL_8_BREAKING-false',
              spec: 'npm:slash@^2.0.0',
              kind: 'prod',
              target: 'slash@npm:2.0.0',
            },
            {
              name: 'slash-BABEL_8_BREAKING-true',
              spec: 'npm:slash@^3.0.0',
              kind: 'prod',
              target: 'slash@npm:3.0.0',
            },
          ],
        },
      ),
      npm('slash', '2.0.0', 16, { aliases: ['slash-BABEL_8_BREAKING-false'] }),
      npm('slash', '3.0.0', 22, { aliases: ['slash-BABEL_8_BREAKING-true'] }),
    ],
    problems: [
      problem(
        'lockfile-source-unknown',
        'note',
        7,
        'unknown protocol "condition" in slash@condition:BABEL_8_BREAKING?^3.0.0:^2.0.0#8fb1fb; treated as a tarball',
      ),
    ],
  },
  {
    fixture: 'proto.v8.lock',
    formatVersion: '8',
    packages: [
      npm('__proto__', '1.0.0', 5, {
        dependencies: [
          {
            name: 'constructor',
            spec: 'npm:^1.0.0',
            kind: 'prod',
            target: 'constructor@npm:1.0.0',
          },
        ],
      }),
      npm('constructor', '1.0.0', 16),
    ],
  },
  {
    fixture: 'duplicate-key.v8.lock',
    formatVersion: '8',
    packages: [npm('ms', '2.0.0', 5), npm('ms', '2.1.3', 11)],
    problems: [
      problem(
        'lockfile-duplicate-key',
        'warning',
        11,
        'ms@npm:^2.0.0 is also listed at line 5; the later entry is used',
      ),
    ],
  },
  {
    fixture: 'yaml-fallback.v8.lock',
    formatVersion: '8',
    packages: [
      npm('ms', '2.1.3', 6, {
        dependencies: [
          { name: 'tiny', spec: 'npm:^1.0.0', kind: 'prod', target: 'tiny@npm:1.0.0' },
        ],
      }),
      npm('tiny', '1.0.0', 13),
    ],
  },
  {
    fixture: 'crlf.v8.lock',
    formatVersion: '8',
    packages: [
      npm('@scope/a', '1.1.0', 6, {
        integrity: '10c0/abc',
        dependencies: [{ name: 'b', spec: 'npm:^2.0.0', kind: 'prod', target: 'b@npm:2.0.0' }],
      }),
      npm('b', '2.0.0', 15),
    ],
  },
];

for (const c of cases) {
  void test(`fixture_${c.fixture.replace(/\W/g, '_')}`, () => {
    const got = parse(c.fixture);
    assert.equal(got.format, 'yarn-berry');
    assert.equal(got.formatVersion, c.formatVersion);
    assert.deepEqual(got.importers, c.importers ?? []);
    assert.deepEqual(got.packages, c.packages);
    assert.deepEqual(got.problems, c.problems ?? []);
  });
}

void test('the_fast_reader_handles_every_fixture_yarn_could_write_and_gives_up_on_the_rest', () => {
  assert.notEqual(readSymlFast(fixture('scoped.v8.lock')), undefined);
  assert.notEqual(readSymlFast(fixture('crlf.v8.lock')), undefined);
  assert.equal(readSymlFast(fixture('yaml-fallback.v8.lock')), undefined);
  assert.equal(readSymlFast(fixture('garbage.v8.lock')), undefined);
  assert.equal(readSymlFast('a:\n\tb: c\n'), undefined, 'tabs');
  assert.equal(readSymlFast('a:\n   b: c\n'), undefined, 'odd indentation');
  assert.equal(readSymlFast('a: |\n  text\n'), undefined, 'block scalar');
  assert.equal(readSymlFast('a: &x b\n'), undefined, 'anchor');
});

void test('crlf_reads_exactly_like_lf', () => {
  const crlf = fixture('crlf.v8.lock');
  assert.ok(crlf.includes('\r\n'));
  assert.deepEqual(parse('crlf.v8.lock'), parseText(crlf.replace(/\r\n/g, '\n')));
});

void test('empty_text_no_entries_a_warning_that_metadata_is_missing', () => {
  const got = parseText('');
  assert.deepEqual(got.packages, []);
  assert.equal(got.formatVersion, '');
  assert.deepEqual(got.problems, [
    problem(
      'lockfile-version-unknown',
      'warning',
      1,
      'yarn.lock has no __metadata.version; read as the newest known',
    ),
  ]);
});

void test('hostile_names_do_not_touch_object_prototype', () => {
  const before = Object.getOwnPropertyNames(Object.prototype).sort();
  parse('proto.v8.lock');
  parseText(fixture('proto.v8.lock').replace('__metadata:', "'__metadata':"), new Map()); // via yaml
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), before);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(({} as Record<string, unknown>).optional, undefined);
});

// workspaces.v8.lock with manifests: the root, packages/app (dev dependency on typescript)
// and packages/lib.
void test('workspaces_are_importers_the_manifests_tell_dev_from_prod', () => {
  const got = parse(
    'workspaces.v8.lock',
    manifests({
      'package.json': { name: 'root', version: '1.0.0', workspaces: ['packages/*'] },
      'packages/app/package.json': {
        name: '@acme/app',
        version: '2.0.0',
        dependencies: { '@acme/lib': 'workspace:^', ms: 'catalog:', semver: 'catalog:' },
        devDependencies: { typescript: '^5.0.0' },
      },
      'packages/lib/package.json': { name: '@acme/lib', dependencies: { debug: '^4.0.0' } },
    }),
  );
  assert.deepEqual(got.importers, [
    { path: '.', name: 'root', version: '1.0.0', dependencies: [] },
    {
      path: 'packages/app',
      name: '@acme/app',
      version: '2.0.0',
      dependencies: [
        { name: '@acme/lib', spec: 'workspace:^', kind: 'prod', target: 'importer:packages/lib' },
        { name: 'ms', spec: 'catalog:', kind: 'prod', target: 'ms@npm:2.1.3' },
        // Two semver versions in the lockfile: the catalog's pick is unknown.
        { name: 'semver', spec: 'catalog:', kind: 'prod' },
        { name: 'typescript', spec: 'npm:^5.0.0', kind: 'dev', target: 'typescript@npm:5.4.5' },
      ],
    },
    {
      path: 'packages/lib',
      name: '@acme/lib',
      dependencies: [
        // `resolutions` rewrote the descriptor; the only debug in the lockfile is the one.
        { name: 'debug', spec: 'npm:^4.0.0', kind: 'prod', target: 'debug@npm:4.3.4' },
      ],
    },
  ]);
  assert.deepEqual(
    got.packages.map((p) => p.key),
    [
      'debug@npm:4.3.4',
      'ms@npm:2.1.3',
      'semver@npm:6.3.1',
      'semver@npm:7.6.0',
      'typescript@npm:5.4.5',
    ],
  );
  assert.deepEqual(got.problems, []);
});

void test('without_manifests_workspace_dependencies_are_all_prod_and_versions_unknown', () => {
  const got = parse('workspaces.v8.lock');
  assert.deepEqual(
    got.importers.map((i) => [i.path, i.name, i.version, i.dependencies.map((d) => d.kind)]),
    [
      ['.', 'root', undefined, []],
      ['packages/app', '@acme/app', undefined, ['prod', 'prod', 'prod', 'prod']],
      ['packages/lib', '@acme/lib', undefined, ['prod']],
    ],
  );
});

// The corpus: the registry name@version set equals the package manager's own reading.
for (const name of corpusCaseNames()) {
  if (!name.startsWith('yarn-')) continue;
  const c = loadCorpusCase(name);
  if (c.expected.format !== 'yarn-berry') continue;
  void test(`corpus_${name.replace(/\W/g, '_')}`, () => {
    assert.ok(yarnBerryLockfileParser.detect('yarn.lock', c.lockfileText.slice(0, 4096)));
    assert.notEqual(readSymlFast(c.lockfileText), undefined, 'the fast reader reads real files');
    const got = yarnBerryLockfileParser.parse({
      path: c.lockfilePath,
      text: c.lockfileText,
      manifests: c.manifests,
    });
    const registry = registryNameVersions(got.packages);
    assert.deepEqual(registry, [...c.expected.registry].sort());
    assert.deepEqual(
      got.problems.filter((p) => p.severity === 'error'),
      [],
    );
  });
}

void test('corpus_the_yaml_fallback_reads_the_same_as_the_fast_reader', () => {
  const c = loadCorpusCase('yarn-berry-v8-snyk-git-remote-url');
  const fast = parseText(c.lockfileText);
  // A single-quoted scalar anywhere sends the whole file to the yaml package.
  const quoted = c.lockfileText.replace('  cacheKey: 10c0\n', "  cacheKey: '10c0'\n");
  assert.equal(readSymlFast(quoted), undefined);
  const viaYaml = parseText(quoted);
  assert.deepEqual(viaYaml, fast);
});

void test('the_entry_reader_accepts_exactly_the_lines_the_tree_reader_accepts', () => {
  // readBerryFast (used by the parser) mirrors readSymlFast line for line; any line either
  // refuses sends the file to the yaml fallback, so both must refuse the same texts.
  const texts = [
    fixture('scoped.v8.lock'),
    fixture('crlf.v8.lock'),
    fixture('yaml-fallback.v8.lock'),
    fixture('garbage.v8.lock'),
    'a:\n\tb: c\n',
    'a:\n   b: c\n',
    'a: |\n  text\n',
    'a: &x b\n',
    'a: b # comment\n',
    'a #b: c\n',
    'a: b: c\n',
    'a: b:c\n',
    '"a\\"b": "c\\"d"\n',
    '"a\\x41": b\n',
    '"a": "b" \n',
    '"a": "b"c\n',
    '"a: b\n',
    'a:b\n',
  ];
  for (const name of corpusCaseNames().filter((n) => n.startsWith('yarn-berry'))) {
    texts.push(loadCorpusCase(name).lockfileText);
  }
  for (const text of texts) {
    assert.equal(
      readBerryFast(text, new Interner()) === undefined,
      readSymlFast(text) === undefined,
      JSON.stringify(text.slice(0, 60)),
    );
  }
});

void test('the_entry_reader_keeps_the_same_fields_as_the_yaml_fallback', () => {
  // First scalar resolution/version/checksum, first map of each dependency field, the first
  // `optional` of a meta entry, escaped keys: the fast reader and the tree built by the yaml
  // fallback (forced by the single-quoted cacheKey) must agree on all of them.
  const body = [
    '"a@npm:^1.0.0, a@npm:^1.1.0":',
    '  version: 1.2.0',
    '  version: 9.9.9',
    '  resolution: "a@npm:1.2.0"',
    '  resolution: "a@npm:7.0.0"',
    '  dependencies:',
    '    b: "npm:^2.0.0"',
    '    "c\\"q": npm:^3.0.0',
    '    nested:',
    '      deep: x',
    '  dependencies:',
    '    ignored: npm:^1.0.0',
    '  dependenciesMeta:',
    '    b:',
    '      optional: true',
    '    "c\\"q":',
    '      optional: false',
    '      optional: true',
    '  peerDependencies:',
    '    p: "*"',
    '  peerDependenciesMeta:',
    '    p:',
    '      optional: true',
    '  checksum: 10c0/abc',
    '',
    '"b@npm:^2.0.0":',
    '  resolution: "b@npm:2.0.0"',
    '',
    'no-resolution@npm:1:',
    '  version: 1',
    '',
    'scalar-entry: value',
    '',
  ].join('\n');
  const fast = parseText(`__metadata:\n  version: 8\n  cacheKey: 10c0\n\n${body}`);
  const viaYaml = parseText(`__metadata:\n  version: 8\n  cacheKey: '10c0'\n\n${body}`);
  assert.deepEqual(fast, viaYaml);
  assert.deepEqual(
    fast.packages[0]?.dependencies.map((e) => [e.name, e.kind, e.optional ?? false]),
    [
      ['b', 'optional', false],
      ['c"q', 'prod', false],
      ['p', 'peer', true],
    ],
  );
});
