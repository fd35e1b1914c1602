/**
 * The web viewer's pages, rendered on the server: the report page (`/r/<id>`), the landing
 * page (`/`), and the pending, failed and not-found pages. Pure functions: a report and a
 * context in, an HTML string out (no clock, no environment, no I/O), so they are
 * snapshot-tested like every other renderer.
 *
 * Decisions:
 * - The core content works without JavaScript: verdict, scores, every alert with its
 *   evidence and dependency path, and the package table are plain HTML. The script
 *   (assets/viewer.js) only adds a filter box, sortable columns and a severity filter; the
 *   controls are in the markup but `hidden` until the script shows them, so a page without
 *   script has no dead controls.
 * - Nothing inline: one stylesheet, one deferred script, one icon, all same-origin with
 *   subresource integrity, so the CSP needs no `'unsafe-inline'`, no hash and no nonce.
 * - Every text a package, a lockfile or socket.yml chose goes through the shared view layer
 *   (src/render/report-text.ts, which sanitises control, bidi and invisible characters) and
 *   then `escapeHtml`, so it can only be a text node or a quoted attribute value.
 * - Package file contents are never on this origin: evidence links point at the user-content
 *   origin (src/server/usercontent.ts), and only for registry packages, whose files that
 *   origin can read.
 * - Accessibility: a skip link, landmarks (banner, main, contentinfo), one h1 and nested
 *   headings, table headers with `scope`, a caption, real buttons for sorting (the script
 *   sets `aria-sort`), a live region for filter results, visible focus, AA contrast.
 */
import { escapeHtml } from '../render/html.js';
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
  scoreLines,
  scoreName,
  severityName,
  shortId,
  verdictOf,
  type AlertView,
} from '../render/report-text.js';
import type { ReportPackage, ScanReport } from '../report/types.js';
import { sanitize } from '../util/text.js';

/** Bounds that keep the page of a huge monorepo usable in a browser. */
export const VIEWER_LIMITS = { alerts: 2_000, packages: 20_000, items: 500 } as const;

export interface PageAsset {
  href: string;
  integrity: string;
}

export interface PageAssets {
  css: PageAsset;
  js: PageAsset;
  /** The page icon; without it browsers ask for /favicon.ico. */
  icon?: PageAsset;
}

export interface ViewerContext {
  /** The report's id (the snapshot id), as in the page's URL. */
  reportId: string;
  assets: PageAssets;
  /** Where evidence files are served (`https://host:port`); no links without it. */
  usercontentOrigin?: string;
}

const e = escapeHtml;

/** `<name>@<version>` of the user-content URL: one path segment, percent-encoded. */
export function usercontentFileUrl(
  origin: string,
  reportId: string,
  name: string,
  version: string,
  file: string,
): string {
  const path = file.split('/').map(encodeURIComponent).join('/');
  return `${origin.replace(/\/+$/, '')}/f/${encodeURIComponent(reportId)}/${encodeURIComponent(`${name}@${version}`)}/${path}`;
}

interface Layout {
  title: string;
  assets: PageAssets;
  /** The body's main content (already escaped markup). */
  main: string[];
  /** Reload the page after this many seconds (the pending page). */
  refreshSeconds?: number;
}

function layout(l: Layout): string {
  const head = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    ...(l.refreshSeconds === undefined
      ? []
      : [`<meta http-equiv="refresh" content="${l.refreshSeconds}">`]),
    `<title>${e(l.title)}</title>`,
    ...(l.assets.icon === undefined
      ? []
      : [`<link rel="icon" href="${e(l.assets.icon.href)}" type="image/svg+xml">`]),
    `<link rel="stylesheet" href="${e(l.assets.css.href)}" integrity="${e(l.assets.css.integrity)}">`,
    `<script src="${e(l.assets.js.href)}" integrity="${e(l.assets.js.integrity)}" defer></script>`,
    '</head>',
    '<body>',
    '<a class="skip-link" href="#main">Skip to content</a>',
    '<header class="site"><p class="brand"><a href="/">depwarden</a> report viewer</p></header>',
    '<main id="main" tabindex="-1">',
  ];
  return `${[
    ...head,
    ...l.main,
    '</main>',
    '<footer class="site-footer muted"><p>depwarden: supply-chain risk reports for npm projects. Reports are addressed by their snapshot id and cannot be listed.</p></footer>',
    '</body>',
    '</html>',
  ].join('\n')}\n`;
}

