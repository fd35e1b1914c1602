/**
 * homoglyphs: identifiers and strings that mix Latin letters with look-alike letters from
 * other scripts (Cyrillic `а е о р с х`, Greek `ο ν ρ`, Armenian `օ`, fullwidth Latin). Such a
 * word reads as plain English but is a different name: a second `requіre` that shadows the
 * real one, a `pаypal.com` that is another domain, a `child_prоcess` that a naive scanner
 * skips. An identifier made only of look-alikes is flagged when it spells a name that matters
 * (`ехес`, `еval`, `process`).
 *
 * False positives come from real text in those scripts: Russian comments and UI strings
 * (often with one Latin letter typed by mistake), character ranges like `а-яa-z`, Greek maths
 * symbols. So comments are never read (identifiers come from the AST, strings from the facts),
 * a string word is flagged only when Latin is its majority script with at least two Latin
 * letters, and only letters in the confusable table count, not every Cyrillic or Greek letter.
 *
 * Cost: nothing for pure ASCII files (the engine knows from the bytes), one regex test for files
 * without Greek, Cyrillic, Armenian or fullwidth letters; otherwise one bounded AST pass over
 * identifiers, entering only the subtrees whose source holds such a letter or an escape, and
 * one scan of the string facts.
 */
import { visitorKeys } from 'oxc-parser';
import { at, defineDetector, type Evidence } from '../../analyzer/kit.js';
import { hasNonAscii } from '../../analyzer/text.js';

/** Look-alike letters and the Latin letter they pass for. */
const CONFUSABLE = new Map<number, string>();
const addPairs = (pairs: string): void => {
  for (let i = 0; i + 1 < pairs.length; i += 2)
    CONFUSABLE.set(pairs.codePointAt(i) as number, pairs[i + 1] as string);
};
// Cyrillic
addPairs('аaеeоoрpсcуyхxіiјjѕsԁdԛqԝwһhӏlАAВBЕEКKМMНHОOРPСCТTХXУYІIЈJЅSԌG');
// Greek
addPairs('οoαaνvιiκkρpυuΑAΒBΕEΖZΗHΙIΚKΜMΝNΟOΡPΤTΥYΧX');
// Armenian
addPairs('օoսuհhոnցg');
// Fullwidth Latin
for (let c = 0xff21; c <= 0xff3a; c++) CONFUSABLE.set(c, String.fromCharCode(c - 0xff21 + 0x41));
for (let c = 0xff41; c <= 0xff5a; c++) CONFUSABLE.set(c, String.fromCharCode(c - 0xff41 + 0x61));

const CANDIDATE = /[\u0370-\u058f\uff21-\uff5a]/;
/** Where an identifier may hold a look-alike: the letter itself, or a `\u` escape spelling one. */
const CANDIDATE_AT = /[\u0370-\u058f\uff21-\uff5a]|\\u/g;
/** Beyond this many places, the AST pass enters every subtree (still bounded by MAX_NODES). */
const MAX_PLACES = 100_000;
const WORD = /[\p{L}\p{M}\p{N}_$]+/gu;
/** Names worth flagging even when spelt with look-alikes only. */
const SENSITIVE = new Set([
  'require',
  'exec',
  'execSync',
  'spawn',
  'eval',
  'process',
  'env',
  'module',
  'exports',
  'global',
  'globalThis',
  'window',
  'document',
  'console',
  'child_process',
  'fetch',
  'http',
  'https',
  'fs',
  'Function',
  'constructor',
  'prototype',
  'password',
  'token',
  'admin',
]);
const MAX_NODES = 2_000_000;
const MAX_DEPTH = 2_000;
const MAX_FINDINGS = 10;

interface Finding {
  word: string;
  looksLike: string;
  where: 'identifier' | 'string';
  start: number;
  end: number;
}

/** The Latin skeleton of a word and its letter counts, or undefined when nothing is confusable. */
function analyse(
  word: string,
): { latin: number; confusable: number; skeleton: string } | undefined {
  let latin = 0;
  let confusable = 0;
  let skeleton = '';
  for (const ch of word) {
    const c = ch.codePointAt(0) as number;
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) {
      latin++;
      skeleton += ch;
      continue;
    }
    const look = CONFUSABLE.get(c);
    if (look !== undefined) {
      confusable++;
      skeleton += look;
    } else if (c < 0x80) skeleton += ch;
    else return undefined; // a letter with no Latin twin: real text in another script
  }
  return confusable === 0 ? undefined : { latin, confusable, skeleton };
}

type Node = { type: string; start: number; end: number; [key: string]: unknown };

/**
 * The sorted offsets of `CANDIDATE_AT` in the text, or undefined when there are too many to
 * be worth it. An identifier that holds a look-alike letter has one inside its span, so a
 * subtree whose span has none cannot hold a finding and is not entered.
 */
