// The Markdown (pull-request comment) report: snapshot-tested from the report fixtures
// (regenerate with UPDATE_SNAPSHOTS=1 and review the diff), and its properties asserted
// directly: the size bound with an explicit truncation notice on a generated 3000-alert
// report, and that hostile package text cannot break a table, open an HTML tag or ping anyone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReportAlert, ReportPackage, ScanReport } from '../report/types.js';
import { MARKDOWN_MAX_CHARS, renderMarkdown } from './markdown.js';
import { matchSnapshot as match, reportFixture } from './testing.js';

const fixture = reportFixture;

const matchSnapshot = (name: string, actual: string): void =>
  match(new URL('./testdata/', import.meta.url), name, actual);

/**
 * The blocking fixture grown to `alerts` alerts over `alerts / 3` packages, with long
 * messages and several evidence items each: a large monorepo on a bad day.
 */
function generated(alerts: number): ScanReport {
  const report = fixture('blocking');
  const template = report.alerts[0] as ReportAlert;
  const packages: ReportPackage[] = [];
  const list: ReportAlert[] = [];
  const actions = ['error', 'warn', 'monitor', 'ignore'] as const;
  const severities = ['critical', 'high', 'middle', 'low'] as const;
  for (let i = 0; i < alerts; i++) {
    const p = Math.floor(i / 3);
    const id = `registry:pkg-${p}@1.0.${p % 10}`;
    if (i % 3 === 0)
      packages.push({
        ...(report.packages[0] as ReportPackage),
        id,
        name: `pkg-${p}`,
        version: `1.0.${p % 10}`,
        direct: false,
        via: [`root-${p % 7}@2.0.0`, `mid-${p}@3.0.0`, `pkg-${p}@1.0.${p % 10}`],
        locations: [{ file: 'package-lock.json', line: 100 + p }],
        alerts: [],
      });
    const action = actions[i % 4] ?? 'warn';
    list.push({
      ...template,
      key: `k${String(i).padStart(15, '0')}`,
      package: id,
      action,
      blocking: action === 'error',
      severity: severities[i % 4] ?? 'low',
      message: `finding number ${i}: ${'the code does something suspicious '.repeat(4)}`,
      evidence: Array.from({ length: 5 }, (_, j) => ({
        file: `lib/deep/path/file${j}.js`,
        line: j + 1,
        column: 1,
        snippet: `const x${j} = require('child_process').exec(process.env.SECRET_${j});`,
      })),
    });
  }
  report.packages = [...report.packages, ...packages];
  report.alerts = list;
  report.summary.alerts = list.length;
  return report;
}

test('markdown output matches the snapshots', () => {
  matchSnapshot('markdown-blocking.md', renderMarkdown(fixture('blocking')));
  matchSnapshot('markdown-healthy.md', renderMarkdown(fixture('healthy')));
  matchSnapshot('markdown-hostile.md', renderMarkdown(fixture('hostile')));
});

