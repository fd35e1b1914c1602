// socket.yml reading, table-driven over the fixtures in testdata/ (each opens with a comment
// saying what it shows). Every problem is asserted exactly: position, severity, code, and the
// message where the wording is the point (suggestions).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import {
  acceptanceFor,
  defaultSocketConfig,
  parseSocketConfig,
  type SocketConfig,
} from './index.js';

const fixture = (name: string) =>
  readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

/** `line:column severity code` per problem, in order. */
type ProblemLine = string;

interface Case {
  fixture: string;
  config: Partial<SocketConfig>;
  problems: ProblemLine[];
  messages?: string[];
}

const rules = (entries: Record<string, boolean>) =>
  Object.assign(Object.create(null) as Record<string, boolean>, entries);

const CASES: Case[] = [
  {
    fixture: 'full.v2.yml',
    config: {
      projectIgnorePaths: ['examples/**', '!examples/keep', 'test/fixtures/'],
      issueRules: rules({
        installScripts: false,
        networkAccess: true,
        didYouMean: true,
        permissionCreep: true,
      }),
      githubApp: {
        enabled: true,
        ignoreUsers: ['dependabot', 'renovate'],
        projectReportsEnabled: false,
        pullRequestAlertsEnabled: true,
        dependencyOverviewEnabled: false,
        authenticatedProjectReports: true,
        disableCommentsAndCheckRuns: false,
      },
      triggerPaths: ['package.json', '**/package-lock.json'],
      gitlabApp: {
        enabled: false,
        dependencyOverviewEnabled: true,
        pullRequestAlertsEnabled: true,
        commitStatusEnabled: false,
      },
      migratedFromV1: false,
    },
    problems: [],
  },
  {
    fixture: 'migration.v1.yml',
    config: {
      projectIgnorePaths: ['legacy/**'],
      issueRules: rules({ installScripts: false }),
      githubApp: { enabled: true, projectReportsEnabled: false, pullRequestAlertsEnabled: true },
      migratedFromV1: true,
    },
    problems: ['3:1 warning config-version'],
  },
  {
    fixture: 'missing-version.v2.yml',
    config: {
      projectIgnorePaths: ['dist'],
      issueRules: rules({ malware: true }),
      migratedFromV1: false,
    },
    problems: ['2:1 error config-version'],
    messages: ['socket.yml must have a version: 2'],
  },
  {
    fixture: 'misspelled-keys.v2.yml',
    config: { projectIgnorePaths: [], githubApp: {} },
    problems: [
      '3:1 warning config-unknown-key',
      '5:1 warning config-unknown-key',
      '8:3 warning config-unknown-key',
      '9:3 warning config-unknown-key',
      '10:1 warning config-unknown-key',
    ],
    messages: [
      'Unknown key "projectIgnorePath"; did you mean "projectIgnorePaths"?',
      'Unknown key "githubapp"; did you mean "githubApp"?',
      'Unknown key "githubApp.pullRequestAlertEnabled"; did you mean "githubApp.pullRequestAlertsEnabled"?',
      'Unknown key "githubApp.colour"',
      '"ignore" is a version 1 key; version 2 calls it "projectIgnorePaths"',
    ],
  },
  {
    fixture: 'wrong-types.v2.yml',
    config: {
      projectIgnorePaths: ['ok'],
      issueRules: rules({}),
      githubApp: { ignoreUsers: ['bot'] },
      triggerPaths: ['*'],
      gitlabApp: {},
    },
    problems: [
      '5:5 error config-wrong-type',
      '6:5 error config-wrong-type',
      '7:13 error config-wrong-type',
      '9:12 error config-wrong-type',
      '10:16 warning config-coerced-type',
      '11:26 error config-wrong-type',
      '12:15 error config-wrong-type',
      '13:12 error config-wrong-type',
    ],
    messages: [
      'projectIgnorePaths[1] must be a string, found number 42',
      'projectIgnorePaths[2] must be a string, found a list',
      'issueRules must be a mapping of alert types to true or false, found a list',
      'githubApp.enabled must be true or false, found the string "yes"',
      'githubApp.ignoreUsers should be a list; the single string is read as a one-item list',
      'githubApp.projectReportsEnabled must be true or false, found number 1',
      'triggerPaths must be a list of strings, found a mapping',
      'gitlabApp must be a mapping, found boolean true',
    ],
  },
  {
    fixture: 'unknown-alert-type.v2.yml',
    config: {
      issueRules: rules({
        instalScripts: false,
        InstallScripts: false,
        obfuscatedFiles: true,
        completelyMadeUpThing: true,
      }),
    },
    problems: [
      '4:3 warning config-unknown-alert-type',
      '5:3 warning config-unknown-alert-type',
      '6:3 warning config-unknown-alert-type',
      '7:3 warning config-unknown-alert-type',
    ],
    messages: [
      'Unknown alert type "instalScripts"; did you mean "installScripts"?',
      'Unknown alert type "InstallScripts"; did you mean "installScripts"?',
      'Unknown alert type "obfuscatedFiles"; did you mean "obfuscatedFile"?',
      'Unknown alert type "completelyMadeUpThing"',
    ],
  },
  {
    fixture: 'duplicate-keys.v2.yml',
    config: defaultSocketConfig(),
    problems: ['6:3 error config-duplicate-key', '7:1 error config-duplicate-key'],
    messages: [
      'Duplicate key "malware": YAML requires unique keys',
      'Duplicate key "projectIgnorePaths": YAML requires unique keys',
    ],
  },
  { fixture: 'empty.yml', config: defaultSocketConfig(), problems: ['1:1 warning config-empty'] },
  {
    fixture: 'invalid-yaml.v2.yml',
    config: defaultSocketConfig(),
    problems: ['4:1 error config-invalid-yaml'],
  },
  {
    fixture: 'action-ignore-rule.v2.yml',
    config: { issueRules: rules({ malware: true }) },
    problems: ['4:19 error config-unsupported-rule', '6:5 error config-unsupported-rule'],
    messages: [
      'issueRules.obfuscatedFile: per-rule objects such as {action: ignore} are not supported; the rule is ignored',
      'issueRules.installScripts: per-rule objects such as {action: ignore} are not supported; the rule is ignored',
    ],
  },
  {
    fixture: 'proto-keys.v2.yml',
    config: {
      issueRules: rules({ ['__proto__']: true, constructor: false, hasOwnProperty: true }),
      githubApp: {},
    },
    problems: [
      '3:1 warning config-unknown-key',
      '5:3 warning config-unknown-alert-type',
      '6:3 warning config-unknown-alert-type',
      '7:3 warning config-unknown-alert-type',
      '9:3 warning config-unknown-key',
      '10:3 warning config-unknown-key',
    ],
  },
  {
    fixture: 'coercions.v2.yml',
    config: {
      projectIgnorePaths: ['dist'],
      issueRules: rules({ installScripts: false }),
      githubApp: { enabled: true },
    },
    problems: [
      '2:10 warning config-coerced-type',
      '3:21 warning config-coerced-type',
      '5:19 warning config-coerced-type',
      '7:12 warning config-coerced-type',
    ],
  },
  {
    fixture: 'version-1-with-v2-keys.v2.yml',
    config: { projectIgnorePaths: ['dist'], migratedFromV1: false },
    problems: ['2:10 error config-version'],
  },
  {
    fixture: 'not-a-mapping.v2.yml',
    config: defaultSocketConfig(),
    problems: ['2:1 error config-wrong-type'],
  },
  {
    fixture: 'aliases.v2.yml',
    config: {
      projectIgnorePaths: ['dist'],
      triggerPaths: ['dist'],
      githubApp: { ignoreUsers: ['dist'] },
    },
    problems: ['8:12 error config-wrong-type'],
    messages: ['githubApp.enabled must be true or false, found a list'],
  },
];

