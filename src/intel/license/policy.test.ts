/**
 * Tests of the license policy: validation of the configured lists, and allow / deny judging
 * of OR, AND and "or later" expressions.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { analyzeLicense, evaluateLicensePolicy, parseLicensePolicy } from './index.js';
import type { LicensePolicy } from './index.js';

function judge(manifestLicense: unknown, policy: LicensePolicy) {
  return evaluateLicensePolicy(analyzeLicense({ manifestLicense, files: [] }), policy);
}

describe('parseLicensePolicy', () => {
  test('valid_lists_pass_unchanged', () => {
    const { policy, problems } = parseLicensePolicy({
      allow: ['MIT', 'Apache-2.0', 'LicenseRef-Acme-Internal', 'MIT'],
      deny: ['GPL-3.0-only', 'GPL-2.0'],
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(policy, {
      allow: ['MIT', 'Apache-2.0', 'LicenseRef-Acme-Internal'],
      deny: ['GPL-3.0-only', 'GPL-2.0'],
    });
  });

  test('misspelt_ids_get_a_suggestion_and_are_dropped', () => {
    const { policy, problems } = parseLicensePolicy({
      allow: ['mit', 'Apache 2', 'GPL-2.0+', 'Totally-Made-Up'],
    });
    assert.deepEqual(policy, { allow: [] });
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p.message]));
    assert.match(byPath['licensePolicy.allow[0]'] ?? '', /did you mean "MIT"/);
    assert.match(byPath['licensePolicy.allow[1]'] ?? '', /did you mean "Apache-2.0"/);
    assert.match(byPath['licensePolicy.allow[2]'] ?? '', /did you mean "GPL-2.0-or-later"/);
    assert.match(byPath['licensePolicy.allow[3]'] ?? '', /not an SPDX license id/);
    assert.doesNotMatch(byPath['licensePolicy.allow[3]'] ?? '', /did you mean/);
  });

  test('shape_problems', () => {
    assert.equal(parseLicensePolicy('MIT').problems[0]?.path, 'licensePolicy');
    assert.deepEqual(parseLicensePolicy(undefined), { policy: {}, problems: [] });
    const typo = parseLicensePolicy({ alow: ['MIT'] }, 'licenses');
    assert.equal(typo.problems[0]?.path, 'licenses.alow');
    assert.match(typo.problems[0]?.message ?? '', /did you mean "allow"/);
    const notList = parseLicensePolicy({ deny: 'GPL-3.0-only' });
    assert.match(notList.problems[0]?.message ?? '', /must be a list/);
    assert.equal(notList.policy.deny, undefined);
    const expr = parseLicensePolicy({ allow: ['MIT OR Apache-2.0', 7] });
    assert.match(expr.problems[0]?.message ?? '', /expression/);
    assert.match(expr.problems[1]?.message ?? '', /non-empty string/);
    assert.match(parseLicensePolicy({ allow: [] }).problems[0]?.message ?? '', /empty/);
    const both = parseLicensePolicy({ allow: ['MIT'], deny: ['MIT'] });
    assert.equal(both.problems[0]?.path, 'licensePolicy.deny[0]');
  });

  test('long_lists_are_cut', () => {
    const many = Array.from({ length: 1500 }, () => 'MIT');
    const { policy, problems } = parseLicensePolicy({ allow: many });
    assert.deepEqual(policy.allow, ['MIT']);
    assert.match(problems[0]?.message ?? '', /more than 1000/);
  });
});

describe('evaluateLicensePolicy_allow', () => {
  const allow = { allow: ['MIT', 'Apache-2.0', 'ISC'] };

  test('some_choice_of_allowed_ids_passes', () => {
    assert.deepEqual(judge('MIT', allow), []);
    assert.deepEqual(judge('MIT OR GPL-3.0-only', allow), []);
    assert.deepEqual(judge('(GPL-3.0-only OR MIT) AND (ISC OR CC-BY-NC-4.0)', allow), []);
    // An exception only adds permissions, so it does not make an allowed id disallowed.
    assert.deepEqual(judge('Apache-2.0 WITH LLVM-exception', allow), []);
  });

  test('and_needs_every_side_allowed', () => {
    const [f] = judge('MIT AND GPL-3.0-only', allow);
    assert.equal(f?.type, 'licensePolicyViolation');
    assert.equal(f?.severity, 'high');
    assert.deepEqual(f?.props, {
      expression: 'MIT AND GPL-3.0-only',
      denied: [],
      notAllowed: ['GPL-3.0-only'],
    });
  });

  test('not_allowed_lists_the_cheapest_choice', () => {
    const [f] = judge('(GPL-3.0-only AND LGPL-2.1-only) OR (MIT AND MPL-2.0)', allow);
    assert.deepEqual(f?.props.notAllowed, ['MPL-2.0']);
  });

  test('version_grants', () => {
    // GPL-2.0-or-later may be used under GPL-3.0.
    assert.deepEqual(judge('GPL-2.0-or-later', { allow: ['GPL-3.0-only'] }), []);
    assert.deepEqual(judge('GPL-2.0+', { allow: ['GPL-3.0-or-later'] }), []);
    // GPL-2.0-only may not.
    assert.equal(judge('GPL-2.0-only', { allow: ['GPL-3.0-only'] }).length, 1);
    // The deprecated spelling matches its current id.
    assert.deepEqual(judge('GPL-2.0', { allow: ['GPL-2.0-only'] }), []);
  });

  test('no_identified_license_fails_an_allow_list', () => {
    for (const value of ['UNLICENSED', undefined, 'Commercial', 42]) {
      const [f] = judge(value, allow);
      assert.equal(f?.type, 'licensePolicyViolation', String(value));
      assert.equal(f?.props.expression, null);
    }
  });
});

describe('evaluateLicensePolicy_deny', () => {
  const deny = { deny: ['GPL-3.0-only', 'AGPL-3.0-only'] };

  test('denied_only_when_every_alternative_uses_a_denied_id', () => {
    assert.deepEqual(judge('MIT OR GPL-3.0-only', deny), []);
    const [and] = judge('MIT AND GPL-3.0-or-later', deny);
    assert.deepEqual(and?.props.denied, ['GPL-3.0-or-later']);
    assert.deepEqual(and?.props.notAllowed, []);
    const [both] = judge('GPL-3.0-only OR AGPL-3.0-only', deny);
    assert.deepEqual(both?.props.denied, ['GPL-3.0-only', 'AGPL-3.0-only']);
  });

  test('or_later_escapes_when_an_earlier_version_is_allowed', () => {
    assert.deepEqual(judge('GPL-2.0-or-later', deny), []);
    assert.equal(judge('GPL-2.0-or-later', { deny: ['GPL-2.0-only', 'GPL-3.0-only'] }).length, 1);
  });

  test('an_exception_does_not_lift_a_denial', () => {
    assert.equal(judge('GPL-3.0-only WITH Classpath-exception-2.0', deny).length, 1);
  });

  test('unidentified_licenses_pass_a_deny_list', () => {
    assert.deepEqual(judge('UNLICENSED', deny), []);
    assert.deepEqual(judge(undefined, deny), []);
  });

  test('allow_and_deny_together_give_one_finding', () => {
    const findings = judge('GPL-3.0-only AND Zlib', { allow: ['MIT'], deny: ['GPL-3.0-only'] });
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0]?.props.denied, ['GPL-3.0-only']);
    assert.deepEqual(findings[0]?.props.notAllowed, ['GPL-3.0-only', 'Zlib']);
  });

  test('empty_policy_judges_nothing', () => {
    assert.deepEqual(judge('CC-BY-NC-4.0', {}), []);
    assert.deepEqual(judge('CC-BY-NC-4.0', { deny: [] }), []);
  });
});
