/**
 * Tests of the classification tables and of how OR / AND combine classes. The table checks
 * catch a misspelt id, which would otherwise silently fall through to `unknown`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  classifyLeaf,
  COPYLEFT_RULES,
  effectiveLicense,
  LINKING_EXCEPTIONS,
  NONPERMISSIVE_RULES,
  PERMISSIVE_IDS,
} from './classify.js';
import { parseExpression } from './expression.js';
import {
  allLicenseIds,
  deprecatedIdsWithReplacement,
  isDeprecatedLicenseId,
  isSpdxExceptionId,
  isSpdxLicenseId,
  laterStems,
  normalizeLeaf,
  replacementOf,
} from './spdx.js';

function classOf(expression: string): string {
  const tree = parseExpression(expression);
  assert.ok(tree !== undefined, expression);
  return effectiveLicense(tree).class;
}

describe('tables', () => {
  test('every_permissive_id_is_on_the_spdx_list', () => {
    const unknown = [...PERMISSIVE_IDS].filter((id) => !isSpdxLicenseId(id));
    assert.deepEqual(unknown, []);
  });

  test('every_rule_matches_some_listed_id', () => {
    const ids = allLicenseIds();
    for (const rule of COPYLEFT_RULES) {
      assert.ok(
        ids.some((id) => rule.pattern.test(id)),
        `${rule.pattern} matches no id`,
      );
    }
    for (const rule of NONPERMISSIVE_RULES) {
      assert.ok(
        ids.some((id) => rule.test(id)),
        `${rule} matches no id`,
      );
    }
  });

  test('linking_exceptions_are_spdx_exceptions', () => {
    assert.deepEqual(
      [...LINKING_EXCEPTIONS].filter((e) => !isSpdxExceptionId(e)),
      [],
    );
  });

  test('no_id_is_both_permissive_and_in_another_class', () => {
    for (const id of PERMISSIVE_IDS) {
      assert.equal(classifyLeaf({ license: id }).class, 'permissive', id);
    }
  });

  test('deprecated_replacements_are_current_ids', () => {
    for (const id of deprecatedIdsWithReplacement()) {
      assert.ok(isDeprecatedLicenseId(id), `${id} is not deprecated`);
      for (const plus of [false, true]) {
        const leaf = plus ? { license: id, plus: true as const } : { license: id };
        const replaced = replacementOf(leaf);
        assert.ok(replaced !== undefined);
        assert.ok(isSpdxLicenseId(replaced.license), replaced.license);
        assert.ok(!isDeprecatedLicenseId(replaced.license), replaced.license);
        if (replaced.exception !== undefined) assert.ok(isSpdxExceptionId(replaced.exception));
      }
    }
  });
});

describe('classifyLeaf', () => {
  test('families', () => {
    const cases: [string, string][] = [
      ['MIT', 'permissive'],
      ['CC-BY-4.0', 'permissive'],
      ['LGPL-3.0-or-later', 'weakCopyleft'],
      ['MPL-2.0', 'weakCopyleft'],
      ['EPL-2.0', 'weakCopyleft'],
      ['GPL-2.0-only', 'strongCopyleft'],
      ['EUPL-1.2', 'strongCopyleft'],
      ['CC-BY-SA-4.0', 'strongCopyleft'],
      ['AGPL-3.0-or-later', 'networkCopyleft'],
      ['OSL-3.0', 'networkCopyleft'],
      ['CC-BY-NC-4.0', 'nonpermissive'],
      ['CC-BY-NC-SA-4.0', 'nonpermissive'],
      ['SSPL-1.0', 'nonpermissive'],
      ['BUSL-1.1', 'nonpermissive'],
      ['Elastic-2.0', 'nonpermissive'],
      ['Glide', 'unknown'],
      ['LicenseRef-Example', 'unknown'],
    ];
    for (const [id, expected] of cases)
      assert.equal(classifyLeaf({ license: id }).class, expected, id);
  });

  test('deprecated_ids_are_judged_by_their_replacement', () => {
    const classpath = classifyLeaf({ license: 'GPL-2.0-with-classpath-exception' });
    assert.equal(classpath.class, 'weakCopyleft');
    assert.equal(classpath.weakenedBy, 'Classpath-exception-2.0');
    assert.equal(classifyLeaf({ license: 'GPL-2.0' }).licenseId, 'GPL-2.0-only');
    assert.equal(classifyLeaf({ license: 'BSD-2-Clause-FreeBSD' }).class, 'permissive');
  });

  test('a_linking_exception_weakens_strong_copyleft_only', () => {
    const gpl = classifyLeaf({ license: 'GPL-3.0-or-later', exception: 'GCC-exception-3.1' });
    assert.equal(gpl.class, 'weakCopyleft');
    assert.equal(gpl.strength, 'weak');
    const other = classifyLeaf({ license: 'GPL-3.0-only', exception: 'openvpn-openssl-exception' });
    assert.equal(other.class, 'strongCopyleft');
  });
});

describe('effectiveLicense', () => {
  test('or_takes_the_most_permissive_and_takes_the_most_restrictive', () => {
    assert.equal(classOf('MIT OR GPL-3.0-only'), 'permissive');
    assert.equal(classOf('GPL-3.0-only OR MIT'), 'permissive');
    assert.equal(classOf('MIT AND GPL-3.0-only'), 'strongCopyleft');
    assert.equal(classOf('AGPL-3.0-only OR GPL-3.0-only'), 'strongCopyleft');
    assert.equal(classOf('(MIT AND CC-BY-NC-4.0) OR LGPL-2.1-only'), 'weakCopyleft');
    assert.equal(classOf('MIT AND (GPL-2.0-only OR CC-BY-NC-4.0)'), 'strongCopyleft');
  });

  test('the_leaves_in_force_follow_the_choice', () => {
    const tree = parseExpression('(MIT OR GPL-3.0-only) AND LGPL-2.1-only');
    assert.ok(tree !== undefined);
    const ids = effectiveLicense(tree).leaves.map((l) => l.judged.licenseId);
    assert.deepEqual(ids, ['MIT', 'LGPL-2.1-only']);
  });
});

describe('spdx helpers', () => {
  test('plus_on_gnu_ids_becomes_or_later', () => {
    assert.deepEqual(normalizeLeaf({ license: 'GPL-2.0', plus: true }), {
      license: 'GPL-2.0-or-later',
    });
    assert.deepEqual(normalizeLeaf({ license: 'LGPL-2.1-only', plus: true }), {
      license: 'LGPL-2.1-or-later',
    });
    assert.deepEqual(normalizeLeaf({ license: 'Apache-2.0', plus: true }), {
      license: 'Apache-2.0',
      plus: true,
    });
  });

  test('later_stems_list_later_versions_of_the_family', () => {
    assert.deepEqual(laterStems('GPL-2.0-or-later'), ['GPL-2.0', 'GPL-3.0']);
    assert.deepEqual(laterStems('LGPL-2.1-or-later'), ['LGPL-2.1', 'LGPL-3.0']);
    assert.deepEqual(laterStems('MIT'), ['MIT']);
  });
});
