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
 * Cost: nothing for files without Greek, Cyrillic, Armenian or fullwidth letters (one regex
 * test); otherwise one bounded AST pass over identifiers and one scan of the string facts.
 */
import { visitorKeys } from 'oxc-parser';
import { at, defineDetector, type Evidence } from '../../analyzer/kit.js';

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

function identifiers(program: unknown, out: Finding[]): void {
  const stack: [Node, number][] = [[program as Node, 0]];
  let seen = 0;
  while (stack.length > 0 && seen++ < MAX_NODES && out.length < MAX_FINDINGS) {
    const [node, depth] = stack.pop() as [Node, number];
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
    if (!CANDIDATE.test(file.text)) return;
    const found: Finding[] = [];
    if (facts.program !== undefined) identifiers(facts.program, found);
    for (const s of facts.strings) {
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
