/**
 * Tests for the pnpm lockfile parser: the shared corpus (registry name@version sets must equal
 * the package manager's own reading) and the fixtures in testdata/ (each opens with a comment
 * saying what it shows; `note` repeats it here), asserted exactly through a compact summary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import {
  corpusCaseNames,
  loadCorpusCase,
  registryNameVersions,
} from '../../../test/helpers/corpus.js';
import type { LockfileInput, ParsedLockfile } from '../types.js';
import { pnpmLockfileParser } from './index.js';
import { readPnpm9Layout } from './layout-v9.js';
import { parsePnpmLockfile, parsePnpmLockfileGeneric } from './parse.js';

const TESTDATA = new URL('./testdata/', import.meta.url);

function parseFixture(fixture: string): ParsedLockfile {
  const text = readFileSync(new URL(fixture, TESTDATA), 'utf8');
  return pnpmLockfileParser.parse({ path: fixture, text, manifests: new Map() });
}

/** One line per package / importer / problem, so a table can assert every field that matters. */
function summarize(r: ParsedLockfile): {
  formatVersion: string;
  packages: string[];
  importers: string[];
  problems: string[];
} {
  return {
    formatVersion: r.formatVersion,
    packages: r.packages.map((p) =>
      [
        `${p.key} ${p.name}@${p.version} ${p.source} L${p.line ?? '-'}`,
        p.integrity !== undefined ? `integrity=${p.integrity}` : '',
        p.resolved !== undefined ? `resolved=${p.resolved}` : '',
        p.stated !== undefined ? `stated=${JSON.stringify(p.stated)}` : '',
        p.aliases !== undefined ? `aliases=${p.aliases.join(',')}` : '',
        ...p.dependencies.map(
          (e) =>
            `${e.name}:${e.kind}${e.optional === true ? '?' : ''}(${e.spec})->${e.target ?? '-'}`,
        ),
      ]
        .filter((s) => s !== '')
        .join(' | '),
    ),
    importers: r.importers.map((i) =>
      [
        `${i.path}${i.name !== undefined ? ` ${i.name}@${i.version ?? ''}` : ''}`,
        ...i.dependencies.map((e) => `${e.name}:${e.kind}(${e.spec})->${e.target ?? '-'}`),
      ].join(' | '),
    ),
    problems: r.problems.map(
      (p) =>
        `${p.severity} ${p.code} L${p.line ?? '-'}${p.column !== undefined ? `:${p.column}` : ''}`,
    ),
  };
}

void test('detect_by_file_name', () => {
  assert.equal(pnpmLockfileParser.detect('pnpm-lock.yaml', ''), true);
  assert.equal(pnpmLockfileParser.detect('yarn.lock', 'lockfileVersion: 9.0'), false);
  assert.equal(pnpmLockfileParser.detect('pnpm-lock.yml', ''), false);
});

const pnpmCases = corpusCaseNames().filter((name) =>
  loadCorpusCase(name).expected.format.startsWith('pnpm'),
);

void test('corpus_has_pnpm_cases', () => {
  assert.ok(pnpmCases.length >= 10, `found ${pnpmCases.length} pnpm corpus cases`);
});

for (const name of pnpmCases) {
  void test(`corpus_${name.replace(/[^a-zA-Z0-9]+/g, '_')}`, () => {
    const c = loadCorpusCase(name);
    const result = pnpmLockfileParser.parse({
      path: c.lockfilePath,
      text: c.lockfileText,
      manifests: c.manifests,
    });
    const registry = registryNameVersions(result.packages);
    assert.deepEqual(registry, [...c.expected.registry].sort());
    assert.deepEqual(
      result.problems.filter((p) => p.severity === 'error'),
      [],
    );
    assert.equal(result.formatVersion, c.expected.formatVersion);
    // Every non-registry entry of the truth is a non-registry package here.
    const nonRegistry = new Set(
      result.packages.filter((p) => p.source !== 'registry').map((p) => `${p.name}@${p.version}`),
    );
    for (const entry of c.expected.nonRegistry)
      assert.ok(nonRegistry.has(`${entry.name}@${entry.version}`), entry.name);
    // Every edge target exists.
    const keys = new Set(result.packages.map((p) => p.key));
    const importers = new Set(result.importers.map((i) => `importer:${i.path}`));
    for (const from of [...result.packages, ...result.importers]) {
      for (const e of from.dependencies) {
        if (e.target !== undefined)
          assert.ok(keys.has(e.target) || importers.has(e.target), e.target);
      }
    }
  });
}

