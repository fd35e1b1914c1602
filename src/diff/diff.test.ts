// The diff: base and head reports are built from the scan fixtures by editing copies (a
// package upgraded, one added with a malware alert, one removed, capabilities and publisher
// changed), then the changes, the new-alert identity rule (both ways), the exit codes, the
// Markdown size bound and escaping are asserted. One case is snapshotted in testdata/
// (regenerate with UPDATE_SNAPSHOTS=1 and review the diff).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticReport } from '../report/testing.js';
import type { ReportAlert, ReportPackage, ScanReport } from '../report/types.js';
import { diffPackages, diffReports, renderDiffMarkdown, renderDiffTerminal } from './index.js';
import { matchSnapshot as match, reportFixture } from '../render/testing.js';

const LABELS = { base: 'origin/main', head: 'HEAD' };

const fixture = reportFixture;

const matchSnapshot = (name: string, actual: string): void =>
  match(new URL('./testdata/', import.meta.url), name, actual);

function pkgOf(r: ScanReport, name: string): ReportPackage {
  const p = r.packages.find((x) => x.name === name);
  assert.ok(p, `${name} in the report`);
  return p;
}

/** Moves a package to another version: id, purl, via and its alerts follow. */
function setVersion(
  r: ScanReport,
  name: string,
  version: string,
  patch: Partial<ReportPackage> = {},
): void {
  const p = pkgOf(r, name);
  const oldId = p.id;
  const oldSpec = `${name}@${p.version}`;
  Object.assign(p, patch, {
    version,
    id: `${p.source}:${name}@${version}`,
    purl: `pkg:npm/${name}@${version}`,
  });
  for (const q of r.packages) q.via = q.via.map((v) => (v === oldSpec ? `${name}@${version}` : v));
  for (const a of r.alerts) if (a.package === oldId) a.package = p.id;
}

function removePackage(r: ScanReport, name: string): void {
  const p = pkgOf(r, name);
  r.packages = r.packages.filter((x) => x !== p);
  r.alerts = r.alerts.filter((a) => a.package !== p.id);
  r.failures = r.failures.filter((f) => f.package !== p.id);
}

function addAlert(r: ScanReport, name: string, alert: Partial<ReportAlert>): ReportAlert {
  const p = pkgOf(r, name);
  const a: ReportAlert = {
    key: `k${r.alerts.length}${name}`,
    type: 'networkAccess',
    title: 'Network access',
    category: 'supplyChainRisk',
    severity: 'middle',
    confidence: 0.8,
    package: p.id,
    message: `${name} opens network connections`,
    evidence: [{ file: 'lib/net.js', line: 4 }],
    action: 'warn',
    actionSource: 'default',
    blocking: false,
    fix: { type: 'review', description: 'Check where it connects.' },
    docs: 'alerts/networkAccess.md',
    ...alert,
  };
  r.alerts.push(a);
  p.alerts.push(a.key);
  return a;
}

function makeComplete(r: ScanReport): ScanReport {
  r.failures = [];
  r.verdict.complete = true;
  return r;
}

/**
 * Base: the blocking fixture without evil-helper, express already using the network.
 * Head: express upgraded (gains shell, loses filesystem, new publisher, same network alert),
 * qs upgraded with a *different* advisory, evil-helper added (malware), left-pad removed.
 */
function mainCase(): { base: ScanReport; head: ScanReport } {
  const base = fixture('blocking');
  removePackage(base, 'evil-helper');
  addAlert(base, 'express', {});

  const head = fixture('blocking');
  head.generatedAt = '2026-11-29T08:00:00.000Z';
  head.snapshot.id = 'b'.repeat(64);
  const express = pkgOf(head, 'express');
  setVersion(head, 'express', '4.22.0', {
    capabilities: ['network', 'shell'],
    publisher: 'mallory',
    integrity: 'sha512-BBBB',
    scores: { ...express.scores!, overall: 75 },
  });
  addAlert(head, 'express', {});
  setVersion(head, 'qs', '6.5.3');
  const cve = head.alerts.find((a) => a.type === 'cve')!;
  delete cve.accepted;
  Object.assign(cve, {
    action: 'warn',
    actionSource: 'default',
    message: 'GHSA-new1-new2-new3: qs denial of service',
    props: { ghsaId: 'GHSA-new1-new2-new3', cveId: 'CVE-2026-0001' },
  });
  removePackage(head, 'left-pad');
  return { base, head };
}

