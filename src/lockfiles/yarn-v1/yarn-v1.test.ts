// yarn classic lockfiles: every fixture in testdata/ (each opens with a comment saying what it
// shows) parsed to exact packages, edges and located problems, plus the shared corpus.
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
import { yarnV1LockfileParser } from './index.js';

const REG = 'https://registry.npm.example';

function fixture(name: string): string {
  return readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');
}

function parse(name: string, manifests: Map<string, Manifest> = new Map()): ParsedLockfile {
  return yarnV1LockfileParser.parse({ path: 'yarn.lock', text: fixture(name), manifests });
}

function pkg(
  key: string,
  name: string,
  version: string,
  source: LockPackage['source'],
  line: number,
  extra: Partial<LockPackage> = {},
): LockPackage {
  return { key, name, version, source, dependencies: [], line, ...extra };
}

const err = (line: number, message: string) => ({
  code: 'lockfile-entry-invalid',
  severity: 'error',
  message,
  file: 'yarn.lock',
  line,
});

void test('detect_yarn_lock_without_a_metadata_line', () => {
  assert.equal(
    yarnV1LockfileParser.detect('yarn.lock', '# yarn lockfile v1\n\nms@^2.0.0:\n'),
    true,
  );
  assert.equal(yarnV1LockfileParser.detect('yarn.lock', '__metadata:\n  version: 8\n'), false);
  assert.equal(yarnV1LockfileParser.detect('yarn.lock', '__metadata:\r\n  version: 8\r\n'), false);
  assert.equal(yarnV1LockfileParser.detect('package-lock.json', '# yarn lockfile v1\n'), false);
});

