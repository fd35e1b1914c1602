/**
 * Advisory database benchmark: import time of the real corpus export, import time and size
 * of a synthetic export shaped like OSV's full npm export, load time, and the time to match
 * 5,000 (name, version) pairs, the size of a big project's dependency tree.
 *
 * Usage: node --import tsx bench/intel/advisories.ts [--records N] [--names N] [--runs N]
 *
 * The full npm export is not available offline, so one is generated in memory, seeded, from
 * the shapes of the real records in shared/corpus/osv: ~94% malicious-package records (MAL-*,
 * mostly `introduced: "0"` on a typosquat name, some versions-only, some bounded, a few
 * withdrawn, with OpenSSF's origins/credits/details padding) and ~6% GitHub advisories
 * (ECOSYSTEM ranges, several per record, last_affected, CVSS vectors, enumerated versions as
 * OSV.dev exports them) concentrated on popular package names. The pairs to match are drawn
 * from shared/data/npm-popular.tsv with random versions, so most names have advisories, as
 * in a real tree. Timings are wall-clock on a shared 2-core machine: min and median of
 * several runs are reported.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { advisoryAlerts, importOsvZip, openAdvisoryDb } from '../../src/advisories/index.js';
import { makeZip, OSV_CORPUS_ZIP, type ZipInput } from '../../src/advisories/testing.js';

const POPULAR = fileURLToPath(new URL('../../../shared/data/npm-popular.tsv', import.meta.url));

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}

const RECORDS = arg('records', 200_000);
const NAMES = arg('names', 60_000);
const RUNS = arg('runs', 7);
const PAIRS = 5000;

/** mulberry32: a small seeded generator, so every run benchmarks the same data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = rng(20_240_917);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
const hex = (n: number): string =>
  Array.from({ length: n }, () => '0123456789abcdef'[int(16)]).join('');
const version = (): string => `${int(12)}.${int(20)}.${int(30)}`;
const iso = (): string =>
  new Date(Date.UTC(2019 + int(7), int(12), 1 + int(28), int(24), int(60), int(60)))
    .toISOString()
    .replace('.000Z', 'Z');

function popularNames(): string[] {
  return readFileSync(POPULAR, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t')[0]!)
    .filter(Boolean);
}

const VECTORS = [
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L',
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N',
  'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H',
  'CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H',
];

/** 5–45 versions between `start` and `end` (the range's own), plus sometimes one outside. */
function versionsInside(start: string, end: string, inclusive: boolean): string[] {
  const [major, minor, patch] = (start === '0' ? end : start).split('.').map(Number) as [
    number,
    number,
    number,
  ];
  const out: string[] = [];
  const count = 5 + int(40);
  for (let i = 0; i < count; i++) {
    // Below `end` when the range starts at 0; above `start` (and below the next major) otherwise.
    if (start === '0')
      out.push(
        i < patch ? `${major}.${minor}.${i}` : `${major}.${Math.max(0, minor - 1 - (i % 5))}.${i}`,
      );
    else out.push(`${major}.${minor}.${patch + i}`);
  }
  if (inclusive) out.push(end);
  if (random() < 0.1) out.push(`${major + 30}.0.0`);
  return [...new Set(out)].filter((v) => !(start === '0' && v === end && !inclusive));
}

function ghsaRecord(id: string, names: string[]): object {
  const affected = names.flatMap((name) => {
    const ranges = 1 + (random() < 0.3 ? int(3) : 0);
    return Array.from({ length: ranges }, () => {
      const start = random() < 0.5 ? '0' : version();
      const end = start === '0' ? version() : `${Number(start.split('.')[0]) + 1}.0.0`;
      const lastAffected = random() < 0.1;
      const entry: Record<string, unknown> = {
        package: { ecosystem: 'npm', name },
        ranges: [
          {
            type: 'ECOSYSTEM',
            events: [{ introduced: start }, lastAffected ? { last_affected: end } : { fixed: end }],
          },
        ],
        database_specific: {
          source:
            'https://github.com/github/advisory-database/blob/main/advisories/github-reviewed/x.json',
        },
      };
      // OSV.dev enumerates the published versions inside ECOSYSTEM ranges in its exports;
      // now and then one more version outside them (ua-parser-js style).
      if (random() < 0.4) entry.versions = versionsInside(start, end, lastAffected);
      return entry;
    });
  });
  const record: Record<string, unknown> = {
    schema_version: '1.4.0',
    id,
    modified: iso(),
    published: iso(),
    aliases: [`CVE-20${10 + int(15)}-${10000 + int(89999)}`],
    summary: `Prototype pollution in ${names[0]}`,
    details:
      `The package ${names[0]} is vulnerable to prototype pollution via the merge function. `.repeat(
        3 + int(6),
      ),
    affected,
    references: Array.from({ length: 3 + int(6) }, (_, i) => ({
      type: i === 0 ? 'ADVISORY' : 'WEB',
      url: `https://github.com/example/${names[0]}/commit/${hex(40)}`,
    })),
    database_specific: {
      cwe_ids: [`CWE-${1 + int(1400)}`],
      severity: pick(['LOW', 'MODERATE', 'HIGH', 'CRITICAL']),
      github_reviewed: true,
      github_reviewed_at: iso(),
      nvd_published_at: null,
    },
  };
  if (random() < 0.85) record.severity = [{ type: 'CVSS_V3', score: pick(VECTORS) }];
  return record;
}

