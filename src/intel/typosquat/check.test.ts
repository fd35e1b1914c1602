// The index's answers: each technique on a small synthetic list (so a failure names one rule),
// the suppressions, the length thresholds, and real typo-squats from the OSV corpus against the
// shipped list.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  buildTyposquatIndex,
  loadPopularIndex,
  type PopularEntry,
  type TyposquatTechnique,
} from './index.js';

const M = 1_000_000;
const synthetic: PopularEntry[] = [
  { name: 'react', downloads: 300 * M },
  { name: 'lodash', downloads: 400 * M },
  { name: 'lodash.merge', downloads: 250 * M },
  { name: 'body-parser', downloads: 300 * M },
  { name: 'node-fetch', downloads: 400 * M },
  { name: 'moment', downloads: 100 * M },
  { name: 'webpack', downloads: 150 * M },
  { name: 'typescript', downloads: 500 * M },
  { name: 'express', downloads: 300 * M },
  { name: 'colors', downloads: 90 * M },
  { name: 'color', downloads: 140 * M },
  { name: 'debug', downloads: 2000 * M },
  { name: 'jquery', downloads: 80 * M },
  { name: 'cross-env', downloads: 60 * M },
  { name: 'ms', downloads: 1500 * M },
  { name: 'ws', downloads: 600 * M },
  { name: 'd3', downloads: 30 * M },
  { name: 'glob', downloads: 600 * M },
  { name: 'through2', downloads: 160 * M },
  { name: 'get-proto', downloads: 400 * M },
  { name: 'define-data-property', downloads: 270 * M },
  { name: 'jest-diff', downloads: 270 * M },
  { name: 'JSONStream', downloads: 40 * M },
  { name: 'eslint-scope', downloads: 300 * M },
  { name: '@typescript-eslint/eslint-plugin', downloads: 320 * M },
  { name: '@typescript-eslint/parser', downloads: 330 * M },
  { name: '@types/node', downloads: 1000 * M },
  { name: '@babel/core', downloads: 550 * M },
  { name: '@solana/web3.js', downloads: 5 * M },
];
const index = buildTyposquatIndex(synthetic);

function expectMatch(name: string, target: string, technique: TyposquatTechnique): void {
  const match = index.check(name);
  assert.ok(match, `${name} should imitate ${target}`);
  assert.equal(match.target, target, `${name}: target`);
  assert.equal(match.technique, technique, `${name}: technique`);
  assert.ok(
    match.confidence > 0 && match.confidence <= 1,
    `${name}: confidence ${match.confidence}`,
  );
}

test('each_technique_names_the_imitated_package', () => {
  const cases: [string, string, TyposquatTechnique][] = [
    ['r2act', 'react', 'edit-distance'],
    ['raect', 'react', 'transposition'],
    ['debuug', 'debug', 'doubled-letter'],
    ['jquerry', 'jquery', 'doubled-letter'],
    ['expres', 'express', 'dropped-letter'],
    ['define-dat-property', 'define-data-property', 'dropped-letter'],
    ['rnoment', 'moment', 'homoglyph'],
    ['vvebpack', 'webpack', 'homoglyph'],
    ['1odash', 'lodash', 'homoglyph'],
    ['IODASH', 'lodash', 'homoglyph'],
    ['jsonstream', 'JSONStream', 'homoglyph'],
    ['lodashmerge', 'lodash.merge', 'separator'],
    ['lodash-merge', 'lodash.merge', 'separator'],
    ['crossenv', 'cross-env', 'separator'],
    ['node-lodash', 'lodash', 'affix'],
    ['lodash-js', 'lodash', 'affix'],
    ['lodashjs', 'lodash', 'affix'],
    ['nodejs-express', 'express', 'affix'],
    ['typescript3', 'typescript', 'affix'],
    ['fetch-js', 'node-fetch', 'affix'],
    ['fetch-node', 'node-fetch', 'word-order'],
    ['d3.js', 'd3', 'affix'],
    ['colorss', 'colors', 'doubled-letter'],
    ['reacts', 'react', 'plural'],
    ['parser-body', 'body-parser', 'word-order'],
    ['merge.lodash', 'lodash.merge', 'word-order'],
    ['typescirpt', 'typescript', 'transposition'],
    ['typscrpt', 'typescript', 'edit-distance'],
    ['@typescript_eslinter/eslint', '@typescript-eslint/eslint-plugin', 'scope-confusion'],
    ['@typescript-eslnt/parser', '@typescript-eslint/parser', 'scope-confusion'],
    ['@typess/node', '@types/node', 'scope-confusion'],
    ['@bable/core', '@babel/core', 'scope-confusion'],
    ['@solana-labs/web3.js', '@solana/web3.js', 'scope-confusion'],
    ['types-node', '@types/node', 'scope-confusion'],
    ['solana-web3.js', '@solana/web3.js', 'scope-confusion'],
    ['web3.js', '@solana/web3.js', 'scope-confusion'],
    ['@lodash/merge', 'lodash.merge', 'scope-confusion'],
    ['@react/react', 'react', 'scope-confusion'],
    ['@reactjs/react', 'react', 'scope-confusion'],
  ];
  for (const [name, target, technique] of cases) expectMatch(name, target, technique);
});

