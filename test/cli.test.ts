// The CLI as users run it: a real child process for exit codes and the no-stack-trace
// promise, and in-process runs for output shapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../src/cli/main.js';
import { runInProcess, type CliRun } from './helpers/cli.js';
import { CORPUS_DIR } from './helpers/corpus.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function cli(args: string[], cwd = ROOT): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), ...args],
    {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, CI: '1' },
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function inProcess(args: string[]): Promise<CliRun> {
  return runInProcess(args, ROOT);
}

function tempProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'depwarden-cli-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

test('help_lists_every_command_and_every_flag', async () => {
  const main = await inProcess(['--help']);
  assert.equal(main.code, 0);
  for (const c of COMMANDS) {
    assert.match(main.stdout, new RegExp(`\\b${c.name}\\b`));
    const help = await inProcess([c.name, '--help']);
    assert.equal(help.code, 0);
    for (const o of c.options)
      assert.ok(help.stdout.includes(`--${o.name}`), `${c.name} --help mentions --${o.name}`);
    assert.deepEqual(await inProcess(['help', c.name]), help);
  }
});

test('version_prints_the_package_version', async () => {
  const r = await inProcess(['--version']);
  assert.match(r.stdout, /^depwarden \d+\.\d+\.\d+\n$/);
});

test('usage_errors_exit_3_with_a_suggestion_and_no_stack_trace', () => {
  const unknownCommand = cli(['grpah', '.']);
  assert.equal(unknownCommand.code, 3);
  assert.match(unknownCommand.stderr, /unknown command "grpah"; did you mean "graph"\?/);
  const unknownFlag = cli(['graph', '--jsn', '.']);
  assert.equal(unknownFlag.code, 3);
  assert.match(unknownFlag.stderr, /did you mean --json\?/);
  const badValue = cli(['graph', '--max-files', 'many', '.']);
  assert.equal(badValue.code, 3);
  assert.match(badValue.stderr, /--max-files takes a positive whole number/);
  for (const r of [unknownCommand, unknownFlag, badValue])
    assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('a_missing_project_directory_exits_3_and_names_it', () => {
  const r = cli(['graph', '/nonexistent/depwarden-test-dir']);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /depwarden-test-dir/);
  assert.match(r.stderr, /hint:/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('graph_json_has_the_documented_shape_on_a_corpus_case', () => {
  const r = cli(['graph', join(CORPUS_DIR, 'npm-v3-snyk-workspaces'), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(doc), [
    'snapshotId',
    'lockfiles',
    'importers',
    'packages',
    'problems',
  ]);
  assert.match(doc.snapshotId as string, /^[0-9a-f]{64}$/);
  const pkgs = doc.packages as Record<string, unknown>[];
  assert.ok(pkgs.length > 0);
  for (const p of pkgs) {
    for (const key of [
      'name',
      'version',
      'source',
      'direct',
      'dev',
      'optional',
      'resolved',
      'integrity',
    ]) {
      assert.ok(key in p, `package has ${key}`);
    }
  }
  const ids = pkgs.map((p) => `${String(p.name)}@${String(p.version)}@${String(p.source)}`);
  assert.deepEqual(ids, [...new Set(ids)], 'unique by name+version+source');
  const sorted = [...pkgs].sort((a, b) =>
    String(a.name) < String(b.name) ? -1 : String(a.name) > String(b.name) ? 1 : 0,
  );
  assert.deepEqual(
    pkgs.map((p) => p.name),
    sorted.map((p) => p.name),
    'sorted by name',
  );
});

test('graph_text_summarises_counts_and_problems', () => {
  const dir = tempProject({
    'package.json': '{"name":"app","dependencies":{"left-pad":"^1.3.0"}}',
  });
  try {
    const r = cli(['graph', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1 package: 1 direct, 0 transitive; 1 prod, 0 dev; 0 optional/);
    assert.match(r.stdout, /by source: registry 1/);
    assert.match(r.stdout, /package\.json: warning: no lockfile beside this package\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a_broken_lockfile_gives_exit_2_with_file_and_line_and_the_rest_of_the_graph', () => {
  const dir = tempProject({
    'package.json': '{"name":"app","dependencies":{"a":"1.0.0"}}',
    'package-lock.json': '{\n  "lockfileVersion": 3,\n  "packages": {\n    "": {"name": "app"\n',
    'other/package.json': '{"name":"other","dependencies":{"b":"^2.0.0"}}',
  });
  try {
    const r = cli(['graph', dir, '--json']);
    assert.equal(r.code, 2, r.stderr);
    const doc = JSON.parse(r.stdout) as {
      problems: { code: string; file: string; line: number }[];
      packages: { name: string }[];
    };
    const invalid = doc.problems.find(
      (p) => p.file === 'package-lock.json' && p.code === 'lockfile-invalid-json',
    );
    assert.ok(invalid, JSON.stringify(doc.problems));
    assert.equal(typeof invalid.line, 'number');
    assert.ok(
      doc.problems.some(
        (p) => p.file === 'other/package.json' && p.code === 'manifest-not-in-lockfile',
      ),
      'the rest of the snapshot is still read and reported',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('snapshot_lists_files_sizes_hashes_and_the_id', () => {
  const dir = tempProject({
    'package.json': '{}',
    'src/index.js': 'secret source',
    'a/yarn.lock': '# yarn lockfile v1\n',
  });
  try {
    const text = cli(['snapshot', dir]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /package\.json/);
    assert.match(text.stdout, /a\/yarn\.lock/);
    assert.doesNotMatch(text.stdout, /index\.js|secret/);
    const json = cli(['snapshot', dir, '--json']);
    const doc = JSON.parse(json.stdout) as {
      snapshotId: string;
      files: { path: string; size: number; sha256: string }[];
      totalBytes: number;
    };
    assert.deepEqual(
      doc.files.map((f) => f.path),
      ['a/yarn.lock', 'package.json'],
    );
    assert.equal(doc.totalBytes, '{}'.length + '# yarn lockfile v1\n'.length);
    assert.ok(text.stdout.includes(doc.snapshotId));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
