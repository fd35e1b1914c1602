/**
 * Test helpers shared by the renderer tests (test-only: never imported by product code):
 * the fixed report fixtures and snapshot comparison, rewritten with UPDATE_SNAPSHOTS=1.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import type { ScanReport } from '../report/types.js';

export function reportFixture(name: string): ScanReport {
  return JSON.parse(
    readFileSync(new URL(`../report/testdata/${name}.json`, import.meta.url), 'utf8'),
  ) as ScanReport;
}

/** Compares `actual` with the file `name` in the `testdata` folder URL (`dir` ends in `/`). */
export function matchSnapshot(dir: URL, name: string, actual: string): void {
  const url = new URL(name, dir);
  if (process.env.UPDATE_SNAPSHOTS === '1') writeFileSync(url, actual);
  assert.equal(
    actual,
    readFileSync(url, 'utf8'),
    `${name} differs; run with UPDATE_SNAPSHOTS=1 and review the diff`,
  );
}