void test('corpus_importer_names_from_manifests', () => {
  const c = loadCorpusCase('pnpm-9.0-snyk-workspace-catalogs');
  const result = pnpmLockfileParser.parse({
    path: c.lockfilePath,
    text: c.lockfileText,
    manifests: c.manifests,
  });
  const want = c.expected.workspaces as { name?: string; path: string }[];
  assert.deepEqual(
    result.importers.map((i) => `${i.path} ${i.name ?? ''}`).sort(),
    want.map((w) => `${w.path} ${w.name ?? ''}`).sort(),
  );
});

void test('no_prototype_pollution', () => {
  const result = parseFixture('proto-keys.v9.yaml');
  assert.equal(({} as Record<string, unknown>).constructor, Object);
  assert.equal(Object.prototype.toString.call({}), '[object Object]');
  assert.deepEqual(
    result.packages.map((p) => p.name),
    ['__proto__', 'constructor'],
  );
});

const FIXTURES: { fixture: string; note: string; want: ReturnType<typeof summarize> }[] = [
  {
    fixture: 'aliases.v5.yaml',
    note: '5.x alias: importer value is a whole depPath; the alias name is recorded',
    want: {
      formatVersion: '5.4',
      packages: [
        '/@pnpm/dependency-path/2.1.8 @pnpm/dependency-path@2.1.8 registry L8 | integrity=sha512-dp | stated={"dev":false} | aliases=dependency-path-v8',
      ],
      importers: [
        '. | dependency-path-v8:prod(npm:@pnpm/dependency-path@2.1.8)->/@pnpm/dependency-path/2.1.8',
      ],
      problems: [],
    },
  },
  {
    fixture: 'aliases.v6.yaml',
    note: '6.0 alias: `/name@version` depPath as importer version',
    want: {
      formatVersion: '6.0',
      packages: [
        '/@pnpm/dependency-path@2.1.8 @pnpm/dependency-path@2.1.8 registry L8 | integrity=sha512-dp | stated={"dev":false} | aliases=dependency-path-v8',
      ],
      importers: [
        '. | dependency-path-v8:prod(npm:@pnpm/dependency-path@2.1.8)->/@pnpm/dependency-path@2.1.8',
      ],
      problems: [],
    },
  },
  {
    fixture: 'aliases.v9.yaml',
    note: '9.0 aliases in importers and snapshots (`name@version` values)',
    want: {
      formatVersion: '9.0',
      packages: [
        'eslint@8.57.1 eslint@8.57.1 registry L15 | integrity=sha512-eslint | aliases=eslint-8 | js-yaml:prod()->@zkochan/js-yaml@0.0.6',
        '@zkochan/js-yaml@0.0.6 @zkochan/js-yaml@0.0.6 registry L18 | integrity=sha512-jsyaml | aliases=js-yaml',
      ],
      importers: ['. | eslint-8:prod(npm:eslint@8.57.1)->eslint@8.57.1'],
      problems: [],
    },
  },
  {
    fixture: 'duplicate-keys.v9.yaml',
    note: 'duplicate package key: warning on the second, last wins',
    want: {
      formatVersion: '9.0',
      packages: ['ms@2.1.3 ms@2.1.3 registry L15 | integrity=sha512-second'],
      importers: ['. | ms:prod(^2.1.3)->ms@2.1.3'],
      problems: ['warning lockfile-duplicate-key L12'],
    },
  },
  {
    fixture: 'empty.v9.yaml',
    note: 'comment-only file: a warning, nothing else',
    want: {
      formatVersion: '',
      packages: [],
      importers: [],
      problems: ['warning lockfile-empty L-'],
    },
  },
  {
    fixture: 'git-file.v9.yaml',
    note: 'git, codeload, directory, local tarball, mirror tarball (registry) and outside link',
    want: {
      formatVersion: '9.0',
      packages: [
        'a@git+https://git.example/a.git#abc a@1.0.0 git L41 | resolved=https://git.example/a.git#abc',
        'b@https://codeload.github.com/o/b/tar.gz/def b@2.0.0 git L42 | resolved=https://codeload.github.com/o/b/tar.gz/def',
        'c@file:vendor/c c@3.0.0 file L43 | resolved=vendor/c',
        'd@file:d-1.0.0.tgz d@1.0.0 file L44 | integrity=sha512-d | resolved=file:d-1.0.0.tgz',
        'e@1.0.0 e@1.0.0 registry L45 | integrity=sha512-e | resolved=https://registry.npm.example/e/-/e-1.0.0.tgz',
        'link:../outside/f f@ link L- | resolved=link:../outside/f',
      ],
      importers: [
        '. | a:prod(git+https://git.example/a.git#abc)->a@git+https://git.example/a.git#abc | b:prod(github:o/b#def)->b@https://codeload.github.com/o/b/tar.gz/def | c:prod(file:vendor/c)->c@file:vendor/c | d:prod(file:d-1.0.0.tgz)->d@file:d-1.0.0.tgz | e:prod(^1.0.0)->e@1.0.0 | f:prod(link:../outside/f)->link:../outside/f',
      ],
      problems: [],
    },
  },
  {
    fixture: 'git-tarball.v5.yaml',
    note: '5.x single project with remote tarball and hosted git keys',
    want: {
      formatVersion: '5.4',
      packages: [
        '@github.com/expressjs/body-parser/archive/1.9.0.tar.gz body-parser@1.9.0 tarball L11 | resolved=https://github.com/expressjs/body-parser/archive/1.9.0.tar.gz | stated={"dev":false}',
        'github.com/expressjs/express/1234567 express@4.0.0 git L16 | resolved=https://codeload.github.com/expressjs/express/tar.gz/1234567 | stated={"dev":false}',
      ],
      importers: [
        '. | body-parser:prod(https://github.com/expressjs/body-parser/archive/1.9.0.tar.gz)->@github.com/expressjs/body-parser/archive/1.9.0.tar.gz | express:prod(github:expressjs/express#1234567)->github.com/expressjs/express/1234567',
      ],
      problems: [],
    },
  },
  {
    fixture: 'not-yaml.v9.yaml',
    note: 'YAML syntax errors with line and column',
    want: {
      formatVersion: '9.0',
      packages: [],
      importers: ['.'],
      problems: [
        'error lockfile-entry-invalid L3',
        'error lockfile-invalid-yaml L4:4',
        'error lockfile-invalid-yaml L4:5',
        'error lockfile-invalid-yaml L4:7',
        'error lockfile-invalid-yaml L4:9',
      ],
    },
  },
  {
    fixture: 'old-version.v4.yaml',
    note: 'lockfileVersion 4.0: warning, read with 5.x keys',
    want: {
      formatVersion: '4.0',
      packages: ['/ms/2.1.3 ms@2.1.3 registry L8 | integrity=sha512-ms | stated={"dev":false}'],
      importers: ['. | ms:prod(^2.1.3)->/ms/2.1.3'],
      problems: ['warning lockfile-version-unknown L2'],
    },
  },
  {
    fixture: 'packages-list.v5.yaml',
    note: 'packages as a list: error on its line, importers still read',
    want: {
      formatVersion: '5.4',
      packages: [],
      importers: ['. | ms:prod(^2.1.3)->-'],
      problems: ['warning lockfile-dependency-unresolved L5', 'error lockfile-section-invalid L7'],
    },
  },
  {
    fixture: 'proto-keys.v9.yaml',
    note: '__proto__ / constructor / toString names are plain data',
    want: {
      formatVersion: '9.0',
      packages: [
        '__proto__@1.0.0 __proto__@1.0.0 registry L18 | integrity=sha512-proto | constructor:prod()->constructor@1.0.0 | toString:prod()->-',
        'constructor@1.0.0 constructor@1.0.0 registry L22 | integrity=sha512-ctor',
      ],
      importers: [
        '. | __proto__:prod(1.0.0)->__proto__@1.0.0 | constructor:prod(1.0.0)->constructor@1.0.0',
      ],
      problems: ['warning lockfile-dependency-unresolved L18'],
    },
  },
  {
    fixture: 'scoped-peers.v5.yaml',
    note: '5.x scoped names, `+` peer suffix, dev/optional flags, optional peer, importer link',
    want: {
      formatVersion: '5.4',
      packages: [
        '/@babel/core/7.21.3 @babel/core@7.21.3 registry L29 | integrity=sha512-core | stated={"dev":true}',
        '/@babel/helper-compilation-targets/7.20.7 @babel/helper-compilation-targets@7.20.7 registry L34 | integrity=sha512-hct | stated={"dev":false} | @babel/core:peer?(^7.0.0)->-',
        '/@babel/helper-compilation-targets/7.20.7_@babel+core@7.21.3 @babel/helper-compilation-targets@7.20.7 registry L43 | integrity=sha512-hct | @babel/core:peer?(^7.0.0)->/@babel/core/7.21.3',
        '/fsevents/2.3.2 fsevents@2.3.2 registry L53 | integrity=sha512-fsevents | stated={"dev":false,"optional":true}',
      ],
      importers: [
        '. | @babel/helper-compilation-targets:prod(^7.20.7)->/@babel/helper-compilation-targets/7.20.7_@babel+core@7.21.3 | app:prod(workspace:*)->importer:packages/app | @babel/core:dev(^7.21.0)->/@babel/core/7.21.3',
        'packages/app | @babel/helper-compilation-targets:prod(^7.20.7)->/@babel/helper-compilation-targets/7.20.7 | fsevents:optional(^2.3.2)->/fsevents/2.3.2',
      ],
      problems: [],
    },
  },
  {
    fixture: 'scoped-peers.v6.yaml',
    note: '6.0 {specifier, version} and parenthesised peers',
    want: {
      formatVersion: '6.0',
      packages: [
        '/@babel/core@7.21.3 @babel/core@7.21.3 registry L18 | integrity=sha512-core | stated={"dev":true}',
        '/@babel/helper-compilation-targets@7.20.7(@babel/core@7.21.3) @babel/helper-compilation-targets@7.20.7 registry L22 | integrity=sha512-hct | stated={"dev":false} | @babel/core:peer(^7.0.0)->/@babel/core@7.21.3',
      ],
      importers: [
        '. | @babel/helper-compilation-targets:prod(^7.20.7)->/@babel/helper-compilation-targets@7.20.7(@babel/core@7.21.3) | @babel/core:dev(^7.21.0)->/@babel/core@7.21.3',
      ],
      problems: [],
    },
  },
  {
    fixture: 'scoped-peers.v9.yaml',
    note: '9.0 hashed peer suffix, patch_hash, packages entry without snapshot',
    want: {
      formatVersion: '9.0',
      packages: [
        '@teambit/bit@1.13.53(b49f6ee54a9da0a2b8dfd6b403e088ce) @teambit/bit@1.13.53 registry L37 | integrity=sha512-bit | graceful-fs:prod()->graceful-fs@4.2.11(patch_hash=68ebc232025360cb3dcd3081f4067f4e9fc022ab6b6f71a3230e86c7a5b337d1) | react:peer(^17.0.0 || ^18.0.0)->react@18.3.1',
        'graceful-fs@4.2.11(patch_hash=68ebc232025360cb3dcd3081f4067f4e9fc022ab6b6f71a3230e86c7a5b337d1) graceful-fs@4.2.11 registry L42 | integrity=sha512-gfs',
        'react@18.3.1 react@18.3.1 registry L44 | integrity=sha512-react',
        'left-pad@1.3.0 left-pad@1.3.0 registry L32 | integrity=sha512-leftpad',
      ],
      importers: [
        '. | @teambit/bit:prod(1.13.53)->@teambit/bit@1.13.53(b49f6ee54a9da0a2b8dfd6b403e088ce) | graceful-fs:prod(^4.2.11)->graceful-fs@4.2.11(patch_hash=68ebc232025360cb3dcd3081f4067f4e9fc022ab6b6f71a3230e86c7a5b337d1)',
      ],
      problems: [],
    },
  },
  {
    fixture: 'truncated.v9.yaml',
    note: 'truncated file: error, complete entries kept',
    want: {
      formatVersion: '9.0',
      packages: [
        'ms@2.1.3 ms@2.1.3 registry L15 | integrity=sha512-ms',
        'nanoid@3.3.7 nanoid@3.3.7 registry L18 | integrity=sha512-na',
      ],
      importers: ['. | ms:prod(^2.1.3)->ms@2.1.3'],
      problems: ['error lockfile-invalid-yaml L20:1'],
    },
  },
  {
    fixture: 'two-documents.v9.yaml',
    note: 'pnpm 11 two documents: last one read; runtime entry gets a note',
    want: {
      formatVersion: '9.0',
      packages: ['node@runtime:26.7.0 node@26.7.0 tarball L48'],
      importers: ['. | node:dev(runtime:26.7.0)->node@runtime:26.7.0'],
      problems: ['note lockfile-resolution-unknown L33'],
    },
  },
  {
    fixture: 'unknown-version.v10.yaml',
    note: 'lockfileVersion 10.0: warning, read as 9.0',
    want: {
      formatVersion: '10.0',
      packages: ['ms@2.1.3 ms@2.1.3 registry L19 | integrity=sha512-ms'],
      importers: ['. | ms:prod(^2.1.3)->ms@2.1.3'],
      problems: ['warning lockfile-version-unknown L2'],
    },
  },
  {
    fixture: 'workspace-catalogs.v9.yaml',
    note: 'catalogs kept as written; links between importers outside the root',
    want: {
      formatVersion: '9.0',
      packages: [
        'ms@2.0.0 ms@2.0.0 registry L35 | integrity=sha512-ms2',
        'ms@2.1.3 ms@2.1.3 registry L36 | integrity=sha512-ms3',
      ],
      importers: [
        '. | ms:prod(catalog:)->ms@2.1.3',
        '../../apps/web | lib:prod(workspace:*)->importer:../../libs/lib | ms:dev(catalog:legacy)->ms@2.0.0',
        '../../libs/lib',
      ],
      problems: [],
    },
  },
  {
    fixture: 'wrong-types.v9.yaml',
    note: 'wrong types become problems with lines, not crashes',
    want: {
      formatVersion: '9.0',
      packages: ['ms@2.1.3 ms@2.1.3 registry L14 | ghost:prod()->-'],
      importers: ['.'],
      problems: [
        'warning lockfile-entry-invalid L6',
        'warning lockfile-entry-invalid L10',
        'error lockfile-entry-invalid L11',
        'warning lockfile-dependency-unresolved L14',
        'error lockfile-entry-invalid L17',
      ],
    },
  },
];

