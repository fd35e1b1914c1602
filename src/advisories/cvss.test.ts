/**
 * CVSS scoring: FIRST's published example scores, every v3.0 and v3.1 base vector against an
 * independent implementation (ae-cvss-calculator), the real records' own labels, and
 * vectors that must be refused.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { cvssRating, cvssScore } from './cvss.js';
import { corpusRecords } from './testing.js';

// Scores published by FIRST in "CVSS v3.1 Examples" (and the v3.0 examples document, whose
// base scores are the same for these vectors).
const PUBLISHED_V3: [string, string, number][] = [
  ['CVE-2014-6271 Shellshock', 'AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
  ['CVE-2013-1937 phpMyAdmin XSS', 'AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1],
  ['CVE-2013-0375 MySQL', 'AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N', 6.4],
  ['CVE-2014-3566 POODLE', 'AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N', 3.1],
  ['CVE-2012-1516 VMware', 'AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H', 9.9],
  ['CVE-2009-0783 Tomcat', 'AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L', 4.2],
  ['CVE-2012-0384 Cisco IOS', 'AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 8.8],
  ['CVE-2015-1098 Apple iWork', 'AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', 7.8],
  ['CVE-2014-0160 Heartbleed', 'AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', 7.5],
  ['CVE-2008-1447 DNS', 'AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N', 6.8],
  ['CVE-2014-2005 Sophos', 'AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 6.8],
  ['CVE-2010-0467 Joomla', 'AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N', 5.8],
];

test('v3_published_example_scores', () => {
  for (const [name, metrics, expected] of PUBLISHED_V3) {
    for (const version of ['3.0', '3.1']) {
      const vector = `CVSS:${version}/${metrics}`;
      assert.equal(cvssScore(vector)?.score, expected, `${name} ${vector}`);
      assert.equal(cvssScore(vector)?.version, version);
    }
  }
});

test('v3_every_base_vector_agrees_with_an_independent_implementation', () => {
  const require = createRequire(import.meta.url);
  const lib = require('ae-cvss-calculator') as Record<
    string,
    new (v: string) => { calculateScores(): { base: number } }
  >;
  const values = {
    AV: 'NALP',
    AC: 'LH',
    PR: 'NLH',
    UI: 'NR',
    S: 'UC',
    C: 'HLN',
    I: 'HLN',
    A: 'HLN',
  };
  let vectors: string[] = [''];
  for (const [metric, options] of Object.entries(values)) {
    vectors = vectors.flatMap((prefix) => [...options].map((v) => `${prefix}/${metric}:${v}`));
  }
  assert.equal(vectors.length, 4 * 2 * 3 * 2 * 2 * 27);
  let compared = 0;
  for (const [version, Impl] of [
    ['3.0', lib.Cvss3P0!],
    ['3.1', lib.Cvss3P1!],
  ] as const) {
    for (const metrics of vectors) {
      const vector = `CVSS:${version}${metrics}`;
      assert.equal(cvssScore(vector)?.score, new Impl(vector).calculateScores().base, vector);
      compared++;
    }
  }
  assert.equal(compared, 2 * 2592);
});

test('v3_temporal_and_environmental_metrics_do_not_change_the_base_score', () => {
  const base = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
  assert.equal(cvssScore(`${base}/E:U/RL:O/RC:R/CR:H/MAV:P`)?.score, 9.8);
});

test('v4_scores_come_from_the_library', () => {
  // FIRST's calculator: the all-high network vector is 9.3; an availability-only one 8.7.
  assert.equal(
    cvssScore('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')?.score,
    9.3,
  );
  assert.equal(
    cvssScore('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N')?.score,
    8.7,
  );
  // Base metrics only (CVSS-B), as for v3: a threat metric does not lower it.
  assert.equal(
    cvssScore('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U')?.score,
    9.3,
  );
});

test('invalid_vectors_are_refused', () => {
  for (const vector of [
    '',
    'garbage',
    'CVSS:3.1/AV:N',
    'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H', // A missing
    'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:H', // duplicate
    'CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', // unknown value
    'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1', // unknown metric
    'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/', // empty part
    'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/__proto__:x',
    'CVSS:2.0/AV:N/AC:L/Au:N/C:C/I:C/A:C',
    'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N', // SA missing
    'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:Q', // bad threat value
    `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H${'/E:U'.repeat(200)}`,
  ]) {
    assert.equal(cvssScore(vector), undefined, vector.slice(0, 80));
  }
});

test('ratings_bands', () => {
  assert.deepEqual([0, 0.1, 3.9, 4, 6.9, 7, 8.9, 9, 10].map(cvssRating), [
    'none',
    'low',
    'low',
    'medium',
    'medium',
    'high',
    'high',
    'critical',
    'critical',
  ]);
});

test('real_records_v3_scores_fall_in_the_band_of_their_own_label', () => {
  const band = { LOW: 'low', MODERATE: 'medium', HIGH: 'high', CRITICAL: 'critical' } as const;
  let checked = 0;
  for (const [id, record] of corpusRecords()) {
    const label = (record.database_specific as { severity?: keyof typeof band } | undefined)
      ?.severity;
    const severities = (record.severity ?? []) as { type: string; score: string }[];
    const v3 = severities.find((s) => s.type === 'CVSS_V3' && s.score !== '');
    if (label === undefined || v3 === undefined) continue;
    const score = cvssScore(v3.score);
    assert.ok(score !== undefined, `${id}: ${v3.score}`);
    assert.equal(cvssRating(score.score), band[label], `${id} ${v3.score} = ${score.score}`);
    checked++;
  }
  // 67 records carry a v3 vector, one of them empty (GHSA-cqmj-92xf-r6r9).
  assert.equal(checked, 66);
});
