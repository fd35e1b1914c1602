/**
 * The Markdown report of `depwarden scan`, sized for a pull-request comment: a verdict
 * heading, a summary table, one table row per alert to act on (Block and Warn), a collapsible
 * `<details>` section per alert with its evidence and next steps (including the socket.yml
 * entry that accepts the risk), then failures, accepted risks, problems, warnings and scores.
 *
 * Two constraints shape it:
 * - Size. Code hosts reject comments over 65,536 characters, so the output never exceeds
 *   `maxChars` (65,000 by default). When it would, detail sections are dropped from the least
 *   important end first, then table rows, and the comment says so explicitly with the count.
 * - Hostile text. Package names, messages, snippets and paths come from packages. They are
 *   sanitised (report-text), then escaped for where they land: table cells (pipes), inline
 *   Markdown (emphasis, links, code), raw HTML (`<`, `&`) and `@mentions`, which would ping
 *   users or teams (`@org/team` is also how a scoped package starts), get a zero-width space
 *   after the `@`. Snippets go in fenced blocks whose fence is longer than any backtick run
 *   inside.
 *
 * Pure: report in, string out.
 */
import type { ScanReport } from '../report/types.js';
import { sanitize } from '../util/text.js';
import {
  acceptRiskYaml,
  acceptedRisksText,
  acceptedRiskView,
  advisoryText,
  alertCountsText,
  alertView,
  alertsByImportance,
  analysisText,
  failureText,
  indexPackages,
  packagesText,
  plural,
  problemView,
  scoreLines,
  shortId,
  verdictOf,
  DEFAULT_EVIDENCE,
  type AlertView,
} from './report-text.js';

export interface MarkdownOptions {
  /** Hard upper bound on the output length, in UTF-16 code units; default 65,000. */
  maxChars?: number;
}

export const MARKDOWN_MAX_CHARS = 65_000;
/** Below this a useful comment cannot be written (head, summary and the notice). */
const MIN_CHARS = 2_000;
/** List sections are capped so they cannot crowd out the alerts. */
const LIST_ITEMS = 20;
/** Room kept for the truncation notice. */
const NOTICE_RESERVE = 400;

const VERDICT_MARK = { healthy: '✅', blocked: '⛔', incomplete: '⚠️' } as const;
const SEVERITY_MARK: Record<string, string> = {
  critical: '🔴',
  high: '🟠',
  medium: '🟡',
  low: '⚪',
};

