/**
 * A tiny constant folder for module specifiers: given the source text of a `require()` or
 * `import()` argument, computes the string it evaluates to when it is built only from literals
 * (concatenation, templates, base64/hex/char-code decoding, reversal, string methods), and
 * says which of those techniques were used. Anything else (a variable, a property read, a
 * call to unknown code) makes the specifier genuinely dynamic: undefined.
 *
 * It never runs package code: it interprets a handful of pure operations on literals itself,
 * with bounded depth and bounded string sizes. Shared by obfuscatedRequire (what it decodes)
 * and dynamicRequire (what is left once the decodable ones are taken out).
 */
import { parseSync } from 'oxc-parser';

export interface Folded {
  value: string;
  techniques: string[];
}

type Node = { type: string; start: number; end: number; [key: string]: unknown };
type Value = string | number | Value[];

const MAX_TEXT = 2_000;
const MAX_DEPTH = 24;
const MAX_VALUE = 512;
/** Techniques that decode data, as opposed to merely joining literal pieces. */
export const DECODING = new Set(['base64', 'hex', 'char-codes', 'reverse', 'uri-decoding']);

export function foldSpecifier(argText: string): Folded | undefined {
  if (argText.length === 0 || argText.length > MAX_TEXT) return undefined;
  let program: { body: Node[] };
  try {
    const result = parseSync('specifier.js', `(${argText});`);
    if (result.errors.length > 0) return undefined;
    program = result.program as unknown as { body: Node[] };
  } catch {
    return undefined;
  }
  const statement = program.body[0];
  if (program.body.length !== 1 || statement?.type !== 'ExpressionStatement') return undefined;
  const techniques = new Set<string>();
  const value = fold(statement.expression as Node, techniques, 0);
  if (typeof value !== 'string' || techniques.size === 0) return undefined;
  return { value, techniques: [...techniques].sort() };
}

function fold(node: Node | undefined, t: Set<string>, depth: number): Value | undefined {
  if (node === undefined || node === null || depth > MAX_DEPTH) return undefined;
  const d = depth + 1;
  switch (node.type) {
    case 'Literal':
      return typeof node.value === 'string' || typeof node.value === 'number'
        ? node.value
        : undefined;
    case 'ParenthesizedExpression':
      return fold(node.expression as Node, t, d);
    case 'TemplateLiteral': {
      const quasis = node.quasis as Node[];
      const expressions = node.expressions as Node[];
      let out = '';
      for (let i = 0; i < quasis.length; i++) {
        const cooked = (quasis[i]?.value as { cooked?: string | null }).cooked;
        if (typeof cooked !== 'string') return undefined;
        out += cooked;
        if (i < expressions.length) {
          const v = fold(expressions[i], t, d);
          if (typeof v !== 'string' && typeof v !== 'number') return undefined;
          out += String(v);
        }
      }
      if (expressions.length > 0) t.add('template');
      return bounded(out);
    }
    case 'BinaryExpression': {
      if (node.operator !== '+') return undefined;
      const l = fold(node.left as Node, t, d);
      const r = fold(node.right as Node, t, d);
      if (
        (typeof l !== 'string' && typeof l !== 'number') ||
        (typeof r !== 'string' && typeof r !== 'number')
      )
        return undefined;
      if (typeof l === 'number' && typeof r === 'number') return l + r;
      t.add('concatenation');
      return bounded(String(l) + String(r));
    }
    case 'ArrayExpression': {
      const out: Value[] = [];
      for (const e of node.elements as (Node | null)[]) {
        if (e === null || out.length > MAX_VALUE) return undefined;
        const v = fold(e, t, d);
        if (v === undefined) return undefined;
        out.push(v);
      }
      return out;
    }
    case 'CallExpression':
      return call(node, t, d);
  }
  return undefined;
}

function bounded(s: string): string | undefined {
  return s.length > MAX_VALUE ? undefined : s;
}

