// The HTML report: snapshot-tested from the report fixtures (regenerate with
// UPDATE_SNAPSHOTS=1 and review the diff), and its safety properties asserted by parsing the
// output: no script or event handler anywhere, no external resource, only the renderer's own
// tags, a CSP whose style hash matches the stylesheet, and hostile text escaped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { ReportAlert } from '../report/types.js';
import { sanitize } from '../util/text.js';
import { escapeHtml, renderHtml } from './html.js';
import { matchSnapshot as match, reportFixture } from './testing.js';

const fixture = reportFixture;

const matchSnapshot = (name: string, actual: string): void =>
  match(new URL('./testdata/', import.meta.url), name, actual);

const ALLOWED_TAGS = new Set(
  'html head meta title style body header main section footer h1 h2 h3 h4 p dl dt dd table thead tbody tr th td details summary ul li pre code strong span br'.split(
    ' ',
  ),
);

test('html output matches the snapshots', () => {
  matchSnapshot('html-blocking.html', renderHtml(fixture('blocking')));
  matchSnapshot('html-healthy.html', renderHtml(fixture('healthy')));
  matchSnapshot('html-hostile.html', renderHtml(fixture('hostile')));
});

test('one self-contained HTML5 document with a CSP that allows only its own stylesheet', () => {
  const out = renderHtml(fixture('blocking'));
  assert.match(out, /^<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n/);
  assert.match(out, /<\/html>\n$/);
  const styles = [...out.matchAll(/<style>([^]*?)<\/style>/g)];
  assert.equal(styles.length, 1, 'one style element');
  const css = styles[0]?.[1] ?? '';
  const hash = createHash('sha256').update(css).digest('base64');
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(out);
  assert.ok(csp, 'CSP meta tag');
  const policy = (csp[1] ?? '').replace(/&#(\d+);/g, (_, n: string) =>
    String.fromCharCode(Number(n)),
  );
  assert.equal(
    policy,
    `default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'`,
  );
  assert.ok((csp.index ?? 0) < out.indexOf('<style>'), 'the policy precedes the stylesheet');
  // Offline: nothing to fetch.
  assert.doesNotMatch(out, /\s(href|src|srcset|action|formaction|style)=/i);
  assert.doesNotMatch(css, /url\(|@import|https?:/);
  assert.match(css, /prefers-color-scheme:dark/);
  assert.match(css, /@media print/);
});

test('sections: verdict, summary, alerts, packages, failures, accepted risks, problems, warnings', () => {
  const report = fixture('blocking');
  const out = renderHtml(report);
  assert.match(out, /<header class="verdict blocked">\n<h1>BLOCKED: 1 blocking alert<\/h1>/);
  for (const id of [
    'summary',
    'alerts',
    'packages',
    'failures',
    'accepted-risks',
    'problems',
    'warnings',
    'scores',
  ])
    assert.match(out, new RegExp(`<section id="${id}">`), id);
  assert.equal((out.match(/<details class="alert"/g) ?? []).length, report.alerts.length);
  const headings = [...out.matchAll(/<h3>(\w+) \(\d+\)<\/h3>/g)].map((m) => m[1]);
  assert.deepEqual(headings, ['Block', 'Warn', 'Monitor', 'Ignore']);
  const warn = out.slice(out.indexOf('<h3>Warn'), out.indexOf('<h3>Monitor'));
  assert.ok(warn.indexOf('>critical</h4>') < warn.indexOf('>high</h4>'));
  const packagesTable = out.slice(out.indexOf('<section id="packages">'));
  const rows = packagesTable.slice(0, packagesTable.indexOf('</tbody>')).match(/<tr><td>/g);
  assert.equal(rows?.length, report.packages.length);
  assert.match(out, /<td>evil-helper<\/td><td>1\.0\.1<\/td><td>direct<\/td><td>network, shell/);
  assert.match(
    out,
    /<td>qs<\/td><td>6\.5\.2<\/td><td>express@4\.21\.2 › body-parser@1\.20\.3 › qs@6\.5\.2/,
  );
  assert.match(out, /<pre>https\.request\(\{ hostname: &#39;collector\.example&#39;/);
  assert.match(out, /<dd class="expired">ACCEPTANCE EXPIRED on 2026-10-01/);
  assert.match(out, /<dd class="accepted">accepted until 2027-01-31/);
  assert.match(out, /<td class="expired">EXPIRED on 2026-10-01/);
  assert.match(out, /fetch failed: ghost@2\.0\.0: the registry answered 404/);
  assert.match(out, /<code>socket\.yml:3:1<\/code>: warning: unknown key &#34;issueRule&#34;/);
  assert.match(out, /<li>the advisory database is 1 day old<\/li>/);
  // "middle" is shown as medium.
  const medium = fixture('blocking');
  (medium.alerts[2] as ReportAlert).severity = 'middle';
  assert.match(renderHtml(medium), /<h4 class="sev-medium">medium<\/h4>/);
});

test('hostile strings: no script, no event handler, no tag or attribute injection', () => {
  const report = fixture('hostile');
  const out = renderHtml(report);
  assert.doesNotMatch(out, /<script/i);
  assert.doesNotMatch(out, /\son\w+=/i);
  assert.doesNotMatch(out, /javascript:[^ ]*["'>]/i);
  // Every tag is one the renderer writes, and its attributes are the renderer's own.
  for (const m of out.matchAll(/<\/?([a-zA-Z][\w-]*)([^>]*)>/g)) {
    assert.ok(ALLOWED_TAGS.has((m[1] ?? '').toLowerCase()), `tag ${m[0]}`);
    assert.match(
      m[2] ?? '',
      /^(\s(class|id|lang|charset|name|content|http-equiv)="[^"<>]*"|\sopen)*$/,
      m[0],
    );
  }
  assert.equal((out.match(/<!DOCTYPE/g) ?? []).length, 1);
  // A hostile field, escaped, holds no `<` and appears as text exactly.
  const message = report.alerts.find((a) => a.type === 'malware')?.message ?? '';
  const escaped = escapeHtml(sanitize(message, 500));
  assert.equal((escaped.match(/</g) ?? []).length, 0);
  assert.ok(out.includes(`<p><strong>${escaped}</strong></p>`));
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(out, /[\u0000-\u0009\u000b-\u001f\u202a-\u202e]/);
  assert.match(out, /<title>depwarden: BLOCKED: 1 blocking alert<\/title>/);
  assert.match(out, /depwarden 0\.1\.0&#60;script&#62;/);
});

test('escapeHtml escapes & < > " \' = and the backtick', () => {
  assert.equal(
    escapeHtml(`<a href="x" b='y'>&\``),
    '&#60;a href&#61;&#34;x&#34; b&#61;&#39;y&#39;&#62;&#38;&#96;',
  );
});

test('very large reports are bounded', () => {
  const report = fixture('blocking');
  const template = report.alerts[0] as ReportAlert;
  report.alerts = Array.from({ length: 5_200 }, (_, i) => ({ ...template, key: `k${i}` }));
  const out = renderHtml(report);
  assert.equal((out.match(/<details class="alert"/g) ?? []).length, 5_000);
  assert.match(out, /200 more alerts not shown/);
});

test('pure: the same report renders the same text and is not modified', () => {
  const report = fixture('blocking');
  const before = structuredClone(report);
  assert.equal(renderHtml(report), renderHtml(report));
  assert.deepEqual(report, before);
});
