/**
 * Tests of the score formula against docs/scores.md: values computed by hand from the doc
 * (the arithmetic is in the comments), the properties the doc promises (bounds, monotonicity,
 * renormalisation of unknown inputs, order independence), and a check that every metric in
 * the code has a row with the same weight in the doc, so the two cannot drift apart.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';

import type { Category, Severity } from '../analyzer/kit.js';
import type { LicenseClass } from '../intel/license/index.js';
import { CLASS_RANK } from '../intel/license/index.js';
import type { Scores } from '../report/types.js';
import { METRICS } from './formula.js';
import {
  countRecentVersions,
  explainPackageScores,
  LICENSE_QUALITY,
  licenseQuality,
  packageScores,
  PROJECT_MARGIN,
  projectScores,
  SCORE_CATEGORIES,
  type ProjectPackage,
  type ScoreAlert,
  type ScoreInput,
} from './index.js';

const ALERT_CATEGORIES: readonly Category[] = [
  'supplyChainRisk',
  'quality',
  'maintenance',
  'vulnerability',
  'license',
  'other',
];
const SEVERITIES: readonly Severity[] = ['low', 'middle', 'high', 'critical'];
const KEYS = [...SCORE_CATEGORIES, 'overall'] as const;

/** The worked example of docs/scores.md §8. */
const WORKED: ScoreInput = {
  alerts: [
    { category: 'supplyChainRisk', severity: 'high' },
    { category: 'quality', severity: 'low' },
  ],
  bytes: 8000,
  linesOfCode: 200,
  readmeLength: 1500,
  dependencyCount: 2,
  devDependencyCount: 5,
  maintainerCount: 1,
  versionCount: 12,
  versionsLastYear: 2,
  versionsLastTwoMonths: 1,
  versionsLastMonth: 0,
  versionsLastWeek: 0,
  licenseQuality: 100,
};

