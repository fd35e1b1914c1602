/**
 * Matching, on the real OSV records of shared/corpus/osv imported from its all.zip. Every
 * expectation below was read off the record named next to it (its ranges and versions), not
 * taken from this code's output; synthetic records cover only what no real record has
 * (`limit` events, unsorted events).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  compileAffected,
  describeAffected,
  firstPatchedVersion,
  isAffected,
  parseVersion,
} from './match.js';
import { normalizeRecord } from './osv.js';
import { importOsvZip, openAdvisoryDb, type AdvisoryDb } from './store.js';
import { OSV_CORPUS_ZIP, OSV_RECORDS_DIR } from './testing.js';

let dir: string;
let db: AdvisoryDb;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'depwarden-adv-match-'));
  await importOsvZip(OSV_CORPUS_ZIP, { dataDir: dir });
  db = await openAdvisoryDb(dir);
});

after(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

function ids(name: string, version: string): string[] {
  return db
    .match(name, version)
    .map((a) => a.id)
    .sort();
}

/** Asserts which of `versions` the advisory `id` affects for `name`. */
function expectAffected(id: string, name: string, table: Record<string, boolean>): void {
  for (const [version, affected] of Object.entries(table)) {
    assert.equal(
      ids(name, version).includes(id),
      affected,
      `${id} for ${name}@${version}: expected ${affected ? '' : 'not '}affected`,
    );
  }
}

describe('explicit_versions', () => {
  test('coa_lists_one_affected_entry_per_bad_version_without_ranges', () => {
    // GHSA-73qr-pfmq-6rp8: versions 2.0.3, 2.0.4, 2.1.1, 2.1.3, 3.0.1, 3.1.3 only.
    expectAffected('GHSA-73qr-pfmq-6rp8', 'coa', {
      '2.0.3': true,
      '2.0.4': true,
      '2.1.1': true,
      '2.1.3': true,
      '3.0.1': true,
      '3.1.3': true,
      '2.0.2': false,
      '2.1.0': false,
      '2.1.2': false,
      '3.1.2': false,
    });
  });

  test('rc_versions_only', () => {
    // GHSA-g2q5-5433-rhrf: 1.2.9, 1.3.9, 2.3.9.
    expectAffected('GHSA-g2q5-5433-rhrf', 'rc', {
      '1.2.9': true,
      '1.3.9': true,
      '2.3.9': true,
      '1.2.8': false,
      '1.3.8': false,
    });
  });

  test('scoped_package_with_versions_only', () => {
    // MAL-2022-81: @arkadium/eagle-user-client 9.99.999 and 9.1.1.
    expectAffected('MAL-2022-81', '@arkadium/eagle-user-client', {
      '9.99.999': true,
      '9.1.1': true,
      '9.1.2': false,
    });
    assert.deepEqual(ids('eagle-user-client', '9.1.1'), [], 'the unscoped name is another package');
  });
});

describe('last_affected', () => {
  test('ip_last_affected_is_inclusive', () => {
    // GHSA-78xj-cgh5-2h22: introduced 0, last_affected 1.1.8.
    expectAffected('GHSA-78xj-cgh5-2h22', 'ip', {
      '0.0.1': true,
      '1.1.8': true,
      '1.1.9': false,
      '2.0.0': false,
    });
  });

  test('same_advisory_fixed_for_one_package_last_affected_for_another', () => {
    // GHSA-29mw-wpgm-hmr9: lodash fixed 4.17.21; lodash.trim and lodash.trimend last_affected 4.5.1.
    expectAffected('GHSA-29mw-wpgm-hmr9', 'lodash', { '4.17.20': true, '4.17.21': false });
    expectAffected('GHSA-29mw-wpgm-hmr9', 'lodash.trim', { '4.5.1': true, '4.5.2': false });
    expectAffected('GHSA-29mw-wpgm-hmr9', 'lodash.trimend', { '4.5.1': true, '4.6.0': false });
  });

  test('open_range_union_with_a_bounded_one_flags_every_version', () => {
    // MAL-2025-47141 @ctrl/tinycolor and MAL-2025-47131 @ctrl/deluge: introduced 0 (open)
    // plus a bounded last_affected range; the union is every version.
    expectAffected('MAL-2025-47141', '@ctrl/tinycolor', {
      '3.0.0': true,
      '4.1.1': true,
      '4.1.3': true,
      '99.0.0': true,
    });
    expectAffected('MAL-2025-47131', '@ctrl/deluge', {
      '1.0.0': true,
      '7.2.2': true,
      '7.2.3': true,
    });
  });
});