for (const c of CASES) {
  void test(`fixture ${c.fixture}`, () => {
    const { config, problems } = parseSocketConfig(c.fixture, fixture(c.fixture));
    for (const [key, value] of Object.entries(c.config)) {
      assert.deepEqual(config[key as keyof SocketConfig], value, key);
    }
    assert.equal(config.version, 2);
    assert.deepEqual(
      problems.map((p) => `${p.line}:${p.column} ${p.severity} ${p.code}`),
      c.problems,
    );
    for (const p of problems) assert.equal(p.file, c.fixture);
    if (c.messages !== undefined)
      assert.deepEqual(
        problems.map((p) => p.message),
        c.messages,
      );
  });
}

void test('every fixture opens with a # comment and is listed above', () => {
  const listed = new Set(CASES.map((c) => c.fixture));
  for (const name of listed) assert.match(fixture(name), /^# \S/, name);
});

void test('__proto__ and constructor stay inert', () => {
  const { config } = parseSocketConfig('socket.yml', fixture('proto-keys.v2.yml'));
  assert.equal(Object.getPrototypeOf(config.issueRules), null);
  assert.equal(Object.getOwnPropertyDescriptor(config.issueRules, '__proto__')?.value, true);
  assert.equal(Object.getPrototypeOf(config.githubApp), Object.prototype);
  assert.equal(config.githubApp.enabled, undefined);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

void test('a BOM is ignored and positions stay right', () => {
  const { problems } = parseSocketConfig('socket.yml', '\uFEFFversion: 2\nbogus: 1\n');
  assert.deepEqual(
    problems.map((p) => `${p.line}:${p.column} ${p.code}`),
    ['2:1 config-unknown-key'],
  );
});

void test('problems are capped, with a note saying how many were left out', () => {
  const text = `version: 2\n${Array.from({ length: 150 }, (_, i) => `junk${i}: 1`).join('\n')}\n`;
  const { problems } = parseSocketConfig('socket.yml', text);
  assert.equal(problems.length, 101);
  assert.deepEqual(problems.at(-1), {
    code: 'config-too-many-problems',
    severity: 'note',
    message: '50 more problems in this file are not shown',
    file: 'socket.yml',
  });
});

void test('hostile input: a huge key, an unknown anchor, and a billion-laughs document stay cheap', () => {
  // YAML caps implicit keys at 1024 characters; an explicit key (`? key`) has no cap.
  const huge = 'k'.repeat(500_000);
  const t0 = performance.now();
  const r1 = parseSocketConfig('socket.yml', `version: 2\nissueRules:\n  ? ${huge}\n  : true\n`);
  assert.deepEqual(
    r1.problems.map((p) => `${p.line}:${p.column} ${p.code}`),
    ['3:5 config-unknown-alert-type'],
  );
  assert.ok(r1.problems[0]!.message.length < 200);
  const r3 = parseSocketConfig('socket.yml', 'version: 2\ntriggerPaths: *nope\n');
  assert.deepEqual(
    r3.problems.map((p) => `${p.line}:${p.column} ${p.severity} ${p.code}`),
    ['2:15 error config-invalid-yaml'],
  );
  const laughs = ['version: 2', 'a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 0; i < 20; i++)
    laughs.push(
      `b${i}: &b${i} [${Array(10)
        .fill(i === 0 ? '*a' : `*b${i - 1}`)
        .join(', ')}]`,
    );
  laughs.push(`projectIgnorePaths: *b19`);
  const r2 = parseSocketConfig('socket.yml', laughs.join('\n'));
  assert.ok(r2.problems.length <= 101);
  assert.ok(performance.now() - t0 < 2000);
});

void test('version 1 values keep their meaning: an explicit false is not overwritten by the default', () => {
  const { config, problems } = parseSocketConfig('socket.yml', '# v1\nenabled: false\n');
  assert.deepEqual(config.githubApp, {
    enabled: false,
    projectReportsEnabled: true,
    pullRequestAlertsEnabled: true,
  });
  assert.equal(config.migratedFromV1, true);
  assert.deepEqual(
    problems.map((p) => p.code),
    ['config-version'],
  );
});

test('licensePolicy (ours): SPDX ids kept, a misspelt id is an error at its line with the correction', () => {
  const r = parseSocketConfig(
    'socket.yml',
    [
      'version: 2',
      'licensePolicy:',
      '  allow:',
      '    - MIT',
      '    - Apache 2',
      '    - ISC',
      '  deny: [GPL-3.0-only]',
      '  denny: []',
    ].join('\n'),
  );
  assert.deepEqual(r.config.licensePolicy, { allow: ['MIT', 'ISC'], deny: ['GPL-3.0-only'] });
  assert.deepEqual(
    r.problems.map((p) => `${p.line}:${p.column} ${p.severity} ${p.code}`),
    ['5:7 error config-unknown-license', '8:3 warning config-unknown-key'],
  );
  assert.match(r.problems[0]!.message, /did you mean "Apache-2\.0"/);
  const wrong = parseSocketConfig('socket.yml', 'version: 2\nlicensePolicy: [MIT]\n');
  assert.deepEqual(
    wrong.problems.map((p) => p.code),
    ['config-wrong-type'],
  );
  assert.deepEqual(wrong.config.licensePolicy, {});
});

test('acceptedRisks (ours): complete entries kept with their line; incomplete ones reported and dropped whole', () => {
  const r = parseSocketConfig(
    'socket.yml',
    [
      'version: 2',
      'acceptedRisks:',
      '  - package: lodash@^4.17.0',
      '    alerts: [cve, mediumCVE]',
      '    reason: only used by the build script',
      '    expires: 2027-01-31',
      '  - package: left-pad@1.3.0',
      '    alerts: [installScript]',
      '    reason: typo in the type',
      '    expires: 2027-01-31',
      '  - package: minimist',
      '    alerts: [cve]',
      '    reason: no version',
      '    expires: 2027-01-31',
      '  - package: qs@6.5.2',
      '    alerts: [cve]',
      '    expires: 2027-02-30',
      '  - package: ws@8.0.0',
      '    alerts: [cve]',
      '    reason: bad date',
      '    expires: next year',
    ].join('\n'),
  );
  assert.deepEqual(r.config.acceptedRisks, [
    {
      name: 'lodash',
      range: '^4.17.0',
      alerts: ['cve', 'mediumCVE'],
      reason: 'only used by the build script',
      expires: '2027-01-31',
      line: 3,
    },
  ]);
  assert.deepEqual(
    r.problems.map((p) => `${p.line} ${p.code}`),
    [
      '8 config-invalid-accepted-risk',
      '11 config-invalid-accepted-risk',
      '15 config-invalid-accepted-risk',
      '21 config-invalid-accepted-risk',
    ],
  );
  assert.match(r.problems[0]!.message, /did you mean "installScripts"/);
  assert.match(r.problems[2]!.message, /reason is required/);
});

test('acceptanceFor: by name, range and type; an expired entry is reported, a current one wins', () => {
  const risks = [
    {
      name: 'lodash',
      range: '^4.17.0',
      alerts: ['cve'],
      reason: 'old',
      expires: '2026-01-31',
      line: 3,
    },
    {
      name: 'lodash',
      range: '4.17.20',
      alerts: ['cve'],
      reason: 'new',
      expires: '2027-01-31',
      line: 7,
    },
  ];
  const today = new Date('2026-11-28T12:00:00Z');
  assert.equal(acceptanceFor(risks, 'lodash', '4.17.20', 'cve', today)?.risk.reason, 'new');
  assert.deepEqual(acceptanceFor(risks, 'lodash', '4.17.21', 'cve', today), {
    risk: risks[0],
    expired: true,
  });
  assert.equal(acceptanceFor(risks, 'lodash', '4.17.21', 'mediumCVE', today), undefined);
  assert.equal(acceptanceFor(risks, 'lodash', '3.10.1', 'cve', today), undefined);
  assert.equal(acceptanceFor(risks, 'underscore', '4.17.20', 'cve', today), undefined);
  // The expiry day itself still counts.
  assert.equal(
    acceptanceFor(risks, 'lodash', '4.17.21', 'cve', new Date('2026-01-31T23:00:00Z'))?.expired,
    false,
  );
});
