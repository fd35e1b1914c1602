/**
 * usesEval: dynamic code execution: eval, Function (with or without new), string timers, the
 * vm module and Module#_compile. When what is executed is visibly decoded data (base64, hex,
 * char codes, decryption), the call is marked `eval-decoded`, the core of a packed payload;
 * also when the argument is a variable the file assigns from such a call
 * (`const code = atob(blob); eval(code)`), found by a bounded look at its assignments.
 * When it is a network response's body (`eval(await res.text())`, `new Function(res.data)`,
 * eval in a response's `end` handler), the call is marked `eval-remote`: code fetched at run
 * time, which correlation pairs with the file's network use (download-and-eval).
 */
import { at, defineDetector } from '../../analyzer/kit.js';

const DIRECT = new Set(['eval', 'Function', 'globalThis.eval', 'window.eval', 'global.eval']);
const TIMERS = new Set(['setTimeout', 'setInterval', 'setImmediate']);
const VM =
  /^vm\.(runInNewContext|runInThisContext|runInContext|compileFunction|Script|SourceTextModule)$|^(module|Module)\._compile$|\._compile$/;
/**
 * Decoding, not encoding: `Buffer.from(x, 'base64')` decodes, `buf.toString('base64')` (what
 * loaders do with source maps) encodes and says nothing about what is executed.
 */