export function renderMarkdown(report: ScanReport, opts: MarkdownOptions = {}): string {
  const maxChars = Math.max(MIN_CHARS, Math.floor(opts.maxChars ?? MARKDOWN_MAX_CHARS));
  const index = indexPackages(report);
  const verdict = verdictOf(report);

  // Head: verdict and summary.
  const head: string[] = [`## ${VERDICT_MARK[verdict.state]} depwarden: ${verdict.headline}`, ''];
  if (verdict.also !== undefined) head.push(`**${verdict.also}**`, '');
  const overall = report.scores.project.overall;
  head.push(
    '| | |',
    '|---|---|',
    `| Snapshot | \`${shortId(report.snapshot.id)}\` |`,
    `| Packages | ${packagesText(report)} |`,
    `| Analysis | ${analysisText(report)} |`,
    `| Alerts | ${alertCountsText(report)} |`,
    `| Accepted risks | ${acceptedRisksText(report)} |`,
    `| Advisory database | ${inline(advisoryText(report))} |`,
    `| Overall score | ${overall} / 100 |`,
    '',
  );

  // Alerts: the table lists what must be acted on; details cover everything not ignored.
  const ordered = alertsByImportance(report).map((a) => alertView(index, a, DEFAULT_EVIDENCE));
  const tableAlerts = ordered.filter(
    (v) => v.alert.blocking || v.alert.action === 'error' || v.alert.action === 'warn',
  );
  const detailAlerts = ordered.filter((v) => v.alert.action !== 'ignore' || v.alert.blocking);
  const tableHead =
    tableAlerts.length === 0
      ? []
      : [
          `### Alerts to act on (${tableAlerts.length})`,
          '',
          '| Alert | Package | Introduced by | Manifest file | Action |',
          '|---|---|---|---|---|',
        ];
  const rows = tableAlerts.map(tableRow);

  const tail = [
    ...failuresSection(),
    ...acceptedRisksSection(),
    ...problemsSection(),
    ...warningsSection(),
    ...scoresSection(),
    `<sub>depwarden ${inline(sanitize(report.tool.version, 40))} · snapshot \`${shortId(report.snapshot.id)}\` · \`depwarden scan --format json\` has everything</sub>`,
  ];

  // Fit: fixed parts first, then table rows, then detail sections in order of importance.
  const size = (lines: readonly string[]) => lines.reduce((n, l) => n + l.length + 1, 0);
  let budget =
    maxChars -
    size(head) -
    size(tableHead) -
    size(tail) -
    NOTICE_RESERVE -
    (detailAlerts.length > 0 ? 40 : 0);
  let keptRows = 0;
  for (const r of rows) {
    if (r.length + 1 > budget) break;
    budget -= r.length + 1;
    keptRows++;
  }
  // Rendered lazily: with thousands of alerts only the ones that fit are worth building.
  const details: string[] = [];
  if (keptRows === rows.length)
    for (const v of detailAlerts) {
      const d = detailSection(v, report.generatedAt);
      if (d.length + 1 > budget) break;
      budget -= d.length + 1;
      details.push(d);
    }
  const keptDetails = details.length;

  const out = [...head];
  const notShown = detailAlerts.length - keptDetails;
  if (notShown > 0 || keptRows < rows.length) {
    const table =
      keptRows < rows.length
        ? ` The table lists ${keptRows} of ${rows.length} alerts to act on.`
        : '';
    out.push(
      `> [!NOTE]`,
      `> **${plural(notShown, 'alert')} not shown** in detail to keep this comment under ${maxChars} characters.${table} Run \`depwarden scan --format json\` for all.`,
      '',
    );
  }
  if (tableHead.length > 0) out.push(...tableHead, ...rows.slice(0, keptRows), '');
  if (keptDetails > 0) out.push('### Details', '', ...details);
  if (detailAlerts.length === 0 && report.alerts.length === 0) out.push('No alerts.', '');
  out.push(...tail);
  return fit(`${out.join('\n')}\n`, maxChars);

  function tableRow(v: AlertView): string {
    const acceptance = v.acceptance?.kind === 'expired' ? ' (acceptance expired)' : '';
    return `| ${SEVERITY_MARK[v.severity] ?? ''} ${v.severity} · ${cell(v.title)} | ${cell(v.packageLabel)} | ${cell(v.introducedBy)} | ${cell(v.manifest ?? '')} | **${v.action}**${acceptance} |`;
  }

  function failuresSection(): string[] {
    if (report.failures.length === 0) return [];
    return [
      `### Not analysed (${report.failures.length})`,
      '',
      ...capList(report.failures, (f) => `- ${inline(failureText(index, f))}`),
      '',
    ];
  }

  function acceptedRisksSection(): string[] {
    if (report.acceptedRisks.length === 0) return [];
    return [
      '### Accepted risks (socket.yml)',
      '',
      '| Entry | Package and alerts | Status |',
      '|---|---|---|',
      ...capList(report.acceptedRisks, (r) => {
        const v = acceptedRiskView(r);
        const status = v.status === 'active' ? cell(v.text) : `**${cell(v.text)}**`;
        return `| ${cell(v.where)} | ${cell(v.what)} | ${status} |`;
      }),
      '',
    ];
  }

  function problemsSection(): string[] {
    if (report.problems.length === 0) return [];
    return [
      `### Configuration and lockfile problems (${report.problems.length})`,
      '',
      ...capList(report.problems, (p) => {
        const v = problemView(p);
        const where = v.where === undefined ? '' : `${code(v.where)}: `;
        const hint = v.hint === undefined ? '' : ` Hint: ${inline(v.hint)}`;
        return `- ${where}${v.severity}: ${inline(v.message)} (${inline(v.code)}).${hint}`;
      }),
      '',
    ];
  }

  function warningsSection(): string[] {
    if (report.warnings.length === 0) return [];
    return [
      '### Warnings',
      '',
      ...capList(report.warnings, (w) => `- ${inline(sanitize(w, 500))}`),
      '',
    ];
  }

  function scoresSection(): string[] {
    return [
      '### Scores',
      '',
      '| Category | Project | Lowest package |',
      '|---|---|---|',
      ...scoreLines(report, index, 1).map((s) => {
        const lowest = s.lowest[0];
        return `| ${s.name} | ${s.project} | ${lowest === undefined ? '' : `${cell(lowest.label)} (${lowest.score})`} |`;
      }),
      '',
    ];
  }
}

