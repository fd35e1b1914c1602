/**
 * The two AST transfers (see AstTransfer in facts.ts) must give the same facts: raw transfer is
 * the default wherever it runs (Node 22+), JSON everywhere else, and a detector must not see a
 * different file depending on the Node version. Checked on every detector fixture and on inputs
 * chosen to break offset arithmetic (non-ASCII text before the facts, astral characters, a BOM,
 * lone surrogates) or literal decoding (regex and BigInt literals, JSX, TypeScript).
 *
 * On Node 20 raw transfer is unavailable and this suite skips; .ci/run runs the analyzer
 * suites again under Node 24 so it runs in CI.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { rawTransferSupported } from 'oxc-parser';
import { DEFAULT_TRANSFER, extractFacts, type JsFacts } from './facts.js';

const DETECTORS = new URL('../../detectors/', import.meta.url).pathname;
const CODE = /\.(?:c|m)?(?:j|t)sx?$/;

function fixtureFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) fixtureFiles(full, out);
    else if (full.includes('/testdata/') && CODE.test(name)) out.push(full);
  }
  return out;
}

/** Every fact, with the lazily computed call fields read out; the AST itself is left aside. */
function comparable(facts: JsFacts): unknown {
  return {
    ...facts,
    program: undefined,
    calls: facts.calls.map((c) => ({
      callee: c.callee,
      isNew: c.isNew,
      start: c.start,
      end: c.end,
      firstString: c.firstString,
      args: c.args,
      argSpans: c.argSpans,
    })),
  };
}

const TRICKY: [string, string][] = [
  ['offsets.js', "const s = 'héllo wörld ✓'; require('child_process').exec('id');"],
  ['astral.js', "const e = '𝒳😀'; const u = `${'😀'}x`; fetch('https://example.invalid/😀');"],
  ['bom.js', "\uFEFFconst fs = require('fs'); fs.readFileSync('/etc/passwd');"],
  ['surrogate.js', "const lone = '\\uD800'; const raw = '\uD800x'; eval('1');"],
  ['literals.js', 'const r = /a+b/gu; const n = 123n; const bad = /(?<a>x)\\k<a>/v; eval(r);'],
  ['comp.jsx', "const C = () => <div title='é'>{process.env.TOKEN}</div>; require('os');"],
  ['types.ts', "import fs = require('fs'); const x: string = 'é'; fs.writeFileSync(x, '');"],
  ['broken.js', "const a = 'x';\nfunction ( {\nrequire('net').connect(1);"],
  ['module.mjs', "import { exec as run } from 'node:child_process'; run(`curl ${'é'}`);"],
];

describe(
  'AST transfer parity',
  { skip: !rawTransferSupported() && 'raw transfer needs Node 22+' },
  () => {
    it('gives the same facts on every detector fixture', () => {
      const files = fixtureFiles(DETECTORS);
      assert.ok(files.length > 50, `only ${files.length} fixture files found`);
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        assert.deepEqual(
          comparable(extractFacts(file, text, 'raw')),
          comparable(extractFacts(file, text, 'json')),
          file,
        );
      }
    });

    it('gives the same facts, offsets included, on inputs that break offset and literal handling', () => {
      for (const [path, text] of TRICKY) {
        const raw = extractFacts(path, text, 'raw');
        assert.deepEqual(comparable(raw), comparable(extractFacts(path, text, 'json')), path);
        // Offsets are UTF-16 indexes into the text on both paths: they slice out the call.
        for (const call of raw.calls)
          assert.ok(text.slice(call.start, call.end).includes('('), `${path}: ${call.callee}`);
      }
    });

    it('is the default where it runs', () => {
      // Unless DEPWARDEN_AST_TRANSFER=json asks for the JSON path.
      assert.equal(
        DEFAULT_TRANSFER,
        process.env.DEPWARDEN_AST_TRANSFER === 'json' ? 'json' : 'raw',
      );
    });
  },
);