function malRecord(id: string, name: string): object {
  const shape = random();
  const affected: Record<string, unknown> = { package: { ecosystem: 'npm', name } };
  if (shape < 0.7) affected.ranges = [{ type: 'SEMVER', events: [{ introduced: '0' }] }];
  else if (shape < 0.9) affected.versions = Array.from({ length: 1 + int(4) }, version);
  else
    affected.ranges = [
      { type: 'SEMVER', events: [{ introduced: version() }, { fixed: `${20 + int(5)}.0.0` }] },
    ];
  const record: Record<string, unknown> = {
    modified: iso(),
    published: iso(),
    schema_version: '1.5.0',
    id,
    summary: `Malicious code in ${name} (npm)`,
    details: `\n---\n_-= Per source details. Do not edit below this line.=-_\n\n## Source: ossf-package-analysis (${hex(64)})\nThe OpenSSF Package Analysis project identified '${name}' (npm) as malicious.\n\nIt is considered malicious because:\n\n- The package communicates with a domain associated with malicious activity.\n- The package executes one or more commands associated with malicious behavior.\n`,
    affected: [affected],
    credits: [
      {
        name: 'OpenSSF: Package Analysis',
        type: 'FINDER',
        contact: [
          'https://github.com/ossf/package-analysis',
          'https://openssf.slack.com/channels/package_analysis',
        ],
      },
    ],
    database_specific: {
      'malicious-packages-origins': [
        {
          import_time: iso(),
          modified_time: iso(),
          sha256: hex(64),
          source: 'ossf-package-analysis',
          versions: ['1.0.0'],
        },
      ],
    },
  };
  if (random() < 0.02) record.withdrawn = iso();
  return record;
}

function syntheticExport(popular: string[]): { entries: ZipInput[]; bytes: number } {
  const squats = Array.from({ length: Math.max(1000, NAMES - popular.length) }, (_, i) =>
    i % 7 === 0
      ? `@${pick(popular)
          .replace(/^@|\/.*$/g, '')
          .replace(/[^a-z0-9-]/g, '')}-${i}/${pick(popular).replace(/^.*\//, '')}`
      : `${pick(popular).replace(/^.*\//, '')}-${hex(4)}${i}`,
  );
  const entries: ZipInput[] = [];
  let bytes = 0;
  const add = (id: string, record: object): void => {
    const data = JSON.stringify(record, null, 2);
    bytes += data.length;
    entries.push({ name: `${id}.json`, data });
  };
  const ghsa = Math.round(RECORDS * 0.06);
  for (let i = 0; i < ghsa; i++) {
    // Skewed towards the most popular names, as real advisories are.
    const names = Array.from(
      { length: random() < 0.1 ? 2 + int(3) : 1 },
      () => popular[Math.floor(popular.length * random() ** 1.5)]!,
    );
    add(
      `GHSA-${hex(4)}-${hex(4)}-${i.toString(36).padStart(4, '0')}`,
      ghsaRecord(`GHSA-${i}`, [...new Set(names)]),
    );
  }
  for (let i = 0; i < RECORDS - ghsa; i++) {
    // A few malware records hit popular names (compromised releases), the rest typosquats.
    const name = random() < 0.002 ? pick(popular) : squats[i % squats.length]!;
    add(`MAL-2025-${i}`, malRecord(`MAL-2025-${i}`, name));
  }
  return { entries, bytes };
}

function stats(samples: number[]): { min: number; median: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { min: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]! };
}