test('verdict heading, summary table and the table of alerts to act on', () => {
  const out = renderMarkdown(fixture('blocking'));
  assert.match(out, /^## ⛔ depwarden: BLOCKED: 1 blocking alert\n/);
  assert.match(out, /\*\*INCOMPLETE: 1 package not analysed\*\*/);
  assert.match(out, /\| Packages \| 6 packages \(2 direct, 1 dev\) \|/);
  assert.match(out, /\| Alert \| Package \| Introduced by \| Manifest file \| Action \|/);
  const rows = out.split('\n').filter((l) => /^\| (🔴|🟠|🟡|⚪)/.test(l));
  assert.equal(rows.length, 3, 'Block and Warn alerts only');
  assert.match(
    rows[0] ?? '',
    /Known malware \| evil-helper@1\.0\.1 \| .* \| package-lock\.json:640 \| \*\*Block\*\* \|$/,
  );
  assert.match(rows[1] ?? '', /\*\*Warn\*\* \(acceptance expired\)/);
  assert.match(renderMarkdown(fixture('healthy')), /^## ✅ depwarden: HEALTHY\n/);
});

test('"Introduced by" is the direct dependency (via[0])', () => {
  const report = fixture('blocking');
  const qs = report.alerts.find((a) => a.type === 'cve');
  assert.ok(qs);
  qs.action = 'warn';
  const row = renderMarkdown(report)
    .split('\n')
    .find((l) => l.includes('High CVE'));
  assert.match(row ?? '', /\| qs@6\.5\.2 \| express@4\.21\.2 \| package-lock\.json:1405 \|/);
});

test('details per alert with evidence, next steps and the acceptedRisks entry', () => {
  const out = renderMarkdown(fixture('blocking'));
  assert.equal((out.match(/<details>/g) ?? []).length, 4, 'every alert that is not ignored');
  assert.equal((out.match(/<\/details>/g) ?? []).length, 4);
  assert.match(out, /- `scripts\/postinstall\.js:3:1`\n\n<pre>https\.request/);
  assert.match(out, /\*\*What to do:\*\* Remove evil-helper/);
  // The YAML keys are the ones src/config/parse.ts accepts.
  assert.match(
    out,
    /```yaml\nacceptedRisks:\n {2}- package: evil-helper@1\.0\.1\n {4}alerts: \[malware\]\n {4}reason: ".+"\n {4}expires: 2027-02-26\n```/,
  );
  assert.match(out, /✅ accepted until 2027-01-31: not reachable/);
  assert.match(out, /\*\*⚠️ ACCEPTANCE EXPIRED on 2026-10-01/);
});

test('failures, accepted risks, problems, warnings and scores', () => {
  const out = renderMarkdown(fixture('blocking'));
  assert.match(
    out,
    /### Not analysed \(1\)\n\n- fetch failed: ghost@2\.0\.0: the registry answered 404/,
  );
  assert.match(out, /\| socket\.yml:14 \| lodahs@\\\*: didYouMean \| \*\*EXPIRED on 2026-10-01/);
  assert.match(out, /- `socket\.yml:3:1`: warning: unknown key "issueRule"/);
  assert.match(out, /- the advisory database is 1 day old/);
  assert.match(out, /\| overall \| 20 \| evil-helper@1\.0\.1 \(20\) \|/);
  assert.doesNotMatch(out, /not shown/, 'nothing is truncated in a small report');
});

test('3000 alerts: at most 65,000 characters and the truncation is stated', () => {
  const report = generated(3000);
  const out = renderMarkdown(report);
  assert.ok(out.length <= MARKDOWN_MAX_CHARS, `${out.length} characters`);
  assert.ok(out.length > MARKDOWN_MAX_CHARS - 5_000, 'the room is used');
  const notice =
    /\*\*(\d+) alerts not shown\*\* in detail .* The table lists (\d+) of (\d+) alerts to act on\. Run `depwarden scan --format json` for all\./.exec(
      out,
    );
  assert.ok(notice, 'the truncation notice');
  const shownRows = out.split('\n').filter((l) => /^\| (🔴|🟠|🟡|⚪)/.test(l)).length;
  assert.equal(Number(notice[2]), shownRows);
  assert.equal(Number(notice[3]), 1500, 'Block and Warn alerts');
  assert.equal(Number(notice[1]), 2250 - (out.match(/<details>/g) ?? []).length);
  // The sections after the alerts survive.
  assert.match(out, /### Scores/);
  assert.match(out, /### Accepted risks/);
  // Most important first: blocking alerts lead the table.
  const firstRow = out.split('\n').find((l) => l.startsWith('| 🔴'));
  assert.match(firstRow ?? '', /\*\*Block\*\*/);
});

test('detail sections are dropped from the least important end', () => {
  const report = generated(60);
  const full = renderMarkdown(report, { maxChars: 1_000_000 });
  const allSummaries = full.match(/<summary>.*<\/summary>/g) ?? [];
  assert.equal(allSummaries.length, 45);
  const cut = renderMarkdown(report, { maxChars: 30_000 });
  assert.ok(cut.length <= 30_000);
  const kept = cut.match(/<summary>.*<\/summary>/g) ?? [];
  assert.ok(kept.length > 0 && kept.length < 45, `${kept.length} kept`);
  assert.deepEqual(kept, allSummaries.slice(0, kept.length), 'a prefix in order of importance');
  assert.match(cut, new RegExp(`\\*\\*${45 - kept.length} alerts not shown\\*\\*`));
  assert.doesNotMatch(cut, /The table lists/, 'every table row still fits');
  for (const max of [2_000, 5_000, 12_345]) {
    const small = renderMarkdown(generated(300), { maxChars: max });
    assert.ok(small.length <= max, `${max}: ${small.length}`);
    assert.match(small, /depwarden scan --format json/);
  }
});

/** Splits a table row on the pipes that are not backslash-escaped. */
function cells(row: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < row.length; i++) {
    const c = row[i];
    if (c === '\\') {
      current += c + (row[i + 1] ?? '');
      i++;
    } else if (c === '|') {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}

test('hostile strings cannot break a table, open a tag or mention anyone', () => {
  const report = fixture('hostile');
  const out = renderMarkdown(report);
  // Table rows keep their column count.
  const lines = out.split('\n');
  for (const [header, columns] of [
    ['| Alert | Package |', 5],
    ['| Entry | Package and alerts |', 3],
    ['| Category | Project |', 3],
  ] as const) {
    const start = lines.findIndex((l) => l.startsWith(header));
    assert.ok(start >= 0, header);
    for (let i = start; i < lines.length && lines[i]?.startsWith('|'); i++)
      assert.equal(cells(lines[i] ?? '').length, columns + 2, `row: ${lines[i]}`);
  }
  assert.ok(lines.some((l) => l.includes('@&#8203;org/evil') && l.startsWith('| 🔴')));
  // The only tags are the renderer's own.
  const tags = out.match(/<[^>\s]*/g) ?? [];
  for (const t of tags) assert.match(t, /^<\/?(details|summary|pre|sub)$/, t);
  // Outside code, no `@` can start a mention.
  const prose = out.replace(/^(`{3,}).*\n[^]*?^\1$/gm, '').replace(/`[^`\n]*`/g, '');
  assert.doesNotMatch(prose, /(^|[^A-Za-z0-9])@(?!&#8203;)[A-Za-z0-9]/m);
  // No control or bidi character; hostile line breaks stay inside their line.
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(out, /[\u0000-\u0009\u000b-\u001f\u202a-\u202e]/);
  assert.match(out, /\\\\u\{202e\}evil &lt;script&gt;/);
  assert.match(out, /&lt;img src=x onerror=alert\(1\)&gt; \\\*\\\*bold\\\*\\\* \\\[link\\\]/);
  assert.match(out, /<pre>&#60;\/pre&#62;&#60;script&#62;/);
  // The YAML snippet quotes a scoped name and keeps markup out of it.
  assert.match(out, /- package: "@org\/evil\\\\u\{202e\}\\u003cb\\u003e\|x\\u0060@1\.0\.1"/);
});

test('pure: the same report renders the same text and is not modified', () => {
  const report = fixture('blocking');
  const before = structuredClone(report);
  assert.equal(renderMarkdown(report), renderMarkdown(report));
  assert.deepEqual(report, before);
});
