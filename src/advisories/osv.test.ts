/**
 * Record validation: every real record of the corpus normalises, to the npm packages and the
 * malware/withdrawn status that SOURCES.tsv (written independently, when the corpus was
 * collected) says it has; structurally broken records are rejected with a reason.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { normalizeRecord, RECORD_LIMITS } from './osv.js';
import { corpusRecords, OSV_CORPUS_DIR } from './testing.js';

interface SourceRow {
  id: string;
  kind: string;
  path: string;
  packages: string[];
}

function sources(): SourceRow[] {
  const [head, ...rows] = readFileSync(join(OSV_CORPUS_DIR, 'SOURCES.tsv'), 'utf8')
    .trim()
    .split('\n');
  const columns = head!.split('\t');
  return rows.map((line) => {
    const cells = line.split('\t');
    const get = (name: string): string => cells[columns.indexOf(name)] ?? '';
    return {
      id: get('id'),
      kind: get('kind'),
      path: get('path'),
      packages: get('npm_packages').split(',').filter(Boolean),
    };
  });
}

test('every_corpus_record_normalises_as_sources_tsv_describes_it', () => {
  const records = corpusRecords();
  const rows = sources();
  assert.equal(rows.length, records.size);
  for (const row of rows) {
    const result = normalizeRecord(records.get(row.id));
    // Withdrawn: the records the README lists (a `withdrawn` time); SOURCES.tsv does not say.
    const withdrawn = typeof records.get(row.id)?.withdrawn === 'string';
    if (withdrawn) {
      assert.equal(result.kind, 'withdrawn', row.id);
      continue;
    }
    assert.equal(
      result.kind,
      'advisory',
      `${row.id}: ${result.kind === 'malformed' ? result.reason : result.kind}`,
    );
    if (result.kind !== 'advisory') continue;
    assert.deepEqual([...result.packages.keys()].sort(), [...row.packages].sort(), row.id);
    const malware = row.kind === 'malicious' || row.kind.includes('CWE-506');
    for (const advisory of result.packages.values())
      assert.equal(advisory.malicious, malware, row.id);
  }
});

test('withdrawn_records_are_the_five_the_corpus_lists', () => {
  const withdrawn = [...corpusRecords()]
    .filter(([, r]) => normalizeRecord(r).kind === 'withdrawn')
    .map(([id]) => id);
  assert.deepEqual(withdrawn.sort(), [
    'GHSA-27h2-hvpr-p74q',
    'MAL-2023-70',
    'MAL-2025-7048',
    'MAL-2026-4377',
    'MAL-2026-5587',
  ]);
});

test('kept_fields', () => {
  const records = corpusRecords();
  const result = normalizeRecord(records.get('GHSA-qw6h-vgh9-j6wx'));
  assert.ok(result.kind === 'advisory');
  const express = result.packages.get('express')!;
  assert.equal(express.summary, 'express vulnerable to XSS via response.redirect()');
  assert.deepEqual(express.aliases, ['CVE-2024-43796']);
  assert.equal(express.severityLabel, 'MODERATE');
  assert.deepEqual(express.cwes, ['CWE-79']);
  assert.deepEqual(
    express.cvss.map((c) => c.type),
    ['CVSS_V3', 'CVSS_V4'],
  );
  // Two affected entries for the same package merge into one advisory with two ranges.
  assert.equal(express.ranges.length, 2);
  assert.ok(express.references.length <= RECORD_LIMITS.references);
  assert.ok(!('details' in express));
  // The empty CVSS score of GHSA-cqmj-92xf-r6r9 is dropped, not an error.
  const socket = normalizeRecord(records.get('GHSA-cqmj-92xf-r6r9'));
  assert.ok(socket.kind === 'advisory');
  assert.deepEqual(socket.packages.get('socket.io-parser')!.cvss, []);
  // MAL records without summary fields would use the details' first line; MAL-2025-20690 has one.
  const mal = normalizeRecord(records.get('MAL-2025-20690'));
  assert.ok(mal.kind === 'advisory');
  assert.equal(
    mal.packages.get('flatmap-stream')!.summary,
    'Malicious code in flatmap-stream (npm)',
  );
});

test('malformed_records_are_rejected_with_a_reason', () => {
  const base = {
    id: 'GHSA-aaaa-bbbb-cccc',
    modified: '2024-01-01T00:00:00Z',
    affected: [
      {
        package: { ecosystem: 'npm', name: 'x' },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.0' }] }],
      },
    ],
  };
  assert.equal(normalizeRecord(base).kind, 'advisory');
  const cases: [string, unknown, RegExp][] = [
    ['not an object', [base], /not a JSON object/],
    ['id missing', { ...base, id: undefined }, /"id" is not a string/],
    ['id with a path', { ...base, id: '../../etc/passwd' }, /not an OSV id/],
    ['modified not a time', { ...base, modified: 'yesterday' }, /RFC 3339/],
    ['affected not an array', { ...base, affected: {} }, /"affected" is not an array/],
    [
      'package name a path',
      { ...base, affected: [{ package: { ecosystem: 'npm', name: '../x' }, ranges: [] }] },
      /not an npm package name/,
    ],
    [
      'event with two keys',
      {
        ...base,
        affected: [
          {
            package: { ecosystem: 'npm', name: 'x' },
            ranges: [{ type: 'SEMVER', events: [{ introduced: '0', fixed: '1.0.0' }] }],
          },
        ],
      },
      /exactly one of/,
    ],
    [
      'event value a number',
      {
        ...base,
        affected: [
          {
            package: { ecosystem: 'npm', name: 'x' },
            ranges: [{ type: 'SEMVER', events: [{ introduced: 0 }] }],
          },
        ],
      },
      /not a string/,
    ],
    [
      'events empty',
      {
        ...base,
        affected: [
          { package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'SEMVER', events: [] }] },
        ],
      },
      /non-empty array/,
    ],
    [
      'versions not strings',
      { ...base, affected: [{ package: { ecosystem: 'npm', name: 'x' }, versions: [1] }] },
      /versions\[0\]/,
    ],
    ['aliases not an array', { ...base, aliases: 'CVE-1' }, /"aliases" is not an array/],
    ['huge string', { ...base, summary: 'x'.repeat(RECORD_LIMITS.stringChars + 1) }, /longer than/],
    [
      'too many events',
      {
        ...base,
        affected: [
          {
            package: { ecosystem: 'npm', name: 'x' },
            ranges: [
              {
                type: 'SEMVER',
                events: Array.from({ length: RECORD_LIMITS.eventsPerRange + 1 }, () => ({
                  introduced: '0',
                })),
              },
            ],
          },
        ],
      },
      /more than/,
    ],
    [
      'severity entry not an object',
      { ...base, severity: ['CVSS:3.1/AV:N'] },
      /"severity"\[0\] is not an object/,
    ],
  ];
  for (const [name, record, reason] of cases) {
    const result = normalizeRecord(record);
    assert.equal(result.kind, 'malformed', name);
    if (result.kind === 'malformed') assert.match(result.reason, reason, name);
  }
});

test('records_for_other_ecosystems_only', () => {
  const result = normalizeRecord({
    id: 'PYSEC-2021-1',
    modified: '2021-01-01T00:00:00Z',
    affected: [{ package: { ecosystem: 'PyPI', name: 'Django' }, versions: ['1.0'] }],
  });
  assert.equal(result.kind, 'notNpm');
});

test('cwe_506_makes_a_ghsa_malware_but_not_another_database', () => {
  const make = (id: string, cwes: string[]): unknown => ({
    id,
    modified: '2024-01-01T00:00:00Z',
    database_specific: { cwe_ids: cwes },
    affected: [{ package: { ecosystem: 'npm', name: 'x' }, versions: ['1.0.0'] }],
  });
  const malicious = (record: unknown): boolean | undefined => {
    const r = normalizeRecord(record);
    return r.kind === 'advisory' ? r.packages.get('x')?.malicious : undefined;
  };
  assert.equal(malicious(make('GHSA-aaaa-bbbb-cccc', ['CWE-506'])), true);
  assert.equal(malicious(make('GHSA-aaaa-bbbb-cccc', ['CWE-79'])), false);
  assert.equal(malicious(make('MAL-2024-1', [])), true);
  assert.equal(malicious(make('OSV-2024-1', ['CWE-506'])), false);
});