// Each fixture opens with a comment saying what it shows.
const cases: {
  fixture: string;
  packages: LockPackage[];
  problems?: object[];
}[] = [
  { fixture: 'empty.v1.lock', packages: [] },
  {
    fixture: 'garbage.v1.lock',
    packages: [],
    problems: [
      err(4, 'expected a block key like `name@range:`'),
      err(5, 'expected a block key like `name@range:`'),
      {
        ...err(6, 'merge conflict marker in yarn.lock'),
        hint: 'Resolve the merge conflict (or run `yarn install`, which can fix it).',
      },
    ],
  },
  {
    fixture: 'truncated.v1.lock',
    packages: [
      pkg('ms@2.1.3', 'ms', '2.1.3', 'registry', 4, {
        resolved: `${REG}/ms/-/ms-2.1.3.tgz#574c8138ce1d2b5861f0b44579dbadd60c6615b2`,
      }),
    ],
    problems: [err(9, 'expected `name value` or `name:`')],
  },
  {
    fixture: 'invalid-entry.v1.lock',
    packages: [
      pkg('good@1.0.0', 'good', '1.0.0', 'registry', 11, {
        resolved: `${REG}/good/-/good-1.0.0.tgz#aaaa`,
        integrity: 'sha512-good==',
      }),
    ],
    problems: [
      err(4, 'entry no-version@^1.0.0 has no version'),
      err(9, 'unexpected indentation (3 spaces)'),
    ],
  },
  {
    fixture: 'scoped.v1.lock',
    packages: [
      pkg('@babel/code-frame@7.10.4', '@babel/code-frame', '7.10.4', 'registry', 6, {
        resolved: `${REG}/@babel/code-frame/-/code-frame-7.10.4.tgz#168da1a36e90da68ae8d49c0f1b48c7c6249213a`,
        integrity: 'sha512-code-frame==',
        dependencies: [
          {
            name: '@babel/highlight',
            spec: '^7.10.4',
            kind: 'prod',
            target: '@babel/highlight@7.10.4',
          },
          { name: 'chalk', spec: '^2.0.0', kind: 'optional', target: 'chalk@2.4.2' },
        ],
      }),
      pkg('@babel/highlight@7.10.4', '@babel/highlight', '7.10.4', 'registry', 15, {
        resolved: `${REG}/@babel/highlight/-/highlight-7.10.4.tgz#7d1bdfd65753538fabe6c38596cdb76d9ac60143`,
        integrity: 'sha512-highlight==',
      }),
      pkg('chalk@2.4.2', 'chalk', '2.4.2', 'registry', 20),
    ],
  },
  {
    fixture: 'alias.v1.lock',
    packages: [
      pkg('@isaacs/cliui@8.0.2', '@isaacs/cliui', '8.0.2', 'registry', 8, {
        resolved: `${REG}/@isaacs/cliui/-/cliui-8.0.2.tgz#b37667b7bc181c168782259bab42474fbf52b550`,
        dependencies: [
          {
            name: 'string-width-cjs',
            spec: 'npm:string-width@^4.2.0',
            kind: 'prod',
            target: 'string-width@4.2.3',
          },
          {
            name: 'pkg',
            spec: 'npm:@yao-pkg/pkg@^6.4.1',
            kind: 'prod',
            target: '@yao-pkg/pkg@6.5.0',
          },
        ],
      }),
      pkg('lodash@4.17.21', 'lodash', '4.17.21', 'registry', 15, {
        resolved: `${REG}/lodash/-/lodash-4.17.21.tgz#679591c564c3bffaae8454cf0b3df370c3d6911c`,
      }),
      pkg('@yao-pkg/pkg@6.5.0', '@yao-pkg/pkg', '6.5.0', 'registry', 19, {
        resolved: `${REG}/@yao-pkg/pkg/-/pkg-6.5.0.tgz#40718f797277654122b172d017315e57c53fc7a0`,
        aliases: ['pkg'],
      }),
      pkg('string-width@4.2.3', 'string-width', '4.2.3', 'registry', 23, {
        resolved: `${REG}/string-width/-/string-width-4.2.3.tgz#269c7117d27b05ad2e536830a8ec895ef9c6d010`,
        aliases: ['string-width-cjs'],
      }),
      // Two blocks, one package, both descriptors.
      pkg('wrap-ansi@7.0.0', 'wrap-ansi', '7.0.0', 'registry', 27, {
        resolved: `${REG}/wrap-ansi/-/wrap-ansi-7.0.0.tgz#67e145cff510a6a6984bdf1152911d69d2eb9e43`,
        aliases: ['wrap-ansi-cjs'],
      }),
    ],
  },
  {
    fixture: 'git.v1.lock',
    packages: [
      pkg(
        'body-parser@git+ssh://git@github.com/expressjs/body-parser.git#263f602e6ae34add6332c1eb4caa808893b0b711',
        'body-parser',
        '1.9.0',
        'git',
        6,
        {
          resolved:
            'git+ssh://git@github.com/expressjs/body-parser.git#263f602e6ae34add6332c1eb4caa808893b0b711',
          dependencies: [{ name: 'bytes', spec: '1.0.0', kind: 'prod', target: 'bytes@1.0.0' }],
        },
      ),
      pkg(
        '@lerna/collect-updates@https://github.com/babel/lerna.git#ae87fff020c5ad00366878c14b749e8ee0a34145',
        '@lerna/collect-updates',
        '3.16.0',
        'git',
        12,
        { resolved: 'https://github.com/babel/lerna.git#ae87fff020c5ad00366878c14b749e8ee0a34145' },
      ),
      pkg(
        'tooling@https://codeload.github.com/webpack/tooling/tar.gz/4c13a00d3c1f1a6e9c1a1cbd1b7c14ad3c5e4b6d',
        'tooling',
        '1.0.0',
        'git',
        16,
        {
          resolved:
            'https://codeload.github.com/webpack/tooling/tar.gz/4c13a00d3c1f1a6e9c1a1cbd1b7c14ad3c5e4b6d',
        },
      ),
      pkg('bytes@1.0.0', 'bytes', '1.0.0', 'registry', 20, {
        resolved: `${REG}/bytes/-/bytes-1.0.0.tgz#3569ede8ba34315fab99c3e92cb04c7220de1fa8`,
      }),
    ],
  },
  {
    fixture: 'tarball.v1.lock',
    packages: [
      pkg(
        'body-parser@https://github.com/expressjs/body-parser/archive/1.9.0.tar.gz#b45377420f8aa0117921bf6baca7db9a6eb23bc7',
        'body-parser',
        '1.9.0',
        'tarball',
        5,
        {
          resolved:
            'https://github.com/expressjs/body-parser/archive/1.9.0.tar.gz#b45377420f8aa0117921bf6baca7db9a6eb23bc7',
        },
      ),
    ],
  },
  {
    fixture: 'file-link.v1.lock',
    packages: [
      pkg('shared@file:./some-file', 'shared', '0.0.1', 'file', 5, {
        resolved: 'file:./some-file',
      }),
      pkg(
        '@babel/eslint-config-internal@link:./eslint/babel-eslint-config-internal',
        '@babel/eslint-config-internal',
        '0.0.0',
        'link',
        8,
        { resolved: 'link:./eslint/babel-eslint-config-internal' },
      ),
    ],
  },
  {
    fixture: 'quoted-keys.v1.lock',
    packages: [
      pkg('semver@5.7.2', 'semver', '5.7.2', 'registry', 5, {
        resolved: `${REG}/semver/-/semver-5.7.2.tgz#48d55db737c3287cd4835e17fa13feace1c41ef8`,
      }),
      pkg('odd@file:./dir with space', 'odd', '1.0.0', 'file', 9, {
        resolved: 'file:./dir with space',
      }),
      pkg('app@1.0.0', 'app', '1.0.0', 'registry', 12, {
        resolved: `${REG}/app/-/app-1.0.0.tgz`,
        dependencies: [
          { name: 'semver', spec: '2 || 3 || 4 || 5', kind: 'prod', target: 'semver@5.7.2' },
          {
            name: 'odd',
            spec: 'file:./dir with space',
            kind: 'prod',
            target: 'odd@file:./dir with space',
          },
        ],
      }),
    ],
  },
  {
    fixture: 'proto.v1.lock',
    packages: [
      pkg('__proto__@1.0.0', '__proto__', '1.0.0', 'registry', 5, {
        resolved: `${REG}/__proto__/-/__proto__-1.0.0.tgz`,
        dependencies: [
          { name: 'constructor', spec: '^1.0.0', kind: 'prod', target: 'constructor@1.0.0' },
        ],
      }),
      pkg('constructor@1.0.0', 'constructor', '1.0.0', 'registry', 11, {
        resolved: `${REG}/constructor/-/constructor-1.0.0.tgz`,
      }),
    ],
  },
  {
    fixture: 'duplicate-key.v1.lock',
    packages: [
      pkg('ms@2.0.0', 'ms', '2.0.0', 'registry', 5, { resolved: `${REG}/ms/-/ms-2.0.0.tgz` }),
      pkg('ms@2.1.3', 'ms', '2.1.3', 'registry', 9, { resolved: `${REG}/ms/-/ms-2.1.3.tgz` }),
    ],
    problems: [
      {
        code: 'lockfile-duplicate-key',
        severity: 'warning',
        message: 'ms@^2.0.0 is also listed at line 5; the later entry is used',
        file: 'yarn.lock',
        line: 9,
      },
    ],
  },
  {
    fixture: 'unknown-version.v2.lock',
    packages: [pkg('ms@2.0.0', 'ms', '2.0.0', 'registry', 4)],
    problems: [
      {
        code: 'lockfile-version-unknown',
        severity: 'warning',
        message: 'yarn lockfile v2 is not known; read as v1',
        file: 'yarn.lock',
        line: 1,
      },
    ],
  },
  {
    fixture: 'crlf.v1.lock',
    packages: [
      pkg('@scope/a@1.1.0', '@scope/a', '1.1.0', 'registry', 4, {
        resolved: `${REG}/@scope/a/-/a-1.1.0.tgz#abc`,
        integrity: 'sha512-a==',
        dependencies: [{ name: 'b', spec: '^2.0.0', kind: 'prod', target: 'b@2.0.0' }],
      }),
      pkg('b@2.0.0', 'b', '2.0.0', 'registry', 11),
    ],
  },
];

