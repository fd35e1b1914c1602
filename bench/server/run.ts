/**
 * `npm run bench:server`: the report service under load from a second process on loopback
 * (autocannon), against a bare Fastify route answering a fixed JSON body of the same size.
 *
 * Measured, each for --seconds (default 10) with --connections (default 4: on 2 cores the load generator shares the CPU, and at 10 the bare route's own p99 is 70 ms):
 *   GET  /api/v1/reports/:id   a finished report (decrypted from the filesystem store)
 *   POST /api/v1/reports       an already-analysed snapshot (201 with the report)
 *   GET  /bare                 the baseline
 * Targets (issue 6): report GET throughput at least 50% of the bare route, p99 under 50 ms.
 * --packages N sizes the report (default 300 packages).
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const value = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const seconds = value('seconds', '10');
const connections = value('connections', '4');
const packages = value('packages', '300');

const target = spawn(process.execPath, ['--import', 'tsx', 'bench/server/target.ts', packages], {
  cwd: ROOT,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const first = await new Promise<string>((resolve) => {
  createInterface({ input: target.stdout! }).once('line', resolve);
});
const { service, bare, size } = JSON.parse(first) as {
  service: string;
  bare: string;
  size: number;
};

const snapshot = {
  files: [
    {
      path: 'package.json',
      content: Buffer.from(
        JSON.stringify({ name: 'bench', version: '1.0.0', dependencies: { a: '^1.0.0' } }),
      ).toString('base64'),
    },
  ],
};
const submitted = (await (
  await fetch(`${service}/api/v1/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(snapshot),
  })
).json()) as { id: string; url: string };
for (;;) {
  const got = (await (await fetch(`${service}${submitted.url}`)).json()) as { status: string };
  if (got.status === 'done') break;
  await new Promise((r) => setTimeout(r, 100));
}

interface Result {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

function cannon(url: string, extra: string[] = []): Result {
  const bin = fileURLToPath(
    new URL('../../node_modules/autocannon/autocannon.js', import.meta.url),
  );
  const res = spawnSync(
    process.execPath,
    [bin, '--json', '-d', seconds, '-c', connections, ...extra, url],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (res.status !== 0) throw new Error(res.stderr);
  return JSON.parse(res.stdout) as Result;
}

const get = cannon(`${service}${submitted.url}`);
const post = cannon(`${service}/api/v1/reports`, [
  '-m',
  'POST',
  '-H',
  'content-type=application/json',
  '-b',
  JSON.stringify(snapshot),
]);
const baseline = cannon(`${bare}/bare`);
target.kill();

const row = (name: string, r: Result) =>
  `| ${name} | ${Math.round(r.requests.average)} | ${r.latency.p50} | ${r.latency.p99} | ${r.non2xx + r.errors} |`;
console.log(
  `bench:server — ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; body ${Math.round(size / 1024)} KiB, ${connections} connections, ${seconds} s each`,
);
console.log('| route | req/s | p50 ms | p99 ms | errors |\n|---|---|---|---|---|');
console.log(row('GET finished report', get));
console.log(row('POST analysed snapshot (201)', post));
console.log(row('bare Fastify route, same body', baseline));
const share = get.requests.average / baseline.requests.average;
console.log(
  `targets: GET ≥ 50% of bare: ${share >= 0.5 ? 'met' : 'MISSED'} (${Math.round(share * 100)}%); p99 < 50 ms: ${get.latency.p99 < 50 ? 'met' : 'MISSED'} (${get.latency.p99} ms)`,
);