function capList<T>(items: readonly T[], line: (item: T) => string): string[] {
  const lines = items.slice(0, LIST_ITEMS).map(line);
  if (items.length > LIST_ITEMS)
    lines.push(`- … and ${items.length - LIST_ITEMS} more (see \`--format json\`)`);
  return lines;
}

function detailSection(v: AlertView, generatedAt: string): string {
  const lines: string[] = [
    `<details><summary>${html(v.action)} · ${html(v.severity)} · ${html(v.title)} in ${html(v.packageLabel)}</summary>`,
    '',
    `**${inline(v.message)}**`,
    '',
    ...(v.description === '' ? [] : [inline(v.description), '']),
    `- Alert type: ${code(v.type)} (docs: ${code(`docs/${v.docs}`)})`,
    `- Reached: ${inline(v.reach)}`,
  ];
  if (v.manifest !== undefined) lines.push(`- Listed in: ${code(v.manifest)}`);
  if (v.evidence.length > 0) {
    lines.push('', 'Evidence:', '');
    for (const e of v.evidence) {
      lines.push(`- ${code(e.location)}`);
      // A raw-HTML <pre> line rather than a fence: the snippet stays entity-escaped like
      // every other package string, so no renderer's code-block quirks matter.
      if (e.snippet !== undefined) lines.push('', `<pre>${html(e.snippet)}</pre>`);
    }
    if (v.moreEvidence > 0) lines.push(`- … ${plural(v.moreEvidence, 'more location')}`);
  }
  lines.push('', `**What to do:** ${inline(v.fix)}`, '');
  if (v.acceptance?.kind === 'accepted') {
    lines.push(`✅ ${inline(v.acceptance.text)}`, '');
  } else {
    if (v.acceptance?.kind === 'expired') lines.push(`**⚠️ ${inline(v.acceptance.text)}**`, '');
    lines.push(
      'To accept the risk instead, add to `socket.yml` (and say why):',
      '',
      ...fenced(acceptRiskYaml(v, generatedAt), 'yaml', ''),
      '',
    );
  }
  lines.push('</details>', '');
  return lines.join('\n');
}

/**
 * Escapes text for inline Markdown: HTML specials become entities, Markdown punctuation that
 * opens a construct is backslash-escaped, and `@` cannot start a mention. The input is
 * already sanitised, so it holds no line break.
 */
export function inline(text: string): string {
  return text.replace(/[&<>\\`*_[\]|~@]/g, (c, at: number) => {
    if (c === '&') return '&amp;';
    if (c === '<') return '&lt;';
    if (c === '>') return '&gt;';
    if (c === '@') return mentionSafe(text, at);
    return `\\${c}`;
  });
}

/**
 * A mention starts with `@` after a non-word character (or at the start), as in `@org/team`;
 * after a letter or digit (`qs@6.5.2`, `a@b.example`) it cannot, and is left readable.
 */
function mentionSafe(text: string, at: number): string {
  return at > 0 && /[A-Za-z0-9]/.test(text.charAt(at - 1)) ? '@' : '@&#8203;';
}

/** A table cell: inline escaping covers pipes; an empty cell stays empty. */
function cell(text: string): string {
  return inline(text);
}

/** Text inside raw HTML (the `<summary>` line), where Markdown is not interpreted. */
export function html(text: string): string {
  return text.replace(/[&<>"'@]/g, (c, at: number) =>
    c === '@' ? mentionSafe(text, at) : `&#${c.charCodeAt(0)};`,
  );
}

/**
 * A code span for plain tokens (paths, alert types); anything else is escaped inline text,
 * because inside a code span entities are not decoded and `<` would have to appear raw.
 */
function code(text: string): string {
  return /^[\w./:@+-]+$/.test(text) ? `\`${text}\`` : inline(text);
}

function fenced(text: string, lang: string, indent: string): string[] {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(text) + 1));
  return [
    `${indent}${fence}${lang}`,
    ...text.split('\n').map((l) => indent + l),
    `${indent}${fence}`,
  ];
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/**
 * Last line of defence: the sections are sized above, but if the fixed parts alone are too
 * large (thousands of problems with long messages), cut at a section boundary and say so.
 */
export function fit(text: string, maxChars: number, command = 'scan'): string {
  if (text.length <= maxChars) return text;
  const notice = `\n\n> [!NOTE]\n> **Report cut** to fit a pull-request comment; run \`depwarden ${command} --format json\` for all.\n`;
  const room = maxChars - notice.length;
  const boundary = text.lastIndexOf('\n\n', room);
  return `${text.slice(0, boundary > 0 ? boundary : room)}${notice}`;
}
