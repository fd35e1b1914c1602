// Metadata evidence: repository spellings that name the same repository, copied descriptions
// and READMEs, and shared maintainers.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  misleadingMetadata,
  normaliseRepositoryUrl,
  sameRepository,
  sharesOwnership,
} from './index.js';

test('repository_spellings_normalise_to_host_owner_repo', () => {
  const same = [
    'git+https://github.com/lodash/lodash.git',
    'https://github.com/lodash/lodash',
    'https://www.github.com/Lodash/Lodash/',
    'git://github.com/lodash/lodash.git',
    'ssh://git@github.com/lodash/lodash.git',
    'git@github.com:lodash/lodash.git',
    'github:lodash/lodash',
    'lodash/lodash',
    'https://github.com/lodash/lodash/tree/main/packages/merge',
    'git+https://github.com/lodash/lodash.git#v4.17.21',
    { type: 'git', url: 'https://github.com/lodash/lodash.git' },
  ];
  for (const r of same)
    assert.equal(normaliseRepositoryUrl(r), 'github.com/lodash/lodash', JSON.stringify(r));
  assert.equal(normaliseRepositoryUrl('gitlab:group/project'), 'gitlab.com/group/project');
  assert.equal(normaliseRepositoryUrl('bitbucket:team/repo'), 'bitbucket.org/team/repo');
  for (const bad of [
    undefined,
    null,
    42,
    '',
    'not a url',
    'https://github.com/only-owner',
    'file:///tmp/x/y',
    { url: 5 },
    'x'.repeat(5000),
  ]) {
    assert.equal(normaliseRepositoryUrl(bad), undefined, JSON.stringify(bad)?.slice(0, 40));
  }
  assert.ok(sameRepository('github:a/b', 'git+ssh://git@github.com/a/b.git'));
  assert.ok(!sameRepository('github:a/b', 'github:a/c'));
  assert.ok(!sameRepository(undefined, undefined));
});

const README = `# left-pad

String left pad. Pads the left side of a string with the given character until it reaches
the wanted length, which is useful for aligning columns of numbers in terminal output and
for zero-padding identifiers. Install it with your package manager and import the default
export; it takes the string, the target length and an optional fill character.

## Usage

    leftPad('foo', 5) // => "  foo"
    leftPad('foobar', 6) // => "foobar"
    leftPad(1, 2, '0') // => "01"
`;

test('copied_metadata_gives_one_reason_each', () => {
  const target = {
    description: 'String left pad',
    readme: README,
    repository: 'git+https://github.com/left-pad/left-pad.git',
  };
  const squat = {
    description: 'String left pad, the fast one',
    readme: README.replace('# left-pad', '# lefft-pad'),
    repository: 'github:left-pad/left-pad',
  };
  const reasons = misleadingMetadata(squat, target);
  assert.equal(reasons.length, 2, reasons.join('; '));
  assert.match(reasons[0]!, /same repository .*github\.com\/left-pad\/left-pad/);
  assert.match(reasons[1]!, /README copied/);

  const verbatim = misleadingMetadata(
    { description: 'Pads the left side of a string' },
    { description: 'pads the LEFT side of a string!' },
  );
  assert.deepEqual(verbatim, ['description copied from the target']);
});

test('different_or_thin_metadata_gives_no_reason', () => {
  assert.deepEqual(
    misleadingMetadata(
      {
        description: 'Colour conversion helpers for canvas',
        readme: 'Totally different text. '.repeat(50),
        repository: 'github:me/colour',
      },
      { description: 'String left pad', readme: README, repository: 'github:left-pad/left-pad' },
    ),
    [],
  );
  // Too short to call copied, or missing.
  assert.deepEqual(
    misleadingMetadata(
      { description: 'utils', readme: '# x' },
      { description: 'utils', readme: '# x' },
    ),
    [],
  );
  assert.deepEqual(misleadingMetadata({}, {}), []);
  assert.deepEqual(misleadingMetadata({ description: 7, readme: [] }, { description: 7 }), []);
});

test('shared_maintainers_by_name_or_email', () => {
  const target = [{ name: 'jdalton', email: 'john.david.dalton@gmail.com' }, { name: 'mathias' }];
  assert.ok(sharesOwnership([{ name: 'JDalton' }], target));
  assert.ok(sharesOwnership(['someone else <John.David.Dalton@gmail.com> (https://x)'], target));
  assert.ok(sharesOwnership(['mathias'], target));
  assert.ok(!sharesOwnership([{ name: 'evil', email: 'evil@example.com' }], target));
  assert.ok(!sharesOwnership([], target));
  assert.ok(!sharesOwnership(undefined, target));
  assert.ok(!sharesOwnership([null, 5, {}, { name: '' }], [null, 5, {}, { name: '' }]));
});