const DECODED =
  /\bdecipher\w*\.(?:update|final)\s*\(|\batob\s*\(|Buffer\.from\s*\([^()]{0,200},\s*['"`](?:base64|hex|base64url)['"`]|\bfromCharCode\s*\(|\bdecrypt\w*\s*\(|\bdecipher\w*\s*\(|createDecipheriv|\bunescape\s*\(|\b(?:inflate|inflateRaw|gunzip|brotliDecompress)(?:Sync)?\s*\(|\.reverse\(\)\s*\.join\(/i;
const DECODING_CALLS = new Set([
  'atob',
  'Buffer.from',
  'String.fromCharCode',
  'crypto.createDecipheriv',
  'zlib.inflateSync',
  'zlib.gunzipSync',
  'zlib.brotliDecompressSync',
  'decodeURIComponent',
  'unescape',
]);

export const detector = defineDetector({
  meta: {
    id: 'usesEval',
    version: 2,
    category: 'supplyChainRisk',
    severity: 'middle',
    title: 'Uses eval',
    description: 'The code executes strings as code (eval, Function, vm, string timers).',
  },
  js(file, facts, report) {
    // Whether the file decodes anything: looked up at the first executing call, if any.
    let decodes: boolean | undefined;
    let traced = 0; // variables traced per file: each trace reads the file once
    for (const c of facts.calls) {
      let evalType: string | undefined;
      if (DIRECT.has(c.callee))
        evalType = c.callee.endsWith('eval') ? 'eval' : c.isNew ? 'new Function' : 'Function';
      else if (TIMERS.has(c.callee) && (c.args[0] === 'string' || c.args[0] === 'template'))
        evalType = `${c.callee} with a string`;
      else if ((c.callee.startsWith('vm.') || c.callee.endsWith('._compile')) && VM.test(c.callee))
        evalType = c.callee; // the prefix and suffix checks spare the regex for other calls
      if (evalType === undefined) continue;
      decodes ??= facts.calls.some(
        (d) =>
          DECODING_CALLS.has(d.callee) &&
          (d.callee !== 'Buffer.from' || /base64|hex/.test(spanText(file.text, d.argSpans[1]))),
      );
      const argText = c.argSpans.map((s) => spanText(file.text, s)).join(' ');
      const signals = ['eval'];
      if (
        (c.args.some((k) => k !== 'string' && k !== 'number') && DECODED.test(argText)) ||
        (traced++ < MAX_TRACED &&
          namesIn(argText).some((name) => assignedFrom(file.text, name, c.start, DECODED)))
      )
        signals.push('eval-decoded');
      if (
        REMOTE.test(argText) ||
        ON_END.test(file.text.slice(Math.max(0, c.start - 160), c.start)) ||
        (traced++ < MAX_TRACED &&
          namesIn(argText).some((name) => assignedFrom(file.text, name, c.start, REMOTE)))
      )
        signals.push('eval-remote');
      if (decodes) signals.push('decode');
      // eval('literal') and Function('return this') are common and harmless idioms.
      const harmless =
        c.args.length > 0 &&
        c.args.every((k) => k === 'string') &&
        /^\s*return this\s*;?\s*$|^\s*this\s*$/.test(c.firstString ?? '');
      if (harmless) continue;
      report({
        message: `executes code with ${evalType}`,
        severity:
          signals.includes('eval-decoded') || signals.includes('eval-remote') ? 'high' : undefined,
        evidence: [at(file, c.start, c.end)],
        props: { evalType, signals },
      });
    }
  },
});

function spanText(text: string, span: [number, number] | undefined): string {
  return span === undefined ? '' : text.slice(span[0], Math.min(span[1], span[0] + 2000));
}

/** Assignments looked at per variable, and characters of each right-hand side. */
const MAX_ASSIGNMENTS = 20;
const MAX_TRACED = 10;
const MAX_RHS = 300;

/**
 * Variables the executed expression is built from (`buf` in `buf.toString()`, `src` in
 * `'return (' + src + ')'`), outside string literals; at most a few per call.
 */
function namesIn(argText: string): string[] {
  const code = argText.slice(0, 500).replace(/(["'`])(?:\\.|(?!\1)[^\\])*\1/g, '""');
  const names = new Set<string>();
  for (const m of code.matchAll(/(?<![\w$.])[A-Za-z_$][\w$]{2,50}/g)) {
    if (!NOT_VARIABLES.has(m[0])) names.add(m[0]);
    if (names.size >= 4) break;
  }
  return [...names];
}

const NOT_VARIABLES = new Set([
  'require',
  'process',
  'return',
  'this',
  'new',
  'typeof',
  'void',
  'await',
  'function',
  'globalThis',
  'Buffer',
  'String',
  'JSON',
  'Object',
]);

/** How far before the call an assignment may be to count (the same function, in practice). */
const MAX_DISTANCE = 1_500;

/**
 * What a network response's body looks like in code: `await res.text()`, `fetch(…)` itself,
 * `res.data` / `response.body` (axios, got), `xhr.responseText`. Executing one is running
 * code fetched at run time, whether or not it was decoded first.
 */
const REMOTE =
  /\.(?:text|arrayBuffer|buffer)\s*\(\s*\)|\bfetch\s*\(|\b(?:res|resp|response|reply)\.(?:data|body)\b|\.responseText\b/;
/** Code executed in a response's `end` handler: the body the `data` events gathered. */
const ON_END = /\.on\(\s*['"`]end['"`]\s*,[^;]{0,120}$/;

/**
 * Whether the variable named by `span` is assigned something matching `pattern` (a call:
 * the right-hand side has a parenthesis) shortly before `callAt`.
 * Names of one or two characters are not traced: minifiers reuse them in every scope, so an
 * `i = atob(…)` anywhere says nothing about `Function(i)` elsewhere.
 */
function assignedFrom(text: string, name: string, callAt: number, pattern: RegExp): boolean {
  if (!/^[A-Za-z_$][\w$]{2,100}$/.test(name)) return false;
  const from = Math.max(0, callAt - MAX_DISTANCE);
  text = text.slice(from, callAt);
  const escaped = name.replace(/\$/g, '\\$');
  const re = new RegExp(`(?:^|[^\\w$.])${escaped}\\s*=(?![=>])([^;\\n]{0,${MAX_RHS}})`, 'g');
  let n = 0;
  for (let m = re.exec(text); m !== null && n < MAX_ASSIGNMENTS; m = re.exec(text), n++) {
    const rhs = m[1] as string;
    if (/\(|\.(?:data|body|responseText)\b/.test(rhs) && pattern.test(rhs)) return true;
  }
  return false;
}