describe('multiple_ranges', () => {
  test('socket_io_parser_two_branches', () => {
    // GHSA-cqmj-92xf-r6r9: [4.0.0, 4.2.3) and [3.4.0, 3.4.3).
    expectAffected('GHSA-cqmj-92xf-r6r9', 'socket.io-parser', {
      '3.3.3': false,
      '3.4.0': true,
      '3.4.2': true,
      '3.4.3': false,
      '3.5.0': false,
      '4.0.0': true,
      '4.2.2': true,
      '4.2.3': false,
    });
  });

  test('ansi_regex_four_branches_and_a_malware_version', () => {
    // GHSA-93q8-gq69-wqmw: [3.0.0,3.0.1) [4.0.0,4.1.1) [5.0.0,5.0.1) [6.0.0,6.0.1).
    expectAffected('GHSA-93q8-gq69-wqmw', 'ansi-regex', {
      '2.1.1': false,
      '3.0.0': true,
      '3.0.1': false,
      '4.1.0': true,
      '4.1.1': false,
      '5.0.0': true,
      '5.0.1': false,
      '6.0.0': true,
      '6.0.1': false,
      '6.2.1': false,
    });
    // MAL-2025-46966: the compromised 6.2.1 only.
    expectAffected('MAL-2025-46966', 'ansi-regex', {
      '6.2.1': true,
      '6.2.0': false,
      '6.2.2': false,
    });
  });

  test('node_fetch_two_part_introduced_version', () => {
    // GHSA-r683-j2x4-v87g: [1.0, 3.1.1) with "1.0" a two-part version, and [0, 2.6.7).
    expectAffected('GHSA-r683-j2x4-v87g', 'node-fetch', {
      '0.9.0': true,
      '1.0.0': true,
      '2.6.7': true,
      '3.1.0': true,
      '3.1.1': false,
    });
  });
});

describe('other_ecosystems_and_withdrawn', () => {
  test('maven_affected_entry_is_ignored', () => {
    // GHSA-rc47-6667-2j5j: npm http-cache-semantics <4.1.1, and the Maven webjar.
    expectAffected('GHSA-rc47-6667-2j5j', 'http-cache-semantics', {
      '4.1.0': true,
      '4.1.1': false,
    });
    assert.deepEqual(ids('org.webjars.npm:http-cache-semantics', '4.1.0'), []);
    const record = normalizeRecord(readRecord('GHSA-rc47-6667-2j5j'));
    assert.equal(record.kind, 'advisory');
    if (record.kind === 'advisory')
      assert.deepEqual([...record.packages.keys()], ['http-cache-semantics']);
  });

  test('nuget_affected_entry_is_ignored', () => {
    // GHSA-8hfj-j24r-96c4 (moment): npm and NuGet; only npm's kept.
    const record = normalizeRecord(readRecord('GHSA-8hfj-j24r-96c4'));
    assert.equal(record.kind, 'advisory');
    if (record.kind === 'advisory') assert.deepEqual([...record.packages.keys()], ['moment']);
  });

  test('withdrawn_records_are_never_matched', () => {
    // GHSA-27h2-hvpr-p74q (jsonwebtoken < 9.0.0) is withdrawn; the other jsonwebtoken
    // advisories with the same range still match.
    const found = ids('jsonwebtoken', '8.5.1');
    assert.ok(!found.includes('GHSA-27h2-hvpr-p74q'));
    assert.ok(found.includes('GHSA-8cf7-32gw-wr33'));
    // MAL-2023-70 (@xivart/edge, introduced 0) and MAL-2026-4377 (@ctrl/plex) are withdrawn.
    assert.deepEqual(ids('@xivart/edge', '1.0.0'), []);
    assert.deepEqual(ids('@ctrl/plex', '1.0.0'), []);
  });
});

describe('prereleases', () => {
  test('prerelease_bounds_and_prereleases_of_the_fixed_version', () => {
    // GHSA-f9xv-q969-pqx4 (yaml): [2.0.0-5, 2.2.2).
    expectAffected('GHSA-f9xv-q969-pqx4', 'yaml', {
      '1.10.2': false,
      '2.0.0-4': false,
      '2.0.0-5': true,
      '2.0.0': true,
      '2.2.1': true,
      '2.2.2-rc.1': true,
      '2.2.2': false,
    });
  });

  test('express_5_prereleases', () => {
    // GHSA-qw6h-vgh9-j6wx: [0, 4.20.0) and [5.0.0-alpha.1, 5.0.0).
    expectAffected('GHSA-qw6h-vgh9-j6wx', 'express', {
      '4.19.2': true,
      '4.20.0': false,
      '5.0.0-alpha.0': false,
      '5.0.0-alpha.1': true,
      '5.0.0-beta.3': true,
      '5.0.0': false,
    });
    // GHSA-rv95-896h-c2vc: [0, 4.19.2) and [5.0.0-alpha.1, 5.0.0-beta.3).
    expectAffected('GHSA-rv95-896h-c2vc', 'express', {
      '4.19.1': true,
      '4.19.2': false,
      '5.0.0-beta.2': true,
      '5.0.0-beta.3': false,
      '5.0.0': false,
    });
  });

  test('node_fetch_beta_range', () => {
    // GHSA-w7rc-rwvf-8q5r: [0, 2.6.1) and [3.0.0-beta.1, 3.0.0-beta.9).
    expectAffected('GHSA-w7rc-rwvf-8q5r', 'node-fetch', {
      '2.6.0': true,
      '2.6.1': false,
      '3.0.0-beta.8': true,
      '3.0.0-beta.9': false,
      '3.0.0': false,
    });
  });
});

