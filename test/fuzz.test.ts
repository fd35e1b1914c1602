// Fuzz-style robustness: random mutations of real corpus lockfiles (byte flips, truncation,
// deleted, duplicated and swapped lines, inserted hostile tokens) must never crash a parser,
// hang, or pollute Object.prototype. Deterministic: a seeded PRNG, so a failure reproduces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildGraph } from '../src/graph/index.js';
import { CORPUS_DIR } from './helpers/corpus.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 40);

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE = [
  '__proto__',
  'constructor',
  'prototype',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  ':',
  '\u0000',
  '\u202e',
  '- ',
  '  ',
  '\t',
  '\r\n',
  '#',
  '@',
  'node_modules/',
  '&anchor',
  '*anchor',
  '!!binary',
  '|',
  '>',
  '---',
  '"__proto__": {"polluted": 1}, ',
];

function mutate(text: string, rand: () => number): string {
  const lines = text.split('\n');
  const pick = (n: number) => Math.floor(rand() * n);
  const ops = 1 + pick(4);
  let out = text;
  for (let k = 0; k < ops; k++) {
    switch (pick(7)) {
      case 0: // truncate
        out = out.slice(0, pick(out.length));
        break;
      case 1: {
        // flip some bytes
        const chars = [...out];
        for (let i = 0; i < 1 + pick(20); i++)
          chars[pick(chars.length)] = String.fromCharCode(pick(128));
        out = chars.join('');
        break;
      }
      case 2: // delete a run of lines
        lines.splice(pick(lines.length), 1 + pick(5));
        out = lines.join('\n');
        break;
      case 3: {
        // duplicate a run of lines (duplicate keys)
        const at = pick(lines.length);
        lines.splice(at, 0, ...lines.slice(at, at + 1 + pick(8)));
        out = lines.join('\n');
        break;
      }
      case 4: {
        // insert hostile tokens
        const at = pick(out.length);
        out = out.slice(0, at) + (HOSTILE[pick(HOSTILE.length)] ?? '') + out.slice(at);
        break;
      }
      case 5: {
        // change indentation of a line
        const at = pick(lines.length);
        lines[at] = ' '.repeat(pick(9)) + (lines[at] ?? '').trimStart();
        out = lines.join('\n');
        break;
      }
      default: {
        // deep nesting bomb
        const depth = 2000 + pick(50000);
        out = out.slice(0, pick(out.length)) + '['.repeat(depth) + '{'.repeat(pick(100));
      }
    }
  }
  return out;
}

interface Sample {
  path: string;
  text: string;
  manifest: string;
}

function samples(): Sample[] {
  if (!existsSync(CORPUS_DIR)) return [];
  const out: Sample[] = [];
  for (const name of readdirSync(CORPUS_DIR).sort()) {
    const dir = join(CORPUS_DIR, name);
    for (const lock of ['package-lock.json', 'yarn.lock', 'pnpm-lock.yaml']) {
      const file = join(dir, lock);
      // Small and medium files keep the run short; the mutations matter, not the size.
      if (!existsSync(file) || readFileSync(file).length > 250_000) continue;
      const manifest = existsSync(join(dir, 'package.json'))
        ? readFileSync(join(dir, 'package.json'), 'utf8')
        : '{}';
      out.push({ path: lock, text: readFileSync(file, 'utf8'), manifest });
    }
  }
  return out;
}

test('mutated_corpus_lockfiles_never_crash_hang_or_pollute', { timeout: 300_000 }, () => {
  const all = samples();
  assert.ok(all.length >= 10, 'corpus samples present');
  const rand = prng(SEED);
  let runs = 0;
  for (const sample of all) {
    for (let i = 0; i < ITERATIONS; i++) {
      const text = mutate(sample.text, rand);
      const manifest = rand() < 0.3 ? mutate(sample.manifest, rand) : sample.manifest;
      const started = performance.now();
      const graph = buildGraph([
        { path: 'package.json', bytes: Buffer.from(manifest) },
        { path: sample.path, bytes: Buffer.from(text) },
      ]);
      const elapsed = performance.now() - started;
      const crashed = graph.problems.filter((p) => p.code === 'parser-crashed');
      assert.deepEqual(crashed, [], `seed ${SEED} ${sample.path} iteration ${i}: a parser threw`);
      assert.ok(
        elapsed < 5000,
        `seed ${SEED} ${sample.path} iteration ${i} took ${elapsed.toFixed(0)} ms`,
      );
      assert.equal(
        ({} as Record<string, unknown>).polluted,
        undefined,
        'Object.prototype was polluted',
      );
      assert.ok(Array.isArray(graph.packages));
      runs++;
    }
  }
  assert.ok(runs > 0);
});
