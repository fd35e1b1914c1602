import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { similarity, sketch, SKETCH_SIZE } from './sketch.js';

const fn = (i: number, body = `return x * ${i} + ${i * 7};`) => `function f${i}(x) { ${body} }\n`;
const source = (n: number, change = new Set<number>()) =>
  Array.from({ length: n }, (_, i) => fn(i, change.has(i) ? `return x - ${i};` : undefined)).join(
    '',
  );

describe('statement sketch', () => {
  it('keeps the k smallest distinct chunk hashes, whitespace aside', () => {
    const s = sketch(source(100));
    assert.equal(s.length, SKETCH_SIZE);
    assert.deepEqual(
      [...s].sort((a, b) => a - b),
      s,
    );
    assert.equal(new Set(s).size, s.length);
    assert.deepEqual(sketch('a = 1;\nb = 2;'.replace(/ /g, '  ')), sketch('a = 1;\nb = 2;'));
  });

  it('estimates how much code two versions share', () => {
    const base = sketch(source(200));
    assert.equal(similarity(base, sketch(source(200))), 1);
    // Three of two hundred functions changed: still almost the same file.
    assert.ok(similarity(base, sketch(source(200, new Set([3, 50, 120])))) >= 0.8);
    // Reformatting (whitespace) changes nothing.
    assert.equal(similarity(base, sketch(source(200).replace(/ /g, '\t'))), 1);
    // Unrelated code shares nothing.
    const other = Array.from({ length: 200 }, (_, i) => `const v${i} = load('${i}');\n`).join('');
    assert.ok(similarity(base, sketch(other)) <= 0.1);
    assert.equal(similarity([], []), 1);
  });
});
