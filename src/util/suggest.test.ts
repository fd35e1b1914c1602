// Suggestions: the distance, the threshold max(2, len/4), case-insensitivity, ties.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { KNOWN_ALERT_TYPES } from '../alerts/index.js';
import { boundedDistance, closestMatch, suggestionThreshold } from './suggest.js';

void test('optimal-string-alignment distance', () => {
  const cases: [string, string, number][] = [
    ['', '', 0],
    ['abc', 'abc', 0],
    ['abc', 'acb', 1], // one transposition
    ['instalscripts', 'installscripts', 1],
    ['kitten', 'sitting', 3],
    ['ca', 'abc', 3], // OSA, not unrestricted Damerau (which gives 2)
  ];
  for (const [a, b, d] of cases) assert.equal(boundedDistance(a, b, 10), d, `${a} / ${b}`);
  assert.equal(boundedDistance('kitten', 'sitting', 2), undefined);
});

void test('threshold is max(2, floor(len/4))', () => {
  assert.equal(suggestionThreshold('abc'), 2);
  assert.equal(suggestionThreshold('a'.repeat(12)), 3);
  assert.equal(suggestionThreshold('a'.repeat(20)), 5);
});

void test('closest known alert type, case-insensitively, only within the threshold', () => {
  const cases: [string, string | undefined][] = [
    ['instalScripts', 'installScripts'],
    ['INSTALLSCRIPTS', 'installScripts'],
    ['networkAcess', 'networkAccess'],
    ['didyoumean', 'didYouMean'],
    ['criticalCve', 'criticalCVE'],
    ['malwear', 'malware'],
    ['foo', undefined],
    ['completelyMadeUpThing', undefined],
  ];
  for (const [input, expected] of cases)
    assert.equal(closestMatch(input, KNOWN_ALERT_TYPES), expected, input);
});

void test('ties go to the candidate that sorts first, whatever the order given', () => {
  assert.equal(closestMatch('ab', ['ac', 'aa']), 'aa');
  assert.equal(closestMatch('ab', ['aa', 'ac']), 'aa');
});
