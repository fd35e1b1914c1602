/**
 * Runs every detector's fixtures through the whole engine (tarball → alerts), with every
 * detector enabled, so a fixture also proves the detector does not depend on running alone:
 * positive fixtures must raise the detector's alert type, negative ones must not.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { analyzePackage } from '../analyzer/index.js';
import { packageTgz } from '../../test/helpers/tarball.js';
import { loadFixtures, type Fixture } from './fixtures.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePackument } from '../registry/packument.js';
import { importOsvZip, openAdvisoryDb, type AdvisoryDb } from '../advisories/index.js';
import { OSV_CORPUS_ZIP } from '../advisories/testing.js';
import {
  previousVersion,
  previousVersionView,
  reusableFiles,
  runRegistryDetectors,
  versionView,
  withRegistryAlerts,
} from '../intel/index.js';
import { DEFAULT_INTEL_OPTIONS } from '../analyzer/kit.js';
import { DETECTORS } from './index.js';

describe('detector fixtures', () => {
  for (const detector of DETECTORS) {
    const id = detector.meta.id;
    const fixtures = loadFixtures(id);
    it(`${id} has positive and negative fixtures, each saying what it shows`, () => {
      assert.ok(
        fixtures.some((f) => f.polarity === 'positive'),
        `${id}: no positive fixture`,
      );
      assert.ok(
        fixtures.some((f) => f.polarity === 'negative'),
        `${id}: no negative fixture`,
      );
      for (const f of fixtures)
        assert.ok(f.comment.length > 10, `${id}/${f.polarity}/${f.name}: no comment`);
    });
    for (const f of fixtures) {
      it(`${id} ${f.polarity}: ${f.name}`, async () => {
        const result = await runFixture(f);
        assert.deepEqual(result.failures, []);
        const raised = result.alerts.filter((a) => a.type === id);
        if (f.polarity === 'positive') {
          assert.ok(
            raised.length > 0,
            `${f.name} should raise ${id}; got ${result.alerts.map((a) => a.type).join(', ') || 'nothing'}`,
          );
          for (const a of raised) assert.ok(a.evidence.length > 0, 'every alert carries evidence');
        } else {
          assert.deepEqual(
            raised.map((a) => a.message),
            [],
            `${f.name} must not raise ${id}`,
          );
        }
      });
    }
  }
});

/** The OSV corpus as an advisory database, imported once. */
let corpusDb: Promise<{ db: AdvisoryDb; dir: string }> | undefined;
function corpusAdvisories(): Promise<AdvisoryDb> {
  corpusDb ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dw-fixture-osv-'));
    await importOsvZip(OSV_CORPUS_ZIP, { dataDir: dir });
    return { db: await openAdvisoryDb(dir), dir };
  })();
  return corpusDb.then((c) => c.db);
}
after(async () => {
  if (corpusDb === undefined) return;
  const { db, dir } = await corpusDb;
  db.close();
  await rm(dir, { recursive: true, force: true });
});

/** The engine on the fixture's tarball, then, for registry fixtures, the registry detectors. */
async function runFixture(f: Fixture) {
  const name = `fixture-${f.detector}`;
  const engine = (
    version: string,
    files: Record<string, string>,
    reuse?: readonly (readonly [string, string])[],
    history?: boolean,
  ) =>
    analyzePackage(
      {
        name,
        version,
        tarball: packageTgz(files),
        ...(reuse === undefined ? {} : { reuse }),
        ...(history === undefined ? {} : { history }),
      },
      { detectors: DETECTORS },
    );
  const reg = f.registry;
  if (reg === undefined) return engine('1.0.0', f.files);
  const packument = parsePackument(
    JSON.stringify(reg.packument),
    reg.packument.name as string,
    reg.abbreviated !== true,
  );
  const current = await engine(reg.version, f.files, undefined, true);
  const before = previousVersion(packument, reg.version);
  const previous =
    reg.previous === undefined || before === undefined
      ? undefined
      : previousVersionView(
          before,
          await engine(before, reg.previous, reusableFiles(current)),
          current,
        );
  const extra = runRegistryDetectors(
    {
      name: packument.name,
      version: reg.version,
      packument,
      entry: packument.versions.get(reg.version),
      current: versionView(reg.version, current),
      ...(previous === undefined ? {} : { previous }),
      ...(reg.tarballMissing === true ? { tarballMissing: true } : {}),
      ...(reg.publisherExists === undefined ? {} : { publisherExists: reg.publisherExists }),
      ...(reg.advisories === true
        ? { advisories: (await corpusAdvisories()).match(packument.name, reg.version) }
        : {}),
      ...(reg.related === undefined
        ? {}
        : {
            related: new Map(
              Object.entries(reg.related).map(([n, p]) => [
                n,
                parsePackument(JSON.stringify(p), n, true),
              ]),
            ),
          }),
      now: new Date(reg.now),
      options: DEFAULT_INTEL_OPTIONS,
    },
    DETECTORS,
  );
  return withRegistryAlerts(current, extra);
}
