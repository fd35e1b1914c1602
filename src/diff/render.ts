/**
 * Renderers of the diff report: the pull-request comment (Markdown) and the terminal view.
 *
 * The comment follows the layout reviewers know from hosted tools: a verdict heading, a
 * dependency overview (one row per added, upgraded, downgraded, changed or removed package
 * with its capability, score and publisher changes), a table of the alerts the change
 * introduces, and a collapsible "next steps" section per alert with the socket.yml entry that
 * accepts the risk. Only Block and Warn alerts get rows; Monitor and Ignore ones are counted.
 *
 * Two constraints shape the Markdown, as for the scan comment (src/render/markdown.ts, whose
 * `inline` escaping is reused so both comments escape alike):
 * - Size. Comments over 65,536 characters are rejected, so the output never exceeds
 *   `maxChars` (65,000 by default). The fixed parts come first, then alert rows, then
 *   dependency rows (at most half of what is left while alert details wait), then alert
 *   details, then the remaining dependency rows; whatever does not fit is counted in a
 *   notice at the top.
 * - Hostile text. Names, versions, publishers, capabilities, messages and paths come from
 *   packages or lockfiles: sanitised first (report-text views or `sanitize`), then escaped for
 *   where they land (`inline` for Markdown, `htmlText` inside raw HTML).
 *
 * Pure: diff in, string out. Without colour the terminal output holds no escape byte.
 */
import type { AlertAction } from '../alerts/index.js';
import { fit, html, inline, MARKDOWN_MAX_CHARS } from '../render/markdown.js';
import { ANSI } from '../render/terminal.js';
import {
  acceptRiskYaml,
  actionName,
  alertView,
  DEFAULT_EVIDENCE,
  failureText,
  plural,
  severityName,
  shortId,
  type AlertView,
  type PackageIndex,
} from '../render/report-text.js';
import type { ReportAlert } from '../report/types.js';
import { sanitize } from '../util/text.js';
import {
  CHANGE_KIND_ORDER,
  type ChangeKind,
  type DiffReport,
  type DiffSide,
  type PackageChange,
} from './types.js';

export interface DiffMarkdownOptions {
  /** Hard upper bound on the output length, in UTF-16 code units; default 65,000. */
  maxChars?: number;
}

export interface DiffTerminalOptions {
  color: boolean;
}

/** Below this a useful comment cannot be written (heading, summary and the notice). */
const MIN_CHARS = 2_000;
/** Room kept for the truncation notice. */
const NOTICE_RESERVE = 500;
/** Items in list sections (failures, warnings, terminal lists) before "… N more". */
const LIST_ITEMS = 20;
/** Terminal rows per section: a compact view, `--format json` has everything. */
const TERMINAL_ROWS = 100;
const NAME_CHARS = 214; // npm's own limit on package names
const VERSION_CHARS = 64;

const VERDICT_MARK = { healthy: '✅', blocked: '⛔', incomplete: '⚠️' } as const;
const SEVERITY_MARK: Record<string, string> = {
  critical: '🔴',
  high: '🟠',
  medium: '🟡',
  low: '⚪',
};

type VerdictState = keyof typeof VERDICT_MARK;

interface DiffVerdict {
  state: VerdictState;
  headline: string;
  /** Set when new alerts block and the head scan is also incomplete. */
  also?: string;
}

function verdictOf(diff: DiffReport): DiffVerdict {
  const incomplete = `INCOMPLETE: ${plural(diff.failures.length, 'failure')} in the head scan`;
  if (diff.verdict.exitCode === 1) {
    const headline = `BLOCKED: ${plural(diff.newBlocking, 'new blocking alert')}`;
    return diff.verdict.complete
      ? { state: 'blocked', headline }
      : { state: 'blocked', headline, also: incomplete };
  }
  if (diff.verdict.exitCode === 2) return { state: 'incomplete', headline: incomplete };
  return { state: 'healthy', headline: 'no new blocking alerts' };
}