describe('malware', () => {
  test('ua_parser_js_2021', () => {
    // GHSA-pjwm-rvh2-c87w: 0.7.29, 0.8.0, 1.0.0 (each a one-version range plus versions[]).
    expectAffected('GHSA-pjwm-rvh2-c87w', 'ua-parser-js', {
      '0.7.28': false,
      '0.7.29': true,
      '0.7.30': false,
      '0.8.0': true,
      '0.8.1': false,
      '1.0.0': true,
      '1.0.1': false,
    });
    assert.ok(
      db.match('ua-parser-js', '0.7.29').find((a) => a.id === 'GHSA-pjwm-rvh2-c87w')?.malicious,
    );
  });

  test('event_stream_and_flatmap_stream', () => {
    // GHSA-mh6f-8j2x-4483: event-stream [3.3.6, 4.0.0) + 3.3.6; flatmap-stream every version.
    expectAffected('GHSA-mh6f-8j2x-4483', 'event-stream', {
      '3.3.5': false,
      '3.3.6': true,
      '4.0.0': false,
    });
    expectAffected('GHSA-mh6f-8j2x-4483', 'flatmap-stream', { '0.1.0': true, '0.1.1': true });
    // MAL-2025-20690: flatmap-stream, introduced 0.
    assert.deepEqual(ids('flatmap-stream', '0.1.1'), ['GHSA-mh6f-8j2x-4483', 'MAL-2025-20690']);
    assert.ok(db.match('flatmap-stream', '0.1.1').every((a) => a.malicious));
  });

  test('node_ipc_protestware', () => {
    // GHSA-97m3-w2cp-4xx6: [10.1.1, 10.1.3).
    expectAffected('GHSA-97m3-w2cp-4xx6', 'node-ipc', {
      '9.2.1': false,
      '10.1.0': false,
      '10.1.1': true,
      '10.1.2': true,
      '10.1.3': false,
    });
  });

  test('solana_web3_scoped_range', () => {
    // MAL-2024-11183: @solana/web3.js [1.95.6, 1.95.8).
    expectAffected('MAL-2024-11183', '@solana/web3.js', {
      '1.95.5': false,
      '1.95.6': true,
      '1.95.7': true,
      '1.95.8': false,
    });
  });
});

describe('quirks', () => {
  test('package_names_are_case_sensitive', () => {
    // GHSA-8hc4-vh64-cxmj names "Axios" (capital A), [1.3.2, 1.7.4): npm names are exact.
    expectAffected('GHSA-8hc4-vh64-cxmj', 'Axios', { '1.7.3': true, '1.7.4': false });
    expectAffected('GHSA-8hc4-vh64-cxmj', 'axios', { '1.7.3': false });
  });

  test('unparsable_fixed_bound_keeps_the_advisory_flagged', () => {
    // GHSA-h755-8qp9-cq85: introduced 6.10.0, "fixed": "7.2.4, 6.11.4" (not a version).
    const found = db.match('protobufjs', '7.2.5').find((a) => a.id === 'GHSA-h755-8qp9-cq85');
    assert.ok(found, 'still flagged above the unreadable fix');
    assert.deepEqual(found.unparsedBounds, ['fixed: 7.2.4, 6.11.4']);
    expectAffected('GHSA-h755-8qp9-cq85', 'protobufjs', { '6.9.0': false, '6.10.0': true });
  });

  test('versions_covered_by_ranges_are_not_stored_twice', () => {
    // MAL-2023-603 (mintel-tokens): introduced 0 and versions [4.999.0, …]: the range covers all.
    const [advisory] = db.match('mintel-tokens', '4.999.0');
    assert.equal(advisory?.id, 'MAL-2023-603');
    assert.deepEqual(advisory.versions, []);
    assert.ok(ids('mintel-tokens', '0.0.1').includes('MAL-2023-603'));
  });

  test('unknown_package_and_non_semver_versions', () => {
    assert.deepEqual(ids('no-such-package-here', '1.0.0'), []);
    // A version that is not SemVer cannot be placed in a range; only an exact listing matches.
    assert.deepEqual(ids('lodash', 'github:lodash/lodash#abc'), []);
    assert.deepEqual(ids('__proto__', '1.0.0'), []);
  });
});

