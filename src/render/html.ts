/**
 * The HTML report of `depwarden scan`: one self-contained HTML5 file to archive as a CI
 * artefact or open offline. Verdict, summary, alerts grouped by action and severity (one
 * `<details>` per alert, evidence snippets in `<pre>`), the packages table, failures, accepted
 * risks, problems, warnings and scores.
 *
 * Security decisions, because the file is full of text chosen by package authors:
 * - No script at all: no `<script>`, no event-handler attributes, no `javascript:` URLs, and
 *   no links or resources outside the file (documentation paths are plain text).
 * - Every text goes through report-text's sanitiser, then `escapeHtml` (& < > " '), so it can
 *   only ever be a text node or a quoted attribute value.
 * - A Content-Security-Policy meta tag as defence in depth, with the one stylesheet allowed by
 *   its SHA-256 hash rather than `'unsafe-inline'`: should an escaping bug ever let markup
 *   through, an injected `<style>` or `style=` attribute would not apply, and with
 *   `default-src 'none'` nothing can load or run. The hash is computed from the stylesheet
 *   constant, so it cannot drift from it. (`img-src data:` is not needed: there are no images.)
 *
 * Pure: report in, string out.
 */
import { createHash } from 'node:crypto';
import type { ReportPackage, ScanReport } from '../report/types.js';
import { sanitize } from '../util/text.js';
import {
  MAX_EVIDENCE,
  SCORE_ORDER,
  acceptedRiskView,
  acceptedRisksText,
  actionName,
  advisoryText,
  alertCountsText,
  alertView,
  alertsByImportance,
  analysisText,
  failureText,
  groupAlerts,
  indexPackages,
  packagesText,
  plural,
  problemView,
  reachText,
  scoreLines,
  scoreName,
  severityName,
  shortId,
  verdictOf,
  type AlertView,
} from './report-text.js';

/** Bounds that keep a report of a huge monorepo openable in a browser. */
const MAX_ALERTS = 5_000;
const MAX_PACKAGES = 20_000;
const MAX_ITEMS = 1_000;

const CSS = `
:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#57606a;--line:#d0d7de;--panel:#f6f8fa;--red:#cf222e;--orange:#bc4c00;--yellow:#9a6700;--green:#1a7f37;--blue:#0969da}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#8d96a0;--line:#30363d;--panel:#161b22;--red:#ff7b72;--orange:#ffa657;--yellow:#d29922;--green:#3fb950;--blue:#58a6ff}}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:72rem;padding:1rem 1.5rem}
h1{font-size:1.6rem;margin:.2rem 0}h2{border-bottom:1px solid var(--line);padding-bottom:.2rem;margin-top:2rem}h3{margin-bottom:.3rem}h4{margin:.8rem 0 .3rem;text-transform:capitalize}
.verdict{border-left:.4rem solid var(--muted);padding:.5rem 1rem;background:var(--panel)}
.verdict.healthy{border-color:var(--green)}.verdict.blocked{border-color:var(--red)}.verdict.incomplete{border-color:var(--yellow)}
.verdict .also{color:var(--yellow);font-weight:600;margin:0}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:var(--panel)}
td.num{text-align:right;font-variant-numeric:tabular-nums}
details.alert{border:1px solid var(--line);border-radius:6px;margin:.4rem 0;padding:.3rem .8rem}
details.alert>summary{cursor:pointer;font-weight:600}
.sev{display:inline-block;min-width:4.5rem;font-weight:700}
.sev-critical{color:var(--red)}.sev-high{color:var(--orange)}.sev-medium{color:var(--yellow)}.sev-low{color:var(--muted)}
.expired{color:var(--red);font-weight:700}.accepted{color:var(--green)}.unused{color:var(--yellow)}
.muted,.where{color:var(--muted)}
code,pre{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:var(--panel);border:1px solid var(--line);padding:.4rem .6rem;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem}dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
@media print{body{max-width:none;font-size:11pt}details.alert{break-inside:avoid}details::details-content{content-visibility:visible;display:block}}
`;

const STYLE_HASH = createHash('sha256').update(CSS).digest('base64');
/** What the page may do: apply its own stylesheet, and nothing else. */
export const HTML_CSP = `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; base-uri 'none'; form-action 'none'`;

