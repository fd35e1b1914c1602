/**
 * usesEval: dynamic code execution: eval, Function (with or without new), string timers, the
 * vm module and Module#_compile. When what is executed is visibly decoded data (base64, hex,
 * char codes, decryption), the call is marked `eval-decoded`, the core of a packed payload;
 * also when the argument is a variable the file assigns from such a call
 * (`const code = atob(blob); eval(code)`), found by a bounded look at its assignments.
 */
import { at, defineDetector } from '../../analyzer/kit.js';

const DIRECT = new Set(['eval', 'Function', 'globalThis.eval', 'window.eval', 'global.eval']);
const TIMERS = new Set(['setTimeout', 'setInterval', 'setImmediate']);
const VM =
  /^vm\.(runInNewContext|runInThisContext|runInContext|compileFunction|Script|SourceTextModule)$|^(module|Module)\._compile$|\._compile$/;
const DECODED =
  /\batob\b|base64|\bfromCharCode\b|\bdecrypt|\bdecipher|createDecipheriv|\bunescape\b|['"]hex['"]|\binflate|\bgunzip|\breverse\(\)/i;
const DECODING_CALLS =
  /^(atob|Buffer\.from|String\.fromCharCode|crypto\.createDecipheriv|zlib\.(inflateSync|gunzipSync|brotliDecompressSync)|decodeURIComponent|unescape)$/;

export const detector = defineDetector({
  meta: {
    id: 'usesEval',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'middle',
    title: 'Uses eval',
    description: 'The code executes strings as code (eval, Function, vm, string timers).',
  },
  js(file, facts, report) {
    const decodes = facts.calls.some(
      (c) =>
        DECODING_CALLS.test(c.callee) &&
        (c.callee !== 'Buffer.from' || /base64|hex/.test(spanText(file.text, c.argSpans[1]))),
    );
    let traced = 0; // variables traced per file: each trace reads the file once
    for (const c of facts.calls) {
      let evalType: string | undefined;
      if (DIRECT.has(c.callee))
        evalType = c.callee.endsWith('eval') ? 'eval' : c.isNew ? 'new Function' : 'Function';
      else if (TIMERS.has(c.callee) && (c.args[0] === 'string' || c.args[0] === 'template'))
        evalType = `${c.callee} with a string`;
      else if (VM.test(c.callee)) evalType = c.callee;
      if (evalType === undefined) continue;
      const argText = c.argSpans.map((s) => spanText(file.text, s)).join(' ');
      const signals = ['eval'];
      if (
        (c.args.some((k) => k === 'call') && DECODED.test(argText)) ||
        (traced++ < MAX_TRACED &&
          c.args.some((k, i) => k === 'identifier' && assignedDecoded(file.text, c.argSpans[i])))
      )
        signals.push('eval-decoded');
      if (decodes) signals.push('decode');
      // eval('literal') and Function('return this') are common and harmless idioms.
      const harmless =
        c.args.length > 0 &&
        c.args.every((k) => k === 'string') &&
        /^\s*return this\s*;?\s*$|^\s*this\s*$/.test(c.firstString ?? '');
      if (harmless) continue;
      report({
        message: `executes code with ${evalType}`,
        severity: signals.includes('eval-decoded') ? 'high' : undefined,
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

/** Whether the variable named by `span` is assigned, somewhere in the file, a decoding call. */
function assignedDecoded(text: string, span: [number, number] | undefined): boolean {
  if (span === undefined) return false;
  const name = text.slice(span[0], span[1]);
  if (!/^[A-Za-z_$][\w$]{0,100}$/.test(name)) return false;
  const escaped = name.replace(/\$/g, '\\$');
  const re = new RegExp(`(?:^|[^\\w$.])${escaped}\\s*=(?![=>])([^;\\n]{0,${MAX_RHS}})`, 'g');
  let n = 0;
  for (let m = re.exec(text); m !== null && n < MAX_ASSIGNMENTS; m = re.exec(text), n++) {
    const rhs = m[1] as string;
    if (/\(/.test(rhs) && DECODED.test(rhs)) return true;
  }
  return false;
}