/** A deterministic pseudo-random generator (LCG), so generated cases are the same every run. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function maybe(random: () => number, value: number): number | undefined {
  return random() < 0.3 ? undefined : value;
}

function randomInput(random: () => number): ScoreInput {
  const alerts: ScoreAlert[] = [];
  const alertCount = Math.floor(random() * random() * 40);
  for (let i = 0; i < alertCount; i++) {
    alerts.push({ category: pick(random, ALERT_CATEGORIES), severity: pick(random, SEVERITIES) });
  }
  const int = (max: number): number => Math.floor(random() * max);
  return {
    alerts,
    bytes: int(50_000_000),
    linesOfCode: maybe(random, int(200_000)),
    readmeLength: maybe(random, int(300)),
    dependencyCount: int(200),
    devDependencyCount: int(300),
    transitiveDependencyCount: maybe(random, int(3000)),
    maintainerCount: maybe(random, int(8)),
    versionCount: maybe(random, int(500)),
    versionsLastYear: maybe(random, int(40)),
    versionsLastTwoMonths: maybe(random, int(8)),
    versionsLastMonth: maybe(random, int(4)),
    versionsLastWeek: maybe(random, int(2)),
    licenseQuality: maybe(random, pick(random, [0, 30, 50, 70, 100])),
    dependencyVulnerabilityCount: maybe(random, int(3)),
  };
}

function assertNoneHigher(after: Scores, before: Scores, what: string): void {
  for (const key of KEYS) {
    assert.ok(after[key] <= before[key], `${what}: ${key} rose ${before[key]} -> ${after[key]}`);
  }
}

describe('packageScores: hand-computed values', () => {
  test('worked_example_of_the_doc', () => {
    // γ = 1 − 0.1·log10(1 + 200) = 1 − 0.2303196 = 0.769680
    // supplyChain: high alert counts in high, middle and low rows (x = 0, 1, 1, 1)
    //   Σw·N = 1·1 + 2·e^−1 + 2·e^−0.05 + 3·e^−0.025 + 1·e^−(2/50) + 0.5·e^−(5/100)
    //        = 1 + 0.735759 + 1.902459 + 2.925930 + 0.960789 + 0.475615 = 8.000552
    //   mean = 8.000552 / 9.5 = 0.842163; limits: high 1 − 1/10 = 0.9 → base 0.842163
    //   100 · 0.842163^0.769680 = 87.615 → 87
    // quality: Σw·N = 1 + 2 + 2 + 3·e^−0.025 + 5·1 + 2·e^−(7.8125/16384) + 0.5·1
    //        = 15.424976; mean = 15.424976 / 15.5 = 0.995160 → 100 · ^0.769680 = 99.627 → 99
    // maintenance: Σw·N = 8 + 5·(1 − e^−1/3) + 5·(1 − e^−2/12) + 3·(1 − e^−1) + 0 + 0
    //        + 0.5·(1 − e^−1.2) = 8 + 1.417343 + 0.767591 + 1.896362 + 0.349403 = 12.430699
    //   mean = 12.430699 / 24.5 = 0.507375 → 100 · ^0.769680 = 59.320 → 59
    // vulnerability: no alerts, vulnerabilityCount 0 → 100. license: (8 + 12)/20 = 1 → 100
    // overall: mean (87.615 + 99.627 + 59.320 + 100 + 100)/5 = 89.312;
    //   caps 87.615, 124.627, 84.320, 100, 125 → 84.320 → 84
    assert.deepEqual(packageScores(WORKED), {
      supplyChain: 87,
      quality: 99,
      maintenance: 59,
      vulnerability: 100,
      license: 100,
      overall: 84,
    });
    const explained = explainPackageScores(WORKED);
    assert.equal(explained.overallFrom, 'maintenance');
    assert.ok(Math.abs(explained.gamma - 0.76968) < 1e-5);
  });

  test('worked_example_plus_a_critical_supply_chain_alert', () => {
    // The critical limit ¼ caps supply chain: 100 · 0.25^0.769680 = 100 · e^(0.769680·−1.386294)
    //   = 100 · e^−1.066994 = 34.405 → 34; overall is capped by supply chain (margin 0) → 34
    const scores = packageScores({
      ...WORKED,
      alerts: [...WORKED.alerts, { category: 'supplyChainRisk', severity: 'critical' }],
    });
    assert.equal(scores.supplyChain, 34);
    assert.equal(scores.overall, 34);
    assert.equal(scores.maintenance, 59);
  });

  test('gamma_one_example', () => {
    // linesOfCode 0 → γ = 1 − 0.1·log10(1) = 1, so S = 100 · base.
    // supplyChain: no alerts (8), deps 50 → e^−1 = 0.367879 (w 1), dev 0 → 1 (w 0.5)
    //   (8 + 0.367879 + 0.5) / 9.5 = 0.933461 → 93
    // quality: readme 0 → 0 (w 5), bytes 0 → 1 (w 2), lines 0 → 0 (w 0.5): (8 + 2)/15.5
    //   = 0.645161 → 64
    // maintenance: maintainerCount 0 → limit 0 → 0
    // vulnerability: one middle alert counts in middle and low rows; vulnerabilityCount
    //   defaults to 1 → 1 − 1/3. (1 + 2 + 2·e^−0.05 + 3·e^−0.025 + 0.666667) / 9
    //   = (1 + 2 + 1.902459 + 2.925930 + 0.666667) / 9 = 8.495056 / 9 = 0.943895 → 94
    // license: (8 + 12·0.3) / 20 = 0.58 → 58 (floating point gives 57.99999999999999; the
    //   1e-9 added before flooring keeps it at 58)
    // overall: mean (93.346 + 64.516 + 0 + 94.390 + 58)/5 = 62.050; maintenance cap 0 + 25
    //   = 25 is the lowest cap → 25
    const scores = packageScores({
      alerts: [{ category: 'vulnerability', severity: 'middle' }],
      bytes: 0,
      linesOfCode: 0,
      readmeLength: 0,
      dependencyCount: 50,
      devDependencyCount: 0,
      maintainerCount: 0,
      licenseQuality: 30,
    });
    assert.deepEqual(scores, {
      supplyChain: 93,
      quality: 64,
      maintenance: 0,
      vulnerability: 94,
      license: 58,
      overall: 25,
    });
  });

  test('tiny_package_with_one_critical_supply_chain_alert', () => {
    // bytes 2000, no lines → size 2000/40 = 50 → γ = 1 − 0.1·log10(51) = 0.829243
    // supplyChain base = min(¼, mean) = ¼ → 100 · 0.25^0.829243 = 100 · e^−1.149575 = 31.677 → 31
    // quality: (8 + 2·e^−(1.953125/16384)) / 10 = 0.999976 → 99.998 → 99
    // the rest have only alert rows, all 1 → 100. overall: capped by supply chain → 31
    const scores = packageScores({
      alerts: [{ category: 'supplyChainRisk', severity: 'critical' }],
      bytes: 2000,
      dependencyCount: 0,
      devDependencyCount: 0,
    });
    assert.deepEqual(scores, {
      supplyChain: 31,
      quality: 99,
      maintenance: 100,
      vulnerability: 100,
      license: 100,
      overall: 31,
    });
  });

  test('a_single_critical_supply_chain_alert_is_low_overall_at_any_size', () => {
    // The softest γ is 0.5: 100 · 0.25^0.5 = 50, and supply chain caps overall.
    for (const linesOfCode of [0, 10, 1_000, 100_000, 10_000_000]) {
      const scores = packageScores({
        ...WORKED,
        linesOfCode,
        alerts: [{ category: 'supplyChainRisk', severity: 'critical' }],
      });
      assert.ok(scores.overall <= 50, `${linesOfCode} lines: overall ${scores.overall}`);
    }
  });

  test('other_alerts_lower_supply_chain_and_policy_alerts_count_nowhere', () => {
    const clean = packageScores({ ...WORKED, alerts: [] });
    const other = packageScores({ ...WORKED, alerts: [{ category: 'other', severity: 'high' }] });
    assert.ok(other.supplyChain < clean.supplyChain);
    assert.equal(other.quality, clean.quality);
    const policy = packageScores({
      ...WORKED,
      alerts: [{ category: 'other', severity: 'critical', type: 'licensePolicyViolation' }],
    });
    assert.deepEqual(policy, clean);
  });

  test('vulnerability_count_overrides_the_alert_default', () => {
    const alerts: ScoreAlert[] = [{ category: 'vulnerability', severity: 'low' }];
    const byDefault = explainPackageScores({ ...WORKED, alerts });
    const explicit = explainPackageScores({ ...WORKED, alerts, vulnerabilityCount: 3 });
    const metric = (b: typeof byDefault) =>
      b.categories.vulnerability.metrics.find((m) => m.name === 'vulnerabilityCount');
    assert.equal(metric(byDefault)?.x, 1);
    assert.equal(metric(explicit)?.x, 3);
    assert.equal(metric(explicit)?.n, 0);
  });
});

describe('packageScores: properties', () => {
  test('bounds_integers_from_0_to_100', () => {
    const random = generator(1);
    for (let i = 0; i < 500; i++) {
      const scores = packageScores(randomInput(random));
      for (const key of KEYS) {
        assert.ok(Number.isInteger(scores[key]) && scores[key] >= 0 && scores[key] <= 100);
      }
    }
  });

  test('extremes_stay_in_bounds', () => {
    const worst: ScoreInput = {
      alerts: Array.from({ length: 1000 }, (_, i) => ({
        category: ALERT_CATEGORIES[i % ALERT_CATEGORIES.length] as Category,
        severity: 'critical' as const,
      })),
      bytes: 2 ** 40,
      linesOfCode: 0,
      readmeLength: 0,
      dependencyCount: 2 ** 40,
      devDependencyCount: 2 ** 40,
      transitiveDependencyCount: 2 ** 40,
      maintainerCount: 0,
      versionCount: 0,
      versionsLastYear: 0,
      versionsLastTwoMonths: 0,
      versionsLastMonth: 0,
      versionsLastWeek: 0,
      licenseQuality: 0,
      vulnerabilityCount: 2 ** 40,
      dependencyVulnerabilityCount: 2 ** 40,
    };
    const scores = packageScores(worst);
    assert.equal(scores.maintenance, 0);
    assert.equal(scores.license, 0);
    for (const key of KEYS) assert.ok(scores[key] >= 0 && scores[key] < 10, `${key}`);
  });

  test('another_alert_never_raises_a_score', () => {
    const random = generator(2);
    for (let i = 0; i < 300; i++) {
      const input = randomInput(random);
      const before = packageScores(input);
      for (const category of ALERT_CATEGORIES) {
        for (const severity of SEVERITIES) {
          const after = packageScores({
            ...input,
            alerts: [...input.alerts, { category, severity }],
          });
          assertNoneHigher(after, before, `+${category}/${severity}`);
        }
      }
    }
  });

  test('a_worse_alert_never_raises_a_score', () => {
    // The case where exact (non-cumulative) counts would fail: many alerts, mean below ¼.
    const crowded: ScoreInput = {
      ...WORKED,
      alerts: [
        ...Array.from({ length: 9 }, () => ({
          category: 'supplyChainRisk' as const,
          severity: 'high' as const,
        })),
        ...Array.from({ length: 200 }, () => ({
          category: 'supplyChainRisk' as const,
          severity: 'low' as const,
        })),
        { category: 'supplyChainRisk', severity: 'critical' },
      ],
    };
    const random = generator(3);
    const cases = [crowded, ...Array.from({ length: 200 }, () => randomInput(random))];
    for (const input of cases) {
      const before = packageScores(input);
      input.alerts.forEach((alert, index) => {
        const rank = SEVERITIES.indexOf(alert.severity);
        for (const severity of SEVERITIES.slice(rank + 1)) {
          const alerts = input.alerts.map((a, j) => (j === index ? { ...a, severity } : a));
          assertNoneHigher(
            packageScores({ ...input, alerts }),
            before,
            `${alert.severity}->${severity}`,
          );
        }
      });
    }
  });

  test('worse_metric_inputs_never_raise_their_category', () => {
    const random = generator(4);
    for (let i = 0; i < 200; i++) {
      const input = randomInput(random);
      const before = packageScores(input);
      const more = (n: number | undefined) => (n === undefined ? undefined : n + 5);
      const less = (n: number | undefined) => (n === undefined ? undefined : Math.max(0, n - 1));
      assertNoneHigher(
        packageScores({
          ...input,
          dependencyCount: input.dependencyCount + 5,
          devDependencyCount: input.devDependencyCount + 5,
          transitiveDependencyCount: more(input.transitiveDependencyCount),
          dependencyVulnerabilityCount: more(input.dependencyVulnerabilityCount),
          maintainerCount: less(input.maintainerCount),
          versionsLastYear: less(input.versionsLastYear),
          readmeLength: less(input.readmeLength),
          licenseQuality: less(input.licenseQuality),
        }),
        before,
        'worse inputs',
      );
    }
  });

  test('same_input_same_scores_whatever_the_alert_order', () => {
    const random = generator(5);
    for (let i = 0; i < 100; i++) {
      const input = randomInput(random);
      const reversed = { ...input, alerts: [...input.alerts].reverse() };
      assert.deepEqual(packageScores(reversed), packageScores(input));
      assert.deepEqual(packageScores(input), packageScores(structuredClone(input)));
    }
  });

  test('unknown_inputs_are_left_out_not_counted_as_zero', () => {
    const unknownReadme = explainPackageScores({ ...WORKED, readmeLength: undefined });
    const zeroReadme = explainPackageScores({ ...WORKED, readmeLength: 0 });
    assert.ok(!unknownReadme.categories.quality.metrics.some((m) => m.name === 'readmeLength'));
    // Left out of both sums: the mean is over the remaining metrics (w 15.5 − 5 = 10.5).
    const known = explainPackageScores(WORKED).categories.quality.metrics;
    const rest = known.filter((m) => m.name !== 'readmeLength');
    const expected =
      rest.reduce((sum, m) => sum + m.weight * m.n, 0) / rest.reduce((s, m) => s + m.weight, 0);
    assert.ok(Math.abs(unknownReadme.categories.quality.mean - expected) < 1e-12);
    assert.ok(unknownReadme.categories.quality.value > zeroReadme.categories.quality.value);

    // A package with no maintenance data and no maintenance alerts is not penalised.
    const bare = packageScores({
      alerts: [],
      bytes: 0,
      dependencyCount: 0,
      devDependencyCount: 0,
    });
    assert.equal(bare.maintenance, 100);
    assert.equal(bare.license, 100);
    const unknownMaintainers = packageScores({ ...WORKED, maintainerCount: undefined });
    const noMaintainers = packageScores({ ...WORKED, maintainerCount: 0 });
    assert.ok(unknownMaintainers.maintenance > 0);
    assert.equal(noMaintainers.maintenance, 0);
  });

  test('unknown_lines_of_code_fall_back_to_bytes_for_gamma', () => {
    // 4000 bytes / 40 = 100 lines, so γ is the same as with linesOfCode 100.
    const byBytes = explainPackageScores({ ...WORKED, bytes: 4000, linesOfCode: undefined });
    const byLines = explainPackageScores({ ...WORKED, bytes: 4000, linesOfCode: 100 });
    assert.equal(byBytes.gamma, byLines.gamma);
    assert.ok(Math.abs(byBytes.gamma - (1 - 0.1 * Math.log10(101))) < 1e-12);
  });

  test('invalid_input_throws', () => {
    const bad: unknown[] = [
      { ...WORKED, bytes: -1 },
      { ...WORKED, bytes: Number.NaN },
      { ...WORKED, dependencyCount: 1.5 },
      { ...WORKED, maintainerCount: Infinity },
      { ...WORKED, licenseQuality: 101 },
      { ...WORKED, alerts: [{ category: 'nope', severity: 'low' }] },
      { ...WORKED, alerts: [{ category: 'quality', severity: 'medium' }] },
      { ...WORKED, alerts: 'none' },
      null,
    ];
    for (const input of bad) {
      assert.throws(() => packageScores(input as ScoreInput), /must|unknown|too many/);
    }
  });
});

describe('projectScores', () => {
  function pkg(id: string, score: number, direct = false, overrides: Partial<Scores> = {}) {
    const scores = {
      supplyChain: score,
      quality: score,
      maintenance: score,
      vulnerability: score,
      license: score,
      overall: score,
      ...overrides,
    };
    return { id, scores, direct };
  }

  test('empty_project_scores_100_with_empty_lists', () => {
    const result = projectScores([]);
    for (const key of KEYS) {
      assert.equal(result.project[key], 100);
      assert.deepEqual(result.worst[key], []);
    }
  });

  test('hand_computed_aggregate', () => {
    // Weights: a (direct) 2, b 1, c 1.
    // supplyChain: scores 90, 80, 40 → mean (2·90 + 80 + 40)/4 = 300/4 = 75;
    //   worst 40 + 20 = 60 → 60
    // quality: 90, 80, 70 → (180 + 80 + 70)/4 = 82.5; worst 70 + 20 = 90 → 82
    const packages = [
      pkg('npm:a@1.0.0', 90, true),
      pkg('npm:b@1.0.0', 80, false),
      pkg('npm:c@1.0.0', 70, false, { supplyChain: 40 }),
    ];
    const result = projectScores(packages);
    assert.equal(result.project.supplyChain, 60);
    assert.equal(result.project.quality, 82);
    assert.deepEqual(result.worst.supplyChain, [
      { package: 'npm:c@1.0.0', score: 40 },
      { package: 'npm:b@1.0.0', score: 80 },
      { package: 'npm:a@1.0.0', score: 90 },
    ]);
    // directWeight 1: quality (90 + 80 + 70)/3 = 80
    assert.equal(projectScores(packages, { directWeight: 1 }).project.quality, 80);
  });

  test('one_terrible_package_in_2000_shows', () => {
    const packages = Array.from({ length: 2000 }, (_, i) => pkg(`npm:p${i}@1.0.0`, 100));
    packages[1234] = pkg('npm:evil@1.0.0', 100, false, { supplyChain: 5, overall: 5 });
    const result = projectScores(packages);
    // The mean alone would be (1999·100 + 5)/2000 = 99.95; the worst + 20 caps it at 25.
    assert.equal(result.project.supplyChain, 5 + PROJECT_MARGIN);
    assert.equal(result.project.overall, 5 + PROJECT_MARGIN);
    assert.equal(result.project.quality, 100);
    assert.deepEqual(result.worst.supplyChain[0], { package: 'npm:evil@1.0.0', score: 5 });
  });

  test('worst_lists_hold_five_with_ties_broken_by_id', () => {
    const packages = ['e', 'b', 'g', 'a', 'f', 'c', 'd'].map((n) => pkg(`npm:${n}@1.0.0`, 50));
    packages.push(pkg('npm:z@1.0.0', 10));
    const result = projectScores(packages);
    assert.deepEqual(
      result.worst.license.map((w) => w.package),
      ['npm:z@1.0.0', 'npm:a@1.0.0', 'npm:b@1.0.0', 'npm:c@1.0.0', 'npm:d@1.0.0'],
    );
    assert.equal(projectScores(packages, { worstCount: 2 }).worst.license.length, 2);
    assert.equal(projectScores(packages, { worstCount: 0 }).worst.license.length, 0);
  });

  test('shuffled_input_gives_the_same_result', () => {
    const random = generator(6);
    const packages: ProjectPackage[] = Array.from({ length: 300 }, (_, i) => ({
      id: `npm:p${i % 37}-${i}@1.0.0`,
      scores: packageScores(randomInput(random)),
      direct: random() < 0.1,
    }));
    const expected = projectScores(packages);
    for (let round = 0; round < 10; round++) {
      const shuffled = [...packages];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j] as ProjectPackage, shuffled[i] as ProjectPackage];
      }
      assert.deepEqual(projectScores(shuffled), expected);
    }
  });

  test('invalid_packages_and_options_throw', () => {
    assert.throws(() => projectScores([pkg('x', 50), pkg('x', 60)]), /duplicate/);
    assert.throws(() => projectScores([pkg('x', 101)]), /integer from 0 to 100/);
    assert.throws(() => projectScores([pkg('x', 50.5)]), /integer from 0 to 100/);
    assert.throws(() => projectScores([], { directWeight: 0 }), /directWeight/);
    assert.throws(() => projectScores([], { worstCount: 101 }), /worstCount/);
  });
});

describe('helpers', () => {
  test('license_quality_never_rises_with_restriction', () => {
    const classes = (Object.keys(CLASS_RANK) as LicenseClass[]).sort(
      (a, b) => CLASS_RANK[a] - CLASS_RANK[b],
    );
    for (let i = 1; i < classes.length; i++) {
      const [looser, stricter] = [classes[i - 1] as LicenseClass, classes[i] as LicenseClass];
      assert.ok(LICENSE_QUALITY[stricter] <= LICENSE_QUALITY[looser], `${looser} vs ${stricter}`);
    }
    assert.equal(licenseQuality('permissive'), 100);
    assert.equal(licenseQuality('unknown'), 0);
  });

  test('recent_versions_count_by_window', () => {
    const day = 86_400_000;
    const now = Date.UTC(2025, 5, 1);
    const times = [
      now, // every window
      now - 7 * day, // not the week (the window is open at its start)
      now - 6 * day, // week
      now - 45 * day, // two months and year
      now - 364 * day, // year
      now - 365 * day, // none
      now + day, // after now: none
      Number.NaN, // none
    ];
    assert.deepEqual(countRecentVersions(times, now), {
      versionsLastYear: 5,
      versionsLastTwoMonths: 4,
      versionsLastMonth: 3,
      versionsLastWeek: 2,
    });
    assert.throws(() => countRecentVersions([], Number.NaN), /now/);
  });
});

describe('docs/scores.md matches the code', () => {
  const doc = readFileSync(new URL('../../docs/scores.md', import.meta.url), 'utf8');

  test('every_metric_has_a_row_with_its_weight', () => {
    for (const category of SCORE_CATEGORIES) {
      for (const metric of METRICS[category]) {
        const row = new RegExp(`^\\| \`${metric.name}\` \\| ${metric.weight} \\|`, 'm');
        assert.match(doc, row, `${category}/${metric.name} (weight ${metric.weight})`);
      }
    }
  });
});