/** `2 added, 1 upgraded, 1 removed` (kinds with no change are left out). */
function changeCountsText(diff: DiffReport): string {
  const counts = CHANGE_KIND_ORDER.map(
    (k) => [k, diff.changes.filter((c) => c.kind === k).length] as const,
  ).filter(([, n]) => n > 0);
  return counts.length === 0
    ? 'no dependency changes'
    : counts.map(([k, n]) => `${n} ${k}`).join(', ');
}

function alertCountsText(diff: DiffReport): string {
  const blocking = diff.newBlocking > 0 ? ` (${diff.newBlocking} blocking)` : '';
  return `${plural(diff.newAlerts.length, 'new alert')}${blocking}, ${diff.resolvedAlerts} resolved`;
}

function sideText(side: DiffSide): string {
  return `${sanitize(side.label, 120)} (${shortId(side.snapshotId)})`;
}

/** The alerts that get a row and next steps: what a reviewer must act on. */
function actionable(a: ReportAlert): boolean {
  return a.blocking || a.action === 'error' || a.action === 'warn';
}

function alertViews(diff: DiffReport): AlertView[] {
  const index: PackageIndex = new Map(diff.alertPackages.map((p) => [p.id, p]));
  return diff.newAlerts.filter(actionable).map((a) => alertView(index, a, DEFAULT_EVIDENCE));
}

function versionText(version: string | undefined): string {
  return version === undefined || version === '' ? '?' : sanitize(version, VERSION_CHARS);
}

/** `1.0.0 → 1.1.0`, `added 1.0.1`, `removed 1.3.0`, `1.0.0 (integrity changed)`. */
function changeText(c: PackageChange): string {
  const from = versionText(c.from?.version);
  const to = versionText(c.to?.version);
  switch (c.kind) {
    case 'added':
      return `added ${to}`;
    case 'removed':
      return `removed ${from}`;
    case 'upgraded':
      return `${from} → ${to}`;
    case 'downgraded':
      return `${from} → ${to} (downgrade)`;
    case 'changed': {
      if (from !== to) return `${from} → ${to}`;
      const why =
        c.from?.source !== c.to?.source
          ? `source ${sanitize(c.from?.source ?? '?', 20)} → ${sanitize(c.to?.source ?? '?', 20)}`
          : 'integrity changed';
      return `${to} (${why})`;
    }
  }
}

function directText(c: PackageChange): string {
  return `${c.direct ? 'yes' : 'no'}${c.dev ? ' (dev)' : ''}`;
}

/** The score the change brings: `88 → 90`, or one side's score, or `–`. */
function scoreText(c: PackageChange): string {
  const from = c.from?.scores?.overall;
  const to = c.to?.scores?.overall;
  if (c.kind === 'removed') return from === undefined ? '–' : String(from);
  if (c.kind === 'added' || from === undefined) return to === undefined ? '–' : String(to);
  if (to === undefined) return `${from} → –`;
  return from === to ? String(to) : `${from} → ${to}`;
}

/** Capabilities split so each renderer can mark the added ones its own way. */
function capabilityParts(c: PackageChange): { added: string[]; removed: string[]; kept: string[] } {
  const clean = (list: readonly string[]) => list.map((s) => sanitize(s, 40));
  if (c.kind === 'removed') return { added: [], removed: [], kept: [] };
  const added = new Set(c.capabilitiesAdded);
  return {
    added: clean(c.capabilitiesAdded),
    removed: clean(c.capabilitiesRemoved),
    kept: clean((c.to?.capabilities ?? []).filter((s) => !added.has(s))),
  };
}

function publisherText(c: PackageChange): { text: string; changed: boolean } {
  if (c.publisherChanged !== undefined)
    return {
      text: `${sanitize(c.publisherChanged.from, NAME_CHARS)} → ${sanitize(c.publisherChanged.to, NAME_CHARS)}`,
      changed: true,
    };
  const p = c.kind === 'removed' ? undefined : c.to?.publisher;
  return { text: p === undefined ? '' : sanitize(p, NAME_CHARS), changed: false };
}

