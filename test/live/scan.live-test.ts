// `depwarden scan` of a real project against the live registry npm is configured for
// (`npm run test:live`): the npm v2 lockfile of the shared corpus with a bundled-dependency
// tree, every package fetched, verified and analysed. Skips cleanly, with the reason, when no
// registry is configured or it cannot be reached.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DiskCache, RegistryClient, loadRegistryConfig } from '../../src/registry/index.js';
import { validateReport } from '../../src/report/testing.js';
import type { ScanReport } from '../../src/report/types.js';
import { runInProcess } from '../helpers/cli.js';
import { CORPUS_DIR } from '../helpers/corpus.js';

test('scans a real project against the configured registry', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'dw-live-scan-'));
  try {
    let config;
    try {
      config = await loadRegistryConfig({ env: process.env });
    } catch (err) {
      t.skip(`no registry configured: ${(err as Error).message}`);
      return;
    }
    const probe = new RegistryClient({
      config,
      cache: new DiskCache(dir),
      retries: 1,
      timeoutMs: 15_000,
    });
    try {
      await probe.packument('semver');
    } catch (err) {
      t.skip(`registry unreachable: ${(err as Error).message}`);
      return;
    } finally {
      await probe.close();
    }
    const project = join(CORPUS_DIR, 'npm-v2-snyk-nested-bundled');
    const run = await runInProcess(
      [
        'scan',
        project,
        '--format',
        'json',
        '--cache-dir',
        join(dir, 'cache'),
        '--data-dir',
        join(dir, 'data'),
      ],
      dir,
      process.env,
    );
    assert.ok(run.code === 0 || run.code === 1, `exit ${run.code}: ${run.stderr}`);
    const report = JSON.parse(run.stdout) as ScanReport;
    assert.deepEqual(validateReport(report), []);
    assert.equal(report.verdict.complete, true, JSON.stringify(report.failures));
    assert.ok(report.summary.packages > 0);
    assert.equal(
      report.summary.analysed,
      report.summary.packages - report.packages.filter((p) => p.status === 'skipped').length,
    );
    assert.equal(
      report.advisories.status,
      'missing',
      'no database in a fresh data folder, and the report says so',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
