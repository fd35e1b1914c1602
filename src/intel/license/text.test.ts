/**
 * Tests of the license text matcher: each common license is recognised from an abridged
 * text, indifferent to wrapping and Markdown, without confusing the GNU family members that
 * quote each other.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import * as fx from './fixtures.js';
import {
  identifyLicenseText,
  identifyReadme,
  MAX_LICENSE_TEXT,
  normalizeLicenseText,
} from './text.js';

describe('identifyLicenseText', () => {
  const cases: [string, string, string][] = [
    ['MIT', fx.MIT_TEXT, 'MIT'],
    ['MIT_markdown', fx.MIT_MARKDOWN, 'MIT'],
    ['ISC', fx.ISC_TEXT, 'ISC'],
    ['0BSD', fx.ZERO_BSD_TEXT, '0BSD'],
    ['BSD_2', fx.BSD2_TEXT, 'BSD-2-Clause'],
    ['BSD_3', fx.BSD3_TEXT, 'BSD-3-Clause'],
    ['Apache', fx.APACHE_TEXT, 'Apache-2.0'],
    ['GPL_3', fx.GPL3_TEXT, 'GPL-3.0-only'],
    ['GPL_2', fx.GPL2_TEXT, 'GPL-2.0-only'],
    ['LGPL_2_1', fx.LGPL21_TEXT, 'LGPL-2.1-only'],
    ['LGPL_3', fx.LGPL3_TEXT, 'LGPL-3.0-only'],
    ['AGPL_3', fx.AGPL3_TEXT, 'AGPL-3.0-only'],
    ['MPL_2', fx.MPL2_TEXT, 'MPL-2.0'],
    ['Unlicense', fx.UNLICENSE_TEXT, 'Unlicense'],
    ['CC0', fx.CC0_TEXT, 'CC0-1.0'],
  ];
  for (const [name, text, expected] of cases) {
    test(`recognises_${name}_from_its_clauses`, () => {
      const found = identifyLicenseText(text);
      assert.equal(found.expression, expected);
      assert.equal(found.method, 'text');
      assert.ok(found.line !== undefined && found.line >= 1);
    });
  }

  test('reports_the_line_of_the_first_matching_clause', () => {
    // The GPL-3 title is on line 1; the MIT grant on line 5.
    assert.equal(identifyLicenseText(fx.GPL3_TEXT).line, 1);
    assert.equal(identifyLicenseText(fx.MIT_TEXT).line, 5);
  });

  test('crlf_and_tabs_do_not_change_the_answer', () => {
    const crlf = fx.BSD3_TEXT.replace(/\n/g, '\r\n').replace(/ {2,}/g, '\t');
    assert.equal(identifyLicenseText(crlf).expression, 'BSD-3-Clause');
  });

  test('notices_give_the_version_grant', () => {
    const later = identifyLicenseText(fx.GPL2_LATER_NOTICE);
    assert.equal(later.expression, 'GPL-2.0-or-later');
    assert.equal(later.method, 'notice');
    const only = identifyLicenseText(
      'under the terms of the GNU Lesser General Public License as published by the Free ' +
        'Software Foundation, version 3 of the License.',
    );
    assert.equal(only.expression, 'LGPL-3.0-only');
    assert.equal(identifyLicenseText(fx.APACHE_NOTICE).expression, 'Apache-2.0');
  });

  test('an_spdx_tag_wins_over_the_text', () => {
    const tagged = `/* SPDX-License-Identifier: MIT OR Apache-2.0 */\n${fx.GPL3_TEXT}`;
    const found = identifyLicenseText(tagged);
    assert.equal(found.expression, 'MIT OR Apache-2.0');
    assert.equal(found.method, 'spdx-tag');
  });

  test('a_title_only_file_names_its_license', () => {
    const found = identifyLicenseText('ISC License\n\nCopyright (c) 2020 Someone\n');
    assert.equal(found.expression, 'ISC');
    assert.equal(found.method, 'title');
    // A long text whose first line is a name but whose body is not that license: no guess.
    const long = `MIT\n\n${'lorem ipsum dolor sit amet '.repeat(30)}`;
    assert.equal(identifyLicenseText(long).expression, undefined);
  });

  test('commons_clause_rider_is_proprietary_even_with_the_apache_text', () => {
    const found = identifyLicenseText(fx.COMMONS_CLAUSE_TEXT);
    assert.equal(found.method, 'proprietary');
    assert.equal(found.expression, undefined);
  });

  test('proprietary_and_unknown_texts', () => {
    assert.equal(identifyLicenseText(fx.PROPRIETARY_TEXT).method, 'proprietary');
    assert.equal(identifyLicenseText(fx.CUSTOM_TEXT).method, 'none');
    assert.equal(identifyLicenseText('').method, 'none');
  });

  test('only_the_first_64_KiB_are_read', () => {
    const padding = 'x '.repeat(MAX_LICENSE_TEXT / 2);
    assert.equal(identifyLicenseText(`${padding}\n${fx.MIT_TEXT}`).expression, undefined);
    assert.equal(identifyLicenseText(`${fx.MIT_TEXT}\n${padding}`).expression, 'MIT');
  });
});

describe('normalizeLicenseText', () => {
  test('keeps_version_dots_and_drops_other_punctuation', () => {
    const n = normalizeLicenseText('Version 2.1, February 1999.\n"AS IS" -- and/or');
    assert.equal(n.text, 'version 2.1 february 1999 as is and or');
    assert.equal(n.lineAt(n.text.indexOf('as is')), 2);
  });
});

describe('identifyReadme', () => {
  test('a_license_section_naming_one_license', () => {
    const readme = '# tool\n\nDoes things.\n\n## License\n\nMIT © [Jane](https://example.test)\n';
    const found = identifyReadme(readme);
    assert.equal(found?.expression, 'MIT');
    assert.equal(found?.method, 'mention');
    assert.equal(found?.line, 7);
  });

  test('setext_heading_and_a_license_name', () => {
    const readme = 'Tool\n====\n\nLicence\n-------\n\nReleased under the Apache License 2.0.\n';
    assert.equal(identifyReadme(readme)?.expression, 'Apache-2.0');
  });

  test('two_licenses_named_is_ambiguous', () => {
    const readme = '## License\n\nMIT for the code, GPL-3.0-only for the fonts.\n';
    assert.equal(identifyReadme(readme), undefined);
  });

  test('license_words_outside_the_section_are_ignored', () => {
    const readme = '# x\n\nUnlike MIT-licensed tools, this one...\n\n## Usage\n\nrun it\n';
    assert.equal(identifyReadme(readme), undefined);
    const stops = '## License\n\nSee below.\n\n## Credits\n\nBuilt with MIT-licensed ISC code\n';
    assert.equal(identifyReadme(stops), undefined);
  });

  test('or_later_id_is_not_read_as_its_bare_prefix', () => {
    const readme = '## License\n\nGPL-3.0-or-later\n';
    assert.equal(identifyReadme(readme)?.expression, 'GPL-3.0-or-later');
  });
});