export function renderDiffMarkdown(diff: DiffReport, opts: DiffMarkdownOptions = {}): string {
  const maxChars = Math.max(MIN_CHARS, Math.floor(opts.maxChars ?? MARKDOWN_MAX_CHARS));
  const verdict = verdictOf(diff);

  const head: string[] = [
    `## ${VERDICT_MARK[verdict.state]} depwarden diff: ${verdict.headline}`,
    '',
  ];
  if (verdict.also !== undefined) head.push(`**${verdict.also}**`, '');
  head.push(
    `${inline(sideText(diff.base))} → ${inline(sideText(diff.head))}: ${changeCountsText(diff)}; ${alertCountsText(diff)}.`,
    '',
  );

  const views = alertViews(diff);
  const quiet = diff.newAlerts.length - views.length;
  const alertHead =
    views.length === 0
      ? [
          diff.newAlerts.length === 0
            ? 'No new alerts.'
            : `No new alerts to act on (${plural(quiet, 'new monitor or ignore alert')}).`,
          '',
        ]
      : [
          `### New alerts (${views.length})`,
          '',
          '| Alert | Package | Introduced by | Manifest file | Action |',
          '|---|---|---|---|---|',
        ];
  const alertRows = views.map(alertRow);
  const alertFoot =
    views.length > 0 && quiet > 0
      ? [`Also ${plural(quiet, 'new monitor or ignore alert')} (see \`--format json\`).`, '']
      : views.length > 0
        ? ['']
        : [];

  const depHead =
    diff.changes.length === 0
      ? []
      : [
          `### Dependency overview (${diff.changes.length})`,
          '',
          '| Package | Change | Direct | Capabilities | Overall score | Publisher |',
          '|---|---|---|---|---|---|',
        ];
  const depRows = diff.changes.map(dependencyRow);

  const tail = [
    ...listSection(
      'Not analysed in head',
      diff.failures.map((f) => failureText(new Map(), f)),
    ),
    ...listSection(
      'Warnings',
      diff.warnings.map((w) => sanitize(w, 500)),
    ),
    `<sub>depwarden diff · ${inline(sideText(diff.base))} → ${inline(sideText(diff.head))} · \`depwarden diff --format json\` has everything</sub>`,
  ];

  // Fit (see the header): fixed parts, alert rows, some dependency rows, details, the rest.
  const size = (lines: readonly string[]) => lines.reduce((n, l) => n + l.length + 1, 0);
  let budget =
    maxChars -
    size(head) -
    size(alertHead) -
    size(alertFoot) -
    size(depHead) -
    size(tail) -
    NOTICE_RESERVE -
    (views.length > 0 ? 40 : 0);
  const take = (rows: readonly string[], from: number, limit: number): number => {
    let n = from;
    let room = limit;
    while (n < rows.length && rows[n]!.length + 1 <= room) {
      room -= rows[n]!.length + 1;
      budget -= rows[n]!.length + 1;
      n++;
    }
    return n;
  };
  const keptAlertRows = take(alertRows, 0, budget);
  let keptDepRows = take(depRows, 0, views.length > 0 ? Math.floor(budget / 2) : budget);
  const details: string[] = [];
  if (keptAlertRows === alertRows.length)
    for (const v of views) {
      const d = detailSection(v, diff.generatedAt);
      if (d.length + 1 > budget) break;
      budget -= d.length + 1;
      details.push(d);
    }
  keptDepRows = take(depRows, keptDepRows, budget);

  const out = [...head];
  const cut: string[] = [];
  if (keptDepRows < depRows.length)
    cut.push(`the dependency overview lists ${keptDepRows} of ${depRows.length} changes`);
  if (keptAlertRows < alertRows.length)
    cut.push(`the alert table lists ${keptAlertRows} of ${alertRows.length} new alerts`);
  if (details.length < views.length)
    cut.push(`${plural(views.length - details.length, 'alert')} without next steps`);
  if (cut.length > 0)
    out.push(
      '> [!NOTE]',
      `> **Comment shortened** to stay under ${maxChars} characters: ${cut.join('; ')}. Run \`depwarden diff --format json\` for all.`,
      '',
    );
  if (depHead.length > 0) out.push(...depHead, ...depRows.slice(0, keptDepRows), '');
  out.push(...alertHead, ...alertRows.slice(0, keptAlertRows), ...alertFoot);
  if (details.length > 0) out.push('### Next steps', '', ...details);
  out.push(...tail);
  return fit(`${out.join('\n')}\n`, maxChars, 'diff');
}

