/** Renders problems in the familiar `file:line:col: severity: message (code)` compiler style. */
import { formatLocation, type Problem } from '../errors/index.js';
import { sanitize } from '../util/text.js';

export function renderProblemLine(p: Problem): string {
  const where = formatLocation(p);
  const head = `${where === undefined ? '' : `${sanitize(where)}: `}${p.severity}: ${sanitize(p.message, 400)} [${p.code}]`;
  return p.hint === undefined ? head : `${head}\n    hint: ${p.hint}`;
}

export function renderProblems(problems: readonly Problem[], max = 50): string[] {
  const lines = problems.slice(0, max).map(renderProblemLine);
  if (problems.length > max) lines.push(`… and ${problems.length - max} more (use --json for all)`);
  return lines;
}
