/**
 * Tests of the license field reader: SPDX parsing, correction of the misspellings seen in
 * published manifests, npm's special values and legacy shapes, and canonical printing.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  correctExpression,
  formatExpression,
  MAX_EXPRESSION_LENGTH,
  parseExpression,
  readManifestLicense,
} from './expression.js';

describe('readManifestLicense', () => {
  test('valid_expressions_are_not_corrected', () => {
    for (const value of ['MIT', '(MIT OR Apache-2.0)', 'GPL-2.0', 'LicenseRef-Example']) {
      const r = readManifestLicense(value);
      assert.equal(r.kind, 'spdx', value);
      assert.ok(r.kind === 'spdx' && r.corrected === undefined, value);
    }
  });

  test('common_misspellings_are_corrected_and_recorded', () => {
    const cases: [string, string][] = [
      ['Apache 2.0', 'Apache-2.0'],
      ['Apache 2', 'Apache-2.0'],
      ['MIT License', 'MIT'],
      ['The MIT License (MIT)', 'MIT'],
      ['mit', 'MIT'],
      ['ISC License', 'ISC'],
      ['BSD', 'BSD-2-Clause'],
      ['GPLv3', 'GPL-3.0-or-later'],
      ['GPL v2 or later', 'GPL-2.0-or-later'],
      ['LGPL 2.1', 'LGPL-2.1-only'],
      ['Eclipse Public License', 'EPL-1.0'],
    ];
    for (const [input, expected] of cases) {
      const r = readManifestLicense(input);
      assert.equal(r.kind, 'spdx', input);
      if (r.kind !== 'spdx') continue;
      assert.equal(r.expression, expected, input);
      assert.deepEqual(r.corrected, { from: input, to: expected }, input);
    }
  });

  test('compound_strings_are_corrected_operand_by_operand', () => {
    // spdx-correct alone turns "MIT AND BSD" into BSD-2-Clause, losing MIT.
    const cases: [string, string][] = [
      ['MIT AND BSD', 'MIT AND BSD-2-Clause'],
      ['mit or apache-2.0', 'MIT OR Apache-2.0'],
      ['(mit OR Apache 2.0) and isc', '(MIT OR Apache-2.0) AND ISC'],
      ['MIT/Apache-2.0', 'MIT OR Apache-2.0'],
      [
        'gpl-2.0-or-later with classpath-exception-2.0',
        'GPL-2.0-or-later WITH Classpath-exception-2.0',
      ],
    ];
    for (const [input, expected] of cases) {
      const r = readManifestLicense(input);
      assert.ok(r.kind === 'spdx', input);
      assert.equal(r.expression, expected, input);
    }
  });

  test('implausible_guesses_are_refused', () => {
    // spdx-correct maps these to UPL-1.0 and to MIT (dropping the unknown exception).
    for (const input of ['EUPL', 'MIT with foo-exception', 'Public Domain', 'see the file']) {
      assert.equal(readManifestLicense(input).kind, 'invalid', input);
    }
  });

  test('npm_special_values', () => {
    assert.equal(readManifestLicense('UNLICENSED').kind, 'unlicensed');
    assert.equal(readManifestLicense('unlicensed').kind, 'unlicensed');
    // The public-domain dedication with the similar name is a real SPDX id.
    assert.equal(readManifestLicense('Unlicense').kind, 'spdx');
    const see = readManifestLicense('SEE LICENSE IN LICENSE.txt');
    assert.ok(see.kind === 'seeFile');
    assert.equal(see.file, 'LICENSE.txt');
    assert.equal(readManifestLicense('SEE LICENCE IN ./docs/EULA.md').kind, 'seeFile');
  });

  test('proprietary_markers_are_not_corrected_into_open_licenses', () => {
    for (const input of [
      'Commercial',
      'PROPRIETARY',
      'Apache-2.0 WITH Commons-Clause',
      'Private',
    ]) {
      assert.equal(readManifestLicense(input).kind, 'proprietary', input);
    }
  });

  test('missing_and_wrong_types', () => {
    assert.equal(readManifestLicense(undefined).kind, 'missing');
    assert.equal(readManifestLicense(null).kind, 'missing');
    assert.equal(readManifestLicense('   ').kind, 'missing');
    const n = readManifestLicense(42);
    assert.ok(n.kind === 'invalid');
    assert.match(n.reason, /number/);
    assert.equal(readManifestLicense(true).kind, 'invalid');
    assert.equal(readManifestLicense({ name: 'MIT' }).kind, 'invalid');
  });

  test('legacy_object_and_array', () => {
    const obj = readManifestLicense({ type: 'MIT', url: 'https://example.test/mit' });
    assert.ok(obj.kind === 'spdx' && obj.legacy);
    assert.equal(obj.expression, 'MIT');
    const arr = readManifestLicense([
      { type: 'MIT', url: 'https://example.test/MIT' },
      { type: 'GPL-2.0', url: 'https://example.test/GPL' },
    ]);
    assert.ok(arr.kind === 'spdx' && arr.legacy);
    assert.equal(arr.expression, 'MIT OR GPL-2.0');
    assert.equal(arr.corrected, undefined);
    const mixed = readManifestLicense([{ type: 'Apache 2' }, 'nonsense-license-name', 7]);
    assert.ok(mixed.kind === 'spdx');
    assert.equal(mixed.expression, 'Apache-2.0');
    assert.ok(mixed.corrected !== undefined);
    assert.equal(readManifestLicense([]).kind, 'invalid');
    assert.equal(readManifestLicense([{ type: 'UNLICENSED' }]).kind, 'unlicensed');
  });

  test('hostile_sizes_are_bounded', () => {
    const long = `MIT OR ${'a'.repeat(MAX_EXPRESSION_LENGTH)}`;
    const started = process.hrtime.bigint();
    assert.equal(readManifestLicense(long).kind, 'invalid');
    assert.equal(parseExpression(long), undefined);
    // Well under the quadratic parser's cost on such input; a loose bound for slow CI.
    assert.ok(process.hrtime.bigint() - started < 2_000_000_000n);
    const many = Array.from({ length: 1000 }, () => ({ type: 'MIT' }));
    const r = readManifestLicense(many);
    assert.ok(r.kind === 'spdx');
    assert.equal(r.expression.split(' OR ').length, 16);
  });
});

describe('formatExpression', () => {
  test('adds_parentheses_only_where_precedence_needs_them', () => {
    const tree = parseExpression('(MIT OR ISC) AND (GPL-2.0-only WITH Classpath-exception-2.0)');
    assert.ok(tree !== undefined);
    assert.equal(
      formatExpression(tree),
      '(MIT OR ISC) AND GPL-2.0-only WITH Classpath-exception-2.0',
    );
    const or = parseExpression('MIT OR (ISC AND Zlib)');
    assert.ok(or !== undefined);
    assert.equal(formatExpression(or), 'MIT OR ISC AND Zlib');
    // What is printed parses back to the same tree.
    assert.deepEqual(parseExpression(formatExpression(tree)), tree);
    assert.deepEqual(parseExpression(formatExpression(or)), or);
    assert.equal(formatExpression({ license: 'Apache-2.0', plus: true }), 'Apache-2.0+');
  });
});

describe('correctExpression', () => {
  test('keeps_or_later_inside_its_operand', () => {
    const tree = correctExpression('GPL v2 or any later version');
    assert.deepEqual(tree, { license: 'GPL-2.0-or-later' });
  });
});