function alertRow(v: AlertView): string {
  const acceptance = v.acceptance?.kind === 'expired' ? ' (acceptance expired)' : '';
  return `| ${SEVERITY_MARK[v.severity] ?? ''} ${v.severity} · ${inline(v.title)} | ${inline(v.packageLabel)} | ${inline(v.introducedBy)} | ${inline(v.manifest ?? '')} | **${v.action}**${acceptance} |`;
}

function dependencyRow(c: PackageChange): string {
  const caps = capabilityParts(c);
  const capabilities = [
    ...caps.added.map((s) => `**+${inline(s)}**`),
    ...caps.removed.map((s) => `−${inline(s)}`),
    ...caps.kept.map(inline),
  ].join(', ');
  const publisher = publisherText(c);
  const publisherCell = publisher.changed
    ? `⚠️ **${inline(publisher.text)}**`
    : inline(publisher.text);
  return `| ${inline(sanitize(c.name, NAME_CHARS))} | ${inline(changeText(c))} | ${directText(c)} | ${capabilities} | ${scoreText(c)} | ${publisherCell} |`;
}

function listSection(title: string, items: readonly string[]): string[] {
  if (items.length === 0) return [];
  const lines = items.slice(0, LIST_ITEMS).map((t) => `- ${inline(t)}`);
  if (items.length > LIST_ITEMS)
    lines.push(`- … and ${items.length - LIST_ITEMS} more (see \`--format json\`)`);
  return [`### ${title} (${items.length})`, '', ...lines, ''];
}

/** Next steps for one new alert: what it found, what to do, how to accept it instead. */
function detailSection(v: AlertView, generatedAt: string): string {
  const lines = [
    `<details><summary>${html(v.action)} · ${html(v.severity)} · ${html(v.title)} in ${html(v.packageLabel)}</summary>`,
    '',
    `**${inline(v.message)}**`,
    '',
    `- Alert type: ${inline(v.type)} (docs: ${inline(`docs/${v.docs}`)})`,
    `- Reached: ${inline(v.reach)}`,
  ];
  if (v.manifest !== undefined) lines.push(`- Listed in: ${inline(v.manifest)}`);
  for (const e of v.evidence) {
    lines.push(`- Evidence: ${inline(e.location)}`);
    if (e.snippet !== undefined) lines.push('', `<pre>${html(e.snippet)}</pre>`, '');
  }
  if (v.moreEvidence > 0) lines.push(`- … ${plural(v.moreEvidence, 'more location')}`);
  lines.push('', `**What to do:** ${inline(v.fix)}`, '');
  if (v.acceptance?.kind === 'accepted') lines.push(`✅ ${inline(v.acceptance.text)}`, '');
  else
    lines.push(
      'To accept the risk instead, add to `socket.yml` (and say why):',
      '',
      // acceptRiskYaml writes every scalar plain-safe or as a JSON string with backticks
      // escaped, so a three-backtick fence cannot be closed from inside.
      '```yaml',
      acceptRiskYaml(v, generatedAt),
      '```',
      '',
    );
  lines.push('</details>', '');
  // Snippet blocks bring their own blank lines; one is enough anywhere.
  return lines.join('\n').replace(/\n{3,}/g, '\n\n');
}

// ---------------------------------------------------------------------------------------------
// Terminal

type Style = keyof typeof ANSI;

const CHANGE_MARK: Record<ChangeKind, string> = {
  added: '+',
  upgraded: '↑',
  downgraded: '↓',
  changed: '~',
  removed: '-',
};
const ACTION_STYLE: Record<AlertAction, Style[]> = {
  error: ['bold', 'red'],
  warn: ['bold', 'yellow'],
  monitor: ['cyan'],
  ignore: ['dim'],
};

