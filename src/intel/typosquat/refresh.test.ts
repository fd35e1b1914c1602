// Refreshing the popular list: the download counts client against a local fake of the API
// (batches, scoped names, unknown names, rate limiting, failures, oversized answers), and
// scripts/refresh-popular.ts end to end (offline, online, and the usage exit).
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fetchDownloadCounts, parsePopularTsv } from './index.js';

const counts: Record<string, number> = {
  'left-pad': 10,
  lodash: 500,
  react: 300,
  '@types/node': 900,
};
const requests: string[] = [];
let failuresBeforeSuccess = 0;
let mode: 'normal' | 'broken' | 'huge' = 'normal';

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '';
  requests.push(url);
  const prefix = '/api/downloads/point/last-month/';
  if (!url.startsWith(prefix)) {
    res.writeHead(404).end();
    return;
  }
  if (mode === 'broken') {
    res.writeHead(500).end('down');
    return;
  }
  if (failuresBeforeSuccess > 0) {
    failuresBeforeSuccess--;
    res.writeHead(429, { 'retry-after': '0' }).end();
    return;
  }
  if (mode === 'huge') {
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(`{"x":"${'a'.repeat(3 * 1024 * 1024)}"}`);
    return;
  }
  const names = decodeURIComponent(url.slice(prefix.length)).split(',');
  const record = (n: string): object => ({
    package: n,
    downloads: counts[n],
    start: 's',
    end: 'e',
  });
  if (names.length === 1) {
    const [name] = names as [string];
    if (counts[name] === undefined) res.writeHead(404).end('{"error":"not found"}');
    else res.writeHead(200).end(JSON.stringify(record(name)));
    return;
  }
  const body: Record<string, object | null> = {};
  for (const n of names) body[n] = counts[n] === undefined ? null : record(n);
  res.writeHead(200).end(JSON.stringify(body));
}

const server = createServer(handle);
let api = '';
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});
after(() => server.close());

test('counts_come_in_batches_with_scoped_names_alone', async () => {
  requests.length = 0;
  mode = 'normal';
  const result = await fetchDownloadCounts({
    apiBase: `${api}/`,
    names: ['left-pad', 'lodash', 'gone-now', '@types/node', '@gone/too'],
  });
  assert.deepEqual(Object.fromEntries(result.counts), {
    'left-pad': 10,
    lodash: 500,
    '@types/node': 900,
  });
  assert.deepEqual(result.missing.sort(), ['@gone/too', 'gone-now']);
  assert.equal(requests.length, 3, requests.join(' '));
  assert.ok(requests.includes('/api/downloads/point/last-month/left-pad,lodash,gone-now'));
});

test('rate_limits_are_retried_then_failures_abort', async () => {
  mode = 'normal';
  failuresBeforeSuccess = 2;
  const ok = await fetchDownloadCounts({ apiBase: api, names: ['react'], retries: 3 });
  assert.equal(ok.counts.get('react'), 300);

  mode = 'broken';
  await assert.rejects(
    fetchDownloadCounts({ apiBase: api, names: ['react'], retries: 1 }),
    /HTTP 500/,
  );
  mode = 'huge';
  await assert.rejects(fetchDownloadCounts({ apiBase: api, names: ['react'] }), /too large/);
  mode = 'normal';
});

test('bad_arguments_are_refused_before_any_request', async () => {
  requests.length = 0;
  await assert.rejects(fetchDownloadCounts({ apiBase: 'ftp://x', names: ['a'] }), /http/);
  await assert.rejects(
    fetchDownloadCounts({ apiBase: 'http://u:p@127.0.0.1/', names: ['a'] }),
    /credentials/,
  );
  await assert.rejects(fetchDownloadCounts({ apiBase: api, names: ['a,b'] }), /not a package name/);
  assert.equal(requests.length, 0);
});

const SCRIPT = fileURLToPath(new URL('../../../scripts/refresh-popular.ts', import.meta.url));

function runScript(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const childEnv = { ...process.env, ...env };
    if (!('DEPWARDEN_DOWNLOADS_API' in env)) delete childEnv.DEPWARDEN_DOWNLOADS_API;
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { env: childEnv });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

test('refresh_script_offline_online_and_usage', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'depwarden-refresh-'));
  try {
    const out = join(dir, 'popular.tsv');
    const source = join(dir, 'source.tsv');
    writeFileSync(source, 'name\tdownloads_last_month\nreact\t7\nlodash\t9\nleft-pad\t1\n');

    const offline = await runScript(['--from', source, '--out', out, '--limit', '2']);
    assert.equal(offline.code, 0, offline.stderr);
    assert.deepEqual(parsePopularTsv(readFileSync(out, 'utf8')), [
      { name: 'lodash', downloads: 9 },
      { name: 'react', downloads: 7 },
    ]);

    // Online: the names come from the current file, the counts from the API.
    const online = await runScript(['--out', out], { DEPWARDEN_DOWNLOADS_API: api });
    assert.equal(online.code, 0, online.stderr);
    const text = readFileSync(out, 'utf8');
    assert.match(text, /^# generated by scripts\/refresh-popular\.ts: last-month download counts/);
    assert.deepEqual(parsePopularTsv(text), [
      { name: 'lodash', downloads: 500 },
      { name: 'react', downloads: 300 },
    ]);

    // A broken API leaves the file as it was.
    mode = 'broken';
    const failed = await runScript(['--out', out, '--api', api]);
    mode = 'normal';
    assert.equal(failed.code, 1, failed.stderr);
    assert.equal(readFileSync(out, 'utf8'), text);

    const usage = await runScript(['--out', out]);
    assert.equal(usage.code, 3);
    assert.match(usage.stderr, /--from .*--api|DEPWARDEN_DOWNLOADS_API/s);
    assert.equal((await runScript(['--bogus'])).code, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