for (const { fixture, want } of FIXTURES) {
  void test(`fixture_${fixture.replace(/[^a-zA-Z0-9]+/g, '_')}`, () => {
    const result = parseFixture(fixture);
    assert.equal(result.format, 'pnpm');
    assert.equal(result.file, fixture);
    for (const p of result.problems) assert.equal(p.file, fixture);
    assert.deepEqual(summarize(result), want);
  });
}

// The one-pass pnpm 9.0 reader (layout-v9.ts) must give exactly what the generic YAML-tree path
// gives: on every corpus file and fixture, and on copies edited just outside its layout.
const LAYOUT_EDITS: [string, (text: string) => string][] = [
  ['as written', (t) => t],
  ['a comment line', (t) => t.replace('\npackages:\n', '\n# note\npackages:\n')],
  ['CRLF line ends', (t) => t.replaceAll('\n', '\r\n')],
  ['a duplicated entry', (t) => t.replace(/\n( {2}\S[^\n]*\n(?: {4}[^\n]*\n)*)/, '\n$1$1')],
  ['an odd indent', (t) => t.replace('\n    resolution:', '\n     resolution:')],
  ['a double space', (t) => t.replace('\n    resolution: ', '\n    resolution:  ')],
  // Snapshots' dependency fields are only skipped by the first pass and checked when the edges
  // are made; duplicate snapshot keys are found by the parser.
  [
    'a duplicated snapshot',
    (t) => t.replace(/(\nsnapshots:\n\n?)( {2}\S[^\n]*\n(?: {4}[^\n]*\n)*)/, '$1$2$2'),
  ],
  [
    'a repeated dependency of a snapshot',
    (t) => t.replace(/(\nsnapshots:\n[^]*?\n {4}dependencies:\n)( {6}[^\n]*\n)/, '$1$2$2'),
  ],
  [
    'a dependency of a snapshot that is not a scalar',
    (t) => t.replace(/(\nsnapshots:\n[^]*?\n {4}dependencies:\n {6}[^\n]*)/, '$1: x'),
  ],
  [
    'a dependency list of a snapshot that is not a mapping',
    (t) => t.replace(/(\nsnapshots:\n[^]*?\n {4}dependencies:)\n/, '$1 [a]\n'),
  ],
];