export function renderDiffTerminal(diff: DiffReport, opts: DiffTerminalOptions): string {
  const paint = (text: string, ...styles: Style[]): string =>
    opts.color && styles.length > 0
      ? `${styles.map((s) => ANSI[s]).join('')}${text}${ANSI.reset}`
      : text;
  const verdict = verdictOf(diff);
  const verdictStyle: Style[] =
    verdict.state === 'healthy'
      ? ['bold', 'green']
      : verdict.state === 'blocked'
        ? ['bold', 'red']
        : ['bold', 'yellow'];
  const out: string[] = [
    `${paint(verdict.headline.toUpperCase(), ...verdictStyle)}${verdict.also === undefined ? '' : `  ${paint(`(${verdict.also})`, 'bold', 'yellow')}`}`,
    paint(`${sideText(diff.base)} → ${sideText(diff.head)}`, 'dim'),
    paint(`${changeCountsText(diff)}; ${alertCountsText(diff)}`, 'dim'),
  ];

  if (diff.changes.length > 0) {
    out.push('', paint(`DEPENDENCY CHANGES (${diff.changes.length})`, 'bold'));
    for (const c of diff.changes.slice(0, TERMINAL_ROWS)) {
      const caps = capabilityParts(c);
      const capText = [
        ...caps.added.map((s) => paint(`+${s}`, 'bold', 'yellow')),
        ...caps.removed.map((s) => `-${s}`),
        ...caps.kept,
      ].join(' ');
      const publisher = publisherText(c);
      const parts = [
        `  ${CHANGE_MARK[c.kind]} ${paint(sanitize(c.name, NAME_CHARS), 'bold')} ${changeText(c)}`,
        c.direct ? 'direct' : 'transitive',
        ...(c.dev ? ['dev'] : []),
        ...(capText === '' ? [] : [`caps ${capText}`]),
        `score ${scoreText(c)}`,
        ...(publisher.text === ''
          ? []
          : [
              publisher.changed
                ? paint(`publisher changed ${publisher.text}`, 'bold', 'red')
                : `by ${publisher.text}`,
            ]),
      ];
      out.push(parts.join('  '));
    }
    if (diff.changes.length > TERMINAL_ROWS)
      out.push(paint(`  … and ${diff.changes.length - TERMINAL_ROWS} more (--format json)`, 'dim'));
  }

  if (diff.newAlerts.length > 0) {
    const index: PackageIndex = new Map(diff.alertPackages.map((p) => [p.id, p]));
    // Blocking alerts come first in newAlerts and are never cut.
    const shown = Math.max(TERMINAL_ROWS, diff.newBlocking);
    out.push('', paint(`NEW ALERTS (${diff.newAlerts.length})`, 'bold'));
    for (const a of diff.newAlerts.slice(0, shown)) {
      const v = alertView(index, a, 0);
      const where = v.manifest === undefined ? '' : `, ${v.manifest}`;
      out.push(
        `  ${paint(actionName(a.action), ...ACTION_STYLE[a.action])} ${severityName(a.severity)}  ${paint(v.packageLabel, 'bold')}  ${v.title} ${paint(`[${v.type}]`, 'dim')}`,
        paint(`      introduced by ${v.introducedBy}${where}`, 'dim'),
        `      → ${v.fix}`,
      );
    }
    if (diff.newAlerts.length > shown)
      out.push(paint(`  … and ${diff.newAlerts.length - shown} more (--format json)`, 'dim'));
  } else out.push('', 'No new alerts.');

  if (diff.failures.length > 0) {
    out.push('', paint(`NOT ANALYSED IN HEAD (${diff.failures.length})`, 'bold', 'yellow'));
    for (const f of diff.failures.slice(0, LIST_ITEMS)) out.push(`  ${failureText(new Map(), f)}`);
    if (diff.failures.length > LIST_ITEMS)
      out.push(paint(`  … and ${diff.failures.length - LIST_ITEMS} more`, 'dim'));
  }
  if (diff.warnings.length > 0) {
    out.push('', paint('WARNINGS', 'bold', 'yellow'));
    for (const w of diff.warnings.slice(0, LIST_ITEMS)) out.push(`  ! ${sanitize(w, 500)}`);
    if (diff.warnings.length > LIST_ITEMS)
      out.push(paint(`  … and ${diff.warnings.length - LIST_ITEMS} more`, 'dim'));
  }
  return `${out.join('\n')}\n`;
}
