// The viewer's pages: snapshot-tested from the report fixtures (regenerate with
// UPDATE_SNAPSHOTS=1 and review the diff), and their safety and accessibility properties
// asserted on the output: nothing inline, one script and one stylesheet with integrity,
// hostile text escaped, evidence links only to the user-content origin, table headers with
// scope, a skip link, AA contrast in the stylesheet, and a script free of string-to-DOM sinks.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { escapeHtml } from '../render/html.js';
import { matchSnapshot as match, reportFixture } from '../render/testing.js';
import type { ReportAlert } from '../report/types.js';
import { sanitize } from '../util/text.js';
import {
  ASSET_SOURCES,
  MANIFEST_NAME,
  hashAssets,
  loadAssetsFrom,
  readAssetSources,
  renderFailedPage,
  renderLandingPage,
  renderNotFoundPage,
  renderPendingPage,
  renderViewerPage,
  usercontentFileUrl,
  VIEWER_LIMITS,
  type PageAssets,
} from './index.js';

const matchSnapshot = (name: string, actual: string): void =>
  match(new URL('./testdata/', import.meta.url), name, actual);

/** Fixed asset names, so a stylesheet change does not change every snapshot. */
const ASSETS: PageAssets = {
  css: { href: '/assets/viewer.0123456789abcdef.css', integrity: 'sha384-CSS' },
  js: { href: '/assets/viewer.fedcba9876543210.js', integrity: 'sha384-JS' },
  icon: { href: '/assets/favicon.0011223344556677.svg', integrity: 'sha384-ICON' },
};
const ORIGIN = 'https://usercontent.example:8788';

function page(name: string, withOrigin = true): string {
  const report = reportFixture(name);
  return renderViewerPage(report, {
    reportId: report.snapshot.id,
    assets: ASSETS,
    ...(withOrigin ? { usercontentOrigin: ORIGIN } : {}),
  });
}

const ALLOWED_TAGS = new Set(
  'html head meta title link script body a header main footer section div h1 h2 h3 h4 p dl dt dd table caption thead tbody tr th td details summary ul ol li pre code strong span br label select option input'.split(
    ' ',
  ),
);
const ALLOWED_ATTRIBUTES =
  /^(\s(class|id|lang|charset|name|content|http-equiv|href|rel|type|integrity|src|scope|role|tabindex|for|value|autocomplete|spellcheck|aria-labelledby|aria-label|aria-live|data-sort|data-severity|data-tools-for)="[^"<>]*"|\s(open|hidden|defer))*$/;

test('viewer pages match the snapshots', () => {
  matchSnapshot('viewer-blocking.html', page('blocking'));
  matchSnapshot('viewer-healthy.html', page('healthy'));
  matchSnapshot('viewer-hostile.html', page('hostile'));
  matchSnapshot('viewer-landing.html', renderLandingPage(ASSETS));
  matchSnapshot('viewer-pending.html', renderPendingPage('running', ASSETS));
  matchSnapshot('viewer-failed.html', renderFailedPage('the lockfile is not valid JSON', ASSETS));
  matchSnapshot('viewer-not-found.html', renderNotFoundPage(ASSETS));
});