test('distance_is_the_edit_distance_to_the_target', () => {
  assert.equal(index.check('raect')?.distance, 1);
  assert.equal(index.check('typscrpt')?.distance, 2);
  assert.equal(index.check('lodash-js')?.distance, 3);
});

test('short_names_only_match_look_alikes_and_affixes', () => {
  // One edit from `ms`/`ws`/`d3`: thousands of real short names are, so nothing fires.
  for (const name of ['mz', 'os', 'qs', 'wss', 'mss', 'd4', 'xs']) {
    assert.equal(index.check(name), undefined, name);
  }
  expectMatch('vvs', 'ws', 'homoglyph');
  expectMatch('ws-js', 'ws', 'affix');
  // Four letters: a swap or a doubled letter is a typo; a changed or dropped letter is a word.
  expectMatch('gl0b', 'glob', 'homoglyph');
  expectMatch('golb', 'glob', 'transposition');
  expectMatch('gloob', 'glob', 'doubled-letter');
  assert.equal(index.check('blob'), undefined);
  assert.equal(index.check('gob'), undefined);
});

test('legitimate_looking_neighbours_do_not_match', () => {
  for (const name of [
    'preact', // a letter added in front: a word of its own
    'through', // a fork's version digit dropped
    'through3', // or changed
    'get-proxy', // a short word replaced, not misspelt
    'node-watch',
    'just-diff', // a four-letter word changed
    'jest-dif', // a four-letter word shortened in a short name
    'lodash-es', // not a plural
    'left-pad',
    'my-react-app',
    'react-dom-utils',
    'eslint-scope-extra',
    '@acme/react', // a fork in its own scope
    '@preact-signals/react', // a scope that merely contains the name
    '@types/reactt', // only DefinitelyTyped publishes under @types
    '@babel/cor',
    'babel-core', // Babel 6's name for @babel/core
  ]) {
    assert.equal(index.check(name), undefined, `${name}: ${JSON.stringify(index.check(name))}`);
  }
});

test('listed_names_and_the_target_itself_are_not_squats', () => {
  for (const { name } of synthetic) assert.equal(index.check(name), undefined, name);
  // Audits may check listed names; a listed name never matches itself.
  const self = index.checkAll('react', { evenIfListed: true, minDownloadRatio: Infinity });
  assert.ok(self.every((m) => m.target !== 'react'));
});

test('download_ratio_suppresses_established_candidates', () => {
  assert.ok(index.check('raect', { candidateDownloads: 1 * M }), '0.3 % of react: still a squat');
  assert.equal(index.check('raect', { candidateDownloads: 3 * M }), undefined, '1 % of react');
  assert.ok(index.check('raect', { candidateDownloads: 3 * M, minDownloadRatio: 0.05 }));
  // A listed name is judged by its listed downloads when audited.
  const listed = buildTyposquatIndex([
    { name: 'react', downloads: 300 * M },
    { name: 'raect', downloads: 10 * M },
    { name: 'reacct', downloads: 1000 },
  ]);
  assert.equal(listed.check('raect', { evenIfListed: true }), undefined);
  assert.equal(listed.check('reacct'), undefined);
  assert.equal(listed.check('reacct', { evenIfListed: true })?.target, 'react');
});

test('known_neighbours_are_suppressed_unless_audited', () => {
  const pair = buildTyposquatIndex([{ name: 'chalk', downloads: 1700 * M }]);
  assert.equal(pair.check('chalks'), undefined);
  assert.equal(pair.check('chalks', { ignoreNeighbours: true })?.target, 'chalk');
  assert.equal(pair.check('chalkk')?.target, 'chalk');
});

test('check_all_lists_every_target_best_first', () => {
  const twins = buildTyposquatIndex([
    { name: 'parsely', downloads: 20 * M },
    { name: 'parsecy', downloads: 90 * M },
  ]);
  const all = twins.checkAll('parsexy');
  assert.deepEqual(
    all.map((m) => m.target),
    ['parsecy', 'parsely'],
  );
  assert.ok(all[0]!.confidence >= all[1]!.confidence);
  assert.deepEqual(twins.check('parsexy'), all[0]);
});

test('confidence_grows_with_target_length_and_popularity', () => {
  const two = buildTyposquatIndex([
    { name: 'abcdef', downloads: 500 * M },
    { name: 'abcdefghijkl', downloads: 500 * M },
    { name: 'zyxwvu', downloads: 3 * M },
  ]);
  const short = two.check('abdcef')!;
  const long = two.check('abcdefghikjl')!;
  const rare = two.check('zyxvwu')!;
  assert.equal(short.technique, 'transposition');
  assert.ok(long.confidence > short.confidence, `${long.confidence} > ${short.confidence}`);
  assert.ok(short.confidence > rare.confidence, `${short.confidence} > ${rare.confidence}`);
});