/** The report page: everything the report says that a reviewer acts on. */
export function renderViewerPage(report: ScanReport, ctx: ViewerContext): string {
  const index = indexPackages(report);
  const verdict = verdictOf(report);
  const origin = ctx.usercontentOrigin;
  const main: string[] = [];
  const project =
    report.project === undefined
      ? 'the project'
      : sanitize(
          report.project.version === undefined
            ? report.project.name
            : `${report.project.name}@${report.project.version}`,
          254,
        );

  // Verdict and summary.
  main.push(
    `<section class="verdict ${verdict.state}" aria-labelledby="verdict-title">`,
    `<h1 id="verdict-title">${e(verdict.headline)}</h1>`,
    ...(verdict.also === undefined ? [] : [`<p class="also">${e(verdict.also)}</p>`]),
    `<p>Report for <strong>${e(project)}</strong>: overall score <strong>${report.scores.project.overall}</strong> of 100.</p>`,
    '</section>',
  );
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
  main.push(
    '<section id="summary" aria-labelledby="summary-title">',
    '<h2 id="summary-title">Summary</h2>',
    '<dl class="facts">',
    ...facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`),
    '</dl>',
    '</section>',
  );

  // Scores.
  main.push(
    '<section id="scores" aria-labelledby="scores-title">',
    '<h2 id="scores-title">Scores</h2>',
    '<table>',
    '<caption>Project scores (0 to 100, higher is better) and the lowest-scoring packages per category</caption>',
    '<thead><tr><th scope="col">Category</th><th scope="col">Project</th><th scope="col">Lowest packages</th></tr></thead>',
    '<tbody>',
  );
  for (const s of scoreLines(report, index, 5)) {
    const lowest =
      s.lowest.length === 0
        ? '<span class="muted">none below 100</span>'
        : s.lowest.map((l) => `${e(l.label)} (${l.score})`).join(', ');
    main.push(
      `<tr><th scope="row">${s.name}</th><td class="num">${s.project}</td><td>${lowest}</td></tr>`,
    );
  }
  main.push('</tbody>', '</table>', '</section>');

  // Alerts, grouped by action then severity.
  const ordered = alertsByImportance(report);
  const views = ordered
    .slice(0, VIEWER_LIMITS.alerts)
    .map((a) => alertView(index, a, MAX_EVIDENCE));
  main.push(
    '<section id="alerts" aria-labelledby="alerts-title">',
    `<h2 id="alerts-title">Alerts (${report.alerts.length})</h2>`,
  );
  if (report.alerts.length === 0) main.push('<p>No alerts.</p>');
  else
    main.push(
      '<div class="tools" data-tools-for="alerts" hidden>',
      '<label for="alert-severity">Minimum severity</label>',
      '<select id="alert-severity">',
      '<option value="all">all</option>',
      ...['critical', 'high', 'medium', 'low'].map((s) => `<option value="${s}">${s}</option>`),
      '</select>',
      '<span role="status" aria-live="polite"></span>',
      '</div>',
    );
  for (const group of groupAlerts(views, true)) {
    const open = group.action === 'error' || group.action === 'warn';
    main.push(
      `<section class="action-group" aria-labelledby="action-${group.action}">`,
      `<h3 id="action-${group.action}">${actionName(group.action)} (${group.count})</h3>`,
    );
    for (const sev of group.severities) {
      const name = severityName(sev.severity);
      main.push(
        `<div class="sev-group" data-severity="${name}">`,
        `<h4 class="sev-${name}">${name} (${sev.items.length})</h4>`,
        ...sev.items.map((v) => alertDetails(v, open)),
        '</div>',
      );
    }
    main.push('</section>');
  }
  if (ordered.length > VIEWER_LIMITS.alerts)
    main.push(
      `<p class="muted">${plural(ordered.length - VIEWER_LIMITS.alerts, 'more alert')} not shown; the JSON report (<code>depwarden report get</code>) has all.</p>`,
    );
  main.push('</section>');

  // Packages.
  const shown = report.packages.slice(0, VIEWER_LIMITS.packages);
  main.push(
    '<section id="packages" aria-labelledby="packages-title">',
    `<h2 id="packages-title">Packages (${report.packages.length})</h2>`,
    '<div class="tools" data-tools-for="package-table" hidden>',
    '<label for="package-filter">Filter packages</label>',
    '<input id="package-filter" type="search" autocomplete="off" spellcheck="false">',
    '<span role="status" aria-live="polite"></span>',
    '</div>',
    '<div class="table-wrap" role="region" aria-labelledby="packages-title" tabindex="0">',
    '<table id="package-table">',
    '<caption>Every package in the snapshot, its scores (0 to 100) and what its code can do</caption>',
    '<thead><tr>',
    '<th scope="col" data-sort="text">Name</th>',
    '<th scope="col" data-sort="version">Version</th>',
    '<th scope="col" data-sort="text">Dependency</th>',
    '<th scope="col" data-sort="number">Alerts</th>',
    ...SCORE_ORDER.map(
      (c) => `<th scope="col" data-sort="number">${capitalised(scoreName(c))}</th>`,
    ),
    '<th scope="col" data-sort="text">Capabilities</th>',
    '<th scope="col" data-sort="text">Status</th>',
    '</tr></thead>',
    '<tbody>',
    ...shown.map(packageRow),
    '</tbody>',
    '</table>',
    '</div>',
  );
  if (report.packages.length > shown.length)
    main.push(
      `<p class="muted">${plural(report.packages.length - shown.length, 'more package')} not shown.</p>`,
    );
  main.push('</section>');

  // Failures, accepted risks, problems, warnings.
  if (report.failures.length > 0)
    main.push(
      '<section id="failures" aria-labelledby="failures-title">',
      `<h2 id="failures-title">Not analysed (${report.failures.length})</h2>`,
      ...list(report.failures, (f) => e(failureText(index, f))),
      '</section>',
    );
  if (report.acceptedRisks.length > 0) {
    main.push(
      '<section id="accepted-risks" aria-labelledby="accepted-title">',
      '<h2 id="accepted-title">Accepted risks (socket.yml)</h2>',
      '<table>',
      '<thead><tr><th scope="col">Entry</th><th scope="col">Package and alerts</th><th scope="col">Status</th></tr></thead>',
      '<tbody>',
    );
    for (const r of report.acceptedRisks.slice(0, VIEWER_LIMITS.items)) {
      const v = acceptedRiskView(r);
      main.push(
        `<tr><td><code>${e(v.where)}</code></td><td>${e(v.what)}</td><td class="${v.status === 'active' ? 'accepted' : v.status}">${e(v.text)}</td></tr>`,
      );
    }
    main.push('</tbody>', '</table>', ...more(report.acceptedRisks.length), '</section>');
  }
  if (report.problems.length > 0)
    main.push(
      '<section id="problems" aria-labelledby="problems-title">',
      `<h2 id="problems-title">Configuration and lockfile problems (${report.problems.length})</h2>`,
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
    main.push(
      '<section id="warnings" aria-labelledby="warnings-title">',
      '<h2 id="warnings-title">Warnings</h2>',
      ...list(report.warnings, (w) => e(sanitize(w, 500))),
      '</section>',
    );

  return layout({ title: `depwarden: ${verdict.headline}`, assets: ctx.assets, main });

  function packageRow(p: ReportPackage): string {
    const scores = SCORE_ORDER.map(
      (c) => `<td class="num">${p.scores === undefined ? '' : p.scores[c]}</td>`,
    );
    return [
      '<tr>',
      `<th scope="row">${e(sanitize(p.name, 214))}</th>`,
      `<td>${e(sanitize(p.version, 80))}</td>`,
      `<td>${dependencyKind(p)}</td>`,
      `<td class="num">${p.alerts.length}</td>`,
      ...scores,
      `<td>${e(p.capabilities.map((c) => sanitize(c, 40)).join(', '))}</td>`,
      `<td>${e(p.status)}</td>`,
      '</tr>',
    ].join('');
  }

  function alertDetails(v: AlertView, open: boolean): string {
    const lines: string[] = [
      `<details class="alert"${open ? ' open' : ''}>`,
      `<summary><span class="sev sev-${v.severity}">${v.severity}</span> ${e(v.title)} in ${e(v.packageLabel)}</summary>`,
      `<p><strong>${e(v.message)}</strong></p>`,
      ...(v.description === '' ? [] : [`<p class="muted">${e(v.description)}</p>`]),
      '<dl class="facts">',
      `<dt>Alert type</dt><dd><code>${e(v.type)}</code> (docs/${e(v.docs)})</dd>`,
      `<dt>Dependency path</dt><dd>${dependencyPath(v.package)}</dd>`,
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
      lines.push('<ul class="evidence" aria-label="Evidence">');
      v.evidence.forEach((ev, i) => {
        const raw = v.alert.evidence[i];
        const href = raw === undefined ? undefined : evidenceHref(v.package, raw.file);
        const where = `<code class="where">${e(ev.location)}</code>`;
        const link =
          href === undefined
            ? ''
            : ` <a href="${e(href)}" rel="noreferrer">view file<span class="visually-hidden"> ${e(sanitize(raw?.file ?? '', 200))}</span></a>`;
        const snippet = ev.snippet === undefined ? '' : `<pre><code>${e(ev.snippet)}</code></pre>`;
        lines.push(`<li>${where}${link}${snippet}</li>`);
      });
      lines.push('</ul>');
      if (v.moreEvidence > 0)
        lines.push(`<p class="muted">${plural(v.moreEvidence, 'more location')} not shown.</p>`);
    }
    lines.push('</details>');
    return lines.join('\n');
  }

  function evidenceHref(p: ReportPackage | undefined, file: string): string | undefined {
    if (origin === undefined || p === undefined) return undefined;
    if (p.source !== 'registry' || p.version === '' || file === '') return undefined;
    return usercontentFileUrl(origin, ctx.reportId, p.name, p.version, file);
  }
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function dependencyKind(p: ReportPackage): string {
  const tags = [
    p.direct ? 'direct' : 'transitive',
    ...(p.dev ? ['dev'] : []),
    ...(p.optional ? ['optional'] : []),
  ];
  return tags.join(', ');
}

/** The chain from the direct dependency to the package, as an ordered list. */
function dependencyPath(p: ReportPackage | undefined): string {
  if (p === undefined) return 'not in the dependency graph';
  if (p.via.length === 0) return 'not reached from any project (an orphan lockfile entry)';
  const steps = p.via.slice(0, 50).map((step) => `<li><code>${e(sanitize(step, 254))}</code></li>`);
  const cut = p.via.length > 50 ? [`<li>… ${p.via.length - 50} more</li>`] : [];
  return `<ol class="via">${[...steps, ...cut].join('')}</ol>`;
}

function list<T>(items: readonly T[], item: (x: T) => string): string[] {
  return [
    '<ul>',
    ...items.slice(0, VIEWER_LIMITS.items).map((x) => `<li>${item(x)}</li>`),
    '</ul>',
    ...more(items.length),
  ];
}

function more(count: number): string[] {
  return count > VIEWER_LIMITS.items
    ? [`<p class="muted">${count - VIEWER_LIMITS.items} more not shown.</p>`]
    : [];
}

/** `/`: what the service is and how to use it (the page the HTTP Observatory grades). */
export function renderLandingPage(assets: PageAssets): string {
  return layout({
    title: 'depwarden report service',
    assets,
    main: [
      '<h1>depwarden report service</h1>',
      '<p>This server analyses the dependencies of npm projects for supply-chain risk: malware, install scripts, typosquats, known vulnerabilities, unmaintained packages and license problems. It reads only the dependency snapshot (package.json files, lockfiles and socket.yml), never your source code.</p>',
      '<h2>Submit a project</h2>',
      '<p>From the project folder, with the depwarden command-line tool:</p>',
      '<pre><code>depwarden scan . --upload --server &lt;this server&#39;s URL&gt;</code></pre>',
      '<p>It uploads the snapshot, waits for the analysis and prints the report and its address, <code>/r/&lt;snapshot id&gt;</code>, which opens the report in this viewer. <code>depwarden snapshot .</code> lists exactly which files would be sent.</p>',
      '<h2>Privacy</h2>',
      '<p>Reports are stored encrypted under a key derived from the snapshot id: knowing the snapshot is necessary and sufficient to read its report, and reports cannot be listed or searched. Package files shown as evidence are served from a separate, sandboxed origin.</p>',
    ],
  });
}

/** A report that is queued or running: the page reloads itself until it is done. */
export function renderPendingPage(
  status: 'queued' | 'running',
  assets: PageAssets,
  refreshSeconds = 5,
): string {
  return layout({
    title: 'depwarden: analysis in progress',
    assets,
    refreshSeconds,
    main: [
      '<section class="verdict pending" aria-labelledby="verdict-title">',
      `<h1 id="verdict-title">Analysis ${status === 'queued' ? 'queued' : 'running'}</h1>`,
      `<p>The report is not ready yet. This page reloads every ${refreshSeconds} seconds.</p>`,
      '</section>',
    ],
  });
}

/** A report whose analysis failed, with the reason the service recorded. */
export function renderFailedPage(reason: string | undefined, assets: PageAssets): string {
  return layout({
    title: 'depwarden: analysis failed',
    assets,
    main: [
      '<section class="verdict blocked" aria-labelledby="verdict-title">',
      '<h1 id="verdict-title">Analysis failed</h1>',
      `<p>${e(sanitize(reason ?? 'no reason was recorded', 500))}</p>`,
      '<p>Run <code>depwarden scan . --upload</code> again later, or ask the service operator to refresh the report.</p>',
      '</section>',
    ],
  });
}

/** Unknown, malformed and deleted ids, and any other unknown page: one answer for all. */
export function renderNotFoundPage(assets: PageAssets): string {
  return layout({
    title: 'depwarden: not found',
    assets,
    main: [
      '<h1>Not found</h1>',
      '<p>There is no report at this address. Reports are addressed by the full snapshot id that <code>depwarden snapshot .</code> prints; a deleted report is gone for good.</p>',
      '<p><a href="/">What this service is</a></p>',
    ],
  });
}
