// Renderers are pure: the same graph or snapshot gives byte-identical output. Each output
// is compared with a committed snapshot in testdata/ (regenerate with UPDATE_SNAPSHOTS=1 and
// review the diff). Inputs are built in memory so nothing depends on the machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGraph } from '../graph/index.js';
import { computeSnapshotId } from '../snapshot/index.js';
import { renderGraphJson, renderGraphText } from './graph.js';
import { renderSnapshotJson, renderSnapshotText } from './snapshot.js';
import { createHash } from 'node:crypto';
import { matchSnapshot as match } from './testing.js';

const REG = 'https://registry.npm.example';

const files = [
  {
    path: 'package.json',
    text: JSON.stringify({
      name: 'app',
      workspaces: ['packages/*'],
      dependencies: { 'left-pad': '^1.3.0', old: 'npm:abbrev@1.0.3' },
      devDependencies: { tap: '^16.0.0', gone: '^1.0.0' },
    }),
  },
  {
    path: 'packages/ui/package.json',
    text: JSON.stringify({
      name: '@app/ui',
      version: '0.1.0',
      dependencies: { '\u202eevil': '1.0.0' },
    }),
  },
  {
    path: 'package-lock.json',
    text: JSON.stringify(
      {
        name: 'app',
        lockfileVersion: 3,
        packages: {
          '': {
            name: 'app',
            workspaces: ['packages/*'],
            dependencies: { 'left-pad': '^1.3.0', old: 'npm:abbrev@1.0.3' },
            devDependencies: { tap: '^16.0.0' },
          },
          'node_modules/@app/ui': { resolved: 'packages/ui', link: true },
          'node_modules/left-pad': {
            version: '1.3.0',
            resolved: `${REG}/left-pad/-/left-pad-1.3.0.tgz`,
            integrity: 'sha512-left',
          },
          'node_modules/old': {
            name: 'abbrev',
            version: '1.0.3',
            resolved: `${REG}/abbrev/-/abbrev-1.0.3.tgz`,
            integrity: 'sha512-abbrev',
          },
          'node_modules/tap': {
            version: '16.3.0',
            resolved: `${REG}/tap/-/tap-16.3.0.tgz`,
            dev: true,
            dependencies: { fsevents: '^2.0.0' },
          },
          'node_modules/fsevents': {
            version: '2.3.3',
            resolved: `${REG}/fsevents/-/fsevents-2.3.3.tgz`,
            dev: true,
            optional: true,
          },
          'node_modules/\u202eevil': {
            version: '1.0.0',
            resolved: 'git+ssh://git@example.invalid/evil.git#0123456',
          },
          'packages/ui': {
            name: '@app/ui',
            version: '0.1.0',
            dependencies: { '\u202eevil': '1.0.0' },
          },
        },
      },
      null,
      2,
    ),
  },
].map((f) => ({ path: f.path, bytes: Buffer.from(f.text, 'utf8') }));

function snapshotView() {
  const sorted = [...files].sort((a, b) =>
    Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)),
  );
  return {
    id: computeSnapshotId(sorted),
    files: sorted.map((f) => ({
      path: f.path,
      size: f.bytes.length,
      sha256: createHash('sha256').update(f.bytes).digest('hex'),
    })),
    skipped: [{ path: 'node_modules', reason: 'symlink', detail: 'points outside the root' }],
    totalBytes: sorted.reduce((n, f) => n + f.bytes.length, 0),
    problems: [],
  };
}

const matchSnapshot = (name: string, actual: string): void =>
  match(new URL('./testdata/', import.meta.url), name, actual);

test('graph_text_snapshot', () => {
  const view = snapshotView();
  matchSnapshot('graph.txt', renderGraphText(buildGraph(files), view.id));
});

test('graph_json_snapshot', () => {
  const view = snapshotView();
  matchSnapshot('graph.json', renderGraphJson(buildGraph(files), view.id));
});

test('snapshot_text_snapshot', () => {
  matchSnapshot('snapshot.txt', renderSnapshotText(snapshotView()));
});

test('snapshot_json_snapshot', () => {
  matchSnapshot('snapshot.json', renderSnapshotJson(snapshotView()));
});

test('renderers_are_deterministic_and_escape_hostile_names', () => {
  const view = snapshotView();
  const a = renderGraphText(buildGraph(files), view.id);
  const b = renderGraphText(buildGraph([...files].reverse()), view.id);
  assert.equal(a, b, 'file order does not change the output');
  assert.doesNotMatch(a, /\u202e/, 'bidi override never reaches the terminal');
});
