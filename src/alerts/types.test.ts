// The alert type list: sorted, unique, the 100 catalogue slugs plus depwarden's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { DEPWARDEN_ALERT_TYPES, isKnownAlertType, KNOWN_ALERT_TYPES } from './index.js';

void test('sorted and unique', () => {
  const sorted = [...KNOWN_ALERT_TYPES].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  assert.deepEqual(KNOWN_ALERT_TYPES, sorted);
  assert.equal(new Set(KNOWN_ALERT_TYPES).size, KNOWN_ALERT_TYPES.length);
  assert.equal(KNOWN_ALERT_TYPES.length, 100 + DEPWARDEN_ALERT_TYPES.length);
});

void test('holds the compatibility slugs and our own types', () => {
  for (const t of [
    'malware',
    'didYouMean',
    'installScripts',
    'networkAccess',
    'obfuscatedFile',
    'criticalCVE',
    'notice',
  ]) {
    assert.ok(isKnownAlertType(t), t);
  }
  for (const t of DEPWARDEN_ALERT_TYPES) assert.ok(isKnownAlertType(t), t);
  assert.ok(!isKnownAlertType('InstallScripts'));
  assert.ok(!isKnownAlertType('__proto__'));
});
