/**
 * Tests of analyzeLicense and licenseChange on license fields seen in published manifests
 * and on packages that carry their license only in files.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { analyzeLicense, licenseChange, manifestLicenseField } from './index.js';
import type { LicenseFinding, LicenseInputFile, LicenseResult } from './index.js';
import * as fx from './fixtures.js';

function analyze(manifestLicense: unknown, files: LicenseInputFile[] = []): LicenseResult {
  return analyzeLicense({ manifestLicense, files });
}

function types(result: LicenseResult): string[] {
  return result.findings.map((f) => f.type).sort();
}

function only(result: LicenseResult, type: string): LicenseFinding {
  const found = result.findings.filter((f) => f.type === type);
  assert.equal(found.length, 1, `${type} in ${JSON.stringify(types(result))}`);
  return found[0]!;
}

describe('analyzeLicense_manifest_values', () => {
  // [value, status, expression, finding types]
  const cases: [unknown, string, string | undefined, string[]][] = [
    ['MIT', 'spdx', 'MIT', []],
    ['(MIT OR Apache-2.0)', 'spdx', 'MIT OR Apache-2.0', []],
    ['Apache 2.0', 'spdx', 'Apache-2.0', []],
    ['BSD', 'spdx', 'BSD-2-Clause', []],
    ['GPL-2.0', 'spdx', 'GPL-2.0', ['copyleftLicense', 'deprecatedLicense']],
    ['UNLICENSED', 'unlicensed', undefined, ['explicitlyUnlicensedItem']],
    [{ type: 'MIT' }, 'spdx', 'MIT', []],
    [[{ type: 'MIT' }, { type: 'GPL-2.0' }], 'spdx', 'MIT OR GPL-2.0', ['deprecatedLicense']],
    ['', 'none', undefined, ['noLicenseFound']],
    [null, 'none', undefined, ['noLicenseFound']],
    [42, 'unidentified', undefined, ['unidentifiedLicense']],
    ['Commercial', 'proprietary', undefined, ['nonpermissiveLicense']],
    ['CC-BY-NC-4.0', 'spdx', 'CC-BY-NC-4.0', ['nonpermissiveLicense']],
    [
      'GPL-3.0-or-later WITH Classpath-exception-2.0',
      'spdx',
      'GPL-3.0-or-later WITH Classpath-exception-2.0',
      ['copyleftLicense', 'licenseException'],
    ],
    ['SSPL-1.0', 'spdx', 'SSPL-1.0', ['nonpermissiveLicense']],
    ['AGPL-3.0-only', 'spdx', 'AGPL-3.0-only', ['copyleftLicense']],
  ];
  for (const [value, status, expression, expected] of cases) {
    test(`manifest_${JSON.stringify(value)}`, () => {
      const r = analyze(value);
      assert.equal(r.status, status);
      assert.equal(r.expression, expression);
      assert.deepEqual(types(r), expected);
      for (const f of r.findings) assert.equal(f.category, 'license');
    });
  }

  test('a_correction_is_recorded', () => {
    const r = analyze('Apache 2');
    assert.deepEqual(r.corrected, { from: 'Apache 2', to: 'Apache-2.0' });
    assert.equal(analyze('Apache-2.0').corrected, undefined);
  });

  test('tree_ids_and_exceptions', () => {
    const r = analyze('(MIT OR GPL-2.0-only WITH Classpath-exception-2.0) AND ISC');
    assert.deepEqual(r.licenses, ['GPL-2.0-only', 'ISC', 'MIT']);
    assert.deepEqual(r.exceptions, ['Classpath-exception-2.0']);
    assert.deepEqual(r.effectiveLicenses, ['ISC', 'MIT']);
    assert.ok(r.tree !== undefined && 'conjunction' in r.tree && r.tree.conjunction === 'and');
  });

  test('copyleft_props_say_how_strong', () => {
    const strong = only(analyze('GPL-3.0-only'), 'copyleftLicense');
    assert.deepEqual(strong.props, {
      licenseId: 'GPL-3.0-only',
      strength: 'strong',
      network: false,
    });
    assert.equal(strong.severity, 'middle');
    const weak = only(analyze('LGPL-2.1-only'), 'copyleftLicense');
    assert.equal(weak.props.strength, 'weak');
    assert.equal(weak.severity, 'low');
    const network = only(analyze('AGPL-3.0-or-later'), 'copyleftLicense');
    assert.equal(network.props.network, true);
    const excepted = only(analyze('GPL-2.0-only WITH Classpath-exception-2.0'), 'copyleftLicense');
    assert.equal(excepted.props.strength, 'weak');
    assert.equal(excepted.props.exceptionId, 'Classpath-exception-2.0');
  });

  test('or_is_judged_by_the_most_permissive_and_by_the_most_restrictive', () => {
    assert.deepEqual(types(analyze('MIT OR GPL-3.0-only')), []);
    assert.equal(analyze('MIT OR GPL-3.0-only').effectiveClass, 'permissive');
    assert.deepEqual(types(analyze('MIT AND GPL-3.0-only')), ['copyleftLicense']);
    const both = analyze('LGPL-2.1-only AND CC-BY-NC-4.0');
    assert.deepEqual(types(both), ['copyleftLicense', 'nonpermissiveLicense']);
    assert.equal(both.effectiveClass, 'nonpermissive');
    // Dual GPL/AGPL: the user may take the GPL, so no network copyleft is reported.
    const dual = only(analyze('AGPL-3.0-only OR GPL-3.0-only'), 'copyleftLicense');
    assert.equal(dual.props.licenseId, 'GPL-3.0-only');
  });

  test('deprecated_ids_name_their_replacement', () => {
    assert.equal(only(analyze('GPL-2.0'), 'deprecatedLicense').props.replacement, 'GPL-2.0-only');
    assert.equal(
      only(analyze('GPL-2.0+'), 'deprecatedLicense').props.replacement,
      'GPL-2.0-or-later',
    );
    assert.equal(
      only(analyze('wxWindows'), 'deprecatedLicense').props.replacement,
      'GPL-2.0-or-later WITH WxWindows-exception-3.1',
    );
    assert.equal(only(analyze('LGPL-2.1 OR MIT'), 'deprecatedLicense').props.licenseId, 'LGPL-2.1');
    assert.deepEqual(types(analyze('GPL-2.0-only')), ['copyleftLicense']);
  });

  test('unknown_ids_are_not_known_to_be_permissive', () => {
    const f = only(analyze('LicenseRef-Example-EULA'), 'nonpermissiveLicense');
    assert.equal(f.props.known, false);
    assert.equal(f.severity, 'low');
    const explicit = only(analyze('CC-BY-NC-4.0'), 'nonpermissiveLicense');
    assert.equal(explicit.props.known, true);
    assert.equal(explicit.severity, 'middle');
  });

  test('unlicensed_is_high', () => {
    const f = only(analyze('UNLICENSED'), 'explicitlyUnlicensedItem');
    assert.equal(f.severity, 'high');
    assert.deepEqual(f.evidence, [{ file: 'package.json' }]);
  });

  test('never_throws_on_hostile_input', () => {
    for (const input of [
      undefined,
      null,
      5,
      {},
      { files: 'x' },
      { manifestLicense: 'MIT', files: [null, 3, { path: 9 }] },
    ]) {
      const r = analyzeLicense(input as never);
      assert.ok(Array.isArray(r.findings));
    }
  });
});

describe('analyzeLicense_files', () => {
  test('see_license_in_reads_the_named_file', () => {
    const r = analyze('SEE LICENSE IN LICENSE.txt', [{ path: 'LICENSE.txt', text: fx.ISC_TEXT }]);
    assert.equal(r.status, 'spdx');
    assert.equal(r.expression, 'ISC');
    assert.equal(r.source, 'file');
    assert.deepEqual(types(r), []);
  });

  test('see_license_in_a_missing_file_is_unidentified', () => {
    const r = analyze('SEE LICENSE IN LICENSE.txt', [{ path: 'LICENSE', text: fx.MIT_TEXT }]);
    assert.equal(r.status, 'unidentified');
    const f = only(r, 'unidentifiedLicense');
    assert.equal(f.props.reason, 'missing');
  });

  test('see_license_in_a_proprietary_text_is_nonpermissive', () => {
    const r = analyze('SEE LICENSE IN EULA.md', [{ path: './EULA.md', text: fx.PROPRIETARY_TEXT }]);
    assert.equal(r.status, 'proprietary');
    const f = only(r, 'nonpermissiveLicense');
    assert.equal(f.evidence[0]?.file, 'EULA.md');
    assert.equal(f.severity, 'middle');
  });

  test('missing_field_uses_the_license_file_with_evidence', () => {
    const r = analyze(undefined, [{ path: 'index.js' }, { path: 'LICENSE', text: fx.GPL3_TEXT }]);
    assert.equal(r.expression, 'GPL-3.0-only');
    assert.equal(r.source, 'file');
    const f = only(r, 'copyleftLicense');
    assert.deepEqual(f.evidence, [{ file: 'LICENSE', line: 1 }]);
    assert.equal(f.props.source, 'file');
    assert.ok(f.confidence < 1);
  });

  test('several_license_files_are_combined', () => {
    const r = analyze(undefined, [
      { path: 'LICENSE-MIT', text: fx.MIT_TEXT },
      { path: 'LICENSE-APACHE', text: fx.APACHE_TEXT },
    ]);
    assert.equal(r.expression, 'Apache-2.0 AND MIT');
    assert.equal(r.detections.length, 2);
  });

  test('gpl_text_beside_lgpl_text_is_the_lgpl', () => {
    const r = analyze(undefined, [
      { path: 'COPYING', text: fx.GPL3_TEXT },
      { path: 'COPYING.LESSER', text: fx.LGPL3_TEXT },
    ]);
    assert.equal(r.expression, 'LGPL-3.0-only');
    assert.equal(r.effectiveClass, 'weakCopyleft');
  });

  test('nested_license_files_are_not_the_package_license', () => {
    const r = analyze(undefined, [{ path: 'vendor/lib/LICENSE', text: fx.GPL3_TEXT }]);
    assert.equal(r.status, 'none');
    assert.deepEqual(types(r), ['noLicenseFound']);
  });

  test('readme_license_section_is_the_last_resort', () => {
    const readme = '# tool\n\n## Install\n\nnpm i tool\n\n## License\n\nMIT © Example\n';
    const r = analyze(undefined, [{ path: 'README.md', text: readme }]);
    assert.equal(r.expression, 'MIT');
    assert.equal(r.source, 'readme');
    assert.deepEqual(r.detections, [
      { path: 'README.md', expression: 'MIT', method: 'mention', line: 9 },
    ]);
  });

  test('no_license_anywhere', () => {
    const r = analyze(undefined, [{ path: 'README.md', text: '# tool\n\nNo words here.\n' }]);
    const f = only(r, 'noLicenseFound');
    assert.equal(f.severity, 'low');
    assert.equal(r.status, 'none');
  });

  test('unknown_license_text_is_unidentified', () => {
    const r = analyze(undefined, [{ path: 'LICENSE', text: fx.CUSTOM_TEXT }]);
    assert.equal(r.status, 'unidentified');
    assert.deepEqual(types(r), ['unidentifiedLicense']);
  });

  test('an_unusable_field_falls_back_to_the_file_and_is_still_reported', () => {
    const r = analyze('See the LICENSE file, it is nice', [
      { path: 'LICENSE.md', text: fx.BSD3_TEXT },
    ]);
    assert.equal(r.expression, 'BSD-3-Clause');
    assert.equal(r.source, 'file');
    assert.deepEqual(types(r), ['unidentifiedLicense']);
  });

  test('a_restrictive_file_beside_a_permissive_declaration_is_reported', () => {
    const r = analyze('MIT', [
      { path: 'LICENSE', text: fx.MIT_TEXT },
      { path: 'COPYING', text: fx.GPL2_TEXT },
    ]);
    assert.equal(r.expression, 'MIT');
    const f = only(r, 'copyleftLicense');
    assert.equal(f.props.licenseId, 'GPL-2.0-only');
    assert.equal(f.props.declared, 'MIT');
    assert.equal(f.evidence[0]?.file, 'COPYING');
    // A file repeating a declared alternative is not a mismatch.
    const dual = analyze('MIT OR GPL-2.0-or-later', [{ path: 'COPYING', text: fx.GPL2_TEXT }]);
    assert.deepEqual(types(dual), []);
  });

  test('a_license_file_without_text_is_marked_partial', () => {
    const r = analyze('MIT', [{ path: 'LICENSE' }]);
    assert.deepEqual(r.detections, [{ path: 'LICENSE', method: 'none', partial: true }]);
  });

  test('at_most_four_license_files_are_read', () => {
    const files = Array.from({ length: 20 }, (_, i) => ({
      path: `LICENSE-${i}`,
      text: fx.MIT_TEXT,
    }));
    files.push({ path: 'LICENSE', text: fx.ISC_TEXT });
    const r = analyze(undefined, files);
    assert.equal(r.detections.length, 4);
    // The conventional name is read first.
    assert.equal(r.detections[0]?.path, 'LICENSE');
  });
});

describe('manifestLicenseField', () => {
  test('prefers_license_then_licence_then_licenses', () => {
    assert.equal(manifestLicenseField({ license: 'MIT', licenses: [{ type: 'ISC' }] }), 'MIT');
    assert.equal(manifestLicenseField({ licence: 'ISC' }), 'ISC');
    assert.deepEqual(manifestLicenseField({ licenses: [{ type: 'ISC' }] }), [{ type: 'ISC' }]);
    assert.equal(manifestLicenseField({ license: null }), undefined);
  });
});

describe('licenseChange', () => {
  const change = (a: unknown, b: unknown) => licenseChange(analyze(a), analyze(b));

  test('same_license_spelled_differently_is_no_change', () => {
    assert.equal(change('MIT', 'MIT'), undefined);
    assert.equal(change('Apache 2', 'Apache-2.0'), undefined);
    assert.equal(change('GPL-2.0', 'GPL-2.0-only'), undefined);
    assert.equal(change('GPL-2.0+', 'GPL-2.0-or-later'), undefined);
    assert.equal(change('(MIT OR Apache-2.0)', 'Apache-2.0 OR MIT'), undefined);
    assert.equal(change({ type: 'MIT' }, 'MIT'), undefined);
    // A correction guesses the version grant; it is not held against the next version.
    assert.equal(change('GPLv3', 'GPL-3.0-only'), undefined);
    assert.equal(change(undefined, null), undefined);
  });

  test('permissive_to_copyleft_or_unlicensed_is_high', () => {
    for (const next of [
      'GPL-3.0-only',
      'AGPL-3.0-only',
      'UNLICENSED',
      'SSPL-1.0',
      'MIT AND GPL-2.0-only',
    ]) {
      const f = change('MIT', next);
      assert.ok(f !== undefined, next);
      assert.equal(f.severity, 'high', next);
      assert.equal(f.props.direction, 'moreRestrictive');
      assert.equal(f.props.prevLicenseId, 'MIT');
    }
  });

  test('lateral_and_relaxing_changes_are_low', () => {
    const lateral = change('MIT', 'ISC');
    assert.equal(lateral?.severity, 'low');
    assert.equal(lateral?.props.direction, 'sameClass');
    const relaxed = change('GPL-3.0-only', 'MIT');
    assert.equal(relaxed?.severity, 'low');
    assert.equal(relaxed?.props.direction, 'lessRestrictive');
    // AND → OR of the same ids is a real change that frees the user.
    assert.equal(
      change('MIT AND GPL-2.0-only', 'MIT OR GPL-2.0-only')?.props.direction,
      'lessRestrictive',
    );
  });

  test('losing_the_license_is_more_restrictive_but_not_high', () => {
    const f = change('MIT', undefined);
    assert.equal(f?.severity, 'middle');
    assert.equal(f?.props.newLicenseId, 'none');
    assert.equal(change('GPL-2.0-only', 'GPL-3.0-only')?.severity, 'low');
    assert.equal(change('LGPL-2.1-only', 'GPL-2.0-only')?.severity, 'high');
  });
});
