/**
 * Runs every detector's fixtures through the whole engine (tarball → alerts), with every
 * detector enabled, so a fixture also proves the detector does not depend on running alone:
 * positive fixtures must raise the detector's alert type, negative ones must not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzePackage } from '../analyzer/index.js';
import { packageTgz } from '../../test/helpers/tarball.js';
import { loadFixtures } from './fixtures.js';
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
        const result = await analyzePackage(
          { name: `fixture-${id}`, version: '1.0.0', tarball: packageTgz(f.files) },
          { detectors: DETECTORS },
        );
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
