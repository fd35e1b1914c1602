/** `depwarden doctor <url>`: grades a running report-service deployment from outside. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DepwardenError } from '../../errors/index.js';
import type { CommandSpec } from '../spec.js';

function port(value: string | boolean | undefined, flag: string): number | undefined {
  if (typeof value !== 'string') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new DepwardenError('USAGE', `--${flag} must be a port number from 1 to 65535`);
  return n;
}

function parseUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DepwardenError(
      'USAGE',
      `${what} is not a URL: ${JSON.stringify(value.slice(0, 200))}`,
      {
        hint: 'Give the full URL, e.g. https://reports.example.com/',
      },
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new DepwardenError('USAGE', `${what} must be an https:// (or http://) URL`);
  if (url.username !== '' || url.password !== '')
    throw new DepwardenError('USAGE', `${what} must not carry credentials`);
  return url;
}

export const doctorCommand: CommandSpec = {
  name: 'doctor',
  summary: 'Check a running report service: TLS, headers, CSP, redirect, user-content origin.',
  usage: 'depwarden doctor <url> [--ca FILE] [--http-port N] [--usercontent URL] [--json]',
  description:
    "Connects to a deployment of `depwarden serve` (or any HTTPS site) and checks it the way the hardening tests check ours: the TLS versions and cipher suites it accepts (one handshake each), its certificate, cipher preference, renegotiation and OCSP stapling, graded by the SSL Labs rating guide as testssl.sh implements it; the headers of the HTML page, scored as the MDN HTTP Observatory scores them; its Content-Security-Policy, with Google's csp_evaluator and depwarden's own promises; the plain-HTTP redirect; and, with --usercontent, the sandboxed user-content origin. Read-only: handshakes and GET requests, nothing else. Exit code 0 when every check passes, 1 when one fails (each is listed), 2 when the service cannot be reached.",
  args: [
    {
      name: '<url>',
      description: 'The HTML page of the main origin, e.g. https://reports.example.com/',
    },
  ],
  options: [
    {
      name: 'ca',
      type: 'string',
      value: '<file>',
      description:
        "A PEM CA to trust besides the system's (e.g. <data-dir>/tls/ca.pem of a local server).",
    },
    {
      name: 'http-port',
      type: 'string',
      value: '<n>',
      description:
        'Plain-HTTP port whose redirect to check (default: 80 when the URL has no port, else not checked).',
    },
    {
      name: 'usercontent',
      type: 'string',
      value: '<url>',
      description:
        'A URL on the user-content origin to check (any path: its 404 carries the same headers).',
    },
    {
      name: 'timeout',
      type: 'string',
      value: '<ms>',
      description: 'Per connection and request.',
      default: '10000',
    },
    { name: 'json', type: 'boolean', description: 'Print the full result as JSON.' },
  ],
  examples: [
    'depwarden doctor https://reports.example.com/',
    'depwarden doctor https://localhost:8787/ --ca ~/.local/share/depwarden/server/tls/ca.pem --http-port 8080 --usercontent https://127.0.0.1:8788/',
  ],
  async run(positionals, options, ctx) {
    if (positionals.length !== 1)
      throw new DepwardenError('USAGE', 'doctor takes exactly one URL', {
        hint: 'depwarden doctor https://reports.example.com/',
      });
    const url = parseUrl(positionals[0] as string, 'the URL');
    let ca: Buffer[] | undefined;
    if (typeof options.ca === 'string') {
      const path = resolve(ctx.cwd, options.ca);
      try {
        ca = [await readFile(path)];
      } catch (err) {
        throw new DepwardenError(
          'USAGE',
          `cannot read --ca ${options.ca}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
        );
      }
      if (!ca[0]?.toString('latin1').includes('-----BEGIN CERTIFICATE-----'))
        throw new DepwardenError('USAGE', `--ca ${options.ca} holds no PEM certificate`);
    }
    const timeout = Number(options.timeout ?? '10000');
    if (!Number.isInteger(timeout) || timeout < 100 || timeout > 120_000)
      throw new DepwardenError('USAGE', '--timeout takes milliseconds from 100 to 120000');
    const httpPort = port(options['http-port'], 'http-port');
    const { renderDoctorText, runDoctor } = await import('../../doctor/index.js');
    const report = await runDoctor({
      url,
      ...(ca === undefined ? {} : { ca }),
      ...(httpPort === undefined ? {} : { httpPort }),
      ...(typeof options.usercontent === 'string'
        ? { usercontentUrl: parseUrl(options.usercontent, '--usercontent') }
        : {}),
      timeoutMs: timeout,
    });
    ctx.stdout.write(
      options.json === true ? `${JSON.stringify(report, null, 2)}\n` : renderDoctorText(report),
    );
    return report.ok ? 0 : 1;
  },
};
