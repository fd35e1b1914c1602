/**
 * Alerts from real matches: alert type follows the CVSS score (v3 first) or, without a
 * vector, the record's own label; malware records become one critical `malware` alert with
 * `basis: 'known'`; props carry what a reader needs to act (ids, score, first fix, link).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { advisoryAlerts, advisorySeverity, CVE_ALERT_TYPES } from './alerts.js';
import { importOsvZip, openAdvisoryDb, type AdvisoryDb } from './store.js';
import { OSV_CORPUS_ZIP } from './testing.js';
import type { Advisory } from './types.js';

let dir: string;
let db: AdvisoryDb;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'depwarden-adv-alerts-'));
  await importOsvZip(OSV_CORPUS_ZIP, { dataDir: dir });
  db = await openAdvisoryDb(dir);
});

after(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

function only(name: string, version: string, id: string): Advisory {
  const found = db.match(name, version).find((a) => a.id === id);
  assert.ok(found, `${id} matches ${name}@${version}`);
  return found;
}

test('severity_from_cvss_v3_before_v4_and_label', () => {
  // GHSA-qw6h-vgh9-j6wx carries v3 5.0 (MODERATE) and v4 2.3; its label is MODERATE.
  const express = advisorySeverity(only('express', '4.19.2', 'GHSA-qw6h-vgh9-j6wx'));
  assert.deepEqual(
    [express.severity, express.from, express.cvss?.version, express.cvss?.score],
    ['middle', 'cvss', '3.1', 5],
  );
  // GHSA-4gmj-3p3h-gm8h (es5-ext): no vector, label LOW.
  assert.deepEqual(advisorySeverity(only('es5-ext', '0.10.62', 'GHSA-4gmj-3p3h-gm8h')), {
    severity: 'low',
    from: 'label',
  });
  // GHSA-78xj-cgh5-2h22 (ip): no vector, label HIGH.
  assert.deepEqual(advisorySeverity(only('ip', '1.1.8', 'GHSA-78xj-cgh5-2h22')), {
    severity: 'high',
    from: 'label',
  });
  // GHSA-cqmj-92xf-r6r9: an empty CVSS_V3 score, label HIGH.
  assert.deepEqual(advisorySeverity(only('socket.io-parser', '4.2.2', 'GHSA-cqmj-92xf-r6r9')), {
    severity: 'high',
    from: 'label',
  });
  // GHSA-76p3-8jx3-jpfq (loader-utils): CVSS 9.8, label CRITICAL.
  const loader = advisorySeverity(only('loader-utils', '2.0.2', 'GHSA-76p3-8jx3-jpfq'));
  assert.equal(loader.severity, 'critical');
});

test('cve_alert_types_and_props', () => {
  const alerts = advisoryAlerts(db.match('lodash', '4.17.20'), 'lodash', '4.17.20');
  const byId = new Map(alerts.map((a) => [a.props?.id, a]));
  // GHSA-35jh-r3h4-6jhm: command injection, CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H = 7.2, fixed 4.17.21.
  const injection = byId.get('GHSA-35jh-r3h4-6jhm');
  assert.ok(injection);
  assert.equal(injection.type, 'cve');
  assert.equal(injection.category, 'vulnerability');
  assert.equal(injection.severity, 'high');
  assert.deepEqual(injection.props?.cvss, {
    score: 7.2,
    vector: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H',
    version: '3.1',
  });
  assert.equal(injection.props?.firstPatchedVersion, '4.17.21');
  assert.equal(injection.props?.cveId, 'CVE-2021-23337');
  assert.deepEqual(injection.props?.aliases, ['CVE-2021-23337']);
  assert.equal(injection.props?.summary, 'Command Injection in lodash');
  assert.equal(injection.props?.url, 'https://github.com/advisories/GHSA-35jh-r3h4-6jhm');
  assert.equal(injection.basis, undefined);
  // GHSA-29mw-wpgm-hmr9: ReDoS, CVSS 5.3: medium.
  assert.equal(byId.get('GHSA-29mw-wpgm-hmr9')?.type, 'mediumCVE');
  // Every alert's type is the one its severity maps to.
  for (const alert of alerts) assert.equal(alert.type, CVE_ALERT_TYPES[alert.severity]);
});

test('low_and_critical_cves', () => {
  // GHSA-w7rc-rwvf-8q5r (node-fetch < 2.6.1): CVSS 2.6, label LOW.
  const low = advisoryAlerts(
    [only('node-fetch', '2.6.0', 'GHSA-w7rc-rwvf-8q5r')],
    'node-fetch',
    '2.6.0',
  );
  assert.deepEqual(
    low.map((a) => [a.type, a.severity]),
    [['mildCVE', 'low']],
  );
  // GHSA-cchq-frgv-rjh5 (vm2 ≤ 3.9.19, last_affected): critical, no fixed version.
  const vm2 = advisoryAlerts([only('vm2', '3.9.19', 'GHSA-cchq-frgv-rjh5')], 'vm2', '3.9.19');
  assert.deepEqual(
    vm2.map((a) => [a.type, a.severity]),
    [['criticalCVE', 'critical']],
  );
  assert.equal(vm2[0]?.props?.firstPatchedVersion, undefined);
  assert.equal(vm2[0]?.props?.vulnerableVersions, '<=3.9.19');
  assert.match(vm2[0]!.message, /no fixed version/);
});

test('malware_records_make_one_known_malware_alert', () => {
  for (const [name, version, ids] of [
    ['ua-parser-js', '0.7.29', ['GHSA-pjwm-rvh2-c87w']],
    ['event-stream', '3.3.6', ['GHSA-mh6f-8j2x-4483']],
    ['flatmap-stream', '0.1.1', ['MAL-2025-20690', 'GHSA-mh6f-8j2x-4483']],
    ['node-ipc', '10.1.1', ['GHSA-97m3-w2cp-4xx6']],
    ['coa', '2.0.3', ['GHSA-73qr-pfmq-6rp8']],
    ['debug', '4.4.2', ['MAL-2025-46974']],
  ] as const) {
    const alerts = advisoryAlerts(db.match(name, version), name, version);
    const malware = alerts.filter((a) => a.type === 'malware');
    assert.equal(malware.length, 1, `${name}@${version}`);
    const [alert] = malware;
    assert.equal(alert!.category, 'supplyChainRisk');
    assert.equal(alert!.severity, 'critical');
    assert.equal(alert!.basis as string, 'known');
    assert.deepEqual(alert!.props?.ids, ids, `${name}@${version}`);
    assert.equal(alert!.props?.id, ids[0]);
    assert.ok(alert!.message.includes(`${name}@${version}`));
  }
  // The clean versions around them raise no malware alert.
  for (const [name, version] of [
    ['ua-parser-js', '0.7.30'],
    ['event-stream', '3.3.5'],
    ['node-ipc', '10.1.3'],
    ['debug', '4.4.1'],
  ]) {
    assert.ok(
      !advisoryAlerts(db.match(name!, version!), name!, version!).some((a) => a.type === 'malware'),
      `${name}@${version}`,
    );
  }
  // ua-parser-js 0.7.29 also has a genuine ReDoS advisory (GHSA-fhg7-m89q-25r3), reported beside.
  const ua = advisoryAlerts(db.match('ua-parser-js', '0.7.29'), 'ua-parser-js', '0.7.29');
  assert.deepEqual(ua.map((a) => a.type).sort(), ['cve', 'malware']);
});

test('uncertain_matches_are_less_confident_and_show_the_bound', () => {
  const [alert] = advisoryAlerts(
    [only('protobufjs', '7.2.5', 'GHSA-h755-8qp9-cq85')],
    'protobufjs',
    '7.2.5',
  );
  assert.equal(alert?.confidence, 0.5);
  assert.deepEqual(alert?.props?.unparsedBounds, ['fixed: 7.2.4, 6.11.4']);
});

test('an_advisory_repeated_under_an_alias_is_reported_once', () => {
  const base = only('lodash', '4.17.20', 'GHSA-35jh-r3h4-6jhm');
  const copy: Advisory = { ...base, id: 'CVE-2021-23337', aliases: ['GHSA-35jh-r3h4-6jhm'] };
  assert.equal(advisoryAlerts([base, copy], 'lodash', '4.17.20').length, 1);
  assert.deepEqual(advisoryAlerts([], 'lodash', '4.17.21'), []);
});
