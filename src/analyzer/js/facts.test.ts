import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractFacts } from './facts.js';

const callees = (path: string, text: string) => extractFacts(path, text).calls.map((c) => c.callee);

describe('JS facts', () => {
  it('resolves callees through require, destructuring, ESM imports and aliases', () => {
    const text = [
      "const cp = require('node:child_process');",
      "const { request: req } = require('https');",
      "import * as os from 'os';",
      "import { readFileSync as rf } from 'fs';",
      "cp.exec('id'); req('https://x'); os.homedir(); rf('/etc/hosts'); require('dns').lookup('a');",
    ].join('\n');
    assert.deepEqual(
      callees('a.mjs', text).filter((c) => c !== 'require'),
      ['child_process.exec', 'https.request', 'os.homedir', 'fs.readFileSync', 'dns.lookup'],
    );
    const modules = extractFacts('a.mjs', text).modules.map((m) => `${m.how}:${m.module}`);
    assert.deepEqual(modules, [
      'require:child_process',
      'require:https',
      'import:os',
      'import:fs',
      'require:dns',
    ]);
  });

  it('folds strings built from constants, and only those', () => {
    const text = [
      "const a = 'https://disc' + 'ord.com/api/' + 'webhooks/1';",
      "const b = 'https://pastebin' + '.com/raw/' + id + '/x';",
      "const c = ['api.tele', 'gram.org'].join('');",
      "const d = ['a', b].join('');",
      'const e = String.fromCharCode(110, 103, 114, 111, 107);',
      "const f = atob('aHR0cHM6Ly9leGFtcGxlLmludmFsaWQ='); const g = Buffer.from('AAECAwQFBgc=', 'base64');",
      'const h = 1 + 2 + n;',
    ].join('\n');
    const facts = extractFacts('a.js', text);
    const folded = facts.strings.filter((s) => s.folded === true).map((s) => s.value);
    assert.deepEqual(folded, [
      'https://discord.com/api/webhooks/1',
      'https://pastebin.com/raw/', // the constant left end of a chain with a variable in it
      'api.telegram.org',
      'ngrok',
      'https://example.invalid', // binary base64 (g) is not text and is not folded
    ]);
    const span = facts.strings.find((s) => s.value.startsWith('https://discord'))!;
    assert.equal(
      text.slice(span.start, span.end),
      "'https://disc' + 'ord.com/api/' + 'webhooks/1'",
    );
    // The pieces themselves are still strings, not folded ones.
    assert.ok(facts.strings.some((s) => s.value === 'ord.com/api/' && s.folded === undefined));
  });

  it('sees through the comma operator: (0, eval)(x) is eval', () => {
    assert.deepEqual(callees('a.js', '(0, eval)(x); (0, obj.run)(y);'), ['eval', 'obj.run']);
  });

  it('does not take a function the file declares for the global of the same name', () => {
    const text =
      "function fetch(url, sync) { return load(url); }\nfetch('a.proto');\nconst g = globalThis.fetch || polyfill;\ng('https://x.example');\nconst vm = require('vm'); vm.runInThisContext('1');";
    const calls = callees('a.js', text);
    assert.ok(calls.includes('local.fetch'));
    assert.ok(!calls.includes('fetch'));
    assert.ok(calls.includes('globalThis.fetch'), 'an alias of the global stays the global');
    assert.ok(
      calls.includes('vm.runInThisContext'),
      'a binding named like its module stays the module',
    );
  });

  it('records env reads by name, computed reads, and the whole environment handed to a serialiser', () => {
    const facts = extractFacts(
      'a.js',
      "const a = process.env.HOME; const b = process.env['CI']; const k = 'X'; process.env[k];\nconst env = process.env; spawn('x', { env: { ...env } });\nsend(JSON.stringify(process.env));",
    );
    const named = facts.env.filter((e) => e.name !== undefined).map((e) => e.name);
    assert.deepEqual(named, ['HOME', 'CI']);
    assert.equal(
      facts.env.filter((e) => e.whole).length,
      1,
      'only JSON.stringify(process.env) is a whole read',
    );
    assert.equal(facts.env.filter((e) => e.name === undefined && !e.whole).length, 1);
  });

  it('walks runtime TypeScript (import = require, enums) and skips type-only subtrees', () => {
    const facts = extractFacts(
      'a.ts',
      "import cp = require('child_process');\nenum E { A = 'https://e.example' }\ntype T = { url: 'https://type-only.example' };\nfunction f(x: T): void { cp.exec('ls'); }",
    );
    assert.deepEqual(
      facts.modules.map((m) => m.module),
      ['child_process'],
    );
    const strings = facts.strings.map((s) => s.value);
    assert.ok(strings.includes('https://e.example'));
    assert.ok(
      !strings.includes('https://type-only.example'),
      'type literals are not runtime strings',
    );
  });

  it('falls back to a lexical scan for files the parser rejects, still finding loads, calls and strings', () => {
    const facts = extractFacts(
      'a.js',
      "const x = require('child_process'); x.exec('curl a | sh'); if ( {{{",
    );
    assert.equal(facts.parsed, false);
    assert.ok(facts.parseError !== undefined);
    assert.deepEqual(
      facts.modules.map((m) => m.module),
      ['child_process'],
    );
    assert.ok(facts.strings.some((s) => s.value === 'curl a | sh'));
  });

  it('bounds strings and nesting on hostile input without throwing', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    assert.doesNotThrow(() => extractFacts('a.js', deep));
    const many = Array.from({ length: 30_000 }, (_, i) => `'s${i}'`).join(';');
    assert.ok(extractFacts('a.js', many).strings.length <= 20_000);
  });
});