for (const c of cases) {
  void test(`fixture_${c.fixture.replace(/\W/g, '_')}`, () => {
    const got = parse(c.fixture);
    assert.equal(got.format, 'yarn-v1');
    assert.equal(got.formatVersion, '1');
    assert.deepEqual(got.importers, []);
    assert.deepEqual(got.packages, c.packages);
    assert.deepEqual(got.problems, c.problems ?? []);
  });
}

void test('crlf_reads_exactly_like_lf', () => {
  const crlf = fixture('crlf.v1.lock');
  assert.ok(crlf.includes('\r\n'));
  const lf = yarnV1LockfileParser.parse({
    path: 'yarn.lock',
    text: crlf.replace(/\r\n/g, '\n'),
    manifests: new Map(),
  });
  assert.deepEqual(parse('crlf.v1.lock'), lf);
});

void test('empty_text_and_text_without_a_trailing_newline', () => {
  const empty = yarnV1LockfileParser.parse({ path: 'yarn.lock', text: '', manifests: new Map() });
  assert.deepEqual(empty.packages, []);
  assert.deepEqual(empty.problems, []);
  const noNewline = yarnV1LockfileParser.parse({
    path: 'yarn.lock',
    text: 'ms@^2.0.0:\n  version "2.0.0"',
    manifests: new Map(),
  });
  assert.deepEqual(noNewline.packages, [pkg('ms@2.0.0', 'ms', '2.0.0', 'registry', 1)]);
});