test('changes list added, upgraded and removed packages with capability and publisher changes', () => {
  const { base, head } = mainCase();
  const diff = diffReports(base, head, LABELS);
  assert.deepEqual(
    diff.changes.map((c) => [c.kind, c.name, c.from?.version, c.to?.version]),
    [
      ['added', 'evil-helper', undefined, '1.0.1'],
      ['upgraded', 'express', '4.21.2', '4.22.0'],
      ['upgraded', 'qs', '6.5.2', '6.5.3'],
      ['removed', 'left-pad', '1.3.0', undefined],
    ],
  );
  const express = diff.changes.find((c) => c.name === 'express')!;
  assert.deepEqual(express.capabilitiesAdded, ['shell']);
  assert.deepEqual(express.capabilitiesRemoved, ['filesystem']);
  assert.deepEqual(express.publisherChanged, { from: 'alice', to: 'mallory' });
  assert.equal(express.from?.scores?.overall, 88);
  assert.equal(express.to?.scores?.overall, 75);
  assert.equal(express.direct, true);
  const added = diff.changes.find((c) => c.kind === 'added')!;
  assert.deepEqual(added.capabilitiesAdded, [...pkgOf(head, 'evil-helper').capabilities].sort());
  const removed = diff.changes.find((c) => c.kind === 'removed')!;
  assert.equal(removed.direct, false);
  assert.equal(diff.generatedAt, head.generatedAt);
  assert.equal(diff.base.label, 'origin/main');
  assert.equal(diff.head.snapshotId, head.snapshot.id);
  // Unchanged packages (lodahs, ghost) are not listed.
  assert.equal(diff.changes.filter((c) => c.name === 'lodahs' || c.name === 'ghost').length, 0);
});

test('new alerts: an upgrade keeping an alert type is not new, a new advisory id is', () => {
  const { base, head } = mainCase();
  const diff = diffReports(base, head, LABELS);
  assert.deepEqual(
    diff.newAlerts.map((a) => [a.type, a.package]),
    [
      ['malware', 'registry:evil-helper@1.0.1'],
      ['installScripts', 'registry:evil-helper@1.0.1'],
      ['cve', 'registry:qs@6.5.3'],
    ],
  );
  // express@4.22.0's networkAccess alert exists in base on express@4.21.2: not new.
  assert.ok(head.alerts.some((a) => a.type === 'networkAccess'));
  assert.ok(!diff.newAlerts.some((a) => a.type === 'networkAccess'));
  assert.equal(diff.newBlocking, 1);
  assert.deepEqual(
    diff.alertPackages.map((p) => p.id),
    ['registry:evil-helper@1.0.1', 'registry:qs@6.5.3'],
  );
  assert.deepEqual(
    diff.resolved.map((r) => [r.type, r.name, r.version]),
    [
      ['cve', 'qs', '6.5.2'],
      ['unmaintained', 'left-pad', '1.3.0'],
    ],
  );
  assert.equal(diff.resolvedAlerts, 2);
});

test('new alerts: the same advisory on an upgraded package is not new', () => {
  const base = fixture('blocking');
  const head = fixture('blocking');
  setVersion(head, 'qs', '6.5.4');
  const diff = diffReports(base, head, LABELS);
  assert.equal(diff.changes.length, 1);
  assert.deepEqual(diff.newAlerts, []);
  assert.equal(diff.resolvedAlerts, 0);
  // The advisory id is what makes it the same: another id on the same type is new.
  head.alerts.find((a) => a.type === 'cve')!.props = { id: 'OSV-2026-1' };
  assert.deepEqual(
    diffReports(base, head, LABELS).newAlerts.map((a) => a.type),
    ['cve'],
  );
});

test('new alerts: a new alert type on an unchanged package is new', () => {
  const base = makeComplete(fixture('healthy'));
  const head = makeComplete(fixture('healthy'));
  addAlert(head, 'express', { type: 'shellAccess', action: 'error', blocking: true });
  const diff = diffReports(base, head, LABELS);
  assert.deepEqual(diff.changes, []);
  assert.deepEqual(
    diff.newAlerts.map((a) => a.type),
    ['shellAccess'],
  );
  assert.equal(diff.verdict.exitCode, 1);
});

