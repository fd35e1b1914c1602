/**
 * Online sources against local HTTP servers (no network): an OSV-API double that serves the
 * corpus's real records, and an npm bulk-advisory double answering in the registry's shape;
 * plus deadlines, size caps and bad answers.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isDepwardenError } from '../errors/index.js';
import { advisoryAlerts } from './alerts.js';
import { npmRangeToOsv, queryNpmBulkAdvisories, queryOsv } from './online.js';
import { compileAffected, isAffected, parseVersion } from './match.js';
import { OSV_RECORDS_DIR, startServer, type LocalServer } from './testing.js';

// What the double answers per query: the ids OSV would (GHSA-27h2 is withdrawn in our copy).
const OSV_ANSWERS: Record<string, string[]> = {
  'lodash@4.17.20': ['GHSA-29mw-wpgm-hmr9', 'GHSA-35jh-r3h4-6jhm', 'GHSA-27h2-hvpr-p74q'],
  'flatmap-stream@0.1.1': ['GHSA-mh6f-8j2x-4483', 'MAL-2025-20690'],
  'lodash@4.17.21': [],
};

let osv: LocalServer;
let npm: LocalServer;

before(async () => {
  osv = await startServer((req, body, res) => {
    if (req.method === 'POST' && req.url === '/v1/querybatch') {
      const { queries } = JSON.parse(body) as {
        queries: {
          package: { name: string; ecosystem: string };
          version: string;
          page_token?: string;
        }[];
      };
      const results = queries.map((q) => {
        const all = OSV_ANSWERS[`${q.package.name}@${q.version}`] ?? [];
        // flatmap-stream's answer comes in two pages.
        if (q.package.name === 'flatmap-stream') {
          return q.page_token === undefined
            ? { vulns: [{ id: all[0], modified: 'x' }], next_page_token: 'page-2' }
            : { vulns: [{ id: all[1], modified: 'x' }] };
        }
        return all.length === 0 ? {} : { vulns: all.map((id) => ({ id, modified: 'x' })) };
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results }));
      return;
    }
    const vuln = /^\/v1\/vulns\/([A-Za-z0-9-]+)$/.exec(req.url ?? '');
    if (req.method === 'GET' && vuln !== null) {
      try {
        res.writeHead(200).end(readFileSync(join(OSV_RECORDS_DIR, `${vuln[1]}.json`)));
      } catch {
        res.writeHead(404).end('{}');
      }
      return;
    }
    if (req.url === '/slow/v1/querybatch') return; // never answers
    if (req.url === '/huge/v1/querybatch')
      return void res
        .writeHead(200)
        .end(JSON.stringify({ results: [], pad: 'x'.repeat(2_000_000) }));
    if (req.url === '/broken/v1/querybatch') return void res.writeHead(200).end('{"results": [');
    if (req.url === '/short/v1/querybatch') return void res.writeHead(200).end('{"results": []}');
    res.writeHead(500).end();
  });
  npm = await startServer((req, _body, res) => {
    if (req.method !== 'POST' || req.url !== '/mirror/-/npm/v1/security/advisories/bulk')
      return void res.writeHead(404).end();
    if (req.headers.authorization !== 'Bearer t0ken') return void res.writeHead(401).end();
    // Modelled on GHSA-35jh-r3h4-6jhm and GHSA-pjwm-rvh2-c87w as the endpoint reports them.
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        lodash: [
          {
            id: 1106913,
            url: 'https://github.com/advisories/GHSA-35jh-r3h4-6jhm',
            title: 'Command Injection in lodash',
            severity: 'high',
            vulnerable_versions: '<4.17.21',
            cwe: ['CWE-77', 'CWE-94'],
            cvss: { score: 7.2, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H' },
          },
        ],
        'ua-parser-js': [
          {
            id: 1102422,
            url: 'https://github.com/advisories/GHSA-pjwm-rvh2-c87w',
            title: 'Embedded malware in ua-parser-js',
            severity: 'critical',
            vulnerable_versions: '=0.7.29 || =0.8.0 || =1.0.0',
            cwe: ['CWE-506'],
            cvss: { score: 0, vectorString: null },
          },
        ],
        'not-asked': [
          {
            id: 1,
            url: 'https://github.com/advisories/GHSA-xxxx-xxxx-xxxx',
            title: 'x',
            severity: 'low',
            vulnerable_versions: '*',
          },
        ],
      }),
    );
  });
});

after(async () => {
  await osv.close();
  await npm.close();
});

test('osv_batch_then_records_validated_like_an_import', async () => {
  const queries = [
    { name: 'lodash', version: '4.17.20' },
    { name: 'flatmap-stream', version: '0.1.1' },
    { name: 'lodash', version: '4.17.21' },
  ];
  const answers = await queryOsv(queries, { baseUrl: `${osv.url}/`, fetch });
  assert.deepEqual(
    answers.map((list) => list.map((a) => a.id)),
    [['GHSA-29mw-wpgm-hmr9', 'GHSA-35jh-r3h4-6jhm'], ['GHSA-mh6f-8j2x-4483', 'MAL-2025-20690'], []],
  );
  // The batch asked for npm, followed the page token, and each record was fetched once.
  const batches = osv.requests.filter((r) => r.path === '/v1/querybatch');
  assert.equal(batches.length, 2);
  assert.ok(batches[0]!.body.includes('"ecosystem":"npm"'));
  assert.ok(batches[1]!.body.includes('"page_token":"page-2"'));
  const fetched = osv.requests
    .filter((r) => r.path.startsWith('/v1/vulns/'))
    .map((r) => r.path)
    .sort();
  assert.deepEqual(fetched, [
    '/v1/vulns/GHSA-27h2-hvpr-p74q',
    '/v1/vulns/GHSA-29mw-wpgm-hmr9',
    '/v1/vulns/GHSA-35jh-r3h4-6jhm',
    '/v1/vulns/GHSA-mh6f-8j2x-4483',
    '/v1/vulns/MAL-2025-20690',
  ]);
  const alerts = advisoryAlerts(answers[1]!, 'flatmap-stream', '0.1.1');
  assert.deepEqual(
    alerts.map((a) => a.type),
    ['malware'],
  );
});

async function rejectsWith(
  promise: Promise<unknown>,
  code: string,
  message: RegExp,
): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isDepwardenError(err), String(err));
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

test('osv_failures_are_coded_and_bounded', async () => {
  const one = [{ name: 'lodash', version: '4.17.20' }];
  const started = Date.now();
  await rejectsWith(
    queryOsv(one, { baseUrl: `${osv.url}/slow`, fetch, timeoutMs: 300 }),
    'REGISTRY_UNREACHABLE',
    /within 300 ms/,
  );
  assert.ok(Date.now() - started < 5000);
  await rejectsWith(
    queryOsv(one, { baseUrl: `${osv.url}/huge`, fetch, maxResponseBytes: 100_000 }),
    'REGISTRY_BAD_RESPONSE',
    /larger than 100000 bytes/,
  );
  await rejectsWith(
    queryOsv(one, { baseUrl: `${osv.url}/broken`, fetch }),
    'REGISTRY_BAD_RESPONSE',
    /not JSON/,
  );
  await rejectsWith(
    queryOsv(one, { baseUrl: `${osv.url}/short`, fetch }),
    'REGISTRY_BAD_RESPONSE',
    /right length/,
  );
  await rejectsWith(
    queryOsv(one, { baseUrl: `${osv.url}/nothing-here`, fetch }),
    'REGISTRY_BAD_RESPONSE',
    /HTTP 500/,
  );
  await rejectsWith(
    queryOsv(one, { baseUrl: `${osv.url}/`, fetch, maxRecords: 1 }),
    'REGISTRY_BAD_RESPONSE',
    /more than 1/,
  );
  await rejectsWith(
    queryOsv(one, { baseUrl: 'ftp://mirror.example/', fetch }),
    'USAGE',
    /not an http\(s\) URL/,
  );
  // Credentials in the base URL never reach a message.
  await assert.rejects(
    queryOsv(one, { baseUrl: `http://user:s3cret@127.0.0.1:1/`, fetch, timeoutMs: 2000 }),
    (err: Error) => !err.message.includes('s3cret'),
  );
});

test('npm_bulk_endpoint_answers_in_the_same_shape', async () => {
  const queries = [
    { name: 'lodash', version: '4.17.20' },
    { name: 'lodash', version: '4.17.21' },
    { name: 'ua-parser-js', version: '0.7.29' },
    { name: 'ua-parser-js', version: '0.7.30' },
  ];
  const answers = await queryNpmBulkAdvisories(queries, {
    registryUrl: `${npm.url}/mirror/`,
    fetch,
    headers: { authorization: 'Bearer t0ken' },
  });
  assert.deepEqual(
    answers.map((list) => list.map((a) => a.id)),
    [['GHSA-35jh-r3h4-6jhm'], [], ['GHSA-pjwm-rvh2-c87w'], []],
  );
  const [request] = npm.requests;
  assert.deepEqual(JSON.parse(request!.body), {
    lodash: ['4.17.20', '4.17.21'],
    'ua-parser-js': ['0.7.29', '0.7.30'],
  });
  const lodash = advisoryAlerts(answers[0]!, 'lodash', '4.17.20');
  assert.deepEqual(
    lodash.map((a) => [
      a.type,
      a.props?.firstPatchedVersion,
      (a.props?.cvss as { score: number }).score,
    ]),
    [['cve', '4.17.21', 7.2]],
  );
  assert.deepEqual(
    advisoryAlerts(answers[2]!, 'ua-parser-js', '0.7.29').map((a) => a.type),
    ['malware'],
  );
  await rejectsWith(
    queryNpmBulkAdvisories(queries, { registryUrl: `${npm.url}/mirror/`, fetch }),
    'REGISTRY_AUTH',
    /HTTP 401/,
  );
});

test('npm_ranges_translate_to_osv_events', () => {
  const affects = (range: string, version: string): boolean => {
    const { ranges, versions } = npmRangeToOsv(range);
    return isAffected(compileAffected(ranges, versions), version, parseVersion(version));
  };
  assert.deepEqual(npmRangeToOsv('<4.17.21').ranges, [
    { type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.21' }] },
  ]);
  assert.deepEqual(npmRangeToOsv('>=1.0.0 <=1.1.8').ranges, [
    { type: 'SEMVER', events: [{ introduced: '1.0.0' }, { last_affected: '1.1.8' }] },
  ]);
  assert.deepEqual(npmRangeToOsv('=0.7.29 || =0.8.0').versions, ['0.7.29', '0.8.0']);
  const table: [string, string, boolean][] = [
    ['>=1.0.0 <1.0.2 || >=2.0.0 <2.1.0', '1.0.1', true],
    ['>=1.0.0 <1.0.2 || >=2.0.0 <2.1.0', '1.5.0', false],
    ['>=1.0.0 <1.0.2 || >=2.0.0 <2.1.0', '2.0.5', true],
    ['*', '99.0.0', true],
    ['<0.0.0-0', '0.0.1', false],
    ['>= 10.1.1 < 10.1.3', '10.1.2', true],
  ];
  for (const [range, version, want] of table)
    assert.equal(affects(range, version), want, `${version} in ${range}`);
  // `>X` is read as `>=X` (flagged); an unparsable range affects everything (flagged).
  assert.deepEqual(npmRangeToOsv('>1.0.0 <2.0.0').unparsed, [
    'introduced: >1.0.0 (read as >=1.0.0)',
  ]);
  const bad = npmRangeToOsv('this is not a range');
  assert.equal(bad.unparsed.length, 1);
  assert.equal(affects('this is not a range', '1.0.0'), true);
});