void test('hostile_names_do_not_touch_object_prototype', () => {
  const before = Object.getOwnPropertyNames(Object.prototype).sort();
  parse('proto.v1.lock');
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), before);
  assert.equal(({} as Record<string, unknown>).version, undefined);
});

void test('a_flood_of_bad_lines_is_capped', () => {
  const text = 'bad line\n'.repeat(500);
  const got = yarnV1LockfileParser.parse({ path: 'yarn.lock', text, manifests: new Map() });
  assert.equal(got.problems.length, 101);
  assert.deepEqual(got.problems.at(-1), {
    code: 'lockfile-too-many-problems',
    severity: 'error',
    message: '400 more problems were not reported',
    file: 'yarn.lock',
  });
});

// workspaces.v1.lock with a root package.json whose `workspaces` glob selects two packages;
// `app` depends on `lib` (a workspace, absent from the lockfile) and on debug.
void test('workspaces_come_from_the_manifests', () => {
  const got = parse(
    'workspaces.v1.lock',
    manifests({
      'package.json': {
        name: 'root',
        private: true,
        workspaces: ['packages/*'],
        devDependencies: { typescript: '^5.0.0' },
      },
      'packages/app/package.json': {
        name: 'app',
        version: '1.2.0',
        dependencies: { debug: '^4.3.4', lib: '^1.0.0' },
        peerDependencies: { react: '*' },
        peerDependenciesMeta: { react: { optional: true } },
      },
      'packages/lib/package.json': {
        name: 'lib',
        version: '1.0.0',
        optionalDependencies: { ms: '2.1.2' },
      },
      'other/package.json': { name: 'not-a-workspace' },
    }),
  );
  assert.deepEqual(got.importers, [
    {
      path: '.',
      name: 'root',
      dependencies: [
        { name: 'typescript', spec: '^5.0.0', kind: 'dev', target: 'typescript@5.4.5' },
      ],
    },
    {
      path: 'packages/app',
      name: 'app',
      version: '1.2.0',
      dependencies: [
        { name: 'debug', spec: '^4.3.4', kind: 'prod', target: 'debug@4.3.4' },
        { name: 'lib', spec: '^1.0.0', kind: 'prod', target: 'importer:packages/lib' },
        { name: 'react', spec: '*', kind: 'peer', optional: true },
      ],
    },
    {
      path: 'packages/lib',
      name: 'lib',
      version: '1.0.0',
      dependencies: [{ name: 'ms', spec: '2.1.2', kind: 'optional', target: 'ms@2.1.2' }],
    },
  ]);
  assert.deepEqual(
    got.packages.map((p) => [p.key, p.dependencies.map((d) => d.target)]),
    [
      ['debug@4.3.4', ['ms@2.1.2']],
      ['ms@2.1.2', []],
      ['typescript@5.4.5', []],
    ],
  );
  assert.deepEqual(got.problems, []);
});

// The corpus: the registry name@version set equals the package manager's own reading.
for (const name of corpusCaseNames()) {
  if (!name.startsWith('yarn-')) continue;
  const c = loadCorpusCase(name);
  if (c.expected.format !== 'yarn-v1') continue;
  void test(`corpus_${name.replace(/\W/g, '_')}`, () => {
    assert.ok(yarnV1LockfileParser.detect('yarn.lock', c.lockfileText.slice(0, 4096)));
    const got = yarnV1LockfileParser.parse({
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
