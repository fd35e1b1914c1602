// The shared view layer of the human report formats: the decisions the three renderers rely
// on (verdict wording, ordering, how a package is reached, the acceptedRisks snippet).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ReportPackage, ScanReport } from '../report/types.js';
import {
  acceptRiskYaml,
  alertView,
  alertsByImportance,
  groupAlerts,
  indexPackages,
  packageLabel,
  reachText,
  severityName,
  verdictOf,
  viaText,
} from './report-text.js';

function fixture(name: string): ScanReport {
  return JSON.parse(
    readFileSync(new URL(`../report/testdata/${name}.json`, import.meta.url), 'utf8'),
  ) as ScanReport;
}

test('verdict wording', () => {
  assert.deepEqual(verdictOf(fixture('healthy')), { state: 'healthy', headline: 'HEALTHY' });
  assert.deepEqual(verdictOf(fixture('blocking')), {
    state: 'blocked',
    headline: 'BLOCKED: 1 blocking alert',
    also: 'INCOMPLETE: 1 package not analysed',
  });
  const noPackage = fixture('blocking');
  noPackage.verdict = { healthy: true, complete: false, exitCode: 2, blocking: 0 };
  noPackage.summary.failed = 0;
  assert.equal(verdictOf(noPackage).headline, 'INCOMPLETE: 1 failure during the scan');
  assert.equal(severityName('middle'), 'medium');
});

test('alerts by importance: blocking first even when the input is not sorted', () => {
  const report = fixture('blocking');
  report.alerts.reverse();
  const ordered = alertsByImportance(report).map((a) => a.type);
  assert.deepEqual(ordered, ['malware', 'didYouMean', 'installScripts', 'cve', 'unmaintained']);
  const index = indexPackages(report);
  const groups = groupAlerts(
    alertsByImportance(report).map((a) => alertView(index, a, 3)),
    false,
  );
  assert.deepEqual(
    groups.map((g) => [g.action, g.severities.map((s) => s.severity)]),
    [
      ['error', ['critical']],
      ['warn', ['critical', 'high']],
      ['monitor', ['high']],
    ],
  );
});

test('how a package is reached', () => {
  const pkg = (over: Partial<ReportPackage>): ReportPackage => ({
    ...(fixture('blocking').packages[1] as ReportPackage),
    ...over,
  });
  assert.equal(reachText(pkg({})), 'express@4.21.2 › body-parser@1.20.3 › qs@6.5.2');
  assert.equal(reachText(pkg({ direct: true, via: [], dev: true })), 'direct, dev');
  assert.equal(reachText(pkg({ optional: true })).endsWith(', optional'), true);
  assert.equal(reachText(undefined), 'not in the dependency graph');
  const long = Array.from({ length: 20 }, (_, i) => `p${i}@1.0.0`);
  assert.equal(
    viaText(long),
    'p0@1.0.0 › p1@1.0.0 › p2@1.0.0 › … › p17@1.0.0 › p18@1.0.0 › p19@1.0.0',
  );
  assert.equal(viaText(['a\u202eb@1']), 'a\\u{202e}b@1');
});

test('package labels: unknown and hostile ids are plain text', () => {
  const index = indexPackages(fixture('blocking'));
  assert.equal(packageLabel(index, 'registry:qs@6.5.2'), 'qs@6.5.2');
  assert.equal(packageLabel(index, 'registry:gone@1.0.0'), 'gone@1.0.0');
  assert.equal(packageLabel(index, '__proto__'), '__proto__');
});

test('the acceptedRisks snippet uses the socket.yml keys and quotes what YAML would misread', () => {
  const report = fixture('blocking');
  const index = indexPackages(report);
  const view = alertView(index, report.alerts[0] ?? assert.fail(), 3);
  assert.equal(
    acceptRiskYaml(view, report.generatedAt),
    [
      'acceptedRisks:',
      '  - package: evil-helper@1.0.1',
      '    alerts: [malware]',
      '    reason: "TODO: say why this risk is acceptable"',
      '    expires: 2027-02-26',
    ].join('\n'),
  );
  const scoped = { ...view, package: { ...(view.package as ReportPackage), name: '@scope/x' } };
  assert.match(acceptRiskYaml(scoped, report.generatedAt), /- package: "@scope\/x@1\.0\.1"/);
  assert.match(acceptRiskYaml(view, 'not a date'), /expires: YYYY-MM-DD/);
});
