/**
 * Test-only helpers for the scan report: `validateReport` checks a value against the
 * published JSON Schema (docs/report.schema.json), so every module's tests can assert that
 * what they build or read is a valid report.
 *
 * Why a separate "testing" module: validation uses ajv, a devDependency. Only *.test.ts
 * files may import this module; production code never validates its own output at run
 * time (the types already guarantee the shape), so ajv never reaches users.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import * as ajvFormats from 'ajv-formats';
import type { ReportAlert, ReportPackage, ScanReport } from './types.js';

/** Where the schema lives, from this file: src/report/ → docs/. */
export const REPORT_SCHEMA_PATH = new URL('../../docs/report.schema.json', import.meta.url);

let compiled: ValidateFunction | undefined;

/** The CommonJS plugin's function, whichever way the ESM loader exposes it. */
function formatsPlugin(): (ajv: Ajv2020) => unknown {
  const mod = ajvFormats as unknown as { default: unknown };
  const fn =
    typeof mod.default === 'function' ? mod.default : (mod.default as { default: unknown }).default;
  return fn as (ajv: Ajv2020) => unknown;
}

function validator(): ValidateFunction {
  if (compiled === undefined) {
    const schema = JSON.parse(readFileSync(REPORT_SCHEMA_PATH, 'utf8')) as object;
    // strict: unknown keywords or formats in our own schema are mistakes, not extensions.
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    formatsPlugin()(ajv);
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/**
 * Validates a value against docs/report.schema.json. Returns one line per error
 * (`<JSON pointer> <message>`), empty when the value is a valid ScanReport.
 */
export function validateReport(value: unknown): string[] {
  const validate = validator();
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => {
    const extra =
      e.keyword === 'additionalProperties'
        ? ` (${String((e.params as { additionalProperty?: unknown }).additionalProperty)})`
        : '';
    return `${e.instancePath || '/'} ${e.message ?? e.keyword}${extra}`;
  });
}

/**
 * A valid, varied report of `packages` packages for tests and benchmarks of renderers:
 * scoped names, every source kind, real SRI hashes (of synthetic bytes), non-SPDX
 * licenses, unresolved versions, vulnerabilities with CVSS and accepted risks.
 * Deterministic: the same count gives the same report.
 */
export function syntheticReport(packages: number): ScanReport {
  const count = Math.max(1, Math.min(packages, 100_000));
  const sources = ['registry', 'registry', 'registry', 'git', 'tarball', 'file'] as const;
  const licenses = ['MIT', 'Apache-2.0 OR MIT', 'SEE LICENSE IN LICENSE.txt', 'ISC'];
  const caps = ['network', 'shell', 'filesystem', 'environment', 'eval', 'native code'];
  const pkgs: ReportPackage[] = [];
  const alerts: ReportAlert[] = [];
  const byAction = { error: 0, warn: 0, monitor: 0, ignore: 0 };
  const bySeverity = { critical: 0, high: 0, middle: 0, low: 0 };
  const scoreOf = (i: number, salt: number): number => (i * 37 + salt * 11) % 101;
  for (let i = 0; i < count; i++) {
    const scoped = i % 3 === 1;
    const name = scoped ? `@scope${i % 7}/pkg-${i}` : `pkg-${i}`;
    const source = sources[i % sources.length]!;
    const version = i % 50 === 49 ? '' : `1.${i % 10}.${i}`;
    const id = `${source}:${name}@${version}`;
    const direct = i < Math.min(5, count);
    const parent = i === 0 ? undefined : pkgs[Math.floor((i - 1) / 4)];
    const integrity = `sha512-${createHash('sha512').update(`p${i}`).digest('base64')}${
      i % 4 === 0 ? ` sha1-${createHash('sha1').update(`p${i}`).digest('base64')}` : ''
    }`;
    const resolved =
      source === 'registry'
        ? `https://registry.npm.example/${name}/-/${name.replace(/^@[^/]+\//, '')}-${version}.tgz`
        : source === 'git'
          ? `git+ssh://git@git.example/${name}.git#${hex(`c${i}`, 40)}`
          : source === 'tarball'
            ? `https://downloads.example/${name}-${version}.tgz`
            : `vendor/${name}`;
    const pkg: ReportPackage = {
      id,
      name,
      version,
      purl: `pkg:npm/${name.replace('@', '%40')}${version === '' ? '' : `@${version}`}`,
      source,
      direct,
      dev: i % 5 === 4,
      optional: i % 11 === 10,
      ...(source === 'file' ? {} : { integrity }),
      resolved,
      locations: [{ file: 'package-lock.json', line: 10 + i * 12 }],
      via: direct
        ? [`${name}@${version}`]
        : [...(parent?.via ?? []), `${name}@${version}`].slice(-8),
      importer: '.',
      ...(i % 9 === 8 ? {} : { license: licenses[i % licenses.length]! }),
      capabilities: caps.filter((_, c) => (i >> c) % 2 === 1),
      ...(i % 2 === 0 ? { publisher: `user${i % 13}` } : {}),
      files: 3 + (i % 40),
      bytes: 1000 + i * 17,
      status: i % 17 === 16 ? 'failed' : 'analysed',
      alerts: [],
    };
    if (pkg.status === 'analysed') {
      pkg.scores = {
        supplyChain: scoreOf(i, 1),
        quality: scoreOf(i, 2),
        maintenance: scoreOf(i, 3),
        vulnerability: scoreOf(i, 4),
        license: scoreOf(i, 5),
        overall: scoreOf(i, 6),
      };
    }
    if (pkg.status === 'analysed' && i % 4 === 2) {
      const vulnerable = i % 8 === 2;
      const action = (['error', 'warn', 'monitor', 'ignore'] as const)[i % 4]!;
      const severity = (['critical', 'high', 'middle', 'low'] as const)[(i >> 2) % 4]!;
      const key = hex(`alert${i}`, 16);
      const accepted = i % 24 === 10;
      const ghsa = `GHSA-${hex(`g${i}`, 4)}-${hex(`h${i}`, 4)}-${hex(`j${i}`, 4)}`;
      alerts.push({
        key,
        type: vulnerable ? 'cve' : 'shellAccess',
        title: vulnerable ? 'High CVE' : 'Shell access',
        category: vulnerable ? 'vulnerability' : 'supplyChainRisk',
        severity,
        confidence: vulnerable ? 1 : 0.75,
        ...(vulnerable ? { basis: 'known' as const } : {}),
        package: id,
        message: vulnerable ? `${ghsa}: prototype pollution` : 'spawns a shell',
        evidence: vulnerable
          ? [{ file: 'package.json', snippet: `${name}@${version}` }]
          : [{ file: 'lib/run me.js', line: 3 + i, column: 5, snippet: "exec('sh')" }],
        ...(vulnerable
          ? {
              props: {
                id: ghsa,
                aliases: [`CVE-2025-${1000 + i}`],
                ghsaId: ghsa,
                cveId: `CVE-2025-${1000 + i}`,
                summary: 'Prototype pollution',
                cvss: {
                  score: 7.5,
                  vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
                  version: '3.1',
                },
                cwes: ['CWE-1321'],
                vulnerableVersions: `<${version || '1.0.0'}-fix`,
                url: `https://advisories.example/${ghsa}`,
              },
            }
          : {}),
        action: accepted ? 'ignore' : action,
        actionSource: accepted ? 'acceptedRisk' : 'default',
        ...(accepted
          ? { accepted: { file: 'socket.yml', line: 4, reason: 'reviewed', expires: '2030-01-01' } }
          : {}),
        blocking: !accepted && action === 'error',
        fix: vulnerable
          ? { type: 'upgrade', description: `Upgrade ${name}.`, version: '9.9.9' }
          : { type: 'review', description: 'Read the code that spawns the shell.' },
        docs: vulnerable ? 'alerts/cve.md' : 'alerts/shellAccess.md',
      });
      pkg.alerts.push(key);
      const last = alerts[alerts.length - 1]!;
      byAction[last.action]++;
      bySeverity[last.severity]++;
    }
    pkgs.push(pkg);
  }
  const blocking = alerts.filter((a) => a.blocking).length;
  const failed = pkgs.filter((p) => p.status === 'failed');
  const worst = { package: pkgs[0]!.id, score: 0 };
  return {
    schemaVersion: 1,
    kind: 'scan',
    generatedAt: '2026-11-28T12:00:00.000Z',
    tool: { name: 'depwarden', version: '0.1.0', engineVersion: 3, detectors: [] },
    snapshot: {
      id: hex('snapshot', 64),
      files: [{ path: 'package-lock.json', sha256: hex('lock', 64), size: 4096 }],
      lockfiles: [{ file: 'package-lock.json', format: 'npm', formatVersion: '3' }],
    },
    registry: { url: 'https://registry.npm.example/', offline: false },
    advisories: { status: 'ok', online: [] },
    options: { prod: false, history: false, soakDays: 7, unmaintainedYears: 5, failOn: 'error' },
    verdict: {
      healthy: blocking === 0,
      complete: failed.length === 0,
      exitCode: blocking > 0 ? 1 : failed.length > 0 ? 2 : 0,
      blocking,
    },
    summary: {
      packages: pkgs.length,
      direct: pkgs.filter((p) => p.direct).length,
      dev: pkgs.filter((p) => p.dev).length,
      analysed: pkgs.length - failed.length,
      cached: 0,
      failed: failed.length,
      alerts: alerts.length,
      byAction,
      bySeverity,
      accepted: alerts.filter((a) => a.accepted !== undefined).length,
    },
    scores: {
      project: {
        supplyChain: 0,
        quality: 0,
        maintenance: 0,
        vulnerability: 0,
        license: 0,
        overall: 0,
      },
      worst: {
        supplyChain: [worst],
        quality: [worst],
        maintenance: [worst],
        vulnerability: [worst],
        license: [worst],
        overall: [worst],
      },
    },
    packages: pkgs,
    alerts,
    failures: failed.map((p) => ({
      package: p.id,
      stage: 'fetch' as const,
      code: 'PACKAGE_NOT_FOUND',
      message: `${p.name}: not found`,
    })),
    acceptedRisks: [],
    problems: [],
    warnings: [],
  };
}

/** `length` hex digits derived from a seed (stand-ins for hashes and keys). */
function hex(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').repeat(2).slice(0, length);
}
