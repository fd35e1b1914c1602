/**
 * Dependency spec classification against spec strings seen in real package.json files (npm's
 * own documentation, npm-package-arg's and hosted-git-info's test cases, and published
 * manifests), and the line locator against hand-written manifests.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  classifyDependencySpec,
  declaredDependencies,
  dependencyLines,
  isFullCommit,
  MAX_SPEC_LENGTH,
  packageDependencies,
  packageNameProblem,
  parseHostedGit,
  type DependencySpec,
  type DependencySpecKind,
} from './index.js';

const kindOf = (spec: unknown, name = 'dep'): DependencySpecKind =>
  classifyDependencySpec(name, spec).kind;

function expectKinds(kind: DependencySpecKind, specs: readonly string[]): void {
  for (const spec of specs) assert.equal(kindOf(spec), kind, `${JSON.stringify(spec)}`);
}

describe('classifyDependencySpec', () => {
  it('registry_ranges_are_bounded_ranges', () => {
    expectKinds('registry-range', [
      '^1.2.3',
      '~1.2.3',
      '1.x',
      '1.2.x',
      '1',
      '1.2',
      '>=1.0.0 <2.0.0',
      '>= 2.1.2 < 3',
      '1.0.0 - 2.9999.9999',
      '<2',
      '<=1.0',
      '^0.0.1',
      '~0.1',
      '^1.0.0-beta.2',
      '^1.0.0 || ^2.0.0',
      '  ^4.17.21  ',
      '>1.0.0 <=2',
      '~>1.0',
    ]);
    const r = classifyDependencySpec('lodash', '^4.17.21');
    assert.equal(r.range, '>=4.17.21 <5.0.0-0');
    assert.equal(r.loose, undefined);
  });

  it('exact_versions_are_registry_exact', () => {
    expectKinds('registry-exact', [
      '1.2.3',
      '=1.2.3',
      'v1.2.3',
      '0.0.0-insiders.1',
      '1.0.0+build.5',
    ]);
    assert.equal(classifyDependencySpec('x', 'v2.0.0').range, '2.0.0');
  });

  it('specs_only_loose_semver_accepts_are_marked_loose', () => {
    for (const spec of ['=1.2.3', '1.2.3beta', '~1.2.3beta', '01.2.3']) {
      const r = classifyDependencySpec('x', spec);
      assert.ok(r.kind === 'registry-exact' || r.kind === 'registry-range', spec);
      assert.equal(r.loose, true, spec);
    }
    assert.equal(classifyDependencySpec('x', '^1.2.3').loose, undefined);
  });

  it('ranges_without_an_upper_bound_and_latest_float', () => {
    expectKinds('floating', [
      '*',
      '',
      '   ',
      'x',
      'X',
      'x.x.x',
      '>=1.0.0',
      '>= 0.10',
      '>0.1.0',
      '1.2.3 - *',
      '^1.0.0 || >=3',
      '1.2.3 || *',
      'latest',
    ]);
    assert.equal(classifyDependencySpec('x', '').range, '*');
    assert.equal(classifyDependencySpec('x', 'latest').tag, 'latest');
    assert.equal(classifyDependencySpec('x', '>=1.0.0').range, '>=1.0.0');
  });

  it('other_words_are_dist_tags', () => {
    expectKinds('tag', ['next', 'beta', 'canary', 'rc', 'v3-lts', 'legacy', 'Latest', 'insiders']);
    assert.equal(classifyDependencySpec('react', 'next').tag, 'next');
  });

  it('strings_neither_range_nor_tag_are_invalid', () => {
    expectKinds('invalid', [
      '1.2.3.4',
      'v2.0.0.1',
      '^1.2.3.4',
      'latest version',
      '=>1.0.0',
      '1..2',
      '^1.0.0,^2.0.0',
      'foo:bar',
      'ftp://example.com/x.tgz',
      'svn+ssh://example.com/repo',
    ]);
    assert.match(classifyDependencySpec('x', '1.2.3.4').detail, /looks like a version/);
    assert.match(classifyDependencySpec('x', 'ftp://h/x').detail, /unsupported protocol "ftp:"/);
  });

  it('non_strings_bad_names_and_huge_specs_are_invalid', () => {
    assert.match(classifyDependencySpec('x', 1).detail, /a number, not a string/);
    assert.match(classifyDependencySpec('x', null).detail, /null/);
    assert.match(classifyDependencySpec('x', ['1']).detail, /an array/);
    assert.match(classifyDependencySpec('x', { v: 1 }).detail, /an object/);
    assert.equal(classifyDependencySpec('x', { v: 1 }).display, '{"v":1}');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    assert.equal(classifyDependencySpec('x', cycle).kind, 'invalid');
    assert.equal(kindOf('^1.0.0', 'has space'), 'invalid');
    assert.equal(kindOf('^1.0.0', '.hidden'), 'invalid');
    assert.equal(kindOf('^1.0.0', 'node_modules'), 'invalid');
    assert.equal(kindOf('^1.0.0', 'a/b'), 'invalid');
    const huge = classifyDependencySpec('x', `^1.0.0 || ${'1.0.0 || '.repeat(200)}`);
    assert.equal(huge.kind, 'invalid');
    assert.match(huge.detail, new RegExp(`limit ${MAX_SPEC_LENGTH}`));
    assert.ok(huge.display.length <= 200, 'display is cut');
  });

  it('npm_aliases_carry_their_target', () => {
    const a = classifyDependencySpec('string-width-cjs', 'npm:string-width@^4.2.0');
    assert.equal(a.kind, 'alias');
    assert.equal(a.aliasOf, 'string-width');
    assert.equal(a.target?.kind, 'registry-range');
    assert.equal(a.range, '>=4.2.0 <5.0.0-0');
    const scoped = classifyDependencySpec('vue2', 'npm:@vue/compat@3.4.0');
    assert.equal(scoped.aliasOf, '@vue/compat');
    assert.equal(scoped.target?.kind, 'registry-exact');
    assert.equal(classifyDependencySpec('x', 'npm:foo').target?.kind, 'floating');
    assert.equal(classifyDependencySpec('x', 'npm:foo@latest').target?.kind, 'floating');
    assert.equal(classifyDependencySpec('x', 'NPM:foo@1').kind, 'alias');
    assert.equal(classifyDependencySpec('x', 'npm:foo@next').target?.kind, 'tag');
  });

  it('aliases_of_non_registry_specs_are_invalid', () => {
    expectKinds('invalid', [
      'npm:foo@github:u/r',
      'npm:foo@file:../x',
      'npm:foo@npm:bar@1',
      'npm:',
      'npm:@',
      'npm:foo@1.2.3.4',
      'npm:Bad Name@1',
    ]);
    assert.match(classifyDependencySpec('x', 'npm:foo@npm:bar@1').detail, /alias of an alias/);
  });

  it('jsr_specs_alias_the_jsr_scope', () => {
    const j = classifyDependencySpec('@std/path', 'jsr:@std/path@^1.0.8');
    assert.equal(j.kind, 'alias');
    assert.equal(j.aliasOf, '@jsr/std__path');
    assert.equal(j.display, 'jsr:@std/path@^1.0.8');
    assert.equal(classifyDependencySpec('@std/fs', 'jsr:^1.0.0').aliasOf, '@jsr/std__fs');
    assert.equal(kindOf('jsr:^1.0.0', 'unscoped'), 'invalid');
  });

  it('github_shortcuts_shorthands_and_urls_are_github', () => {
    expectKinds('github', [
      'github:user/repo',
      'github:user/repo#v1.0.0',
      'user/repo',
      'expressjs/express#4.x',
      'visionmedia/debug#semver:^4.0.0',
      'git+ssh://git@github.com/user/repo.git',
      'git+ssh://git@github.com:user/repo.git#abc123',
      'git@github.com:user/repo.git',
      'git://github.com/user/repo.git',
      'git+https://github.com/user/repo.git',
      'git+http://github.com/user/repo.git',
      'https://github.com/user/repo',
      'https://www.github.com/user/repo.git#main',
      'https://github.com/user/repo/tree/dev',
      'ssh://git@github.com/user/repo.git',
      'GitHub:User/Repo',
      // One slash and no protocol is GitHub to npm, even with a tarball's extension.
      'vendor/x.tgz',
    ]);
    const g = classifyDependencySpec('debug', 'visionmedia/debug#semver:^4.0.0');
    assert.equal(g.user, 'visionmedia');
    assert.equal(g.repository, 'debug');
    assert.equal(g.gitRange, '^4.0.0');
    assert.equal(g.committish, undefined);
    const t = classifyDependencySpec('x', 'https://github.com/u/r/tree/dev');
    assert.equal(t.committish, 'dev');
    const sha = 'd5e0e6fbc2a9d4bf5bd7a5a0d9aef8c0d7a4c9b1';
    assert.equal(classifyDependencySpec('x', `github:u/r#${sha}`).committish, sha);
    assert.ok(isFullCommit(sha));
    assert.ok(!isFullCommit('deadbeef'));
  });

  it('github_archive_and_codeload_urls_are_http_tarballs', () => {
    expectKinds('http', [
      'https://github.com/user/repo/archive/v1.0.0.tar.gz',
      'https://github.com/user/repo/releases/download/v1/x.tgz',
      'https://codeload.github.com/user/repo/tar.gz/main',
    ]);
  });

  it('other_git_hosts_and_urls_are_git', () => {
    expectKinds('git', [
      'gitlab:group/repo',
      'gitlab:group/subgroup/repo#v2',
      'https://gitlab.com/group/sub/repo.git',
      'git+ssh://git@gitlab.com:group/repo.git',
      'bitbucket:user/repo',
      'https://bitbucket.org/user/repo.git',
      'gist:11081aaa281',
      'sourcehut:~user/repo',
      'codeberg:user/repo',
      'https://codeberg.org/user/repo.git',
      'git://git.example.com/repo.git',
      'git+ssh://git@git.example.com:team/repo.git',
      'git+ssh://git@git.example.com:2222/repo.git',
      'git+https://git.example.com/repo.git#deadbeef',
      'git+file:///srv/git/repo.git',
      'git@git.example.com:team/repo.git',
      'ssh://git@git.example.com/repo.git',
    ]);
    const gl = classifyDependencySpec('x', 'gitlab:group/subgroup/repo#v2');
    assert.equal(gl.host, 'gitlab');
    assert.equal(gl.user, 'group/subgroup');
    assert.equal(gl.committish, 'v2');
    const plain = classifyDependencySpec('x', 'git+https://git.example.com/repo.git#deadbeef');
    assert.equal(plain.host, undefined);
    assert.equal(plain.url, 'git+https://git.example.com/repo.git');
    assert.equal(plain.committish, 'deadbeef');
  });

  it('http_tarballs_and_plain_http', () => {
    const s = classifyDependencySpec('x', 'https://example.com/pkgs/x-1.0.0.tgz');
    assert.equal(s.kind, 'http');
    assert.equal(s.insecure, undefined);
    const h = classifyDependencySpec('x', 'http://example.com/x.tgz');
    assert.equal(h.kind, 'http');
    assert.equal(h.insecure, true);
    assert.equal(
      kindOf('https://registry.npm.example/left-pad/-/left-pad-1.3.0.tgz'),
      'http',
      'a registry-shaped tarball URL is still fetched outside the range resolver',
    );
  });

  it('credentials_are_masked_everywhere', () => {
    const cases: [string, string][] = [
      ['git+https://ghp_secretToken@github.com/u/r.git', 'ghp_secretToken'],
      ['https://user:hunter2@example.com/x.tgz', 'hunter2'],
      ['https://npm_token123@example.com/x.tgz', 'npm_token123'],
      ['git+https://me:pw0rd@git.example.com/r.git#main', 'pw0rd'],
    ];
    for (const [spec, secret] of cases) {
      const r = classifyDependencySpec('x', spec);
      assert.ok(!JSON.stringify(r).includes(secret), `${spec} leaks ${secret}`);
      assert.match(r.display, /\*\*\*@/);
    }
    // ssh user names are conventions, not secrets.
    assert.equal(
      classifyDependencySpec('x', 'git+ssh://git@git.example.com/r.git').url,
      'git+ssh://git@git.example.com/r.git',
    );
  });

  it('local_paths_are_file_like_npm_reads_them', () => {
    expectKinds('file', [
      'file:../lib',
      'file:./vendor/x-1.0.0.tgz',
      'FILE:../x',
      '../lib',
      './x',
      '/abs/path',
      '~/x',
      'lib/sub/x',
      'vendor/sub/x.tgz',
      'x.tar.gz',
      '@scope/pkg',
      'C:\\libs\\x',
    ]);
    assert.equal(classifyDependencySpec('x', 'file:../lib').path, '../lib');
    assert.match(classifyDependencySpec('x', 'file:x.tgz').detail, /local tarball/);
    assert.match(classifyDependencySpec('x', '@scope/pkg').detail, /npm:… was probably meant/);
  });

  it('link_portal_and_workspace_protocols', () => {
    expectKinds('link', ['link:../x', 'portal:../x', 'LINK:./y']);
    expectKinds('workspace', ['workspace:*', 'workspace:^', 'workspace:~', 'workspace:^1.2.0']);
    assert.equal(classifyDependencySpec('x', 'workspace:^1.2.0').path, '^1.2.0');
    assert.equal(classifyDependencySpec('x', 'link:../x').path, '../x');
  });

  it('every_result_is_printable_and_never_throws', () => {
    const hostile = [
      '\u202e1.0.0',
      'git+ssh://',
      'https://',
      'github:',
      'github:/',
      '#',
      '/',
      '@',
      '::',
      'git@:',
      'a@b.c:',
      '%E0%A4%A',
      'https://github.com/%E0%A4%A/r',
      'github:u/%E0%A4%A',
      '\u0000',
    ];
    for (const spec of hostile) {
      const r: DependencySpec = classifyDependencySpec('x', spec);
      assert.equal(typeof r.kind, 'string', JSON.stringify(spec));
      assert.ok(r.detail.length > 0);
    }
  });
});

describe('parseHostedGit', () => {
  it('reads_repository_fields_like_npm', () => {
    assert.deepEqual(parseHostedGit('https://github.com/npm/cli.git'), {
      host: 'github',
      user: 'npm',
      repository: 'cli',
    });
    assert.deepEqual(parseHostedGit('git+https://gitlab.com/a/b/c.git'), {
      host: 'gitlab',
      user: 'a/b',
      repository: 'c',
    });
    assert.equal(parseHostedGit('npm/cli')?.host, 'github');
    assert.equal(parseHostedGit('https://git.example.com/x/y.git'), undefined);
    assert.equal(parseHostedGit('https://github.com/u/r/archive/x.tgz'), undefined);
    assert.equal(parseHostedGit('ftp://github.com/u/r'), undefined);
    assert.equal(parseHostedGit(''), undefined);
  });
});

describe('packageNameProblem', () => {
  it('accepts_old_style_and_scoped_names', () => {
    for (const name of ['lodash', 'JSONStream', '@babel/core', 'a-b_c.d', "l'x", 'x~'])
      assert.equal(packageNameProblem(name), undefined, name);
    for (const name of ['', ' x', '_x', '.x', 'a b', 'a/b', '@a/b/c', 'favicon.ico'])
      assert.notEqual(packageNameProblem(name), undefined, name);
  });
});

describe('declaredDependencies', () => {
  const text = [
    '{',
    '  "name": "demo",',
    '  "description": "has \\"dependencies\\": and \\"left-pad\\" in prose",',
    '  "devDependencies": { "left-pad": "*" },',
    '  "dependencies": {',
    '    "left-pad": "^1.3.0",',
    '    "es\\u0063ape": "github:u/escape",',
    '    "both": "^1.0.0"',
    '  },',
    '  "optionalDependencies": {',
    '    "both": "git://git.example.com/both.git"',
    '  },',
    '  "peerDependencies": { "react": ">=16" },',
    '  "bundleDependencies": ["left-pad"]',
    '}',
  ].join('\n');
  const manifest = JSON.parse(text) as Record<string, unknown>;

  it('lists_entries_with_lines_from_the_right_field', () => {
    const deps = declaredDependencies(
      manifest,
      ['dependencies', 'optionalDependencies', 'peerDependencies'],
      text,
    );
    assert.deepEqual(
      deps.map((d) => [d.field, d.name, d.spec.kind, d.line, d.bundled]),
      [
        ['dependencies', 'left-pad', 'registry-range', 6, true],
        ['dependencies', 'escape', 'github', 7, false],
        ['optionalDependencies', 'both', 'git', 11, false],
        ['peerDependencies', 'react', 'floating', 13, false],
      ],
    );
  });

  it('keeps_the_dependencies_entry_when_optional_is_not_asked_for', () => {
    const deps = declaredDependencies(manifest, ['dependencies'], text);
    assert.deepEqual(
      deps.map((d) => d.name),
      ['left-pad', 'escape', 'both'],
    );
  });

  it('works_without_text_and_skips_malformed_fields', () => {
    const deps = declaredDependencies(
      { dependencies: ['x'], optionalDependencies: { a: 1 }, bundleDependencies: true },
      ['dependencies', 'optionalDependencies'],
    );
    assert.deepEqual(
      deps.map((d) => [d.name, d.spec.kind, d.line, d.bundled]),
      [['a', 'invalid', undefined, false]],
    );
  });

  it('dependency_lines_keeps_the_last_duplicate_and_ignores_nested_objects', () => {
    const t =
      '{"dependencies":{"a":"1",\n"nested":{"b":"2"},\n"a":"2"},\n"b":{"dependencies":{"z":"1"}}}';
    const lines = dependencyLines(t, new Set(['dependencies']));
    assert.deepEqual(
      [...(lines.get('dependencies') ?? new Map<string, number>())],
      [
        ['a', 3],
        ['nested', 2],
      ],
    );
  });
});

describe('packageDependencies', () => {
  it('counts_a_bundled_dependency_only_when_the_tarball_ships_it', () => {
    const text = JSON.stringify(
      {
        name: 'p',
        version: '1.0.0',
        dependencies: { a: 'github:u/a', '@s/b': 'github:u/b' },
        bundleDependencies: ['a', '@s/b'],
      },
      null,
      2,
    );
    const deps = packageDependencies(
      {
        manifest: JSON.parse(text) as Record<string, unknown>,
        files: [
          { path: 'package.json', bytes: new TextEncoder().encode(text) },
          { path: 'node_modules/a/package.json', bytes: undefined },
        ],
      },
      ['dependencies'],
    );
    assert.deepEqual(
      deps.map((d) => [d.name, d.bundled, d.line]),
      [
        ['a', true, 5],
        ['@s/b', false, 6],
      ],
    );
    assert.deepEqual(packageDependencies({ manifest: undefined, files: [] }, ['dependencies']), []);
  });
});

describe('snippets', () => {
  it('show_the_entry_masked_and_escaped', () => {
    const deps = declaredDependencies(
      {
        dependencies: {
          'x\u202e': 'git+https://tok3n@git.example.com/x.git',
          y: { version: 1 },
        },
      },
      ['dependencies'],
    );
    assert.equal(deps[0]?.snippet, '"x\\u{202e}": "git+https://***@git.example.com/x.git"');
    assert.equal(deps[1]?.snippet, '"y": {"version":1}');
  });
});
