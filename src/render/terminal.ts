/**
 * The terminal report of `depwarden scan`: what a developer reads after running it. The
 * verdict comes first in one line, then the alerts a person must act on (Block, then Warn,
 * then Monitor; Ignore only with --verbose), each with how the package is reached, the
 * evidence and what to do, then what made the scan incomplete and what in the configuration
 * needs attention.
 *
 * Pure: report in, string out. Colour is opt-in (the caller knows whether stdout is a TTY and
 * whether NO_COLOR is set); without it the output holds no escape byte at all. Text from
 * packages reaches the terminal only through report-text's sanitised views, so a hostile
 * message cannot move the cursor, clear the screen or reorder text with bidi controls.
 */
import type { ReportAlert, ScanReport } from '../report/types.js';
import type { Severity } from '../analyzer/kit.js';
import type { AlertAction } from '../alerts/index.js';
import { sanitize } from '../util/text.js';
import {
  DEFAULT_EVIDENCE,
  MAX_EVIDENCE,
  MAX_LIST_ITEMS,
  acceptedRiskView,
  actionName,
  advisoryText,
  alertCountsText,
  alertView,
  alertsByImportance,
  failureText,
  groupAlerts,
  indexPackages,
  packagesText,
  plural,
  problemView,
  scoreLines,
  severityName,
  shortId,
  verdictOf,
  type AlertView,
} from './report-text.js';

export interface TerminalOptions {
  color: boolean;
  verbose: boolean;
  /** Columns to wrap prose at; 80 when absent, clamped to 40..200. */
  width?: number;
}

