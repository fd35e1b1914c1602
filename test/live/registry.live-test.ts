// Against the live registry npm is configured for (`npm run test:live`): a real packument and
// tarball through the client, integrity-checked, and analysed. Skips cleanly, with the reason,
// when no registry is configured or it cannot be reached (offline machines, CI without network).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzePackage } from '../../src/analyzer/index.js';
import { DETECTORS } from '../../src/detectors/index.js';
import { DiskCache, RegistryClient, loadRegistryConfig } from '../../src/registry/index.js';

test('fetches, verifies and analyses a real package from the configured registry', async (t) => {
  let config;
  try {
    config = await loadRegistryConfig({ env: process.env });
  } catch (err) {
    t.skip(`no registry configured: ${(err as Error).message}`);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'dw-live-'));
  const client = new RegistryClient({
    config,
    cache: new DiskCache(dir),
    retries: 1,
    timeoutMs: 15_000,
  });
  try {
    let packument;
    try {
      packument = await client.packument('semver');
    } catch (err) {
      t.skip(`registry unreachable: ${(err as Error).message}`);
      return;
    }
    const latest = packument.distTags.latest;
    assert.ok(latest !== undefined && packument.versions.has(latest));
    const version = packument.versions.get(latest)!;
    const got = await client.tarball({
      name: 'semver',
      version: latest,
      integrity: version.integrity,
    });
    assert.ok(got.ok, 'the tarball matches its published integrity');
    assert.equal(got.verifiedBy, 'lockfile');
    const result = await analyzePackage(
      { name: 'semver', version: latest, tarball: got.bytes },
      { detectors: DETECTORS },
    );
    assert.ok(result.files > 5);
    assert.ok(!result.alerts.some((a) => a.type === 'malware'), 'semver is not malware');
  } finally {
    await client.close();
    await rm(dir, { recursive: true, force: true });
  }
});