describe('schema_semantics_on_synthetic_records', () => {
  const record = (events: object[], type = 'SEMVER'): Parameters<typeof compileAffected> => {
    const r = normalizeRecord({
      id: 'TEST-1',
      modified: '2024-01-01T00:00:00Z',
      affected: [{ package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type, events }] }],
    });
    assert.equal(r.kind, 'advisory');
    const a = r.kind === 'advisory' ? r.packages.get('x')! : undefined;
    return [a!.ranges, a!.versions];
  };
  const check = (
    args: Parameters<typeof compileAffected>,
    table: Record<string, boolean>,
  ): void => {
    const compiled = compileAffected(...args);
    for (const [v, want] of Object.entries(table))
      assert.equal(isAffected(compiled, v, parseVersion(v)), want, v);
  };

  test('limit_events_bound_the_range', () => {
    check(record([{ introduced: '1.0.0' }, { limit: '2.0.0' }]), {
      '0.9.0': false,
      '1.0.0': true,
      '1.9.9': true,
      '2.0.0': false,
      '3.0.0': false,
    });
    check(record([{ introduced: '1.0.0' }, { limit: '*' }]), { '1.0.0': true, '9.0.0': true });
    // Several limits: before any one of them.
    check(record([{ introduced: '1.0.0' }, { limit: '2.0.0' }, { limit: '3.0.0' }]), {
      '2.5.0': true,
      '3.0.0': false,
    });
  });

  test('unsorted_events_are_evaluated_in_version_order', () => {
    check(
      record([
        { fixed: '3.2.5' },
        { introduced: '3.0.0' },
        { fixed: '1.0.2' },
        { introduced: '1.0.0' },
      ]),
      {
        '0.9.0': false,
        '1.0.1': true,
        '1.0.2': false,
        '2.0.0': false,
        '3.1.0': true,
        '3.2.5': false,
      },
    );
  });

  test('git_ranges_are_ignored_and_missing_introduced_counts_from_zero', () => {
    check(record([{ introduced: 'abc123' }, { fixed: 'def456' }], 'GIT'), { '1.0.0': false });
    const r = normalizeRecord({
      id: 'TEST-2',
      modified: '2024-01-01T00:00:00Z',
      affected: [
        {
          package: { ecosystem: 'npm', name: 'x' },
          ranges: [{ type: 'SEMVER', events: [{ fixed: '2.0.0' }] }],
        },
      ],
    });
    assert.ok(r.kind === 'advisory');
    const a = r.packages.get('x')!;
    assert.deepEqual(a.unparsedBounds, ['introduced: (missing)']);
    check([a.ranges, a.versions], { '1.0.0': true, '2.0.0': false });
  });

  test('listed_versions_match_exactly_even_when_not_semver', () => {
    const r = normalizeRecord({
      id: 'TEST-3',
      modified: '2024-01-01T00:00:00Z',
      affected: [{ package: { ecosystem: 'npm', name: 'x' }, versions: ['2.0.0', 'weird-tag'] }],
    });
    assert.ok(r.kind === 'advisory');
    const a = r.packages.get('x')!;
    check([a.ranges, a.versions], {
      '2.0.0': true,
      'weird-tag': true,
      weird: false,
      '2.0.1': false,
    });
  });

  test('first_patched_version_is_the_lowest_fixed_above', () => {
    // node-fetch GHSA-r683: fixed 3.1.1 and 2.6.7.
    const [a] = db.match('node-fetch', '2.6.0').filter((x) => x.id === 'GHSA-r683-j2x4-v87g');
    assert.ok(a);
    assert.equal(firstPatchedVersion(a.ranges, '2.6.0'), '2.6.7');
    assert.equal(firstPatchedVersion(a.ranges, '3.0.0'), '3.1.1');
    assert.equal(firstPatchedVersion(a.ranges, '3.1.1'), undefined);
    assert.equal(describeAffected(a.ranges, a.versions), '>=1.0.0 <3.1.1 || <2.6.7');
  });
});

function readRecord(id: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(OSV_RECORDS_DIR, `${id}.json`), 'utf8')) as Record<
    string,
    unknown
  >;
}