const rows: [string, string, string][] = [];
const ms = (n: number): string => `${n.toFixed(1)} ms`;
const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
function row(what: string, samples: number[], note = ''): void {
  const { min, median } = stats(samples);
  rows.push([what, `${ms(min)} / ${ms(median)}`, note]);
  process.stderr.write(`${what}: min ${ms(min)}, median ${ms(median)} ${note}\n`);
}

async function time<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const start = performance.now();
  const value = await fn();
  return [performance.now() - start, value];
}

const work = mkdtempSync(join(tmpdir(), 'depwarden-bench-adv-'));
try {
  // 1. The real corpus export.
  const corpus = readFileSync(OSV_CORPUS_ZIP);
  const corpusTimes: number[] = [];
  let corpusRecords = 0;
  for (let i = 0; i < RUNS * 3; i++) {
    const [t, result] = await time(() => importOsvZip(corpus, { dataDir: join(work, 'corpus') }));
    corpusTimes.push(t);
    corpusRecords = result.info.records;
  }
  row(
    'import corpus npm-all.zip',
    corpusTimes,
    `${corpusRecords} records, ${(corpus.length / 1024).toFixed(0)} KB zip`,
  );

  // 2. The synthetic full export.
  const popular = popularNames();
  const [tGen, generated] = await time(() => syntheticExport(popular));
  const [tZip, zip] = await time(() => makeZip(generated.entries));
  process.stderr.write(
    `generated ${generated.entries.length} records (${mb(generated.bytes)} JSON) in ${ms(tGen)}, zipped to ${mb(zip.length)} in ${ms(tZip)}\n`,
  );
  const importTimes: number[] = [];
  let imported: Awaited<ReturnType<typeof importOsvZip>> | undefined;
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    const [t, result] = await time(() => importOsvZip(zip, { dataDir: join(work, 'full') }));
    importTimes.push(t);
    imported = result;
  }
  const s = imported!.stats;
  row(
    'import synthetic full export',
    importTimes,
    `${s.entries} entries → ${s.records} records, ${s.packages} packages, ${s.withdrawn} withdrawn, ${s.malformed} malformed; zip ${mb(zip.length)}, DB ${mb(imported!.dbBytes)}`,
  );

  // 3. Load.
  const loadTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const [t, db] = await time(() => openAdvisoryDb(join(work, 'full')));
    loadTimes.push(t);
    db.close();
  }
  row('load database (open)', loadTimes, `${mb(imported!.dbBytes)} file`);

  // 4. Match 5,000 popular (name, version) pairs.
  const pairs = Array.from({ length: PAIRS }, () => {
    const name = popular[Math.floor(popular.length * random() ** 1.5)]!;
    const v = random() < 0.05 ? `${version()}-beta.${int(5)}` : version();
    return [name, v] as const;
  });
  const cold: number[] = [];
  const warm: number[] = [];
  const alerts: number[] = [];
  let matched = 0;
  let alertCount = 0;
  for (let i = 0; i < RUNS; i++) {
    const db = await openAdvisoryDb(join(work, 'full'));
    const run = (): number => {
      let n = 0;
      for (const [name, v] of pairs) n += db.match(name, v).length;
      return n;
    };
    const [tCold, n] = await time(run);
    cold.push(tCold);
    warm.push((await time(run))[0]);
    matched = n;
    alerts.push(
      (
        await time(() => {
          alertCount = 0;
          for (const [name, v] of pairs)
            alertCount += advisoryAlerts(db.match(name, v), name, v).length;
        })
      )[0],
    );
    db.close();
  }
  const names = new Set(pairs.map(([n]) => n)).size;
  row(
    `match ${PAIRS} pairs, first time (decodes lines)`,
    cold,
    `${names} distinct names, ${matched} matches; target < 200 ms`,
  );
  row(`match ${PAIRS} pairs, again (decoded)`, warm);
  row(`match + advisoryAlerts ${PAIRS} pairs`, alerts, `${alertCount} alerts`);

  const width = Math.max(...rows.map((r) => r[0].length));
  const timeWidth = Math.max(...rows.map((r) => r[1].length), 'min / median'.length);
  console.log(`${'step'.padEnd(width)}  ${'min / median'.padEnd(timeWidth)}  notes`);
  console.log(`${'-'.repeat(width)}  ${'-'.repeat(timeWidth)}  -----`);
  for (const [what, t, note] of rows)
    console.log(`${what.padEnd(width)}  ${t.padEnd(timeWidth)}  ${note}`);
  console.log(
    `\nNode ${process.version}, ${RUNS} runs (corpus ${RUNS * 3}, full import ${Math.min(RUNS, 3)}).`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