export const ANSI = {
  reset: '\x1b[0m',
  bold: '\x1b[1m',
  dim: '\x1b[2m',
  red: '\x1b[31m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  blue: '\x1b[34m',
  magenta: '\x1b[35m',
  cyan: '\x1b[36m',
} as const;
type Style = keyof typeof ANSI;

const SEVERITY_STYLE: Record<Severity, Style[]> = {
  critical: ['bold', 'red'],
  high: ['red'],
  middle: ['yellow'],
  low: ['dim'],
};
const ACTION_STYLE: Record<AlertAction, Style[]> = {
  error: ['bold', 'red'],
  warn: ['bold', 'yellow'],
  monitor: ['bold', 'blue'],
  ignore: ['dim'],
};
const ACTION_MARK: Record<AlertAction, string> = {
  error: '✖',
  warn: '▲',
  monitor: '●',
  ignore: '·',
};

export function renderTerminal(report: ScanReport, opts: TerminalOptions): string {
  const width = Math.min(200, Math.max(40, Math.floor(opts.width ?? 80)));
  const paint = (text: string, ...styles: Style[]): string =>
    opts.color && styles.length > 0
      ? `${styles.map((s) => ANSI[s]).join('')}${text}${ANSI.reset}`
      : text;
  const index = indexPackages(report);
  const out: string[] = [];

  // Head: the verdict, then what the verdict is about.
  const verdict = verdictOf(report);
  const verdictStyle: Style[] =
    verdict.state === 'healthy'
      ? ['bold', 'green']
      : verdict.state === 'blocked'
        ? ['bold', 'red']
        : ['bold', 'yellow'];
  out.push(
    `${paint(verdict.headline, ...verdictStyle)}${verdict.also === undefined ? '' : `  ${paint(`(${verdict.also})`, 'bold', 'yellow')}`}`,
  );
  const about = `snapshot ${shortId(report.snapshot.id)} · ${packagesText(report)} · advisory DB ${advisoryText(report)}`;
  out.push(...wrap(about, width, '', '  ').map((l) => paint(l, 'dim')));
  out.push(paint(`alerts: ${alertCountsText(report)}`, 'dim'));

  // Alerts.
  const maxEvidence = opts.verbose ? MAX_EVIDENCE : DEFAULT_EVIDENCE;
  const views = alertsByImportance(report).map((a) => alertView(index, a, maxEvidence));
  for (const group of groupAlerts(views, opts.verbose)) {
    out.push(
      '',
      paint(
        `${actionName(group.action).toUpperCase()} (${group.count})`,
        ...ACTION_STYLE[group.action],
      ),
    );
    for (const sev of group.severities) {
      out.push(`  ${paint(severityName(sev.severity), ...SEVERITY_STYLE[sev.severity])}`);
      for (const v of sev.items)
        out.push(...alertLines(v, group.action, width, opts.verbose, paint));
    }
  }
  const hiddenIgnored = opts.verbose
    ? 0
    : report.alerts.filter((a) => a.action === 'ignore').length;
  if (hiddenIgnored > 0)
    out.push(
      '',
      paint(`${plural(hiddenIgnored, 'ignored alert')} not shown (--verbose shows them)`, 'dim'),
    );
  if (report.alerts.length === 0) out.push('', 'No alerts.');

  // Why the scan is incomplete.
  if (report.failures.length > 0) {
    out.push('', paint(`NOT ANALYSED (${report.failures.length})`, 'bold', 'yellow'));
    out.push(...capped(report.failures, (f) => wrap(failureText(index, f), width, '  ', '    ')));
  }

  // Accepted risks that need attention (active ones are shown on their alerts).
  const risks = report.acceptedRisks.filter((r) => opts.verbose || r.status !== 'active');
  if (risks.length > 0) {
    out.push('', paint('ACCEPTED RISKS (socket.yml)', 'bold'));
    out.push(
      ...capped(risks, (r) => {
        const v = acceptedRiskView(r);
        const text = `${v.where} ${v.what}: ${v.text}`;
        return wrap(text, width, '  ', '    ').map((l) =>
          v.status === 'expired'
            ? paint(l, 'bold', 'red')
            : v.status === 'unused'
              ? paint(l, 'yellow')
              : l,
        );
      }),
    );
  }

  if (report.problems.length > 0) {
    out.push('', paint(`PROBLEMS (${report.problems.length})`, 'bold'));
    out.push(
      ...capped(report.problems, (p) => {
        const v = problemView(p);
        const head = `${v.where === undefined ? '' : `${v.where}: `}${v.severity}: ${v.message} [${v.code}]`;
        const lines = wrap(head, width, '  ', '    ');
        if (v.hint !== undefined) lines.push(...wrap(`hint: ${v.hint}`, width, '    ', '      '));
        return lines.map((l) => (p.severity === 'error' ? paint(l, 'red') : l));
      }),
    );
  }

  if (report.warnings.length > 0) {
    out.push('', paint('WARNINGS', 'bold', 'yellow'));
    out.push(...capped(report.warnings, (w) => wrap(sanitize(w, 500), width, '  ! ', '    ')));
  }

  // Scores: the project's, with the packages that pull each category down.
  out.push('', paint('SCORES (0-100, lowest packages)', 'bold'));
  for (const s of scoreLines(report, index, opts.verbose ? 3 : 1)) {
    const lowest = s.lowest.map((l) => `${l.label} ${l.score}`).join(', ');
    const score = String(s.project).padStart(3);
    const painted = paint(
      score,
      ...(s.project < 50 ? (['red'] as Style[]) : s.project < 75 ? (['yellow'] as Style[]) : []),
    );
    out.push(
      `  ${s.name.padEnd(14)}${painted}${lowest === '' ? '' : paint(`   lowest: ${lowest}`, 'dim')}`,
    );
  }

  return `${out.join('\n')}\n`;

  function capped<T>(items: readonly T[], lines: (item: T) => string[]): string[] {
    const max = opts.verbose ? items.length : MAX_LIST_ITEMS;
    const shown = items.slice(0, max).flatMap(lines);
    if (items.length > max)
      shown.push(paint(`  … and ${items.length - max} more (--verbose or --format json)`, 'dim'));
    return shown;
  }
}

type Paint = (text: string, ...styles: Style[]) => string;

function alertLines(
  v: AlertView,
  action: AlertAction,
  width: number,
  verbose: boolean,
  paint: Paint,
): string[] {
  const a: ReportAlert = v.alert;
  const lines: string[] = [];
  const mark = paint(ACTION_MARK[action], ...ACTION_STYLE[action]);
  lines.push(
    `    ${mark} ${paint(v.packageLabel, 'bold')}  ${v.title} ${paint(`[${v.type}]`, 'dim')}`,
  );
  const ind = '      ';
  lines.push(...wrap(`reached: ${v.reach}`, width, ind, `${ind}  `).map((l) => paint(l, 'dim')));
  lines.push(...wrap(v.message, width, ind, ind));
  if (verbose && v.description !== '')
    lines.push(...wrap(v.description, width, ind, ind).map((l) => paint(l, 'dim')));
  for (const e of v.evidence) {
    lines.push(`${ind}${paint(e.location, 'cyan')}`);
    if (e.snippet !== undefined) lines.push(`${ind}  │ ${clip(e.snippet, width - ind.length - 4)}`);
  }
  if (v.moreEvidence > 0)
    lines.push(paint(`${ind}… ${plural(v.moreEvidence, 'more location')} (--verbose)`, 'dim'));
  lines.push(...wrap(`→ ${v.fix}`, width, ind, `${ind}  `));
  if (v.acceptance !== undefined) {
    const styles: Style[] = v.acceptance.kind === 'expired' ? ['bold', 'red'] : ['green'];
    lines.push(...wrap(v.acceptance.text, width, ind, `${ind}  `).map((l) => paint(l, ...styles)));
  }
  if (a.blocking && action !== 'error')
    lines.push(paint(`${ind}blocks the verdict (--fail-on)`, 'bold', 'red'));
  return lines;
}

/** Word-wraps prose; a word longer than the line is kept whole (URLs, paths). */
function wrap(text: string, width: number, first: string, rest: string): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(' ')) {
    if (word === '') continue;
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest + word;
    } else line += (empty ? '' : ' ') + word;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/** Code is cut, not wrapped: a wrapped line of code reads as two lines. */
function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text;
}