void test('layout_reader_equals_generic_path', () => {
  const inputs: (LockfileInput & { name: string })[] = [];
  for (const name of pnpmCases) {
    const c = loadCorpusCase(name);
    inputs.push({ name, path: c.lockfilePath, text: c.lockfileText, manifests: c.manifests });
  }
  for (const fixture of readdirSync(TESTDATA).sort()) {
    const text = readFileSync(new URL(fixture, TESTDATA), 'utf8');
    inputs.push({ name: fixture, path: fixture, text, manifests: new Map() });
  }
  let direct = 0;
  for (const input of inputs) {
    for (const [edit, apply] of LAYOUT_EDITS) {
      if (edit !== 'as written' && !input.text.startsWith("lockfileVersion: '9.0'")) continue;
      const changed = { ...input, text: apply(input.text) };
      if (readPnpm9Layout(changed.text) !== undefined) direct++;
      assert.deepEqual(
        parsePnpmLockfile(changed),
        parsePnpmLockfileGeneric(changed),
        `${input.name}, ${edit}`,
      );
    }
  }
  // The large 9.0 corpus files, as written, take the one-pass path.
  for (const name of ['pnpm-9.0-pnpm-many-deps', 'pnpm-9.0-rushstack-2026', 'pnpm-9.0-vue-2026']) {
    assert.notEqual(readPnpm9Layout(loadCorpusCase(name).lockfileText), undefined, name);
  }
  assert.ok(direct >= 4, `${direct} inputs took the one-pass path`);
});