test('nothing inline: one stylesheet and one deferred script, same-origin, with integrity', () => {
  for (const out of [
    page('blocking'),
    renderLandingPage(ASSETS),
    renderPendingPage('queued', ASSETS),
    renderFailedPage(undefined, ASSETS),
    renderNotFoundPage(ASSETS),
  ]) {
    assert.match(out, /^<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n/);
    const scripts = [...out.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    assert.deepEqual(scripts, [
      `<script src="${ASSETS.js.href}" integrity="${ASSETS.js.integrity}" defer>`,
    ]);
    assert.ok(out.includes('defer></script>\n'), 'the script element is empty');
    const styles = [...out.matchAll(/<link rel="stylesheet"[^>]*>/g)].map((m) => m[0]);
    assert.deepEqual(styles, [
      `<link rel="stylesheet" href="${ASSETS.css.href}" integrity="${ASSETS.css.integrity}">`,
    ]);
    assert.doesNotMatch(out, /<style|\sstyle=|\son\w+=|javascript:/i);
    // Every src/href is same-origin except evidence links to the user-content origin.
    for (const m of out.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      const url = m[1] ?? '';
      assert.ok(url.startsWith('/') || url.startsWith('#') || url.startsWith(`${ORIGIN}/f/`), url);
    }
  }
});

test('report page: verdict, scores, alerts by action and severity, evidence, paths, packages', () => {
  const report = reportFixture('blocking');
  const out = page('blocking');
  assert.match(out, /<h1 id="verdict-title">BLOCKED: 1 blocking alert<\/h1>/);
  assert.match(out, /overall score <strong>20<\/strong> of 100/);
  assert.deepEqual(
    [...out.matchAll(/<h3 id="action-\w+">(\w+) \(\d+\)<\/h3>/g)].map((m) => m[1]),
    ['Block', 'Warn', 'Monitor', 'Ignore'],
  );
  assert.equal((out.match(/<details class="alert"/g) ?? []).length, report.alerts.length);
  const warn = out.slice(out.indexOf('id="action-warn"'), out.indexOf('id="action-monitor"'));
  assert.ok(warn.indexOf('data-severity="critical"') < warn.indexOf('data-severity="high"'));
  // Block and Warn are open; Monitor and Ignore start closed.
  assert.equal((out.match(/<details class="alert" open>/g) ?? []).length, 3);
  // The dependency path of the transitive qs, in order.
  assert.match(
    out,
    /<ol class="via"><li><code>express@4\.21\.2<\/code><\/li><li><code>body-parser@1\.20\.3<\/code><\/li><li><code>qs@6\.5\.2<\/code><\/li><\/ol>/,
  );
  // Evidence: location, snippet (escaped), and a link to the user-content origin.
  const id = report.snapshot.id;
  assert.ok(
    out.includes(
      `<code class="where">scripts/postinstall.js:3:1</code> <a href="${ORIGIN}/f/${id}/evil-helper%401.0.1/scripts/postinstall.js" rel="noreferrer">`,
    ),
  );
  assert.match(out, /<pre><code>https\.request\(\{ hostname: &#39;collector\.example&#39;/);
  // Package table: one row per package, a row header, and the named columns.
  const table = out.slice(
    out.indexOf('<table id="package-table">'),
    out.indexOf('</table>', out.indexOf('<table id="package-table">')),
  );
  assert.equal((table.match(/<tr><th scope="row">/g) ?? []).length, report.packages.length);
  assert.match(
    table,
    /<th scope="row">evil-helper<\/th><td>1\.0\.1<\/td><td>direct<\/td><td class="num">2<\/td><td class="num">20<\/td><td class="num">20<\/td><td class="num">60<\/td><td class="num">50<\/td><td class="num">100<\/td><td class="num">100<\/td><td>network, shell, environment, install scripts<\/td><td>analysed<\/td>/,
  );
  const headers = [...table.matchAll(/<th scope="col" data-sort="(\w+)">([^<]+)<\/th>/g)].map(
    (m) => `${m[2]}:${m[1]}`,
  );
  assert.deepEqual(headers, [
    'Name:text',
    'Version:version',
    'Dependency:text',
    'Alerts:number',
    'Overall:number',
    'Supply chain:number',
    'Quality:number',
    'Maintenance:number',
    'Vulnerability:number',
    'License:number',
    'Capabilities:text',
    'Status:text',
  ]);
  // Failures, accepted risks, problems, warnings as in the report.
  for (const section of ['failures', 'accepted-risks', 'problems', 'warnings'])
    assert.match(out, new RegExp(`<section id="${section}"`), section);
});

test('accessible structure: skip link, landmarks, one h1, scoped headers, hidden controls', () => {
  for (const out of [page('blocking'), page('healthy'), renderLandingPage(ASSETS)]) {
    assert.match(out, /<body>\n<a class="skip-link" href="#main">Skip to content<\/a>\n<header /);
    assert.match(out, /<main id="main" tabindex="-1">/);
    assert.match(out, /<footer /);
    assert.equal((out.match(/<h1[ >]/g) ?? []).length, 1);
    for (const th of out.matchAll(/<th\b[^>]*>/g)) assert.match(th[0], /scope="(col|row)"/);
    // Heading levels never skip one on the way down.
    let level = 0;
    for (const h of out.matchAll(/<h([1-6])\b/g)) {
      const next = Number(h[1]);
      assert.ok(next <= level + 1, `h${next} after h${level}`);
      level = next;
    }
  }
  const out = page('blocking');
  // The enhancement controls are in the page, labelled, and hidden until the script runs.
  assert.match(
    out,
    /<div class="tools" data-tools-for="package-table" hidden>\n<label for="package-filter">/,
  );
  assert.match(
    out,
    /<div class="tools" data-tools-for="alerts" hidden>\n<label for="alert-severity">/,
  );
  assert.match(out, /<span role="status" aria-live="polite"><\/span>/);
});

test('hostile strings: escaped, sanitised, no injected tag or attribute, links encoded', () => {
  const report = reportFixture('hostile');
  const out = page('hostile');
  assert.equal((out.match(/<script/gi) ?? []).length, 1);
  assert.doesNotMatch(out, /\son\w+=/i);
  for (const m of out.matchAll(/<\/?([a-zA-Z][\w-]*)([^>]*)>/g)) {
    assert.ok(ALLOWED_TAGS.has((m[1] ?? '').toLowerCase()), `tag ${m[0]}`);
    assert.match(m[2] ?? '', ALLOWED_ATTRIBUTES, m[0]);
  }
  const message = report.alerts.find((a) => a.type === 'malware')?.message ?? '';
  const escaped = escapeHtml(sanitize(message, 500));
  assert.equal((escaped.match(/</g) ?? []).length, 0);
  assert.ok(out.includes(`<p><strong>${escaped}</strong></p>`));
  // Matching control characters is the point of this pattern.
  // eslint-disable-next-line no-control-regex
  const unsafe = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069]/;
  assert.doesNotMatch(out, unsafe);
  // The hostile evidence file is one percent-encoded path inside the href.
  const evil = report.packages.find((p) => p.id === 'registry:evil-helper@1.0.1');
  assert.ok(evil);
  const file = report.alerts.find((a) => a.type === 'malware')?.evidence[0]?.file ?? '';
  const href = usercontentFileUrl(ORIGIN, report.snapshot.id, evil.name, evil.version, file);
  assert.doesNotMatch(href, /[<>"'` ]|\u202e/);
  assert.ok(out.includes(`href="${escapeHtml(href)}"`));
});

test('no evidence links without a user-content origin, nor for packages not from the registry', () => {
  const out = page('blocking', false);
  assert.doesNotMatch(out, /view file|\/f\/[0-9a-f]{64}/);
  assert.match(out, /<code class="where">scripts\/postinstall\.js:3:1<\/code><pre>/);
  const report = reportFixture('blocking');
  for (const p of report.packages) p.source = 'git';
  const git = renderViewerPage(report, {
    reportId: report.snapshot.id,
    assets: ASSETS,
    usercontentOrigin: ORIGIN,
  });
  assert.doesNotMatch(git, /view file|\/f\/[0-9a-f]{64}/);
});

test('usercontentFileUrl encodes the package as one segment and each path segment apart', () => {
  assert.equal(
    usercontentFileUrl('https://u.example/', 'ab', '@scope/pkg', '1.0.0-rc.1', 'lib/a b/#x?.js'),
    'https://u.example/f/ab/%40scope%2Fpkg%401.0.0-rc.1/lib/a%20b/%23x%3F.js',
  );
});

test('pending, failed and not-found pages', () => {
  assert.match(renderPendingPage('queued', ASSETS), /<meta http-equiv="refresh" content="5">/);
  assert.match(
    renderPendingPage('running', ASSETS, 9),
    /<h1 id="verdict-title">Analysis running<\/h1>/,
  );
  assert.doesNotMatch(renderFailedPage('x', ASSETS), /http-equiv="refresh"/);
  assert.match(
    renderFailedPage('<b>bad</b>\u202e', ASSETS),
    /<p>&#60;b&#62;bad&#60;\/b&#62;\\u\{202e\}<\/p>/,
  );
  assert.match(renderNotFoundPage(ASSETS), /<h1>Not found<\/h1>/);
  assert.match(renderLandingPage(ASSETS), /depwarden scan \. --upload/);
});

test('very large reports are bounded', () => {
  const report = reportFixture('blocking');
  const template = report.alerts[0] as ReportAlert;
  report.alerts = Array.from({ length: VIEWER_LIMITS.alerts + 7 }, (_, i) => ({
    ...template,
    key: `k${i}`,
  }));
  const out = renderViewerPage(report, { reportId: 'x', assets: ASSETS });
  assert.equal((out.match(/<details class="alert"/g) ?? []).length, VIEWER_LIMITS.alerts);
  assert.match(out, /7 more alerts not shown/);
});

test('pure: the same report renders the same text and is not modified', () => {
  const report = reportFixture('hostile');
  const before = structuredClone(report);
  const ctx = { reportId: report.snapshot.id, assets: ASSETS, usercontentOrigin: ORIGIN };
  assert.equal(renderViewerPage(report, ctx), renderViewerPage(report, ctx));
  assert.deepEqual(report, before);
});

// --- the static assets ---

const ASSET_DIR = new URL('./assets/', import.meta.url);

function luminance(hex: string): number {
  const channel = (i: number): number => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

test('stylesheet colours meet WCAG AA in the light and the dark scheme; focus is visible', async () => {
  const css = await readFile(new URL('viewer.css', ASSET_DIR), 'utf8');
  const darkAt = css.indexOf('@media (prefers-color-scheme: dark)');
  assert.ok(darkAt > 0);
  const vars = (text: string): Record<string, string> =>
    Object.fromEntries(
      [...text.matchAll(/--([a-z]+):\s*(#[0-9a-f]{6});/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
  const light = vars(css.slice(0, darkAt));
  const dark = vars(css.slice(darkAt, css.indexOf('}\n}', darkAt)));
  // Text colours against the backgrounds they are used on.
  const textPairs: [string, string][] = [
    ['fg', 'bg'],
    ['fg', 'panel'],
    ['muted', 'bg'],
    ['muted', 'panel'],
    ['link', 'bg'],
    ['red', 'bg'],
    ['orange', 'bg'],
    ['yellow', 'bg'],
    ['yellow', 'panel'],
    ['green', 'bg'],
  ];
  for (const [scheme, v] of [
    ['light', light],
    ['dark', dark],
  ] as const) {
    for (const [fg, bg] of textPairs) {
      const ratio = contrast(v[fg] ?? '', v[bg] ?? '');
      assert.ok(ratio >= 4.5, `${scheme} ${fg} on ${bg}: ${ratio.toFixed(2)}`);
    }
    // Non-text: the focus ring against the page (WCAG 1.4.11: 3:1).
    assert.ok(contrast(v.focus ?? '', v.bg ?? '') >= 3, `${scheme} focus`);
  }
  assert.match(css, /:focus-visible \{\n\s+outline: 3px solid var\(--focus\);/);
  assert.doesNotMatch(css, /url\(|@import|https?:/);
});

test('the script uses no string-to-DOM sink, no eval, no network and no URL input', async () => {
  const js = await readFile(new URL('viewer.js', ASSET_DIR), 'utf8');
  const code = js.replace(/\/\*[^]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const sink of [
    'innerHTML',
    'outerHTML',
    'insertAdjacentHTML',
    'document.write',
    'eval(',
    'Function(',
    'setTimeout',
    'setInterval',
    'fetch(',
    'XMLHttpRequest',
    'location',
    'srcdoc',
    'createContextualFragment',
    'DOMParser',
  ])
    assert.ok(!code.includes(sink), sink);
  assert.match(code, /textContent/);
});

test('assets: hashed names and sha384 integrity, the same from source and from a build', async () => {
  const sources = readAssetSources(ASSET_DIR);
  const manifest = hashAssets(sources);
  assert.deepEqual(
    manifest.assets.map((a) => a.source),
    Object.keys(ASSET_SOURCES),
  );
  for (const [i, a] of manifest.assets.entries()) {
    const bytes = (sources[i] as { bytes: Buffer }).bytes;
    const hex = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    assert.equal(a.file, a.source.replace(/\.(\w+)$/, `.${hex}.$1`));
    assert.equal(a.integrity, `sha384-${createHash('sha384').update(bytes).digest('base64')}`);
  }
  const fromSource = loadAssetsFrom(ASSET_DIR);
  assert.equal(fromSource.css.href, `/assets/${manifest.assets[0]?.file}`);
  assert.equal(fromSource.get('viewer.css'), undefined, 'unhashed names are not served');

  // A built folder (what scripts/build-viewer.mjs writes) gives the same names and bytes.
  const dir = await mkdtemp(join(tmpdir(), 'dw-viewer-assets-'));
  try {
    for (const [i, a] of manifest.assets.entries())
      await writeFile(join(dir, a.file), (sources[i] as { bytes: Buffer }).bytes);
    await writeFile(join(dir, MANIFEST_NAME), JSON.stringify(manifest));
    const built = loadAssetsFrom(pathToFileURL(`${dir}/`));
    assert.deepEqual(
      [built.css, built.js, built.icon],
      [fromSource.css, fromSource.js, fromSource.icon],
    );
    const js = built.get(built.js.href.slice('/assets/'.length));
    assert.equal(js?.contentType, 'text/javascript; charset=utf-8');
    assert.deepEqual(js?.bytes, await readFile(new URL('viewer.js', ASSET_DIR)));
    // A built file that no longer matches its integrity is refused at start.
    await writeFile(join(dir, manifest.assets[1]?.file ?? ''), 'alert(1)');
    assert.throws(() => loadAssetsFrom(pathToFileURL(`${dir}/`)), /does not match its integrity/);
    // So is a manifest that names something else.
    await writeFile(
      join(dir, MANIFEST_NAME),
      JSON.stringify({
        ...manifest,
        assets: [{ ...manifest.assets[0], file: '../../etc/passwd' }],
      }),
    );
    assert.throws(() => loadAssetsFrom(pathToFileURL(`${dir}/`)), /not valid/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const empty = await mkdtemp(join(tmpdir(), 'dw-viewer-none-'));
  try {
    assert.throws(
      () => loadAssetsFrom(pathToFileURL(`${empty}/`)),
      /assets are missing.*npm run build/,
    );
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
  assert.throws(
    () => hashAssets([{ source: 'other.js', bytes: new Uint8Array() }]),
    /not a viewer asset/,
  );
});