test('bad_input_is_not_checked_and_bad_options_throw', () => {
  for (const name of ['', 'a'.repeat(215), '../react', 'react dom', 'ré act', '@/x']) {
    assert.equal(index.check(name), undefined, JSON.stringify(name));
  }
  assert.equal(index.check(42 as unknown as string), undefined);
  assert.throws(() => index.check('raect', { minDownloadRatio: -1 }), RangeError);
  assert.throws(() => index.check('raect', { candidateDownloads: Number.NaN }), RangeError);
});

test('build_validates_the_list', () => {
  assert.throws(() => buildTyposquatIndex([{ name: 'Not A Name', downloads: 1 }]), TypeError);
  assert.throws(() => buildTyposquatIndex([{ name: 'x', downloads: -1 }]), TypeError);
  assert.throws(() => buildTyposquatIndex([{ name: 'x', downloads: Number.NaN }]), TypeError);
  assert.throws(() => buildTyposquatIndex({} as PopularEntry[]), TypeError);
  const dup = buildTyposquatIndex([
    { name: 'react', downloads: 1 },
    { name: 'react', downloads: 7 },
  ]);
  assert.equal(dup.size, 1);
  assert.equal(dup.downloadsOf('react'), 7);
  assert.equal(dup.downloadsOf('vue'), undefined);
});

// Real typo-squats: the MAL records of the OSV corpus that imitate a popular name, with the
// name each imitates (the records say "malicious code in X"; the target is ours to state).
const CORPUS_DIR = new URL('../../../../shared/corpus/osv/npm/', import.meta.url);
const REAL_SQUATS: Record<string, readonly string[]> = {
  colorss: ['colors'],
  debuug: ['debug'],
  jquerry: ['jquery'],
  r2act: ['react'],
  typescript3: ['typescript'],
  webb3: ['web3'],
  // Either the library or its React wrapper (whose name it copies minus `react-`).
  'chartjs-2': ['chart.js', 'react-chartjs-2'],
};
// Malicious too, but not by imitating a name: dependency-confusion probes of private scopes,
// invented names, and legitimate packages hijacked in place (the list already holds those).
const NOT_NAME_IMITATIONS = [
  '@m365-admin/nav',
  '@personio-internal/split-sdk-provider',
  '@arkadium/eagle-user-client',
  '@portal-packages/core',
  'mintel-tokens',
  'kraken-prices',
  'discord-spammer-webhooks',
  'evilcalendar',
  'hw-transition-animation',
  'eslint-plugin-indeed',
  '0x2ai-demo1',
  'elliptic-parser',
  'chalk',
  'debug',
  'ansi-regex',
  '@ctrl/tinycolor',
  '@solana/web3.js',
  'eslint-config-prettier',
];

function corpusMalwareNames(): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(CORPUS_DIR)) {
    if (!file.startsWith('MAL-')) continue;
    const record = JSON.parse(readFileSync(new URL(file, CORPUS_DIR), 'utf8')) as {
      affected?: { package?: { ecosystem?: string; name?: string } }[];
    };
    for (const a of record.affected ?? []) {
      if (a.package?.ecosystem === 'npm' && a.package.name) names.add(a.package.name);
    }
  }
  return names;
}

test('real_typosquats_from_the_osv_corpus_are_detected_with_their_target', () => {
  const malware = corpusMalwareNames();
  const popular = loadPopularIndex();
  for (const [name, targets] of Object.entries(REAL_SQUATS)) {
    assert.ok(malware.has(name), `${name} is a MAL record of the corpus`);
    const match = popular.check(name);
    assert.ok(match, `${name} should be detected`);
    assert.ok(targets.includes(match.target), `${name} imitates ${match.target}?`);
    assert.ok(popular.downloadsOf(match.target)! > 0);
  }
});

test('corpus_malware_that_imitates_no_name_is_not_called_a_typosquat', () => {
  const malware = corpusMalwareNames();
  const popular = loadPopularIndex();
  for (const name of NOT_NAME_IMITATIONS) {
    assert.ok(malware.has(name), `${name} is a MAL record of the corpus`);
    assert.equal(popular.check(name), undefined, `${name}: ${JSON.stringify(popular.check(name))}`);
  }
});

test('historical_squats_are_detected_against_the_shipped_list', () => {
  // The 2017 crossenv campaign and other squats removed from the registry (public reports).
  const cases: Record<string, string> = {
    crossenv: 'cross-env',
    'cross-env.js': 'cross-env',
    'http-proxy.js': 'http-proxy',
    'jquery.js': 'jquery',
    mongose: 'mongoose',
    'nodemailer-js': 'nodemailer',
    nodesass: 'node-sass',
    noderequest: 'request',
    'd3.js': 'd3',
    electorn: 'electron',
    loadsh: 'lodash',
  };
  const popular = loadPopularIndex();
  for (const [name, target] of Object.entries(cases)) {
    assert.equal(popular.check(name)?.target, target, name);
  }
});
