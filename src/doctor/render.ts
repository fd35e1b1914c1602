/**
 * The doctor's text summary: a pure function of its report. Grades first, then each area's
 * checks with what was seen, so a failing line says what to change.
 */
import { sanitize } from '../util/text.js';
import type { DoctorReport } from './index.js';

export function renderDoctorText(r: DoctorReport): string {
  const out: string[] = [];
  out.push(`depwarden doctor: ${sanitize(r.target, 300)}`);
  const tlsGrade =
    r.tls === undefined
      ? 'none (not HTTPS)'
      : `${r.tls.rating.grade} (score ${r.tls.rating.score})`;
  out.push(`  TLS rating (SSL Labs guide, as testssl.sh 3.2):  ${tlsGrade}`);
  out.push(
    `  Header rating (MDN Observatory v4 scoring):      ${r.headers.grade} (${r.headers.score})`,
  );
  const high = r.csp.findings.filter(
    (f) => f.severity === 'HIGH' || f.severity === 'SYNTAX',
  ).length;
  out.push(
    `  CSP (csp_evaluator):                            ${high} high, ${r.csp.findings.length - high} other findings`,
  );
  const failed = r.checks.filter((c) => !c.ok).length;
  out.push(
    `  Checks:                                         ${r.checks.length - failed} passed, ${failed} failed`,
  );
  if (r.tls !== undefined) {
    out.push('', 'TLS');
    out.push(
      `  protocols: ${Object.entries(r.tls.protocols)
        .map(([v, s]) => `${v} ${s}`)
        .join(', ')}`,
    );
    for (const s of r.tls.suites) out.push(`  suite: ${s.protocol} ${s.name}`);
    if (r.tls.certificate !== undefined)
      out.push(
        `  certificate: ${sanitize(r.tls.certificate.subject)}; issuer ${sanitize(r.tls.certificate.issuer)}; ${r.tls.certificate.key}; ${r.tls.certificate.daysLeft} days left`,
      );
    out.push(`  OCSP stapled: ${r.tls.ocspStapled ? 'yes' : 'no'}`);
    for (const cap of r.tls.rating.caps) out.push(`  capped at ${cap.grade}: ${cap.reason}`);
    for (const note of r.tls.rating.notes) out.push(`  note: ${note}`);
  }
  for (const area of ['tls', 'headers', 'csp', 'usercontent']) {
    const checks = r.checks.filter((c) => c.area === area);
    if (checks.length === 0) continue;
    out.push(
      '',
      `${area === 'csp' ? 'CSP' : area === 'tls' ? 'TLS checks' : area === 'usercontent' ? 'User-content origin' : 'Headers'}`,
    );
    for (const c of checks)
      out.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.id}: ${sanitize(c.detail, 300)}`);
  }
  if (r.csp.findings.length > 0) {
    out.push('', 'csp_evaluator findings');
    for (const f of r.csp.findings)
      out.push(`  ${f.severity} ${f.directive}: ${sanitize(f.description, 300)}`);
  }
  out.push('', r.ok ? 'All checks passed.' : `${failed} check(s) failed.`);
  return `${out.join('\n')}\n`;
}
