import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packageTgz } from '../../test/helpers/tarball.js';
import { AnalysisPool } from './pool.js';

describe('analysis pool', () => {
  it('analyses in workers and returns the same alerts as inline', async () => {
    const pool = new AnalysisPool({ size: 2 });
    try {
      const tarball = packageTgz({
        'package.json': '{"name":"a","version":"1.0.0"}',
        'index.js': "require('child_process').exec('ls');\n",
      });
      const [a, b] = await Promise.all([
        pool.analyze({ name: 'a', version: '1.0.0', tarball }),
        pool.analyze({ name: 'a', version: '1.0.0', tarball }),
      ]);
      assert.ok(a!.alerts.some((x) => x.type === 'shellAccess'));
      assert.deepEqual(a!.alerts, b!.alerts);
      assert.equal(tarball.length > 0, true, "the caller's bytes are not detached");
    } finally {
      await pool.close();
    }
  });

  it('gives each job its own result when workers hold a backlog', async () => {
    const pool = new AnalysisPool({ size: 2 });
    try {
      const names = Array.from({ length: 9 }, (_, i) => `p${i}`);
      const results = await Promise.all(
        names.map((name, i) =>
          pool.analyze({
            name,
            version: '1.0.0',
            tarball: packageTgz({
              'package.json': `{"name":"${name}","version":"1.0.0"}`,
              'index.js':
                i % 2 === 0 ? "require('child_process').exec('ls');\n" : 'module.exports = 1;\n',
            }),
          }),
        ),
      );
      results.forEach((r, i) => {
        assert.equal(r.package.name, names[i]);
        assert.equal(
          r.alerts.some((a) => a.type === 'shellAccess'),
          i % 2 === 0,
        );
      });
    } finally {
      await pool.close();
    }
  });

  it('survives a file that exhausts the parser: safe-mode retry and an analysisIncomplete alert', async () => {
    // Thousands of syntax errors on a long line: the parser builds a code frame for each.
    // Pseudo-random letters so the tarball stays under the compression-ratio bound.
    let seed = 7;
    const letters = Array.from({ length: 50_000 }, () =>
      String.fromCharCode(97 + ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 26)),
    ).join('');
    const line = `${letters}${'\\x41'.repeat(5_000)}\n`;
    const pool = new AnalysisPool({ size: 1, maxHeapMb: 96 });
    try {
      const result = await pool.analyze({
        name: 'bomb',
        version: '1.0.0',
        tarball: packageTgz({
          'package.json': '{"name":"bomb","version":"1.0.0"}',
          'index.js': `${line}const t = process.env.NPM_TOKEN;\n`,
        }),
      });
      const incomplete = result.alerts.find((a) => a.type === 'analysisIncomplete');
      assert.ok(incomplete, 'the exhaustion is reported');
      assert.equal(incomplete.props?.kind, 'parser-exhausted');
      assert.equal(result.complete, false);
      assert.ok(
        result.alerts.some((a) => a.type === 'envVars'),
        'the lexical scan still sees the token read',
      );
    } finally {
      await pool.close();
    }
  });
});
