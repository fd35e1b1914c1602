// The shipped popular list, its file format, and the audit of the index against the list
// itself: every listed name is a real, established package, so none may be called a squat of
// another, and every allowlisted pair must still be a pair the index would otherwise report.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  formatPopularTsv,
  LEGITIMATE_NEIGHBOURS,
  loadPopularIndex,
  parsePopularTsv,
  POPULAR_FILE_URL,
  type PopularEntry,
  type TyposquatIndex,
} from './index.js';

const shipped = parsePopularTsv(readFileSync(POPULAR_FILE_URL, 'utf8'));

function describe(index: TyposquatIndex, name: string, found: { target: string }[]): string {
  return found.map((m) => `${name} (${index.downloadsOf(name)}) → ${JSON.stringify(m)}`).join('\n');
}

test('shipped_list_holds_10000_names_most_downloaded_first', () => {
  assert.equal(shipped.length, 10_000);
  assert.equal(new Set(shipped.map((e) => e.name)).size, shipped.length);
  for (let i = 1; i < shipped.length; i++) {
    assert.ok(shipped[i - 1]!.downloads >= shipped[i]!.downloads, `order at line ${i}`);
  }
  // Generated from the shared top list: same names, same counts.
  const source = parsePopularTsv(
    readFileSync(new URL('../../../../shared/data/npm-popular.tsv', import.meta.url), 'utf8'),
  );
  const counts = new Map(source.map((e) => [e.name, e.downloads]));
  for (const e of shipped) assert.equal(counts.get(e.name), e.downloads, e.name);
});

test('load_popular_index_builds_once', () => {
  const index = loadPopularIndex();
  assert.equal(index, loadPopularIndex());
  assert.equal(index.size, shipped.length);
  assert.equal(index.downloadsOf('semver'), shipped.find((e) => e.name === 'semver')?.downloads);
});

test('no_listed_name_is_a_squat_of_another', () => {
  const index = loadPopularIndex();
  const flagged: string[] = [];
  for (const { name } of shipped) {
    const match = index.check(name);
    if (match) flagged.push(describe(index, name, [match]));
  }
  assert.deepEqual(flagged, []);
});

test('listed_names_checked_as_unknown_only_match_under_the_ratio_rule', () => {
  // The list's own names, checked as if they were not on it: only the download ratio and
  // the allowlist stand between them and a match. The allowlist covers the pairs within 5 %,
  // so even a ratio five times stricter than the default finds nothing.
  const index = loadPopularIndex();
  for (const ratio of [0.01, 0.05]) {
    const flagged: string[] = [];
    for (const { name } of shipped) {
      const found = index.checkAll(name, { evenIfListed: true, minDownloadRatio: ratio });
      if (found.length > 0) flagged.push(describe(index, name, found));
    }
    assert.equal(flagged.join('\n'), '', `ratio ${ratio}`);
  }
});

test('raw_matches_among_listed_names_stay_rare', () => {
  // Without any popularity rule the index does find listed names that look alike
  // (`camelcase`/`camel-case`): real neighbours, which is why popularity decides. This guards
  // the matching rules themselves: docs/typosquat.md reports about 3 %.
  const index = loadPopularIndex();
  let matched = 0;
  for (const { name } of shipped) {
    const found = index.check(name, {
      evenIfListed: true,
      minDownloadRatio: Infinity,
      ignoreNeighbours: true,
    });
    if (found) matched++;
  }
  assert.ok(matched > 0, 'the audit must be able to find something');
  assert.ok(matched < shipped.length * 0.05, `${matched} listed names match another`);
});

test('every_allowlisted_pair_would_match_without_the_allowlist', () => {
  const index = loadPopularIndex();
  const opts = { evenIfListed: true, minDownloadRatio: Infinity, ignoreNeighbours: true };
  for (const { a, b } of LEGITIMATE_NEIGHBOURS) {
    assert.equal(a, a.toLowerCase());
    const ab = index.checkAll(a, opts).some((m) => m.target === b);
    const ba = index.checkAll(b, opts).some((m) => m.target === a);
    assert.ok(ab || ba, `${a} / ${b} no longer match: remove the pair`);
    assert.ok(
      index
        .checkAll(a, { evenIfListed: true, minDownloadRatio: Infinity })
        .every((m) => m.target !== b),
    );
  }
});

test('tsv_round_trips_and_rejects_damage', () => {
  const entries: PopularEntry[] = [
    { name: 'b', downloads: 5 },
    { name: '@s/a', downloads: 9 },
    { name: 'a', downloads: 5 },
  ];
  const text = formatPopularTsv(entries, ['made by a test\nwith a newline']);
  assert.match(
    text,
    /^# made by a test with a newline\nname\tdownloads_last_month\n@s\/a\t9\na\t5\nb\t5\n$/,
  );
  assert.deepEqual(parsePopularTsv(text), [
    { name: '@s/a', downloads: 9 },
    { name: 'a', downloads: 5 },
    { name: 'b', downloads: 5 },
  ]);
  assert.deepEqual(parsePopularTsv('x\t1\r\ny\t2\r\n'), [
    { name: 'x', downloads: 1 },
    { name: 'y', downloads: 2 },
  ]);
  for (const bad of ['a\t-1\n', 'a b\t1\n', 'a\t1\t2\n', 'a\n', '../a\t1\n', 'a\t1e9\n']) {
    assert.throws(
      () => parsePopularTsv(bad, 'test.tsv'),
      /test\.tsv:1: expected/,
      JSON.stringify(bad),
    );
  }
  // A header is only a header on the first data line.
  assert.throws(() => parsePopularTsv('a\t1\nname\tdownloads\n'), /:2:/);
});