test('exit codes come from new blocking alerts, then head completeness', () => {
  const { base, head } = mainCase();
  const blocked = diffReports(base, head, LABELS);
  assert.deepEqual(blocked.verdict, { healthy: false, complete: false, exitCode: 1 });

  // The same blocking tree on both sides: nothing new blocks; head is incomplete.
  const same = diffReports(fixture('blocking'), fixture('blocking'), LABELS);
  assert.equal(same.newBlocking, 0);
  assert.deepEqual(same.verdict, { healthy: true, complete: false, exitCode: 2 });
  assert.equal(same.failures.length, 1);
  assert.ok(same.warnings[0]!.includes('origin/main'), 'incomplete base is warned about');

  const clean = diffReports(
    makeComplete(fixture('blocking')),
    makeComplete(fixture('blocking')),
    LABELS,
  );
  assert.deepEqual(clean.verdict, { healthy: true, complete: true, exitCode: 0 });

  const headWithoutMalware = mainCase().head;
  removePackage(headWithoutMalware, 'evil-helper');
  assert.equal(diffReports(base, headWithoutMalware, LABELS).verdict.exitCode, 2);
  assert.equal(diffReports(base, makeComplete(headWithoutMalware), LABELS).verdict.exitCode, 0);
});

function pkg(name: string, version: string, patch: Partial<ReportPackage> = {}): ReportPackage {
  const source = patch.source ?? 'registry';
  return {
    id: `${source}:${name}@${version}`,
    name,
    version,
    purl: `pkg:npm/${name}@${version}`,
    source,
    direct: false,
    dev: false,
    optional: false,
    locations: [],
    via: [],
    capabilities: [],
    status: 'analysed',
    alerts: [],
    ...patch,
  };
}

const summary = (changes: ReturnType<typeof diffPackages>) =>
  changes.map((c) => `${c.kind} ${c.name} ${c.from?.version ?? ''}>${c.to?.version ?? ''}`);

test('versions of one name pair by exact version first, then closest', () => {
  assert.deepEqual(
    summary(
      diffPackages(
        [pkg('foo', '1.0.0'), pkg('foo', '2.0.0')],
        [pkg('foo', '2.1.0'), pkg('foo', '1.0.0')],
      ),
    ),
    ['upgraded foo 2.0.0>2.1.0'],
  );
  // Closest, whatever the input order: 1.0.0 pairs with 1.2.0, 2.0.0 with 2.1.0.
  assert.deepEqual(
    summary(
      diffPackages(
        [pkg('foo', '2.0.0'), pkg('foo', '1.0.0')],
        [pkg('foo', '2.1.0'), pkg('foo', '1.2.0')],
      ),
    ),
    ['upgraded foo 1.0.0>1.2.0', 'upgraded foo 2.0.0>2.1.0'],
  );
  // A major difference outweighs a minor one; the extra head version is added.
  assert.deepEqual(
    summary(diffPackages([pkg('foo', '1.2.0')], [pkg('foo', '2.2.0'), pkg('foo', '1.9.0')])),
    ['added foo >2.2.0', 'upgraded foo 1.2.0>1.9.0'],
  );
});

test('downgrades, integrity and source changes, and unordered versions', () => {
  assert.deepEqual(summary(diffPackages([pkg('a', '2.0.0')], [pkg('a', '1.5.0')])), [
    'downgraded a 2.0.0>1.5.0',
  ]);
  assert.deepEqual(
    summary(
      diffPackages(
        [pkg('a', '1.0.0', { integrity: 'sha512-x' })],
        [pkg('a', '1.0.0', { integrity: 'sha512-y' })],
      ),
    ),
    ['changed a 1.0.0>1.0.0'],
  );
  // One side without integrity (lockfile formats differ): not a change.
  assert.deepEqual(
    diffPackages([pkg('a', '1.0.0', { integrity: 'sha512-x' })], [pkg('a', '1.0.0')]),
    [],
  );
  assert.deepEqual(
    summary(diffPackages([pkg('a', '1.0.0')], [pkg('a', '1.0.0', { source: 'git' })])),
    ['changed a 1.0.0>1.0.0'],
  );
  assert.deepEqual(summary(diffPackages([pkg('g', 'abc123')], [pkg('g', 'def456')])), [
    'changed g abc123>def456',
  ]);
  // Kind order, then name.
  assert.deepEqual(
    diffPackages(
      [pkg('z', '1.0.0'), pkg('b', '2.0.0'), pkg('c', '1.0.0', { integrity: 'sha512-1' })],
      [pkg('b', '1.0.0'), pkg('y', '1.0.0'), pkg('c', '1.0.0', { integrity: 'sha512-2' })],
    ).map((c) => c.kind),
    ['added', 'downgraded', 'changed', 'removed'],
  );
});

