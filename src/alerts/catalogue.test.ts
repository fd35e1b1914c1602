// The generated catalogue agrees with the type list, the detectors and the docs; a detector
// added or changed without regenerating it (scripts/generate-alert-catalogue.ts) fails here.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { DETECTORS } from '../detectors/index.js';
import { ALERT_CATALOGUE, alertInfo, DEPWARDEN_ALERT_TYPES, KNOWN_ALERT_TYPES } from './index.js';

void test('one entry per known alert type, in the same order', () => {
  assert.deepEqual(
    ALERT_CATALOGUE.map((e) => e.type),
    KNOWN_ALERT_TYPES,
  );
});

void test('detected types carry their detector metadata and a docs page', () => {
  for (const d of DETECTORS) {
    const e = alertInfo(d.meta.id);
    assert.ok(e, d.meta.id);
    assert.equal(e.detected, true, d.meta.id);
    assert.deepEqual(
      [e.title, e.category, e.severity, e.description],
      [d.meta.title, d.meta.category, d.meta.severity, d.meta.description],
      `${d.meta.id}: regenerate src/alerts/catalogue.ts`,
    );
  }
  for (const e of ALERT_CATALOGUE.filter((x) => x.detected))
    assert.ok(
      existsSync(new URL(`../../docs/alerts/${e.type}.md`, import.meta.url)),
      `${e.type}: no docs page`,
    );
  assert.equal(alertInfo('__proto__'), undefined);
});

void test('default actions follow the leading tool, and ours say why', () => {
  assert.equal(alertInfo('malware')?.action, 'error');
  for (const t of ['criticalCVE', 'didYouMean', 'obfuscatedFile', 'gitDependency'])
    assert.equal(alertInfo(t)?.action, 'warn', t);
  for (const t of ['cve', 'deprecated', 'unstableOwnership', 'shrinkwrap'])
    assert.equal(alertInfo(t)?.action, 'monitor', t);
  assert.equal(alertInfo('installScripts')?.action, 'ignore');
  for (const t of DEPWARDEN_ALERT_TYPES)
    assert.ok((alertInfo(t)?.actionReason ?? '').length > 20, `${t}: no reason for its action`);
  for (const e of ALERT_CATALOGUE) assert.ok(e.suggestion.length > 10, e.type);
});