function args(node: Node, t: Set<string>, depth: number): Value[] | undefined {
  const out: Value[] = [];
  for (const a of node.arguments as Node[]) {
    if (a.type === 'SpreadElement') {
      const v = fold(a.argument as Node, t, depth);
      if (!Array.isArray(v)) return undefined;
      out.push(...v);
      continue;
    }
    const v = fold(a, t, depth);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

function calleeName(callee: Node): string | undefined {
  if (callee.type === 'Identifier') return callee.name as string;
  if (callee.type === 'MemberExpression' && callee.computed !== true) {
    const object = callee.object as Node;
    const prop = (callee.property as Node).name as string;
    if (object.type === 'Identifier') return `${object.name as string}.${prop}`;
  }
  return undefined;
}

function call(node: Node, t: Set<string>, depth: number): Value | undefined {
  const callee = node.callee as Node;
  const name = calleeName(callee);
  const a = args(node, t, depth);
  if (a === undefined) return undefined;
  switch (name) {
    case 'atob':
      if (typeof a[0] !== 'string') return undefined;
      t.add('base64');
      return bounded(Buffer.from(a[0], 'base64').toString('latin1'));
    case 'Buffer.from': {
      const enc = a[1] === undefined ? 'utf8' : a[1];
      if (Array.isArray(a[0])) {
        if (!a[0].every((n) => typeof n === 'number')) return undefined;
        t.add('char-codes');
        return bounded(Buffer.from(a[0] as number[]).toString('latin1'));
      }
      if (typeof a[0] !== 'string' || typeof enc !== 'string') return undefined;
      if (enc === 'base64' || enc === 'base64url') t.add('base64');
      else if (enc === 'hex') t.add('hex');
      else if (!/^(utf-?8|latin1|binary|ascii)$/i.test(enc)) return undefined;
      return bounded(Buffer.from(a[0], enc as BufferEncoding).toString('utf8'));
    }
    case 'String.fromCharCode':
    case 'String.fromCodePoint':
      if (!a.every((n) => typeof n === 'number' && n >= 0 && n <= 0x10ffff)) return undefined;
      t.add('char-codes');
      return bounded(a.map((n) => String.fromCodePoint(n as number)).join(''));
    case 'decodeURIComponent':
    case 'decodeURI':
    case 'unescape':
      if (typeof a[0] !== 'string') return undefined;
      t.add('uri-decoding');
      try {
        return bounded(decodeURIComponent(a[0]));
      } catch {
        return undefined;
      }
  }
  // Methods on a folded value: x.split('').reverse().join(''), Buffer#toString, slices.
  if (callee.type !== 'MemberExpression' || callee.computed === true) return undefined;
  const method = (callee.property as Node).name as string;
  const target = fold(callee.object as Node, t, depth);
  if (target === undefined) return undefined;
  if (Array.isArray(target)) {
    if (method === 'reverse' && a.length === 0) {
      t.add('reverse');
      return [...target].reverse();
    }
    if (method === 'join') {
      if (!target.every((v) => typeof v === 'string' || typeof v === 'number')) return undefined;
      t.add('concatenation');
      return bounded(target.join(typeof a[0] === 'string' ? a[0] : ','));
    }
    return undefined;
  }
  const s = String(target);
  t.add('string-methods');
  switch (method) {
    case 'toString':
      return s;
    case 'split':
      return typeof a[0] === 'string' ? s.split(a[0]).slice(0, MAX_VALUE) : undefined;
    case 'concat':
      return bounded(s + a.map(String).join(''));
    case 'replace':
    case 'replaceAll':
      return typeof a[0] === 'string' && typeof a[1] === 'string'
        ? bounded(
            method === 'replace' ? s.replace(a[0], () => a[1] as string) : s.split(a[0]).join(a[1]),
          )
        : undefined;
    case 'slice':
    case 'substring':
      return a.every((n) => typeof n === 'number')
        ? method === 'slice'
          ? s.slice(a[0] as number, a[1] as number | undefined)
          : s.substring(a[0] as number, a[1] as number | undefined)
        : undefined;
    case 'toLowerCase':
      return s.toLowerCase();
    case 'toUpperCase':
      return s.toUpperCase();
    case 'trim':
      return s.trim();
  }
  return undefined;
}
