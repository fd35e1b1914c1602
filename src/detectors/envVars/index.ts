/**
 * envVars: which environment variables the code reads, by name. Reading the whole environment
 * (serialised, enumerated, encoded) and secret-looking names are marked for correlation: that
 * is how CI tokens and cloud keys leave a machine.
 */
import { at, defineDetector, type Evidence } from '../../analyzer/kit.js';

const SECRET =
  /(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH)|^(AWS|AZURE|GCP|GOOGLE|NPM|GITHUB|GH|GITLAB|CI_JOB|CIRCLE|TRAVIS|SLACK|DISCORD)_/i;

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
    if (facts.env.length === 0) return;
    const names = new Set<string>();
    const evidence: Evidence[] = [];
    let whole: Evidence | undefined;
    let computed = false;
    const secrets: string[] = [];
    for (const e of facts.env) {
      if (e.whole) whole ??= at(file, e.start, e.end);
      else if (e.name === undefined) computed = true;
      else if (!names.has(e.name)) {
        names.add(e.name);
        if (SECRET.test(e.name)) secrets.push(e.name);
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
