/**
 * envVars: which environment variables the code reads, by name. Reading the whole environment
 * (serialised, enumerated, encoded) and secret-looking names are marked for correlation: that
 * is how CI tokens and cloud keys leave a machine.
 *
 * Two shapes the JS facts do not record are recovered from the text, bounded: names taken by
 * destructuring (`const { NPM_TOKEN } = process.env`, `{ ...all } = process.env` is the whole
 * environment) and `process.env` nested inside a serialiser's argument
 * (`JSON.stringify({ env: process.env })`). npm's own lifecycle variables (npm_package_*,
 * npm_config_* but auth settings, npm_lifecycle_*) are set by npm for every script and are not
 * secrets, whatever their prefix.
 */
import type { EnvRead } from '../../analyzer/js/facts.js';
import { at, defineDetector, type Evidence } from '../../analyzer/kit.js';

const SECRET =
  /(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH)|^(AWS|AZURE|GCP|GOOGLE|NPM|GITHUB|GH|GITLAB|CI_JOB|CIRCLE|TRAVIS|SLACK|DISCORD)_/i;

/** Variables npm sets for lifecycle scripts; auth settings among npm_config_* stay secrets. */
const LIFECYCLE =
  /^npm_(?:package_|lifecycle_|node_execpath$|execpath$|command$|config_(?!.*(?:auth|token|password|_pass)))/i;

/** Bounds of the text scan: occurrences looked at, characters looked back from each. */
const MAX_OCCURRENCES = 200;
const LOOK_BACK = 300;
const SINKS =
  /\b(?:JSON\.stringify|btoa|Buffer\.from|encodeURIComponent|querystring\.stringify|inspect|String)\s*$/;

/**
 * Env reads the facts miss: destructuring of process.env and process.env inside a serialiser's
 * argument. Linear: each occurrence looks back a bounded window.
 */
function textualEnvReads(text: string): EnvRead[] {
  const out: EnvRead[] = [];
  let from = 0;
  for (let n = 0; n < MAX_OCCURRENCES; n++) {
    const i = text.indexOf('process.env', from);
    if (i === -1) break;
    from = i + 11;
    const after = text.slice(from, from + 3);
    if (/^[\w$]|^\s*[.[]|^\?\./.test(after)) continue; // process.env.X, process.env[k]: in the facts
    const before = text.slice(Math.max(0, i - LOOK_BACK), i);
    const lhs = before.trimEnd();
    const open =
      lhs.endsWith('=') && lhs.slice(0, -1).trimEnd().endsWith('}') ? lhs.lastIndexOf('{') : -1;
    if (open !== -1) {
      const pattern = lhs.slice(open + 1, lhs.slice(0, -1).trimEnd().length - 1);
      for (const part of pattern.split(',')) {
        const m = /^\s*(\.\.\.)?\s*([A-Za-z_$][\w$]*)/.exec(part);
        if (m === null) continue;
        if (m[1] !== undefined) out.push({ name: undefined, whole: true, start: i, end: from });
        else out.push({ name: m[2], whole: false, start: i, end: from });
      }
      continue;
    }
    // Walk back to each enclosing open paren and check whether a serialiser opened it.
    let depth = 0;
    for (let j = before.length - 1; j >= 0; j--) {
      const c = before[j];
      if (c === ')' || c === ']' || c === '}') depth++;
      else if (c === '(' || c === '[' || c === '{') {
        if (depth > 0) depth--;
        else if (c === '(' && SINKS.test(before.slice(Math.max(0, j - 40), j))) {
          out.push({ name: undefined, whole: true, start: i, end: from });
          break;
        }
      } else if (c === ';') break;
    }
  }
  return out;
}

export const detector = defineDetector({
  meta: {
    id: 'envVars',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'low',
    title: 'Environment variable access',
    description: 'The code reads environment variables (listed by name).',
  },
  js(file, facts, report) {
    const textual = file.text.includes('process.env') ? textualEnvReads(file.text) : [];
    if (facts.env.length === 0 && textual.length === 0) return;
    const names = new Set<string>();
    const evidence: Evidence[] = [];
    let whole: Evidence | undefined;
    let computed = false;
    const secrets: string[] = [];
    for (const e of [...facts.env, ...textual]) {
      if (e.whole) whole ??= at(file, e.start, e.end);
      else if (e.name === undefined) computed = true;
      else if (!names.has(e.name)) {
        names.add(e.name);
        if (SECRET.test(e.name) && !LIFECYCLE.test(e.name)) secrets.push(e.name);
        if (evidence.length < 5) evidence.push(at(file, e.start, e.end));
      }
    }
    const signals: string[] = [];
    if (whole !== undefined) signals.push('env-whole');
    if (secrets.length > 0) signals.push('env-secret');
    if (secrets.some((n) => /^NPM_|NPM_TOKEN|NODE_AUTH_TOKEN/i.test(n))) signals.push('npm-token');
    const list = [...names].sort();
    report({
      message:
        whole !== undefined
          ? 'reads the whole environment'
          : `reads ${list.length} environment variable${list.length === 1 ? '' : 's'}`,
      severity: whole !== undefined ? 'middle' : undefined,
      evidence: whole === undefined ? evidence : [whole, ...evidence],
      props: {
        envVars: list,
        ...(computed ? { computed: true } : {}),
        ...(secrets.length > 0 ? { secrets } : {}),
        signals,
      },
    });
  },
});
