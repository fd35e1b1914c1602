// The building blocks: name forms, the bounded distance against a plain reference
// implementation, and the deletion index against brute force.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { DeletionIndexBuilder } from './deletions.js';
import { boundedOsaDistance, classifySingleEdit } from './distance.js';
import {
  affixReadings,
  isPackageName,
  lowerForm,
  seplessForm,
  skeletonForm,
  splitName,
  wordKey,
} from './names.js';

test('name_forms_erase_what_each_technique_changes', () => {
  assert.equal(seplessForm('lodash.merge'), 'lodashmerge');
  assert.equal(seplessForm('lodash_-merge'), 'lodashmerge');
  assert.equal(skeletonForm('rnoment'), skeletonForm('moment'));
  assert.equal(skeletonForm('vvebpack'), skeletonForm('webpack'));
  assert.equal(skeletonForm('1odash'), skeletonForm('lodash'));
  assert.equal(skeletonForm('IODASH'), skeletonForm('lodash'));
  assert.equal(skeletonForm('c0l0rs'), skeletonForm('colors'));
  assert.equal(skeletonForm('clebug'), skeletonForm('debug'));
  // A small i is not an l.
  assert.notEqual(skeletonForm('iodash'), skeletonForm('lodash'));
  assert.equal(lowerForm('JSONStream'), 'jsonstream');
  assert.equal(wordKey('parser-body'), wordKey('body_parser'));
  assert.equal(wordKey('lodash'), undefined);
  assert.deepEqual(splitName('@Types/Node'), { scope: 'types', bare: 'node' });
  assert.deepEqual(splitName('left-pad'), { scope: undefined, bare: 'left-pad' });
});

test('affix_readings_find_the_decorated_core', () => {
  const cores = (name: string): string[] => affixReadings(name).map((r) => r.core);
  assert.ok(cores('node-lodash').includes('lodash'));
  assert.ok(cores('lodash-js').includes('lodash'));
  assert.ok(cores('lodashjs').includes('lodash'));
  assert.ok(cores('nodejs-lodash-js').includes('lodash'));
  assert.ok(cores('typescript3').includes('typescript'));
  assert.ok(cores('chartjs-2').includes('chartjs'));
  assert.deepEqual(cores('lodash'), []);
  assert.deepEqual(cores('es2015'), []);
  const glued = affixReadings('lodashjs').find((r) => r.core === 'lodash');
  assert.equal(glued?.glued, true);
  const version = affixReadings('typescript3').find((r) => r.core === 'typescript');
  assert.equal(version?.version, true);
});

test('package_name_validation', () => {
  for (const ok of ['a', 'left-pad', '@scope/name', 'JSONStream', 'lodash.merge', '~x'])
    assert.ok(isPackageName(ok), ok);
  for (const bad of [
    '',
    ' a',
    'a/b',
    '@scope',
    '@/x',
    '../x',
    'a..b',
    'x'.repeat(215),
    'ré',
    5,
    null,
  ])
    assert.ok(!isPackageName(bad), String(bad));
});

/** Textbook optimal-string-alignment distance, full matrix. */
function referenceOsa(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

function seeded(seed: number): () => number {
  let x = seed;
  return () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x / 2 ** 32;
  };
}

function randomWord(random: () => number, alphabet: string, max: number): string {
  const n = Math.floor(random() * max);
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(random() * alphabet.length)];
  return s;
}

test('bounded_distance_agrees_with_the_reference', () => {
  const random = seeded(7);
  for (let k = 0; k < 3000; k++) {
    const a = randomWord(random, 'abc-', 9);
    const b = random() < 0.5 ? randomWord(random, 'abc-', 9) : a.slice(1) + 'a';
    const exact = referenceOsa(a, b);
    for (const max of [0, 1, 2, 3]) {
      const got = boundedOsaDistance(a, b, max);
      assert.equal(got, exact <= max ? exact : undefined, `${a} ${b} max ${max}`);
    }
  }
  assert.equal(boundedOsaDistance('a'.repeat(300), 'a'.repeat(300), 2), 0);
  assert.equal(boundedOsaDistance('a'.repeat(300), 'a'.repeat(299) + 'b', 2), undefined);
});

test('single_edits_are_named', () => {
  assert.equal(classifySingleEdit('raect', 'react'), 'transposition');
  assert.equal(classifySingleEdit('debuug', 'debug'), 'doubled-letter');
  assert.equal(classifySingleEdit('expres', 'express'), 'dropped-letter');
  assert.equal(classifySingleEdit('reacts', 'react'), 'plural');
  assert.equal(classifySingleEdit('color', 'colors'), 'plural');
  assert.equal(classifySingleEdit('typescript3', 'typescript'), 'version-suffix');
  assert.equal(classifySingleEdit('vue3', 'vue2'), 'digit-change');
  assert.equal(classifySingleEdit('r2act', 'react'), 'substitution');
  assert.equal(classifySingleEdit('reaxct', 'react'), 'insertion');
});

test('deletion_index_finds_every_close_pair', () => {
  // Brute force on random words from a small alphabet (so close pairs are common), with the
  // index's contract: distance 1 anywhere, distance 2 inside one word of 10+ characters.
  const random = seeded(11);
  const stored: string[] = [];
  for (let i = 0; i < 300; i++) {
    const w = randomWord(random, 'abcd', 14);
    stored.push(random() < 0.3 ? `${w.slice(0, 3)}-${w.slice(3)}` : w);
  }
  const builder = new DeletionIndexBuilder();
  stored.forEach((s, id) => builder.add(s, id, 10));
  const index = builder.build();
  for (let q = 0; q < 300; q++) {
    const query = randomWord(random, 'abcd', 14);
    const found = new Set<number>();
    index.lookup(query, 8, (id) => found.add(id));
    stored.forEach((s, id) => {
      const d = boundedOsaDistance(query, s, 2);
      const sameWords = query.split('-').length === s.split('-').length;
      const oneLongWord = !s.includes('-') && !query.includes('-') && s.length >= 10;
      if (d === 1 || d === 0 || (d === 2 && sameWords && oneLongWord))
        assert.ok(found.has(id), `${query} should find ${s} (distance ${d})`);
    });
  }
});