function places(text: string): number[] | undefined {
  const out: number[] = [];
  CANDIDATE_AT.lastIndex = 0;
  for (let m = CANDIDATE_AT.exec(text); m !== null; m = CANDIDATE_AT.exec(text)) {
    if (out.length >= MAX_PLACES) return undefined;
    out.push(m.index);
  }
  return out;
}

/** Whether a sorted list has a value in [start, end). */
function anyIn(sorted: readonly number[], start: number, end: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < start) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && (sorted[lo] as number) < end;
}

/**
 * Whether a subtree may hold a look-alike. Children lie inside their parent's span, with one
 * known exception: decorators written before `export` (`@dec export class A {}`) are outside
 * both the export's span and the class's, so those nodes are always entered.
 */
function mayHold(node: Node, where: readonly number[]): boolean {
  if (typeof node.start !== 'number' || typeof node.end !== 'number') return true;
  if (node.type.startsWith('Export')) return true;
  if (Array.isArray(node.decorators) && node.decorators.length > 0) return true;
  return anyIn(where, node.start, node.end);
}

function identifiers(program: unknown, text: string, out: Finding[]): void {
  const where = places(text);
  const stack: [Node, number][] = [[program as Node, 0]];
  let seen = 0;
  while (stack.length > 0 && seen++ < MAX_NODES && out.length < MAX_FINDINGS) {
    const [node, depth] = stack.pop() as [Node, number];
    if (where !== undefined && !mayHold(node, where)) continue;
    if (
      (node.type === 'Identifier' ||
        node.type === 'PrivateIdentifier' ||
        node.type === 'JSXIdentifier') &&
      typeof node.name === 'string' &&
      CANDIDATE.test(node.name)
    ) {
      const a = analyse(node.name);
      if (a !== undefined && (a.latin > 0 || SENSITIVE.has(a.skeleton)))
        out.push({
          word: node.name,
          looksLike: a.skeleton,
          where: 'identifier',
          start: node.start,
          end: node.end,
        });
    }
    if (depth >= MAX_DEPTH) continue;
    const keys = (visitorKeys as Record<string, readonly string[] | undefined>)[node.type];
    if (keys === undefined) continue;
    for (const key of keys) {
      const child = node[key];
      if (Array.isArray(child)) {
        for (const c of child) if (isNode(c)) stack.push([c, depth + 1]);
      } else if (isNode(child)) stack.push([child, depth + 1]);
    }
  }
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as Node).type === 'string';
}

export const detector = defineDetector({
  meta: {
    id: 'homoglyphs',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'middle',
    title: 'Unicode homoglyphs',
    description:
      'Identifiers or strings mix Latin letters with look-alike letters from other scripts (Cyrillic, Greek, fullwidth).',
  },
  js(file, facts, report) {
    if (!hasNonAscii(file) || !CANDIDATE.test(file.text)) return;
    const found: Finding[] = [];
    if (facts.program !== undefined) identifiers(facts.program, file.text, found);
    for (const s of facts.strings) {
      if (s.folded === true) continue; // built by the code: how it looks means nothing
      if (found.length >= MAX_FINDINGS * 2) break;
      const value = s.value.length > 4096 ? s.value.slice(0, 4096) : s.value;
      if (!CANDIDATE.test(value)) continue;
      WORD.lastIndex = 0;
      for (let m = WORD.exec(value); m !== null; m = WORD.exec(value)) {
        const a = analyse(m[0]);
        if (a === undefined) continue;
        const latinMajority = a.latin >= 2 && a.latin > a.confusable;
        if (!latinMajority && !SENSITIVE.has(a.skeleton)) continue;
        found.push({
          word: m[0],
          looksLike: a.skeleton,
          where: 'string',
          start: s.start,
          end: s.end,
        });
        break; // one finding per literal
      }
    }
    const groups: Record<Finding['where'], Finding[]> = { identifier: [], string: [] };
    for (const f of found) groups[f.where].push(f);
    for (const where of ['identifier', 'string'] as const) {
      const list = groups[where];
      if (list.length === 0) continue;
      const evidence: Evidence[] = list.slice(0, 5).map((f) => at(file, f.start, f.end));
      report({
        message: `${where === 'identifier' ? 'identifiers' : 'strings'} mix look-alike letters from different scripts`,
        severity: where === 'identifier' ? 'high' : 'middle',
        confidence: where === 'identifier' ? 0.9 : 0.7,
        evidence,
        props: {
          words: [...new Map(list.map((f) => [f.word, f.looksLike]))]
            .slice(0, MAX_FINDINGS)
            .map(([word, looksLike]) => ({ word, looksLike })),
        },
      });
    }
  },
});