/**
 * Escapes what matters in text and in quoted attribute values (& < > " '), plus `=` and the
 * backtick so that not even a naive scanner of the file finds `onerror=` in package text.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'=`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderHtml(report: ScanReport): string {
  const e = escapeHtml;
  const index = indexPackages(report);
  const verdict = verdictOf(report);
  const out: string[] = [];

  out.push(
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${e(HTML_CSP)}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>depwarden: ${e(verdict.headline)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<header class="verdict ${verdict.state}">`,
    `<h1>${e(verdict.headline)}</h1>`,
  );
  if (verdict.also !== undefined) out.push(`<p class="also">${e(verdict.also)}</p>`);
  out.push('</header>', '<main>');

  // Summary.
  const facts: [string, string][] = [
    ['Snapshot', `<code>${e(shortId(report.snapshot.id))}</code>`],
    ['Packages', e(packagesText(report))],
    ['Analysis', e(analysisText(report))],
    ['Alerts', e(alertCountsText(report))],
    ['Accepted risks', e(acceptedRisksText(report))],
    ['Advisory database', e(advisoryText(report))],
    ['Fails on', e(sanitize(report.options.failOn, 40))],
    ['Generated', e(sanitize(report.generatedAt, 40))],
    ['Tool', `depwarden ${e(sanitize(report.tool.version, 40))}`],
  ];
  out.push('<section id="summary">', '<h2>Summary</h2>', '<dl class="facts">');
  for (const [k, v] of facts) out.push(`<dt>${k}</dt><dd>${v}</dd>`);
  out.push('</dl>', '</section>');

  // Alerts.
  const ordered = alertsByImportance(report);
  const views = ordered.slice(0, MAX_ALERTS).map((a) => alertView(index, a, MAX_EVIDENCE));
  out.push('<section id="alerts">', `<h2>Alerts (${report.alerts.length})</h2>`);
  if (report.alerts.length === 0) out.push('<p>No alerts.</p>');
  for (const group of groupAlerts(views, true)) {
    out.push(`<h3>${actionName(group.action)} (${group.count})</h3>`);
    for (const sev of group.severities) {
      const name = severityName(sev.severity);
      out.push(`<h4 class="sev-${name}">${name}</h4>`);
      for (const v of sev.items)
        out.push(alertDetails(v, group.action === 'error' || group.action === 'warn'));
    }
  }
  if (ordered.length > MAX_ALERTS)
    out.push(
      `<p class="muted">${plural(ordered.length - MAX_ALERTS, 'more alert')} not shown; <code>depwarden scan --format json</code> has all.</p>`,
    );
  out.push('</section>');

  // Packages.
  out.push(
    '<section id="packages">',
    `<h2>Packages (${report.packages.length})</h2>`,
    '<table>',
    '<thead><tr><th>Name</th><th>Version</th><th>Dependency</th><th>Capabilities</th><th>Status</th><th>Alerts</th>',
    ...SCORE_ORDER.map((c) => `<th>${scoreName(c)}</th>`),
    '</tr></thead>',
    '<tbody>',
  );
  for (const p of report.packages.slice(0, MAX_PACKAGES)) out.push(packageRow(p));
  out.push('</tbody>', '</table>');
  if (report.packages.length > MAX_PACKAGES)
    out.push(
      `<p class="muted">${plural(report.packages.length - MAX_PACKAGES, 'more package')} not shown.</p>`,
    );
  out.push('</section>');

  // Failures, accepted risks, problems, warnings.
  if (report.failures.length > 0)
    out.push(
      '<section id="failures">',
      `<h2>Not analysed (${report.failures.length})</h2>`,
      ...list(report.failures, (f) => e(failureText(index, f))),
      '</section>',
    );
  if (report.acceptedRisks.length > 0) {
    out.push(
      '<section id="accepted-risks">',
      '<h2>Accepted risks (socket.yml)</h2>',
      '<table>',
      '<thead><tr><th>Entry</th><th>Package and alerts</th><th>Status</th></tr></thead>',
      '<tbody>',
    );
    for (const r of report.acceptedRisks.slice(0, MAX_ITEMS)) {
      const v = acceptedRiskView(r);
      out.push(
        `<tr><td><code>${e(v.where)}</code></td><td>${e(v.what)}</td><td class="${v.status === 'active' ? 'accepted' : v.status}">${e(v.text)}</td></tr>`,
      );
    }
    out.push('</tbody>', '</table>', ...more(report.acceptedRisks.length), '</section>');
  }
  if (report.problems.length > 0)
    out.push(
      '<section id="problems">',
      `<h2>Configuration and lockfile problems (${report.problems.length})</h2>`,
      ...list(report.problems, (p) => {
        const v = problemView(p);
        const where = v.where === undefined ? '' : `<code>${e(v.where)}</code>: `;
        const hint =
          v.hint === undefined ? '' : `<br><span class="muted">hint: ${e(v.hint)}</span>`;
        return `${where}${v.severity}: ${e(v.message)} <span class="muted">[${e(v.code)}]</span>${hint}`;
      }),
      '</section>',
    );
  if (report.warnings.length > 0)
    out.push(
      '<section id="warnings">',
      '<h2>Warnings</h2>',
      ...list(report.warnings, (w) => e(sanitize(w, 500))),
      '</section>',
    );

  // Scores.
  out.push(
    '<section id="scores">',
    '<h2>Scores</h2>',
    '<table>',
    '<thead><tr><th>Category</th><th>Project</th><th>Lowest packages</th></tr></thead>',
    '<tbody>',
  );
  for (const s of scoreLines(report, index, 5)) {
    const lowest = s.lowest.map((l) => `${e(l.label)} (${l.score})`).join(', ');
    out.push(`<tr><td>${s.name}</td><td class="num">${s.project}</td><td>${lowest}</td></tr>`);
  }
  out.push('</tbody>', '</table>', '</section>', '</main>');
  out.push(
    `<footer class="muted"><p>depwarden ${e(sanitize(report.tool.version, 40))}, snapshot <code>${e(sanitize(report.snapshot.id, 80))}</code>. Alert documentation is in the docs/ folder of depwarden.</p></footer>`,
    '</body>',
    '</html>',
  );
  return `${out.join('\n')}\n`;

  function packageRow(p: ReportPackage): string {
    const scores = SCORE_ORDER.map(
      (c) => `<td class="num">${p.scores === undefined ? '' : p.scores[c]}</td>`,
    );
    return [
      '<tr>',
      `<td>${e(sanitize(p.name, 214))}</td>`,
      `<td>${e(sanitize(p.version, 80))}</td>`,
      `<td>${e(reachText(p))}</td>`,
      `<td>${e(p.capabilities.map((c) => sanitize(c, 40)).join(', '))}</td>`,
      `<td>${e(p.status)}</td>`,
      `<td class="num">${p.alerts.length}</td>`,
      ...scores,
      '</tr>',
    ].join('');
  }

  function list<T>(items: readonly T[], item: (x: T) => string): string[] {
    return [
      '<ul>',
      ...items.slice(0, MAX_ITEMS).map((x) => `<li>${item(x)}</li>`),
      '</ul>',
      ...more(items.length),
    ];
  }

  function more(count: number): string[] {
    return count > MAX_ITEMS ? [`<p class="muted">${count - MAX_ITEMS} more not shown.</p>`] : [];
  }

  function alertDetails(v: AlertView, open: boolean): string {
    const lines: string[] = [
      `<details class="alert"${open ? ' open' : ''}>`,
      `<summary><span class="sev sev-${v.severity}">${v.severity}</span> ${e(v.title)} in ${e(v.packageLabel)}</summary>`,
      `<p><strong>${e(v.message)}</strong></p>`,
      ...(v.description === '' ? [] : [`<p class="muted">${e(v.description)}</p>`]),
      '<dl class="facts">',
      `<dt>Alert type</dt><dd><code>${e(v.type)}</code> (see docs/${e(v.docs)})</dd>`,
      `<dt>Reached</dt><dd>${e(v.reach)}</dd>`,
    ];
    if (v.manifest !== undefined)
      lines.push(`<dt>Listed in</dt><dd><code>${e(v.manifest)}</code></dd>`);
    lines.push(`<dt>Confidence</dt><dd>${Math.round(v.alert.confidence * 100)}%</dd>`);
    lines.push(`<dt>What to do</dt><dd>${e(v.fix)}</dd>`);
    if (v.acceptance !== undefined)
      lines.push(
        `<dt>Accepted risk</dt><dd class="${v.acceptance.kind}">${e(v.acceptance.text)}</dd>`,
      );
    lines.push('</dl>');
    if (v.evidence.length > 0) {
      lines.push('<ul class="evidence">');
      for (const ev of v.evidence) {
        const snippet = ev.snippet === undefined ? '' : `<pre>${e(ev.snippet)}</pre>`;
        lines.push(`<li><code class="where">${e(ev.location)}</code>${snippet}</li>`);
      }
      lines.push('</ul>');
      if (v.moreEvidence > 0)
        lines.push(`<p class="muted">${plural(v.moreEvidence, 'more location')} not shown.</p>`);
    }
    lines.push('</details>');
    return lines.join('\n');
  }
}