test('the Markdown and terminal outputs match the snapshots', () => {
  const { base, head } = mainCase();
  const diff = diffReports(base, head, LABELS);
  const md = renderDiffMarkdown(diff);
  matchSnapshot('diff-main.md', md);
  matchSnapshot('diff-main.txt', renderDiffTerminal(diff, { color: false }));
  assert.match(md, /^## ⛔ depwarden diff: BLOCKED: 1 new blocking alert/);
  assert.ok(md.includes('| express | 4.21.2 → 4.22.0 | yes | **+shell**, −filesystem, network |'));
  assert.ok(md.includes('⚠️ **alice → mallory**'));
  assert.ok(md.includes('| 88 → 75 |'));
  // Introduced by = via[0]; Manifest file = locations[0].
  assert.ok(md.includes('| qs@6.5.3 | express@4.22.0 | package-lock.json:1405 | **Warn** |'));
  assert.equal((md.match(/<details>/g) ?? []).length, 3);
  assert.ok(md.includes('alerts: [malware]'));
  assert.ok(!md.includes('Comment shortened'));
});

test('terminal output has escape bytes only with colour', () => {
  const { base, head } = mainCase();
  const diff = diffReports(base, head, LABELS);
  const plain = renderDiffTerminal(diff, { color: false });
  assert.ok(!plain.includes('\x1b'));
  assert.match(plain, /^BLOCKED: 1 NEW BLOCKING ALERT/);
  assert.ok(plain.includes('↑ express 4.21.2 → 4.22.0'));
  assert.ok(renderDiffTerminal(diff, { color: true }).includes('\x1b[1m'));
});

test('a large diff stays under maxChars and says what it left out', () => {
  const base = makeComplete(fixture('healthy'));
  const head = syntheticReport(3000);
  // The synthetic report's alerts do not block; make every third one block.
  head.alerts.forEach((a, i) => {
    if (i % 3 === 0) Object.assign(a, { action: 'error', blocking: true });
  });
  const diff = diffReports(base, head, LABELS);
  assert.ok(diff.changes.length > 2900);
  for (const maxChars of [65_000, 8_000]) {
    const md = renderDiffMarkdown(diff, { maxChars });
    assert.ok(md.length <= maxChars, `${md.length} <= ${maxChars}`);
    assert.match(
      md,
      /\*\*Comment shortened\*\* to stay under \d+ characters: the dependency overview lists \d+ of \d+ changes/,
    );
    // Alert rows come before dependency rows: the first blocking alert always gets its row.
    const first = diff.newAlerts[0]!;
    assert.equal(first.blocking, true);
    const label = first.package.replace(/^[a-z]+:/, '').replace(/^@/, '@&#8203;');
    assert.ok(md.includes(`| ${label} |`), `row for ${label}`);
  }
  assert.ok(renderDiffMarkdown(diff, { maxChars: 100 }).length <= 2_000, 'floor is 2,000');
});

test('hostile package strings are escaped in Markdown and terminal', () => {
  const base = makeComplete(fixture('healthy'));
  const head = fixture('hostile');
  const hostileName = '@everyone|`<b>&x\n**y**';
  head.packages.push(
    pkg(hostileName, '1.0.0\u202e<i>', {
      publisher: '@org/team <img src=x onerror=alert(1)>',
      capabilities: ['net|work', '<script>'],
    }),
  );
  const labels = { base: 'main\x1b[2J', head: '@here <b>' };
  const diff = diffReports(base, head, labels);
  const md = renderDiffMarkdown(diff);
  for (const bad of ['<script', '<img', '<b>', '<i>', '<i ', '\u202e', '\x1b', '\n**y**'])
    assert.ok(!md.includes(bad), `markdown holds ${JSON.stringify(bad)}`);
  // Code blocks (the socket.yml snippet) render no mentions, so only prose is checked.
  const prose = md.replace(/```yaml\n[^`]*```/g, '');
  assert.ok(!/(^|[^\w;])@(everyone|here|org)/.test(prose), 'no live mention');
  // Every table row keeps its column count: package pipes are escaped.
  for (const line of md
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| Package'))) {
    const pipes = line.replace(/\\\|/g, '').split('|').length - 1;
    assert.ok(pipes === 7 || pipes === 6, `row keeps its columns: ${line}`);
  }
  const term = renderDiffTerminal(diff, { color: false });
  assert.ok(!term.includes('\x1b'));
  assert.ok(!term.includes('\u202e'));
  assert.ok(term.includes('\\u{1b}'), 'escape shown, not sent');
});
